/* llm_chat.h: chat templates (ChatML, Llama-2, Alpaca): their names, recognizing them in a
 * file's tokenizer.chat_template (a Jinja text we do not execute, only identify), and formatting
 * one system + user turn ready for the assistant's reply. */
#ifndef TG_LLM_CHAT_H
#define TG_LLM_CHAT_H

#include <stddef.h>

enum tg_chat_tmpl { TG_CHAT_NONE, TG_CHAT_CHATML, TG_CHAT_LLAMA2, TG_CHAT_ALPACA };

int tg_chat_from_name(const char *name);             /* -1 for an unknown name */
const char *tg_chat_name(int tmpl);
int tg_chat_detect(const char *jinja, size_t len);   /* TG_CHAT_NONE when not recognized */
/* The formatted prompt (malloc'd, NULL when out of memory); system may be NULL. */
char *tg_chat_format(int tmpl, const char *system, const char *user);

#endif
