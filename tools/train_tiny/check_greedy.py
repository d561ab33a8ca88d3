"""Check a bundled GGUF model against the PyTorch model it was exported from: greedy text computed
from `tgpu llm`'s logits must equal the greedy samples PyTorch wrote at the end of training
(logs/<config>.json, "samples": 40 tokens after [BOS] + prompt, decoded without control tokens).

    python3 tools/train_tiny/check_greedy.py MODEL.gguf LOG.json [--tgpu build/tgpu]

Covers export, GGUF writer and reader, tokenizer, quantization and the forward pass at once.
`tgpu llm -n` stops at an end-of-text token, PyTorch's sampler did not, so the greedy loop runs here
on the logits of `tgpu llm --tokens`: a candidate sequence (the tokenized PyTorch text) is evaluated
in one call; the first position whose argmax differs from the candidate is corrected (a hidden
control token inserted) and the rest re-evaluated, so it takes a few calls, not one per token."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import gguf
import numpy as np

N_GEN = 40  # tokens train.py generated per sample


def field(r, key):
    f = r.fields[key]
    return [f.parts[i] for i in f.data]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("log")
    ap.add_argument("--tgpu", default="build/tgpu")
    a = ap.parse_args()
    r = gguf.GGUFReader(a.model)
    pieces = [bytes(p).decode("utf-8") for p in field(r, "tokenizer.ggml.tokens")]
    types = [int(t[0]) for t in field(r, "tokenizer.ggml.token_type")]
    bos = int(field(r, "tokenizer.ggml.bos_token_id")[0][0])
    n_vocab = len(pieces)

    def decode(ids):  # SentencePiece's decode: control tokens dropped, bytes joined, leading space off
        out = b""
        for i in ids:
            if types[i] == 3:
                continue
            if types[i] == 6:
                out += bytes([int(pieces[i][3:5], 16)])
            else:
                out += pieces[i].replace("\u2581", " ").encode("utf-8")
        return out.decode("utf-8", errors="replace").removeprefix(" ")

    def tokenize(text):
        p = subprocess.run([a.tgpu, "llm", "-m", a.model, "--tokenize", "-p", text],
                           capture_output=True, text=True, check=True)
        return [int(t) for t in p.stdout.split()]

    samples = json.load(open(a.log))["samples"]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        lpath = os.path.join(tmp, "l.f32")
        for prompt, want in samples.items():
            n_prompt = 1 + len(tokenize(prompt))
            cand = ([bos] + tokenize(want))[:n_prompt + N_GEN]
            cand += [0] * (n_prompt + N_GEN - len(cand))
            fixed, calls = n_prompt, 0  # cand[:fixed] is known to be the greedy sequence
            while fixed < len(cand):
                subprocess.run([a.tgpu, "llm", "-m", a.model, "--tokens", ",".join(map(str, cand[:-1])),
                                "--logits", lpath], capture_output=True, check=True)
                calls += 1
                best = np.fromfile(lpath, dtype="<f4").reshape(-1, n_vocab).argmax(axis=1)
                while fixed < len(cand) and cand[fixed] == best[fixed - 1]:
                    fixed += 1
                if fixed < len(cand):
                    tok = int(best[fixed - 1])
                    if types[tok] == 3:  # an end-of-text token, which the decoded text hides: insert it
                        cand = cand[:fixed] + [tok] + cand[fixed:-1]
                    else:
                        cand[fixed] = tok
                    fixed += 1
            got = decode(cand[1:])
            ok = got == want
            failed += not ok
            print(f"{os.path.basename(a.model)}: {'ok' if ok else 'DIFFERS'} ({calls} calls): {got!r}")
            if not ok:
                print(f"  pytorch: {want!r}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
