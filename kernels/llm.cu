// llm.cu: the kernels the LLM forward pass launches through the device layer (runtime/device.h).
// One source for every backend: nvcc builds it for a real GPU (cuda backend), and nvcc -ptx plus
// tgpu's PTX front-end builds it for the simulator and the RTL (sim, rtl backends). The cpu backend
// runs the C references of runtime/cpu_kernels.h under the same names and arguments.
//
// Launch shapes are chosen by runtime/llm_forward.c: matvec = one warp per row, 4 rows per
// 128-thread block; rmsnorm/argmax = one block; attention = one block per head; elementwise = one
// thread per element. Kernels are extern "C" so every backend finds them by their plain names.
//
// Math is written so the simulator can match the C reference closely: rmsnorm uses IEEE division
// and sqrt (div.rn, sqrt.rn); exponentials and powers use __expf/__powf (the SFU's ex2 and lg2, a few
// ulps, and short code), and RoPE angles are reduced to [-pi, pi] before __sinf/__cosf, whose error
// grows with the argument.
#include <cuda_fp16.h>

#define WARP 32

__device__ __forceinline__ float warp_sum(float v)
{
    for (int o = WARP / 2; o > 0; o /= 2) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v)
{
    for (int o = WARP / 2; o > 0; o /= 2) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the total.
__device__ float block_sum(float v)
{
    __shared__ float part[32];
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, nwarps = blockDim.x / WARP;
    v = warp_sum(v);
    if (lane == 0) part[warp] = v;
    __syncthreads();
    v = lane < nwarps ? part[lane] : 0.0f;
    v = warp_sum(v);
    __syncthreads();                       // part[] is reused by the next call
    return __shfl_sync(0xffffffffu, v, 0);
}

__device__ float block_max(float v)
{
    __shared__ float part[32];
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, nwarps = blockDim.x / WARP;
    v = warp_max(v);
    if (lane == 0) part[warp] = v;
    __syncthreads();
    v = lane < nwarps ? part[lane] : -INFINITY;
    v = warp_max(v);
    __syncthreads();
    return __shfl_sync(0xffffffffu, v, 0);
}

// ---- elementwise -------------------------------------------------------------------------------

extern "C" __global__ void add(float *x, const float *y, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] += y[i];
}

extern "C" __global__ void silu_mul(const float *gate, const float *up, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float g = gate[i];
        out[i] = g / (1.0f + __expf(-g)) * up[i];
    }
}

extern "C" __global__ void store_f16(const float *src, unsigned short *dst, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dst[i] = __half_as_ushort(__float2half_rn(src[i]));
}

// ---- embedding rows ----------------------------------------------------------------------------

extern "C" __global__ void embed_f32(unsigned type, const float *table, int token, float *out, int dim)
{
    (void)type;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < dim) out[i] = table[token * dim + i];
}

extern "C" __global__ void embed_f16(unsigned type, const unsigned short *table, int token, float *out, int dim)
{
    (void)type;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < dim) out[i] = __half2float(__ushort_as_half(table[token * dim + i]));
}

// ggml q8_0: blocks of 32 values {f16 d; int8 q[32]} (34 bytes), value = d * q.
extern "C" __global__ void embed_q8_0(unsigned type, const unsigned char *table, int token, float *out, int dim)
{
    (void)type;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= dim) return;
    const unsigned char *blk = table + (token * (dim / 32) + i / 32) * 34;
    float d = __half2float(__ushort_as_half((unsigned short)(blk[0] | blk[1] << 8)));
    out[i] = d * (float)(signed char)blk[2 + i % 32];
}

// ---- normalization -----------------------------------------------------------------------------

// y = x / sqrt(mean(x^2) + eps) * w, one block.
extern "C" __global__ void rmsnorm(const float *x, const float *w, float *y, int n, float eps)
{
    float ss = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += x[i] * x[i];
    ss = block_sum(ss);
    float scale = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) y[i] = x[i] * scale * w[i];
}

// The residual add fused with the norm that follows it (one launch instead of two): x += y, then
// out = x / sqrt(mean(x^2) + eps) * w, one block. Each thread reads y[i] before it writes out[i], so
// y and out may be the same buffer. Same arithmetic, in the same order, as add then rmsnorm.
extern "C" __global__ void add_rmsnorm(float *x, const float *y, const float *w, float *out, int n, float eps)
{
    float ss = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float v = x[i] + y[i];
        x[i] = v;
        ss += v * v;
    }
    ss = block_sum(ss);
    float scale = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) out[i] = x[i] * scale * w[i];
}

// ---- rotary position embedding -----------------------------------------------------------------

// One thread per rotated pair. neox=0: pairs (2i, 2i+1); neox=1: pairs (i, i + n_rot/2).
// Pair i turns by pos * freq_scale * freq_base^(-2i/n_rot).
extern "C" __global__ void rope(float *x, int n_heads, int head_dim, int n_rot, float pos,
                                float freq_base, float freq_scale, int neox)
{
    int half_rot = n_rot / 2;
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= n_heads * half_rot) return;
    int h = p / half_rot, i = p % half_rot;
    float theta = pos * freq_scale * __powf(freq_base, -2.0f * (float)i / (float)n_rot);
    // reduce to [-pi, pi] in two steps (2*pi split into a float and its remainder)
    float k = rintf(theta * 0.159154943f);
    float r = fmaf(-k, 6.28318548f, theta);
    r = fmaf(k, 1.74845553e-7f, r);
    float c = __cosf(r), s = __sinf(r);
    float *v = x + h * head_dim;
    int a = neox ? i : 2 * i, b = neox ? i + half_rot : 2 * i + 1;
    float x0 = v[a], x1 = v[b];
    v[a] = x0 * c - x1 * s;
    v[b] = x0 * s + x1 * c;
}

// ---- attention for one query (decode) ----------------------------------------------------------

#define ATT_MAX_POS 4096

// One block per head h, reading kv head h / (n_heads / n_kv_heads). Caches are [pos][kv_stride].
template <typename T>
__device__ __forceinline__ float load_kv(const T *p);
template <> __device__ __forceinline__ float load_kv<float>(const float *p) { return *p; }
template <> __device__ __forceinline__ float load_kv<unsigned short>(const unsigned short *p)
{
    return __half2float(__ushort_as_half(*p));
}

template <typename T>
__device__ void attention_head(const float *q, const T *k, const T *v, float *out, int n_heads,
                               int n_kv_heads, int head_dim, int n_pos, int kv_stride)
{
    __shared__ float sc[ATT_MAX_POS];
    int h = blockIdx.x, off = (h / (n_heads / n_kv_heads)) * head_dim;
    const float *qh = q + h * head_dim;
    float scale = 1.0f / sqrtf((float)head_dim);
    float mx = -INFINITY;
    for (int t = threadIdx.x; t < n_pos; t += blockDim.x) {
        const T *kt = k + t * kv_stride + off;
        float dot = 0.0f;
        for (int i = 0; i < head_dim; i++) dot += qh[i] * load_kv(kt + i);
        sc[t] = dot * scale;
        mx = fmaxf(mx, sc[t]);
    }
    mx = block_max(mx);
    float sum = 0.0f;
    for (int t = threadIdx.x; t < n_pos; t += blockDim.x) {
        float e = __expf(sc[t] - mx);
        sc[t] = e;
        sum += e;
    }
    sum = block_sum(sum);    // its barrier also makes every sc[] visible
    for (int i = threadIdx.x; i < head_dim; i += blockDim.x) {
        float acc = 0.0f;
        for (int t = 0; t < n_pos; t++) acc += sc[t] * load_kv(v + t * kv_stride + off + i);
        out[h * head_dim + i] = acc / sum;
    }
}

extern "C" __global__ void attention(const float *q, const float *k, const float *v, float *out, int n_heads,
                                     int n_kv_heads, int head_dim, int n_pos, int kv_stride)
{
    attention_head<float>(q, k, v, out, n_heads, n_kv_heads, head_dim, n_pos, kv_stride);
}

extern "C" __global__ void attention_f16kv(const float *q, const unsigned short *k, const unsigned short *v,
                                           float *out, int n_heads, int n_kv_heads, int head_dim, int n_pos,
                                           int kv_stride)
{
    attention_head<unsigned short>(q, k, v, out, n_heads, n_kv_heads, head_dim, n_pos, kv_stride);
}

// ---- matrix-vector products: one warp per row ------------------------------------------------------

extern "C" __global__ void matvec_f32(const float *w, const float *x, float *y, int rows, int cols)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
    if (row >= rows) return;
    const float *wr = w + row * cols;
    float acc = 0.0f;
    if ((cols & 3) == 0) {                 // 16-byte loads when rows allow
        const float4 *w4 = (const float4 *)wr, *x4 = (const float4 *)x;
        for (int j = lane; j < cols / 4; j += WARP) {
            float4 a = w4[j], b = x4[j];
            acc += a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
        }
    } else {
        for (int j = lane; j < cols; j += WARP) acc += wr[j] * x[j];
    }
    acc = warp_sum(acc);
    if (lane == 0) y[row] = acc;
}

extern "C" __global__ void matvec_f16(const unsigned short *w, const float *x, float *y, int rows, int cols)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
    if (row >= rows) return;
    const unsigned short *wr = w + row * cols;
    float acc = 0.0f;
    for (int j = lane; j < cols; j += WARP) acc += __half2float(__ushort_as_half(wr[j])) * x[j];
    acc = warp_sum(acc);
    if (lane == 0) y[row] = acc;
}

// q8_0 rows: cols/32 blocks of {f16 d; int8 q[32]}. Lane j takes element j of every block.
extern "C" __global__ void matvec_q8_0(const unsigned char *w, const float *x, float *y, int rows, int cols)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
    if (row >= rows) return;
    int nb = cols / 32;
    const unsigned char *blk = w + row * nb * 34;
    float acc = 0.0f;
    for (int b = 0; b < nb; b++, blk += 34) {
        float d = __half2float(__ushort_as_half((unsigned short)(blk[0] | blk[1] << 8)));
        acc += d * ((float)(signed char)blk[2 + lane] * x[b * 32 + lane]);
    }
    acc = warp_sum(acc);
    if (lane == 0) y[row] = acc;
}

// q4_0 rows: cols/32 blocks of {f16 d; uint8 q[16]}; element j < 16 is the low nibble of q[j],
// element j >= 16 the high nibble of q[j-16]; value = d * (nibble - 8).
extern "C" __global__ void matvec_q4_0(const unsigned char *w, const float *x, float *y, int rows, int cols)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP, lane = threadIdx.x % WARP;
    if (row >= rows) return;
    int nb = cols / 32;
    const unsigned char *blk = w + row * nb * 18;
    float acc = 0.0f;
    for (int b = 0; b < nb; b++, blk += 18) {
        float d = __half2float(__ushort_as_half((unsigned short)(blk[0] | blk[1] << 8)));
        int byte = blk[2 + (lane & 15)];
        int q = lane < 16 ? (byte & 15) : (byte >> 4);
        acc += d * ((float)(q - 8) * x[b * 32 + lane]);
    }
    acc = warp_sum(acc);
    if (lane == 0) y[row] = acc;
}

// ---- argmax (greedy sampling on the device) -----------------------------------------------------

// One block; the first index of the maximum; NaN never wins.
extern "C" __global__ void argmax(const float *x, int n, int *out)
{
    __shared__ float bv[1024];
    __shared__ int bi[1024];
    float best = -INFINITY;
    int at = -1;
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        if (x[i] > best || at < 0) { if (x[i] == x[i]) { best = x[i]; at = i; } }
    bv[threadIdx.x] = best;
    bi[threadIdx.x] = at;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s /= 2) {
        if (threadIdx.x < s) {
            float ov = bv[threadIdx.x + s];
            int oi = bi[threadIdx.x + s];
            if (oi >= 0 && (bi[threadIdx.x] < 0 || ov > bv[threadIdx.x] || (ov == bv[threadIdx.x] && oi < bi[threadIdx.x]))) {
                bv[threadIdx.x] = ov;
                bi[threadIdx.x] = oi;
            }
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) *out = bi[0] < 0 ? 0 : bi[0];
}
