#!/usr/bin/env bash
# Our GGUF reader, writer and quant layouts against llama.cpp's python gguf package (tests/gguf_compat.py).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" "$TG_ROOT/tests/gguf_compat.py" "$TGPU" "$work"
