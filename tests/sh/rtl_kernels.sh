#!/usr/bin/env bash
# Hand-written kernels from kernels/ run on the RTL (build/rtl/tgrtl) and on the simulator
# (tgpu run) with the same inputs; their output buffers must be byte-identical.
set -euo pipefail
cd "$TG_ROOT"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
RTL="$BUILD/rtl/tgrtl"

# divergence: per-thread collatz loops (heavy divergence, min-PC reconvergence), 4 blocks.
"$RTL" kernels/divergence.tgasm --grid 4 --block 32 --arg out:512:"$T/d_rtl" --arg u32:100
"$TGPU" run kernels/divergence.tgasm --grid 4 --block 32 --arg out:512:"$T/d_sim" --arg u32:100 >/dev/null
cmp "$T/d_rtl" "$T/d_sim"

# vecadd (f32): random bit patterns, denormals and NaNs included; 3 blocks, a ragged tail.
"$PYTHON" -c '
import random, struct, sys
random.seed(7)
for name in ("a", "b"):
    w = [random.getrandbits(32) for _ in range(90)]
    w[:6] = [0x00000001, 0x80000000, 0x7f800000, 0x7fc00000, 0x007fffff, 0x7f7fffff]
    open(sys.argv[1] + "/" + name, "wb").write(struct.pack("<90I", *w))
' "$T"
"$RTL" kernels/vecadd.tgasm --grid 3 --block 32 --arg in:"$T/a" --arg in:"$T/b" --arg out:360:"$T/c_rtl" --arg u32:90
"$TGPU" run kernels/vecadd.tgasm --grid 3 --block 32 --arg in:"$T/a" --arg in:"$T/b" --arg out:360:"$T/c_sim" --arg u32:90 >/dev/null
cmp "$T/c_rtl" "$T/c_sim"

# The RTL runs the whole ISA; a kernel needing more than its 64 registers per thread is refused
# before it starts, with the reason (the RTL itself would fault as unimplemented: test_rtl).
printf '.kernel k\n.param o 4\n    mov r64, 8\n    exit\n' > "$T/u.tgasm"
if "$RTL" "$T/u.tgasm" --grid 1 --block 8 --arg out:4:"$T/u" 2>"$T/err"; then echo "r64 ran"; exit 1; fi
grep -q "uses 65 registers; this RTL has 64 per thread" "$T/err"
echo "divergence and vecadd agree with the simulator; a kernel using r64 is refused"
