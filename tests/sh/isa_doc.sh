#!/usr/bin/env bash
# docs/isa.md's opcode table and modifier table are exactly what `tgpu isa --markdown` and
# `tgpu isa --mods` generate from isa/tg32.def and isa.c's name tables.
set -euo pipefail
: "${TGPU:?}" "${TG_ROOT:=.}"
check() {   # marker, tgpu isa option
  local doc gen
  doc=$(sed -n "/<!-- $1:begin -->/,/<!-- $1:end -->/p" "$TG_ROOT/docs/isa.md" | sed '1d;$d')
  gen=$("$TGPU" isa "$2")
  [ -n "$doc" ] || { echo "docs/isa.md has no $1 block"; exit 1; }
  if [ "$doc" != "$gen" ]; then
    diff <(echo "$doc") <(echo "$gen") || true
    echo "docs/isa.md's $1 block is stale: regenerate it with tgpu isa $2"
    exit 1
  fi
  echo "isa_doc: $1 matches ($(echo "$gen" | wc -l) lines)"
}
check isa-table --markdown
check isa-mods --mods
