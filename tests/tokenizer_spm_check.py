#!/usr/bin/env python3
"""SPM tokenizer cross-check against the `sentencepiece` package.

    tokenizer_spm_check.py make WORKDIR     trains a tiny BPE model (byte fallback) on generated
                                            text, writes WORKDIR/spm.gguf (vocabulary only) and
                                            WORKDIR/sentences.txt
    tokenizer_spm_check.py compare WORKDIR IDS.txt
                                            compares IDS.txt (one line of ids per sentence, from
                                            `tgpu llm --tokenize`) with sentencepiece's encoding
"""
import random
import sys

import sentencepiece as spm
import gguf

WORDS = ("the quick brown fox jumps over lazy dog model token piece merge score byte fallback "
         "transformer attention layer weight matrix vector cache decode prefill sample greedy "
         "temperature nucleus probability language runtime kernel thread memory tiny real gpu "
         "simulator instruction warp lane register shared global barrier").split()
EXTRA = ["caf\u00e9", "na\u00efve", "\u00fcber", "\u65e5\u672c", "stra\u00dfe", "\u00e9t\u00e9", "1234", "42", "3.14"]


def corpus(rng, n):
    lines = []
    for _ in range(n):
        k = rng.randint(3, 14)
        ws = [rng.choice(WORDS) if rng.random() > 0.08 else rng.choice(EXTRA) for _ in range(k)]
        s = " ".join(ws)
        if rng.random() < 0.3:
            s = s.capitalize()
        s += rng.choice([".", "!", "?", ",", "", ":"])
        lines.append(s)
    return lines


def make(work):
    rng = random.Random(1234)
    with open(f"{work}/train.txt", "w") as f:
        f.write("\n".join(corpus(rng, 300)) + "\n")
    spm.SentencePieceTrainer.train(
        input=f"{work}/train.txt", model_prefix=f"{work}/spm", model_type="bpe", vocab_size=420,
        byte_fallback=True, character_coverage=0.995, normalization_rule_name="identity",
        add_dummy_prefix=True, remove_extra_whitespaces=False, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=f"{work}/spm.model")
    toks, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        toks.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        types.append(2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 6 if sp.is_byte(i)
                     else 5 if sp.is_unused(i) else 1)
    w = gguf.GGUFWriter(f"{work}/spm.gguf", "llama")
    w.add_string("tokenizer.ggml.model", "llama")
    w.add_array("tokenizer.ggml.tokens", toks)
    w.add_array("tokenizer.ggml.scores", scores)
    w.add_array("tokenizer.ggml.token_type", types)
    w.add_uint32("tokenizer.ggml.bos_token_id", sp.bos_id())
    w.add_uint32("tokenizer.ggml.eos_token_id", sp.eos_id())
    w.add_uint32("tokenizer.ggml.unknown_token_id", sp.unk_id())
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    # held-out sentences, plus the awkward cases: spacing, unseen characters, digits, empty
    rng = random.Random(99)
    tests = corpus(rng, 150) + [
        "", " ", "  leading spaces", "trailing spaces   ", "double  space", "tabs\tand\tmore",
        "unseen: \u00e6\u00f8\u00e5 \u0416\u0438\u0437\u043d\u044c \U0001F600 \u4e2d\u6587", "x", "xyzzy qwerty",
        "UPPER CASE WORDS", "numbers 0 1 22 333 4444 55555", "punctuation!?.,;:'\"()[]{}<>",
        "the the the the", "thethethe", "caf\u00e9 na\u00efve \u00fcber stra\u00dfe", "\u65e5\u672c\u8a9e",
    ]
    with open(f"{work}/sentences.txt", "w") as f:
        f.write("\n".join(tests) + "\n")


def compare(work, ids_path):
    sp = spm.SentencePieceProcessor(model_file=f"{work}/spm.model")
    with open(f"{work}/sentences.txt") as f:
        sentences = f.read().split("\n")[:-1]
    with open(ids_path) as f:
        got = [[int(x) for x in line.split()] for line in f.read().split("\n")[:-1]]
    if len(got) != len(sentences):
        print(f"{len(got)} lines of ids for {len(sentences)} sentences")
        return 1
    bad = 0
    for s, g in zip(sentences, got):
        want = sp.encode(s)
        if g != want:
            bad += 1
            if bad <= 5:
                print(f"MISMATCH {s!r}\n  tgpu:          {[sp.id_to_piece(i) for i in g]}\n"
                      f"  sentencepiece: {[sp.id_to_piece(i) for i in want]}")
    n_tokens = sum(len(g) for g in got)
    print(f"{len(sentences)} sentences, {n_tokens} tokens: {len(sentences) - bad} identical, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        make(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) >= 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
