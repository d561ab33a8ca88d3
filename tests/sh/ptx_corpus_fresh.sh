#!/usr/bin/env bash
# The committed PTX in tests/corpus/ptx/ stands in for nvcc where nvcc is absent (CI), so it must be
# nvcc's current output for every kernels/NAME.cu. Every kernel must have one; where nvcc exists
# (the build then compiled $BUILD/ptx/NAME.ptx with it) the two must be identical. Refresh with
# `make ptx-corpus`.
set -u
cd "$TG_ROOT"
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
fails=0
for cu in kernels/*.cu; do
  n=$(basename "$cu" .cu)
  [ -f "tests/corpus/ptx/$n.ptx" ] || { echo "FAIL: tests/corpus/ptx/$n.ptx missing (make ptx-corpus)"; fails=$((fails + 1)); continue; }
  if [ -x "$nvcc" ]; then
    [ -f "$BUILD/ptx/$n.ptx" ] || { echo "FAIL: $BUILD/ptx/$n.ptx not built"; fails=$((fails + 1)); continue; }
    cmp -s "$BUILD/ptx/$n.ptx" "tests/corpus/ptx/$n.ptx" ||
      { echo "FAIL: tests/corpus/ptx/$n.ptx is stale for $cu (make ptx-corpus)"; fails=$((fails + 1)); }
  fi
done
[ -x "$nvcc" ] || echo "nvcc not found: presence checked, freshness not checked"
[ $fails -eq 0 ]
