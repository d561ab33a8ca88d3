/* cmd_llm.c: `tgpu llm`: run a GGUF language model on the CPU: stream generated text to stdout
 * and metrics to stderr; also tokenize text, or dump logits of given tokens (used by tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/device.h"
#include "runtime/tgpu_llm.h"

#define TG_DEV_MAX_KERNELS_REPORT 64
#include "runtime/tokenizer.h"
#include "tools/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: tgpu llm -m MODEL.gguf (-p PROMPT | -f FILE) [options]\n"
        "  -n N                 tokens to generate (default 128)\n"
        "  --ignore-eos         do not stop at the end of text (benchmarks: always N tokens)\n"
        "  --temp T             temperature, 0 = greedy (default 0.8)\n"
        "  --top-k K            keep the K most likely tokens, 0 = off (default 40)\n"
        "  --top-p P            nucleus sampling, 1 = off (default 0.95)\n"
        "  --min-p P            drop tokens below P * p_max, 0 = off (default 0.05)\n"
        "  --repeat-penalty R   penalty for tokens among the last --repeat-last-n (default 1.0 = off, 64)\n"
        "  --seed S             RNG seed (default 42)\n"
        "  -t THREADS           worker threads (default 1)\n"
        "  -c CTX               context length (default: the model's, at most 4096)\n"
        "  --kv-f16             keep the KV cache in f16\n"
        "  --backend B          where the kernels run: cpu (default), sim, rtl (the Verilated RTL, in\n"
        "                       lockstep with the simulator; TGPU_RTL_LOCKSTEP=0 runs it alone), cuda\n"
        "  --mode M             sim backend: func (default) or cycle\n"
        "  --kernels DIR        sim backend: compiled kernel images (default build/kernels)\n"
        "  --config PRESET      sim backend, cycle mode: timing preset (default, tiny, teach, sm90) or file\n"
        "  --report             after generating, print where device time went, per kernel\n"
        "  --fast               cpu backend: quantize activations to 8 bits for integer dot products\n"
        "                       (as llama.cpp does; default: f32 activations, like the GPU kernels)\n"
        "  --chat               format the prompt as one user turn of the chat template\n"
        "  --chat-template NAME chatml, llama2, alpaca or none (default: detected from the model)\n"
        "  --system TEXT        system message in chat mode\n"
        "  -v                   print the model description to stderr\n"
        "tests and tools:\n"
        "  --tokenize           print the token ids of each line of the prompt (no BOS), one line each\n"
        "  --tokens A,B,...     evaluate these token ids instead of generating\n"
        "  --logits FILE        with --tokens: write the logits after each token (f32, n x n_vocab)\n");
}

static int stream_text(const char *text, void *user)
{
    (void)user;
    fputs(text, stdout);
    fflush(stdout);
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += k;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; }
            else buf = nb;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

/* --tokenize: only the tokenizer is loaded, so files holding just a vocabulary work. */
static int tokenize_lines(const char *model, const char *text)
{
    tg_gguf g;
    tg_tokenizer tok;
    char err[512];
    if (tg_gguf_open(&g, model, err, sizeof err)) { fprintf(stderr, "tgpu llm: %s\n", err); return 2; }
    if (tg_tok_load_gguf(&tok, &g, err, sizeof err)) { fprintf(stderr, "tgpu llm: %s\n", err); tg_gguf_close(&g); return 2; }
    int rc = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        int n = tg_tokenize(&tok, line, len, false, false, NULL, 0);
        int32_t *ids = n > 0 ? malloc((size_t)n * sizeof *ids) : NULL;
        if (n < 0 || (n > 0 && !ids)) { fprintf(stderr, "tgpu llm: out of memory\n"); rc = 1; break; }
        tg_tokenize(&tok, line, len, false, false, ids, n);
        for (int i = 0; i < n; i++) printf("%s%d", i ? " " : "", ids[i]);
        printf("\n");
        free(ids);
        line = end ? end + 1 : line + len;
    }
    tg_tok_free(&tok);
    tg_gguf_close(&g);
    return rc;
}

static int parse_int(const char *s, const char *opt, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "tgpu llm: %s expects an integer in [%ld, %ld], got '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_float(const char *s, const char *opt, float *out)
{
    char *end;
    float v = strtof(s, &end);
    if (*end || end == s || v != v) { fprintf(stderr, "tgpu llm: %s expects a number, got '%s'\n", opt, s); return -1; }
    *out = v;
    return 0;
}

/* --tokens: evaluate ids, print the greedy next token after each, optionally dump logits. */
static int eval_tokens(tg_llm *llm, const char *list, const char *logits_path)
{
    int cap = 1, n = 0;
    for (const char *s = list; *s; s++) cap += *s == ',';
    int32_t *ids = malloc((size_t)cap * sizeof *ids);
    float *logits = NULL;
    int rc = 2;
    char err[512];
    if (!ids) goto out;
    for (const char *s = list; *s;) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || (*end && *end != ',')) { fprintf(stderr, "tgpu llm: --tokens: bad list at '%s'\n", s); goto out; }
        ids[n++] = (int32_t)v;
        s = *end ? end + 1 : end;
    }
    size_t nv = (size_t)tg_llm_n_vocab(llm);
    logits = malloc((size_t)(n ? n : 1) * nv * sizeof *logits);
    if (!logits) { fprintf(stderr, "tgpu llm: out of memory\n"); goto out; }
    if (tg_llm_eval(llm, ids, n, logits, err, sizeof err)) { fprintf(stderr, "tgpu llm: %s\n", err); goto out; }
    for (int i = 0; i < n; i++) {
        int best = 0;
        for (size_t k = 1; k < nv; k++)
            if (logits[(size_t)i * nv + k] > logits[(size_t)i * nv + best]) best = (int)k;
        printf("%s%d", i ? " " : "", best);
    }
    printf("\n");
    if (logits_path) {
        FILE *f = fopen(logits_path, "wb");
        if (!f || fwrite(logits, sizeof *logits, (size_t)n * nv, f) != (size_t)n * nv) {
            fprintf(stderr, "tgpu llm: cannot write %s\n", logits_path);
            if (f) fclose(f);
            rc = 1;
            goto out;
        }
        fclose(f);
    }
    rc = 0;
out:
    free(ids);
    free(logits);
    return rc;
}

/* Where the device time went: per kernel launches, share of wall time, and on the simulator the
 * cycles and thread-instructions. */
static void print_report(tg_llm *llm, int n_forward)
{
    tg_dev *d = tg_llm_device(llm);
    tg_dev_kernel_stats ks[TG_DEV_MAX_KERNELS_REPORT];
    int n = tg_dev_kernel_stats_get(d, ks, TG_DEV_MAX_KERNELS_REPORT);
    double total_s = 0;
    uint64_t cycles = 0, instrs = 0;
    for (int i = 0; i < n; i++) { total_s += ks[i].seconds; cycles += ks[i].cycles; instrs += ks[i].thread_instrs; }
    printf("\n== device report (%s backend, %d forward passes) ==\n", tg_dev_backend_of(d), n_forward);
    /* the share of simulated cycles where the backend counts them, else of host time */
    printf("%-18s %9s %8s %14s %16s\n", "kernel", "launches", cycles ? "cycles %" : "time %", "cycles", "thread-instrs");
    for (int i = 0; i < n; i++)
        printf("%-18s %9llu %7.1f%% %14llu %16llu\n", ks[i].name, (unsigned long long)ks[i].launches,
               cycles ? 100.0 * (double)ks[i].cycles / (double)cycles : total_s > 0 ? 100.0 * ks[i].seconds / total_s : 0.0,
               (unsigned long long)ks[i].cycles, (unsigned long long)ks[i].thread_instrs);
    if (n_forward > 0 && instrs > 0) {
        printf("per token: %.0f thread-instructions", (double)instrs / n_forward);
        if (cycles) printf(", %.0f cycles", (double)cycles / n_forward);
        printf("\n");
    }
    tg_dev_report(d, stdout);
    fflush(stdout);
}

int tg_cmd_llm(int argc, char **argv)
{
    const char *model = NULL, *prompt = NULL, *prompt_file = NULL, *tokens = NULL, *logits_path = NULL;
    tg_llm_options opt = { .n_threads = 1 };
    tg_llm_params p = tg_llm_default_params();
    bool tokenize = false, verbose = false, report = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "--chat")) { p.chat = true; continue; }
        if (!strcmp(a, "--ignore-eos")) { p.ignore_eos = true; continue; }
        if (!strcmp(a, "--kv-f16")) { opt.kv_f16 = true; continue; }
        if (!strcmp(a, "--tokenize")) { tokenize = true; continue; }
        if (!strcmp(a, "-v")) { verbose = true; continue; }
        if (!strcmp(a, "--report")) { report = true; continue; }
        if (!strcmp(a, "--fast")) { opt.fast_dot = true; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "tgpu llm: unknown option or missing value: %s (see --help)\n", a); return 2; }
        const char *val = argv[++i];
        if (!strcmp(a, "-m")) model = val;
        else if (!strcmp(a, "-p")) prompt = val;
        else if (!strcmp(a, "-f")) prompt_file = val;
        else if (!strcmp(a, "--system")) p.system = val;
        else if (!strcmp(a, "--chat-template")) opt.chat_template = val;
        else if (!strcmp(a, "--backend")) opt.backend = val;
        else if (!strcmp(a, "--kernels")) opt.kernel_dir = val;
        else if (!strcmp(a, "--config")) opt.sim_config = val;
        else if (!strcmp(a, "--mode")) {
            if (strcmp(val, "func") && strcmp(val, "cycle")) {
                fprintf(stderr, "tgpu llm: --mode takes func or cycle, not '%s'\n", val);
                return 2;
            }
            opt.cycle_mode = !strcmp(val, "cycle");
        }
        else if (!strcmp(a, "--tokens")) tokens = val;
        else if (!strcmp(a, "--logits")) logits_path = val;
        else if (!strcmp(a, "-n")) { if (parse_int(val, a, 0, 1 << 24, &v)) return 2; p.n_predict = (int)v; }
        else if (!strcmp(a, "-t")) { if (parse_int(val, a, 1, 256, &v)) return 2; opt.n_threads = (int)v; }
        else if (!strcmp(a, "-c")) { if (parse_int(val, a, 1, 1 << 20, &v)) return 2; opt.n_ctx = (int)v; }
        else if (!strcmp(a, "--top-k")) { if (parse_int(val, a, 0, 1 << 24, &v)) return 2; p.top_k = (int)v; }
        else if (!strcmp(a, "--repeat-last-n")) { if (parse_int(val, a, 0, 1 << 20, &v)) return 2; p.repeat_last_n = (int)v; }
        else if (!strcmp(a, "--seed")) { if (parse_int(val, a, 0, 0x7fffffffL, &v)) return 2; p.seed = (uint64_t)v; }
        else if (!strcmp(a, "--temp")) { if (parse_float(val, a, &p.temp)) return 2; }
        else if (!strcmp(a, "--top-p")) { if (parse_float(val, a, &p.top_p)) return 2; }
        else if (!strcmp(a, "--min-p")) { if (parse_float(val, a, &p.min_p)) return 2; }
        else if (!strcmp(a, "--repeat-penalty")) {
            if (parse_float(val, a, &p.repeat_penalty)) return 2;
            if (p.repeat_penalty <= 0) { fprintf(stderr, "tgpu llm: --repeat-penalty must be > 0\n"); return 2; }
        } else { fprintf(stderr, "tgpu llm: unknown option %s (see --help)\n", a); return 2; }
    }
    if (!model) { fprintf(stderr, "tgpu llm: no model (-m MODEL.gguf)\n"); usage(stderr); return 2; }
    char *file_text = NULL;
    if (prompt_file) {
        file_text = read_file(prompt_file);
        if (!file_text) { fprintf(stderr, "tgpu llm: cannot read %s: %s\n", prompt_file, strerror(errno)); return 2; }
        prompt = file_text;
    }
    if (!prompt && !tokens) { fprintf(stderr, "tgpu llm: no prompt (-p TEXT or -f FILE)\n"); free(file_text); return 2; }
    if (tokenize) { int rc = tokenize_lines(model, prompt ? prompt : ""); free(file_text); return rc; }

    char err[512];
    tg_llm *llm = tg_llm_load(model, &opt, err, sizeof err);
    if (!llm) { fprintf(stderr, "tgpu llm: %s\n", err); free(file_text); return 2; }
    if (verbose) {
        char desc[512];
        tg_llm_describe(llm, desc, sizeof desc);
        fprintf(stderr, "%s\n", desc);
    }
    int rc;
    if (tokens) {
        rc = eval_tokens(llm, tokens, logits_path);
    } else if (p.chat && !strcmp(tg_llm_chat_template(llm), "none")) {
        fprintf(stderr, "tgpu llm: --chat: the model names no known chat template (use --chat-template)\n");
        rc = 2;
    } else {
        tg_llm_metrics m;
        if (!p.chat) { fputs(prompt, stdout); fflush(stdout); }   /* the continuation reads on from it */
        rc = tg_llm_generate(llm, prompt, &p, stream_text, NULL, &m, err, sizeof err) ? 2 : 0;
        if (rc) fprintf(stderr, "tgpu llm: %s\n", err);
        else {
            printf("\n");
            fflush(stdout);
            fprintf(stderr, "load %.3f s | prompt %d tokens, prefill %.3f s (%.2f tok/s) | time to first token %.3f s | "
                    "generated %d tokens, decode %.2f tok/s | peak RSS %.1f MiB\n",
                    m.load_s, m.n_prompt, m.prefill_s, m.prefill_tok_s, m.ttft_s, m.n_generated,
                    m.decode_tok_s, (double)m.peak_rss_kb / 1024.0);
            if (report) print_report(llm, m.n_prompt + (m.n_generated > 0 ? m.n_generated - 1 : 0));
        }
    }
    tg_llm_free(llm);
    free(file_text);
    return rc;
}
