/* cuda_bw.c: device-to-device copy bandwidth of GPU 0 through the CUDA driver API, for the
 * memory-bandwidth limit that tests/bench/cuda.sh sets decode speed against. Prints one line:
 * "copy_GBps <bytes read + written per second / 1e9> <bytes> <milliseconds per copy>".
 * Built by cuda.sh only (it needs the CUDA toolkit); not part of libtgpu. */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                                       \
    do {                                                                                  \
        CUresult r_ = (call);                                                             \
        if (r_ != CUDA_SUCCESS) {                                                         \
            const char *m_ = NULL;                                                        \
            cuGetErrorString(r_, &m_);                                                    \
            fprintf(stderr, "cuda_bw: %s: %s\n", #call, m_ ? m_ : "unknown CUDA error");  \
            return 1;                                                                     \
        }                                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    size_t bytes = (size_t)(argc > 1 ? atol(argv[1]) : 1024) << 20;   /* MiB, default 1 GiB */
    int reps = 20;
    CUdevice dev;
    CUcontext ctx;
    CUdeviceptr a, b;
    CUevent t0, t1;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    CHECK(cuMemAlloc(&a, bytes));
    CHECK(cuMemAlloc(&b, bytes));
    CHECK(cuMemsetD8(a, 1, bytes));
    CHECK(cuEventCreate(&t0, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&t1, CU_EVENT_DEFAULT));
    for (int i = 0; i < 3; i++) CHECK(cuMemcpyDtoDAsync(b, a, bytes, 0));   /* warm-up */
    CHECK(cuEventRecord(t0, 0));
    for (int i = 0; i < reps; i++) CHECK(cuMemcpyDtoDAsync(i & 1 ? a : b, i & 1 ? b : a, bytes, 0));
    CHECK(cuEventRecord(t1, 0));
    CHECK(cuEventSynchronize(t1));
    float ms = 0;
    CHECK(cuEventElapsedTime(&ms, t0, t1));
    double per = (double)ms / reps;
    printf("copy_GBps %.1f %zu %.4f\n", 2.0 * (double)bytes / (per * 1e-3) / 1e9, bytes, per);
    cuMemFree(a);
    cuMemFree(b);
    cuDevicePrimaryCtxRelease(dev);
    return 0;
}
