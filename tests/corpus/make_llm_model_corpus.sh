#!/usr/bin/env bash
# Writes the seeds of tests/corpus/llm_model/: tiny valid llama/qwen2 models (dim 32, 1 layer)
# and models the loader must refuse, all through tests/llm_make_model.py.
#   bash tests/corpus/make_llm_model_corpus.sh [OUTDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/tests/corpus/llm_model}
mkdir -p "$out"
mk() { python3 "$root/tests/llm_make_model.py" "$out/$1.gguf" --dim 32 --layers 1 --heads 4 --ffn 64 "${@:2}"; }
mk llama_f32 --arch llama
mk llama_q8_tied --arch llama --type q8_0 --tied --kv-heads 4
mk qwen2_q4_0 --arch qwen2 --type q4_0
mk bad_arch --arch llama --type q8_0 --break arch
mk bad_shape --arch llama --type q8_0 --layers 2 --break shape
mk bad_norm --arch qwen2 --type q8_0 --layers 2 --break normtype
