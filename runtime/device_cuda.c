/* device_cuda.c: the `cuda` backend: the same kernels/NAME.cu, compiled by nvcc into one fatbin
 * ($(BUILD)/kernels/kernels.fatbin, `make CUDA=1`), loaded with the CUDA driver API and launched by
 * name on a real NVIDIA GPU. Built only with CUDA=1 (TG_HAVE_CUDA); otherwise the backend reports
 * that it is absent. Kernels are extern "C" so their names are not mangled. */
#include "runtime/device_backend.h"

#ifdef TG_HAVE_CUDA
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 2048
#define MAX_ARGS 32

/* One recorded launch; each argument as the bytes the kernel reads (4 or 8, zero-padded to 8). */
struct cu_launch {
    CUfunction f;
    unsigned grid[3], block[3];
    int nargs;
    uint64_t arg[MAX_ARGS];
};

/* A graph built from a launch sequence: one kernel node per launch, each after the one before. */
struct cu_graph {
    int n;
    struct cu_launch *rec;     /* [n] the arguments the instantiated nodes hold now */
    CUgraphNode *node;         /* [n] */
    CUgraph g;
    CUgraphExec exec;
};

typedef struct cuda_backend {
    CUcontext ctx;
    CUmodule mod;
    CUstream stream;
    int sync_each;             /* TGPU_CUDA_SYNC=1: wait after every launch (timing per kernel) */
    int graphs;                /* record bracketed launches as CUDA graphs (TGPU_CUDA_GRAPH=0: off) */
    int recording;             /* between graph_begin and graph_end: launches are recorded */
    int nrec;
    struct cu_launch *rec;     /* [MAX_NODES] this bracket's launches */
    /* one instantiated graph per launch sequence shape (a decode step and a prefill step differ) */
    int ngraph;
    struct cu_graph graph[4];
    int nfn;                   /* kernels looked up so far, by name */
    struct { char name[64]; CUfunction f; } fn[64];
} cuda_backend;

static int cu_fail(tg_dev *d, CUresult r, const char *what)
{
    const char *msg = NULL;
    cuGetErrorString(r, &msg);
    return tg_dev_fail(d, "%s: %s", what, msg ? msg : "unknown CUDA error");
}

static void graph_free(struct cu_graph *g)
{
    if (g->exec) cuGraphExecDestroy(g->exec);
    if (g->g) cuGraphDestroy(g->g);
    free(g->rec);
    free(g->node);
    memset(g, 0, sizeof *g);
}

static int cuda_open(tg_dev *d, const tg_dev_options *o)
{
    cuda_backend *b = calloc(1, sizeof *b);
    if (!b) return tg_dev_fail(d, "out of memory");
    d->impl = b;
    CUresult r;
    CUdevice dev;
    if ((r = cuInit(0)) != CUDA_SUCCESS) return cu_fail(d, r, "cuInit (is there an NVIDIA GPU and driver?)");
    if ((r = cuDeviceGet(&dev, 0)) != CUDA_SUCCESS) return cu_fail(d, r, "cuDeviceGet");
    if ((r = cuDevicePrimaryCtxRetain(&b->ctx, dev)) != CUDA_SUCCESS) return cu_fail(d, r, "cuDevicePrimaryCtxRetain");
    if ((r = cuCtxSetCurrent(b->ctx)) != CUDA_SUCCESS) return cu_fail(d, r, "cuCtxSetCurrent");
    char path[1024];
    snprintf(path, sizeof path, "%s/kernels.fatbin", o->kernel_dir ? o->kernel_dir : "build/kernels");
    if ((r = cuModuleLoad(&b->mod, path)) != CUDA_SUCCESS) return cu_fail(d, r, path);
    if ((r = cuStreamCreate(&b->stream, CU_STREAM_NON_BLOCKING)) != CUDA_SUCCESS) return cu_fail(d, r, "cuStreamCreate");
    const char *sync = getenv("TGPU_CUDA_SYNC");
    b->sync_each = sync && *sync == '1';
    const char *graph = getenv("TGPU_CUDA_GRAPH");
    b->graphs = !b->sync_each && !(graph && *graph == '0');
    if (b->graphs && !(b->rec = malloc(MAX_NODES * sizeof *b->rec))) return tg_dev_fail(d, "out of memory");
    return 0;
}

static void cuda_close(tg_dev *d)
{
    cuda_backend *b = d->impl;
    if (!b) return;
    for (int i = 0; i < b->ngraph; i++) graph_free(&b->graph[i]);
    free(b->rec);
    if (b->stream) cuStreamDestroy(b->stream);
    if (b->mod) cuModuleUnload(b->mod);
    if (b->ctx) { CUdevice dev; if (cuCtxGetDevice(&dev) == CUDA_SUCCESS) cuDevicePrimaryCtxRelease(dev); }
    free(b);
}

static tg_dptr cuda_alloc(tg_dev *d, size_t bytes)
{
    (void)d;
    CUdeviceptr p = 0;
    if (cuMemAlloc(&p, bytes ? bytes : 1) != CUDA_SUCCESS) return 0;
    cuMemsetD8(p, 0, bytes ? bytes : 1);
    return (tg_dptr)p;
}

static void cuda_free(tg_dev *d, tg_dptr p) { (void)d; cuMemFree((CUdeviceptr)p); }

static int cuda_upload(tg_dev *d, tg_dptr dst, const void *src, size_t n)
{
    cuda_backend *b = d->impl;
    CUresult r = cuStreamSynchronize(b->stream);   /* queued kernels may still read dst */
    if (r == CUDA_SUCCESS) r = cuMemcpyHtoD((CUdeviceptr)dst, src, n);
    return r == CUDA_SUCCESS ? 0 : cu_fail(d, r, "upload");
}

static int cuda_download(tg_dev *d, void *dst, tg_dptr src, size_t n)
{
    cuda_backend *b = d->impl;
    CUresult r = cuStreamSynchronize(b->stream);
    if (r == CUDA_SUCCESS) r = cuMemcpyDtoH(dst, (CUdeviceptr)src, n);
    return r == CUDA_SUCCESS ? 0 : cu_fail(d, r, "download");
}

static int cuda_launch(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                       const tg_dev_arg *args, int nargs, tg_dev_kernel_stats *acc)
{
    (void)acc;
    cuda_backend *b = d->impl;
    CUfunction f = NULL;
    CUresult r;
    for (int i = 0; i < b->nfn && !f; i++) if (!strcmp(b->fn[i].name, name)) f = b->fn[i].f;
    if (!f) {
        if (cuModuleGetFunction(&f, b->mod, name) != CUDA_SUCCESS)
            return tg_dev_fail(d, "no kernel named '%s' in kernels.fatbin", name);
        if (b->nfn < 64 && strlen(name) < sizeof b->fn[0].name) {
            strcpy(b->fn[b->nfn].name, name);
            b->fn[b->nfn++].f = f;
        }
    }
    if (nargs > MAX_ARGS) return tg_dev_fail(d, "kernel %s: too many arguments", name);
    if (b->recording) {
        if (b->nrec == MAX_NODES) return tg_dev_fail(d, "kernel %s: more than %d launches in one graph", name, MAX_NODES);
        struct cu_launch *l = &b->rec[b->nrec++];
        *l = (struct cu_launch){ f, { grid.x, grid.y, grid.z }, { block.x, block.y, block.z }, nargs, { 0 } };
        for (int i = 0; i < nargs; i++) memcpy(&l->arg[i], &args[i].v, args[i].kind == TG_ARG_PTR ? 8 : 4);
        return 0;
    }
    void *ptrs[MAX_ARGS];
    CUdeviceptr dp[MAX_ARGS];
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == TG_ARG_PTR) { dp[i] = (CUdeviceptr)args[i].v.p; ptrs[i] = &dp[i]; }
        else ptrs[i] = (void *)&args[i].v;   /* u32, i32 and f32 share the union's first 4 bytes */
    }
    /* asynchronous: launches queue on the stream and the next download waits for them, so a
     * forward pass costs one synchronization, not one per kernel (per-kernel seconds then measure
     * launch overhead only; TGPU_CUDA_SYNC=1 restores a wait after every launch) */
    r = cuLaunchKernel(f, grid.x, grid.y, grid.z, block.x, block.y, block.z, 0, b->stream, ptrs, NULL);
    if (r == CUDA_SUCCESS && b->sync_each) r = cuStreamSynchronize(b->stream);
    return r == CUDA_SUCCESS ? 0 : cu_fail(d, r, name);
}

/* A decode step is ~15 launches per layer of kernels that run for a few microseconds each, so the
 * CPU's launch cost and the gaps between kernels dominate. The step's launches are recorded, built
 * once into a graph (a chain of kernel nodes) and replayed with one cuGraphLaunch. The next step has
 * the same kernels and shapes and differs only in a few arguments (token, position, cache slot), so
 * only those nodes get new arguments (cuGraphExecKernelNodeSetParams): no capture, no rebuild. */
static int cuda_graph_begin(tg_dev *d)
{
    cuda_backend *b = d->impl;
    if (!b->graphs) return 0;
    b->recording = 1;
    b->nrec = 0;
    return 0;
}

static CUDA_KERNEL_NODE_PARAMS node_params(struct cu_launch *l, void **ptrs)
{
    for (int i = 0; i < l->nargs; i++) ptrs[i] = &l->arg[i];
    return (CUDA_KERNEL_NODE_PARAMS){ .func = l->f, .gridDimX = l->grid[0], .gridDimY = l->grid[1],
        .gridDimZ = l->grid[2], .blockDimX = l->block[0], .blockDimY = l->block[1], .blockDimZ = l->block[2],
        .kernelParams = ptrs };
}

static int same_shape(const struct cu_graph *g, const struct cu_launch *rec, int n)
{
    if (g->n != n) return 0;
    for (int i = 0; i < n; i++) {
        const struct cu_launch *a = &g->rec[i], *c = &rec[i];
        if (a->f != c->f || a->nargs != c->nargs || memcmp(a->grid, c->grid, sizeof a->grid) ||
            memcmp(a->block, c->block, sizeof a->block))
            return 0;
    }
    return 1;
}

static int graph_build(tg_dev *d, struct cu_graph *g, const struct cu_launch *rec, int n)
{
    void *ptrs[MAX_ARGS];
    CUresult r;
    memset(g, 0, sizeof *g);
    g->n = n;
    g->rec = malloc((size_t)n * sizeof *g->rec);
    g->node = malloc((size_t)n * sizeof *g->node);
    if (!g->rec || !g->node) return tg_dev_fail(d, "out of memory");
    memcpy(g->rec, rec, (size_t)n * sizeof *rec);
    if ((r = cuGraphCreate(&g->g, 0)) != CUDA_SUCCESS) return cu_fail(d, r, "cuGraphCreate");
    for (int i = 0; i < n; i++) {
        CUDA_KERNEL_NODE_PARAMS p = node_params(&g->rec[i], ptrs);
        r = cuGraphAddKernelNode(&g->node[i], g->g, i ? &g->node[i - 1] : NULL, i ? 1 : 0, &p);
        if (r != CUDA_SUCCESS) return cu_fail(d, r, "cuGraphAddKernelNode");
    }
    if ((r = cuGraphInstantiate(&g->exec, g->g, 0)) != CUDA_SUCCESS) return cu_fail(d, r, "cuGraphInstantiate");
    return 0;
}

static int cuda_graph_end(tg_dev *d, int ok)
{
    cuda_backend *b = d->impl;
    if (!b->recording) return 0;
    b->recording = 0;
    if (!ok) return -1;   /* the failed launch already set the error */
    struct cu_graph *g = NULL;
    for (int i = 0; i < b->ngraph && !g; i++) if (same_shape(&b->graph[i], b->rec, b->nrec)) g = &b->graph[i];
    if (g) {
        void *ptrs[MAX_ARGS];
        for (int i = 0; i < g->n; i++) {
            if (!memcmp(g->rec[i].arg, b->rec[i].arg, sizeof g->rec[i].arg)) continue;
            g->rec[i] = b->rec[i];
            CUDA_KERNEL_NODE_PARAMS p = node_params(&g->rec[i], ptrs);
            CUresult r = cuGraphExecKernelNodeSetParams(g->exec, g->node[i], &p);
            if (r != CUDA_SUCCESS) return cu_fail(d, r, "cuGraphExecKernelNodeSetParams");
        }
    } else {
        if (b->ngraph == (int)(sizeof b->graph / sizeof b->graph[0])) graph_free(&b->graph[--b->ngraph]);
        g = &b->graph[b->ngraph++];
        if (graph_build(d, g, b->rec, b->nrec)) { graph_free(g); b->ngraph--; return -1; }
    }
    CUresult r = cuGraphLaunch(g->exec, b->stream);
    return r == CUDA_SUCCESS ? 0 : cu_fail(d, r, "cuGraphLaunch");
}

const tg_dev_backend tg_dev_backend_cuda = {
    "cuda", cuda_open, cuda_close, cuda_alloc, cuda_free, cuda_upload, cuda_download, NULL, cuda_launch, NULL,
    cuda_graph_begin, cuda_graph_end,
};

#else

static int cuda_absent(tg_dev *d, const tg_dev_options *o)
{
    (void)o;
    return tg_dev_fail(d, "this tgpu was built without CUDA (rebuild with make CUDA=1 on a machine with the CUDA toolkit)");
}

const tg_dev_backend tg_dev_backend_cuda = { "cuda", cuda_absent, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };

#endif
