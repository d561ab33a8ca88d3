// reduce.cu: sum of n floats. Each block reduces a grid-stride slice: a shared-memory tree down to
// 32 values, then the last warp finishes with shuffles; thread 0 writes the block's partial sum to
// out[blockIdx.x]. A second launch with one block sums the partials. blockDim.x: a power of two >= 64.
extern "C" __global__ void reduce_sum(const float *in, float *out, int n)
{
    extern __shared__ float s[];
    unsigned t = threadIdx.x;
    float v = 0.0f;
    for (int i = blockIdx.x * blockDim.x + t; i < n; i += gridDim.x * blockDim.x) v += in[i];
    s[t] = v;
    __syncthreads();
    for (unsigned stride = blockDim.x / 2; stride >= 32; stride /= 2) {
        if (t < stride) s[t] += s[t + stride];
        __syncthreads();
    }
    if (t < 32) {
        v = s[t];
        for (int o = 16; o > 0; o /= 2) v += __shfl_down_sync(0xffffffffu, v, o);
        if (t == 0) out[blockIdx.x] = v;
    }
}
