#!/usr/bin/env bash
# The whole-model differential harness: the bundled models on the cpu reference, on the simulated
# GPU (kernels/llm.cu through nvcc -ptx and tgpu's PTX front-end) and in op outputs recorded on an
# H100 agree op by op (NMSE <= 1e-8) and in every greedy token; and a 1% error planted in one op is
# caught and located.
set -euo pipefail
: "${TGPU:?}" "${BUILD:=build}" "${TG_ROOT:=.}"
k="$TG_ROOT/$BUILD/kernels"
[ -d "$k" ] || k="$BUILD/kernels"
"$TGPU" diff -m "$TG_ROOT/tests/models/tiny.gguf" -p "In the beginning God" -n 6 --backends cpu,sim --kernels "$k"
"$TGPU" diff -m "$TG_ROOT/tests/models/small-q8_0.gguf" -p "Blessed are" -n 2 --backends cpu,sim --kernels "$k"
# against the op outputs recorded on an NVIDIA H100 (tests/goldens/PROVENANCE)
"$TGPU" diff -m "$TG_ROOT/tests/models/tiny.gguf" -p "In the beginning God" -n 6 \
  --backends golden:"$TG_ROOT/tests/goldens/tiny.tgdiff",sim --kernels "$k"
"$TGPU" diff -m "$TG_ROOT/tests/models/small-q8_0.gguf" -p "Blessed are" -n 2 \
  --backends golden:"$TG_ROOT/tests/goldens/small-q8_0.tgdiff",sim --kernels "$k"
set +e
out=$("$TGPU" diff -m "$TG_ROOT/tests/models/tiny.gguf" -p "In the beginning" -n 2 --backends cpu,sim --kernels "$k" \
      --perturb attention:2 2>&1); rc=$?
set -e
echo "$out"
[ $rc -eq 1 ] && [[ "$out" == *"MISMATCH at position 0"*"layer 2, op attention"* ]] || { echo "planted error not reported (rc=$rc)"; exit 1; }
echo "llm_diff: ok"
