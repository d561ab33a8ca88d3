/* test_sampler.c: greedy, filters, temperature statistics, repetition penalty, and that a seed
 * fixes the token sequence. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/sampler.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

enum { V = 8 };
static const float base_logits[V] = { 0.5f, 2.0f, 1.9f, -1.0f, 0.0f, 1.0f, -3.0f, 1.5f };

static int draw(tg_sampler *s)
{
    float l[V];
    memcpy(l, base_logits, sizeof l);
    return tg_sampler_sample(s, l);
}

static tg_sampler_params plain(float temp)
{
    tg_sampler_params p = tg_sampler_defaults();
    p.temp = temp; p.top_k = 0; p.top_p = 1.0f; p.min_p = 0.0f;
    return p;
}

static void test_greedy_and_filters(void)
{
    tg_sampler s;
    tg_sampler_params p = plain(0.0f);
    CHECK(tg_sampler_init(&s, &p, V) == 0);
    CHECK(draw(&s) == 1);
    tg_sampler_free(&s);
    /* any filter narrowed to one survivor makes a hot sampler greedy */
    for (int which = 0; which < 3; which++) {
        p = plain(5.0f);
        if (which == 0) p.top_k = 1;
        if (which == 1) p.top_p = 0.01f;
        if (which == 2) p.min_p = 0.99f;
        CHECK(tg_sampler_init(&s, &p, V) == 0);
        for (int i = 0; i < 50; i++) CHECK(draw(&s) == 1);
        tg_sampler_free(&s);
    }
    p = plain(5.0f);            /* top-k 3 never leaves {1, 2, 7} */
    p.top_k = 3;
    CHECK(tg_sampler_init(&s, &p, V) == 0);
    int seen[V] = { 0 };
    for (int i = 0; i < 300; i++) seen[draw(&s)]++;
    CHECK(seen[1] && seen[2] && seen[7] && seen[1] + seen[2] + seen[7] == 300);
    tg_sampler_free(&s);
}

static void test_temperature_statistics(void)
{
    /* logits {0, ln 3}: at T=1, P(1) = 3/4; at T=2, P(1) = sqrt3/(1+sqrt3) = 0.634 */
    float two[2];
    tg_sampler s;
    double want[2] = { 0.75, 0.6340 };
    float temps[2] = { 1.0f, 2.0f };
    for (int k = 0; k < 2; k++) {
        tg_sampler_params p = plain(temps[k]);
        CHECK(tg_sampler_init(&s, &p, 2) == 0);
        int ones = 0, n = 20000;
        for (int i = 0; i < n; i++) {
            two[0] = 0.0f; two[1] = logf(3.0f);
            ones += tg_sampler_sample(&s, two);
        }
        double f = (double)ones / n;
        if (fabs(f - want[k]) > 0.015) { fprintf(stderr, "T=%g: P(1)=%.4f want %.4f\n", temps[k], f, want[k]); failures++; }
        tg_sampler_free(&s);
    }
}

static void test_seed_determinism(void)
{
    tg_sampler a, b, c;
    tg_sampler_params p = plain(1.5f), q = p;
    q.seed = p.seed + 1;
    tg_sampler_init(&a, &p, V); tg_sampler_init(&b, &p, V); tg_sampler_init(&c, &q, V);
    int same = 1, differs = 0;
    for (int i = 0; i < 200; i++) {
        int x = draw(&a), y = draw(&b), z = draw(&c);
        same &= x == y;
        differs |= x != z;
    }
    CHECK(same);
    CHECK(differs);
    tg_sampler_free(&a); tg_sampler_free(&b); tg_sampler_free(&c);
}

static void test_repeat_penalty(void)
{
    tg_sampler s;
    tg_sampler_params p = plain(0.0f);
    p.repeat_penalty = 1.5f;
    p.repeat_last_n = 2;
    CHECK(tg_sampler_init(&s, &p, V) == 0);
    float l[V];
    memcpy(l, base_logits, sizeof l);
    tg_sampler_accept(&s, 1);
    tg_sampler_accept(&s, 1);               /* repeated: penalized once */
    CHECK(tg_sampler_sample(&s, l) == 2);
    CHECK(fabsf(l[1] - 2.0f / 1.5f) < 1e-6f);
    tg_sampler_accept(&s, 3);
    tg_sampler_accept(&s, 3);               /* window of 2: token 1 has left it */
    memcpy(l, base_logits, sizeof l);
    CHECK(tg_sampler_sample(&s, l) == 1);
    CHECK(l[3] == -1.5f);                   /* negative logits are multiplied */
    tg_sampler_free(&s);
    p.repeat_penalty = 0.0f;
    CHECK(tg_sampler_init(&s, &p, V) == -1);
    tg_sampler_free(&s);
}

/* The sampler's definition, written plainly: sort the whole vocabulary, keep the top k, then the
 * nucleus and min-p (probabilities at temperature 1, renormalized after top-k), then draw at the
 * temperature. The real sampler pre-filters and selects instead of sorting everything; it must pick
 * the same token for the same RNG state. */
static int cmp_desc(const void *a, const void *b)
{
    const tg_candidate *x = a, *y = b;
    if (x->logit != y->logit) return x->logit < y->logit ? 1 : -1;
    return x->id - y->id;
}

static int naive_sample(const tg_sampler_params *p, const float *logits, int V, uint64_t *rng)
{
    static tg_candidate c[1024];
    float max = -INFINITY, sum = 0.0f;
    for (int i = 0; i < V; i++) { c[i] = (tg_candidate){ logits[i], i }; if (logits[i] > max) max = logits[i]; }
    qsort(c, (size_t)V, sizeof *c, cmp_desc);
    int n = V;
    if (p->top_k > 0 && p->top_k < n) {
        n = p->top_k;
        for (int i = 0; i < n; i++) sum += expf(c[i].logit - max);
    } else {
        for (int i = 0; i < V; i++) sum += expf(logits[i] - max);   /* index order, as the sampler */
    }
    if (p->top_p < 1.0f) {
        float cum = 0.0f;
        for (int i = 0; i < n; i++) { cum += expf(c[i].logit - max) / sum; if (cum >= p->top_p) { n = i + 1; break; } }
    }
    if (p->min_p > 0.0f) {
        int keep = 1;
        while (keep < n && c[keep].logit - max >= logf(p->min_p)) keep++;
        n = keep;
    }
    float tsum = 0.0f, cum = 0.0f;
    for (int i = 0; i < n; i++) tsum += expf((c[i].logit - max) / p->temp);
    float r = tg_rng_float(rng) * tsum;
    for (int i = 0; i < n; i++) { cum += expf((c[i].logit - max) / p->temp); if (r < cum) return c[i].id; }
    return c[n - 1].id;
}

static void test_against_naive(void)
{
    enum { NV = 1024 };
    static float logits[NV], copy[NV];
    uint64_t gen = tg_rng_seed(99);
    const int ks[] = { 0, 1, 5, 40, 2000 };
    const float ps[] = { 1.0f, 0.95f, 0.5f, 0.05f }, mps[] = { 0.0f, 0.05f, 0.3f }, temps[] = { 0.5f, 1.0f, 1.7f };
    int mismatches = 0, draws = 0;
    for (int trial = 0; trial < 6; trial++) {
        float spread = trial < 2 ? 2.0f : trial < 4 ? 8.0f : 25.0f;
        for (int i = 0; i < NV; i++) logits[i] = (tg_rng_float(&gen) - 0.5f) * spread;
        if (trial % 2) logits[17] = logits[1000] = logits[5];               /* ties */
        for (size_t a = 0; a < 5; a++) for (size_t b = 0; b < 4; b++) for (size_t m = 0; m < 3; m++) for (size_t t = 0; t < 3; t++) {
            tg_sampler_params p = { temps[t], ks[a], ps[b], mps[m], 1.0f, 0, (uint64_t)(trial * 1000 + a * 100 + b * 10 + m) };
            tg_sampler s;
            tg_sampler_init(&s, &p, NV);
            uint64_t rng = tg_rng_seed(p.seed);
            for (int d = 0; d < 2; d++) {
                memcpy(copy, logits, sizeof copy);
                int x = tg_sampler_sample(&s, copy), y = naive_sample(&p, logits, NV, &rng);
                draws++;
                if (x != y && mismatches++ < 5)
                    fprintf(stderr, "k=%d p=%g min_p=%g T=%g: sampler %d, definition %d\n", p.top_k, p.top_p, p.min_p, p.temp, x, y);
            }
            tg_sampler_free(&s);
        }
    }
    if (mismatches) { fprintf(stderr, "%d of %d draws differ from the definition\n", mismatches, draws); failures++; }
}

static void test_rng(void)
{
    uint64_t st = tg_rng_seed(0);
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        float f = tg_rng_float(&st);
        CHECK(f >= 0.0f && f < 1.0f);
        sum += f;
    }
    CHECK(fabs(sum / 10000 - 0.5) < 0.02);
}

int main(void)
{
    test_greedy_and_filters();
    test_temperature_statistics();
    test_seed_determinism();
    test_repeat_penalty();
    test_against_naive();
    test_rng();
    if (failures) { fprintf(stderr, "test_sampler: %d failed\n", failures); return 1; }
    printf("test_sampler: ok\n");
    return 0;
}
