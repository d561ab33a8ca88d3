#!/usr/bin/env bash
# Bad assembler input gets one line naming file:line:column and what was wrong, and exit code 2;
# malformed program images get "file: offset N: ..." and exit code 2. Never a crash.
set -euo pipefail
: "${TGPU:?}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
check() {   # name, expected message fragment, source text
  printf '%b' "$3" > "$tmp/$1.tgasm"
  set +e
  out=$("$TGPU" asm "$tmp/$1.tgasm" -o "$tmp/$1.tgbin" 2>&1); rc=$?
  set -e
  if [ $rc -ne 2 ] || [[ "$out" != *"$2"* ]]; then
    echo "FAIL $1: rc=$rc, wanted '$2', got: $out"; fails=$((fails + 1))
  else
    echo "ok   $1: $out"
  fi
}
check unknown_mnemonic "$tmp/unknown_mnemonic.tgasm:2:5: unknown instruction 'fadd3'" '.kernel k\n    fadd3 r1, r2, r3\n'
check bad_register ":2:14: expected a register" '.kernel k\n    iadd r1, r300, r2\n'
check missing_operand ":2:16: expected ',' between operands" '.kernel k\n    iadd r1, r2\n'
check undefined_label ":3:9: undefined label 'nowhere'" '.kernel k\n    exit\n    bra nowhere\n'
check setp_needs_cond ":2:5: isetp needs a comparison" '.kernel k\n    isetp p0, r1, r2\n'
check int_cond_float ":2:5: isetp needs a comparison (eq ne lt le gt ge), not .nan" '.kernel k\n    isetp.nan p0, r1, r2\n'
check store_signed ":2:5: stg needs a width (u8 u16 b32 b64 b128), not .s8" '.kernel k\n    stg.s8 [r1], r2\n'
check wide_past_end ":2:5: r253..r256 runs past r254" '.kernel k\n    ldg.b128 r253, [r1]\n'
check no_kernel ":1:1: instruction outside a kernel" 'iadd r1, r2, r3\n'
check bad_param_size ":2:10: parameter size must be 4 or 8" '.kernel k\n.param a 3\n'
check duplicate_label ":4:1: label 'l' is defined twice" '.kernel k\nl: nop\n    exit\nl: exit\n'
check suffix_not_allowed ":2:5: iadd takes no suffix (found .lt)" '.kernel k\n    iadd.lt r1, r2, r3\n'
check bad_f32_bits ":2:13: an f32 bit pattern is 0f followed by 8 hex digits" '.kernel k\n    mov r1, 0f3f80\n'
check imm_range ":2:13: immediate out of 32-bit range" '.kernel k\n    mov r1, 99999999999\n'
check trailing_text ":2:21: unexpected text after the operands of iadd" '.kernel k\n    iadd r1, r2, r3 r4\n'
check kernel_twice ":3:9: kernel k is defined twice" '.kernel k\n    exit\n.kernel k\n'
check empty_kernel "kernel k has no instructions" '.kernel k\n.kernel j\n    exit\n'
check atom_offset ":2:20: atomics take no address offset" '.kernel k\n    atomg.add r1, [r2+4], r3\n'
check bad_sreg ":2:13: unknown special register %tid.w" '.kernel k\n    s2r r1, %tid.w\n'
check negated_dest ":2:14: this predicate cannot be negated" '.kernel k\n    isetp.lt !p0, r1, r2\n'

# malformed images
for f in "$TG_ROOT"/tests/corpus/tgbin/*; do
  case $(basename "$f") in *.tgbin) continue ;; esac
  set +e
  out=$("$TGPU" dis "$f" 2>&1 >/dev/null); rc=$?
  set -e
  if [ $rc -ne 2 ] || [[ "$out" != *": offset "* ]]; then
    echo "FAIL image $(basename "$f"): rc=$rc: $out"; fails=$((fails + 1))
  else
    echo "ok   image $(basename "$f"): $out"
  fi
done
[ $fails -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "asm_errors: ok"
