#!/usr/bin/env bash
# Runs every test: the unit programs in $BUILD/tests/test_*, the fuzz targets over their corpora
# (tests/corpus/<name>/), and the end-to-end scripts tests/sh/*.sh. Prints one line per test and a
# summary; exits non-zero if any test failed. Each test runs with a time limit so a hang is a failure.
set -u
: "${BUILD:=build}" "${TGPU:=$PWD/$BUILD/tgpu}" "${PYTHON:=python3}"
export BUILD TGPU PYTHON
export TG_ROOT="$PWD"
LIMIT="${TEST_TIMEOUT:-600}"
pass=0; fail=0; failed=()
logdir="$BUILD/test-logs"; mkdir -p "$logdir"

run_one() { # name, command...
  local name="$1"; shift
  local log="$logdir/$name.log" t0=$SECONDS
  if timeout "$LIMIT" "$@" >"$log" 2>&1; then
    printf 'PASS  %-40s %3ds\n' "$name" $((SECONDS - t0)); pass=$((pass + 1))
  else
    printf 'FAIL  %-40s (log: %s)\n' "$name" "$log"; tail -n 30 "$log" | sed 's/^/      | /'
    fail=$((fail + 1)); failed+=("$name")
  fi
}

filter="${TESTS:-}"
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t"); [[ -z "$filter" || "$n" == *$filter* ]] || continue
  run_one "$n" "$t"
done
for t in "$BUILD"/tests/fuzz_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t"); corpus="tests/corpus/${n#fuzz_}"
  [[ -z "$filter" || "$n" == *$filter* ]] || continue
  [ -d "$corpus" ] || { echo "FAIL  $n: no corpus at $corpus"; fail=$((fail + 1)); failed+=("$n"); continue; }
  run_one "$n" "$t" "$corpus"
done
for t in tests/sh/*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t" .sh); [[ -z "$filter" || "$n" == *$filter* ]] || continue
  run_one "$n" bash "$t"
done
echo "----"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || { printf 'failed: %s\n' "${failed[*]}"; exit 1; }
