#!/usr/bin/env python3
"""Writes a tiny random Llama-family model as GGUF with the `gguf` python package, for tests.

    llm_make_model.py OUT.gguf --arch llama|qwen2 [--type f32|f16|q8_0|q4_0|q4_k] [--tied]
                      [--dim 64] [--layers 2] [--heads 4] [--kv-heads 2] [--ffn 128] [--seed 1]
                      [--rope-scale F] [--rot N] [--break arch|shape|normtype]

llama gets a SentencePiece vocabulary (<unk> <s> </s>, 256 byte tokens, a few pieces), qwen2 a
byte-level BPE vocabulary (256 byte characters, a few merges, ChatML control tokens) and q/k/v
biases. Weights are random with 1/sqrt(fan_in) scale so logits stay O(1). q4_k tensors are random
blocks (the python package has no q4_K quantizer); their dequantized values are what both the C
runtime and tests/llm_ref.py read. --break writes a model the loader must refuse: an unknown
architecture, a tensor of the wrong shape, or a norm in f16.
"""
import argparse

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q
from gguf.quants import quantize

TYPES = {"f32": Q.F32, "f16": Q.F16, "q8_0": Q.Q8_0, "q4_0": Q.Q4_0, "q4_k": Q.Q4_K}


def byte_chars():
    """GPT-2's byte -> printable code point map (from its definition)."""
    keep = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or b >= 174]
    m, n = {}, 0
    for b in range(256):
        if b in keep:
            m[b] = chr(b)
        else:
            m[b] = chr(256 + n)
            n += 1
    return m


def spm_vocab():
    pieces = ["\u2581the", "\u2581a", "\u2581hello", "\u2581world", "he", "ll", "\u2581h", "o", "l"]
    toks = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + pieces
    types = [2, 3, 3] + [6] * 256 + [1] * len(pieces)
    scores = [0.0, 0.0, 0.0] + [0.0] * 256 + [-float(i) for i in range(len(pieces))]
    return toks, types, scores


def bpe_vocab():
    bc = byte_chars()
    toks = [bc[b] for b in range(256)]
    merges = ["h e", "l l", "he ll", "hell o", "\u0120 w", "\u0120w o"]
    toks += ["he", "ll", "hell", "hello", "\u0120w", "\u0120wo"]
    toks += ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    types = [1] * (len(toks) - 3) + [3, 3, 3]
    return toks, types, merges


def q4_k_random(rng, rows, cols):
    blocks = rng.integers(0, 256, size=(rows, cols // 256, 144), dtype=np.uint8)
    d = rng.uniform(1e-4, 3e-4, size=(rows, cols // 256)).astype(np.float16)
    dmin = rng.uniform(1e-4, 3e-4, size=(rows, cols // 256)).astype(np.float16)
    blocks[:, :, 0:2] = d.view(np.uint8).reshape(rows, cols // 256, 2)
    blocks[:, :, 2:4] = dmin.view(np.uint8).reshape(rows, cols // 256, 2)
    return blocks.reshape(rows, cols // 256 * 144)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--arch", choices=["llama", "qwen2"], default="llama")
    ap.add_argument("--type", choices=list(TYPES), default="f32")
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--ffn", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rope-scale", type=float, default=0.0)
    ap.add_argument("--rot", type=int, default=0)
    ap.add_argument("--break", dest="brk", choices=["arch", "shape", "normtype"])
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    arch, hd = a.arch, a.dim // a.heads

    w = gguf.GGUFWriter(a.out, "mamba" if a.brk == "arch" else arch)
    w.add_uint32(f"{arch}.context_length", a.ctx)
    w.add_uint32(f"{arch}.embedding_length", a.dim)
    w.add_uint32(f"{arch}.block_count", a.layers)
    w.add_uint32(f"{arch}.feed_forward_length", a.ffn)
    w.add_uint32(f"{arch}.attention.head_count", a.heads)
    w.add_uint32(f"{arch}.attention.head_count_kv", a.kv_heads)
    w.add_float32(f"{arch}.attention.layer_norm_rms_epsilon", 1e-5 if arch == "llama" else 1e-6)
    w.add_float32(f"{arch}.rope.freq_base", 10000.0 if arch == "llama" else 1000000.0)
    w.add_uint32(f"{arch}.rope.dimension_count", a.rot or hd)
    if a.rope_scale:
        w.add_string(f"{arch}.rope.scaling.type", "linear")
        w.add_float32(f"{arch}.rope.scaling.factor", a.rope_scale)
    if arch == "llama":
        toks, types, scores = spm_vocab()
        w.add_string("tokenizer.ggml.model", "llama")
        w.add_array("tokenizer.ggml.tokens", toks)
        w.add_array("tokenizer.ggml.scores", scores)
        w.add_array("tokenizer.ggml.token_type", types)
        w.add_uint32("tokenizer.ggml.bos_token_id", 1)
        w.add_uint32("tokenizer.ggml.eos_token_id", 2)
        w.add_uint32("tokenizer.ggml.unknown_token_id", 0)
        w.add_string("tokenizer.chat_template", "{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}")
    else:
        toks, types, merges = bpe_vocab()
        w.add_string("tokenizer.ggml.model", "gpt2")
        w.add_string("tokenizer.ggml.pre", "qwen2")
        w.add_array("tokenizer.ggml.tokens", toks)
        w.add_array("tokenizer.ggml.token_type", types)
        w.add_array("tokenizer.ggml.merges", merges)
        w.add_uint32("tokenizer.ggml.eos_token_id", len(toks) - 3)
        w.add_bool("tokenizer.ggml.add_bos_token", False)
        w.add_string("tokenizer.chat_template", "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% endfor %}")
    n_vocab = len(toks)
    qtype = TYPES[a.type]

    def matrix(name, rows, cols, scale=None):
        if qtype == Q.Q4_K:
            w.add_tensor(name, q4_k_random(rng, rows, cols), raw_dtype=Q.Q4_K)
            return
        m = (rng.standard_normal((rows, cols)) * (scale or 1.0 / np.sqrt(cols))).astype(np.float32)
        if qtype == Q.F32:
            w.add_tensor(name, m)
        else:
            w.add_tensor(name, quantize(m, qtype), raw_dtype=qtype)

    def vector(name, n, base):
        v = (base + 0.1 * rng.standard_normal(n)).astype(np.float32)
        w.add_tensor(name, v.astype(np.float16) if a.brk == "normtype" and name == "blk.1.ffn_norm.weight" else v)

    q_dim, kv_dim = a.heads * hd, a.kv_heads * hd
    matrix("token_embd.weight", n_vocab, a.dim, scale=1.0)
    for l in range(a.layers):
        p = f"blk.{l}."
        vector(p + "attn_norm.weight", a.dim, 1.0)
        matrix(p + "attn_q.weight", q_dim, a.dim)
        matrix(p + "attn_k.weight", kv_dim, a.dim)
        matrix(p + "attn_v.weight", kv_dim, a.dim)
        if arch == "qwen2":
            vector(p + "attn_q.bias", q_dim, 0.0)
            vector(p + "attn_k.bias", kv_dim, 0.0)
            vector(p + "attn_v.bias", kv_dim, 0.0)
        matrix(p + "attn_output.weight", a.dim, q_dim)
        vector(p + "ffn_norm.weight", a.dim, 1.0)
        matrix(p + "ffn_gate.weight", a.ffn, a.dim)
        matrix(p + "ffn_up.weight", a.ffn + (32 if a.brk == "shape" and l == 1 else 0), a.dim)
        matrix(p + "ffn_down.weight", a.dim, a.ffn)
    vector("output_norm.weight", a.dim, 1.0)
    if not a.tied:
        matrix("output.weight", n_vocab, a.dim)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
