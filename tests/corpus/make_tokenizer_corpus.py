#!/usr/bin/env python3
"""Writes the GGUF seeds of tests/corpus/tokenizer/ (mode byte 3 + a vocabulary-only GGUF):
valid SPM and BPE vocabularies and broken ones the loader must refuse.
    python3 tests/corpus/make_tokenizer_corpus.py tests/corpus/tokenizer"""
import os
import sys
import tempfile

import gguf

BYTES = [f"<0x{b:02X}>" for b in range(256)]


def write(path, kvs):
    with tempfile.NamedTemporaryFile(suffix=".gguf") as tmp:
        w = gguf.GGUFWriter(tmp.name, "llama")
        for kind, key, val in kvs:
            getattr(w, "add_" + kind)(key, val)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        data = open(tmp.name, "rb").read()
    with open(path, "wb") as f:
        f.write(b"\x03" + data)


def main(out):
    spm_toks = ["<unk>", "<s>", "</s>"] + BYTES + ["\u2581the", "he", "\u2581t"]
    spm_types = [2, 3, 3] + [6] * 256 + [1, 1, 1]
    spm = [("string", "tokenizer.ggml.model", "llama"), ("array", "tokenizer.ggml.tokens", spm_toks),
           ("array", "tokenizer.ggml.scores", [0.0] * 259 + [-1.0, -2.0, -3.0]),
           ("array", "tokenizer.ggml.token_type", spm_types),
           ("uint32", "tokenizer.ggml.bos_token_id", 1), ("uint32", "tokenizer.ggml.eos_token_id", 2)]
    write(f"{out}/gguf_spm", spm)
    bpe = [("string", "tokenizer.ggml.model", "gpt2"), ("string", "tokenizer.ggml.pre", "qwen2"),
           ("array", "tokenizer.ggml.tokens", ["a", "b", "ab", "\u0120", "<|end|>"]),
           ("array", "tokenizer.ggml.merges", ["a b"]), ("array", "tokenizer.ggml.token_type", [1, 1, 1, 1, 3]),
           ("uint32", "tokenizer.ggml.eos_token_id", 4)]
    write(f"{out}/gguf_bpe", bpe)
    write(f"{out}/gguf_bad_model", [("string", "tokenizer.ggml.model", "bert")] + bpe[1:])
    write(f"{out}/gguf_bad_scores_len", spm[:2] + [("array", "tokenizer.ggml.scores", [0.0, 1.0])] + spm[3:])
    write(f"{out}/gguf_bad_bos", spm[:4] + [("uint32", "tokenizer.ggml.bos_token_id", 100000)])
    write(f"{out}/gguf_bad_tokens_type", [spm[0], ("array", "tokenizer.ggml.tokens", [1, 2, 3])] + spm[2:])
    write(f"{out}/gguf_no_merges", bpe[:3] + bpe[4:])
    write(f"{out}/gguf_bad_pre", bpe[:1] + [("string", "tokenizer.ggml.pre", "deepseek-llm")] + bpe[2:])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)) + "/tokenizer")
