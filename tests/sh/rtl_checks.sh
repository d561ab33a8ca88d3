#!/usr/bin/env bash
# RTL check: rtl/tg32_pkg.sv equals a fresh generation from isa/tg32.def. (The yosys latch check is
# not here yet: yosys 0.23's SystemVerilog reader rejects the RTL's package imports; docs/rtl.md.)
set -euo pipefail
cd "$TG_ROOT"
"$BUILD/rtl/gen_pkg" > "$BUILD/rtl/tg32_pkg.fresh.sv"
diff -u rtl/tg32_pkg.sv "$BUILD/rtl/tg32_pkg.fresh.sv" || { echo "rtl/tg32_pkg.sv is stale: run make rtl-pkg"; exit 1; }
echo "tg32_pkg.sv is fresh"
