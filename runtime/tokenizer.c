/* tokenizer.c: SPM and byte-level BPE tokenization and decoding (see tokenizer.h). */
#include "runtime/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------------------------ */

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Length of the UTF-8 sequence a lead byte starts (1 for stray continuation bytes). */
static int utf8_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xe0) == 0xc0) return 2;
    if ((c & 0xf0) == 0xe0) return 3;
    if ((c & 0xf8) == 0xf0) return 4;
    return 1;
}

/* Decodes one code point at s (n bytes left); *adv gets its byte length. Invalid -> the byte. */
static uint32_t utf8_decode(const char *s, size_t n, int *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    int len = utf8_len(u[0]);
    if ((size_t)len > n) len = 1;
    for (int i = 1; i < len; i++)
        if ((u[i] & 0xc0) != 0x80) len = 1;
    *adv = len;
    switch (len) {
    case 2: return (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
    case 3: return (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
    case 4: return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
                   (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
    default: return u[0];
    }
}

static int utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xc0 | cp >> 6); out[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12); out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f)); return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18); out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f)); out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* ---- string -> id hash tables ------------------------------------------------------------- */

static int hash_init(tg_tok_hash *h, int n)
{
    uint32_t cap = 16;
    while (cap < (uint32_t)n * 2u) cap <<= 1;
    h->cap = cap;
    h->slot = malloc(cap * sizeof *h->slot);
    if (!h->slot) return -1;
    memset(h->slot, 0xff, cap * sizeof *h->slot);   /* -1: empty */
    return 0;
}

/* Looks text up among strs[]; with insert_id >= 0, inserts it unless present (first one wins). */
static int hash_get(const tg_tok_hash *h, const char *const *strs, const uint32_t *lens,
                    const char *s, size_t n, int insert_id)
{
    uint32_t i = fnv1a(s, n) & (h->cap - 1);
    for (;; i = (i + 1) & (h->cap - 1)) {
        int id = h->slot[i];
        if (id < 0) {
            if (insert_id >= 0) h->slot[i] = insert_id;
            return -1;
        }
        if (lens[id] == n && memcmp(strs[id], s, n) == 0) return id;
    }
}

/* ---- the GPT-2 byte <-> code point mapping ------------------------------------------------ */
/* Printable Latin-1 bytes (33..126, 161..172, 174..255) stand for themselves; the other 68 bytes
 * take code points 256, 257, ... in byte order, so every byte has a visible character. */
static uint32_t byte_to_cp(uint8_t b)
{
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) return b;
    uint32_t n = 0;
    for (int c = 0; c < b; c++)
        if (!((c >= 33 && c <= 126) || (c >= 161 && c <= 172) || c >= 174)) n++;
    return 256 + n;
}

static int cp_to_byte(uint32_t cp)
{
    static int16_t table[324];
    static int ready;
    if (!ready) {                          /* idempotent: racing initializers write equal data */
        for (int i = 0; i < 324; i++) table[i] = -1;
        for (int b = 0; b < 256; b++) table[byte_to_cp((uint8_t)b)] = (int16_t)b;
        ready = 1;
    }
    return cp < 324 ? table[cp] : -1;
}

/* ---- construction ------------------------------------------------------------------------- */

/* qsort has no context argument in C11: the tokenizer being built is held here meanwhile. */
static const tg_tokenizer *sort_ctx;
static int by_special_len_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    uint32_t lx = sort_ctx->piece_len[x], ly = sort_ctx->piece_len[y];
    if (lx != ly) return lx < ly ? 1 : -1;
    return x - y;
}

int tg_tok_init(tg_tokenizer *t, const tg_tok_desc *d, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (d->n_vocab <= 0) { snprintf(err, errlen, "tokenizer: empty vocabulary"); return -1; }
    if (d->kind != TG_TOK_SPM && d->kind != TG_TOK_BPE) {
        snprintf(err, errlen, "tokenizer: unknown kind %d", d->kind);
        return -1;
    }
    if (d->kind == TG_TOK_SPM && !d->scores) {
        snprintf(err, errlen, "tokenizer: SPM vocabulary without scores");
        return -1;
    }
    int n = d->n_vocab, nm = d->kind == TG_TOK_BPE ? d->n_merges : 0;
    t->kind = d->kind; t->pre = d->pre; t->n_vocab = n; t->n_merges = nm;
    t->bos = d->bos; t->eos = d->eos; t->unk = d->unk;
    t->add_bos = d->add_bos; t->add_eos = d->add_eos; t->add_space_prefix = d->add_space_prefix;

    size_t bytes = 0;
    for (int i = 0; i < n; i++) bytes += d->token_lens[i] + 1;
    for (int i = 0; i < nm; i++) bytes += d->merge_lens[i] + 1;
    t->arena = malloc(bytes ? bytes : 1);
    t->piece = malloc((size_t)n * sizeof *t->piece);
    t->piece_len = malloc((size_t)n * sizeof *t->piece_len);
    t->score = calloc((size_t)n, sizeof *t->score);
    t->type = malloc((size_t)n);
    t->special = malloc((size_t)n * sizeof *t->special);
    t->merge = malloc((size_t)(nm ? nm : 1) * sizeof *t->merge);
    t->merge_len = malloc((size_t)(nm ? nm : 1) * sizeof *t->merge_len);
    if (!t->arena || !t->piece || !t->piece_len || !t->score || !t->type || !t->special ||
        !t->merge || !t->merge_len || hash_init(&t->vocab, n) || hash_init(&t->merges, nm)) {
        tg_tok_free(t);
        snprintf(err, errlen, "tokenizer: out of memory");
        return -1;
    }
    char *p = t->arena;
    for (int i = 0; i < 256; i++) t->byte_token[i] = -1;
    for (int i = 0; i < n; i++) {
        size_t len = d->token_lens[i];
        memcpy(p, d->tokens[i], len);
        p[len] = 0;
        t->piece[i] = p; t->piece_len[i] = (uint32_t)len;
        p += len + 1;
        if (d->scores) t->score[i] = d->scores[i];
        int32_t ty = d->types ? d->types[i] : TG_TT_NORMAL;
        t->type[i] = (uint8_t)(ty >= TG_TT_NORMAL && ty <= TG_TT_BYTE ? ty : TG_TT_NORMAL);
        hash_get(&t->vocab, t->piece, t->piece_len, t->piece[i], len, i);
        unsigned v;
        char tail;
        if (t->type[i] == TG_TT_BYTE && len == 6 && sscanf(t->piece[i], "<0x%2X%c", &v, &tail) == 2 &&
            tail == '>')
            t->byte_token[v] = i;
        if ((t->type[i] == TG_TT_CONTROL || t->type[i] == TG_TT_USER) && len > 0)
            t->special[t->n_special++] = i;
    }
    for (int i = 0; i < nm; i++) {
        size_t len = d->merge_lens[i];
        memcpy(p, d->merges[i], len);
        p[len] = 0;
        t->merge[i] = p; t->merge_len[i] = (uint32_t)len;
        p += len + 1;
        hash_get(&t->merges, t->merge, t->merge_len, t->merge[i], len, i);
    }
    sort_ctx = t;
    qsort(t->special, (size_t)t->n_special, sizeof *t->special, by_special_len_desc);
    sort_ctx = NULL;
    for (int *id = &t->bos; id <= &t->unk; id++)
        if (*id >= n) {
            snprintf(err, errlen, "tokenizer: special token id %d out of range (vocabulary %d)", *id, n);
            tg_tok_free(t);
            return -1;
        }
    return 0;
}

void tg_tok_free(tg_tokenizer *t)
{
    free(t->arena); free(t->piece); free(t->piece_len); free(t->score); free(t->type);
    free(t->special); free(t->merge); free(t->merge_len);
    free(t->vocab.slot); free(t->merges.slot);
    memset(t, 0, sizeof *t);
}

int tg_tok_find(const tg_tokenizer *t, const char *text, size_t len)
{
    return hash_get(&t->vocab, t->piece, t->piece_len, text, len, -1);
}

/* ---- output buffer -------------------------------------------------------------------------- */

typedef struct tok_out { int32_t *ids; int cap, n; } tok_out;
static void emit(tok_out *o, int id)
{
    if (o->n < o->cap) o->ids[o->n] = id;
    o->n++;
}

/* ---- SPM ------------------------------------------------------------------------------------ */
/* Symbols start as single UTF-8 characters in a linked list. A max-heap of adjacent pairs whose
 * concatenation is a piece, keyed by that piece's score (ties: leftmost first), drives merging;
 * a popped pair is stale if either side has changed length since it was pushed. */

typedef struct spm_sym { int prev, next; size_t start, len; } spm_sym;
typedef struct spm_pair { int left, right; float score; size_t len; } spm_pair;

static int pair_before(const spm_pair *a, const spm_pair *b)
{
    return a->score > b->score || (a->score == b->score && a->left < b->left);
}

static void heap_push(spm_pair *h, int *n, spm_pair p)
{
    int i = (*n)++;
    h[i] = p;
    while (i > 0 && pair_before(&h[i], &h[(i - 1) / 2])) {
        spm_pair tmp = h[i]; h[i] = h[(i - 1) / 2]; h[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

static spm_pair heap_pop(spm_pair *h, int *n)
{
    spm_pair top = h[0];
    h[0] = h[--(*n)];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && pair_before(&h[l], &h[m])) m = l;
        if (r < *n && pair_before(&h[r], &h[m])) m = r;
        if (m == i) break;
        spm_pair tmp = h[i]; h[i] = h[m]; h[m] = tmp;
        i = m;
    }
    return top;
}

static void spm_try_pair(const tg_tokenizer *t, const char *s, spm_sym *sym, int l, int r,
                         spm_pair *heap, int *nheap)
{
    if (l < 0 || r < 0) return;
    size_t len = sym[l].len + sym[r].len;
    int id = tg_tok_find(t, s + sym[l].start, len);
    if (id < 0) return;
    heap_push(heap, nheap, (spm_pair){ l, r, t->score[id], len });
}

static void spm_emit_symbol(const tg_tokenizer *t, const char *s, size_t len, tok_out *o)
{
    int id = tg_tok_find(t, s, len);
    if (id >= 0) { emit(o, id); return; }
    for (size_t i = 0; i < len; i++) {                 /* byte fallback, else unknown */
        int b = t->byte_token[(uint8_t)s[i]];
        if (b >= 0) emit(o, b);
        else if (t->unk >= 0) emit(o, t->unk);
    }
}

/* Tokenizes one run of plain text (already with ▁ for spaces). */
static int spm_segment(const tg_tokenizer *t, const char *s, size_t n, tok_out *o)
{
    if (n == 0) return 0;
    spm_sym *sym = malloc(n * sizeof *sym);
    spm_pair *heap = malloc(2 * n * sizeof *heap);   /* n-1 pairs, then each merge pops 1, pushes <= 2 */
    if (!sym || !heap) { free(sym); free(heap); return -1; }
    int ns = 0;
    for (size_t i = 0; i < n; ns++) {
        int adv;
        utf8_decode(s + i, n - i, &adv);
        sym[ns] = (spm_sym){ ns - 1, -1, i, (size_t)adv };
        if (ns > 0) sym[ns - 1].next = ns;
        i += (size_t)adv;
    }
    int nheap = 0;
    for (int i = 0; i + 1 < ns; i++) spm_try_pair(t, s, sym, i, i + 1, heap, &nheap);
    while (nheap > 0) {
        spm_pair p = heap_pop(heap, &nheap);
        spm_sym *l = &sym[p.left], *r = &sym[p.right];
        if (l->len == 0 || r->len == 0 || l->len + r->len != p.len || l->next != p.right) continue;
        l->len += r->len;
        r->len = 0;
        l->next = r->next;
        if (r->next >= 0) sym[r->next].prev = p.left;
        spm_try_pair(t, s, sym, l->prev, p.left, heap, &nheap);
        spm_try_pair(t, s, sym, p.left, l->next, heap, &nheap);
    }
    for (int i = 0; i >= 0 && ns > 0; i = sym[i].next) spm_emit_symbol(t, s + sym[i].start, sym[i].len, o);
    free(sym);
    free(heap);
    return 0;
}

/* Replaces spaces by ▁, optionally prefixing one, then tokenizes. */
static int spm_text(const tg_tokenizer *t, const char *s, size_t n, bool prefix, tok_out *o)
{
    char *buf = malloc(3 * (n + 1));
    if (!buf) return -1;
    size_t m = 0;
    if (prefix) { memcpy(buf, "\xe2\x96\x81", 3); m = 3; }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') { memcpy(buf + m, "\xe2\x96\x81", 3); m += 3; }
        else buf[m++] = s[i];
    }
    int rc = spm_segment(t, buf, m, o);
    free(buf);
    return rc;
}

/* ---- byte-level BPE --------------------------------------------------------------------------- */

/* Character classes for the pre-tokenizer. Exact for ASCII; beyond it, tables of ranges name the
 * whitespace, the digits, and the marks / punctuation / symbols of the common scripts, and every
 * other code point counts as a letter: an approximation of Unicode's categories L, N and Z. */
static int is_space(uint32_t c)
{
    return c == ' ' || (c >= 9 && c <= 13) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

typedef struct cp_range { uint32_t lo, hi; } cp_range;

static int in_ranges(uint32_t c, const cp_range *r, int n)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (c < r[mid].lo) hi = mid - 1;
        else if (c > r[mid].hi) lo = mid + 1;
        else return 1;
    }
    return 0;
}

/* \p{N}: decimal digits, superscripts, fractions, Roman numerals, circled numbers. */
static const cp_range numbers[] = {
    { 0x30, 0x39 }, { 0xb2, 0xb3 }, { 0xb9, 0xb9 }, { 0xbc, 0xbe }, { 0x660, 0x669 }, { 0x6f0, 0x6f9 },
    { 0x966, 0x96f }, { 0x9e6, 0x9ef }, { 0x9f4, 0x9f9 }, { 0xe50, 0xe59 }, { 0x2070, 0x2070 },
    { 0x2074, 0x2079 }, { 0x2080, 0x2089 }, { 0x2150, 0x2189 }, { 0x2460, 0x249b }, { 0x24ea, 0x24ff },
    { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0xff10, 0xff19 },
};

/* Neither letter nor number nor space: marks (Mn/Mc), punctuation, symbols, private use. */
static const cp_range non_letters[] = {
    { 0x80, 0xa9 }, { 0xab, 0xb4 }, { 0xb6, 0xb9 }, { 0xbb, 0xbf }, { 0xd7, 0xd7 }, { 0xf7, 0xf7 },
    { 0x2c2, 0x2c5 }, { 0x2d2, 0x2df }, { 0x2e5, 0x2eb }, { 0x2ed, 0x2ed }, { 0x2ef, 0x36f },
    { 0x375, 0x375 }, { 0x37e, 0x37e }, { 0x384, 0x385 }, { 0x387, 0x387 }, { 0x3f6, 0x3f6 },
    { 0x482, 0x489 }, { 0x55a, 0x55f }, { 0x589, 0x58a }, { 0x58d, 0x58f }, { 0x591, 0x5c7 },
    { 0x5f3, 0x5f4 }, { 0x600, 0x61f }, { 0x64b, 0x65f }, { 0x66a, 0x66d }, { 0x670, 0x670 },
    { 0x6d4, 0x6d4 }, { 0x6d6, 0x6ed }, { 0x900, 0x903 }, { 0x93a, 0x93c }, { 0x93e, 0x94f },
    { 0x951, 0x957 }, { 0x962, 0x965 }, { 0x970, 0x970 }, { 0x981, 0x983 }, { 0x9bc, 0x9bc },
    { 0x9be, 0x9cd }, { 0x9d7, 0x9d7 }, { 0x9e2, 0x9e3 }, { 0x9f2, 0x9f3 }, { 0x9fa, 0x9fe },
    { 0xe31, 0xe31 }, { 0xe34, 0xe3f }, { 0xe47, 0xe4f }, { 0xe5a, 0xe5b }, { 0x1ab0, 0x1aff },
    { 0x1dc0, 0x1dff }, { 0x1fbd, 0x1fbd }, { 0x1fbf, 0x1fc1 }, { 0x1fcd, 0x1fcf }, { 0x1fdd, 0x1fdf },
    { 0x1fed, 0x1fef }, { 0x1ffd, 0x1ffe }, { 0x2000, 0x2070 }, { 0x2074, 0x207e }, { 0x2080, 0x208e },
    { 0x20a0, 0x20ff }, { 0x2100, 0x2101 }, { 0x2103, 0x2106 }, { 0x2108, 0x2109 }, { 0x2114, 0x2114 },
    { 0x2116, 0x2118 }, { 0x211e, 0x2123 }, { 0x2125, 0x2125 }, { 0x2127, 0x2127 }, { 0x2129, 0x2129 },
    { 0x212e, 0x212e }, { 0x213a, 0x213b }, { 0x2140, 0x2144 }, { 0x214a, 0x214d }, { 0x214f, 0x214f },
    { 0x218a, 0x2bff }, { 0x2ce5, 0x2cea }, { 0x2cef, 0x2cf1 }, { 0x2cf9, 0x2cff }, { 0x2de0, 0x2e7f },
    { 0x2e80, 0x2fff }, { 0x3000, 0x3004 }, { 0x3008, 0x3020 }, { 0x302a, 0x3030 }, { 0x3036, 0x3037 },
    { 0x303d, 0x303f }, { 0x3099, 0x309c }, { 0x30a0, 0x30a0 }, { 0x30fb, 0x30fb }, { 0x3190, 0x319f },
    { 0x31c0, 0x31ef }, { 0x3200, 0x33ff }, { 0x4dc0, 0x4dff }, { 0xa490, 0xa4cf }, { 0xa700, 0xa716 },
    { 0xa720, 0xa721 }, { 0xa789, 0xa78a }, { 0xd800, 0xf8ff }, { 0xfb1e, 0xfb1e }, { 0xfb29, 0xfb29 },
    { 0xfbb2, 0xfbc2 }, { 0xfd3e, 0xfd4f }, { 0xfdfc, 0xfdff }, { 0xfe00, 0xfe6f }, { 0xfeff, 0xfeff },
    { 0xff00, 0xff20 }, { 0xff3b, 0xff40 }, { 0xff5b, 0xff65 }, { 0xffe0, 0xffff },
    { 0x1d100, 0x1d1ff }, { 0x1f000, 0x1faff }, { 0xe0000, 0x10ffff },
};

#define N_OF(a) ((int)(sizeof a / sizeof a[0]))

static int is_number(uint32_t c) { return in_ranges(c, numbers, N_OF(numbers)); }

static int is_letter(uint32_t c)
{
    if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return !is_space(c) && !is_number(c) && !in_ranges(c, non_letters, N_OF(non_letters));
}

typedef struct cps { uint32_t *cp; size_t *off; size_t n; } cps;  /* code points + byte offsets */

static int lower_ascii(uint32_t c) { return c < 0x80 ? (int)(c | 0x20) : (int)c; }

/* 's 't 're 've 'm 'll 'd: returns the length in code points, or 0. */
static size_t contraction(const cps *c, size_t i, int icase)
{
    if (c->cp[i] != '\'' || i + 1 >= c->n) return 0;
    uint32_t a = c->cp[i + 1], b = i + 2 < c->n ? c->cp[i + 2] : 0;
    if (icase) { a = (uint32_t)lower_ascii(a); b = (uint32_t)lower_ascii(b); }
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
}

/* Whitespace alternatives common to both regexes: \s+(?!\S) | \s+ */
static size_t space_run(const cps *c, size_t i)
{
    size_t j = i;
    while (j < c->n && is_space(c->cp[j])) j++;
    if (j < c->n && j - i > 1) j--;                    /* leave one space for the next word */
    return j - i;
}

/* GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
static size_t pre_gpt2(const cps *c, size_t i)
{
    size_t k = contraction(c, i, 0);
    if (k) return k;
    size_t j = i + (c->cp[i] == ' ' && i + 1 < c->n);
    if (is_letter(c->cp[j])) { while (j < c->n && is_letter(c->cp[j])) j++; return j - i; }
    if (is_number(c->cp[j])) { while (j < c->n && is_number(c->cp[j])) j++; return j - i; }
    uint32_t x = c->cp[j];
    if (!is_space(x)) {
        while (j < c->n && !is_space(c->cp[j]) && !is_letter(c->cp[j]) && !is_number(c->cp[j])) j++;
        return j - i;
    }
    return space_run(c, i);
}

/* qwen2: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 *        \s*[\r\n]+|\s+(?!\S)|\s+
 * llama3 is the same with \p{N}{1,3} (max_digits 3) in place of \p{N}. */
static size_t pre_qwen2(const cps *c, size_t i, int max_digits)
{
    size_t k = contraction(c, i, 1);
    if (k) return k;
    uint32_t x = c->cp[i];
    size_t j = i;
    if (x != '\r' && x != '\n' && !is_letter(x) && !is_number(x) && i + 1 < c->n && is_letter(c->cp[i + 1]))
        j++;
    if (is_letter(c->cp[j])) { while (j < c->n && is_letter(c->cp[j])) j++; return j - i; }
    if (is_number(x)) {
        size_t k = 1;
        while ((int)k < max_digits && i + k < c->n && is_number(c->cp[i + k])) k++;
        return k;
    }
    j = i + (x == ' ' && i + 1 < c->n);
    uint32_t y = c->cp[j];
    if (!is_space(y) && !is_letter(y) && !is_number(y)) {
        while (j < c->n && !is_space(c->cp[j]) && !is_letter(c->cp[j]) && !is_number(c->cp[j])) j++;
        while (j < c->n && (c->cp[j] == '\r' || c->cp[j] == '\n')) j++;
        return j - i;
    }
    size_t end = i, last_nl = 0;                         /* \s*[\r\n]+ : up to the last newline */
    while (end < c->n && is_space(c->cp[end])) {
        if (c->cp[end] == '\r' || c->cp[end] == '\n') last_nl = end + 1;
        end++;
    }
    if (last_nl) return last_nl - i;
    return space_run(c, i);
}

/* Merges one pre-token (its bytes already mapped to code points, as UTF-8 in s) by rank: the
 * same symbol list and pair heap as SPM, keyed by -rank so the lowest rank (then the leftmost pair)
 * merges first; O(n log n) even for a very long pre-token. */
static void bpe_try_pair(const tg_tokenizer *t, const char *s, spm_sym *sym, int l, int r, char *key,
                         spm_pair *heap, int *nheap)
{
    if (l < 0 || r < 0) return;
    memcpy(key, s + sym[l].start, sym[l].len);
    key[sym[l].len] = ' ';
    memcpy(key + sym[l].len + 1, s + sym[r].start, sym[r].len);
    int rank = hash_get(&t->merges, t->merge, t->merge_len, key, sym[l].len + 1 + sym[r].len, -1);
    if (rank >= 0) heap_push(heap, nheap, (spm_pair){ l, r, -(float)rank, sym[l].len + sym[r].len });
}

static int bpe_word(const tg_tokenizer *t, const char *s, size_t n, tok_out *o)
{
    spm_sym *sym = malloc((n + 1) * sizeof *sym);
    spm_pair *heap = malloc(2 * (n + 1) * sizeof *heap);
    char *key = malloc(n + 2);
    if (!sym || !heap || !key) { free(sym); free(heap); free(key); return -1; }
    int ns = 0, nheap = 0;
    for (size_t i = 0; i < n; ns++) {
        int adv;
        utf8_decode(s + i, n - i, &adv);
        sym[ns] = (spm_sym){ ns - 1, -1, i, (size_t)adv };
        if (ns > 0) sym[ns - 1].next = ns;
        i += (size_t)adv;
    }
    for (int i = 0; i + 1 < ns; i++) bpe_try_pair(t, s, sym, i, i + 1, key, heap, &nheap);
    while (nheap > 0) {
        spm_pair p = heap_pop(heap, &nheap);
        spm_sym *l = &sym[p.left], *r = &sym[p.right];
        if (l->len == 0 || r->len == 0 || l->next != p.right || l->len + r->len != p.len) continue;
        l->len += r->len;
        r->len = 0;
        l->next = r->next;
        if (r->next >= 0) sym[r->next].prev = p.left;
        bpe_try_pair(t, s, sym, l->prev, p.left, key, heap, &nheap);
        bpe_try_pair(t, s, sym, p.left, l->next, key, heap, &nheap);
    }
    for (int i = 0; i >= 0 && ns > 0; i = sym[i].next) {
        int id = tg_tok_find(t, s + sym[i].start, sym[i].len);
        if (id >= 0) { emit(o, id); continue; }
        for (size_t k = 0; k < sym[i].len;) {           /* unmerged characters one by one */
            int adv;
            utf8_decode(s + sym[i].start + k, sym[i].len - k, &adv);
            id = tg_tok_find(t, s + sym[i].start + k, (size_t)adv);
            if (id >= 0) emit(o, id);
            else if (t->unk >= 0) emit(o, t->unk);
            k += (size_t)adv;
        }
    }
    free(sym); free(heap); free(key);
    return 0;
}

/* Code points and their byte offsets; the caller frees c->cp and c->off. */
static int to_cps(const char *s, size_t n, cps *c)
{
    c->cp = malloc((n + 1) * sizeof *c->cp);
    c->off = malloc((n + 1) * sizeof *c->off);
    c->n = 0;
    if (!c->cp || !c->off) return -1;
    for (size_t i = 0; i < n;) {
        int adv;
        c->off[c->n] = i;
        c->cp[c->n++] = utf8_decode(s + i, n - i, &adv);
        i += (size_t)adv;
    }
    c->off[c->n] = n;
    return 0;
}

static size_t pre_next(int pre, const cps *c, size_t i)
{
    size_t k = pre == TG_PRE_QWEN2 ? pre_qwen2(c, i, 1) : pre == TG_PRE_LLAMA3 ? pre_qwen2(c, i, 3) : pre_gpt2(c, i);
    return k ? k : 1;
}

int tg_bpe_split(int pre, const char *text, size_t len, size_t *ends, int cap)
{
    cps c;
    int n = 0;
    if (to_cps(text, len, &c)) { free(c.cp); free(c.off); return -1; }
    for (size_t i = 0; i < c.n; n++) {
        i += pre_next(pre, &c, i);
        if (n < cap) ends[n] = c.off[i];
    }
    free(c.cp); free(c.off);
    return n;
}

static int bpe_text(const tg_tokenizer *t, const char *s, size_t n, tok_out *o)
{
    if (n == 0) return 0;
    cps c;
    char *word = malloc(2 * n + 1);                     /* mapped bytes are at most 2 bytes each */
    int rc = 0;
    if (to_cps(s, n, &c) || !word) { rc = -1; goto out; }
    for (size_t i = 0; i < c.n && rc == 0;) {
        size_t k = pre_next(t->pre, &c, i);
        size_t m = 0;
        for (size_t b = c.off[i]; b < c.off[i + k]; b++) m += (size_t)utf8_encode(byte_to_cp((uint8_t)s[b]), word + m);
        rc = bpe_word(t, word, m, o);
        i += k;
    }
out:
    free(c.cp); free(c.off); free(word);
    return rc;
}

/* ---- tokenize --------------------------------------------------------------------------------- */

/* The special token whose text starts at s, longest first, or -1. */
static int match_special(const tg_tokenizer *t, const char *s, size_t n)
{
    for (int k = 0; k < t->n_special; k++) {
        int id = t->special[k];
        if (t->piece_len[id] <= n && memcmp(t->piece[id], s, t->piece_len[id]) == 0) return id;
    }
    return -1;
}

int tg_tokenize(const tg_tokenizer *t, const char *text, size_t len, bool add_special,
                bool parse_special, int32_t *out, int cap)
{
    tok_out o = { out, cap, 0 };
    if (add_special && t->add_bos && t->bos >= 0) emit(&o, t->bos);
    bool prev_special = true;          /* SPM: a space prefix starts the text and follows specials */
    size_t frag = 0;
    for (size_t i = 0; i <= len;) {
        int sp = i < len && parse_special ? match_special(t, text + i, len - i) : -1;
        if (sp < 0 && i < len) { i++; continue; }
        if (i > frag) {
            int rc = t->kind == TG_TOK_SPM
                         ? spm_text(t, text + frag, i - frag, t->add_space_prefix && prev_special, &o)
                         : bpe_text(t, text + frag, i - frag, &o);
            if (rc) return -1;
            prev_special = false;
        }
        if (sp < 0) break;
        emit(&o, sp);
        prev_special = true;
        i += t->piece_len[sp];
        frag = i;
    }
    if (add_special && t->add_eos && t->eos >= 0) emit(&o, t->eos);
    return o.n;
}

/* ---- decoding ------------------------------------------------------------------------------- */

int tg_tok_piece(const tg_tokenizer *t, int id, char *buf, size_t cap)
{
    if (id < 0 || id >= t->n_vocab) return -1;
    const char *p = t->piece[id];
    size_t n = t->piece_len[id], m = 0;
    int type = t->type[id];
    if (type == TG_TT_CONTROL || type == TG_TT_UNKNOWN || type == TG_TT_UNUSED) return 0;
    if (t->kind == TG_TOK_SPM && type == TG_TT_BYTE) {
        for (int b = 0; b < 256; b++)
            if (t->byte_token[b] == id) { if (cap) buf[0] = (char)b; return cap ? 1 : 0; }
        return 0;
    }
    for (size_t i = 0; i < n && m < cap;) {
        if (t->kind == TG_TOK_SPM) {
            if (i + 3 <= n && memcmp(p + i, "\xe2\x96\x81", 3) == 0) { buf[m++] = ' '; i += 3; }
            else buf[m++] = p[i++];
            continue;
        }
        int adv;                                         /* BPE: code points back to bytes */
        uint32_t cp = utf8_decode(p + i, n - i, &adv);
        int b = type == TG_TT_USER ? -1 : cp_to_byte(cp);
        if (b >= 0) buf[m++] = (char)b;
        else for (int k = 0; k < adv && m < cap; k++) buf[m++] = p[i + k];
        i += (size_t)adv;
    }
    return (int)m;
}

/* Emits one complete character held in s->pend: SPM's ▁ spelled by byte tokens becomes a space,
 * and the first character of a decoded prompt loses its leading space. */
static int stream_emit(tg_tok_stream *s, const tg_tokenizer *t, char *out)
{
    int n = s->n_pend;
    s->n_pend = 0;
    if (t->kind == TG_TOK_SPM && n == 3 && memcmp(s->pend, "\xe2\x96\x81", 3) == 0) {
        s->pend[0] = ' ';
        n = 1;
    }
    if (s->strip_leading_space) {
        s->strip_leading_space = false;
        if (n == 1 && s->pend[0] == ' ') return 0;
    }
    memcpy(out, s->pend, (size_t)n);
    return n;
}

int tg_tok_stream_push(tg_tok_stream *s, const tg_tokenizer *t, int id, char *out, size_t cap)
{
    char piece[256];
    int n = tg_tok_piece(t, id, piece, sizeof piece), m = 0;
    if (n <= 0 || cap < 8) { if (cap) out[0] = 0; return 0; }
    for (int i = 0; i < n && (size_t)m + 5 < cap; i++) {
        unsigned char c = (unsigned char)piece[i];
        if (s->n_pend > 0 && (c & 0xc0) != 0x80) m += stream_emit(s, t, out + m);  /* broken: as is */
        s->pend[s->n_pend++] = c;
        if (s->n_pend >= utf8_len(s->pend[0])) m += stream_emit(s, t, out + m);
    }
    out[m] = 0;
    return m;
}

int tg_tok_stream_flush(tg_tok_stream *s, char *out, size_t cap)
{
    int m = 0;
    if (cap > (size_t)s->n_pend) {
        memcpy(out, s->pend, (size_t)s->n_pend);
        m = s->n_pend;
        out[m] = 0;
    }
    s->n_pend = 0;
    return m;
}
