#!/usr/bin/env bash
# Lab checker: check_lab.sh N SOLUTION (what `make lab N=3 SOL=path` runs). Runs the student's
# solution of docs/labs/labN-*.md on the simulator, compares its output with a reference computed
# here (numpy), applies the lab's performance criterion from --stats-json, and prints one line per
# check: "ok" or "WRONG" with what was expected. Exit 0 only when every check passes.
set -u
N="${1:-}"; SOL="${2:-}"
: "${TG_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}" "${PYTHON:=python3}"
: "${TGPU:=$TG_ROOT/build/tgpu}"
if [ -z "$N" ] || [ -z "$SOL" ]; then echo "usage: check_lab.sh N SOLUTION   (or: make lab N=1 SOL=my.tgasm)" >&2; exit 2; fi
[ -f "$SOL" ] || { echo "check_lab: $SOL: no such file" >&2; exit 2; }
[ -x "$TGPU" ] || { echo "check_lab: $TGPU not built (run make)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
ok()  { echo "  ok     $*"; }
bad() { echo "  WRONG  $*"; fails=$((fails + 1)); }
# run NAME ARGS...: tgpu run the solution; on failure print the simulator's message and fail.
run() {
  local name="$1"; shift
  if "$TGPU" run "$SOL" "$@" >"$tmp/$name.log" 2>&1; then return 0; fi
  bad "$name: the simulator stopped: $(tail -n 1 "$tmp/$name.log")"; return 1
}
stat() { "$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
# compare NAME GOT EXPECTED DTYPE: exact element-wise comparison, first mismatch shown.
compare() {
  "$PYTHON" - "$@" <<'PY'
import sys, numpy as np
name, got, exp, dt = sys.argv[1:5]
g, e = np.fromfile(got, dtype=dt), np.fromfile(exp, dtype=dt)
bad = np.nonzero(g != e)[0] if g.size == e.size else [0]
if len(bad) == 0: print(f"  ok     {name}: all {e.size} elements match"); sys.exit(0)
i = bad[0]
print(f"  WRONG  {name}: {len(bad)} of {e.size} elements differ; first at [{i}]: got {g[i]}, expected {e[i]}")
sys.exit(1)
PY
}
echo "lab $N: checking $SOL"
case "$N" in
1) # vector add: correct results, including a size that is not a multiple of the block.
  "$PYTHON" -c "
import numpy as np; r = np.random.default_rng(1)
a = r.standard_normal(1000).astype(np.float32); b = r.standard_normal(1000).astype(np.float32)
a.tofile('$tmp/a.f32'); b.tofile('$tmp/b.f32'); (a + b).tofile('$tmp/ref.f32')"
  for g in "4 1000" "1 256"; do
    set -- $g; n=$2
    head -c $((n * 4)) "$tmp/ref.f32" > "$tmp/ref$n.f32"
    if run "n=$n" --grid "$1" --block 256 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" \
           --arg out:$((n * 4)):"$tmp/c$n.f32" --arg u32:"$n"; then
      compare "c = a + b with n = $n" "$tmp/c$n.f32" "$tmp/ref$n.f32" float32 || fails=$((fails + 1))
    fi
  done ;;
2) # divergence: same output, and SIMD efficiency (thread-instrs / (32 x warp-instrs)) >= 0.9.
  "$PYTHON" -c "
import numpy as np; x = np.random.default_rng(2).integers(0, 2**32, 4096, dtype=np.uint32); x.tofile('$tmp/x.u32')
y = x.copy()
for e in range(4096):
    v = int(x[e])
    for _ in range(16):
        if e % 2 == 0: v = (v * 1664525 + 1013904223) & 0xffffffff
        else:
            v ^= (v << 13) & 0xffffffff; v ^= v >> 17; v ^= (v << 5) & 0xffffffff
    y[e] = v
y.tofile('$tmp/ref.u32')"
  if run cycle --grid 16 --block 256 --arg in:"$tmp/x.u32" --arg out:16384:"$tmp/y.u32" --arg u32:4096 \
         --mode cycle --config teach --stats-json "$tmp/s.json"; then
    compare "y = mix(x)" "$tmp/y.u32" "$tmp/ref.u32" uint32 || fails=$((fails + 1))
    eff=$("$PYTHON" -c "import json; s = json.load(open('$tmp/s.json')); print('%.3f' % (s['thread_instrs'] / (32 * s['warp_instrs'])))")
    if "$PYTHON" -c "import sys; sys.exit(0 if $eff >= 0.9 else 1)"; then ok "SIMD efficiency $eff >= 0.9 (the branch is warp-uniform)"
    else bad "SIMD efficiency $eff < 0.9: lanes of a warp still take different paths (thread_instrs / (32 x warp_instrs))"; fi
  fi ;;
3) # coalescing: same output, coalescing >= 0.9 and DRAM bytes within 1.25x of the 2 x 64 KiB moved.
  "$PYTHON" -c "
import numpy as np; x = np.random.default_rng(3).integers(0, 2**32, 16384, dtype=np.uint32); x.tofile('$tmp/x.u32')
(x + np.uint32(1)).tofile('$tmp/ref.u32')"
  if run cycle --grid 4 --block 256 --arg in:"$tmp/x.u32" --arg out:65536:"$tmp/y.u32" --arg u32:16384 \
         --mode cycle --config teach --stats-json "$tmp/s.json"; then
    compare "y = x + 1" "$tmp/y.u32" "$tmp/ref.u32" uint32 || fails=$((fails + 1))
    co=$(stat "$tmp/s.json" coalescing); db=$(stat "$tmp/s.json" dram_bytes)
    if "$PYTHON" -c "import sys; sys.exit(0 if $co >= 0.9 else 1)"; then ok "coalescing $co >= 0.9"
    else bad "coalescing $co < 0.9: a warp's lanes read addresses far apart (want neighbouring lanes on neighbouring words)"; fi
    if [ "$db" -le 163840 ]; then ok "DRAM bytes $db <= 163840 (1.25 x the 131072 bytes read and written)"
    else bad "DRAM bytes $db > 163840 (1.25 x the 131072 bytes the kernel must move): lines are fetched more than once"; fi
  fi ;;
*) . "$TG_ROOT/tests/labs/check_lab_more.sh" ;;
esac
if [ $fails -eq 0 ]; then echo "lab $N: PASS"; exit 0; fi
echo "lab $N: FAIL ($fails check(s) wrong)"; exit 1
