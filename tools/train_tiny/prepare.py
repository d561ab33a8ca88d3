"""Prepare the bundled models' training data: the King James Bible from Debian's bible-kjv package
(public domain), verse labels stripped, a SentencePiece BPE vocabulary with byte fallback trained on
it, and the corpus encoded to uint16 token ids.

    bible -f 'gen1:1-rev22:21' </dev/null > OUT/kjv_raw.txt
    python3 tools/train_tiny/prepare.py OUT [--vocab 1024]

Writes OUT/kjv.txt, OUT/spm.model, OUT/spm.vocab, OUT/tokens.u16 (deterministic for a given input).
"""
import argparse
import os
import re

import numpy as np
import sentencepiece as spm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vocab", type=int, default=1024)
    a = ap.parse_args()
    raw = open(os.path.join(a.out, "kjv_raw.txt"), encoding="utf-8").read().splitlines()
    # "Ge1:1 In the beginning ..." -> "In the beginning ..."; keep one verse per line
    verses = [re.sub(r"^\S+\d+:\d+\s+", "", line).strip() for line in raw]
    verses = [v for v in verses if v]
    text_path = os.path.join(a.out, "kjv.txt")
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("\n".join(verses) + "\n")
    prefix = os.path.join(a.out, "spm")
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=prefix, vocab_size=a.vocab, model_type="bpe",
        byte_fallback=True, character_coverage=1.0, split_digits=True, num_threads=2,
        bos_id=1, eos_id=2, unk_id=0, pad_id=-1, input_sentence_size=0, shuffle_input_sentence=False,
        add_dummy_prefix=True, normalization_rule_name="identity", minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    ids = []
    for v in verses:
        ids.append(sp.bos_id())
        ids.extend(sp.encode(v))
    arr = np.array(ids, dtype=np.uint16)
    arr.tofile(os.path.join(a.out, "tokens.u16"))
    print(f"{len(verses)} verses, {os.path.getsize(text_path)} bytes, vocab {sp.get_piece_size()}, "
          f"{len(arr)} tokens ({os.path.getsize(text_path) / len(arr):.2f} bytes/token)")


if __name__ == "__main__":
    main()
