#!/usr/bin/env bash
# The forward pass against an independent numpy reference (tests/llm_ref.py) on tiny random
# models written by tests/llm_make_model.py: llama (GQA, MHA, tied/untied, f32/f16/q8_0/q4_0
# weights, f16 KV cache, 2 threads) and qwen2 (biases, NeoX RoPE, tied, q4_K, linear RoPE scaling,
# partial rotary). Tolerance: max |logit error| <= 1e-4 x max(1, max |logit|), greedy tokens equal.
# Then: seeded generation is deterministic, and broken models are refused with a clear error.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
make_model() { "$PYTHON" "$TG_ROOT/tests/llm_make_model.py" "$tmp/$1.gguf" "${@:2}"; }
check() {   # name, tokens, tolerance, extra tgpu options...
  local name=$1 toks=$2 tol=$3; shift 3
  "$TGPU" llm -m "$tmp/$name.gguf" --tokens "$toks" --logits "$tmp/$name.f32" "$@" >/dev/null
  "$PYTHON" "$TG_ROOT/tests/llm_ref.py" "$tmp/$name.gguf" "$toks" "$tmp/$name.f32" --tol "$tol"
}
toks_spm=1,261,5,77,259,3,9,200,42,266
toks_bpe=1,258,5,77,259,3,9,200,42,262
make_model llama_f32 --arch llama
make_model llama_mha_q8 --arch llama --type q8_0 --kv-heads 4 --tied --seed 2
make_model llama_q4_0 --arch llama --type q4_0 --layers 3 --seed 3
make_model llama_f16 --arch llama --type f16 --seed 4
make_model qwen2_f32 --arch qwen2 --tied --seed 5
make_model qwen2_q4k --arch qwen2 --type q4_k --dim 256 --ffn 512 --rope-scale 4 --rot 32 --seed 6
check llama_f32 $toks_spm 1e-4
check llama_mha_q8 $toks_spm 1e-4
check llama_q4_0 $toks_spm 1e-4 -t 2
check llama_f16 $toks_spm 1e-3 --kv-f16
check qwen2_f32 $toks_bpe 1e-4
check qwen2_q4k $toks_bpe 1e-4 -t 2

# seeded sampling is deterministic, across thread counts too
a=$("$TGPU" llm -m "$tmp/llama_f32.gguf" -p "hello world" -n 24 --seed 7 --temp 1.0 2>/dev/null | od -An -tx1)
b=$("$TGPU" llm -m "$tmp/llama_f32.gguf" -p "hello world" -n 24 --seed 7 --temp 1.0 -t 2 2>/dev/null | od -An -tx1)
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "seeded generation differs between runs"; exit 1; }
"$TGPU" llm -m "$tmp/qwen2_f32.gguf" -p "hello" --chat -n 4 2>&1 >/dev/null | grep -q "prompt .* tokens" \
  || { echo "chat mode produced no metrics line"; exit 1; }

# broken models: one clear line, exit 2
expect_error() {   # name, make options, expected text
  make_model "$1" "${@:2:$#-2}"
  local msg rc=0
  msg=$("$TGPU" llm -m "$tmp/$1.gguf" -p hi 2>&1 >/dev/null) || rc=$?
  [ "$rc" = 2 ] && grep -q -- "${@: -1}" <<<"$msg" || { echo "$1: rc=$rc, message: $msg"; exit 1; }
  echo "$1: refused: $msg"
}
expect_error bad_arch --arch llama --break arch "architecture 'mamba' not supported"
expect_error bad_shape --arch llama --break shape "tensor 'blk.1.ffn_up.weight' has shape \[64,160\], expected \[64,128\]"
expect_error bad_norm --arch qwen2 --break normtype "tensor 'blk.1.ffn_norm.weight' has type f16, expected f32"
echo "llm_forward: ok"
