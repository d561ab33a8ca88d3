#!/usr/bin/env bash
# The bundled trained model(s) in tests/models/*.gguf, end to end through `tgpu llm`:
#   - logits of the tokenized prompt agree with the numpy reference (tests/llm_ref.py, 1e-4);
#   - greedy text is non-empty and identical with 1 and 2 threads; seeded sampling repeats;
#   - when tests/models/NAME.expected exists, greedy text equals it (record it with --record).
# With no model there yet, says so and checks nothing.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
record=${1:-}
shopt -s nullglob
models=("$TG_ROOT"/tests/models/*.gguf)
[ ${#models[@]} -gt 0 ] || { echo "no model in tests/models yet: nothing checked"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prompt="Once upon a time"
for m in "${models[@]}"; do
  name=$(basename "$m" .gguf)
  toks=$("$TGPU" llm -m "$m" --tokenize -p "$prompt" | tr ' ' ',')
  bos=$("$PYTHON" -c "import gguf,sys; r=gguf.GGUFReader(sys.argv[1]); f=r.fields.get('tokenizer.ggml.bos_token_id'); print(int(f.parts[f.data[0]][0]) if f else '')" "$m")
  [ -n "$bos" ] && toks="$bos,$toks"
  "$TGPU" llm -m "$m" --tokens "$toks" --logits "$tmp/l.f32" >/dev/null
  "$PYTHON" "$TG_ROOT/tests/llm_ref.py" "$m" "$toks" "$tmp/l.f32" --tol 1e-4
  g1=$("$TGPU" llm -m "$m" -p "$prompt" -n 32 --temp 0 -t 1 2>/dev/null)
  g2=$("$TGPU" llm -m "$m" -p "$prompt" -n 32 --temp 0 -t 2 2>/dev/null)
  [ -n "$(tr -d ' \n' <<<"$g1")" ] || { echo "$name: greedy generation is empty"; exit 1; }
  [ "$g1" = "$g2" ] || { echo "$name: greedy text differs between 1 and 2 threads"; exit 1; }
  s1=$("$TGPU" llm -m "$m" -p "$prompt" -n 32 --seed 5 --temp 0.8 2>/dev/null)
  s2=$("$TGPU" llm -m "$m" -p "$prompt" -n 32 --seed 5 --temp 0.8 2>/dev/null)
  [ "$s1" = "$s2" ] || { echo "$name: seeded sampling differs between runs"; exit 1; }
  exp="${m%.gguf}.expected"
  if [ "$record" = "--record" ]; then printf '%s\n' "$g1" > "$exp"; echo "$name: recorded $exp"; fi
  if [ -f "$exp" ]; then
    [ "$g1" = "$(cat "$exp")" ] || { echo "$name: greedy text differs from $exp:"; printf '%s\n' "$g1"; exit 1; }
  fi
  echo "$name: ok: $prompt$g1"
done
