#!/usr/bin/env bash
# docs/isa.md's opcode table is exactly what `tgpu isa --markdown` generates from isa/tg32.def.
set -euo pipefail
: "${TGPU:?}" "${TG_ROOT:=.}"
doc=$(sed -n '/<!-- isa-table:begin -->/,/<!-- isa-table:end -->/p' "$TG_ROOT/docs/isa.md" | sed '1d;$d')
gen=$("$TGPU" isa --markdown)
if [ "$doc" != "$gen" ]; then
  diff <(echo "$doc") <(echo "$gen") || true
  echo "docs/isa.md's opcode table is stale: regenerate it with tgpu isa --markdown"
  exit 1
fi
echo "isa_doc: table matches ($(echo "$gen" | wc -l) lines)"
