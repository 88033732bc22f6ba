/* wmap.c — the address-space map: regions from high to low address, each variable at its
 * real address, pointers drawn as arrows in lanes on the right; dangling ones dashed. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/widgets.h"
#include "util/fmt.h"
#include "util/xalloc.h"

enum { ROW_REGION, ROW_VAR };
struct row {
    int kind;
    int idx;           /* region or var index */
};

/* The rows in drawing order: each region's header, then its variables from high to low
 * address; variables in no region at the end under their own header (idx -1). */
static int layout(const struct m_map *mp, struct row *rows, int cap)
{
    int n = 0;
    int order[MAP_MAX_VARS];

    for (int r = -1; r < mp->nregions; r++) {
        int nv = 0;
        int region = r < 0 ? mp->nregions : r; /* orphans go last: see below */

        if (r < 0)
            continue;
        for (int i = 0; i < mp->nvars; i++)
            if (mp->vars[i].region == region)
                order[nv++] = i;
        for (int a = 1; a < nv; a++) /* insertion sort, high address first */
            for (int b = a; b > 0 && mp->vars[order[b]].addr > mp->vars[order[b - 1]].addr; b--) {
                int t = order[b];
                order[b] = order[b - 1];
                order[b - 1] = t;
            }
        if (n < cap)
            rows[n] = (struct row){ ROW_REGION, region };
        n++;
        for (int i = 0; i < nv; i++) {
            if (n < cap)
                rows[n] = (struct row){ ROW_VAR, order[i] };
            n++;
        }
    }
    {
        bool any = false;
        for (int i = 0; i < mp->nvars; i++)
            if (mp->vars[i].region < 0) {
                if (!any) {
                    if (n < cap)
                        rows[n] = (struct row){ ROW_REGION, -1 };
                    n++;
                    any = true;
                }
                if (n < cap)
                    rows[n] = (struct row){ ROW_VAR, i };
                n++;
            }
    }
    return n;
}

int wmap_rows(const struct m_map *mp, int w)
{
    (void)w;
    return layout(mp, NULL, 0);
}

struct gcell {
    const char *g;
    int attr;
};

static int row_of_var(const struct row *rows, int n, int var)
{
    for (int i = 0; i < n; i++)
        if (rows[i].kind == ROW_VAR && rows[i].idx == var)
            return i;
    return -1;
}

static void draw_region_row(const struct m_map *mp, int idx, int y, int x, int w)
{
    char buf[160], size[24];
    int used;

    if (idx < 0) {
        draw_text_clip(y, x, w, theme_attr(MS_BAD), "not in any mapping of /proc/LAB/maps");
        return;
    }
    const struct m_region *rg = &mp->regions[idx];
    if (rg->collapsed) {
        snprintf(buf, sizeof buf, "%s %s: %s", theme_glyphs()->ellipsis, rg->name, rg->detail);
        draw_text_clip(y, x, w, theme_attr(MS_DIM), buf);
        return;
    }
    used = draw_text_clip(y, x, w, theme_attr(R_HEADING), rg->name);
    fmt_bytes(size, sizeof size, (double)(rg->hi - rg->lo));
    if (w - used >= 2 * 12 + 4 + (int)strlen(size) + 3)
        snprintf(buf, sizeof buf, " %" PRIx64 "-%" PRIx64 " (%s) %s", rg->lo, rg->hi, size, rg->detail);
    else
        snprintf(buf, sizeof buf, " %" PRIx64 " (%s) %s", rg->lo, size, rg->detail);
    draw_text_clip(y, x + used, w - used, theme_attr(MS_DIM), buf);
}

static void draw_var_row(const struct m_map *mp, int idx, int y, int x, int w, int namew)
{
    const struct m_var *v = &mp->vars[idx];
    int attr = theme_attr((int)v->style);
    char buf[160];
    int col = x;

    draw_text(y, col, 2, attr, theme_marker(v->style));
    col += 2;
    snprintf(buf, sizeof buf, "%-*s", namew, v->name);
    col += draw_text(y, col, namew, attr, buf) + 1;
    snprintf(buf, sizeof buf, "0x%" PRIx64, v->addr);
    col += draw_text(y, col, x + w - col, theme_attr(MS_DIM) | (v->style == MS_ACCENT ? A_BOLD : 0), buf) + 1;
    if (v->size)
        snprintf(buf, sizeof buf, "%s (%u B)%s%s", v->value, v->size, v->note[0] ? " " : "", v->note);
    else
        snprintf(buf, sizeof buf, "%s%s%s", v->value, v->note[0] ? " " : "", v->note);
    draw_text_clip(y, col, x + w - col, attr, buf);
}

int wmap_draw(const struct m_map *mp, struct rect r, int scroll)
{
    int n = layout(mp, NULL, 0);
    struct row *rows = xcalloc((size_t)n + 1, sizeof *rows);
    int lanes, gw, textw, step;
    struct gcell *gut = xcalloc((size_t)(n + 1) * 9, sizeof *gut); /* at most 4 lanes: 9 columns */
    const struct glyphs *g = theme_glyphs();
    int namew = 4, focus = -1;

    layout(mp, rows, n);
    for (int i = 0; i < mp->nvars; i++) {
        int len = draw_width(mp->vars[i].name);
        if (len > namew)
            namew = len;
        if (mp->vars[i].style == MS_ACCENT && focus < 0)
            focus = row_of_var(rows, n, i);
    }
    if (namew > (r.w < 50 ? 8 : 14))
        namew = r.w < 50 ? 8 : 14;

    /* Arrows into the gutter: lane k at column 1 + 2k; arrows whose spans do not overlap
     * share a lane, so the gutter stays narrow. */
    int span_lo[MAP_MAX_ARROWS], span_hi[MAP_MAX_ARROWS], lane_of[MAP_MAX_ARROWS], used_lanes = 0;
    for (int a = 0; a < mp->narrows; a++) {
        const struct m_arrow *ar = &mp->arrows[a];
        int from = row_of_var(rows, n, ar->from), to = ar->to >= 0 ? row_of_var(rows, n, ar->to) : -1;
        lane_of[a] = -1;
        if (from < 0 || to < 0 || from == to)
            continue;
        span_lo[a] = from < to ? from : to;
        span_hi[a] = from < to ? to : from;
        for (int k = 0; lane_of[a] < 0; k++) {
            bool clash = false;
            for (int b = 0; b < a; b++)
                if (lane_of[b] == k && !(span_hi[b] < span_lo[a] || span_lo[b] > span_hi[a]))
                    clash = true;
            if (!clash)
                lane_of[a] = k;
        }
        if (lane_of[a] + 1 > used_lanes)
            used_lanes = lane_of[a] + 1;
    }
    lanes = used_lanes < 4 ? used_lanes : 4;
    step = r.w < 60 ? 1 : 2; /* narrow panes pack the lanes side by side */
    gw = lanes ? step * lanes : 0;
    textw = r.w - gw - 1 > 72 ? 72 : r.w - gw - 1;
    for (int a = 0; a < mp->narrows && lanes; a++) {
        const struct m_arrow *ar = &mp->arrows[a];
        int from = row_of_var(rows, n, ar->from), to = ar->to >= 0 ? row_of_var(rows, n, ar->to) : -1;
        bool dash = ar->style == MS_DANGLING;
        int attr = theme_attr(dash ? MS_DANGLING : MS_ACCENT);
        int col;

        if (lane_of[a] < 0)
            continue;
        col = 1 + step * (lane_of[a] % lanes);
        for (int c = 0; c < col; c++) {
            gut[from * 9 + c] = (struct gcell){ dash ? g->dash_h : g->h, attr };
            gut[to * 9 + c] = (struct gcell){ dash ? g->dash_h : g->h, attr };
        }
        gut[to * 9 + 0] = (struct gcell){ g->arrow_l, attr };
        gut[from * 9 + col] = (struct gcell){ to > from ? g->ur : g->lr, attr };
        gut[to * 9 + col] = (struct gcell){ to > from ? g->lr : g->ur, attr };
        for (int y = (from < to ? from : to) + 1; y < (from < to ? to : from); y++)
            gut[y * 9 + col] = (struct gcell){ dash ? g->dash_v : g->v, attr };
    }

    if (n <= r.h)
        scroll = 0;
    else if (scroll < 0)
        scroll = focus > r.h / 2 ? focus - r.h / 2 : 0;
    if (scroll > n - r.h && n > r.h)
        scroll = n - r.h;
    if (scroll < 0)
        scroll = 0;

    for (int i = 0; i < r.h && scroll + i < n; i++) {
        const struct row *rw = &rows[scroll + i];
        int y = r.y + i;

        draw_fill(y, r.x, r.w, 0);
        if (rw->kind == ROW_REGION)
            draw_region_row(mp, rw->idx, y, r.x, textw);
        else
            draw_var_row(mp, rw->idx, y, r.x, textw, namew);
        for (int c = 0; c < gw + 1; c++) {
            const struct gcell *gc = &gut[(scroll + i) * 9 + c];
            if (gc->g)
                draw_text(y, r.x + textw + c, 1, gc->attr, gc->g);
        }
    }
    if (scroll > 0)
        draw_text(r.y, r.x + r.w - 1, 1, theme_attr(R_HEADING), g->arrow_up);
    if (scroll + r.h < n)
        draw_text(r.y + r.h - 1, r.x + r.w - 1, 1, theme_attr(R_HEADING), g->arrow_dn);
    free(gut);
    free(rows);
    return scroll;
}
