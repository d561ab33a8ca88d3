#!/usr/bin/env bash
# RTL checks: rtl/tg32_defs.svh equals a fresh generation from isa/tg32.def, and rtl/sfu.sv's opcodes
# match it. (The yosys check of the RTL is tests/sh/rtl_yosys.sh.)
set -euo pipefail
cd "$TG_ROOT"
"$BUILD/rtl/gen_defs" > "$BUILD/rtl/tg32_defs.fresh.svh"
diff -u rtl/tg32_defs.svh "$BUILD/rtl/tg32_defs.fresh.svh" || { echo "rtl/tg32_defs.svh is stale: run make rtl-defs"; exit 1; }
echo "tg32_defs.svh is fresh"
# rtl/sfu.sv spells its opcodes as literals (it includes no tg32_defs.svh): they must equal the
# generated include's.
for name in FFMA FDIV FSQRT RCP RSQ EX2 LG2 SIN COS TANH; do
  want=$(grep -o "OP_$name *= *7'h[0-9a-f]*" rtl/tg32_defs.svh | sed 's/.*= *//')
  got=$(grep -o "OP_$name *= *7'h[0-9a-f]*" rtl/sfu.sv | sed 's/.*= *//')
  [ -n "$want" ] && [ "$want" = "$got" ] || { echo "rtl/sfu.sv: OP_$name is '$got', tg32_defs.svh has '$want'"; exit 1; }
done
echo "sfu.sv opcodes match tg32_defs.svh"
