/* test_llm_chat.c: chat template names, detection from tokenizer.chat_template texts, and the
 * exact prompts each template produces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/llm_chat.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void expect(int tmpl, const char *sys, const char *user, const char *want)
{
    char *got = tg_chat_format(tmpl, sys, user);
    if (!got || strcmp(got, want)) { fprintf(stderr, "template %s: got <<%s>>\nwant <<%s>>\n", tg_chat_name(tmpl), got, want); failures++; }
    free(got);
}

int main(void)
{
    CHECK(tg_chat_from_name("chatml") == TG_CHAT_CHATML);
    CHECK(tg_chat_from_name("llama2") == TG_CHAT_LLAMA2);
    CHECK(tg_chat_from_name("alpaca") == TG_CHAT_ALPACA);
    CHECK(tg_chat_from_name("none") == TG_CHAT_NONE);
    CHECK(tg_chat_from_name("vicuna") == -1);
    const char *qwen = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}";
    const char *llama2 = "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}";
    const char *alpaca = "{{ '### Instruction:\\n' + message['content'] + '\\n\\n### Response:\\n' }}";
    CHECK(tg_chat_detect(qwen, strlen(qwen)) == TG_CHAT_CHATML);
    CHECK(tg_chat_detect(llama2, strlen(llama2)) == TG_CHAT_LLAMA2);
    CHECK(tg_chat_detect(alpaca, strlen(alpaca)) == TG_CHAT_ALPACA);
    CHECK(tg_chat_detect("{{ messages }}", 14) == TG_CHAT_NONE);
    CHECK(tg_chat_detect(NULL, 0) == TG_CHAT_NONE);
    expect(TG_CHAT_CHATML, NULL, "Hi", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    expect(TG_CHAT_CHATML, "Be brief.", "Hi",
           "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    expect(TG_CHAT_LLAMA2, NULL, "Hi", "[INST] Hi [/INST]");
    expect(TG_CHAT_LLAMA2, "Be brief.", "Hi", "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]");
    expect(TG_CHAT_ALPACA, NULL, "Hi", "### Instruction:\nHi\n\n### Response:\n");
    expect(TG_CHAT_NONE, "ignored", "Hi", "Hi");
    if (failures) { fprintf(stderr, "test_llm_chat: %d failed\n", failures); return 1; }
    printf("test_llm_chat: ok\n");
    return 0;
}
