/* test_tokenizer.c: SPM and byte-level BPE over small in-memory vocabularies with tokenizations
 * worked out by hand; the GPT-2 and qwen2 pre-tokenizer splits; special-token parsing; decoding
 * and the streaming decoder's UTF-8 hold-back. (tests/sh/tokenizer_spm.sh cross-checks SPM
 * against the sentencepiece package on a trained model.) */
#include <stdio.h>
#include <string.h>

#include "runtime/tokenizer.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

/* Compares tokenize(text) to the expected pieces' ids. */
static void expect(const tg_tokenizer *t, const char *text, bool special, const char *const *want, int n_want)
{
    int32_t ids[64];
    int n = tg_tokenize(t, text, strlen(text), special, special, ids, 64);
    int ok = n == n_want;
    for (int i = 0; ok && i < n; i++) ok = ids[i] == tg_tok_find(t, want[i], strlen(want[i]));
    if (!ok) {
        fprintf(stderr, "tokenize(\"%s\"): got", text);
        for (int i = 0; i < n && i < 64; i++) fprintf(stderr, " [%s]", t->piece[ids[i]]);
        fprintf(stderr, "\n");
        failures++;
    }
}

#define EXPECT(t, text, special, ...) do { \
    const char *const w_[] = { __VA_ARGS__ }; expect(t, text, special, w_, (int)(sizeof w_ / sizeof w_[0])); } while (0)

static void build(tg_tokenizer *t, tg_tok_desc *d, const char *const *toks, int n)
{
    static size_t lens[512];
    for (int i = 0; i < n; i++) lens[i] = strlen(toks[i]);
    d->tokens = toks; d->token_lens = lens; d->n_vocab = n;
    char err[200];
    if (tg_tok_init(t, d, err, sizeof err)) { fprintf(stderr, "%s\n", err); failures++; }
}

static void test_spm(void)
{
    static const char *base[] = { "<unk>", "<s>", "</s>", "\xe2\x96\x81", "h", "e", "l", "o", "w", "r", "d",
                                  "\xe2\x96\x81h", "ll", "llo", "\xe2\x96\x81hello", "\xe2\x96\x81w", "or",
                                  "\xe2\x96\x81wor", "ld", "\xe2\x96\x81world", "he", "\xe2\x96\x81he", "<|sep|>" };
    enum { NB = sizeof base / sizeof base[0] };
    static const char *toks[NB + 256];
    static char bytes[256][8];
    float scores[NB + 256];
    int32_t types[NB + 256];
    for (int i = 0; i < NB; i++) {
        toks[i] = base[i];
        scores[i] = -(float)i;                           /* earlier pieces merge first */
        types[i] = i == 0 ? TG_TT_UNKNOWN : i <= 2 ? TG_TT_CONTROL : TG_TT_NORMAL;
    }
    scores[20] = -100.0f;                                /* "he" loses to "▁h" */
    types[NB - 1] = TG_TT_USER;
    for (int b = 0; b < 256; b++) {
        snprintf(bytes[b], sizeof bytes[b], "<0x%02X>", b);
        toks[NB + b] = bytes[b]; scores[NB + b] = 0; types[NB + b] = TG_TT_BYTE;
    }
    tg_tok_desc d = { .kind = TG_TOK_SPM, .scores = scores, .types = types, .bos = 1, .eos = 2,
                      .unk = 0, .add_bos = true, .add_space_prefix = true };
    tg_tokenizer t;
    build(&t, &d, toks, NB + 256);
    EXPECT(&t, "hello world", true, "<s>", "\xe2\x96\x81hello", "\xe2\x96\x81world");
    EXPECT(&t, "hello", false, "\xe2\x96\x81hello");
    EXPECT(&t, "hold", false, "\xe2\x96\x81h", "o", "ld");
    EXPECT(&t, "he  w", false, "\xe2\x96\x81he", "\xe2\x96\x81", "\xe2\x96\x81w");
    /* é (C3 A9) has no piece: byte fallback */
    EXPECT(&t, "h\xc3\xa9", false, "\xe2\x96\x81h", "<0xC3>", "<0xA9>");
    /* user-defined token in the text, and the space prefix after it */
    EXPECT(&t, "hello<|sep|>world", true, "<s>", "\xe2\x96\x81hello", "<|sep|>", "\xe2\x96\x81world");
    EXPECT(&t, "", true, "<s>");

    char buf[300];
    int n = tg_tok_piece(&t, tg_tok_find(&t, "\xe2\x96\x81world", 8), buf, sizeof buf);
    CHECK(n == 6 && memcmp(buf, " world", 6) == 0);
    CHECK(tg_tok_piece(&t, 1, buf, sizeof buf) == 0);            /* control: no text */
    CHECK(tg_tok_piece(&t, 99999, buf, sizeof buf) == -1);

    /* streaming: é split over two byte tokens comes out whole, and only once complete */
    tg_tok_stream s = { .strip_leading_space = true };
    CHECK(tg_tok_stream_push(&s, &t, tg_tok_find(&t, "\xe2\x96\x81h", 4), buf, sizeof buf) == 1 && buf[0] == 'h');
    CHECK(tg_tok_stream_push(&s, &t, NB + 0xC3, buf, sizeof buf) == 0);
    CHECK(tg_tok_stream_push(&s, &t, NB + 0xA9, buf, sizeof buf) == 2 && strcmp(buf, "\xc3\xa9") == 0);
    CHECK(tg_tok_stream_push(&s, &t, NB + 0xE2, buf, sizeof buf) == 0);
    CHECK(tg_tok_stream_push(&s, &t, NB + 'x', buf, sizeof buf) == 2 && strcmp(buf, "\xe2x") == 0);
    CHECK(tg_tok_stream_push(&s, &t, NB + 0xF0, buf, sizeof buf) == 0);
    CHECK(tg_tok_stream_flush(&s, buf, sizeof buf) == 1 && (unsigned char)buf[0] == 0xF0);
    tg_tok_free(&t);
}

/* GPT-2 style vocabulary: every byte's mapped character, then merge results. */
static void test_bpe(void)
{
    static char chars[256][4];
    static const char *toks[300];
    int n = 0;
    for (int b = 0; b < 256; b++) {          /* the byte -> code point map, from its definition */
        int printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174, cp = b;
        if (!printable) {
            cp = 256;
            for (int c = 0; c < b; c++) cp += !((c >= 33 && c <= 126) || (c >= 161 && c <= 172) || c >= 174);
        }
        if (cp < 0x80) { chars[b][0] = (char)cp; }
        else { chars[b][0] = (char)(0xc0 | cp >> 6); chars[b][1] = (char)(0x80 | (cp & 0x3f)); }
        toks[n++] = chars[b];
    }
    static const char *merged[] = { "he", "ll", "hell", "hello", "\xc4\xa0w", "\xc4\xa0wo", "'t", "<|end|>" };
    static const char *merges[] = { "h e", "l l", "he ll", "hell o", "\xc4\xa0 w", "\xc4\xa0w o", "' t" };
    for (int i = 0; i < 8; i++) toks[n++] = merged[i];
    int32_t types[300];
    for (int i = 0; i < n; i++) types[i] = i == n - 1 ? TG_TT_CONTROL : TG_TT_NORMAL;
    size_t mlen[7];
    for (int i = 0; i < 7; i++) mlen[i] = strlen(merges[i]);
    tg_tok_desc d = { .kind = TG_TOK_BPE, .pre = TG_PRE_GPT2, .types = types, .n_merges = 7,
                      .merges = merges, .merge_lens = mlen, .bos = -1, .eos = n - 1, .unk = -1 };
    tg_tokenizer t;
    build(&t, &d, toks, n);
    CHECK(!strcmp(chars[' '], "\xc4\xa0") && !strcmp(chars['\n'], "\xc4\x8a"));
    EXPECT(&t, "hello world", false, "hello", "\xc4\xa0wo", "r", "l", "d");
    /* "hellohello": one pre-token, merged twice; "don't" splits before 't */
    EXPECT(&t, "hellohello", false, "hello", "hello");
    EXPECT(&t, "don't", false, "d", "o", "n", "'t");
    EXPECT(&t, "hi<|end|>", true, "h", "i", "<|end|>");
    EXPECT(&t, "hi<|end|>", false, "h", "i", "<", "|", "e", "n", "d", "|", ">");
    int32_t ids[16];
    int k = tg_tokenize(&t, "\xc3\xa9\n", 3, false, false, ids, 16);
    CHECK(k == 3 && ids[0] == 0xC3 && ids[1] == 0xA9 && ids[2] == '\n');
    char buf[300];
    tg_tok_stream s = { 0 };
    CHECK(tg_tok_stream_push(&s, &t, tg_tok_find(&t, "\xc4\xa0wo", 4), buf, sizeof buf) == 3 && !strcmp(buf, " wo"));
    CHECK(tg_tok_stream_push(&s, &t, 0xC3, buf, sizeof buf) == 0);
    CHECK(tg_tok_stream_push(&s, &t, 0xA9, buf, sizeof buf) == 2 && !strcmp(buf, "\xc3\xa9"));
    CHECK(tg_tok_piece(&t, n - 1, buf, sizeof buf) == 0);
    tg_tok_free(&t);
}

/* Splits text with the pre-tokenizer and compares to pieces joined by '|'. */
static void expect_split(int pre, const char *text, const char *want)
{
    size_t ends[64];
    int n = tg_bpe_split(pre, text, strlen(text), ends, 64);
    char got[512];
    size_t m = 0, start = 0;
    for (int i = 0; i < n && i < 64; i++) {
        if (i) got[m++] = '|';
        memcpy(got + m, text + start, ends[i] - start);
        m += ends[i] - start;
        start = ends[i];
    }
    got[m] = 0;
    if (strcmp(got, want)) { fprintf(stderr, "split(%d, \"%s\"): got \"%s\" want \"%s\"\n", pre, text, got, want); failures++; }
}

static void test_pretokenizers(void)
{
    expect_split(TG_PRE_GPT2, "Hello world, it's 2024!", "Hello| world|,| it|'s| 2024|!");
    expect_split(TG_PRE_GPT2, "a  b\n\nc   ", "a| | b|\n|\n|c|   ");
    expect_split(TG_PRE_GPT2, "I'LL go...  ok", "I|'|LL| go|...| | ok");
    expect_split(TG_PRE_GPT2, "caf\xc3\xa9 \xe2\x82\xac""5", "caf\xc3\xa9| \xe2\x82\xac|5");
    expect_split(TG_PRE_QWEN2, "Hello world, it's 2024!", "Hello| world|,| it|'s| |2|0|2|4|!");
    expect_split(TG_PRE_QWEN2, "I'LL go...\n\n  ok", "I|'LL| go|...\n\n| | ok");
    expect_split(TG_PRE_QWEN2, "x \n  y", "x| \n| | y");
    expect_split(TG_PRE_QWEN2, "(hi)", "(hi|)");
    expect_split(TG_PRE_LLAMA3, "abc 12345 x1", "abc| |123|45| x|1");
}

int main(void)
{
    test_spm();
    test_bpe();
    test_pretokenizers();
    if (failures) { fprintf(stderr, "test_tokenizer: %d failed\n", failures); return 1; }
    printf("test_tokenizer: ok\n");
    return 0;
}
