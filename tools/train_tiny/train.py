"""Train the bundled Llama models on the prepared KJV tokens (prepare.py). Runs on a CUDA GPU (the
project trained on one NVIDIA H100); CPU works but is slow.

    python3 tools/train_tiny/train.py DATA OUT --config tiny|small [--steps N] [--seed S]

The network is exactly llama.cpp's "llama" architecture, so export needs no permutation:
RMSNorm (eps 1e-5), RoPE on adjacent pairs (2i, 2i+1) with base 10000, grouped-query attention
(head h reads kv head h // (n_head / n_kv_head)), SwiGLU feed-forward (down(silu(gate x) * up x)),
output tied to the token embedding or separate. Writes OUT/<config>.npz (f32 weights under GGUF
tensor names, split into shards of at most ~14 MB) and OUT/<config>_log.json (config, loss curve,
timing, samples)."""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    # Step counts stop near the held-out loss minimum: the corpus is only 1.3 M tokens, and longer
    # runs memorize it (a first run of `small` for 5000 steps reached train loss 0.10, held-out 6.9).
    "tiny":  dict(dim=128, n_layers=4, n_heads=4, n_kv_heads=2, ffn=384, ctx=256, tied=True,
                  lr=3e-3, steps=1200, batch=64, dropout=0.0),
    "small": dict(dim=384, n_layers=6, n_heads=6, n_kv_heads=2, ffn=1024, ctx=256, tied=False,
                  lr=1.5e-3, steps=900, batch=64, dropout=0.1),
}
EPS, ROPE_BASE = 1e-5, 10000.0


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + EPS)).type_as(x) * self.weight


def rope(x, cos, sin):
    # x [B, T, H, D]; rotate adjacent pairs (2i, 2i+1) as llama.cpp's mode-0 RoPE
    x0, x1 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
    return out.flatten(-2)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h, kv = c["dim"], c["n_heads"], c["n_kv_heads"]
        self.h, self.kv, self.hd = h, kv, d // h
        self.attn_norm, self.ffn_norm = RMSNorm(d), RMSNorm(d)
        self.wq = nn.Linear(d, h * self.hd, bias=False)
        self.wk = nn.Linear(d, kv * self.hd, bias=False)
        self.wv = nn.Linear(d, kv * self.hd, bias=False)
        self.wo = nn.Linear(h * self.hd, d, bias=False)
        self.gate = nn.Linear(d, c["ffn"], bias=False)
        self.up = nn.Linear(d, c["ffn"], bias=False)
        self.down = nn.Linear(c["ffn"], d, bias=False)
        self.drop = nn.Dropout(c["dropout"])

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        a = self.attn_norm(x)
        q = rope(self.wq(a).view(B, T, self.h, self.hd), cos, sin)
        k = rope(self.wk(a).view(B, T, self.kv, self.hd), cos, sin)
        v = self.wv(a).view(B, T, self.kv, self.hd)
        g = self.h // self.kv
        k, v = k.repeat_interleave(g, dim=2), v.repeat_interleave(g, dim=2)
        o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True)
        x = x + self.drop(self.wo(o.transpose(1, 2).reshape(B, T, -1)))
        f = self.ffn_norm(x)
        return x + self.drop(self.down(F.silu(self.gate(f)) * self.up(f)))


class Llama(nn.Module):
    def __init__(self, c, vocab):
        super().__init__()
        self.c = c
        self.embd = nn.Embedding(vocab, c["dim"])
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["n_layers"]))
        self.norm = RMSNorm(c["dim"])
        self.out = None if c["tied"] else nn.Linear(c["dim"], vocab, bias=False)
        hd = c["dim"] // c["n_heads"]
        inv = ROPE_BASE ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
        ang = torch.outer(torch.arange(c["ctx"], dtype=torch.float64), inv)
        self.register_buffer("cos", ang.cos().float()[None, :, None, :], persistent=False)
        self.register_buffer("sin", ang.sin().float()[None, :, None, :], persistent=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
        for b in self.blocks:  # scaled init of the residual projections
            nn.init.normal_(b.wo.weight, std=0.02 / math.sqrt(2 * c["n_layers"]))
            nn.init.normal_(b.down.weight, std=0.02 / math.sqrt(2 * c["n_layers"]))

    def forward(self, idx):
        T = idx.shape[1]
        x = self.embd(idx)
        for b in self.blocks:
            x = b(x, self.cos[:, :T], self.sin[:, :T])
        x = self.norm(x)
        return x @ self.embd.weight.t() if self.out is None else self.out(x)

    def gguf_tensors(self):
        """Weights under llama.cpp's GGUF names, f32, row-major [out][in] (= GGUF ne0 = in)."""
        t = {"token_embd.weight": self.embd.weight, "output_norm.weight": self.norm.weight}
        if self.out is not None:
            t["output.weight"] = self.out.weight
        for i, b in enumerate(self.blocks):
            p = f"blk.{i}."
            t.update({p + "attn_norm.weight": b.attn_norm.weight, p + "attn_q.weight": b.wq.weight,
                      p + "attn_k.weight": b.wk.weight, p + "attn_v.weight": b.wv.weight,
                      p + "attn_output.weight": b.wo.weight, p + "ffn_norm.weight": b.ffn_norm.weight,
                      p + "ffn_gate.weight": b.gate.weight, p + "ffn_up.weight": b.up.weight,
                      p + "ffn_down.weight": b.down.weight})
        return {k: v.detach().float().cpu().numpy() for k, v in t.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--config", choices=CONFIGS, required=True)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    c = dict(CONFIGS[a.config])
    if a.steps:
        c["steps"] = a.steps
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(a.out, exist_ok=True)
    toks = np.fromfile(os.path.join(a.data, "tokens.u16"), dtype=np.uint16).astype(np.int64)
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.data, "spm.model"))
    vocab = sp.get_piece_size()
    # held out: every 20th chunk of 8192 tokens, so all books are represented on both sides
    chunks = np.array_split(toks, max(1, len(toks) // 8192))
    train = torch.from_numpy(np.concatenate([ch for i, ch in enumerate(chunks) if i % 20 != 7]))
    val = torch.from_numpy(np.concatenate([ch for i, ch in enumerate(chunks) if i % 20 == 7]))
    split = len(train)
    model = Llama(c, vocab).to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=c["lr"], betas=(0.9, 0.95), weight_decay=0.1)
    gen = torch.Generator().manual_seed(a.seed)

    def batch(src, n):
        ix = torch.randint(0, len(src) - c["ctx"] - 1, (n,), generator=gen)
        x = torch.stack([src[i:i + c["ctx"]] for i in ix])
        y = torch.stack([src[i + 1:i + 1 + c["ctx"]] for i in ix])
        return x.to(dev), y.to(dev)

    def lr_at(s):
        warm = 100
        if s < warm:
            return c["lr"] * (s + 1) / warm
        p = (s - warm) / max(1, c["steps"] - warm)
        return c["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    @torch.no_grad()
    def val_loss():
        model.eval()
        g_state = gen.get_state()
        gen.manual_seed(7)
        tot = 0.0
        for _ in range(8):
            x, y = batch(val, 32)
            with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
                tot += F.cross_entropy(model(x).float().view(-1, vocab), y.view(-1)).item()
        gen.set_state(g_state)
        model.train()
        return tot / 8

    log = {"config": a.config, "hparams": c, "vocab": vocab, "params": n_params, "device": dev,
           "gpu": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu", "torch": torch.__version__,
           "train_tokens": int(split), "curve": []}
    print(f"{a.config}: {n_params / 1e6:.3f} M parameters on {log['gpu']}", flush=True)
    t0 = time.time()
    for s in range(c["steps"]):
        for g in opt.param_groups:
            g["lr"] = lr_at(s)
        x, y = batch(train, c["batch"])
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
            loss = F.cross_entropy(model(x).float().view(-1, vocab), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if s % 100 == 0 or s == c["steps"] - 1:
            vl = val_loss()
            log["curve"].append({"step": s, "train_loss": round(loss.item(), 4), "val_loss": round(vl, 4),
                                 "seconds": round(time.time() - t0, 1)})
            print(f"step {s:5d} loss {loss.item():.4f} val {vl:.4f} {time.time() - t0:.1f}s", flush=True)
    log["train_seconds"] = round(time.time() - t0, 1)

    # greedy samples from the trained network in f32, for the record
    model.eval()
    samples = {}
    with torch.no_grad():
        for prompt in ["In the beginning God", "And the LORD said unto Moses", "Blessed are the"]:
            ids = [sp.bos_id()] + sp.encode(prompt)
            for _ in range(40):
                logits = model(torch.tensor([ids[-c["ctx"]:]], device=dev))[0, -1]
                ids.append(int(logits.argmax()))
            samples[prompt] = sp.decode(ids[1:])
            print("sample:", samples[prompt], flush=True)
    log["samples"] = samples
    tensors = model.gguf_tensors()
    # shards of at most ~14 MB so each file fits the transfer limit
    shard, size, k = {}, 0, 0
    for name, arr in tensors.items():
        if size + arr.nbytes > 14 << 20 and shard:
            np.savez(os.path.join(a.out, f"{a.config}_{k}.npz"), **shard)
            shard, size, k = {}, 0, k + 1
        shard[name] = arr
        size += arr.nbytes
    np.savez(os.path.join(a.out, f"{a.config}_{k}.npz"), **shard)
    with open(os.path.join(a.out, f"{a.config}_log.json"), "w") as f:
        json.dump(log, f, indent=1)


if __name__ == "__main__":
    main()
