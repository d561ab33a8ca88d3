#!/usr/bin/env bash
# Cycle counts of the Verilated RTL beside the simulator's timing model, per kernel, same launch.
# They are not equal: the RTL executes one lane per cycle through a state machine, which none of the
# timing presets describes (docs/rtl.md, "Cycles"). This prints the per-kernel difference so that
# closing it can be measured. Needs a tgpu built with the RTL (Verilator installed).
set -euo pipefail
: "${TGPU:=build/tgpu}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
K="$TG_ROOT/kernels"
"$PYTHON" -c '
import struct, sys
for name, n in (("a", 4096), ("b", 4096)):
    open(sys.argv[1] + "/" + name, "wb").write(struct.pack("<%df" % n, *[(i * 7 % 13) * 0.25 for i in range(n)]))
' "$tmp"
cycles() { # $1: label, rest: tgpu run arguments
  local label=$1; shift
  local rtl sim
  if ! rtl=$("$TGPU" run "$@" --backend rtl --no-lockstep 2>"$tmp/err"); then
    printf '  %-34s RTL: %s\n' "$label" "$(grep -m1 -o 'unimplemented in RTL[^;]*\|does not fit[^;]*\|has no RTL[^;]*' "$tmp/err" || head -n 1 "$tmp/err" | cut -c 1-90)"
    return
  fi
  rtl=$(sed -n 's/.* \([0-9]*\) RTL cycles.*/\1/p' <<<"$rtl")
  printf '  %-34s %10s' "$label" "$rtl"
  for p in default teach sm90; do
    sim=$("$TGPU" run "$@" --mode cycle --config $p | sed -n 's/.* \([0-9]*\) cycles (.*/\1/p')
    printf '  %10s (%5.1fx)' "$sim" "$("$PYTHON" -c "print($rtl / $sim)")"
  done
  echo
}
echo "RTL cycles vs the simulator's cycle mode (RTL / preset in brackets):"
printf '  %-34s %10s  %18s  %18s  %18s\n' kernel RTL default teach sm90
cycles "vecadd.tgasm 4x256, n=1024" "$K/vecadd.tgasm" --grid 4 --block 256 --arg in:"$tmp/a" --arg in:"$tmp/b" --arg out:4096:"$tmp/c" --arg u32:1024
cycles "divergence.tgasm 4x256, n=1024" "$K/divergence.tgasm" --grid 4 --block 256 --arg out:4096:"$tmp/c" --arg u32:1024
cycles "reduce_shfl.tgasm 4x256, n=4096" "$K/reduce_shfl.tgasm" --grid 4 --block 256 --arg in:"$tmp/a" --arg out:4:"$tmp/c" --arg u32:4096
cycles "matadd.tgasm (2,2)x(16,16) 32x32" "$K/matadd.tgasm" --grid 2,2 --block 16,16 --arg in:"$tmp/a" --arg in:"$tmp/b" --arg out:4096:"$tmp/c" --arg u32:32 --arg u32:32
cycles "matmul_tiled.tgasm (2,2)x(16,16) 32^3" "$K/matmul_tiled.tgasm" --grid 2,2 --block 16,16 --arg in:"$tmp/a" --arg in:"$tmp/b" --arg out:4096:"$tmp/c" --arg u32:32 --arg u32:32 --arg u32:32
cycles "scan.cu 4x256, n=1024" "$K/scan.cu" --grid 4 --block 256 --arg in:"$tmp/a" --arg out:4096:"$tmp/c" --arg i32:1024
cycles "transpose.cu (1,1)x(32,8) 32x32" "$K/transpose.cu" --grid 1,1 --block 32,8 --arg in:"$tmp/a" --arg out:4096:"$tmp/c" --arg i32:32 --arg i32:32
