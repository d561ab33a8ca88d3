#!/usr/bin/env bash
# make bench-cuda: decode speed of the cuda backend on the bundled models, against the
# memory-bandwidth limit (model bytes / measured device-to-device copy bandwidth) and, when
# LLAMA_BENCH names a llama-bench binary built with CUDA (from a llama.cpp checkout outside this
# repository, never committed), against llama.cpp on the same GGUF in the same run.
# Needs an NVIDIA GPU and the CUDA toolkit. Environment: BUILD (default build-cuda), REPS (5),
# NTOK (tokens generated per run, 200), LLAMA_BENCH.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-cuda}
REPS=${REPS:-5}
NTOK=${NTOK:-200}
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
CUDA_HOME=$(dirname "$(dirname "$NVCC")")
make -s CUDA=1 BUILD="$BUILD" -j"$(nproc)" "$BUILD/tgpu" "$BUILD/kernels/kernels.fatbin" >/dev/null
mkdir -p "$BUILD/bench"
cc -std=c11 -O2 -Wall -Wextra -Werror -I"$CUDA_HOME/include" tests/bench/cuda_bw.c \
   -L"$CUDA_HOME/lib64/stubs" -lcuda -o "$BUILD/bench/cuda_bw"

gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n 1 || echo unknown)
read -r _ bw bw_bytes bw_ms < <("$BUILD/bench/cuda_bw")
echo "GPU: $gpu | device-to-device copy: $bw GB/s (bytes read + written; $bw_bytes-byte copy in $bw_ms ms)"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one tgpu run: prints its decode tokens/s (from the last stderr line of tgpu llm)
decode_rate() {
  "$BUILD/tgpu" llm -m "$1" -p "And it came to pass" -n "$NTOK" --ignore-eos --temp 0 --backend cuda \
    --kernels "$BUILD/kernels" 2>&1 >/dev/null | sed -n 's/.*decode \([0-9.]*\) tok\/s.*/\1/p' | tail -n 1
}

printf '%-16s %-26s %10s %12s %14s\n' model engine "tok/s" "us/token" "limit us/tok"
for m in tests/models/tiny.gguf tests/models/small-q8_0.gguf; do
  name=$(basename "$m" .gguf)
  bytes=$(stat -c %s "$m")
  limit_us=$(awk -v b="$bytes" -v bw="$bw" 'BEGIN { printf "%.2f", b / (bw * 1e9) * 1e6 }')
  for mode in graph nograph; do
    rates=$(for _ in $(seq "$REPS"); do
      if [ $mode = graph ]; then decode_rate "$m"; else TGPU_CUDA_GRAPH=0 decode_rate "$m"; fi
    done)
    med=$(echo "$rates" | median)
    printf '%-16s %-26s %10.1f %12.1f %14s   (runs: %s)\n' "$name" "tgpu cuda ($mode)" "$med" \
      "$(awk -v r="$med" 'BEGIN { print 1e6 / r }')" "$limit_us" "$(echo $rates)"
  done
  if [ -n "${LLAMA_BENCH:-}" ] && [ -x "$LLAMA_BENCH" ]; then
    line=$("$LLAMA_BENCH" -m "$m" -ngl 99 -p 0 -n 128 -r "$REPS" -o csv 2>/dev/null | tail -n 1)
    # csv: avg_ts and stddev_ts are the last two fields
    ts=$(echo "$line" | awk -F, '{ gsub(/"/, ""); print $(NF-1) }')
    sd=$(echo "$line" | awk -F, '{ gsub(/"/, ""); print $NF }')
    printf '%-16s %-26s %10.1f %12.1f %14s   (tg128, -ngl 99, %s runs, sd %s)\n' "$name" "llama.cpp cuda" "$ts" \
      "$(awk -v r="$ts" 'BEGIN { print 1e6 / r }')" "$limit_us" "$REPS" "$sd"
  else
    echo "$name: llama.cpp not measured (set LLAMA_BENCH=/path/to/llama-bench built with GGML_CUDA=ON)"
  fi
done
echo "limit = model file bytes / copy bandwidth (both models fit in the H100's 50 MB L2, so DRAM is not what binds)"
