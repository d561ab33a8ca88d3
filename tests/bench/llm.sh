#!/usr/bin/env bash
# LLM runtime throughput on the CPU: prefill and decode tokens/s with 1 and 2 threads.
#   tests/bench/llm.sh [MODEL.gguf]
# Without a model, a random llama-shaped model (dim 512, 8 layers, ffn 1408, q8_0, ~25M params)
# is written by tests/llm_make_model.py. Greedy decoding of 64 tokens after a ~100-token prompt.
set -euo pipefail
: "${TGPU:=build/tgpu}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
model=${1:-}
if [ -z "$model" ]; then
  model=$tmp/bench.gguf
  "$PYTHON" "$TG_ROOT/tests/llm_make_model.py" "$model" --arch llama --type q8_0 --dim 512 --layers 8 \
    --heads 8 --kv-heads 4 --ffn 1408 --ctx 512
fi
prompt="The quick brown fox jumps over the lazy dog while the tiny gpu simulates every warp of the kernel; \
the model reads its weights, attends over the cache, and samples one token after another until it is done. \
Hello world, this prompt is long enough to measure prefill."
for t in 1 2; do
  line=$("$TGPU" llm -m "$model" -p "$prompt" -n 64 --temp 0 --ignore-eos -t "$t" 2>&1 >/dev/null | tail -n 1)
  echo "llm $(basename "$model") threads=$t: $line"
done
