#!/usr/bin/env python3
"""Byte-level BPE tokenizer cross-check against Hugging Face `tokenizers`.

    tokenizer_bpe_check.py make WORKDIR gpt2|qwen2|llama-bpe   trains a small byte-level BPE with that
                                                     pre-tokenizer on generated text, writes
                                                     WORKDIR/bpe.gguf (vocabulary only) and
                                                     WORKDIR/sentences.txt
    tokenizer_bpe_check.py compare WORKDIR IDS.txt   compares `tgpu llm --tokenize` output
"""
import json
import random
import sys

import gguf
from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
         r"\s*[\r\n]+|\s+(?!\S)|\s+")
WORDS = ("the quick brown fox jumps over lazy dog model token piece merge score byte it's don't we'll "
         "they're I've you'd I'M transformer attention layer weight 2024 3.14 1,000,000 $5 #tag @user "
         "e-mail (parens) [brackets] {braces} caf\u00e9 na\u00efve \u00fcber Stra\u00dfe \u00e9t\u00e9 "
         "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u03b1\u03b2\u03b3 \u65e5\u672c\u8a9e "
         "\u4e2d\u6587 \u3053\u3093\u306b\u3061\u306f \ud55c\uad6d\uc5b4 \u0645\u0631\u062d\u0628\u0627 "
         "\u05e9\u05dc\u05d5\u05dd \u00bd \u00b2 \u2013 \u2014 \u201cquoted\u201d \u2026 \u20ac5 \U0001F600 "
         "\u2603 x\u0301 \u0928\u092e\u0938\u094d\u0924\u0947 \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35 \u0627\u064e\u0644\u0652 \u09ac\u09be\u0982\u09b2\u09be \u00b9\u2044\u2082 \u2160\u2161 \u0e51\u0e52 \u0966\u0967").split()
SEPS = [" ", " ", " ", " ", "  ", "   ", "\t", " \t ", "\r", " \r", ", ", ". ", "!", "?", "...", " - "]


def corpus(rng, n):
    lines = []
    for _ in range(n):
        k = rng.randint(2, 12)
        s = rng.choice(["", "", " ", "  "])
        for i in range(k):
            s += rng.choice(WORDS) + (rng.choice(SEPS) if i < k - 1 else "")
        lines.append(s + rng.choice(["", ".", "!", " ", "  "]))
    return lines


def make(work, pre):
    tok = Tokenizer(models.BPE())
    if pre == "gpt2":
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        regex = QWEN2 if pre == "qwen2" else QWEN2.replace(r"|\p{N}|", r"|\p{N}{1,3}|")
        assert regex != QWEN2 or pre == "qwen2"
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    trainer = trainers.BpeTrainer(vocab_size=600, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(corpus(random.Random(7), 400), trainer)
    tok.save(f"{work}/bpe.json")
    m = json.loads(tok.to_str())["model"]
    vocab = sorted(m["vocab"].items(), key=lambda kv: kv[1])
    assert [i for _, i in vocab] == list(range(len(vocab)))
    merges = [x if isinstance(x, str) else " ".join(x) for x in m["merges"]]
    w = gguf.GGUFWriter(f"{work}/bpe.gguf", "qwen2")
    w.add_string("tokenizer.ggml.model", "gpt2")
    w.add_string("tokenizer.ggml.pre", pre)
    w.add_array("tokenizer.ggml.tokens", [t for t, _ in vocab])
    w.add_array("tokenizer.ggml.token_type", [1] * len(vocab))
    w.add_array("tokenizer.ggml.merges", merges)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(f"{work}/sentences.txt", "w", newline="") as f:
        f.write("\n".join(corpus(random.Random(8), 200) + ["", " ", "a", "   x   y   "]) + "\n")


def compare(work, ids_path):
    tok = Tokenizer.from_file(f"{work}/bpe.json")
    with open(f"{work}/sentences.txt", newline="") as f:
        sentences = f.read().split("\n")[:-1]
    with open(ids_path) as f:
        got = [[int(x) for x in line.split()] for line in f.read().split("\n")[:-1]]
    if len(got) != len(sentences):
        print(f"{len(got)} lines of ids for {len(sentences)} sentences")
        return 1
    bad = 0
    for s, g in zip(sentences, got):
        want = tok.encode(s).ids
        if g != want:
            bad += 1
            if bad <= 5:
                print(f"MISMATCH {s!r}\n  tgpu:       {[tok.id_to_token(i) for i in g]}\n"
                      f"  tokenizers: {[tok.id_to_token(i) for i in want]}")
    print(f"{len(sentences)} sentences, {sum(map(len, got))} tokens: {len(sentences) - bad} identical, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if len(sys.argv) >= 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
