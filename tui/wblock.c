/* wblock.c — the blocks other than the map: cell grid, table, histogram, text. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/widgets.h"

static int grid_rows(const struct m_grid *g, int w)
{
    int per = w > 0 ? w : 1;

    return (g->ncells + per - 1) / per + 1 + (g->caption[0] ? 1 : 0);
}

static void grid_draw(const struct m_grid *g, struct rect r, int scroll)
{
    const struct glyphs *gl = theme_glyphs();
    int per = r.w > 0 ? r.w : 1;
    int y = r.y, row = 0, col;
    char buf[64];

    for (int i = 0; i < g->ncells && y < r.y + r.h; i += per, row++) {
        if (row < scroll)
            continue;
        draw_fill(y, r.x, r.w, 0);
        for (int c = 0; c < per && i + c < g->ncells; c++) {
            int k = g->cell[i + c] & 3;
            draw_text(y, r.x + c, 1, theme_attr((int)g->legend_style[k]), gl->cell[k]);
        }
        y++;
    }
    if (y < r.y + r.h) { /* legend: glyph + name for each state */
        draw_fill(y, r.x, r.w, 0);
        col = r.x;
        for (int k = 0; k < g->nlegend && k < 4; k++) {
            col += draw_text(y, col, 1, theme_attr((int)g->legend_style[k]), gl->cell[k]);
            snprintf(buf, sizeof buf, " %s  ", g->legend[k]);
            col += draw_text(y, col, r.x + r.w - col, 0, buf);
        }
        y++;
    }
    if (g->caption[0] && y < r.y + r.h) {
        draw_fill(y, r.x, r.w, 0);
        draw_text_clip(y, r.x, r.w, theme_attr(MS_DIM), g->caption);
    }
}

static void table_widths(const struct m_table *t, int w, int *cw)
{
    int total = 0;

    for (int c = 0; c < t->ncols; c++) {
        cw[c] = draw_width(t->head[c]);
        for (int r = 0; r < t->nrows; r++) {
            int l = draw_width(t->cell[r][c]);
            if (l > cw[c])
                cw[c] = l;
        }
        total += cw[c] + 1;
    }
    /* Too wide: shrink the widest columns first. */
    while (total > w) {
        int widest = 0;
        for (int c = 1; c < t->ncols; c++)
            if (cw[c] > cw[widest])
                widest = c;
        if (cw[widest] <= 3)
            break;
        cw[widest]--;
        total--;
    }
}

static void table_cell(int y, int x, int w, int attr, const char *s, bool right)
{
    int len = draw_width(s);

    if (right && len < w)
        x += w - len;
    draw_text_clip(y, x, w, attr, s);
}

static void table_draw(const struct m_table *t, struct rect r, int scroll)
{
    int cw[TABLE_MAX_COLS];
    int y = r.y, x;

    table_widths(t, r.w, cw);
    draw_fill(y, r.x, r.w, 0);
    x = r.x;
    for (int c = 0; c < t->ncols; c++) {
        table_cell(y, x, cw[c], theme_attr(R_HEADING), t->head[c], t->right[c]);
        x += cw[c] + 1;
    }
    y++;
    for (int row = scroll; row < t->nrows && y < r.y + r.h; row++, y++) {
        int attr = theme_attr((int)t->row_style[row]);
        draw_fill(y, r.x, r.w, 0);
        x = r.x;
        for (int c = 0; c < t->ncols; c++) {
            table_cell(y, x, cw[c], attr, t->cell[row][c], t->right[c]);
            x += cw[c] + 1;
        }
    }
}

static void hist_draw(const struct m_hist *h, struct rect r, int scroll)
{
    const struct glyphs *gl = theme_glyphs();
    double max = 0;
    int labw = 4;
    char buf[48];

    for (int i = 0; i < h->nbins; i++) {
        if (h->value[i] > max)
            max = h->value[i];
        if (draw_width(h->label[i]) > labw)
            labw = draw_width(h->label[i]);
    }
    int valw = 0; /* the widest value text, so every bar leaves room for its number */
    for (int i = 0; i < h->nbins; i++) {
        int n = snprintf(buf, sizeof buf, " %g%s%s", h->value[i], h->unit[0] ? " " : "", h->unit);
        if (n > valw)
            valw = n;
    }
    for (int i = scroll, y = r.y; i < h->nbins && y < r.y + r.h; i++, y++) {
        int barw = r.w - labw - 1 - valw;
        int len = max > 0 && barw > 0 ? (int)(h->value[i] / max * barw + 0.5) : 0;
        int attr = theme_attr((int)h->style[i]);

        draw_fill(y, r.x, r.w, 0);
        snprintf(buf, sizeof buf, "%*s ", labw, h->label[i]);
        draw_text(y, r.x, labw + 1, 0, buf);
        for (int k = 0; k < len && k < barw; k++)
            draw_text(y, r.x + labw + 1 + k, 1, attr, gl->bar);
        snprintf(buf, sizeof buf, " %g%s%s", h->value[i], h->unit[0] ? " " : "", h->unit);
        draw_text_clip(y, r.x + labw + 1 + len, r.w - labw - 1 - len, 0, buf);
    }
}

static void text_draw(const struct m_text *t, struct rect r, int scroll)
{
    for (int i = scroll, y = r.y; i < t->nlines && y < r.y + r.h; i++, y++) {
        draw_fill(y, r.x, r.w, 0);
        draw_text_clip(y, r.x, r.w, theme_attr((int)t->style[i]), t->line[i]);
    }
}

int wblock_rows(const struct m_block *b, int w)
{
    switch (b->kind) {
    case MB_GRID: return grid_rows(b->u.grid, w);
    case MB_TABLE: return b->u.table->nrows + 1;
    case MB_HIST: return b->u.hist->nbins;
    case MB_TEXT: return b->u.text->nlines;
    case MB_MAP: return wmap_rows(b->u.map, w);
    }
    return 0;
}

void wblock_draw(const struct m_block *b, struct rect r, int scroll)
{
    switch (b->kind) {
    case MB_GRID: grid_draw(b->u.grid, r, scroll); break;
    case MB_TABLE: table_draw(b->u.table, r, scroll); break;
    case MB_HIST: hist_draw(b->u.hist, r, scroll); break;
    case MB_TEXT: text_draw(b->u.text, r, scroll); break;
    case MB_MAP: wmap_draw(b->u.map, r, scroll); break;
    }
}

int widget_rows(const struct m_block *b, int w)
{
    return wblock_rows(b, w);
}

int widget_draw(const struct m_block *b, struct rect r, int scroll)
{
    if (b->kind == MB_MAP)
        return wmap_draw(b->u.map, r, scroll);
    if (scroll < 0)
        scroll = 0;
    wblock_draw(b, r, scroll);
    return scroll;
}
