/* sampler.c: next-token selection (see sampler.h).
 * Order of the steps, as in llama.cpp's default chain: repetition penalty, top-k, top-p, min-p
 * (the filters see the untempered distribution), then temperature, then a draw. */
#include "runtime/sampler.h"

#include <math.h>
#include <stdlib.h>

#include "runtime/cpu_kernels.h"

tg_sampler_params tg_sampler_defaults(void)
{
    return (tg_sampler_params){ .temp = 0.8f, .top_k = 40, .top_p = 0.95f, .min_p = 0.05f,
                                .repeat_penalty = 1.0f, .repeat_last_n = 64, .seed = 42 };
}

uint64_t tg_rng_seed(uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ull;          /* splitmix64: spreads any seed, incl. 0 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z ? z : 1;                                   /* xorshift state must be non-zero */
}

float tg_rng_float(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (float)((x * 0x2545f4914f6cdd1dull) >> 40) * 0x1p-24f;
}

int tg_sampler_init(tg_sampler *s, const tg_sampler_params *p, int n_vocab)
{
    *s = (tg_sampler){ .p = *p, .n_vocab = n_vocab, .rng = tg_rng_seed(p->seed) };
    if (n_vocab <= 0 || p->repeat_penalty <= 0.0f || p->repeat_last_n < 0) return -1;
    s->cand = malloc((size_t)n_vocab * sizeof *s->cand);
    s->history = malloc((size_t)(p->repeat_last_n > 0 ? p->repeat_last_n : 1) * sizeof(int));
    if (!s->cand || !s->history) { tg_sampler_free(s); return -1; }
    return 0;
}

void tg_sampler_free(tg_sampler *s)
{
    free(s->cand);
    free(s->history);
    s->cand = NULL;
    s->history = NULL;
}

void tg_sampler_accept(tg_sampler *s, int token)
{
    if (s->p.repeat_last_n <= 0) return;
    s->history[s->history_pos] = token;
    s->history_pos = (s->history_pos + 1) % s->p.repeat_last_n;
    if (s->n_history < s->p.repeat_last_n) s->n_history++;
}

/* Each distinct token of the window is penalized once. */
static void apply_repeat_penalty(tg_sampler *s, float *logits)
{
    if (s->p.repeat_penalty == 1.0f) return;
    for (int i = 0; i < s->n_history; i++) {
        int t = s->history[i], seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = s->history[j] == t;
        if (seen || t < 0 || t >= s->n_vocab) continue;
        logits[t] = logits[t] > 0.0f ? logits[t] / s->p.repeat_penalty
                                     : logits[t] * s->p.repeat_penalty;
    }
}

static int by_logit_desc(const void *a, const void *b)
{
    const tg_candidate *x = a, *y = b;
    if (x->logit != y->logit) return x->logit < y->logit ? 1 : -1;
    return x->id - y->id;                                /* ties: lower id first, deterministic */
}

int tg_sampler_sample(tg_sampler *s, float *logits)
{
    apply_repeat_penalty(s, logits);
    if (s->p.temp <= 0.0f) return tg_ref_argmax(logits, s->n_vocab);

    int n = 0;
    for (int i = 0; i < s->n_vocab; i++)
        if (logits[i] == logits[i]) s->cand[n++] = (tg_candidate){ logits[i], i };   /* drop NaN */
    if (n == 0) return 0;
    qsort(s->cand, (size_t)n, sizeof *s->cand, by_logit_desc);
    if (s->p.top_k > 0 && s->p.top_k < n) n = s->p.top_k;

    /* probabilities at temperature 1 for the top-p / min-p filters */
    float max = s->cand[0].logit, sum = 0.0f;
    for (int i = 0; i < n; i++) sum += expf(s->cand[i].logit - max);
    if (s->p.top_p < 1.0f) {
        float cum = 0.0f;
        for (int i = 0; i < n; i++) {
            cum += expf(s->cand[i].logit - max) / sum;
            if (cum >= s->p.top_p) { n = i + 1; break; }
        }
    }
    if (s->p.min_p > 0.0f) {
        /* p_i >= min_p * p_max  <=>  logit_i - max >= log(min_p) */
        float cut = logf(s->p.min_p);
        int keep = 1;
        while (keep < n && s->cand[keep].logit - max >= cut) keep++;
        n = keep;
    }

    /* temperature, then one draw from the survivors */
    sum = 0.0f;
    for (int i = 0; i < n; i++) sum += expf((s->cand[i].logit - max) / s->p.temp);
    float r = tg_rng_float(&s->rng) * sum, cum = 0.0f;
    for (int i = 0; i < n; i++) {
        cum += expf((s->cand[i].logit - max) / s->p.temp);
        if (r < cum) return s->cand[i].id;
    }
    return s->cand[n - 1].id;                            /* rounding left r at the very top */
}
