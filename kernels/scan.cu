// scan.cu: inclusive prefix sum of each block's slice of blockDim.x elements (Hillis-Steele with a
// double buffer in dynamic shared memory: 2 * blockDim.x floats). Elements past n count as 0.
extern "C" __global__ void scan_inclusive(const float *in, float *out, int n)
{
    extern __shared__ float buf[];
    int t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
    int src = 0, dst = blockDim.x;
    buf[t] = i < n ? in[i] : 0.0f;
    __syncthreads();
    for (int off = 1; off < blockDim.x; off *= 2) {
        float v = buf[src + t];
        if (t >= off) v += buf[src + t - off];
        buf[dst + t] = v;
        __syncthreads();
        int tmp = src; src = dst; dst = tmp;
    }
    if (i < n) out[i] = buf[src + t];
}
