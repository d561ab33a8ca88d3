# Labs 4-6 of tests/labs/check_lab.sh (sourced by it: uses its run, compare, ok, bad, stat, $tmp).
case "$N" in
4) # bank conflicts: C bit-identical to kernels/matmul_tiled.tgasm (same k order), conflicts gone.
  "$PYTHON" -c "
import numpy as np; r = np.random.default_rng(4)
r.standard_normal((64, 64)).astype(np.float32).tofile('$tmp/a.f32'); r.standard_normal((64, 64)).astype(np.float32).tofile('$tmp/b.f32')"
  mm=(--grid 4,4 --block 16,16 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" --arg out:16384:"$tmp/c.f32"
      --arg u32:64 --arg u32:64 --arg u32:64 --mode cycle --config teach --stats-json "$tmp/s.json")
  "$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" "${mm[@]/c.f32/ref.f32}" > /dev/null || bad "reference kernel failed"
  if run cycle "${mm[@]}"; then
    compare "C = A B (bit-identical to kernels/matmul_tiled.tgasm)" "$tmp/c.f32" "$tmp/ref.f32" float32 || fails=$((fails + 1))
    bc=$(stat "$tmp/s.json" bank_conflict_cycles)
    if [ "$bc" -le 2048 ]; then ok "bank-conflict cycles $bc <= 2048 (the unpadded starter: 60928)"
    else bad "bank-conflict cycles $bc > 2048: lanes still read words a multiple of 32 words apart (pad the rows of Bt)"; fi
  fi ;;
5) # scheduling: the student's measured numbers, re-measured here.
  sed -e 's/^max_blocks_per_sm = .*/max_blocks_per_sm = 16/' "$TG_ROOT/sim/presets/teach.cfg" > "$tmp/base.cfg"
  "$PYTHON" -c "
import numpy as np; r = np.random.default_rng(5)
r.standard_normal(16384).astype(np.float32).tofile('$tmp/a.f32'); r.standard_normal(16384).astype(np.float32).tofile('$tmp/b.f32')
r.standard_normal((48, 48)).astype(np.float32).tofile('$tmp/ma.f32'); r.standard_normal((48, 48)).astype(np.float32).tofile('$tmp/mb.f32')"
  answer() { sed -n "s/^$1 *= *\([^ ]*\) *$/\1/p" "$SOL" | head -n 1; }
  for w in 1 2 4 8 16; do
    sed "s/^max_warps_per_sm = .*/max_warps_per_sm = $w/" "$tmp/base.cfg" > "$tmp/w$w.cfg"
    "$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" --grid 512 --block 32 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" \
      --arg out:65536:"$tmp/c.f32" --arg u32:16384 --mode cycle --config "$tmp/w$w.cfg" --stats-json "$tmp/w$w.json" > /dev/null
    want=$("$PYTHON" -c "import json; print('%.3f' % json.load(open('$tmp/w$w.json'))['ipc'])"); got=$(answer ipc_w$w)
    if [ -z "$got" ]; then bad "ipc_w$w: no value given"
    elif "$PYTHON" -c "import sys; sys.exit(0 if abs(float('$got') - $want) <= 0.0015 else 1)" 2>/dev/null; then ok "ipc_w$w = $got"
    else bad "ipc_w$w = $got, but the simulator measures $want"; fi
  done
  best=""; bestc=0
  for p in lrr gto two_level; do
    sed "s/^policy = .*/policy = $p/" "$TG_ROOT/sim/presets/teach.cfg" > "$tmp/$p.cfg"
    "$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" --grid 3,3 --block 16,16 --arg in:"$tmp/ma.f32" --arg in:"$tmp/mb.f32" \
      --arg out:9216:"$tmp/mc.f32" --arg u32:48 --arg u32:48 --arg u32:48 --mode cycle --config "$tmp/$p.cfg" \
      --stats-json "$tmp/$p.json" > /dev/null
    want=$(stat "$tmp/$p.json" cycles); got=$(answer cycles_$p)
    if [ -z "$got" ]; then bad "cycles_$p: no value given"
    elif [ "$got" = "$want" ]; then ok "cycles_$p = $got"
    else bad "cycles_$p = $got, but the simulator measures $want"; fi
    if [ -z "$best" ] || [ "$want" -lt "$bestc" ]; then best=$p; bestc=$want; fi
  done
  got=$(answer best_policy)
  if [ "$got" = "$best" ]; then ok "best_policy = $got"; else bad "best_policy = ${got:-(none)}, but the fastest is $best"; fi ;;
6) # RMSNorm in CUDA C: C reference semantics, the H100 golden, then speed (n = 4096, one block).
  if ! "$TGPU" ptx "$SOL" -o "$tmp/k.tgbin" > "$tmp/ptx.log" 2>&1; then bad "compile: $(grep -m 1 -i 'error' "$tmp/ptx.log" || tail -n 1 "$tmp/ptx.log")"
  else
    SOL="$tmp/k.tgbin"; g="$TG_ROOT/tests/goldens/rmsnorm"
    "$PYTHON" -c "
import numpy as np; r = np.random.default_rng(6)
r.standard_normal(4096).astype(np.float32).tofile('$tmp/x.f32'); r.uniform(0.5, 1.5, 4096).astype(np.float32).tofile('$tmp/w.f32')"
    if run golden --grid 1 --block 256 --arg in:"$g/x.bin" --arg in:"$g/w.bin" --arg out:3108:"$tmp/yg.f32" \
           --arg i32:777 --arg f32:1e-5; then
      "$PYTHON" - "$g" "$tmp" <<'PY'; fails=$((fails + $?))
import sys, numpy as np
g, t = sys.argv[1:3]
x, w = np.fromfile(f"{g}/x.bin", np.float32), np.fromfile(f"{g}/w.bin", np.float32)
y, h100 = np.fromfile(f"{t}/yg.f32", np.float32), np.fromfile(f"{g}/y.gpu.bin", np.float32)
eps = np.float32(1e-5)                            # the golden case's eps (bits 0x3727c5ac)
ss = np.float32(0)
for v in x: ss = np.float32(ss + v * v)            # tg_ref_rmsnorm, in float32, in its order
scale = np.float32(1) / np.sqrt(np.float32(ss / np.float32(len(x)) + eps))
ref = x * scale * w
# a different summation order moves ss by at most n ulps; scale, then two products, a few more
tol = (len(x) + 8) * 2.0**-24 * np.abs(ref) + 1e-30
rc = 0
for name, want in (("the C reference tg_ref_rmsnorm", ref), ("the H100 golden tests/goldens/rmsnorm", h100)):
    bad = np.nonzero(np.abs(y - want) > tol)[0]
    if len(bad) == 0: print(f"  ok     n = 777: matches {name} within (n + 8) 2^-24 |y|")
    else:
        i = bad[0]; rc += 1
        print(f"  WRONG  n = 777: {len(bad)} of 777 values differ from {name}; first [{i}]: got {y[i]}, expected {want[i]}")
sys.exit(rc)
PY
    fi
    if run speed --grid 1 --block 256 --arg in:"$tmp/x.f32" --arg in:"$tmp/w.f32" --arg out:16384:"$tmp/y.f32" \
           --arg i32:4096 --arg f32:1e-5 --mode cycle --config teach --stats-json "$tmp/s.json"; then
      cy=$(stat "$tmp/s.json" cycles); co=$(stat "$tmp/s.json" coalescing)
      if [ "$cy" -le 50000 ]; then ok "n = 4096: $cy cycles <= 50000 (the one-thread starter, TODO filled in: 491237)"
      else bad "n = 4096: $cy cycles > 50000: spread the row over all 256 threads"; fi
      if "$PYTHON" -c "import sys; sys.exit(0 if $co >= 0.9 else 1)"; then ok "n = 4096: coalescing $co >= 0.9"
      else bad "n = 4096: coalescing $co < 0.9: let neighbouring threads read neighbouring elements"; fi
    fi
  fi ;;
*) echo "check_lab: no lab $N (labs are 1 to 6)" >&2; exit 2 ;;
esac
