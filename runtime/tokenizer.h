/* tokenizer.h: text <-> token ids for the two vocabulary kinds found in GGUF files, written from
 * the formats' definitions with no outside library:
 *   SPM  (tokenizer.ggml.model "llama"): SentencePiece-style. Spaces become U+2581 "▁", a leading
 *        "▁" is added (add_space_prefix); adjacent pieces merge highest score first; characters
 *        left without a piece fall back to <0xNN> byte tokens.
 *   BPE  (tokenizer.ggml.model "gpt2"): byte-level BPE. Text is split by the GPT-2 (qwen2, llama3)
 *        pre-tokenizer, bytes map to printable code points, pairs merge lowest rank first.
 * Special tokens (control / user-defined types) are matched in the text when asked to.
 * Decoding maps pieces back to bytes; tg_tok_stream holds back an incomplete UTF-8 sequence so
 * streamed output never splits a character. The vocabulary comes from a tg_tok_desc (in memory,
 * for tests) or from GGUF metadata (tokenizer_gguf.c). */
#ifndef TG_TOKENIZER_H
#define TG_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tg_tok_kind { TG_TOK_SPM, TG_TOK_BPE };
enum tg_tok_pre { TG_PRE_GPT2, TG_PRE_QWEN2, TG_PRE_LLAMA3 };
/* tokenizer.ggml.token_type values */
enum tg_tok_type { TG_TT_NORMAL = 1, TG_TT_UNKNOWN = 2, TG_TT_CONTROL = 3, TG_TT_USER = 4,
                   TG_TT_UNUSED = 5, TG_TT_BYTE = 6 };

/* A vocabulary description; strings are (pointer, length), need not be NUL-terminated, and are
 * copied by tg_tok_init. */
typedef struct tg_tok_desc {
    int kind, pre;
    int n_vocab;
    const char *const *tokens; const size_t *token_lens;
    const float *scores;           /* SPM; may be NULL for BPE */
    const int32_t *types;          /* may be NULL: all normal */
    int n_merges;                  /* BPE: "left right" strings, rank = index */
    const char *const *merges; const size_t *merge_lens;
    int bos, eos, unk;             /* -1: none */
    bool add_bos, add_eos, add_space_prefix;
} tg_tok_desc;

typedef struct tg_tok_hash { uint32_t cap; int32_t *slot; } tg_tok_hash; /* open addressing */

typedef struct tg_tokenizer {
    int kind, pre, n_vocab;
    char *arena;                   /* all piece and merge strings */
    const char **piece; uint32_t *piece_len;
    float *score; uint8_t *type;
    tg_tok_hash vocab;             /* piece text -> id */
    int n_merges;
    const char **merge; uint32_t *merge_len;
    tg_tok_hash merges;            /* "left right" -> rank */
    int byte_token[256];           /* SPM <0xNN> ids, -1 where absent */
    int *special; int n_special;   /* control / user-defined ids, longest text first */
    int bos, eos, unk;
    bool add_bos, add_eos, add_space_prefix;
} tg_tokenizer;

int tg_tok_init(tg_tokenizer *t, const tg_tok_desc *d, char *err, size_t errlen);
void tg_tok_free(tg_tokenizer *t);

/* Id of a piece's exact text, or -1. */
int tg_tok_find(const tg_tokenizer *t, const char *text, size_t len);

/* Tokenizes text (len bytes). add_special: add BOS/EOS as the vocabulary says; parse_special:
 * text of control/user-defined tokens becomes those tokens (for chat templates). Writes at most
 * cap ids and returns how many the text needs (call again with a bigger buffer if > cap), or -1
 * when out of memory. */
int tg_tokenize(const tg_tokenizer *t, const char *text, size_t len, bool add_special,
                bool parse_special, int32_t *out, int cap);

/* The BPE pre-tokenizer alone: splits text into pieces, writing each piece's end offset (bytes)
 * into ends (at most cap); returns the piece count, or -1 when out of memory. */
int tg_bpe_split(int pre, const char *text, size_t len, size_t *ends, int cap);

/* The bytes a token stands for (control tokens: none). Returns the byte count (<= 256 written),
 * or -1 for an id out of range. */
int tg_tok_piece(const tg_tokenizer *t, int id, char *buf, size_t cap);

/* Streaming decoder: feeds tokens, writes only complete UTF-8 characters, holds the rest.
 * strip_leading_space drops the space SPM put before the first piece of a decoded prompt. */
typedef struct tg_tok_stream { unsigned char pend[4]; int n_pend; bool strip_leading_space; } tg_tok_stream;
/* Appends the text of token id to out (NUL-terminated, out has cap >= 264 bytes); returns the
 * number of bytes written. */
int tg_tok_stream_push(tg_tok_stream *s, const tg_tokenizer *t, int id, char *out, size_t cap);
/* Flushes held bytes (an incomplete sequence at the end is emitted as is). */
int tg_tok_stream_flush(tg_tok_stream *s, char *out, size_t cap);

/* Loads the vocabulary from GGUF metadata (tokenizer.ggml.*). Lives in tokenizer_gguf.c. */
struct tg_gguf;
int tg_tok_load_gguf(tg_tokenizer *t, const struct tg_gguf *g, char *err, size_t errlen);

#endif
