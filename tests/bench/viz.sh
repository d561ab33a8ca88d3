#!/usr/bin/env bash
# tgpu viz replay speed (issue 8's goal: >= 60 frames/s on a 10 M-cycle trace): records a 10 M-cycle
# run (matmul_naive, 128x1280 by 1280x128, teach preset) with tgpu run --trace F.tgtrace, then plays
# the whole recording back in the window loop under SDL's offscreen video driver, 1280x720, 600
# frames without waiting between them (about the whole run at the window's playback speed), and
# prints frames/s. A measurement, not a check: it exits non-zero only when a step fails.
set -euo pipefail
: "${TGPU:=build/tgpu}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -c "import numpy as np; np.random.default_rng(1).standard_normal(128 * 1280).astype(np.float32).tofile('$tmp/a.f32')"
t0=$(date +%s.%N)
"$TGPU" run "$TG_ROOT/kernels/matmul_naive.tgasm" --grid 8,8 --block 16,16 --arg in:"$tmp/a.f32" --arg in:"$tmp/a.f32" \
  --arg out:65536:"$tmp/c.f32" --arg u32:128 --arg u32:128 --arg u32:1280 --mode cycle --config teach --trace "$tmp/run.tgtrace"
t1=$(date +%s.%N)
echo "recording: $(wc -c < "$tmp/run.tgtrace") bytes, written in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s (with the run)"
SDL_VIDEODRIVER=offscreen "$TGPU" viz "$tmp/run.tgtrace" --frames 600 --size 1280x720
