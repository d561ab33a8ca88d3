#!/usr/bin/env bash
# RTL checks: rtl/tg32_pkg.sv equals a fresh generation from isa/tg32.def, and rtl/sfu.sv's opcodes
# match it. (The yosys latch check is not here yet: yosys 0.23's SystemVerilog reader rejects the
# RTL's package imports; docs/rtl.md.)
set -euo pipefail
cd "$TG_ROOT"
"$BUILD/rtl/gen_pkg" > "$BUILD/rtl/tg32_pkg.fresh.sv"
diff -u rtl/tg32_pkg.sv "$BUILD/rtl/tg32_pkg.fresh.sv" || { echo "rtl/tg32_pkg.sv is stale: run make rtl-pkg"; exit 1; }
echo "tg32_pkg.sv is fresh"
# rtl/sfu.sv spells its opcodes as literals (new modules import no package): they must equal the
# generated package's.
for name in FFMA FDIV FSQRT RCP RSQ EX2 LG2 SIN COS TANH; do
  want=$(grep -o "OP_$name *= *7'h[0-9a-f]*" rtl/tg32_pkg.sv | sed 's/.*= *//')
  got=$(grep -o "OP_$name *= *7'h[0-9a-f]*" rtl/sfu.sv | sed 's/.*= *//')
  [ -n "$want" ] && [ "$want" = "$got" ] || { echo "rtl/sfu.sv: OP_$name is '$got', tg32_pkg.sv has '$want'"; exit 1; }
done
echo "sfu.sv opcodes match tg32_pkg.sv"
