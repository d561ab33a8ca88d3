#!/usr/bin/env bash
# Byte-level BPE tokenizer vs Hugging Face `tokenizers`: small BPE vocabularies are trained with
# the GPT-2, qwen2 and llama3 (llama-bpe) pre-tokenizers on generated multilingual text, written
# to GGUF, and `tgpu llm --tokenize` must give the same ids on ~200 sentences each.
# Needs the python package `tokenizers` (pip install tokenizers).
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for pre in gpt2 qwen2 llama-bpe; do
  mkdir -p "$tmp/$pre"
  "$PYTHON" "$TG_ROOT/tests/tokenizer_bpe_check.py" make "$tmp/$pre" $pre
  "$TGPU" llm -m "$tmp/$pre/bpe.gguf" --tokenize -f "$tmp/$pre/sentences.txt" > "$tmp/$pre/ids.txt"
  echo -n "$pre: "
  "$PYTHON" "$TG_ROOT/tests/tokenizer_bpe_check.py" compare "$tmp/$pre" "$tmp/$pre/ids.txt"
done
