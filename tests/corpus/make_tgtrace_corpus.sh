#!/usr/bin/env bash
# Writes the seeds of tests/corpus/tgtrace/: a real recording of a small run (vecadd on the tiny
# preset, through tgpu run --trace F.tgtrace) and copies the reader must refuse, each broken at one
# field (trace_file.c describes the layout).
#   bash tests/corpus/make_tgtrace_corpus.sh [OUTDIR]   (TGPU=build/tgpu by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/tests/corpus/tgtrace}
: "${TGPU:=$root/build/tgpu}"
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
head -c 256 /dev/zero > "$tmp/a.f32"
"$TGPU" run "$root/kernels/vecadd.tgasm" --grid 4 --block 16 --arg in:"$tmp/a.f32" --arg in:"$tmp/a.f32" \
  --arg out:256:"$tmp/c.f32" --arg u32:64 --mode cycle --config tiny --trace "$out/vecadd_tiny.tgtrace" > /dev/null
python3 - "$out" <<'PY'
import struct, sys
out = sys.argv[1]
good = open(f"{out}/vecadd_tiny.tgtrace", "rb").read()
def put(name, data): open(f"{out}/{name}.tgtrace", "wb").write(data)
def patch(off, fmt, v): b = bytearray(good); struct.pack_into(fmt, b, off, v); return bytes(b)
put("bad_magic", b"TGTRACX\0" + good[8:])
put("bad_version", patch(8, "<I", 2))
put("zero_cores", patch(12, "<I", 0))
put("huge_slots", patch(16, "<I", 100000))
put("huge_buffers", patch(24, "<I", 65))
put("huge_end", patch(28, "<Q", 1 << 60))
put("huge_buckets", patch(36, "<Q", 1 << 40))
put("huge_dram", patch(44, "<Q", 1 << 62))
put("kernel_name_unterminated", good[:52] + b"k" * 64 + good[116:])
put("bad_stat_count", patch(180, "<I", 30))
put("truncated_header", good[:100])
put("truncated_spans", good[:len(good) // 3])
put("truncated_buffer", good[:-20])
put("trailing_bytes", good + b"\0")
put("no_end_marker", good[:-8] + b"TGEND\0\0X")
put("sparse_huge_end", patch(28, "<Q", 1 << 47))   # valid: a short run stretched to 2^47 cycles
def var(v):
    out = b""
    while True:
        out += bytes([(v & 0x7f) | (0x80 if v >> 7 else 0)]); v >>= 7
        if not v: return out
# valid: one core, one slot, 2000 one-cycle spans 2^28 cycles apart (too sparse for a summary)
syn = b"TGTRACE\0" + struct.pack("<IIIIIQQQ", 1, 1, 1, 1, 0, (2000 << 28) + 2000, 0, 0) + b"syn".ljust(64, b"\0")
syn += b"unit".ljust(64, b"\0") + struct.pack("<I", 29) + bytes(29 * 8) + var(2000)
syn += b"".join(var(1 << 28) + var(1) + bytes([i % 6]) for i in range(2000)) + b"TGEND\0\0\0"
put("sparse_many_spans", syn)
put("varint_overlong", good[:184 + 29 * 8] + b"\xff" * 11 + good[184 + 29 * 8 + 11:])
PY
