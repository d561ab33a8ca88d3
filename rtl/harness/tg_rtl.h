/* tg_rtl.h: the C API of the Verilated TG32 RTL (rtl/gpu_top.sv): create a device with a DRAM
 * model, load code, copy memory, launch a kernel and run it cycle by cycle, watch the commit
 * stream. The model is built by Verilator into build/rtl/; this API is all C callers see. */
#ifndef TG_RTL_H
#define TG_RTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The shape the Verilated model is built with: rtl/rtl.mk reads these lines and passes them to
 * gpu_top's parameters, so they are the one source. Warps of 32 lanes, as CUDA C assumes, and
 * blocks of up to 256 threads (1-D, 2-D or 3-D) with 32 KiB of shared memory, 64 registers and
 * 256 bytes of local memory per thread: what the LLM's kernels need (attention_flash_split uses 45
 * registers; spilling kernels use local memory). */
#define TG_RTL_LANES 32
#define TG_RTL_WARPS 8
#define TG_RTL_NREGS 64
#define TG_RTL_SHARED_WORDS 8192
#define TG_RTL_LOCAL_WORDS 64       /* local memory per thread: 256 bytes */
#define TG_RTL_CORES 2              /* cores, each running one block at a time */
#define TG_RTL_FAULT_UNIMPLEMENTED 15
/* The DRAM model's latency in cycles when TGPU_RTL_DRAM_LATENCY is unset: the default timing
 * preset's column latency (sim/presets/default.cfg, dram.CL = 20), i.e. a row-buffer hit; the
 * model has no banks or rows. TGPU_RTL_L1=0 bypasses the L1 (for measuring it); TGPU_RTL_CORES=n
 * (1..TG_RTL_CORES) makes launches use n cores (for measuring them). */
#define TG_RTL_DRAM_LATENCY 20

typedef struct tg_rtl tg_rtl;

/* One retired warp-instruction, as gpu_top's commit port shows it. */
typedef struct tg_rtl_commit {
    uint64_t cycle;
    uint32_t core;                     /* the core that retired it, 0..TG_RTL_CORES-1 */
    uint32_t block, warp, pc, mask;    /* mask: lanes that executed */
    uint32_t rd;                       /* 255: no register written */
    uint32_t data[TG_RTL_LANES];       /* value written to rd, per lane */
} tg_rtl_commit;

typedef void (*tg_rtl_commit_fn)(const tg_rtl_commit *c, void *user);

typedef struct tg_rtl_launch {
    uint32_t entry, end;          /* instruction indices */
    uint32_t grid[3], block[3];   /* x, y, z: blocks in the grid, threads per block */
    uint32_t params, param_bytes; /* device address and size of the parameter block */
    uint32_t shared_bytes;
    uint32_t local_bytes;         /* per thread, at most TG_RTL_LOCAL_WORDS * 4 */
    uint32_t cores;               /* cores to use, 1..TG_RTL_CORES; 0: TGPU_RTL_CORES, else all */
} tg_rtl_launch;

typedef struct tg_rtl_result {
    uint64_t cycles, warp_instrs;
    uint32_t fault_kind;          /* 0 none; sim's tg_fault_kind numbers; 15 unimplemented */
    uint32_t fault_pc, fault_block, fault_warp, fault_lane, fault_addr;   /* fault_block: linear */
    /* gpu_top's counters for the launch: L1 read hits and misses, word requests on the DRAM port. */
    uint32_t l1_hits, l1_misses, mem_reads, mem_writes;
} tg_rtl_result;

/* mem_bytes of DRAM; addresses below 256 fault (null). vcd: waveform file or NULL. NULL if out of
 * memory or if TGPU_RTL_DRAM_LATENCY (1..1000), TGPU_RTL_L1 (0 or 1) or TGPU_RTL_CORES
 * (1..TG_RTL_CORES) is malformed (said on stderr). */
tg_rtl *tg_rtl_create(uint32_t mem_bytes, const char *vcd);
void tg_rtl_destroy(tg_rtl *r);
/* Writes code words to instruction memory from index 0; -1 if they do not fit. */
int tg_rtl_load_code(tg_rtl *r, const uint64_t *code, uint32_t n);
int tg_rtl_write(tg_rtl *r, uint32_t addr, const void *src, size_t n);
int tg_rtl_read(tg_rtl *r, uint32_t addr, void *dst, size_t n);
void tg_rtl_on_commit(tg_rtl *r, tg_rtl_commit_fn fn, void *user);
/* One clock cycle (rising edge), serving the memory port. */
void tg_rtl_step(tg_rtl *r);
/* Writes the launch registers, starts, steps until done or fault or max_cycles (0: no limit).
 * Returns 0 on success, 1 on a fault (res filled), -1 when max_cycles ran out, -2 when a commit
 * callback called tg_rtl_stop. */
int tg_rtl_run(tg_rtl *r, const tg_rtl_launch *l, uint64_t max_cycles, tg_rtl_result *res);
/* Asks a running tg_rtl_run to return (-2) after the current cycle; for commit callbacks. */
void tg_rtl_stop(tg_rtl *r);
const char *tg_rtl_fault_name(uint32_t kind);

#ifdef __cplusplus
}
#endif
#endif
