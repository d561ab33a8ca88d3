#!/usr/bin/env bash
# The classic CUDA samples of kernels/ through `tgpu run kernel.cu` (nvcc -ptx, the PTX front-end, the
# simulator; where nvcc is absent, the committed PTX in tests/corpus/ptx/ instead), checked with numpy:
# vecadd and transpose exactly; matmul within 2 k 2^-24 sum|a b| (fma contraction, order); scan within
# 2 log2(256) 2^-24 sum|x| (a tree of depth 8). reduce_sum needs dynamic shared memory, which
# `tgpu run` does not set: tests/unit/test_ptx_kernels.c runs it.
set -u
cd "$TG_ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
src() { if [ -x "$nvcc" ]; then echo "kernels/$1.cu"; else echo "tests/corpus/ptx/$1.ptx"; fi; }
"$PYTHON" - "$tmp" <<'PY' || exit 1
import sys, numpy as np
d = sys.argv[1]; r = np.random.default_rng(7)
r.uniform(-100, 100, 1000).astype(np.float32).tofile(f"{d}/a.bin")
r.uniform(-1, 1, 1000).astype(np.float32).tofile(f"{d}/b.bin")
r.uniform(-1, 1, (37, 45)).astype(np.float32).tofile(f"{d}/ma.bin")
r.uniform(-1, 1, (45, 29)).astype(np.float32).tofile(f"{d}/mb.bin")
r.uniform(-5, 5, (45, 70)).astype(np.float32).tofile(f"{d}/t.bin")
r.uniform(-1, 1, 1000).astype(np.float32).tofile(f"{d}/s.bin")
PY
fails=0
run() { "$TGPU" run "$@" >"$tmp/log" 2>&1 || { echo "FAIL: tgpu run $*"; cat "$tmp/log"; fails=$((fails + 1)); }; }
run "$(src vecadd)" --grid 8 --block 128 --arg in:$tmp/a.bin --arg in:$tmp/b.bin --arg out:4000:$tmp/c.bin --arg i32:1000
run "$(src matmul)" --grid 2,3 --block 16,16 --arg in:$tmp/ma.bin --arg in:$tmp/mb.bin --arg out:4292:$tmp/mc.bin \
    --arg i32:37 --arg i32:29 --arg i32:45
run "$(src transpose)" --grid 3,2 --block 32,8 --arg in:$tmp/t.bin --arg out:12600:$tmp/tt.bin --arg i32:45 --arg i32:70
run "$(src scan)" --grid 4 --block 256 --arg in:$tmp/s.bin --arg out:4000:$tmp/so.bin --arg i32:1000
[ $fails -eq 0 ] || exit 1
"$PYTHON" - "$tmp" <<'PY'
import sys, numpy as np
d = sys.argv[1]; f = lambda n: np.fromfile(f"{d}/{n}.bin", dtype=np.float32)
bad = []
a, b = f("a"), f("b")
if not np.array_equal(f("c"), a + b): bad.append("vecadd")
ma, mb = f("ma").reshape(37, 45), f("mb").reshape(45, 29)
ref = ma.astype(np.float64) @ mb.astype(np.float64)
tol = 2 * 45 * 2.0**-24 * (np.abs(ma).astype(np.float64) @ np.abs(mb).astype(np.float64))
if not np.all(np.abs(f("mc").reshape(37, 29) - ref) <= tol): bad.append("matmul_tiled")
if not np.array_equal(f("tt").reshape(70, 45), f("t").reshape(45, 70).T): bad.append("transpose")
s = f("s").astype(np.float64); so = f("so")
for blk in range(0, 1000, 256):
    x = s[blk:blk + 256]
    ref = np.cumsum(x); tol = 2 * 8 * 2.0**-24 * np.cumsum(np.abs(x))
    if not np.all(np.abs(so[blk:blk + 256] - ref) <= tol): bad.append(f"scan block {blk // 256}")
print("mismatch: " + ", ".join(bad) if bad else "vecadd, matmul_tiled, transpose, scan_inclusive match")
sys.exit(1 if bad else 0)
PY
