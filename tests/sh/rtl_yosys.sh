#!/usr/bin/env bash
# RTL synthesis check: yosys (Debian's 0.23) reads rtl/*.sv (read_verilog -sv), elaborates gpu_top
# at its default parameters (4 warps x 8 lanes, ~13-15 s of CPU; the Verilator model's 8 x 32 would
# take longer, and the constructs checked do not depend on the shape), turns its processes into logic
# (proc), and finds no structural problem (check -assert: undriven or multiply driven wires, logic
# loops) and no latch. Fails if yosys rejects a construct; skips only when yosys is not installed.
# A planted latch must be caught, so the latch test itself is known to work. Full synthesis:
# make rtl-report.
set -euo pipefail
cd "${TG_ROOT:-.}"
if ! command -v yosys > /dev/null; then
  echo "SKIP: yosys is not installed (Debian package yosys; .ci/run installs it)"; exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
# check FILES TOP: read, elaborate, proc, check, no latch; the log goes to $T/log.
check() {
  yosys -q -l "$T/log" -p "read_verilog -sv -Irtl $1; hierarchy -check -top $2; proc; opt_clean;
    check -assert; select -assert-none t:\$*latch*" > /dev/null 2>&1
}

# (always @*, not always_comb: yosys itself rejects a latch in always_comb; this one must reach
# the select.)
printf 'module latch(input logic en, input logic d, output logic q);\n  always @* if (en) q = d;\nendmodule\n' > "$T/latch.sv"
if check "$T/latch.sv" latch || ! grep -q 'Assertion failed: selection is not empty' "$T/log"; then
  echo "a planted latch was not caught"; exit 1
fi

if ! check "rtl/*.sv" gpu_top; then
  grep -i -B2 -A2 'error\|warning\|latch inferred\|assertion' "$T/log" | grep -v '^No latch' | tail -40
  echo "yosys rejects rtl/ or finds a latch or a structural problem (log above)"; exit 1
fi
grep -q 'Found and reported 0 problems' "$T/log"
echo "yosys $(yosys -V | cut -d' ' -f2) reads rtl/ (gpu_top at its default parameters): no latch, check clean"
