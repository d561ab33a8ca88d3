#!/usr/bin/env bash
# Every fault kind stops `tgpu run` with exit code 1 and one line naming the kind, kernel, block,
# warp, lane and pc (and, for memory faults, the address).
set -euo pipefail
: "${TGPU:?}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
expect_fault() {   # name, expected fragments (|-separated), tgasm source, run args...
  local name=$1 want=$2 src=$3; shift 3
  printf '%b' "$src" > "$tmp/$name.tgasm"
  set +e
  out=$("$TGPU" run "$tmp/$name.tgasm" "$@" 2>&1 >/dev/null); rc=$?
  set -e
  local ok=1
  [ $rc -eq 1 ] || ok=0
  IFS='|' read -ra parts <<< "$want"
  for p in "${parts[@]}"; do [[ "$out" == *"$p"* ]] || ok=0; done
  if [ $ok -eq 1 ]; then echo "ok   $name: $out"; else echo "FAIL $name (rc=$rc): $out (wanted: $want)"; fails=$((fails + 1)); fi
}
# out of bounds: thread i reads element 64 + i of a 256-byte (64-float) buffer: lane 0 of the first
# warp is the first to step outside
expect_fault oob "out-of-bounds|kernel oob|block (0,0,0)|warp 0|lane 0|pc 4|0x" \
  '.kernel oob\n.param p 4\n s2r r0, %tid.x\n shl r0, r0, 2\n ldp.b32 r3, [p]\n iadd r3, r3, r0\n ldg.b32 r4, [r3+256]\n exit\n' \
  --grid 1 --block 32 --arg out:256:"$tmp/o"
expect_fault misaligned "misaligned|kernel mis|lane 1|pc 3|0x00001001" \
  '.kernel mis\n.param p 4\n s2r r0, %tid.x\n ldp.b32 r3, [p]\n iadd r3, r3, r0\n ldg.b32 r4, [r3]\n exit\n' \
  --grid 1 --block 32 --arg out:256:"$tmp/o"
expect_fault watchdog "watchdog|kernel spin|pc" \
  '.kernel spin\nl: bra l\n' --grid 1 --block 32 --watchdog 10000
expect_fault deadlock "deadlock|kernel dl" \
  '.kernel dl\n s2r r0, %tid.x\n mov r1, 64\n isetp.ge p0, r0, 32\n@p0 bar 1, r1\n@!p0 bar 2, r1\n exit\n' --grid 1 --block 64
expect_fault divergent_barrier "divergent barrier|kernel db|warp 0" \
  '.kernel db\n s2r r0, %tid.x\n and r1, r0, 1\n isetp.eq p0, r1, 0\n@p0 bra even\n bar 0\n exit\neven:\n bar 0\n exit\n' --grid 1 --block 32
# illegal instruction: a word tg_decode refuses, patched into an image
printf '.kernel ill\n nop\n exit\n' > "$tmp/ill.tgasm"
"$TGPU" asm "$tmp/ill.tgasm" -o "$tmp/ill.tgbin"
python3 - "$tmp/ill.tgbin" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read())
i = b.index(bytes([0x00, 0x07, 0, 0, 0, 0, 0, 0]))   # the nop (guard pt)
b[i] = 0x7f                                         # undefined opcode 0x7f
open(p, 'wb').write(b)
PY
set +e; out=$("$TGPU" run "$tmp/ill.tgbin" --grid 1 --block 32 2>&1); rc=$?; set -e
if [ $rc -eq 1 ] && [[ "$out" == *"illegal"* && "$out" == *"pc 0"* && "$out" == *"kernel ill"* ]]; then echo "ok   illegal: $out"
else echo "FAIL illegal (rc=$rc): $out"; fails=$((fails + 1)); fi
# a bad launch is a usage error (exit 2), not a fault
set +e; out=$("$TGPU" run "$tmp/ill.tgasm" --grid 1 --block 2048 2>&1); rc=$?; set -e
if [ $rc -eq 2 ]; then echo "ok   bad_launch: $out"; else echo "FAIL bad_launch (rc=$rc): $out"; fails=$((fails + 1)); fi
[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "faults: ok"
