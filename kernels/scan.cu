// scan.cu: inclusive prefix sum of each block's slice of SCAN_BLOCK elements (Hillis-Steele with a
// double buffer in shared memory). Launch with blockDim.x = SCAN_BLOCK; elements past n count as 0.
#define SCAN_BLOCK 256

extern "C" __global__ void scan_inclusive(const float *in, float *out, int n)
{
    __shared__ float buf[2][SCAN_BLOCK];
    int t = threadIdx.x, i = blockIdx.x * SCAN_BLOCK + t;
    int src = 0;
    buf[0][t] = i < n ? in[i] : 0.0f;
    __syncthreads();
    for (int off = 1; off < SCAN_BLOCK; off *= 2) {
        float v = buf[src][t];
        if (t >= off) v += buf[src][t - off];
        buf[1 - src][t] = v;
        __syncthreads();
        src = 1 - src;
    }
    if (i < n) out[i] = buf[src][t];
}
