#!/usr/bin/env bash
# SPM tokenizer vs the sentencepiece package: a tiny BPE model with byte fallback is trained on
# generated text, its vocabulary written to GGUF, and `tgpu llm --tokenize` must produce the same
# ids as sentencepiece on ~170 sentences (held-out text, odd spacing, unseen characters, empty).
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$PYTHON" "$TG_ROOT/tests/tokenizer_spm_check.py" make "$tmp"
"$TGPU" llm -m "$tmp/spm.gguf" --tokenize -f "$tmp/sentences.txt" > "$tmp/ids.txt"
"$PYTHON" "$TG_ROOT/tests/tokenizer_spm_check.py" compare "$tmp" "$tmp/ids.txt"
