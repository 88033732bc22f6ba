/* draw.c — text by display columns (UTF-8 aware), boxes, word wrap. */
#include "tui/draw.h"

#include <curses.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "probes/counters.h"
#include "tui/theme.h"

/* Decodes one character of s: its byte length and display width. */
static size_t next_char(const char *s, int *width)
{
    mbstate_t st;
    wchar_t wc;
    size_t n;

    if ((unsigned char)*s < 0x80) {     /* ASCII, most of every screen: no decoding */
        *width = 1;
        return 1;
    }
    memset(&st, 0, sizeof st);
    n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *width = 1;
        return 1;
    }
    *width = wcwidth(wc);
    if (*width < 0)
        *width = 1;
    return n;
}

int draw_width(const char *s)
{
    int w = 0, cw;

    while (*s) {
        s += next_char(s, &cw);
        w += cw;
    }
    return w;
}

/* Writes s from y, x in at most maxw columns; with ellipsis, a text that does not fit ends
 * in the theme's ellipsis. Characters go to curses in runs (one addnstr per run, not one
 * per character); a control character becomes a space. Returns the columns used. */
static int put(int y, int x, int maxw, int attr, const char *s, bool ellipsis)
{
    int used = 0, cw;
    int total = ellipsis ? draw_width(s) : 0;
    const char *run = s;

    if (maxw <= 0)
        return 0;
    attrset((attr_t)attr);
    move(y, x);
    while (*s) {
        size_t n = next_char(s, &cw);

        if (ellipsis && total > maxw && used + cw > maxw - 1) {
            addnstr(run, (int)(s - run));
            addstr(theme_glyphs()->ellipsis);
            used++;
            run = s;
            break;
        }
        if (used + cw > maxw)
            break;
        if ((unsigned char)*s < 32) {
            addnstr(run, (int)(s - run));
            addch(' ');
            run = s + n;
        }
        used += cw;
        s += n;
    }
    if (s > run)
        addnstr(run, (int)(s - run));
    attrset(A_NORMAL);
    return used;
}

int draw_text(int y, int x, int maxw, int attr, const char *s)
{
    return put(y, x, maxw, attr, s, false);
}

int draw_text_clip(int y, int x, int maxw, int attr, const char *s)
{
    return put(y, x, maxw, attr, s, true);
}

void draw_fill(int y, int x, int w, int attr)
{
    if (w <= 0)
        return;
    attrset((attr_t)attr);
    mvhline(y, x, ' ', w);
    attrset(A_NORMAL);
}

void draw_hline(int y, int x, int w, int attr)
{
    const char *h = theme_glyphs()->h;

    attrset((attr_t)attr);
    move(y, x);
    for (int i = 0; i < w; i++)
        addstr(h);
    attrset(A_NORMAL);
}

void draw_box(int y, int x, int h, int w, int attr, const char *title, int title_attr)
{
    const struct glyphs *g = theme_glyphs();

    if (h < 2 || w < 2)
        return;
    draw_text(y, x, 1, attr, g->ul);
    draw_hline(y, x + 1, w - 2, attr);
    draw_text(y, x + w - 1, 1, attr, g->ur);
    for (int i = 1; i < h - 1; i++) {
        draw_text(y + i, x, 1, attr, g->v);
        draw_text(y + i, x + w - 1, 1, attr, g->v);
    }
    draw_text(y + h - 1, x, 1, attr, g->ll);
    draw_hline(y + h - 1, x + 1, w - 2, attr);
    draw_text(y + h - 1, x + w - 1, 1, attr, g->lr);
    if (title && *title && w > 6) {
        int used = draw_text(y, x + 2, 1, attr, " ");
        used += draw_text_clip(y, x + 2 + used, w - 6, title_attr, title);
        draw_text(y, x + 2 + used, 1, attr, " ");
    }
}

int draw_wrap(const char *text, int width, size_t *starts, size_t *lens, int cap)
{
    int nlines = 0;
    const char *p = text;

    if (width < 1)
        width = 1;
    while (*p) {
        const char *line = p, *brk = NULL, *q = p;
        int w = 0, cw;

        while (*q && *q != '\n') {
            size_t n = next_char(q, &cw);
            if (w + cw > width)
                break;
            w += cw;
            q += n;
            if (*q == ' ')
                brk = q;
        }
        if (*q && *q != '\n' && brk)
            q = brk; /* break at the last space that fits */
        if (q == line && *q && *q != '\n')
            q += next_char(q, &cw); /* a character wider than the line */
        if (nlines < cap) {
            starts[nlines] = (size_t)(line - text);
            lens[nlines] = (size_t)(q - line);
        }
        nlines++;
        p = q;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
    }
    return nlines;
}

int draw_para(int y, int x, int h, int w, int attr, const char *text)
{
    enum { MAXL = 64 };
    size_t st[MAXL], ln[MAXL];
    int n = draw_wrap(text, w, st, ln, MAXL);

    for (int i = 0; i < n && i < h && i < MAXL; i++) {
        char buf[1024];
        size_t len = ln[i] < sizeof buf - 1 ? ln[i] : sizeof buf - 1;

        memcpy(buf, text + st[i], len);
        buf[len] = '\0';
        if (i == h - 1 && n > h) {
            draw_text_clip(y + i, x, w - 1, attr, buf);
            draw_text(y + i, x + w - 1, 1, attr, theme_glyphs()->ellipsis);
        } else {
            draw_text(y + i, x, w, attr, buf);
        }
    }
    return n;
}

void draw_spark(const struct series *h, int y, int x, int w)
{
    const struct glyphs *g = theme_glyphs();
    double lo = 0, hi = 0;
    int n = h->n < w ? h->n : w;

    for (int i = 0; i < n; i++) {
        double v = series_back(h, i);
        if (i == 0 || v > hi)
            hi = v;
        if (i == 0 || v < lo)
            lo = v;
    }
    /* Changes under 0.5% of the value are noise at this size: draw them flat. */
    if (hi - lo < (hi > 0 ? hi : -hi) * 0.005)
        hi = lo;
    for (int i = 0; i < n; i++) {
        double v = series_back(h, n - 1 - i);
        int k = hi > lo ? (int)((v - lo) / (hi - lo) * 7 + 0.5) : 0;
        draw_text(y, x + (w - n) + i, 1, theme_attr(MS_GOOD), g->spark[k < 0 ? 0 : k > 7 ? 7 : k]);
    }
}
