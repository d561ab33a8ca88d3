#!/usr/bin/env bash
# tgpu gguf pack: a manifest with every line kind packs and reads back; each bad manifest fails with
# exit 2 and "MANIFEST:LINE: problem" naming the right line.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

printf '\x00\x00\x80\x3f\x00\x00\x00\x40' > two.f32          # 1.0, 2.0
head -c 1024 /dev/zero > zeros.bin                             # 256 f32 zeros
printf 'a\\nb\nc\\\\d\n\\x41\n' > vocab.txt
mkdir sub && cp two.f32 sub/
cat > good.manifest <<'M'
# every kind of line; paths are relative to this file
kv general.architecture str llama   # a str value keeps this
kv a.u32 u32 7
kv a.i32 i32 -7
kv a.f32 f32 0.5
kv a.bool bool false
kv a.arr arr:f32 two.f32
kv a.tok arr:str vocab.txt
tensor w.f32 f32 2 sub/two.f32
tensor w.q4k q4_K 256 zeros.bin
M
out=$("$TGPU" gguf pack good.manifest -o good.gguf 2>&1) || fail "good manifest: $out"
info=$("$TGPU" gguf info good.gguf 2>&1) || fail "info on packed file: $info"
for want in '"llama   # a str value keeps this"' 'a.u32 ' 'u32  7' 'i32  -7' 'bool false' \
            '[f32 x 2] 1, 2' '[str x 3] "a\nb", "c\\d", "A"' 'w.q4k' 'q4_K'; do
  [[ "$info" == *"$want"* ]] || fail "packed file lacks: $want"
done

# bad manifests: "content" "line" "message fragment"
check_bad() {
  printf '%b' "$1" > bad.manifest
  err=$("$TGPU" gguf pack bad.manifest -o bad.gguf 2>&1 >/dev/null); rc=$?
  if [ $rc -ne 2 ] || [[ "$err" != *"bad.manifest:$2: "*"$3"* ]]; then
    fail "manifest '$1': exit $rc, want 2 and 'bad.manifest:$2: ...$3' in: $err"
  fi
}
check_bad 'kv a u32 -1\n' 1 "is not a u32"
check_bad '# c\nkv a u32 4294967296\n' 2 "is not a u32"
check_bad 'kv a i32 2147483648\n' 1 "is not an i32"
check_bad 'kv a f32 1.5x\n' 1 "is not an f32"
check_bad 'kv a bool yes\n' 1 "is not a bool"
check_bad 'kv a u64 1\n' 1 "unknown type 'u64'"
check_bad 'kv a u32\n' 1 "missing value"
check_bad 'kv a u32 1 2\n' 1 "unexpected '2'"
check_bad 'kv a arr:u32 missing.bin\n' 1 "cannot open"
check_bad 'kv a arr:u32 two.f32\nkv b arr:i32 vocab.txt\n' 2 "not a multiple of 4"
check_bad 'tensor w q4_0 32 two.f32\n' 1 "expected 128"
check_bad 'tensor w q4_0 33 zeros.bin\n' 1 "not a multiple of q4_0's block of 32"
check_bad 'tensor w q2_K 256 zeros.bin\n' 1 "unknown type 'q2_K'"
check_bad 'tensor w f32 0 zeros.bin\n' 1 "not a positive integer"
check_bad 'tensor w f32 1,2,3,4,5 zeros.bin\n' 1 "more than 4 dimensions"
check_bad 'tensor w f32 256\n' 1 "expected: tensor"
check_bad 'tensor w f32 2 two.f32\ntensor w f32 2 two.f32\n' 2 "duplicate tensor 'w'"
check_bad 'kv a u32 1\nkv a str x\n' 2 "kv 'a' is set twice"
check_bad 'weights w f32 2 two.f32\n' 1 "expected 'kv' or 'tensor'"
printf 'ok\n\\q\n' > bad_escape.txt
check_bad 'kv a arr:str bad_escape.txt\n' 1 "line 2: bad escape"
printf '\x00\x00\xc0\x7f' > nan.f32; head -c 124 /dev/zero >> nan.f32
check_bad 'tensor w q8_0 32 nan.f32\n' 1 "not finite"
echo "$fails failures"
[ $fails -eq 0 ]
