#!/usr/bin/env bash
# Every file of tests/corpus/gguf/ through `tgpu gguf info`: ok_* must succeed; bad_<what>@<N>.gguf
# must fail (exit 2) with "offset N:" in its one-line message; trunc_* must fail with an offset
# message. A crash (signal) or any other exit code fails the test.
set -u
corpus="$TG_ROOT/tests/corpus/gguf"
fails=0 n=0
for f in "$corpus"/*.gguf; do
  name=$(basename "$f"); n=$((n + 1))
  err=$("$TGPU" gguf info "$f" 2>&1 >/dev/null); rc=$?
  case "$name" in
    ok_*)
      [ $rc -eq 0 ] || { echo "FAIL $name: exit $rc: $err"; fails=$((fails + 1)); } ;;
    bad_*@*)
      want="offset ${name##*@}"; want="${want%.gguf}:"
      if [ $rc -ne 2 ] || [[ "$err" != *"$want"* ]] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then
        echo "FAIL $name: exit $rc, want 2 and '$want' in: $err"; fails=$((fails + 1))
      fi ;;
    trunc_*)
      if [ $rc -ne 2 ] || [[ "$err" != *": offset "* ]]; then
        echo "FAIL $name: exit $rc, want 2 and an offset message: $err"; fails=$((fails + 1))
      fi ;;
  esac
done
echo "$n files, $fails failures"
[ $n -gt 0 ] && [ $fails -eq 0 ]
