// record.cu: records hardware goldens: runs every kernel of kernels/ on a real NVIDIA GPU with fixed
// seeds and writes, per case, tests/goldens/<case>/{case.txt, <buf>.bin (inputs), <buf>.gpu.bin
// (outputs)}, plus tests/goldens/EXPECTED (the case list) and PROVENANCE (GPU, driver, nvcc,
// command). test_ptx_goldens replays each case.txt on the simulator and compares with the .gpu.bin.
//
// Build and run (needs a GPU): make goldens   (or: nvcc -O3 -arch=sm_80 tests/goldens/record.cu
// -o record && ./record tests/goldens). Inputs are generated here, deterministically, and stored,
// so the simulator side never depends on this generator.
//
// case.txt lines:
//   kernel NAME / module FILE (kernels/FILE.cu) / grid X Y Z / block X Y Z / shared BYTES
//   buf NAME BYTES in|out|inout     (in: NAME.bin holds the contents; out: starts zeroed)
//   arg buf NAME | arg i32 V | arg f32 HEXBITS
//   tol exact | tol rel R           (how the simulator must match the GPU, for every output buffer)
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>
#include <sys/stat.h>

#include "../../kernels/llm.cu"
#include "../../kernels/llm_suite.cu"
#include "../../kernels/matmul.cu"
#include "../../kernels/reduce.cu"
#include "../../kernels/scan.cu"
#include "../../kernels/transpose.cu"
#include "../../kernels/vecadd.cu"

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); exit(1); } } while (0)

static uint32_t rng;
static uint32_t rnd() { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
static float frand(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() >> 8) / 16777216.0f; }

enum gen { G_ZERO, G_F32, G_F32_SPECIAL, G_Q8_0, G_Q4_0, G_Q4_K, G_FROM };

struct buf { std::string name; size_t bytes; int gen; float lo, hi; bool out; std::string from; };
struct arg { char kind; std::string buf; int i; float f; };
struct gcase {
    std::string name, kernel, module;
    const void *func;
    dim3 grid, block;
    unsigned shared;
    std::vector<buf> bufs;
    std::vector<arg> args;
    std::string tol;
};

static std::vector<uint8_t> generate(const buf &b)
{
    std::vector<uint8_t> v(b.bytes, 0);
    float *f = (float *)v.data();
    size_t nf = b.bytes / 4;
    static const float sp[] = { NAN, INFINITY, -INFINITY, 1e-42f, -1e-39f, 0.0f, -0.0f, 1.17549435e-38f };
    switch (b.gen) {
    case G_F32: for (size_t i = 0; i < nf; i++) f[i] = frand(b.lo, b.hi); break;
    case G_F32_SPECIAL:
        for (size_t i = 0; i < nf; i++) f[i] = frand(b.lo, b.hi);
        for (int i = 0; i < 8 && nf; i++) f[rnd() % nf] = sp[i];
        break;
    case G_Q8_0: case G_Q4_0: case G_Q4_K: {
        size_t bs = b.gen == G_Q8_0 ? 34 : b.gen == G_Q4_0 ? 18 : 144;
        for (size_t i = 0; i < b.bytes; i++) v[i] = (uint8_t)rnd();
        for (size_t k = 0; k + bs <= b.bytes; k += bs) {   // f16 scales in [2^-6, 2^1], either sign
            uint16_t d = (uint16_t)((rnd() & 1) << 15 | (9 + rnd() % 8) << 10 | (rnd() & 0x3ff));
            v[k] = (uint8_t)d; v[k + 1] = (uint8_t)(d >> 8);
            if (b.gen == G_Q4_K) { uint16_t m = d & 0x7fff; v[k + 2] = (uint8_t)m; v[k + 3] = (uint8_t)(m >> 8); }
        }
        break;
    }
    default: break;
    }
    return v;
}

static void write_file(const std::string &path, const void *p, size_t n)
{
    FILE *f = fopen(path.c_str(), "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f)) { fprintf(stderr, "%s: cannot write\n", path.c_str()); exit(1); }
}

static std::vector<uint8_t> read_file(const std::string &path)
{
    FILE *f = fopen(path.c_str(), "rb");
    if (!f) { fprintf(stderr, "%s: cannot read\n", path.c_str()); exit(1); }
    std::vector<uint8_t> v;
    int c;
    while ((c = fgetc(f)) != EOF) v.push_back((uint8_t)c);
    fclose(f);
    return v;
}

static void run_case(const std::string &root, const gcase &c)
{
    std::string dir = root + "/" + c.name;
    mkdir(dir.c_str(), 0755);
    FILE *t = fopen((dir + "/case.txt").c_str(), "w");
    if (!t) { fprintf(stderr, "%s: cannot write\n", dir.c_str()); exit(1); }
    fprintf(t, "kernel %s\nmodule %s\ngrid %u %u %u\nblock %u %u %u\nshared %u\n", c.kernel.c_str(), c.module.c_str(),
            c.grid.x, c.grid.y, c.grid.z, c.block.x, c.block.y, c.block.z, c.shared);
    std::vector<void *> dptr(c.bufs.size());
    for (size_t i = 0; i < c.bufs.size(); i++) {
        const buf &b = c.bufs[i];
        std::vector<uint8_t> host = b.gen == G_FROM ? read_file(root + "/" + b.from) : generate(b);
        if (host.size() != b.bytes) { fprintf(stderr, "%s: size mismatch for %s\n", c.name.c_str(), b.name.c_str()); exit(1); }
        bool in = b.gen != G_ZERO;
        fprintf(t, "buf %s %zu %s\n", b.name.c_str(), b.bytes, in && b.out ? "inout" : in ? "in" : "out");
        if (in) write_file(dir + "/" + b.name + ".bin", host.data(), host.size());
        CK(cudaMalloc(&dptr[i], b.bytes));
        CK(cudaMemcpy(dptr[i], host.data(), b.bytes, cudaMemcpyHostToDevice));
    }
    std::vector<uint64_t> vals(c.args.size());
    std::vector<void *> argp(c.args.size());
    for (size_t i = 0; i < c.args.size(); i++) {
        const arg &a = c.args[i];
        if (a.kind == 'b') {
            size_t k = 0;
            while (k < c.bufs.size() && c.bufs[k].name != a.buf) k++;
            if (k == c.bufs.size()) { fprintf(stderr, "%s: no buffer %s\n", c.name.c_str(), a.buf.c_str()); exit(1); }
            memcpy(&vals[i], &dptr[k], sizeof(void *));
            fprintf(t, "arg buf %s\n", a.buf.c_str());
        } else if (a.kind == 'i') {
            memcpy(&vals[i], &a.i, 4);
            fprintf(t, "arg i32 %d\n", a.i);
        } else {
            uint32_t bits;
            memcpy(&bits, &a.f, 4);
            memcpy(&vals[i], &a.f, 4);
            fprintf(t, "arg f32 %08x\n", bits);
        }
        argp[i] = &vals[i];
    }
    fprintf(t, "tol %s\n", c.tol.c_str());
    fclose(t);
    CK(cudaLaunchKernel(c.func, c.grid, c.block, argp.data(), c.shared, 0));
    CK(cudaDeviceSynchronize());
    for (size_t i = 0; i < c.bufs.size(); i++) {
        if (c.bufs[i].out) {
            std::vector<uint8_t> host(c.bufs[i].bytes);
            CK(cudaMemcpy(host.data(), dptr[i], host.size(), cudaMemcpyDeviceToHost));
            write_file(dir + "/" + c.bufs[i].name + ".gpu.bin", host.data(), host.size());
        }
        CK(cudaFree(dptr[i]));
    }
    printf("recorded %s\n", c.name.c_str());
}

static buf in_f32(const char *n, size_t count, float lo, float hi, bool special = false)
{
    return buf{ n, count * 4, special ? G_F32_SPECIAL : G_F32, lo, hi, false, "" };
}
static buf out_f32(const char *n, size_t count) { return buf{ n, count * 4, G_ZERO, 0, 0, true, "" }; }
static buf inout(buf b) { b.out = true; return b; }
static buf quant(const char *n, int gen, size_t bytes) { return buf{ n, bytes, gen, 0, 0, false, "" }; }
static arg B(const char *n) { return arg{ 'b', n, 0, 0 }; }
static arg I(int v) { return arg{ 'i', "", v, 0 }; }
static arg F(float v) { return arg{ 'f', "", 0, v }; }

int main(int argc, char **argv)
{
    std::string root = argc > 1 ? argv[1] : "tests/goldens";
    rng = 20261123;
    // Tolerances: "exact" where the GPU and TG32 execute the same IEEE operations in the same order
    // (the PTX fixes both); "rel 1e-4" where SFU approximations (__expf, __powf, __sinf, rsqrt...)
    // differ between the two machines (both are within a few 2^-22 relative of the true value).
    std::vector<gcase> cs = {
        { "vecadd", "vecadd", "vecadd", (const void *)vecadd, dim3(4), dim3(128), 0,
          { in_f32("a", 500, -100, 100, true), in_f32("b", 500, -1e-38f, 1e-38f, true), out_f32("c", 500) },
          { B("a"), B("b"), B("c"), I(500) }, "exact" },
        { "matmul_tiled", "matmul_tiled", "matmul", (const void *)matmul_tiled, dim3(2, 3), dim3(16, 16), 0,
          { in_f32("a", 37 * 45, -1, 1), in_f32("b", 45 * 29, -1, 1), out_f32("c", 37 * 29) },
          { B("a"), B("b"), B("c"), I(37), I(29), I(45) }, "exact" },
        { "matmul_f32_naive", "matmul_f32_naive", "llm_suite", (const void *)matmul_f32_naive, dim3(2, 3), dim3(16, 16), 0,
          { in_f32("a", 37 * 45, -1, 1), in_f32("b", 45 * 29, -1, 1), out_f32("c", 37 * 29) },
          { B("a"), B("b"), B("c"), I(37), I(29), I(45) }, "exact" },
        { "reduce_sum", "reduce_sum", "reduce", (const void *)reduce_sum, dim3(8), dim3(256), 1024,
          { in_f32("in", 10007, -1, 1), out_f32("out", 8) }, { B("in"), B("out"), I(10007) }, "exact" },
        { "transpose", "transpose", "transpose", (const void *)transpose, dim3(3, 2), dim3(32, 8), 0,
          { in_f32("in", 45 * 70, -5, 5, true), out_f32("out", 45 * 70) }, { B("in"), B("out"), I(45), I(70) }, "exact" },
        { "scan_inclusive", "scan_inclusive", "scan", (const void *)scan_inclusive, dim3(4), dim3(256), 0,
          { in_f32("in", 1000, -1, 1), out_f32("out", 1000) }, { B("in"), B("out"), I(1000) }, "exact" },
        { "matvec_f32", "matvec_f32", "llm", (const void *)matvec_f32, dim3(10), dim3(128), 0,
          { in_f32("w", 37 * 128, -1, 1), in_f32("x", 128, -1, 1), out_f32("y", 37) },
          { B("w"), B("x"), B("y"), I(37), I(128) }, "exact" },
        { "matvec_f32_row", "matvec_f32_row", "llm_suite", (const void *)matvec_f32_row, dim3(2), dim3(64), 0,
          { in_f32("w", 70 * 33, -1, 1), in_f32("x", 33, -1, 1), out_f32("y", 70) },
          { B("w"), B("x"), B("y"), I(70), I(33) }, "exact" },
        { "matvec_q8_0", "matvec_q8_0", "llm", (const void *)matvec_q8_0, dim3(4), dim3(128), 0,
          { quant("w", G_Q8_0, 13 * 3 * 34), in_f32("x", 96, -1, 1), out_f32("y", 13) },
          { B("w"), B("x"), B("y"), I(13), I(96) }, "exact" },
        { "matvec_q4_0", "matvec_q4_0", "llm", (const void *)matvec_q4_0, dim3(4), dim3(128), 0,
          { quant("w", G_Q4_0, 13 * 3 * 18), in_f32("x", 96, -1, 1), out_f32("y", 13) },
          { B("w"), B("x"), B("y"), I(13), I(96) }, "exact" },
        { "matvec_q4_k", "matvec_q4_k", "llm_suite", (const void *)matvec_q4_k, dim3(3), dim3(128), 0,
          { quant("w", G_Q4_K, 9 * 2 * 144), in_f32("x", 512, -1, 1), out_f32("y", 9) },
          { B("w"), B("x"), B("y"), I(9), I(512) }, "exact" },
        { "rmsnorm", "rmsnorm", "llm", (const void *)rmsnorm, dim3(1), dim3(256), 0,
          { in_f32("x", 777, -3, 3), in_f32("w", 777, -2, 2), out_f32("y", 777) },
          { B("x"), B("w"), B("y"), I(777), F(1e-5f) }, "exact" },
        { "rope", "rope", "llm", (const void *)rope, dim3(1), dim3(128), 0,
          { inout(in_f32("x", 3 * 64, -2, 2)) }, { B("x"), I(3), I(64), I(48), F(37.0f), F(10000.0f), F(0.5f), I(0) }, "rel 1e-4" },
        { "rope_neox", "rope", "llm", (const void *)rope, dim3(1), dim3(128), 0,
          { inout(in_f32("x", 3 * 64, -2, 2)) }, { B("x"), I(3), I(64), I(64), F(5.0f), F(1e6f), F(1.0f), I(1) }, "rel 1e-4" },
        { "softmax", "softmax", "llm_suite", (const void *)softmax, dim3(1), dim3(256), 0,
          { inout(in_f32("x", 1000, -10, 10)) }, { B("x"), I(1000) }, "rel 1e-4" },
        { "silu_mul", "silu_mul", "llm", (const void *)silu_mul, dim3(4), dim3(256), 0,
          { in_f32("gate", 777, -20, 20), in_f32("up", 777, -3, 3), out_f32("out", 777) },
          { B("gate"), B("up"), B("out"), I(777) }, "rel 1e-4" },
        { "add", "add", "llm", (const void *)add, dim3(4), dim3(256), 0,
          { inout(in_f32("x", 777, -10, 10, true)), in_f32("y", 777, -10, 10, true) }, { B("x"), B("y"), I(777) }, "exact" },
        { "embed_f32", "embed_f32", "llm", (const void *)embed_f32, dim3(1), dim3(128), 0,
          { in_f32("table", 5 * 96, -1, 1, true), out_f32("out", 96) }, { I(0), B("table"), I(3), B("out"), I(96) }, "exact" },
        { "embed_q8_0", "embed_q8_0", "llm", (const void *)embed_q8_0, dim3(1), dim3(128), 0,
          { quant("table", G_Q8_0, 5 * 3 * 34), out_f32("out", 96) }, { I(8), B("table"), I(3), B("out"), I(96) }, "exact" },
        { "argmax", "argmax", "llm", (const void *)argmax, dim3(1), dim3(256), 0,
          { in_f32("x", 777, -5, 5, true), out_f32("out", 1) }, { B("x"), I(777), B("out") }, "exact" },
        { "attention", "attention", "llm", (const void *)attention, dim3(4), dim3(128), 0,
          { in_f32("q", 4 * 40, -1, 1), in_f32("k", 37 * 80, -1, 1), in_f32("v", 37 * 80, -1, 1), out_f32("out", 160) },
          { B("q"), B("k"), B("v"), B("out"), I(4), I(2), I(40), I(37), I(80) }, "rel 1e-4" },
        { "attention_flash_split", "attention_flash_split", "llm_suite", (const void *)attention_flash_split, dim3(4, 3), dim3(32), 0,
          { in_f32("q", 4 * 40, -1, 1), in_f32("k", 37 * 80, -1, 1), in_f32("v", 37 * 80, -1, 1), out_f32("part", 4 * 3 * 42) },
          { B("q"), B("k"), B("v"), B("part"), I(4), I(2), I(40), I(37), I(80), I(13) }, "rel 1e-4" },
        { "attention_flash_combine", "attention_flash_combine", "llm_suite", (const void *)attention_flash_combine, dim3(4), dim3(64), 0,
          { buf{ "part", 4 * 3 * 42 * 4, G_FROM, 0, 0, false, "attention_flash_split/part.gpu.bin" }, out_f32("out", 160) },
          { B("part"), B("out"), I(40), I(3) }, "rel 1e-4" },
    };
    cudaDeviceProp p;
    int dev = 0, drv = 0, rt = 0;
    CK(cudaGetDevice(&dev));
    CK(cudaGetDeviceProperties(&p, dev));
    CK(cudaDriverGetVersion(&drv));
    CK(cudaRuntimeGetVersion(&rt));
    mkdir(root.c_str(), 0755);
    std::string list;
    for (const gcase &c : cs) { run_case(root, c); list += c.name + "\n"; }
    write_file(root + "/EXPECTED", list.data(), list.size());
    char prov[2048];
    time_t now = time(NULL);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    int n = snprintf(prov, sizeof prov,
                     "GPU: %s (sm_%d%d, %d SMs)\nCUDA driver: %d.%d\nCUDA runtime: %d.%d\nnvcc: %d.%d.%d (compiled record.cu)\n"
                     "command: %s %s (built by make goldens: nvcc -O3 record.cu)\nrecorded: %s\nseed: 20261123\n",
                     p.name, p.major, p.minor, p.multiProcessorCount, drv / 1000, drv % 1000 / 10, rt / 1000, rt % 1000 / 10,
                     __CUDACC_VER_MAJOR__, __CUDACC_VER_MINOR__, __CUDACC_VER_BUILD__, argv[0], root.c_str(), when);
    write_file(root + "/PROVENANCE", prov, (size_t)n);
    printf("%zu cases in %s\n", cs.size(), root.c_str());
    return 0;
}
