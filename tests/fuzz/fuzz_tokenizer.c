/* fuzz_tokenizer.c: libFuzzer target for the tokenizers. The first input byte picks a mode:
 *   0, 1, 2  tokenize the rest as text with a built-in SPM, GPT-2 BPE or qwen2 BPE vocabulary,
 *            with and without special-token parsing, and stream-decode the result; the decoded
 *            text must equal the input (both tokenizers are lossless here: every byte has a token),
 *            else the target aborts, which the replayer reports as a failure.
 *   3        parse the rest as GGUF and load a tokenizer from its metadata; when accepted,
 *            tokenize and decode a fixed text and every token id.
 * The replayer (tests/fuzz_main.c) runs it over tests/corpus/tokenizer/ in make test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/tokenizer.h"

static tg_tokenizer vocab[3];
static int ready;

/* SPM: control tokens, 256 byte tokens, a few pieces; BPE: the 256 byte characters, merges. */
static void build_vocabs(void)
{
    static char bytes[256][8], chars[256][4];
    static const char *spm[300], *bpe[300];
    static size_t spm_len[300], bpe_len[300], mlen[4];
    static float scores[300];
    static int32_t spm_types[300], bpe_types[300];
    static const char *merges[4] = { "h e", "l l", "he ll", "\xc4\xa0 t" };
    char err[200];
    int n = 0;
    spm[n] = "<unk>"; spm_types[n++] = TG_TT_UNKNOWN;
    spm[n] = "<s>"; spm_types[n++] = TG_TT_CONTROL;
    spm[n] = "</s>"; spm_types[n++] = TG_TT_CONTROL;
    for (int b = 0; b < 256; b++) {
        snprintf(bytes[b], sizeof bytes[b], "<0x%02X>", b);
        spm[n] = bytes[b]; spm_types[n++] = TG_TT_BYTE;
    }
    const char *pieces[] = { "\xe2\x96\x81t", "he", "\xe2\x96\x81the", "ll", "\xe2\x96\x81\xe2\x96\x81", "\xc3\xa9" };
    for (int i = 0; i < 6; i++) { spm[n] = pieces[i]; scores[n] = (float)-i; spm_types[n++] = TG_TT_NORMAL; }
    for (int i = 0; i < n; i++) spm_len[i] = strlen(spm[i]);
    tg_tok_desc d = { .kind = TG_TOK_SPM, .n_vocab = n, .tokens = spm, .token_lens = spm_len, .scores = scores,
                      .types = spm_types, .bos = 1, .eos = 2, .unk = 0, .add_bos = true, .add_space_prefix = true };
    if (tg_tok_init(&vocab[0], &d, err, sizeof err)) abort();

    n = 0;
    for (int b = 0; b < 256; b++) {
        int keep = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174, cp = b;
        if (!keep) { cp = 256; for (int c = 0; c < b; c++) cp += !((c >= 33 && c <= 126) || (c >= 161 && c <= 172) || c >= 174); }
        if (cp < 0x80) chars[b][0] = (char)cp;
        else { chars[b][0] = (char)(0xc0 | cp >> 6); chars[b][1] = (char)(0x80 | (cp & 0x3f)); }
        bpe[n] = chars[b]; bpe_types[n++] = TG_TT_NORMAL;
    }
    const char *merged[] = { "he", "ll", "hell", "\xc4\xa0t" };
    for (int i = 0; i < 4; i++) { bpe[n] = merged[i]; bpe_types[n++] = TG_TT_NORMAL; mlen[i] = strlen(merges[i]); }
    bpe[n] = "<|end|>"; bpe_types[n++] = TG_TT_CONTROL;
    for (int i = 0; i < n; i++) bpe_len[i] = strlen(bpe[i]);
    tg_tok_desc e = { .kind = TG_TOK_BPE, .n_vocab = n, .tokens = bpe, .token_lens = bpe_len, .types = bpe_types,
                      .n_merges = 4, .merges = merges, .merge_lens = mlen, .bos = -1, .eos = n - 1, .unk = -1 };
    if (tg_tok_init(&vocab[1], &e, err, sizeof err)) abort();
    e.pre = TG_PRE_QWEN2;
    if (tg_tok_init(&vocab[2], &e, err, sizeof err)) abort();
}

/* Tokenizes and stream-decodes; returns the decoded text (malloc'd) and its length. */
static char *roundtrip(const tg_tokenizer *t, const char *text, size_t len, bool special, size_t *out_len)
{
    int n = tg_tokenize(t, text, len, false, special, NULL, 0);
    if (n < 0) abort();
    int32_t *ids = malloc((size_t)(n ? n : 1) * sizeof *ids);
    char *out = malloc((size_t)n * 260 + 8);
    if (!ids || !out) abort();
    if (tg_tokenize(t, text, len, false, special, ids, n) != n) abort();
    tg_tok_stream s = { .strip_leading_space = t->kind == TG_TOK_SPM };
    size_t m = 0;
    for (int i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= t->n_vocab) abort();
        m += (size_t)tg_tok_stream_push(&s, t, ids[i], out + m, 264);
    }
    m += (size_t)tg_tok_stream_flush(&s, out + m, 8);
    free(ids);
    *out_len = m;
    return out;
}

static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, needle, k)) return true;
    return false;
}

static void fuzz_text(int which, const char *text, size_t len)
{
    const tg_tokenizer *t = &vocab[which];
    size_t m;
    char *out = roundtrip(t, text, len, false, &m);
    /* SPM maps ' ' and U+2581 both to ▁, so only texts without U+2581 round-trip exactly */
    bool exact = t->kind == TG_TOK_BPE || !contains(text, len, "\xe2\x96\x81");
    if (exact && (m != len || memcmp(out, text, len))) {
        fprintf(stderr, "tokenizer %d: decode(tokenize(text)) differs from text (%zu vs %zu bytes)\n", which, m, len);
        abort();
    }
    free(out);
    out = roundtrip(t, text, len, true, &m);
    free(out);
}

static void fuzz_gguf(const uint8_t *data, size_t size)
{
    tg_gguf g;
    tg_tokenizer t;
    char err[512];
    if (tg_gguf_parse(&g, data, size, "fuzz", err, sizeof err)) return;
    if (tg_tok_load_gguf(&t, &g, err, sizeof err) == 0) {
        static const char text[] = "Hello world, <s> caf\xc3\xa9 \xff\xfe 123\n\n  x";
        size_t m;
        free(roundtrip(&t, text, sizeof text - 1, true, &m));
        char buf[300];
        for (int i = 0; i < t.n_vocab && i < 4096; i++) tg_tok_piece(&t, i, buf, sizeof buf);
        tg_tok_free(&t);
    }
    tg_gguf_close(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) { build_vocabs(); ready = 1; }
    if (size == 0) return 0;
    int mode = data[0] % 4;
    if (mode == 3) fuzz_gguf(data + 1, size - 1);
    else fuzz_text(mode, (const char *)data + 1, size - 1);
    return 0;
}
