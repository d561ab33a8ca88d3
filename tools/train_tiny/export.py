"""Export a trained model (train.py's OUT/<config>_*.npz + the SentencePiece model) to GGUF with
tgpu's own writer: this script only lays out raw tensors and a manifest; `tgpu gguf pack` writes
the file.

    python3 tools/train_tiny/export.py DATA TRAIN_OUT CONFIG TYPE OUT.gguf [--tgpu build/tgpu]

TYPE is the type of the 2-D weight matrices (f32, q8_0, ...); norms stay f32."""
import argparse
import glob
import json
import os
import subprocess
import tempfile

import numpy as np
import sentencepiece as spm


def esc(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("train_out")
    ap.add_argument("config")
    ap.add_argument("type")
    ap.add_argument("out")
    ap.add_argument("--tgpu", default="build/tgpu")
    ap.add_argument("--name", default=None)
    a = ap.parse_args()
    logs = sorted(glob.glob(os.path.join(a.train_out, f"*{a.config}*.json")))
    shards = sorted(glob.glob(os.path.join(a.train_out, f"{a.config}_*.npz")))
    if not shards or not logs:
        raise SystemExit(f"{a.train_out}: no {a.config}_*.npz or {a.config}_log.json from train.py")
    exact = os.path.join(a.train_out, f"{a.config}_log.json")
    log = json.load(open(exact if exact in logs else logs[0]))
    c = log["hparams"]
    tensors = {}
    for f in shards:
        tensors.update(dict(np.load(f)))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.data, "spm.model"))
    n_vocab = sp.get_piece_size()
    with tempfile.TemporaryDirectory() as tmp:
        m = []
        kv = lambda k, t, v: m.append(f"kv {k} {t} {v}")
        kv("general.architecture", "str", "llama")
        kv("general.name", "str", a.name or f"tgpu-kjv-{a.config}")
        kv("general.description", "str", "trained by tgpu's tools/train_tiny on the King James Bible (docs/models.md)")
        kv("llama.context_length", "u32", c["ctx"])
        kv("llama.embedding_length", "u32", c["dim"])
        kv("llama.block_count", "u32", c["n_layers"])
        kv("llama.feed_forward_length", "u32", c["ffn"])
        kv("llama.attention.head_count", "u32", c["n_heads"])
        kv("llama.attention.head_count_kv", "u32", c["n_kv_heads"])
        kv("llama.attention.layer_norm_rms_epsilon", "f32", "1e-5")
        kv("llama.rope.freq_base", "f32", "10000")
        kv("llama.rope.dimension_count", "u32", c["dim"] // c["n_heads"])
        kv("llama.vocab_size", "u32", n_vocab)
        kv("tokenizer.ggml.model", "str", "llama")
        pieces = [sp.id_to_piece(i) for i in range(n_vocab)]
        scores = np.array([sp.get_score(i) for i in range(n_vocab)], dtype="<f4")
        # llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte
        types = np.array([2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 6 if sp.is_byte(i) else 1
                          for i in range(n_vocab)], dtype="<i4")
        with open(os.path.join(tmp, "tokens.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(esc(p) for p in pieces) + "\n")
        scores.tofile(os.path.join(tmp, "scores.f32"))
        types.tofile(os.path.join(tmp, "types.i32"))
        m.append("kv tokenizer.ggml.tokens arr:str tokens.txt")
        m.append("kv tokenizer.ggml.scores arr:f32 scores.f32")
        m.append("kv tokenizer.ggml.token_type arr:i32 types.i32")
        kv("tokenizer.ggml.bos_token_id", "u32", sp.bos_id())
        kv("tokenizer.ggml.eos_token_id", "u32", sp.eos_id())
        kv("tokenizer.ggml.unknown_token_id", "u32", sp.unk_id())
        kv("tokenizer.ggml.add_bos_token", "bool", "true")
        kv("tokenizer.ggml.add_eos_token", "bool", "false")
        order = ["token_embd.weight"] + [k for k in tensors if k.startswith("blk.")] + \
                [k for k in ("output_norm.weight", "output.weight") if k in tensors]
        for i, name in enumerate(order):
            arr = np.ascontiguousarray(tensors[name], dtype="<f4")
            path = f"t{i}.f32"
            arr.tofile(os.path.join(tmp, path))
            ttype = a.type if arr.ndim == 2 else "f32"
            shape = ",".join(str(d) for d in reversed(arr.shape))  # GGUF ne0 = contiguous dim
            m.append(f"tensor {name} {ttype} {shape} {path}")
        with open(os.path.join(tmp, "model.manifest"), "w") as f:
            f.write("\n".join(m) + "\n")
        subprocess.run([a.tgpu, "gguf", "pack", os.path.join(tmp, "model.manifest"), "-o", a.out], check=True)
    print(f"{a.out}: {log['params']} parameters, {os.path.getsize(a.out)} bytes")


if __name__ == "__main__":
    main()
