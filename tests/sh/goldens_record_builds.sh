#!/usr/bin/env bash
# tests/goldens/record.cu (the hardware-goldens recorder, run by `make goldens` on a GPU machine)
# includes every kernels/*.cu: it must keep compiling as kernels change. Needs nvcc, not a GPU.
set -u
cd "$TG_ROOT"
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
if [ ! -x "$nvcc" ]; then echo "nvcc not found: record.cu not compiled"; exit 0; fi
for cu in kernels/*.cu; do
  grep -q "kernels/$(basename "$cu")\"" tests/goldens/record.cu || { echo "FAIL: record.cu does not include $cu"; exit 1; }
done
"$nvcc" -O3 -arch=sm_80 tests/goldens/record.cu -o "$BUILD/goldens_record_check"
