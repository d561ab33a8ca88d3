#!/usr/bin/env bash
# `tgpu ptx` from the command line: PTX -> .tgbin and --emit-asm on nvcc's PTX of every kernel,
# one-line file:line errors with exit 2 on bad PTX, usage errors, and (where nvcc exists) a .cu input.
set -u
cd "$TG_ROOT"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
for f in tests/corpus/ptx/*.ptx; do
  n=$(basename "$f" .ptx)
  case "$n" in
    bad_*)
      err=$("$TGPU" ptx "$f" -o "$tmp/x.tgbin" 2>&1 >/dev/null); rc=$?
      [ $rc -eq 2 ] || fail "$n: exit $rc, want 2"
      [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$n: not one line: $err"
      [[ "$err" == "$f:"* ]] || fail "$n: message does not start with the file name: $err" ;;
    *)
      "$TGPU" ptx "$f" -o "$tmp/$n.tgbin" || fail "$n: tgpu ptx failed"
      [ -s "$tmp/$n.tgbin" ] || fail "$n: no image written"
      "$TGPU" ptx "$f" --emit-asm | grep -q '^\.kernel ' || fail "$n: --emit-asm printed no kernel" ;;
  esac
done
"$TGPU" ptx --help | grep -q 'usage: tgpu ptx' || fail "--help"
"$TGPU" ptx 2>/dev/null; [ $? -eq 2 ] || fail "no input: want exit 2"
"$TGPU" ptx tests/corpus/ptx/vecadd.ptx --bogus 2>/dev/null; [ $? -eq 2 ] || fail "unknown option: want exit 2"
"$TGPU" ptx "$tmp/none.ptx" -o "$tmp/y.tgbin" 2>/dev/null; [ $? -eq 2 ] || fail "missing file: want exit 2"
"$TGPU" ptx tests/corpus/ptx/vecadd.ptx --arch sm_70 -o "$tmp/y.tgbin" 2>/dev/null; [ $? -eq 2 ] || fail "bad --arch: want exit 2"
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
if [ -x "$nvcc" ]; then
  "$TGPU" ptx kernels/vecadd.cu --arch sm_90 -o "$tmp/v.tgbin" || fail "vecadd.cu through nvcc"
  printf '__global__ void k( { }\n' > "$tmp/broken.cu"
  "$TGPU" ptx "$tmp/broken.cu" -o "$tmp/b.tgbin" 2>/dev/null; [ $? -eq 2 ] || fail "broken .cu: want exit 2"
fi
[ $fails -eq 0 ]
