/* model.c — building the plain-data model a step hands to tui. */
#include "scenes/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void model_init(struct model *m)
{
    memset(m, 0, sizeof *m);
}

void model_free(struct model *m)
{
    for (int i = 0; i < m->nblocks; i++)
        free(m->blocks[i].u.map); /* every member is a pointer to the payload */
    m->nblocks = 0;
}

static void *add_block(struct model *m, enum mblock_kind kind, const char *title, size_t size)
{
    struct m_block *b;
    void *payload;

    if (m->nblocks >= MODEL_MAX_BLOCKS)
        return NULL;
    b = &m->blocks[m->nblocks++];
    b->kind = kind;
    snprintf(b->title, sizeof b->title, "%s", title ? title : "");
    payload = xcalloc(1, size);
    b->u.map = payload;
    return payload;
}

struct m_map *model_add_map(struct model *m, const char *title)
{
    return add_block(m, MB_MAP, title, sizeof(struct m_map));
}

struct m_grid *model_add_grid(struct model *m, const char *title)
{
    return add_block(m, MB_GRID, title, sizeof(struct m_grid));
}

struct m_table *model_add_table(struct model *m, const char *title)
{
    return add_block(m, MB_TABLE, title, sizeof(struct m_table));
}

struct m_hist *model_add_hist(struct model *m, const char *title)
{
    return add_block(m, MB_HIST, title, sizeof(struct m_hist));
}

struct m_text *model_add_text(struct model *m, const char *title)
{
    return add_block(m, MB_TEXT, title, sizeof(struct m_text));
}

void model_headline(struct model *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(m->headline, sizeof m->headline, fmt, ap);
    va_end(ap);
}

void model_say(struct model *m, const char *fmt, ...)
{
    size_t len = strlen(m->narrative);
    va_list ap;

    if (len + 1 >= sizeof m->narrative)
        return;
    va_start(ap, fmt);
    vsnprintf(m->narrative + len, sizeof m->narrative - len, fmt, ap);
    va_end(ap);
}

int map_region(struct m_map *mp, const char *name, const char *detail, uint64_t lo,
               uint64_t hi, enum mstyle st)
{
    struct m_region *r;

    if (mp->nregions >= MAP_MAX_REGIONS)
        return -1;
    r = &mp->regions[mp->nregions];
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->detail, sizeof r->detail, "%s", detail ? detail : "");
    r->lo = lo;
    r->hi = hi;
    r->style = st;
    r->collapsed = false;
    return mp->nregions++;
}

int map_var(struct m_map *mp, const char *name, const char *type, uint64_t addr,
            unsigned size, const char *value, enum mstyle st)
{
    struct m_var *v;

    if (mp->nvars >= MAP_MAX_VARS)
        return -1;
    v = &mp->vars[mp->nvars];
    memset(v, 0, sizeof *v);
    v->region = -1;
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->type, sizeof v->type, "%s", type ? type : "");
    v->addr = addr;
    v->size = size;
    snprintf(v->value, sizeof v->value, "%s", value ? value : "");
    v->style = st;
    return mp->nvars++;
}

int map_arrow(struct m_map *mp, int from, int to, enum mstyle st)
{
    if (mp->narrows >= MAP_MAX_ARROWS || from < 0 || from >= mp->nvars || to >= mp->nvars)
        return -1;
    mp->arrows[mp->narrows] = (struct m_arrow){ .from = from, .to = to, .style = st };
    return mp->narrows++;
}

void map_place_vars(struct m_map *mp)
{
    for (int i = 0; i < mp->nvars; i++) {
        struct m_var *v = &mp->vars[i];

        v->region = -1;
        for (int r = 0; r < mp->nregions; r++)
            if (!mp->regions[r].collapsed && v->addr >= mp->regions[r].lo && v->addr < mp->regions[r].hi) {
                v->region = r;
                break;
            }
    }
}

int table_row(struct m_table *t, enum mstyle st, ...)
{
    va_list ap;

    if (t->nrows >= TABLE_MAX_ROWS)
        return -1;
    va_start(ap, st);
    for (int c = 0; c < t->ncols && c < TABLE_MAX_COLS; c++) {
        const char *s = va_arg(ap, const char *);
        snprintf(t->cell[t->nrows][c], sizeof t->cell[0][0], "%s", s ? s : "");
    }
    va_end(ap);
    t->row_style[t->nrows] = st;
    return t->nrows++;
}

int text_line(struct m_text *t, enum mstyle st, const char *fmt, ...)
{
    va_list ap;

    if (t->nlines >= TEXT_MAX_LINES)
        return -1;
    va_start(ap, fmt);
    vsnprintf(t->line[t->nlines], sizeof t->line[0], fmt, ap);
    va_end(ap);
    t->style[t->nlines] = st;
    return t->nlines++;
}
