#!/usr/bin/env bash
# tgpu viz replays: a .tgtrace written by `tgpu run --mode cycle --trace F.tgtrace` shows exactly
# the live run's pixels (several cursors, cores, a tensor shape); tgpu viz --trace saves the same
# file; the DRAM panel's totals equal tgpu run --stats (reads, writes, row hits) on two kernels and
# two presets; a damaged recording is refused with FILE:OFFSET and exit 2, never a crash.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(7)
r.standard_normal(4096).astype(np.float32).tofile('a.f32'); r.standard_normal(4096).astype(np.float32).tofile('b.f32')"
mm=(--grid 2,2 --block 16,16 --arg in:a.f32 --arg in:b.f32 --arg out:4096:c.f32 --arg u32:32 --arg u32:32 --arg u32:32 --config teach)
K="$TG_ROOT/kernels"

# the recording from tgpu run, and the one tgpu viz saves of its own run, are the same bytes
"$TGPU" run "$K/matmul_tiled.tgasm" "${mm[@]}" --mode cycle --stats --stats-json mm.json --trace mm.tgtrace > run.txt
"$TGPU" viz "$K/matmul_tiled.tgasm" "${mm[@]}" --size 640x400 --screenshot live0.png --trace mm_viz.tgtrace > live0.txt
cmp mm.tgtrace mm_viz.tgtrace
echo "recording: $(wc -c < mm.tgtrace) bytes, the same from tgpu run and tgpu viz"

# replay screenshots are pixel-identical to the live run's, at several cursors and views
views=("--size 640x400" "--size 640x400 --at-cycle 2500" "--size 800x500 --core 1 --tensor c.f32:64x16" "--size 1280x720 --at-cycle 300")
i=0
for vw in "${views[@]}"; do
  "$TGPU" viz "$K/matmul_tiled.tgasm" "${mm[@]}" $vw --screenshot "live$i.png" > "live$i.txt"
  "$TGPU" viz mm.tgtrace $vw --screenshot "replay$i.png" > "replay$i.txt"
  diff <(grep -v '^viz: wrote\|^matmul_tiled:' "live$i.txt") <(grep -v '^viz: wrote' "replay$i.txt")
  i=$((i + 1))
done
PYTHONPATH="$TG_ROOT/tests/viz" "$PYTHON" - "$i" <<'PY'
import sys, numpy as np, png_read
for i in range(int(sys.argv[1])):
    a, b = png_read.read(f"live{i}.png"), png_read.read(f"replay{i}.png")
    assert a.shape == b.shape and np.array_equal(a, b), f"view {i}: replay differs from the live run"
    assert len(np.unique(a.reshape(-1, 3), axis=0)) > 20, f"view {i}: hardly anything drawn"
    print(f"view {i}: {a.shape[1]}x{a.shape[0]} replay identical to the live run")
PY

# the DRAM panel counts what the DRAM model counted
dram_check() { # json, viz output
  "$PYTHON" - "$1" "$2" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
line = [l for l in open(sys.argv[2]) if l.startswith("viz: dram requests")][0]
n, rd, wr, act, hit = map(int, re.findall(r"\d+", line))
tot = s["dram_reads"] + s["dram_writes"]
print(f"stats: {s['dram_reads']} reads {s['dram_writes']} writes row-hit {s['dram_row_hit_rate']:.6f}; viz: {line.strip()}")
assert (rd, wr, n) == (s["dram_reads"], s["dram_writes"], tot), "request counts differ"
assert act + hit == n and hit == round(s["dram_row_hit_rate"] * tot), "row hits differ"
assert tot > 0
PY
}
dram_check mm.json live0.txt
dram_check mm.json replay0.txt
head -c 65536 /dev/urandom > big.f32
"$TGPU" run "$K/vecadd.tgasm" --grid 64 --block 256 --arg in:big.f32 --arg in:big.f32 --arg out:65536:v.f32 \
  --arg u32:16384 --mode cycle --stats-json va.json > /dev/null
"$TGPU" viz "$K/vecadd.tgasm" --grid 64 --block 256 --arg in:big.f32 --arg in:big.f32 --arg out:65536:v.f32 \
  --arg u32:16384 --size 640x400 --screenshot va.png > va.txt
dram_check va.json va.txt
grep -q "activations [1-9]" va.txt   # vecadd streams through rows: some must open

# damaged recordings: one line naming FILE:OFFSET, exit 2
size=$(wc -c < mm.tgtrace)
head -c $((size / 2)) mm.tgtrace > cut.tgtrace
printf 'TGTRACE\0\2\0\0\0' > ver.tgtrace
printf 'hello' > short.tgtrace
for bad in cut ver short; do
  set +e; "$TGPU" viz $bad.tgtrace --screenshot bad.png > /dev/null 2> err; rc=$?; set -e
  [ $rc -eq 2 ] || { echo "$bad: exit $rc"; cat err; exit 1; }
  [ "$(wc -l < err)" -eq 1 ] && grep -q "^tgpu viz: $bad.tgtrace:[0-9]*: " err || { cat err; exit 1; }
  echo "refused $bad: $(cat err)"
done
if "$TGPU" viz mm.tgtrace --grid 2 --screenshot bad.png 2> err; then echo "run options accepted with a recording"; exit 1; fi
echo "viz replay ok"
