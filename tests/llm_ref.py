#!/usr/bin/env python3
"""Independent reference for the LLM forward pass: numpy (float64), written from the model's
math, reading the GGUF with the `gguf` python package (its own dequantizers).

    llm_ref.py MODEL.gguf 1,5,7 LOGITS.f32 [--tol 1e-4]

computes the next-token logits after each token and compares them with LOGITS.f32 (what
`tgpu llm --tokens ... --logits` wrote: n x n_vocab float32). The check passes when
max|c - ref| <= tol * max(1, max|ref|) and the greedy tokens agree wherever the reference's top
two logits are not within that tolerance of each other. Exit 0 on pass, 1 on mismatch.
"""
import sys

import numpy as np
from gguf import GGUFReader, GGMLQuantizationType
from gguf.quants import dequantize


def field(r, key, default=None):
    f = r.fields.get(key)
    if f is None:
        return default
    v = f.parts[f.data[0]]
    if f.types[0].name == "STRING":
        return bytes(v).decode()
    return v[0].item()


def load(path):
    r = GGUFReader(path)
    arch = field(r, "general.architecture")
    hp = {
        "arch": arch,
        "dim": field(r, f"{arch}.embedding_length"),
        "n_layers": field(r, f"{arch}.block_count"),
        "n_heads": field(r, f"{arch}.attention.head_count"),
        "eps": field(r, f"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
        "base": field(r, f"{arch}.rope.freq_base", 10000.0),
    }
    hp["n_kv"] = field(r, f"{arch}.attention.head_count_kv", hp["n_heads"])
    hp["head_dim"] = hp["dim"] // hp["n_heads"]
    hp["n_rot"] = field(r, f"{arch}.rope.dimension_count", hp["head_dim"])
    scaling = field(r, f"{arch}.rope.scaling.type", "none")
    hp["pos_scale"] = 1.0 / field(r, f"{arch}.rope.scaling.factor", 1.0) if scaling == "linear" else 1.0
    w = {}
    for t in r.tensors:
        a = dequantize(t.data, GGMLQuantizationType(t.tensor_type)).astype(np.float64)
        shape = [int(x) for x in reversed(t.shape)]          # ggml ne is innermost first
        w[t.name] = a.reshape(shape)
    if "output.weight" not in w:
        w["output.weight"] = w["token_embd.weight"]
    return hp, w


def rmsnorm(x, g, eps):
    return x / np.sqrt(np.mean(x * x) + eps) * g


def rope(v, pos, hp):
    """Rotate each head's first n_rot dims; pairs are (2i, 2i+1) for llama and (i, i + n_rot/2)
    for qwen2 (NeoX). Written as a complex multiplication by e^{i * pos * base^(-2i/n_rot)}."""
    n_rot, hd = hp["n_rot"], hp["head_dim"]
    heads = v.reshape(-1, hd).copy()
    rot = heads[:, :n_rot]
    if hp["arch"] == "qwen2":
        z = rot[:, : n_rot // 2] + 1j * rot[:, n_rot // 2:]
    else:
        z = rot[:, 0::2] + 1j * rot[:, 1::2]
    freqs = hp["base"] ** (-np.arange(0, n_rot, 2) / n_rot)
    z = z * np.exp(1j * pos * hp["pos_scale"] * freqs)
    if hp["arch"] == "qwen2":
        rot[:, : n_rot // 2], rot[:, n_rot // 2:] = z.real, z.imag
    else:
        rot[:, 0::2], rot[:, 1::2] = z.real, z.imag
    heads[:, :n_rot] = rot
    return heads.reshape(-1)


def forward_all(hp, w, tokens):
    hd, nh, nkv = hp["head_dim"], hp["n_heads"], hp["n_kv"]
    keys = [[] for _ in range(hp["n_layers"])]
    vals = [[] for _ in range(hp["n_layers"])]
    out = []
    for pos, tok in enumerate(tokens):
        x = w["token_embd.weight"][tok].copy()
        for l in range(hp["n_layers"]):
            p = f"blk.{l}."
            h = rmsnorm(x, w[p + "attn_norm.weight"], hp["eps"])
            q, k, v = (w[p + n + ".weight"] @ h + w.get(p + n + ".bias", 0.0) for n in ("attn_q", "attn_k", "attn_v"))
            keys[l].append(rope(k, pos, hp).reshape(nkv, hd))
            vals[l].append(v.reshape(nkv, hd))
            q = rope(q, pos, hp).reshape(nh, hd)
            K, V = np.stack(keys[l]), np.stack(vals[l])          # [t, nkv, hd]
            att = np.empty((nh, hd))
            for head in range(nh):
                kvh = head * nkv // nh                           # query heads share kv heads in groups
                s = K[:, kvh, :] @ q[head] / np.sqrt(hd)
                s = np.exp(s - s.max())
                att[head] = (s / s.sum()) @ V[:, kvh, :]
            x = x + w[p + "attn_output.weight"] @ att.reshape(-1)
            h = rmsnorm(x, w[p + "ffn_norm.weight"], hp["eps"])
            g = w[p + "ffn_gate.weight"] @ h
            u = w[p + "ffn_up.weight"] @ h
            x = x + w[p + "ffn_down.weight"] @ (g / (1 + np.exp(-g)) * u)
        out.append(w["output.weight"] @ rmsnorm(x, w["output_norm.weight"], hp["eps"]))
    return np.stack(out)


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    tol = float(argv[argv.index("--tol") + 1]) if "--tol" in argv else 1e-4
    tokens = [int(t) for t in argv[2].split(",")]
    hp, w = load(argv[1])
    ref = forward_all(hp, w, tokens)
    got = np.fromfile(argv[3], dtype=np.float32).astype(np.float64)
    if got.size != ref.size:
        print(f"logits file has {got.size} values, expected {ref.size}", file=sys.stderr)
        return 1
    got = got.reshape(ref.shape)
    scale = max(1.0, np.abs(ref).max())
    err = np.abs(got - ref).max()
    ok = err <= tol * scale
    for i in range(len(tokens)):
        top2 = np.sort(ref[i])[-2:]
        if top2[1] - top2[0] > 2 * tol * scale and got[i].argmax() != ref[i].argmax():
            print(f"position {i}: greedy token {got[i].argmax()} but reference {ref[i].argmax()}")
            ok = False
    print(f"{argv[1]}: {len(tokens)} tokens, max |logit error| {err:.3g} (scale {scale:.3g}, tolerance {tol:g} x scale): "
          f"{'ok' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
