#!/usr/bin/env bash
# The foundation's acceptance check: tgpu run kernels/vecadd.tgasm on two files of 1,048,576 random
# f32 values writes their exact elementwise sum (IEEE single-precision addition, as numpy does it).
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=1048576
"$PYTHON" - "$tmp" "$n" <<'PY'
import sys, numpy as np
d, n = sys.argv[1], int(sys.argv[2])
r = np.random.default_rng(7)
a = (r.standard_normal(n) * 1e3).astype(np.float32); b = r.standard_normal(n).astype(np.float32)
a[:4] = [np.inf, -0.0, 1e-45, 3.4e38]; b[:4] = [1.0, 0.0, 1e-45, 3.4e38]   # inf, -0+0, denormals, overflow
a.tofile(f"{d}/a.f32"); b.tofile(f"{d}/b.f32"); (a + b).tofile(f"{d}/want.f32")
PY
"$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" --grid $((n / 256)) --block 256 \
  --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" --arg out:$((n * 4)):"$tmp/c.f32" --arg u32:$n
cmp "$tmp/c.f32" "$tmp/want.f32"
echo "vecadd_1m: $n sums bit-identical to numpy"
