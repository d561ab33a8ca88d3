#!/usr/bin/env python3
"""gguf_compat.py: our GGUF reader, writer and quant layouts against llama.cpp's python `gguf` package.

usage: gguf_compat.py TGPU WORKDIR

1. reader: python writes every metadata kind (all scalars, strings, arrays of every scalar type,
   string arrays, nested arrays) and tensors; `tgpu gguf dump` must show exactly those values.
2. writer: the same metadata and tensors through `tgpu gguf pack` and python's GGUFWriter must give
   byte-identical files (also with general.alignment = 64). Tensors of types python can quantize
   (f32 f16 bf16 q8_0 q4_0 q4_1 q5_0 q5_1) are quantized on each side from the same f32 data, so
   equality also proves our reference quantizers match python's (ggml's) for those types.
3. layouts: random blocks of every type python can dequantize (f16 bf16 q4_0 q4_1 q5_0 q5_1 q8_0
   q4_K q5_K q6_K) are dequantized by both sides and compared bit for bit; q4_K/q5_K/q6_K/q8_K
   packed by our quantizer are also read back by python's dequantizer.
"""
import os
import struct
import subprocess
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as QT, GGUFValueType as VT

TGPU, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def tgpu(*args):
    r = subprocess.run([TGPU, "gguf", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"tgpu gguf {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def write_py(path, kvs, tensors, alignment=None):
    """kvs: (key, value, vtype, sub_type) in order; tensors: (name, np array, raw_dtype or None)."""
    w = gguf.GGUFWriter(path, "llama")
    if alignment:
        w.add_custom_alignment(alignment)
    for key, val, vt, sub in kvs:
        w.add_key_value(key, val, vt, sub_type=sub)
    for name, arr, raw in tensors:
        w.add_tensor(name, arr, raw_dtype=raw)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---- 1. reader ----------------------------------------------------------------------------------

def parse_dump(text):
    """Parses `tgpu gguf dump` into ({key: (type, value)}, [tensor lines])."""
    kv, tensors = {}, []
    for line in text.splitlines():
        if line.startswith("kv "):
            _, key, typ, rest = line.split(" ", 3)
            kv[unhex(key).decode()] = (typ, parse_value(typ, rest))
        elif line.startswith("tensor "):
            tensors.append(line.split()[1:])
    return kv, tensors


def unhex(s):
    return b"" if s == "-" else bytes.fromhex(s)


def parse_scalar(typ, tok):
    if typ in ("f32", "f64"):
        return float.fromhex(tok)
    if typ == "bool":
        return tok == "true"
    if typ == "str":
        return unhex(tok).decode()
    return int(tok)


def parse_value(typ, rest):
    if typ != "arr":
        return parse_scalar(typ, rest)
    toks = rest.replace("[", " [ ").replace("]", " ] ").split()
    pos = 0

    def arr():
        nonlocal pos
        assert toks[pos] == "["
        et, n = toks[pos + 1], int(toks[pos + 2])
        pos += 3
        out = []
        for _ in range(n):
            if et == "arr":
                out.append(arr())
            else:
                out.append(parse_scalar(et, toks[pos]))
                pos += 1
        assert toks[pos] == "]"
        pos += 1
        return (et, out)
    return arr()


SCALARS = [
    ("s.u8", 250, VT.UINT8, "u8"), ("s.i8", -128, VT.INT8, "i8"), ("s.u16", 65535, VT.UINT16, "u16"),
    ("s.i16", -32768, VT.INT16, "i16"), ("s.u32", 4294967295, VT.UINT32, "u32"),
    ("s.i32", -2147483648, VT.INT32, "i32"), ("s.f32", 0.1, VT.FLOAT32, "f32"),
    ("s.u64", 2**64 - 1, VT.UINT64, "u64"), ("s.i64", -2**63, VT.INT64, "i64"),
    ("s.f64", 0.1, VT.FLOAT64, "f64"), ("s.true", True, VT.BOOL, "bool"), ("s.false", False, VT.BOOL, "bool"),
    ("s.str", "héllo wörld ☃", VT.STRING, "str"), ("s.empty", "", VT.STRING, "str"),
]
ARRAYS = [
    ("a.u8", [0, 1, 255], VT.UINT8, "u8"), ("a.i8", [-128, 0, 127], VT.INT8, "i8"),
    ("a.u16", [0, 65535], VT.UINT16, "u16"), ("a.i16", [-32768, 32767], VT.INT16, "i16"),
    ("a.u32", [0, 4294967295, 7], VT.UINT32, "u32"), ("a.i32", [-5, 5], VT.INT32, "i32"),
    ("a.f32", [1.5, -0.1, 3e38], VT.FLOAT32, "f32"), ("a.u64", [2**64 - 1, 0], VT.UINT64, "u64"),
    ("a.i64", [-2**63, 2**63 - 1], VT.INT64, "i64"), ("a.f64", [0.1, -1e300], VT.FLOAT64, "f64"),
    ("a.bool", [True, False, True], VT.BOOL, "bool"),
    ("a.str", ["<unk>", "", "a\nb", "日本"] * 40, VT.STRING, "str"),
]


def f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def test_reader():
    kvs = [(k, v, vt, None) for k, v, vt, _ in SCALARS]
    kvs += [(k, v, VT.ARRAY, vt) for k, v, vt, _ in ARRAYS]
    kvs.append(("a.nested", [[1, 2], [3], [[4, 5], [6]]], VT.ARRAY, None))
    rng = np.random.default_rng(1)
    tensors = [("t.f32", rng.standard_normal((3, 64), dtype=np.float32), None),
               ("t.f16", rng.standard_normal((64,)).astype(np.float16), None),
               ("t.q6", gguf.quants.quantize(rng.standard_normal((2, 256), dtype=np.float32), QT.Q8_0), QT.Q8_0)]
    for align in (None, 64):
        path = os.path.join(WORK, f"py_all_kinds_{align}.gguf")
        write_py(path, kvs, tensors, align)
        kv, tl = parse_dump(tgpu("dump", path))
        check(kv["general.architecture"] == ("str", "llama"), "reader: architecture")
        for key, val, _, typ in SCALARS:
            want = f32(val) if typ == "f32" else val
            check(kv.get(key) == (typ, want), f"reader: {key} = {kv.get(key)}, want {want!r}")
        for key, val, _, typ in ARRAYS:
            want = [f32(v) for v in val] if typ == "f32" else val
            check(kv.get(key) == ("arr", (typ, want)), f"reader: array {key}")
        want_nested = ("arr", ("arr", [("i32", [1, 2]), ("i32", [3]), ("arr", [("i32", [4, 5]), ("i32", [6])])]))
        check(kv.get("a.nested") == want_nested, f"reader: nested array {kv.get('a.nested')}")
        if align:
            check(kv.get("general.alignment") == ("u32", align), "reader: general.alignment")
        check([t[:3] for t in tl] == [["t.f32", "f32", "64,3"], ["t.f16", "f16", "64"], ["t.q6", "q8_0", "256,2"]],
              f"reader: tensor table {tl}")
        # Tensor data: our dequant of each tensor equals python's view of the same bytes.
        r = gguf.GGUFReader(path)
        for t in r.tensors:
            out = os.path.join(WORK, "deq.f32")
            tgpu("dequant", path, t.name, "-o", out)
            ours = np.fromfile(out, dtype=np.float32)
            theirs = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).ravel()
            check(ours.tobytes() == theirs.tobytes(), f"reader: tensor {t.name} data")
    print("reader: python-written files read back with every metadata kind")


# ---- 2. writer ----------------------------------------------------------------------------------

PACK_TYPES = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1"]


def test_writer():
    rng = np.random.default_rng(2)
    for align in (None, 64):
        d = os.path.join(WORK, f"pack{align}")
        os.makedirs(d, exist_ok=True)
        man = ["# writer byte-equality test", "kv general.architecture str llama"]
        kvs = []
        if align:
            man.append(f"kv general.alignment u32 {align}")
        man += ["kv w.u32 u32 4000000000", "kv w.i32 i32 -12345", "kv w.f32 f32 0.3",
                "kv w.bool bool true", "kv w.str str hello # world", "kv w.arr_u32 arr:u32 u32.bin",
                "kv w.arr_i32 arr:i32 i32.bin", "kv w.arr_f32 arr:f32 f32.bin", "kv w.arr_str arr:str strs.txt"]
        kvs += [("w.u32", 4000000000, VT.UINT32, None), ("w.i32", -12345, VT.INT32, None),
                ("w.f32", 0.3, VT.FLOAT32, None), ("w.bool", True, VT.BOOL, None),
                ("w.str", "hello # world", VT.STRING, None)]
        u32 = rng.integers(0, 2**32, 50, dtype=np.uint32)
        i32 = rng.integers(-2**31, 2**31, 50, dtype=np.int32)
        fl = rng.standard_normal(50).astype(np.float32)
        u32.astype("<u4").tofile(os.path.join(d, "u32.bin"))
        i32.astype("<i4").tofile(os.path.join(d, "i32.bin"))
        fl.astype("<f4").tofile(os.path.join(d, "f32.bin"))
        strs = ["<s>", "", "tab\there", "new\nline", "back\\slash", "\x01ctl", "ünï"]
        with open(os.path.join(d, "strs.txt"), "wb") as f:
            for s in strs:
                b = s.encode().replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\x01", b"\\x01")
                f.write(b + b"\n")
        kvs += [("w.arr_u32", [int(v) for v in u32], VT.ARRAY, VT.UINT32),
                ("w.arr_i32", [int(v) for v in i32], VT.ARRAY, VT.INT32),
                ("w.arr_f32", [float(v) for v in fl], VT.ARRAY, VT.FLOAT32),
                ("w.arr_str", strs, VT.ARRAY, VT.STRING)]
        tensors = []
        for i, typ in enumerate(PACK_TYPES):
            shape = (48, 256) if i % 2 else (4, 12, 256)
            x = (rng.standard_normal(shape) * (0.02 if i % 3 else 5)).astype(np.float32)
            x.astype("<f4").tofile(os.path.join(d, f"t{i}.bin"))
            man.append(f"tensor blk.{i}.{typ} {typ} {','.join(str(s) for s in reversed(shape))} t{i}.bin")
            qt = QT[typ.upper()]
            tensors.append((f"blk.{i}.{typ}", gguf.quants.quantize(x, qt), None if typ in ("f32", "f16") else qt))
        with open(os.path.join(d, "model.manifest"), "w") as f:
            f.write("\n".join(man) + "\n")
        ours = os.path.join(d, "ours.gguf")
        theirs = os.path.join(d, "theirs.gguf")
        tgpu("pack", os.path.join(d, "model.manifest"), "-o", ours)
        write_py(theirs, kvs, tensors, align)   # python adds general.alignment via add_custom_alignment
        a, b = open(ours, "rb").read(), open(theirs, "rb").read()
        if a != b:
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            # Say which tensor differs when it is tensor data (quantizer) rather than layout.
            r = gguf.GGUFReader(theirs)
            where = "header/metadata"
            for t in r.tensors:
                if t.data_offset <= first < t.data_offset + t.n_bytes:
                    where = f"tensor {t.name}"
            check(False, f"writer: files differ (sizes {len(a)} vs {len(b)}), first at byte {first} ({where})")
        else:
            print(f"writer: byte-identical to python's GGUFWriter ({len(a)} bytes, alignment {align or 32}, "
                  f"tensors {' '.join(PACK_TYPES)})")
        # python reads our file
        r = gguf.GGUFReader(ours)
        check(len(r.tensors) == len(PACK_TYPES), "writer: python reads our tensors")


# ---- 3. layouts ---------------------------------------------------------------------------------

def random_blocks(qt, n_blocks, rng):
    """Random bytes in the type's layout with every f16 scale field set to a finite value."""
    bs, ts = gguf.GGML_QUANT_SIZES[qt]
    raw = rng.integers(0, 256, (n_blocks, ts), dtype=np.uint8)

    def halves(count):
        h = rng.standard_normal((n_blocks, count)).astype(np.float16) * np.float16(0.01)
        return h.view(np.uint8)
    if qt in (QT.Q4_0, QT.Q5_0, QT.Q8_0):
        raw[:, 0:2] = halves(1)
    elif qt in (QT.Q4_1, QT.Q5_1, QT.Q4_K, QT.Q5_K):
        raw[:, 0:4] = halves(2)
    elif qt == QT.Q6_K:
        raw[:, ts - 2:ts] = halves(1)
    return raw


def test_layouts():
    rng = np.random.default_rng(3)
    path = os.path.join(WORK, "layouts.gguf")
    tensors = []
    # f16 and bf16: every one of the 65536 bit patterns.
    allbits = np.arange(65536, dtype=np.uint16)
    tensors.append(("all.f16", allbits.view(np.float16), None))
    tensors.append(("all.bf16", allbits.view(np.uint8).reshape(1, -1), QT.BF16))
    types = [QT.Q4_0, QT.Q4_1, QT.Q5_0, QT.Q5_1, QT.Q8_0, QT.Q4_K, QT.Q5_K, QT.Q6_K]
    for qt in types:
        tensors.append((f"rand.{qt.name}", random_blocks(qt, 64, rng).reshape(1, -1), qt))
    write_py(path, [], tensors)
    r = gguf.GGUFReader(path)
    for t in r.tensors:
        out = os.path.join(WORK, "deq.f32")
        tgpu("dequant", path, t.name, "-o", out)
        ours = np.fromfile(out, dtype=np.uint32)
        theirs = np.ascontiguousarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32).ravel().view(np.uint32)
        same = ours.shape == theirs.shape and np.array_equal(ours, theirs)
        check(same, f"layout: {t.name} dequantizes differently ({np.count_nonzero(ours != theirs) if ours.shape == theirs.shape else 'shape'} values)")
    print(f"layouts: dequantize bit-identical to gguf.quants for f16 bf16 (all 65536 patterns) "
          f"and {' '.join(q.name for q in types)} (64 random blocks each)")
    # Our quantizer's K-quant output is read by python exactly as we read it.
    d = os.path.join(WORK, "kq")
    os.makedirs(d, exist_ok=True)
    x = rng.standard_normal((4, 512)).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(d, "x.bin"))
    with open(os.path.join(d, "m"), "w") as f:
        for typ in ("q4_K", "q5_K", "q6_K", "q8_K"):
            f.write(f"tensor {typ} {typ} 512,4 x.bin\n")
    tgpu("pack", os.path.join(d, "m"), "-o", os.path.join(d, "k.gguf"))
    r = gguf.GGUFReader(os.path.join(d, "k.gguf"))
    for t in r.tensors:
        out = os.path.join(WORK, "deq.f32")
        tgpu("dequant", os.path.join(d, "k.gguf"), t.name, "-o", out)
        ours = np.fromfile(out, dtype=np.float32)
        err = np.sqrt(np.mean((ours - x.ravel()) ** 2) / np.mean(x ** 2))
        check(err < 0.1, f"quantize {t.name}: rms error {err}")
        if t.tensor_type != QT.Q8_K:   # python has no q8_K dequantizer
            theirs = np.ascontiguousarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32).ravel()
            check(ours.tobytes() == theirs.tobytes(), f"quantize {t.name}: python reads our blocks differently")


test_reader()
test_writer()
test_layouts()
if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("gguf_compat: all passed")
