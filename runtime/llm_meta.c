/* llm_meta.c: typed GGUF metadata reads (see llm_meta.h). */
#include "runtime/llm_meta.h"

#include <stdio.h>
#include <string.h>

bool tg_str_eq(tg_gguf_str a, const char *s)
{
    return a.len == strlen(s) && memcmp(a.data, s, a.len) == 0;
}

static const tg_gguf_kv *find(const tg_gguf *g, const char *key, bool required, char *err, size_t errlen)
{
    const tg_gguf_kv *kv = tg_gguf_find(g, key);
    if (!kv && required) snprintf(err, errlen, "%s: missing metadata key '%s'", g->path, key);
    return kv;
}

static int wrong_type(const tg_gguf *g, const char *key, const tg_gguf_kv *kv, const char *want,
                      char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: metadata key '%s' is %s, expected %s", g->path, key,
             tg_gguf_vtype_name(kv->type), want);
    return -1;
}

int tg_meta_int(const tg_gguf *g, const char *key, bool required, int64_t *out, char *err, size_t errlen)
{
    const tg_gguf_kv *kv = find(g, key, required, err, errlen);
    if (!kv) return required ? -1 : 0;
    switch (kv->type) {
    case TG_GGUF_U8: case TG_GGUF_U16: case TG_GGUF_U32: case TG_GGUF_U64:
        if (kv->v.u > (uint64_t)INT64_MAX) return wrong_type(g, key, kv, "an integer below 2^63", err, errlen);
        *out = (int64_t)kv->v.u;
        return 0;
    case TG_GGUF_I8: case TG_GGUF_I16: case TG_GGUF_I32: case TG_GGUF_I64:
        *out = kv->v.i;
        return 0;
    default:
        return wrong_type(g, key, kv, "an integer", err, errlen);
    }
}

int tg_meta_f32(const tg_gguf *g, const char *key, bool required, float *out, char *err, size_t errlen)
{
    const tg_gguf_kv *kv = find(g, key, required, err, errlen);
    if (!kv) return required ? -1 : 0;
    if (kv->type == TG_GGUF_F32 || kv->type == TG_GGUF_F64) { *out = (float)kv->v.f; return 0; }
    int64_t i;
    if (tg_meta_int(g, key, true, &i, err, errlen) == 0) { *out = (float)i; return 0; }
    return wrong_type(g, key, kv, "a number", err, errlen);
}

int tg_meta_bool(const tg_gguf *g, const char *key, bool required, bool *out, char *err, size_t errlen)
{
    const tg_gguf_kv *kv = find(g, key, required, err, errlen);
    if (!kv) return required ? -1 : 0;
    if (kv->type != TG_GGUF_BOOL) return wrong_type(g, key, kv, "bool", err, errlen);
    *out = kv->v.b;
    return 0;
}

int tg_meta_str(const tg_gguf *g, const char *key, bool required, tg_gguf_str *out, char *err, size_t errlen)
{
    const tg_gguf_kv *kv = find(g, key, required, err, errlen);
    if (!kv) return required ? -1 : 0;
    if (kv->type != TG_GGUF_STRING) return wrong_type(g, key, kv, "string", err, errlen);
    *out = kv->v.s;
    return 0;
}

int tg_meta_arr(const tg_gguf *g, const char *key, uint32_t elem, bool required, const tg_gguf_kv **out,
                char *err, size_t errlen)
{
    const tg_gguf_kv *kv = find(g, key, required, err, errlen);
    *out = NULL;
    if (!kv) return required ? -1 : 0;
    if (kv->type != TG_GGUF_ARRAY || kv->v.arr.type != elem) {
        snprintf(err, errlen, "%s: metadata key '%s' is %s%s%s, expected an array of %s", g->path, key,
                 tg_gguf_vtype_name(kv->type), kv->type == TG_GGUF_ARRAY ? " of " : "",
                 kv->type == TG_GGUF_ARRAY ? tg_gguf_vtype_name(kv->v.arr.type) : "", tg_gguf_vtype_name(elem));
        return -1;
    }
    *out = kv;
    return 0;
}
