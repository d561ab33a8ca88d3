/* fault.c: fault records and their one-line reports. */
#include "sim/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[TG_NUM_FAULT_KINDS] = {
    "none", "out-of-bounds access", "misaligned access", "illegal instruction", "barrier deadlock",
    "divergent barrier", "watchdog", "bad launch",
};

static const char *const space_names[] = { "", "global", "shared", "local", "param" };

const char *tg_fault_kind_name(int kind)
{
    return kind >= 0 && kind < TG_NUM_FAULT_KINDS ? kind_names[kind] : "unknown fault";
}

int tg_fault_format(const tg_fault *f, char *buf, size_t n)
{
    if (f->kind == TG_FAULT_BAD_LAUNCH)
        return snprintf(buf, n, "fault: bad launch: kernel %s: %s", f->kernel, f->detail);
    char where[96] = "";
    if (f->space != TG_SPACE_NONE)
        snprintf(where, sizeof where, " %s address 0x%08x", space_names[f->space], f->address);
    return snprintf(buf, n, "fault: %s: kernel %s block (%u,%u,%u) warp %u lane %u pc %u%s: %s",
                    tg_fault_kind_name(f->kind), f->kernel, f->block.x, f->block.y, f->block.z, f->warp,
                    f->lane, f->pc, where, f->detail);
}

int tg_block_fault(tg_block *b, const tg_warp *w, int lane, uint32_t pc, int kind, int space,
                   uint32_t addr, const char *fmt, ...)
{
    tg_fault *f = b->fault;
    memset(f, 0, sizeof *f);
    f->kind = kind;
    snprintf(f->kernel, sizeof f->kernel, "%s", b->k->name);
    f->block = b->idx;
    f->warp = w ? w->id : 0;
    f->lane = lane < 0 ? 0 : (unsigned)lane;
    f->pc = pc;
    f->space = space;
    f->address = addr;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    return TG_STEP_FAULT;
}
