#!/usr/bin/env bash
# The LLM on the Verilated RTL (issue 7's rtl backend): small random models (tests/llm_make_model.py)
# run through the device layer with every kernel launch on the RTL in lockstep with the simulator;
# `tgpu diff` checks each op against the cpu reference (NMSE <= 1e-8) and the greedy tokens, and
# `tgpu llm --backend rtl` must print the cpu backend's greedy text. The bundled models would take
# minutes per token here (docs/rtl.md, "Speed"), so these models are small: dim 32, one layer.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! "$TGPU" run "$TG_ROOT/kernels/vecadd.tgasm" --backend rtl --grid 1 --block 32 --arg out:128:"$tmp/o" \
     --arg out:128:"$tmp/o" --arg out:128:"$tmp/o" --arg u32:0 >/dev/null 2>"$tmp/err"; then
  if grep -q "without the RTL" "$tmp/err"; then echo "skipped: $(cat "$tmp/err")"; exit 0; fi
  cat "$tmp/err"; exit 1
fi
"$PYTHON" "$TG_ROOT/tests/llm_make_model.py" "$tmp/llama.gguf" --arch llama --type f32 --dim 32 --layers 1 \
  --heads 2 --kv-heads 1 --ffn 64
"$PYTHON" "$TG_ROOT/tests/llm_make_model.py" "$tmp/qwen.gguf" --arch qwen2 --type q8_0 --dim 32 --layers 1 \
  --heads 2 --kv-heads 2 --ffn 64 --seed 3
"$TGPU" diff -m "$tmp/llama.gguf" --backends cpu,rtl -p "ab" -n 2
"$TGPU" diff -m "$tmp/qwen.gguf" --backends cpu,rtl -p "ab" -n 2
cpu=$("$TGPU" llm -m "$tmp/llama.gguf" --backend cpu -p "ab" -n 3 --temp 0 2>/dev/null)
rtl=$("$TGPU" llm -m "$tmp/llama.gguf" --backend rtl -p "ab" -n 3 --temp 0 2>/dev/null)
[ "$cpu" = "$rtl" ] || { echo "rtl text differs from cpu: '$rtl' vs '$cpu'"; exit 1; }
echo "llm_rtl: ok (cpu and rtl agree op by op and token by token)"
