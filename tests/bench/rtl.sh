#!/usr/bin/env bash
# RTL simulation speed beside the simulator's, on the same kernel and launch: Verilated RTL cycles
# per host second alone (--no-lockstep) and in lockstep with the simulator, and the simulator's own
# speed in functional and cycle mode (thread-instructions per host second; its simulated cycles per
# second in cycle mode). One host core. Needs a tgpu built with the RTL (Verilator installed).
set -euo pipefail
: "${TGPU:=build/tgpu}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { "$TGPU" run "$TG_ROOT/kernels/divergence.tgasm" --grid 16 --block 256 --arg out:16384:"$tmp/o" --arg u32:4096 "$@"; }
if ! run --backend rtl --no-lockstep >/dev/null 2>"$tmp/err"; then
  echo "rtl: skipped: $(head -n 1 "$tmp/err")"; exit 0
fi
rtl=$(run --backend rtl --no-lockstep)
lock=$(run --backend rtl)
func=$(run --mode func)
cyc=$(run --mode cycle)
printf '%s\n%s\n%s\n%s\n' "$rtl" "$lock" "$func" "$cyc" | "$PYTHON" -c '
import re, sys
rtl, lock, func, cyc = sys.stdin.read().splitlines()
def num(pat, s): return float(re.search(pat, s).group(1))
r_cps, l_cps = num(r"([0-9.]+) M RTL cycles/s", rtl), num(r"([0-9.]+) M RTL cycles/s", lock)
def tis(s): return num(r"(\d+) thread-instructions", s) / num(r"([0-9.]+) s \(", s) / 1e6
r_tis, f_tis, c_tis = tis(rtl), tis(func), tis(cyc)
c_cps = num(r"(\d+) cycles \(", cyc) / num(r"([0-9.]+) s \(", cyc) / 1e6
print("divergence, 16 blocks of 256 threads:")
print(f"  RTL alone:           {r_cps:8.3f} M RTL cycles/s  {r_tis:8.3f} M thread-instr/s")
print(f"  RTL in lockstep:     {l_cps:8.3f} M RTL cycles/s  (lockstep costs {r_cps / l_cps:.2f}x)")
print(f"  simulator, cycle:    {c_cps:8.3f} M sim cycles/s  {c_tis:8.3f} M thread-instr/s  ({c_tis / r_tis:.0f}x the RTL)")
print(f"  simulator, func:                            {f_tis:8.3f} M thread-instr/s  ({f_tis / r_tis:.0f}x the RTL)")
'
