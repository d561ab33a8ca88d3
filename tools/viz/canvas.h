/* canvas.h: the visualizer's drawing surface: a plain 32-bit pixel buffer (0xAARRGGBB, SDL's
 * ARGB8888) with rectangles, lines and a built-in 5x7 bitmap font. No SDL here, so panels are
 * drawn the same way for the window and for headless screenshots. */
#ifndef TG_VIZ_CANVAS_H
#define TG_VIZ_CANVAS_H

#include <stdint.h>

typedef struct tg_canvas {
    uint32_t *px;
    int w, h;               /* pixels; the row pitch is w */
} tg_canvas;

void tg_canvas_fill(tg_canvas *c, int x, int y, int w, int h, uint32_t argb);   /* clipped */
void tg_canvas_frame(tg_canvas *c, int x, int y, int w, int h, uint32_t argb);  /* 1-pixel outline */
/* Text in the 5x7 font, scale 1 or more: each character is 6*scale wide, 8*scale high. Letters
 * are drawn upper-case; characters outside the font draw as a box. Returns the x after the text. */
int tg_canvas_text(tg_canvas *c, int x, int y, int scale, uint32_t argb, const char *s);
int tg_canvas_text_width(const char *s, int scale);

#endif
