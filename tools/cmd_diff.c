/* cmd_diff.c: `tgpu diff`: the whole-model differential harness. Runs the same tokens through the
 * same model on several backends, compares every op's output tensor (normalized mean squared error
 * and max abs error against the first backend) and the greedy next token at every step, and reports
 * the first op that crosses its threshold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/device.h"
#include "runtime/tgpu_llm.h"
#include "tools/commands.h"

#define MAX_BACKENDS 4
#define MAX_OPS 4096

/* One op's output, captured during a step. */
typedef struct op_rec { char op[32]; int layer; int n; float *data; } op_rec;

typedef struct capture {
    tg_llm *llm;
    int n;
    op_rec ops[MAX_OPS];
    int overflow;
} capture;

static void on_op(void *user, const char *op, int layer, uint64_t dptr, int n)
{
    capture *c = user;
    if (c->n == MAX_OPS) { c->overflow = 1; return; }
    op_rec *r = &c->ops[c->n];
    float *buf = realloc(r->data, (size_t)n * sizeof(float));
    if (!buf) { c->overflow = 1; return; }
    r->data = buf;
    if (tg_dev_download(tg_llm_device(c->llm), buf, dptr, (size_t)n * sizeof(float)) != 0) {
        c->overflow = 1; return;
    }
    snprintf(r->op, sizeof r->op, "%s", op);
    r->layer = layer;
    r->n = n;
    c->n++;
}

/* Recorded op outputs (--record, and golden:FILE as a backend): "TGDIFF1\0", u32 positions, then per
 * position u32 token, u32 ops, and per op char name[32], i32 layer, u32 n, f32 data[n]. Goldens
 * recorded on a real GPU let the simulator be checked against hardware where there is none. */
static int write_u32(FILE *f, uint32_t v) { return fwrite(&v, 4, 1, f) == 1 ? 0 : -1; }

static int record_position(FILE *f, int token, const capture *c)
{
    int rc = write_u32(f, (uint32_t)token) | write_u32(f, (uint32_t)c->n);
    for (int i = 0; i < c->n && rc == 0; i++) {
        char name[32] = { 0 };
        snprintf(name, sizeof name, "%s", c->ops[i].op);
        rc = (fwrite(name, 32, 1, f) == 1 ? 0 : -1) | write_u32(f, (uint32_t)c->ops[i].layer) |
             write_u32(f, (uint32_t)c->ops[i].n) |
             (fwrite(c->ops[i].data, 4, (size_t)c->ops[i].n, f) == (size_t)c->ops[i].n ? 0 : -1);
    }
    return rc;
}

/* Reads one position of a recording into c; returns its token, or -1 with a message. */
static int read_position(FILE *f, const char *path, capture *c)
{
    uint32_t hdr[2];
    if (fread(hdr, 4, 2, f) != 2 || hdr[1] > MAX_OPS) { fprintf(stderr, "tgpu diff: %s: truncated or corrupt recording\n", path); return -1; }
    c->n = 0;
    for (uint32_t i = 0; i < hdr[1]; i++) {
        op_rec *r = &c->ops[i];
        char name[32];
        uint32_t meta[2];
        if (fread(name, 32, 1, f) != 1 || fread(meta, 4, 2, f) != 2 || meta[1] > (1u << 24) || name[31]) {
            fprintf(stderr, "tgpu diff: %s: truncated or corrupt recording\n", path);
            return -1;
        }
        float *buf = realloc(r->data, (meta[1] ? meta[1] : 1) * sizeof(float));
        if (!buf || fread(buf, 4, meta[1], f) != meta[1]) {
            if (buf) r->data = buf;
            fprintf(stderr, "tgpu diff: %s: truncated recording\n", path);
            return -1;
        }
        r->data = buf;
        memcpy(r->op, name, 32);
        r->layer = (int32_t)meta[0];
        r->n = (int)meta[1];
        c->n++;
    }
    return (int)hdr[0];
}

/* Thresholds: every backend computes in f32 but may sum in a different order (a warp-shuffle
 * tree instead of a serial loop), which moves results by a few ulps per accumulation. Over vectors
 * of a few hundred elements that is an NMSE around 1e-12; 1e-8 leaves four orders of margin and
 * still catches any real error (a wrong element, a skipped block, a bad scale), which shows up at
 * 1e-4 or above. SFU approximations (exp in softmax/silu) stay within a few ulps and do not change
 * this. */
static double nmse_limit(const char *op)
{
    (void)op;
    return 1e-8;
}

typedef struct worst { char op[32]; double nmse, maxabs; } worst;

static void usage(FILE *out)
{
    fprintf(out,
        "usage: tgpu diff -m MODEL.gguf [--backends cpu,sim] [-p PROMPT] [-n N] [--mode func|cycle]\n"
        "                 [--kernels DIR] [-c CTX] [--record FILE] [--perturb OP:LAYER]\n"
        "Runs the prompt and N greedy tokens on each backend, compares every op's output with the\n"
        "first backend's (NMSE <= 1e-8) and the greedy tokens (identical). Exit 1 on a mismatch.\n"
        "A backend may be golden:FILE, op outputs recorded earlier with --record FILE (which saves the\n"
        "last backend's), e.g. on a real GPU: tgpu diff --backends cpu,cuda --record tiny.tgdiff\n"
        "--perturb OP:LAYER scales one element of that op's output on the last backend by 1.01, to\n"
        "show the harness catching and locating a difference (used by the tests).\n");
}

int tg_cmd_diff(int argc, char **argv)
{
    const char *model = NULL, *prompt = "In the beginning", *backends = "cpu,sim", *kdir = NULL;
    int n_predict = 8, n_ctx = 256, cycle = 0, verbose = 0, perturb_layer = -1;
    const char *perturb_op = NULL, *record = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "-v")) { verbose = 1; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "tgpu diff: %s needs a value\n", a); return 2; }
        const char *v = argv[++i];
        if (!strcmp(a, "-m")) model = v;
        else if (!strcmp(a, "-p")) prompt = v;
        else if (!strcmp(a, "--backends")) backends = v;
        else if (!strcmp(a, "--kernels")) kdir = v;
        else if (!strcmp(a, "-n")) n_predict = atoi(v);
        else if (!strcmp(a, "-c")) n_ctx = atoi(v);
        else if (!strcmp(a, "--record")) record = v;
        else if (!strcmp(a, "--perturb")) {   /* OP:LAYER, for tests of the harness itself */
            const char *colon = strchr(v, ':');
            if (!colon) { fprintf(stderr, "tgpu diff: --perturb takes OP:LAYER\n"); return 2; }
            static char opname[32];
            snprintf(opname, sizeof opname, "%.*s", (int)(colon - v), v);
            perturb_op = opname;
            perturb_layer = atoi(colon + 1);
        }
        else if (!strcmp(a, "--mode")) {
            if (strcmp(v, "func") && strcmp(v, "cycle")) { fprintf(stderr, "tgpu diff: --mode takes func or cycle\n"); return 2; }
            cycle = !strcmp(v, "cycle");
        } else { fprintf(stderr, "tgpu diff: unknown option '%s' (see --help)\n", a); return 2; }
    }
    if (!model) { usage(stderr); return 2; }
    if (n_predict < 0 || n_ctx < 1) { fprintf(stderr, "tgpu diff: -n and -c must be positive\n"); return 2; }

    /* open the model once per backend */
    char names[MAX_BACKENDS][512];
    FILE *golden[MAX_BACKENDS] = { 0 };
    int nb = 0;
    for (const char *p = backends; *p && nb < MAX_BACKENDS;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof names[0]) { fprintf(stderr, "tgpu diff: bad --backends '%s'\n", backends); return 2; }
        memcpy(names[nb], p, len);
        names[nb][len] = 0;
        if (strncmp(names[nb], "golden:", 7) && tg_backend_parse(names[nb]) < 0) {
            fprintf(stderr, "tgpu diff: unknown backend '%s' (cpu, sim, rtl, cuda, golden:FILE)\n", names[nb]);
            return 2;
        }
        nb++;
        p += len + (p[len] == ',');
    }
    if (nb < 2) { fprintf(stderr, "tgpu diff: name at least two backends\n"); return 2; }

    static capture caps[MAX_BACKENDS];
    tg_llm *llms[MAX_BACKENDS] = { 0 };
    float *logits[MAX_BACKENDS] = { 0 };
    int32_t *toks = NULL;
    worst worst_of[64];
    int nworst = 0, rc = 1, ref = -1;   /* ref: a backend that runs the model (tokenizer, vocabulary) */
    char err[512];
    FILE *rec = NULL;
    uint32_t rec_positions = 0;
    for (int b = 0; b < nb; b++) {
        if (!strncmp(names[b], "golden:", 7)) {
            const char *path = names[b] + 7;
            char magic[8];
            golden[b] = fopen(path, "rb");
            if (!golden[b] || fread(magic, 8, 1, golden[b]) != 1 || memcmp(magic, "TGDIFF1", 8) ||
                fread(&rec_positions, 4, 1, golden[b]) != 1) {
                fprintf(stderr, "tgpu diff: %s: not a tgpu diff recording\n", path);
                rc = 2;
                goto out;
            }
            continue;
        }
        if (ref < 0) ref = b;
        tg_llm_options o = { .n_ctx = n_ctx, .backend = names[b], .cycle_mode = cycle, .kernel_dir = kdir };
        llms[b] = tg_llm_load(model, &o, err, sizeof err);
        if (!llms[b]) { fprintf(stderr, "tgpu diff: %s: %s\n", names[b], err); rc = 2; goto out; }
        caps[b].llm = llms[b];
        tg_llm_set_op_observer(llms[b], on_op, &caps[b]);
        logits[b] = malloc((size_t)tg_llm_n_vocab(llms[b]) * sizeof(float));
        if (!logits[b]) { fprintf(stderr, "tgpu diff: out of memory\n"); goto out; }
    }
    if (ref < 0) { fprintf(stderr, "tgpu diff: name at least one backend that runs the model\n"); rc = 2; goto out; }
    int nv = tg_llm_n_vocab(llms[ref]);
    int n_prompt = tg_llm_tokenize(llms[ref], prompt, true, false, NULL, 0);
    if (n_prompt <= 0 || n_prompt + n_predict > n_ctx) {
        fprintf(stderr, "tgpu diff: the prompt (%d tokens) plus -n %d must fit -c %d\n", n_prompt, n_predict, n_ctx);
        rc = 2; goto out;
    }
    toks = malloc((size_t)(n_prompt + n_predict) * sizeof *toks);
    if (!toks) goto out;
    tg_llm_tokenize(llms[ref], prompt, true, false, toks, n_prompt);

    int steps = n_prompt + n_predict - 1, n_ops_checked = 0;
    for (int b = 0; b < nb; b++)
        if (golden[b] && rec_positions != (uint32_t)steps) {
            fprintf(stderr, "tgpu diff: %s holds %u positions; this prompt and -n give %d\n", names[b] + 7, rec_positions, steps);
            rc = 2;
            goto out;
        }
    if (record) {
        rec = fopen(record, "wb");
        uint32_t n = (uint32_t)steps;
        if (!rec || fwrite("TGDIFF1", 8, 1, rec) != 1 || fwrite(&n, 4, 1, rec) != 1) {
            fprintf(stderr, "tgpu diff: cannot write %s\n", record);
            rc = 2;
            goto out;
        }
    }
    for (int pos = 0; pos < steps; pos++) {
        for (int b = 0; b < nb; b++) {
            caps[b].n = 0;
            if (golden[b]) {
                int t = read_position(golden[b], names[b] + 7, &caps[b]);
                if (t < 0) { rc = 2; goto out; }
                if (t != toks[pos]) {
                    printf("MISMATCH at position %d: the recording has token %d, this run token %d\n", pos, t, toks[pos]);
                    goto out;
                }
                const op_rec *last = caps[b].n ? &caps[b].ops[caps[b].n - 1] : NULL;
                if (!last || strcmp(last->op, "logits") || last->n != nv) {
                    fprintf(stderr, "tgpu diff: %s: position %d has no logits\n", names[b] + 7, pos);
                    rc = 2;
                    goto out;
                }
                logits[b] = realloc(logits[b], (size_t)nv * sizeof(float));
                if (!logits[b]) goto out;
                memcpy(logits[b], last->data, (size_t)nv * sizeof(float));
                continue;
            }
            if (tg_llm_step(llms[b], toks[pos], pos, logits[b], err, sizeof err)) {
                fprintf(stderr, "tgpu diff: %s backend at position %d: %s\n", names[b], pos, err);
                goto out;
            }
            if (caps[b].overflow) { fprintf(stderr, "tgpu diff: %s: could not capture the op outputs\n", names[b]); goto out; }
        }
        if (perturb_op)   /* test hook: one element of one op of the last backend is off by 1% */
            for (int i = 0; i < caps[nb - 1].n; i++) {
                op_rec *r = &caps[nb - 1].ops[i];
                if (!strcmp(r->op, perturb_op) && r->layer == perturb_layer && r->n > 3) r->data[3] *= 1.01f;
            }
        for (int b = 1; b < nb; b++) {
            if (caps[b].n != caps[0].n) {
                fprintf(stderr, "tgpu diff: %s ran %d ops at position %d, %s ran %d\n", names[b], caps[b].n, pos, names[0], caps[0].n);
                goto out;
            }
            for (int i = 0; i < caps[0].n; i++) {
                const op_rec *x = &caps[0].ops[i], *y = &caps[b].ops[i];
                double se = 0, ref = 0, maxabs = 0;
                int at = 0;
                for (int k = 0; k < x->n; k++) {
                    double d = (double)y->data[k] - (double)x->data[k];
                    if (!(fabs(d) <= maxabs)) { maxabs = fabs(d); at = k; }  /* NaN counts as worst */
                    se += d * d;
                    ref += (double)x->data[k] * (double)x->data[k];
                }
                double nmse = ref > 0 ? se / ref : se;
                n_ops_checked++;
                int w = 0;
                while (w < nworst && strcmp(worst_of[w].op, x->op)) w++;
                if (w == nworst && nworst < 64) { snprintf(worst_of[w].op, sizeof worst_of[w].op, "%s", x->op); worst_of[w].nmse = worst_of[w].maxabs = 0; nworst++; }
                if (w < nworst) {
                    if (!(nmse <= worst_of[w].nmse)) worst_of[w].nmse = nmse;
                    if (maxabs > worst_of[w].maxabs) worst_of[w].maxabs = maxabs;
                }
                if (!(nmse <= nmse_limit(x->op))) {
                    printf("MISMATCH at position %d (token %d), layer %d, op %s: %s vs %s: nmse %.3g (limit %.0e), "
                           "max abs error %.3g at element %d (%.9g vs %.9g)\n",
                           pos, toks[pos], x->layer, x->op, names[b], names[0], nmse, nmse_limit(x->op), maxabs, at,
                           (double)y->data[at], (double)x->data[at]);
                    goto out;
                }
            }
        }
        /* greedy tokens must agree; the reference's token is fed to everyone */
        int best[MAX_BACKENDS];
        for (int b = 0; b < nb; b++) {
            best[b] = 0;
            for (int k = 1; k < nv; k++) if (logits[b][k] > logits[b][best[b]]) best[b] = k;
        }
        for (int b = 1; b < nb; b++)
            if (best[b] != best[0]) {
                printf("MISMATCH at position %d: greedy token %d on %s, %d on %s\n", pos, best[b], names[b], best[0], names[0]);
                goto out;
            }
        if (rec && record_position(rec, toks[pos], &caps[nb - 1])) { fprintf(stderr, "tgpu diff: cannot write %s\n", record); goto out; }
        if (pos + 1 >= n_prompt) toks[pos + 1] = best[0];
        if (verbose) fprintf(stderr, "position %d: %d ops agree, next token %d\n", pos, caps[0].n, best[0]);
    }
    printf("agree: %s on %d positions (%d prompt + %d generated tokens), %d op outputs compared\n",
           backends, steps, n_prompt, n_predict, n_ops_checked);
    printf("%-16s %12s %12s\n", "op", "worst nmse", "max |err|");
    for (int w = 0; w < nworst; w++) printf("%-16s %12.3g %12.3g\n", worst_of[w].op, worst_of[w].nmse, worst_of[w].maxabs);
    if (rec) printf("recorded %s's op outputs for %d positions in %s\n", names[nb - 1], steps, record);
    rc = 0;
out:
    if (rec && fclose(rec) != 0 && rc == 0) { fprintf(stderr, "tgpu diff: cannot write %s\n", record); rc = 2; }
    for (int b = 0; b < nb; b++) {
        if (golden[b]) fclose(golden[b]);
        for (int i = 0; i < MAX_OPS; i++) { free(caps[b].ops[i].data); caps[b].ops[i].data = NULL; }
        free(logits[b]);
        tg_llm_free(llms[b]);
    }
    free(toks);
    return rc;
}
