#!/usr/bin/env python3
"""make_gguf_corpus.py: writes tests/corpus/gguf/, small GGUF files for the reader's tests.

  ok_*.gguf                 valid files: `tgpu gguf info` must succeed
  bad_<what>@<offset>.gguf  malformed: info must fail with "offset <offset>:" in its message
  trunc_<n>.gguf            a valid file cut to n bytes: info must fail with an offset message

Files are built field by field with plain struct packing (no gguf package), so each malformed
file breaks exactly one field, and the name records the offset the error must point at.
Run from anywhere: python3 tests/corpus/make_gguf_corpus.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gguf")

U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<B",
       U64: "<Q", I64: "<q", F64: "<d"}


class Builder:
    """Appends little-endian fields; .at[name] records where a named field starts."""

    def __init__(self):
        self.b = bytearray()
        self.at = {}

    def mark(self, name):
        self.at[name] = len(self.b)

    def u32(self, v, name=None):
        if name: self.mark(name)
        self.b += struct.pack("<I", v)

    def u64(self, v, name=None):
        if name: self.mark(name)
        self.b += struct.pack("<Q", v)

    def raw(self, data, name=None):
        if name: self.mark(name)
        self.b += data

    def str(self, s, name=None, length=None):
        if name: self.mark(name)
        data = s.encode() if isinstance(s, str) else s
        self.u64(len(data) if length is None else length)
        self.b += data

    def pad(self, align):
        while len(self.b) % align: self.b.append(0)


def value(b, t, v, name=None):
    """Writes value v of type t (no type tag). Arrays: v = (elem_type, [items])."""
    if t == STR:
        b.str(v, name)
    elif t == ARR:
        et, items = v
        b.u32(et, name)
        b.u64(len(items))
        for it in items:
            value(b, et, it)
    else:
        if name: b.mark(name)
        b.raw(struct.pack(FMT[t], v))


def gguf(kvs=(), tensors=(), version=3, align=32, n_kv=None, n_tensors=None, data=b"", pad=True):
    """kvs: (key, type, value); tensors: (name, dims, type, offset). Returns the Builder, with field
    marks kv<i>.key / kv<i>.type / kv<i>.value and t<i>.name / .ndims / .dim<j> / .type / .offset."""
    b = Builder()
    b.raw(b"GGUF", "magic")
    b.u32(version, "version")
    b.u64(len(tensors) if n_tensors is None else n_tensors, "n_tensors")
    b.u64(len(kvs) if n_kv is None else n_kv, "n_kv")
    for i, (k, t, v) in enumerate(kvs):
        b.str(k, f"kv{i}.key")
        b.u32(t, f"kv{i}.type")
        value(b, t, v, f"kv{i}.value")
    for i, (name, dims, t, off) in enumerate(tensors):
        b.str(name, f"t{i}.name")
        b.u32(len(dims), f"t{i}.ndims")
        for j, d in enumerate(dims):
            b.u64(d, f"t{i}.dim{j}")
        b.u32(t, f"t{i}.type")
        b.u64(off, f"t{i}.offset")
    b.mark("end_infos")
    if pad:
        b.pad(align)
    b.mark("data")
    b.raw(data)
    return b


ALL_KVS = [
    ("general.architecture", STR, "llama"), ("k.u8", U8, 7), ("k.i8", I8, -7), ("k.u16", U16, 700),
    ("k.i16", I16, -700), ("k.u32", U32, 70000), ("k.i32", I32, -70000), ("k.f32", F32, 0.5),
    ("k.bool", BOOL, 1), ("k.u64", U64, 2**40), ("k.i64", I64, -2**40), ("k.f64", F64, 0.25),
    ("k.arr", ARR, (F32, [1.0, 2.0, 3.0])), ("k.strs", ARR, (STR, ["a", "", "ccc"])),
    ("k.nested", ARR, (ARR, [(I32, [1, 2]), (STR, ["x"])])),
]
F32_T, Q4_0_T, Q8_0_T = 0, 2, 8


def small_valid():
    # f32 [8 x 2] (64 bytes) at 0, q4_0 [32 x 2] (36 bytes) at 64, data padded to 128.
    return gguf(ALL_KVS, [("w.f32", [8, 2], F32_T, 0), ("w.q4_0", [32, 2], Q4_0_T, 64)], data=bytes(128))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".gguf"):
            os.remove(os.path.join(OUT, f))
    files = {}

    def bad(what, b, field):
        files[f"bad_{what}@{b.at[field] if isinstance(field, str) else field}.gguf"] = bytes(b.b)

    files["ok_empty.gguf"] = bytes(gguf().b)
    files["ok_v2.gguf"] = bytes(gguf(ALL_KVS[:3], version=2).b)
    files["ok_small.gguf"] = bytes(small_valid().b)
    files["ok_align64.gguf"] = bytes(gguf([("general.alignment", U32, 64)], [("t", [16], F32_T, 0)], align=64,
                                          data=bytes(64)).b)
    files["ok_zero_size.gguf"] = bytes(gguf([], [("e", [0, 4], F32_T, 0), ("f", [8], F32_T, 0)], data=bytes(32)).b)

    # Header.
    b = gguf(); b.b[0:4] = b"GGML"; bad("magic", b, "magic")
    bad("version1", gguf(version=1), "version")
    bad("version4", gguf(version=4), "version")
    bad("big_endian", gguf(version=0x03000000), "version")
    bad("huge_n_kv", gguf(n_kv=2**63), "n_kv")
    bad("huge_n_tensors", gguf(n_tensors=2**64 - 1), "n_tensors")
    bad("n_kv_more_than_present", gguf(ALL_KVS[:2], n_kv=3), "end_infos")

    # Metadata.
    b = gguf([("k", STR, "v")]); b.b[b.at["kv0.key"]:b.at["kv0.key"] + 8] = struct.pack("<Q", 2**64 - 1)
    bad("key_len_huge", b, "kv0.key")
    b = gguf([("k", STR, "value")]); b.b[b.at["kv0.value"]:b.at["kv0.value"] + 8] = struct.pack("<Q", 1000)
    bad("str_len_past_end", b, "kv0.value")
    bad("empty_key", gguf([("", U32, 1)]), "kv0.key")
    b = gguf([("k", U32, 5)]); b.b[b.at["kv0.type"]:b.at["kv0.type"] + 4] = struct.pack("<I", 13)
    bad("value_type_13", b, "kv0.type")
    b = gguf([("k", U32, 5)]); b.b[b.at["kv0.type"]:b.at["kv0.type"] + 4] = struct.pack("<I", 0xFFFFFFFF)
    bad("value_type_max", b, "kv0.type")
    b = gguf([("k", ARR, (U8, [1, 2]))]); b.b[b.at["kv0.value"]:b.at["kv0.value"] + 4] = struct.pack("<I", 99)
    bad("array_elem_type", b, "kv0.value")
    b = gguf([("k", ARR, (U32, [1, 2]))]); b.b[b.at["kv0.value"] + 4:b.at["kv0.value"] + 12] = struct.pack("<Q", 2**62)
    bad("array_count_huge", b, b.at["kv0.value"] + 4)
    b = gguf([("k", ARR, (STR, ["a", "b"]))]); b.b[b.at["kv0.value"] + 4:b.at["kv0.value"] + 12] = struct.pack("<Q", 2**40)
    bad("str_array_count_huge", b, b.at["kv0.value"] + 4)
    b = gguf([("k", ARR, (STR, ["a", "b"]))]); p = b.at["kv0.value"] + 12 + 9
    b.b[p:p + 8] = struct.pack("<Q", 1000)
    bad("array_string_past_end", b, p)
    b = gguf([("k", ARR, (ARR, [(U8, [1]), (U8, [2])]))]); p = b.at["kv0.value"] + 12 + 4
    b.b[p:p + 8] = struct.pack("<Q", 2**50)
    bad("nested_count_huge", b, p)
    v = (U8, [1])
    for _ in range(9):
        v = (ARR, [v])
    b = gguf([("k", ARR, v)]); bad("nested_too_deep", b, b.at["kv0.value"] + 12 * 8)
    bad("bool_2", gguf([("k", BOOL, 2)]), "kv0.value")
    b = gguf([("k", ARR, (BOOL, [1, 0, 3]))]); bad("bool_array_3", b, b.at["kv0.value"] + 12 + 2)
    bad("duplicate_key", gguf([("a", U32, 1), ("b", U32, 2), ("a", U32, 3)]), "kv2.key")
    bad("alignment_type", gguf([("general.alignment", U64, 64)]), "kv0.type")
    bad("alignment_0", gguf([("general.alignment", U32, 0)]), "kv0.value")
    bad("alignment_3", gguf([("general.alignment", U32, 24)]), "kv0.value")
    bad("alignment_2p31", gguf([("general.alignment", U32, 2**31)]), "kv0.value")
    bad("alignment_4", gguf([("general.alignment", U32, 4)]), "kv0.value")

    # Tensor infos.
    def one(dims=(32,), t=F32_T, off=0, name="t", data=128, **kw):
        return gguf([], [(name, list(dims), t, off)], data=bytes(data), **kw)
    bad("ndims_0", one(dims=()), "t0.ndims")
    bad("ndims_5", one(dims=(1, 1, 1, 1, 1)), "t0.ndims")
    bad("dim_over_int64", one(dims=(2**63,)), "t0.dim0")
    bad("dims_product_overflow", one(dims=(2**32, 2**32)), "t0.dim1")
    bad("bytes_overflow", one(dims=(2**61,)), "t0.type")   # elements fit, bytes do not
    bad("tensor_type_4", one(t=4), "t0.type")
    bad("tensor_type_1000", one(t=1000), "t0.type")
    bad("row_not_block_multiple", one(dims=(33,), t=Q4_0_T), "t0.type")
    bad("empty_name", one(name=""), "t0.name")
    bad("name_too_long", one(name="n" * 65), "t0.name")
    b = one(); b.b[b.at["t0.name"]:b.at["t0.name"] + 8] = struct.pack("<Q", 2**63)
    bad("name_len_huge", b, "t0.name")
    bad("data_out_of_range", one(off=128), "t0.offset")
    bad("data_past_end", one(data=100), "t0.offset")
    bad("offset_overflow", one(off=2**64 - 32), "t0.offset")
    bad("misaligned", one(off=16, data=256), "t0.offset")
    bad("misaligned_custom", gguf([("general.alignment", U32, 64)], [("t", [8], F32_T, 32)], align=64,
                                  data=bytes(128)), "t0.offset")
    b = gguf([], [("a", [16], F32_T, 0), ("b", [16], F32_T, 32)], data=bytes(96))
    bad("overlap", b, "t1.offset")
    b = gguf([], [("a", [32], F32_T, 64), ("b", [32], F32_T, 0)], data=bytes(256))
    bad("overlap_reordered", b, "t0.offset")
    bad("duplicate_tensor", gguf([], [("a", [8], F32_T, 0), ("a", [8], F32_T, 32)], data=bytes(64)), "t1.name")
    b = gguf([], [("t", [8], F32_T, 0)], pad=False)
    assert b.at["end_infos"] % 32, "the infos must end unaligned for this case"
    bad("no_data_section", b, "end_infos")

    # Truncations of a valid file: every length through the header and first keys, every 3rd through
    # the rest of the infos, then every 8th up to the end of the last tensor's data (the padding
    # after it is not needed).
    v = small_valid()
    whole, end, data_end = bytes(v.b), v.at["end_infos"], v.at["data"] + 100
    for n in list(range(0, 80)) + list(range(80, end + 1, 3)) + list(range(end + 1, data_end, 8)):
        files[f"trunc_{n:04d}.gguf"] = whole[:n]

    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
