// llm_suite.cu: the LLM kernel suite's variants that kernels/llm.cu (the forward pass's own kernels)
// does not already hold: a thread-per-row matvec, a naive matmul, the q4_K matvec, softmax, and
// flash-decoding attention (positions split across blocks, then a combine step). Semantics are those
// of the C references of the same operation in runtime/cpu_kernels.h.
#include <cuda_fp16.h>

#define WARP 32

__device__ __forceinline__ float suite_warp_sum(float v)
{
    for (int o = WARP / 2; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float suite_warp_max(float v)
{
    for (int o = WARP / 2; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float f16_at(const unsigned char *p)
{
    return __half2float(__ushort_as_half((unsigned short)(p[0] | p[1] << 8)));
}

// y = W x, one thread per row (no cooperation: the simplest correct matvec).
extern "C" __global__ void matvec_f32_row(const float *w, const float *x, float *y, int rows, int cols)
{
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    float acc = 0.0f;
    for (int j = 0; j < cols; j++) acc += w[r * cols + j] * x[j];
    y[r] = acc;
}

// c[m][n] = a[m][k] b[k][n], one thread per output element straight from global memory.
extern "C" __global__ void matmul_f32_naive(const float *a, const float *b, float *c, int m, int n, int k)
{
    int col = blockIdx.x * blockDim.x + threadIdx.x, row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row >= m || col >= n) return;
    float acc = 0.0f;
    for (int i = 0; i < k; i++) acc += a[row * k + i] * b[i * n + col];
    c[row * n + col] = acc;
}

// q4_K rows: cols/256 super-blocks of {f16 d, f16 dmin, u8 scales[12], u8 qs[128]} (144 bytes).
// One warp per row; lane l handles byte l of each 32-byte group, i.e. elements l (low nibble) and
// l + 32 (high nibble) of each of the 4 groups of 64.
__device__ __forceinline__ void q4k_scale_min(int j, const unsigned char *q, int *sc, int *m)
{
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 15) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

extern "C" __global__ void matvec_q4_k(const unsigned char *w, const float *x, float *y, int rows, int cols)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
    if (row >= rows) return;
    int nb = cols / 256;
    const unsigned char *blk = w + row * nb * 144;
    float acc = 0.0f;
    for (int b = 0; b < nb; b++, blk += 144) {
        float d = f16_at(blk), dmin = f16_at(blk + 2);
        const unsigned char *scales = blk + 4, *qs = blk + 16;
        const float *xb = x + b * 256;
        for (int g = 0; g < 4; g++) {
            int sc0, m0, sc1, m1;
            q4k_scale_min(2 * g, scales, &sc0, &m0);
            q4k_scale_min(2 * g + 1, scales, &sc1, &m1);
            int q = qs[g * 32 + lane];
            float lo = d * (float)sc0 * (float)(q & 15) - dmin * (float)m0;
            float hi = d * (float)sc1 * (float)(q >> 4) - dmin * (float)m1;
            acc += lo * xb[g * 64 + lane] + hi * xb[g * 64 + 32 + lane];
        }
    }
    acc = suite_warp_sum(acc);
    if (lane == 0) y[row] = acc;
}

// Softmax in place over n values, one block (blockDim.x a multiple of 32, at most 1024).
extern "C" __global__ void softmax(float *x, int n)
{
    __shared__ float part[32];
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, nwarps = blockDim.x / WARP;
    float mx = -INFINITY;
    for (int i = threadIdx.x; i < n; i += blockDim.x) mx = fmaxf(mx, x[i]);
    mx = suite_warp_max(mx);
    if (lane == 0) part[warp] = mx;
    __syncthreads();
    mx = part[0];
    for (int i = 1; i < nwarps; i++) mx = fmaxf(mx, part[i]);
    __syncthreads();
    float sum = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float e = __expf(x[i] - mx);
        x[i] = e;
        sum += e;
    }
    sum = suite_warp_sum(sum);
    if (lane == 0) part[warp] = sum;
    __syncthreads();
    sum = 0.0f;
    for (int i = 0; i < nwarps; i++) sum += part[i];
    for (int i = threadIdx.x; i < n; i += blockDim.x) x[i] = x[i] / sum;
}

// Flash-decoding attention for one query, step 1: grid (n_heads, n_splits), one warp per block.
// Block (h, s) takes positions [s*chunk, min(n_pos, (s+1)*chunk)) and writes its running max,
// its sum of exp(score - max), and its unnormalized weighted sum of values (head_dim floats) to
// part[(h * n_splits + s) * (head_dim + 2)]: {max, sum, acc[head_dim]}. head_dim <= 256.
extern "C" __global__ void attention_flash_split(const float *q, const float *k, const float *v, float *part,
                                                 int n_heads, int n_kv_heads, int head_dim, int n_pos,
                                                 int kv_stride, int chunk)
{
    int h = blockIdx.x, s = blockIdx.y, lane = threadIdx.x;
    int off = (h / (n_heads / n_kv_heads)) * head_dim;
    const float *qh = q + h * head_dim;
    float scale = 1.0f / sqrtf((float)head_dim);
    float mx = -INFINITY, sum = 0.0f;
    float acc[8];   // lane owns dims lane, lane+32, ... (head_dim <= 256)
    for (int j = 0; j < 8; j++) acc[j] = 0.0f;
    int t0 = s * chunk, t1 = min(n_pos, t0 + chunk);
    for (int t = t0; t < t1; t++) {
        const float *kt = k + t * kv_stride + off;
        float dot = 0.0f;
        for (int i = lane; i < head_dim; i += WARP) dot += qh[i] * kt[i];
        dot = suite_warp_sum(dot) * scale;
        float nmx = fmaxf(mx, dot);
        float corr = __expf(mx - nmx), p = __expf(dot - nmx);
        sum = sum * corr + p;
        const float *vt = v + t * kv_stride + off;
#pragma unroll
        for (int j = 0; j < 8; j++) {
            int i = lane + j * WARP;
            if (i < head_dim) acc[j] = acc[j] * corr + p * vt[i];
        }
        mx = nmx;
    }
    float *out = part + (size_t)(h * gridDim.y + s) * (head_dim + 2);
    if (lane == 0) { out[0] = mx; out[1] = sum; }
#pragma unroll
    for (int j = 0; j < 8; j++) {
        int i = lane + j * WARP;
        if (i < head_dim) out[2 + i] = acc[j];
    }
}

// Step 2: grid n_heads, blockDim any: out[h][i] = sum_s acc_s[i] e^(m_s - M) / sum_s sum_s e^(m_s - M).
// Splits with no positions (max = -inf) contribute nothing.
extern "C" __global__ void attention_flash_combine(const float *part, float *out, int head_dim, int n_splits)
{
    int h = blockIdx.x;
    const float *ph = part + (size_t)h * n_splits * (head_dim + 2);
    float M = -INFINITY;
    for (int s = 0; s < n_splits; s++) M = fmaxf(M, ph[s * (head_dim + 2)]);
    float den = 0.0f;
    for (int s = 0; s < n_splits; s++) {
        float m = ph[s * (head_dim + 2)];
        if (m != -INFINITY) den += ph[s * (head_dim + 2) + 1] * __expf(m - M);
    }
    for (int i = threadIdx.x; i < head_dim; i += blockDim.x) {
        float num = 0.0f;
        for (int s = 0; s < n_splits; s++) {
            float m = ph[s * (head_dim + 2)];
            if (m != -INFINITY) num += ph[s * (head_dim + 2) + 2 + i] * __expf(m - M);
        }
        out[h * head_dim + i] = num / den;
    }
}
