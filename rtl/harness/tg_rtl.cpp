// tg_rtl.cpp: the thin layer between C and the Verilated model: a clock loop, the DRAM model that
// answers gpu_top's DRAM port a fixed latency after each request (pipelined, in order), the host-register writes of a
// launch, the commit stream, and an optional VCD trace. Everything else is in the RTL.
#include "tg_rtl.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vgpu_top.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

struct tg_rtl {
    VerilatedContext *ctx;
    Vgpu_top *top;
    VerilatedVcdC *vcd;
    uint8_t *mem;
    uint32_t mem_bytes;
    uint64_t cycle;
    uint64_t commits;
    tg_rtl_commit_fn on_commit;
    void *user;
    bool stop;
    bool l1_bypass;
    unsigned cores;   // cores a launch uses when tg_rtl_launch.cores is 0 (TGPU_RTL_CORES)
    // DRAM answers in flight: a ring of dram_latency entries, one request per cycle at most.
    unsigned dram_latency;
    struct dram_rsp { uint64_t due; uint32_t rdata; bool err; } *pend;
    unsigned pend_head, pend_n;
};

enum { REG_ENTRY, REG_END, REG_GRID, REG_BLOCK, REG_PARAMS, REG_PARAM_BYTES, REG_SHARED,
       REG_CONTROL, REG_STATUS, REG_FAULT_KIND, REG_FAULT_PC, REG_FAULT_WARP, REG_FAULT_LANE,
       REG_FAULT_ADDR, REG_FAULT_BLOCK, REG_CYCLES, REG_GRID_Y, REG_GRID_Z, REG_BLOCK_Y, REG_BLOCK_Z,
       REG_LOCAL_BYTES, REG_L1_HITS, REG_L1_MISSES, REG_MEM_READS, REG_MEM_WRITES, REG_L1_CTRL, REG_CORES };

// Parses an optional numeric environment variable in [lo, hi]; false (with a message) if malformed.
static bool env_uint(const char *name, unsigned lo, unsigned hi, unsigned *v)
{
    const char *e = getenv(name);
    if (!e || !*e) return true;
    char *end;
    unsigned long x = strtoul(e, &end, 10);
    if (*end || e[0] == '-' || x < lo || x > hi) {
        fprintf(stderr, "%s=%s: want a number from %u to %u\n", name, e, lo, hi);
        return false;
    }
    *v = (unsigned)x;
    return true;
}

static void clock_edge(tg_rtl *r)
{
    r->top->clk = 0;
    r->top->eval();
    if (r->vcd) r->vcd->dump(r->ctx->time());
    r->ctx->timeInc(1);
    r->top->clk = 1;
    r->top->eval();
    if (r->vcd) r->vcd->dump(r->ctx->time());
    r->ctx->timeInc(1);
    r->cycle++;
}

extern "C" tg_rtl *tg_rtl_create(uint32_t mem_bytes, const char *vcd)
{
    unsigned latency = TG_RTL_DRAM_LATENCY, l1 = 1, cores = TG_RTL_CORES;
    if (!env_uint("TGPU_RTL_DRAM_LATENCY", 1, 1000, &latency) || !env_uint("TGPU_RTL_L1", 0, 1, &l1) ||
        !env_uint("TGPU_RTL_CORES", 1, TG_RTL_CORES, &cores))
        return NULL;
    tg_rtl *r = (tg_rtl *)calloc(1, sizeof *r);
    if (!r) return NULL;
    r->mem = (uint8_t *)calloc(1, mem_bytes);
    r->pend = (tg_rtl::dram_rsp *)calloc(latency, sizeof *r->pend);
    if (!r->mem || !r->pend) { free(r->mem); free(r->pend); free(r); return NULL; }
    r->dram_latency = latency;
    r->l1_bypass = !l1;
    r->cores = cores;
    r->mem_bytes = mem_bytes;
    r->ctx = new VerilatedContext;
    r->top = new Vgpu_top(r->ctx);
    if (vcd) {
        r->ctx->traceEverOn(true);
        r->vcd = new VerilatedVcdC;
        r->top->trace(r->vcd, 99);
        r->vcd->open(vcd);
    }
    r->top->rst = 1;
    clock_edge(r);
    clock_edge(r);
    r->top->rst = 0;
    return r;
}

extern "C" void tg_rtl_destroy(tg_rtl *r)
{
    if (!r) return;
    if (r->vcd) { r->vcd->close(); delete r->vcd; }
    r->top->final();
    delete r->top;
    delete r->ctx;
    free(r->mem);
    free(r->pend);
    free(r);
}

extern "C" int tg_rtl_load_code(tg_rtl *r, const uint64_t *code, uint32_t n)
{
    if (n > 4096) return -1;   // gpu_top's IMEM_WORDS
    for (uint32_t i = 0; i < n; i++) {
        r->top->imem_we = 1;
        r->top->imem_addr = i;
        r->top->imem_wdata = code[i];
        clock_edge(r);
    }
    r->top->imem_we = 0;
    return 0;
}

static bool in_range(tg_rtl *r, uint32_t addr, size_t n)
{
    return addr >= 256 && addr <= r->mem_bytes && n <= r->mem_bytes - addr;
}

extern "C" int tg_rtl_write(tg_rtl *r, uint32_t addr, const void *src, size_t n)
{
    if (!in_range(r, addr, n)) return -1;
    memcpy(r->mem + addr, src, n);
    return 0;
}

extern "C" int tg_rtl_read(tg_rtl *r, uint32_t addr, void *dst, size_t n)
{
    if (!in_range(r, addr, n)) return -1;
    memcpy(dst, r->mem + addr, n);
    return 0;
}

extern "C" void tg_rtl_on_commit(tg_rtl *r, tg_rtl_commit_fn fn, void *user)
{
    r->on_commit = fn;
    r->user = user;
}

// The DRAM model: a request gpu_top shows during a cycle is performed then (so later requests see
// it) and answered dram_latency cycles later (1: in the next cycle); one request per cycle can
// start while earlier ones are in flight, and answers come in request order.
extern "C" void tg_rtl_step(tg_rtl *r)
{
    Vgpu_top *t = r->top;
    t->eval();
    bool req = t->mem_req, we = t->mem_we;
    uint32_t a = t->mem_addr, wdata = t->mem_wdata, strb = t->mem_strb;
    clock_edge(r);
    if (req) {
        tg_rtl::dram_rsp p = { r->cycle + r->dram_latency - 1, 0, false };
        if (!in_range(r, a, 4)) {
            p.err = true;
        } else if (we) {
            for (int b = 0; b < 4; b++)
                if (strb >> b & 1) r->mem[a + b] = (uint8_t)(wdata >> (8 * b));
        } else {
            memcpy(&p.rdata, r->mem + a, 4);
        }
        // At most dram_latency requests are in flight (one per cycle), so the ring never overflows.
        r->pend[(r->pend_head + r->pend_n++) % r->dram_latency] = p;
    }
    t->mem_rsp = 0;
    t->mem_err = 0;
    if (r->pend_n && r->pend[r->pend_head].due <= r->cycle) {
        const tg_rtl::dram_rsp *p = &r->pend[r->pend_head];
        t->mem_rsp = 1;
        t->mem_err = p->err;
        if (!p->err) t->mem_rdata = p->rdata;
        r->pend_head = (r->pend_head + 1) % r->dram_latency;
        r->pend_n--;
    }
    if (t->commit) {
        r->commits++;
        if (r->on_commit) {
            tg_rtl_commit c;
            c.cycle = r->cycle;
            c.core = t->commit_core;
            c.block = t->commit_block;
            c.warp = t->commit_warp;
            c.pc = t->commit_pc;
            c.mask = t->commit_mask;
            c.rd = t->commit_rd;
            for (int l = 0; l < TG_RTL_LANES; l++) c.data[l] = t->commit_data[l];
            r->on_commit(&c, r->user);
        }
    }
}

static void host_write(tg_rtl *r, unsigned reg, uint32_t v)
{
    r->top->host_we = 1;
    r->top->host_addr = reg;
    r->top->host_wdata = v;
    clock_edge(r);
    r->top->host_we = 0;
}

static uint32_t host_read(tg_rtl *r, unsigned reg)
{
    r->top->host_addr = reg;
    r->top->eval();
    return r->top->host_rdata;
}

extern "C" int tg_rtl_run(tg_rtl *r, const tg_rtl_launch *l, uint64_t max_cycles, tg_rtl_result *res)
{
    memset(res, 0, sizeof *res);
    host_write(r, REG_ENTRY, l->entry);
    host_write(r, REG_END, l->end);
    host_write(r, REG_GRID, l->grid[0]);
    host_write(r, REG_GRID_Y, l->grid[1]);
    host_write(r, REG_GRID_Z, l->grid[2]);
    host_write(r, REG_BLOCK, l->block[0]);
    host_write(r, REG_BLOCK_Y, l->block[1]);
    host_write(r, REG_BLOCK_Z, l->block[2]);
    host_write(r, REG_LOCAL_BYTES, l->local_bytes);
    host_write(r, REG_PARAMS, l->params);
    host_write(r, REG_PARAM_BYTES, l->param_bytes);
    host_write(r, REG_SHARED, l->shared_bytes);
    host_write(r, REG_L1_CTRL, r->l1_bypass);
    host_write(r, REG_CORES, l->cores ? l->cores : r->cores);
    host_write(r, REG_CONTROL, 1);
    uint64_t start = r->cycle, commits0 = r->commits;
    int rc = -1;
    r->stop = false;
    for (;;) {
        if (r->stop) { rc = -2; break; }
        // Poll STATUS the way a bare-metal host would.
        uint32_t st = host_read(r, REG_STATUS);
        if (!(st & 1) && (st & 2)) { rc = 0; break; }
        if (!(st & 1) && (st & 4)) { rc = 1; break; }
        if (max_cycles && r->cycle - start >= max_cycles) break;
        tg_rtl_step(r);
    }
    res->cycles = host_read(r, REG_CYCLES);
    res->warp_instrs = r->commits - commits0;
    res->l1_hits = host_read(r, REG_L1_HITS);
    res->l1_misses = host_read(r, REG_L1_MISSES);
    res->mem_reads = host_read(r, REG_MEM_READS);
    res->mem_writes = host_read(r, REG_MEM_WRITES);
    if (rc == 1) {
        res->fault_kind = host_read(r, REG_FAULT_KIND);
        res->fault_pc = host_read(r, REG_FAULT_PC);
        res->fault_block = host_read(r, REG_FAULT_BLOCK);
        res->fault_warp = host_read(r, REG_FAULT_WARP);
        res->fault_lane = host_read(r, REG_FAULT_LANE);
        res->fault_addr = host_read(r, REG_FAULT_ADDR);
    }
    return rc;
}

extern "C" void tg_rtl_stop(tg_rtl *r) { r->stop = true; }

extern "C" const char *tg_rtl_fault_name(uint32_t kind)
{
    static const char *const names[] = { "none", "out-of-bounds", "misaligned", "illegal instruction",
        "barrier deadlock", "divergent barrier", "watchdog", "bad launch" };
    if (kind < sizeof names / sizeof names[0]) return names[kind];
    if (kind == TG_RTL_FAULT_UNIMPLEMENTED) return "unimplemented in RTL";
    return "unknown";
}
