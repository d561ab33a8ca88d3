/* sampler.h: turns a logits vector into the next token: greedy, temperature, top-k, top-p
 * (nucleus), min-p, and a repetition penalty over the last N tokens, with a seeded RNG so a given
 * seed always yields the same tokens. Owns its candidate buffer and token history; sampling
 * never allocates. */
#ifndef TG_SAMPLER_H
#define TG_SAMPLER_H

#include <stdint.h>

typedef struct tg_sampler_params {
    float temp;            /* <= 0: greedy (argmax) */
    int top_k;             /* <= 0: off */
    float top_p;           /* >= 1: off */
    float min_p;           /* <= 0: off; keeps tokens with p >= min_p * p_max */
    float repeat_penalty;  /* 1: off; positive logits divided by it, negative multiplied */
    int repeat_last_n;     /* window of the penalty, in tokens */
    uint64_t seed;
} tg_sampler_params;

/* Defaults: temp 0.8, top_k 40, top_p 0.95, min_p 0.05, repeat 1.0 over 64, seed 42. */
tg_sampler_params tg_sampler_defaults(void);

typedef struct tg_candidate { float logit; int id; } tg_candidate;

typedef struct tg_sampler {
    tg_sampler_params p;
    int n_vocab;
    uint64_t rng;
    tg_candidate *cand;    /* n_vocab */
    int *history;          /* ring of the last repeat_last_n accepted tokens */
    int n_history, history_pos;
} tg_sampler;

/* Returns 0, or -1 when out of memory or the parameters are invalid. */
int tg_sampler_init(tg_sampler *s, const tg_sampler_params *p, int n_vocab);
void tg_sampler_free(tg_sampler *s);
/* Picks a token. The repetition penalty is applied to logits in place. */
int tg_sampler_sample(tg_sampler *s, float *logits);
/* Records a token (prompt or generated) for the repetition penalty. */
void tg_sampler_accept(tg_sampler *s, int token);
/* The RNG: xorshift64* seeded through splitmix64. Uniform float in [0, 1). */
float tg_rng_float(uint64_t *state);
uint64_t tg_rng_seed(uint64_t seed);

#endif
