// matmul.cu: C = A B for row-major A [m][k], B [k][n], C [m][n], with TILE x TILE tiles staged in
// shared memory (the textbook tiled matrix multiply). Launch with blockDim (TILE, TILE) and
// grid (ceil(n / TILE), ceil(m / TILE)); sizes need not be multiples of TILE.
#define TILE 16

extern "C" __global__ void matmul_tiled(const float *A, const float *B, float *C, int m, int n, int k)
{
    __shared__ float As[TILE][TILE];
    __shared__ float Bs[TILE][TILE];
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
    float acc = 0.0f;
    for (int t = 0; t < k; t += TILE) {
        As[ty][tx] = (row < m && t + tx < k) ? A[row * k + t + tx] : 0.0f;
        Bs[ty][tx] = (col < n && t + ty < k) ? B[(t + ty) * n + col] : 0.0f;
        __syncthreads();
        for (int i = 0; i < TILE; i++) acc += As[ty][i] * Bs[i][tx];
        __syncthreads();
    }
    if (row < m && col < n) C[row * n + col] = acc;
}
