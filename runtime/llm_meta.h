/* llm_meta.h: typed reads of GGUF metadata for the LLM runtime: integers of any width, floats,
 * bools, strings and arrays, each with a clear error naming the file and key when the value is
 * missing or of the wrong type. */
#ifndef TG_LLM_META_H
#define TG_LLM_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/gguf.h"

/* Each returns 0 on success; with required=false a missing key leaves *out at its default and
 * returns 0; a present key of the wrong type is always an error (-1, message in err). */
int tg_meta_int(const tg_gguf *g, const char *key, bool required, int64_t *out, char *err, size_t errlen);
int tg_meta_f32(const tg_gguf *g, const char *key, bool required, float *out, char *err, size_t errlen);
int tg_meta_bool(const tg_gguf *g, const char *key, bool required, bool *out, char *err, size_t errlen);
/* *out points into the file, not NUL-terminated. */
int tg_meta_str(const tg_gguf *g, const char *key, bool required, tg_gguf_str *out, char *err, size_t errlen);
/* An array of elements of type elem (enum tg_gguf_vtype); *kv is NULL when absent. */
int tg_meta_arr(const tg_gguf *g, const char *key, uint32_t elem, bool required, const tg_gguf_kv **kv,
                char *err, size_t errlen);
/* True when the string equals s. */
bool tg_str_eq(tg_gguf_str a, const char *s);

#endif
