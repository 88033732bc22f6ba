/* draw.h — putting UTF-8 text on the screen by display columns, boxes, and word wrap. */
#ifndef OSCOPE_DRAW_H
#define OSCOPE_DRAW_H

#include <stddef.h>

/* Display columns of a UTF-8 string (invalid bytes count 1). */
int draw_width(const char *s);
/* Draws s at (y, x) in at most maxw columns with attributes attr; returns columns used.
 * With ellipsis, a string that does not fit ends in "…" (or "~" in ASCII). */
int draw_text(int y, int x, int maxw, int attr, const char *s);
int draw_text_clip(int y, int x, int maxw, int attr, const char *s);
/* Spaces over w columns. */
void draw_fill(int y, int x, int w, int attr);
/* A box with an optional title in its top edge. */
void draw_box(int y, int x, int h, int w, int attr, const char *title, int title_attr);
/* A horizontal rule of w columns. */
void draw_hline(int y, int x, int w, int attr);

/* The newest w values of a series as bars, oldest left, scaled to their own range
 * (changes under 0.5% drawn flat), right-aligned in w columns. */
struct series;
void draw_spark(const struct series *h, int y, int x, int w);

/* Word wrap: splits text into lines of at most width columns. Fills starts/lens (byte
 * offsets into text) up to cap lines and returns the number of lines the text needs.
 * '\n' forces a break. */
int draw_wrap(const char *text, int width, size_t *starts, size_t *lens, int cap);
/* Draws wrapped text into a rectangle; returns lines used (may exceed h: then the last
 * visible line ends in an ellipsis). */
int draw_para(int y, int x, int h, int w, int attr, const char *text);

#endif
