/* gguf.h: GGUF v2/v3 files: a strictly validating reader over mmap and a writer.
 * Owns the file's header, typed metadata (incl. arrays), tensor infos and data alignment.
 * Every offset, size, count, string length and type in a file is checked before use; a bad file
 * yields "path: offset N: what is wrong" and never a crash or an over-read. */
#ifndef TG_GGUF_H
#define TG_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Metadata value types, numbered as in the GGUF spec. */
enum tg_gguf_vtype {
    TG_GGUF_U8, TG_GGUF_I8, TG_GGUF_U16, TG_GGUF_I16, TG_GGUF_U32, TG_GGUF_I32, TG_GGUF_F32,
    TG_GGUF_BOOL, TG_GGUF_STRING, TG_GGUF_ARRAY, TG_GGUF_U64, TG_GGUF_I64, TG_GGUF_F64,
    TG_GGUF_NUM_VTYPES
};

/* Tensor types, numbered as in ggml (files quantized by llama.cpp load unchanged). */
enum tg_ggml_type {
    TG_TYPE_F32 = 0, TG_TYPE_F16 = 1, TG_TYPE_Q4_0 = 2, TG_TYPE_Q4_1 = 3,
    TG_TYPE_Q5_0 = 6, TG_TYPE_Q5_1 = 7, TG_TYPE_Q8_0 = 8, TG_TYPE_Q8_1 = 9,
    TG_TYPE_Q2_K = 10, TG_TYPE_Q3_K = 11, TG_TYPE_Q4_K = 12, TG_TYPE_Q5_K = 13,
    TG_TYPE_Q6_K = 14, TG_TYPE_Q8_K = 15, TG_TYPE_BF16 = 30, TG_TYPE_COUNT = 40
};

typedef struct tg_gguf_str { uint64_t len; const char *data; } tg_gguf_str; /* not NUL-terminated */

typedef struct tg_gguf_kv {
    tg_gguf_str key;
    uint32_t type;            /* enum tg_gguf_vtype */
    union {
        uint64_t u; int64_t i; double f; bool b;
        tg_gguf_str s;
        struct {
            uint32_t type; uint64_t n;
            const void *data;         /* first element, in the file; for STRING arrays use
                                         tg_gguf_arr_str, for nested arrays tg_gguf_arr_sub */
            const tg_gguf_str *strs;  /* STRING arrays at top level: every string, indexed at open
                                         (NULL otherwise) */
        } arr;
    } v;
} tg_gguf_kv;

typedef struct tg_gguf_tensor {
    tg_gguf_str name;
    uint32_t n_dims;
    uint64_t ne[4];           /* ne[0] is the contiguous (row) dimension, as in ggml */
    uint32_t type;            /* enum tg_ggml_type */
    uint64_t offset;          /* relative to the data section */
    uint64_t nbytes;
    const void *data;         /* into the mapping; aligned to the file's alignment (>= 8) */
} tg_gguf_tensor;

typedef struct tg_gguf {
    char path[512];
    uint32_t version;
    uint64_t n_kv, n_tensors;
    tg_gguf_kv *kv;
    tg_gguf_tensor *tensors;
    uint32_t alignment;
    const uint8_t *base; size_t size;   /* whole file */
    bool mapped;
    uint64_t data_offset;               /* file offset of the data section (aligned) */
} tg_gguf;

/* Opens and validates a file (mmap). Returns 0, or -1 with err = "path: offset N: problem". */
int tg_gguf_open(tg_gguf *g, const char *path, char *err, size_t errlen);
/* The same over a caller-owned buffer (fuzzing, tests); the buffer must outlive g. */
int tg_gguf_parse(tg_gguf *g, const void *data, size_t size, const char *name, char *err, size_t errlen);
void tg_gguf_close(tg_gguf *g);

const tg_gguf_kv *tg_gguf_find(const tg_gguf *g, const char *key);
const tg_gguf_tensor *tg_gguf_tensor_find(const tg_gguf *g, const char *name);
/* i-th string of a STRING array (bounds were validated at open). */
tg_gguf_str tg_gguf_arr_str(const tg_gguf_kv *kv, uint64_t i);
/* i-th element of an array of arrays, as a kv of type ARRAY (key left empty); -1 if kv is not one. */
int tg_gguf_arr_sub(const tg_gguf_kv *kv, uint64_t i, tg_gguf_kv *out);
/* Bytes of one element of a fixed-size value type (0 for STRING, ARRAY, unknown). */
size_t tg_gguf_vtype_size(uint32_t t);
const char *tg_gguf_vtype_name(uint32_t t);
/* String equality against a NUL-terminated C string. */
bool tg_gguf_str_eq(tg_gguf_str s, const char *c);

/* Writer: collect metadata and tensors, then write the file in one pass. */
typedef struct tg_gguf_writer tg_gguf_writer;
tg_gguf_writer *tg_gguf_writer_new(void);
void tg_gguf_writer_free(tg_gguf_writer *w);
void tg_gguf_set_u32(tg_gguf_writer *w, const char *key, uint32_t v);
void tg_gguf_set_i32(tg_gguf_writer *w, const char *key, int32_t v);
void tg_gguf_set_f32(tg_gguf_writer *w, const char *key, float v);
void tg_gguf_set_bool(tg_gguf_writer *w, const char *key, bool v);
void tg_gguf_set_str(tg_gguf_writer *w, const char *key, const char *v);
void tg_gguf_set_arr(tg_gguf_writer *w, const char *key, uint32_t elem_type, const void *data, uint64_t n);
void tg_gguf_set_arr_str(tg_gguf_writer *w, const char *key, const char *const *v, uint64_t n);
/* Any fixed-size scalar (U8..F64, BOOL as one byte 0/1); v points at the value in that type. */
void tg_gguf_set_scalar(tg_gguf_writer *w, const char *key, uint32_t vtype, const void *v);
/* A string given by pointer and length (may hold any bytes, including NUL). */
void tg_gguf_set_strn(tg_gguf_writer *w, const char *key, const char *v, uint64_t len);
/* Same as set_arr_str with explicit lengths. */
void tg_gguf_set_arr_strn(tg_gguf_writer *w, const char *key, const char *const *v,
                          const uint64_t *lens, uint64_t n);
/* Setters never fail on their own: the first problem (duplicate tensor, bad alignment, size
 * mismatch, out of memory) is kept and reported by tg_gguf_write. Setting a key again replaces its
 * value in place (as llama.cpp's python writer does). */
/* Adds a tensor; data (already in `type`'s layout, nbytes long) is copied. */
void tg_gguf_add_tensor(tg_gguf_writer *w, const char *name, uint32_t type, uint32_t n_dims,
                        const uint64_t *ne, const void *data, size_t nbytes);
/* The first problem recorded so far, or NULL (lets a caller attribute it to its own input line). */
const char *tg_gguf_writer_error(const tg_gguf_writer *w);
/* Whether key has been set. */
bool tg_gguf_writer_has(const tg_gguf_writer *w, const char *key);
int tg_gguf_write(tg_gguf_writer *w, const char *path, char *err, size_t errlen);
/* The same into a malloc'd buffer (*out, *size); the caller frees it. */
int tg_gguf_write_mem(tg_gguf_writer *w, uint8_t **out, size_t *size, char *err, size_t errlen);

#endif
