/* device_cuda.c: the `cuda` backend: the same kernels/NAME.cu, compiled by nvcc into one fatbin
 * ($(BUILD)/kernels/kernels.fatbin, `make CUDA=1`), loaded with the CUDA driver API and launched by
 * name on a real NVIDIA GPU. Built only with CUDA=1 (TG_HAVE_CUDA); otherwise the backend reports
 * that it is absent. Kernels are extern "C" so their names are not mangled. */
#include "runtime/device_backend.h"

#ifdef TG_HAVE_CUDA
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cuda_backend {
    CUcontext ctx;
    CUmodule mod;
    CUstream stream;
    int sync_each;             /* TGPU_CUDA_SYNC=1: wait after every launch (timing per kernel) */
    int graphs;                /* record bracketed launches as CUDA graphs (TGPU_CUDA_GRAPH=0: off) */
    int capturing;
    /* instantiated graphs, one per shape (node count): a decode step and a prefill step differ */
    int nexec;
    struct { size_t nodes; CUgraphExec exec; } exec[4];
    int nfn;                   /* kernels looked up so far, by name */
    struct { char name[64]; CUfunction f; } fn[64];
} cuda_backend;

static int cu_fail(tg_dev *d, CUresult r, const char *what)
{
    const char *msg = NULL;
    cuGetErrorString(r, &msg);
    return tg_dev_fail(d, "%s: %s", what, msg ? msg : "unknown CUDA error");
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
    return 0;
}

static void cuda_close(tg_dev *d)
{
    cuda_backend *b = d->impl;
    if (!b) return;
    for (int i = 0; i < b->nexec; i++) cuGraphExecDestroy(b->exec[i].exec);
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
    void *ptrs[32];
    CUdeviceptr dp[32];
    if (nargs > 32) return tg_dev_fail(d, "kernel %s: too many arguments", name);
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
 * CPU's launch cost and the gaps between kernels dominate. Capturing the step into a graph and
 * launching that costs one submission; the next step's capture differs only in kernel arguments
 * (position, cache slot, token), so cuGraphExecUpdate patches the instantiated graph in place. */
static int cuda_graph_begin(tg_dev *d)
{
    cuda_backend *b = d->impl;
    if (!b->graphs) return 0;
    CUresult r = cuStreamBeginCapture(b->stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
    if (r != CUDA_SUCCESS) return cu_fail(d, r, "cuStreamBeginCapture");
    b->capturing = 1;
    return 0;
}

static int cuda_graph_end(tg_dev *d, int ok)
{
    cuda_backend *b = d->impl;
    if (!b->capturing) return 0;
    b->capturing = 0;
    CUgraph g = NULL;
    CUresult r = cuStreamEndCapture(b->stream, &g);
    if (!ok) { if (g) cuGraphDestroy(g); return -1; }   /* the failed launch already set the error */
    if (r != CUDA_SUCCESS) return cu_fail(d, r, "cuStreamEndCapture");
    size_t nodes = 0;
    cuGraphGetNodes(g, NULL, &nodes);
    CUgraphExec exec = NULL;
    for (int i = 0; i < b->nexec && !exec; i++) {
        if (b->exec[i].nodes != nodes) continue;
        CUgraphExecUpdateResultInfo info;
        if (cuGraphExecUpdate(b->exec[i].exec, g, &info) == CUDA_SUCCESS) exec = b->exec[i].exec;
        else {   /* same node count, other topology: instantiate afresh in this slot */
            cuGraphExecDestroy(b->exec[i].exec);
            b->exec[i] = b->exec[--b->nexec];
        }
    }
    if (!exec) {
        r = cuGraphInstantiate(&exec, g, 0);
        if (r != CUDA_SUCCESS) { cuGraphDestroy(g); return cu_fail(d, r, "cuGraphInstantiate"); }
        if (b->nexec == (int)(sizeof b->exec / sizeof b->exec[0])) cuGraphExecDestroy(b->exec[--b->nexec].exec);
        b->exec[b->nexec].nodes = nodes;
        b->exec[b->nexec++].exec = exec;
    }
    cuGraphDestroy(g);
    r = cuGraphLaunch(exec, b->stream);
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
