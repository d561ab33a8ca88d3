#!/usr/bin/env bash
# The bundled models against the PyTorch models they were exported from: greedy text computed from
# `tgpu llm`'s logits equals the greedy samples recorded by tools/train_tiny/train.py at the end of
# training (tools/train_tiny/logs/*.json). Catches a wrong export, GGUF, tokenizer, q8_0 or forward pass.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
d="$TG_ROOT/tools/train_tiny"
"$PYTHON" "$d/check_greedy.py" "$TG_ROOT/tests/models/tiny.gguf" "$d/logs/tiny.json" --tgpu "$TGPU"
"$PYTHON" "$d/check_greedy.py" "$TG_ROOT/tests/models/small-q8_0.gguf" "$d/logs/small.json" --tgpu "$TGPU"
