/* fault.c: fault kinds' names and the one-line fault report. */
#include <stdarg.h>
#include <stdio.h>

#include "sim/core.h"

const char *tg_fault_kind_name(int kind)
{
    static const char *const names[TG_NUM_FAULT_KINDS] = {
        "none", "out-of-bounds", "misaligned", "illegal instruction", "barrier deadlock",
        "divergent barrier", "watchdog", "bad launch",
    };
    return kind >= 0 && kind < TG_NUM_FAULT_KINDS ? names[kind] : "unknown";
}

static const char *space_name(int space)
{
    switch (space) {
    case TG_SPACE_GLOBAL: return "global";
    case TG_SPACE_SHARED: return "shared";
    case TG_SPACE_LOCAL: return "local";
    case TG_SPACE_PARAM: return "param";
    default: return "";
    }
}

int tg_fault_format(const tg_fault *f, char *buf, size_t n)
{
    char where[64] = "";
    if (f->space != TG_SPACE_NONE)
        snprintf(where, sizeof where, " %s address 0x%08x", space_name(f->space), f->address);
    return snprintf(buf, n, "fault: %s: kernel %s block (%u,%u,%u) warp %u lane %u pc %u%s: %s",
                    tg_fault_kind_name(f->kind), f->kernel, f->block.x, f->block.y, f->block.z,
                    f->warp, f->lane, f->pc, where, f->detail);
}

void tg_block_fault(tg_block *b, const tg_warp *w, unsigned lane, uint32_t pc, int kind,
                    int space, uint32_t addr, const char *fmt, ...)
{
    tg_fault *f = b->fault;
    snprintf(f->kernel, sizeof f->kernel, "%s", b->k->name);
    f->kind = kind;
    f->block = b->ctaid;
    f->warp = w ? w->id : 0;
    f->lane = lane;
    f->pc = pc;
    f->space = space;
    f->address = addr;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
}
