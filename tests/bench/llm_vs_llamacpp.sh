#!/usr/bin/env bash
# CPU decode speed against llama.cpp on the same GGUF, in the same run: the bundled small model
# (10 M parameters, q8_0). Set LLAMA_BENCH to a llama-bench binary built from a llama.cpp checkout
# outside this repository (never committed); without it only tgpu is measured.
set -euo pipefail
: "${TGPU:=build/tgpu}" "${TG_ROOT:=.}"
m="$TG_ROOT/tests/models/small-q8_0.gguf"
prompt="And it came to pass in those days, that there went out a decree"
for t in 1 2; do
  for mode in "" "--fast"; do
    line=$("$TGPU" llm -m "$m" -p "$prompt" -n 128 --temp 0 --repeat-penalty 1.1 -t $t $mode 2>&1 >/dev/null | tail -n 1)
    echo "tgpu small-q8_0 threads=$t ${mode:-(f32 activations)}: $line"
  done
done
if [ -n "${LLAMA_BENCH:-}" ] && [ -x "$LLAMA_BENCH" ]; then
  "$LLAMA_BENCH" -m "$m" -p 16 -n 128 -t 1,2 -r 3 2>/dev/null | grep -E "model|tg128|pp16"
else
  echo "llama.cpp: not measured (set LLAMA_BENCH=/path/to/llama-bench)"
fi
