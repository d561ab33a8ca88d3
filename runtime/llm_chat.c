/* llm_chat.c: chat templates (see llm_chat.h). The formats are the published ones:
 *   ChatML:  <|im_start|>system\n{sys}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n
 *   Llama-2: [INST] <<SYS>>\n{sys}\n<</SYS>>\n\n{user} [/INST]     (BOS comes from the tokenizer)
 *   Alpaca:  {sys}\n\n### Instruction:\n{user}\n\n### Response:\n */
#include "runtime/llm_chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = { "none", "chatml", "llama2", "alpaca" };

int tg_chat_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

const char *tg_chat_name(int tmpl) { return tmpl >= 0 && tmpl < 4 ? names[tmpl] : "none"; }

static int contains(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(s + i, needle, m) == 0) return 1;
    return 0;
}

int tg_chat_detect(const char *jinja, size_t len)
{
    if (!jinja) return TG_CHAT_NONE;
    if (contains(jinja, len, "<|im_start|>")) return TG_CHAT_CHATML;
    if (contains(jinja, len, "[INST]")) return TG_CHAT_LLAMA2;
    if (contains(jinja, len, "### Instruction")) return TG_CHAT_ALPACA;
    return TG_CHAT_NONE;
}

char *tg_chat_format(int tmpl, const char *system, const char *user)
{
    size_t n = strlen(user) + (system ? strlen(system) : 0) + 128;
    char *out = malloc(n);
    if (!out) return NULL;
    int has_sys = system && *system;
    switch (tmpl) {
    case TG_CHAT_CHATML:
        if (has_sys) snprintf(out, n, "<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n", system, user);
        else snprintf(out, n, "<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n", user);
        break;
    case TG_CHAT_LLAMA2:
        if (has_sys) snprintf(out, n, "[INST] <<SYS>>\n%s\n<</SYS>>\n\n%s [/INST]", system, user);
        else snprintf(out, n, "[INST] %s [/INST]", user);
        break;
    case TG_CHAT_ALPACA:
        if (has_sys) snprintf(out, n, "%s\n\n### Instruction:\n%s\n\n### Response:\n", system, user);
        else snprintf(out, n, "### Instruction:\n%s\n\n### Response:\n", user);
        break;
    default:
        snprintf(out, n, "%s", user);
    }
    return out;
}
