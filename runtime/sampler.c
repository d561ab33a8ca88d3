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

/* Keeps the k best of cand[0..n) (by_logit_desc order) in cand[0..k), unsorted: a min-heap of
 * the best so far whose root is the worst kept. O(n log k) instead of sorting everything. */
static int worse(const tg_candidate *a, const tg_candidate *b) { return by_logit_desc(a, b) > 0; }

static void sift_down(tg_candidate *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m])) m = l;
        if (r < n && worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        tg_candidate t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
}

static void select_top_k(tg_candidate *c, int n, int k)
{
    for (int i = k / 2 - 1; i >= 0; i--) sift_down(c, k, i);
    for (int i = k; i < n; i++)
        if (worse(&c[0], &c[i])) { c[0] = c[i]; sift_down(c, k, 0); }
}

int tg_sampler_sample(tg_sampler *s, float *logits)
{
    apply_repeat_penalty(s, logits);
    if (s->p.temp <= 0.0f) return tg_ref_argmax(logits, s->n_vocab);

    float max = -INFINITY;
    for (int i = 0; i < s->n_vocab; i++)
        if (logits[i] > max) max = logits[i];
    if (max == -INFINITY) return tg_ref_argmax(logits, s->n_vocab);   /* all -inf or NaN */

    /* Candidates, sorted best first, and sum = the softmax denominator (temperature 1) that the
     * top-p / min-p filters use. With top-k, the k best are selected from the whole vocabulary
     * and renormalized among themselves. Without it, tokens no filter can keep are dropped before
     * sorting: those below min-p's cut, and those below (1 - top_p) / (V - 1), which never belong
     * to the nucleus (all of them together hold less than 1 - top_p). NaN logits never enter. */
    int n = 0;
    float sum = 0.0f;
    if (s->p.top_k > 0 && s->p.top_k < s->n_vocab) {
        for (int i = 0; i < s->n_vocab; i++)
            if (logits[i] == logits[i]) s->cand[n++] = (tg_candidate){ logits[i], i };
        if (s->p.top_k < n) {
            select_top_k(s->cand, n, s->p.top_k);
            n = s->p.top_k;
        }
        qsort(s->cand, (size_t)n, sizeof *s->cand, by_logit_desc);
        for (int i = 0; i < n; i++) sum += expf(s->cand[i].logit - max);
    } else {
        for (int i = 0; i < s->n_vocab; i++)
            if (logits[i] == logits[i]) sum += expf(logits[i] - max);
        float cut = -INFINITY;
        if (s->p.min_p > 0.0f) cut = max + logf(s->p.min_p);
        if (s->p.top_p < 1.0f && s->n_vocab > 1) {
            float c = max + logf((1.0f - s->p.top_p) / (float)(s->n_vocab - 1) * sum);
            if (c > cut) cut = c;
        }
        for (int i = 0; i < s->n_vocab; i++)
            if (logits[i] >= cut) s->cand[n++] = (tg_candidate){ logits[i], i };
        qsort(s->cand, (size_t)n, sizeof *s->cand, by_logit_desc);
    }

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
    float tsum = 0.0f;
    for (int i = 0; i < n; i++) tsum += expf((s->cand[i].logit - max) / s->p.temp);
    float r = tg_rng_float(&s->rng) * tsum, cum = 0.0f;
    for (int i = 0; i < n; i++) {
        cum += expf((s->cand[i].logit - max) / s->p.temp);
        if (r < cum) return s->cand[i].id;
    }
    return s->cand[n - 1].id;                            /* rounding left r at the very top */
}
