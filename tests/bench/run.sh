#!/usr/bin/env bash
# Runs every benchmark: the programs $BUILD/bench/bench_* and the scripts tests/bench/*.sh.
# Benchmarks print what they measured; they are never part of make test.
set -u
: "${BUILD:=build}"
status=0
for b in "$BUILD"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"; "$b" || status=1
done
for s in tests/bench/*.sh; do
  [ -f "$s" ] && [ "$(basename "$s")" != run.sh ] || continue   # not this script itself
  echo "== $(basename "$s" .sh)"; bash "$s" || status=1
done
exit $status
