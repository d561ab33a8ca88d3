#!/usr/bin/env bash
# Simulator speed: simulated thread-instructions per second in functional and cycle mode, and
# simulated cycles per second, on the tiled matmul (256x256x256, default preset), one host core.
# Then the bundled tiny model on the simulated GPU: host seconds per generated token in each mode.
set -euo pipefail
: "${TGPU:=build/tgpu}" "${PYTHON:=python3}" "${TG_ROOT:=.}" "${BUILD:=build}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=256
"$PYTHON" -c "import numpy as np; np.random.default_rng(0).standard_normal($n*$n).astype(np.float32).tofile('$tmp/a.f32')"
for mode in func cycle; do
  out=$("$TGPU" run "$TG_ROOT/kernels/matmul_tiled.tgasm" --grid $((n/16)),$((n/16)) --block 16,16 \
        --arg in:"$tmp/a.f32" --arg in:"$tmp/a.f32" --arg out:$((n*n*4)):"$tmp/c.f32" --arg u32:$n --arg u32:$n --arg u32:$n --mode $mode)
  echo "matmul_tiled ${n}^3 $mode: $out"
  if [ $mode = cycle ]; then
    echo "$out" | "$PYTHON" -c "
import re, sys
s = sys.stdin.read()
cyc = int(re.search(r'(\d+) cycles', s).group(1)); sec = float(re.search(r'([0-9.]+) s \(', s).group(1))
print(f'  simulated cycles per host second: {cyc / sec / 1e6:.2f} M')"
  fi
done
for mode in func cycle; do
  line=$("$TGPU" llm -m "$TG_ROOT/tests/models/tiny.gguf" -p "In the beginning God" -n 16 --temp 0 --backend sim \
         --mode $mode --kernels "$BUILD/kernels" 2>&1 >/dev/null | tail -n 1)
  echo "tiny model on the simulated GPU, $mode mode: $line"
done
