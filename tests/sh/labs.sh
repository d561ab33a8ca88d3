#!/usr/bin/env bash
# The lab checkers (tests/labs/check_lab.sh, `make lab`) on their reference solutions
# (tests/labs/solutions/: must pass) and on the unmodified starters (docs/labs/starter/: must fail,
# naming what is wrong). Lab 6 is CUDA C: where nvcc is absent, the committed PTX of its starter and
# solution (tests/labs/ptx/, refreshed with nvcc -ptx -arch=sm_80 -O3) is what is checked; where nvcc
# is present the committed PTX must still be what nvcc makes of the sources.
set -u
cd "$TG_ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
fails=0
check() { # N SOLUTION EXPECT(pass|fail) WRONG-LINES-EXPECTED
  local out rc
  out=$(tests/labs/check_lab.sh "$1" "$2" 2>&1); rc=$?
  echo "$out"
  if [ "$3" = pass ]; then
    [ $rc -eq 0 ] && [[ "$out" == *"lab $1: PASS"* ]] || { echo "FAIL: lab $1 rejects its reference solution $2"; fails=$((fails + 1)); }
  else
    local n; n=$(grep -c "^  WRONG" <<<"$out")
    [ $rc -eq 1 ] && [ "$n" -eq "$4" ] && [[ "$out" == *"lab $1: FAIL ($4 check(s) wrong)"* ]] ||
      { echo "FAIL: lab $1 starter $2: want exit 1 with $4 WRONG lines, got exit $rc, $n"; fails=$((fails + 1)); }
  fi
}
s6=docs/labs/starter/lab6_rmsnorm.cu; r6=tests/labs/solutions/lab6_rmsnorm.cu
if [ -x "$nvcc" ]; then
  for p in "$s6:lab6_starter" "$r6:lab6_solution"; do
    "$nvcc" -ptx -arch=sm_80 -O3 "${p%%:*}" -o "$tmp/${p##*:}.ptx" &&
      cmp -s "$tmp/${p##*:}.ptx" "tests/labs/ptx/${p##*:}.ptx" ||
      { echo "FAIL: tests/labs/ptx/${p##*:}.ptx is stale: regenerate it from ${p%%:*}"; fails=$((fails + 1)); }
  done
fi
s6=tests/labs/ptx/lab6_starter.ptx; r6=tests/labs/ptx/lab6_solution.ptx
check 1 tests/labs/solutions/lab1_vecadd.tgasm pass
check 1 docs/labs/starter/lab1_vecadd.tgasm fail 2
check 2 tests/labs/solutions/lab2_parity.tgasm pass
check 2 docs/labs/starter/lab2_parity.tgasm fail 1
check 3 tests/labs/solutions/lab3_stride.tgasm pass
check 3 docs/labs/starter/lab3_stride.tgasm fail 2
check 4 tests/labs/solutions/lab4_matmul.tgasm pass
check 4 docs/labs/starter/lab4_matmul.tgasm fail 1
check 5 tests/labs/solutions/lab5_answers.txt pass
check 5 docs/labs/starter/lab5_answers.txt fail 9
check 6 "$r6" pass
check 6 "$s6" fail 4
# bad use: a clear usage line, exit 2
out=$(tests/labs/check_lab.sh 7 tests/labs/solutions/lab1_vecadd.tgasm 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"no lab 7"* ]] || { echo "FAIL: lab 7 not refused: $rc $out"; fails=$((fails + 1)); }
out=$(tests/labs/check_lab.sh 1 /nonexistent.tgasm 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *"/nonexistent.tgasm: no such file"* ]] || { echo "FAIL: missing file not refused: $rc $out"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "labs: ok" || { echo "labs: $fails failure(s)"; exit 1; }
