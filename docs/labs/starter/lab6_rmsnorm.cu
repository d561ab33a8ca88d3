// Lab 6 starter: RMSNorm of one row of n floats, y[i] = x[i] * w[i] / sqrt(mean(x^2) + eps),
// as the C reference tg_ref_rmsnorm (runtime/cpu_kernels.c) and kernels/llm.cu's rmsnorm define it.
// Launched as one block of 256 threads for the row:
//   tgpu run lab6_rmsnorm.cu --grid 1 --block 256 --arg in:x.f32 --arg in:w.f32 \
//       --arg out:3108:y.f32 --arg i32:777 --arg f32:1e-5
// Step 1: fill in the TODO so the result is right (make lab N=6 SOL=...: the correctness checks).
// Step 2: make it fast: every thread of the block should share the work (the performance check).
extern "C" __global__ void rmsnorm(const float *x, const float *w, float *y, int n, float eps)
{
    if (threadIdx.x != 0) return;  // one thread does everything: correct, but 255 threads idle
    float ss = 0.0f;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    float scale = 1.0f;            // TODO (step 1): 1 / sqrt(mean of the squares + eps)
    for (int i = 0; i < n; i++) y[i] = x[i] * scale * w[i];
}
