/* fuzz_tgtrace.c: the .tgtrace reader (tgpu viz replays) on arbitrary bytes. It must never crash
 * or over-read; a refusal must say FILE:OFFSET; a recording it accepts must hold together (spans in
 * order within the end cycle, DRAM requests in order within their banks) and draw at a few cursors
 * without touching memory outside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/viz/viz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_viz_rec r;
    char err[512];
    if (tg_viz_trace_parse(&r, data, size, "fuzz", err, sizeof err) != 0) {
        if (strncmp(err, "fuzz:", 5)) { fprintf(stderr, "refusal without FILE:OFFSET: %s\n", err); abort(); }
        return 0;
    }
    for (int i = 0; i < r.nsms * r.nslots; i++)
        for (size_t k = 0; k < r.rows[i].n; k++) {
            const tg_viz_span *s = &r.rows[i].spans[k];
            if (!s->len || s->start + s->len > r.end || s->state >= TG_NUM_STALLS) abort();
            if (k && s->start < r.rows[i].spans[k - 1].start + r.rows[i].spans[k - 1].len) abort();
        }
    for (size_t i = 0; i < r.ndram; i++)
        if (r.dram[i].bank >= (uint32_t)r.nbanks || r.dram[i].cycle >= r.end || (i && r.dram[i].cycle < r.dram[i - 1].cycle)) abort();
    static uint32_t px[320 * 240];
    tg_canvas c = { px, 320, 240 };
    for (int q = 0; q <= 2; q++) {
        tg_viz_view v = { .buf = r.nbufs ? r.nbufs - 1 : -1, .sm = r.nsms - 1, .v0 = q == 2 ? r.end / 3 : 0,
                          .span = r.end ? (q == 2 ? r.end / 7 + 16 : r.end) : 1, .cursor = r.end * (uint64_t)q / 2 };
        tg_viz_render(&r, &v, &c, NULL);
    }
    tg_viz_rec_free(&r);
    return 0;
}
