#!/usr/bin/env bash
# tgpu run in cycle mode: every preset runs a kernel with results equal to functional mode; --stats,
# --stats-json and the three trace formats are written and well-formed; bad presets are refused
# with file:line.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(3)
r.standard_normal(4096).astype(np.float32).tofile('$tmp/a.f32'); r.standard_normal(4096).astype(np.float32).tofile('$tmp/b.f32')"
args=(--grid 16 --block 256 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" --arg out:16384:"$tmp/c_func.f32" --arg u32:4096)
"$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" "${args[@]}" > /dev/null
for p in default teach sm90; do
  out=$("$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" --grid 16 --block 256 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" \
        --arg out:16384:"$tmp/c_$p.f32" --arg u32:4096 --mode cycle --config "$p")
  echo "$p: $out"
  cmp "$tmp/c_func.f32" "$tmp/c_$p.f32"
  [[ "$out" == *" cycles ($p)"* ]]
done
# tiny: 4-lane warps, 16 threads per core
"$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" --grid 256 --block 16 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" \
  --arg out:16384:"$tmp/c_tiny.f32" --arg u32:4096 --mode cycle --config tiny
cmp "$tmp/c_func.f32" "$tmp/c_tiny.f32"

m=(--grid 2,2 --block 16,16 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" --arg out:4096:"$tmp/mm.f32" \
   --arg u32:32 --arg u32:32 --arg u32:32 --mode cycle --config teach)
"$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" "${m[@]}" --stats --stats-json "$tmp/s.json" --trace "$tmp/t.json" | tee "$tmp/stats.txt"
grep -q "^cycles [0-9]*, warp-instructions" "$tmp/stats.txt"
grep -q "achieved occupancy" "$tmp/stats.txt"
grep -q "shared bank-conflict cycles" "$tmp/stats.txt"
"$PYTHON" - "$tmp/s.json" "$tmp/t.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["cycles"] > 0 and s["warp_instrs"] > 0 and 0 < s["ipc"] <= 2, s
assert s["shared_instrs"] > 0 and s["gmem_instrs"] > 0 and s["launches"] == 1, s
t = json.load(open(sys.argv[2]))["traceEvents"]
issues = [e for e in t if e.get("ph") == "X" and e.get("pid") != "launches"]
launch = [e for e in t if e.get("pid") == "launches"]
assert len(issues) == s["warp_instrs"], (len(issues), s["warp_instrs"])
assert len(launch) == 1 and launch[0]["name"] == "matmul_tiled" and launch[0]["dur"] == s["cycles"], launch
assert {e["name"] for e in issues} >= {"lds", "ffma", "bar", "ldg"}
print("stats json and chrome trace: ok,", len(issues), "issue events")
PY
"$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" "${m[@]}" --trace "$tmp/t.txt" --trace-core 1 --trace-warp 3 > /dev/null
[ -s "$tmp/t.txt" ] && ! grep -qv "core 1  warp  3" "$tmp/t.txt"
"$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" "${m[@]}" --trace "$tmp/t.vcd" > /dev/null
grep -q '^\$enddefinitions' "$tmp/t.vcd" && grep -q 'core0' "$tmp/t.vcd" && grep -q '^#[0-9]' "$tmp/t.vcd"

printf 'sms = 2\nl1.size = banana\n' > "$tmp/bad.cfg"
set +e
out=$("$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" "${args[@]}" --mode cycle --config "$tmp/bad.cfg" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && [[ "$out" == *"bad.cfg:2: l1.size = banana"* ]] || { echo "bad preset not refused: $rc $out"; exit 1; }
printf 'smz = 2\n' > "$tmp/bad2.cfg"
set +e
out=$("$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" "${args[@]}" --mode cycle --config "$tmp/bad2.cfg" 2>&1); rc=$?
set -e
[ $rc -eq 2 ] && [[ "$out" == *"bad2.cfg:1: unknown key 'smz'"* ]] || { echo "unknown key not refused: $rc $out"; exit 1; }
echo "timing_cli: ok"
