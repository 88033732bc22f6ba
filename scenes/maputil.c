/* maputil.c — an address-space map from /proc/PID/maps, folded to what a learner needs. */
#include "scenes/maputil.h"

#include <stdio.h>
#include <string.h>

static bool always_shown(enum maps_kind k)
{
    return k == MAPS_TEXT || k == MAPS_RODATA || k == MAPS_RELRO || k == MAPS_DATA || k == MAPS_BSS ||
           k == MAPS_HEAP || k == MAPS_STACK;
}

static bool holds_var(const struct m_map *mp, const struct maps_region *r)
{
    for (int i = 0; i < mp->nvars; i++)
        if (mp->vars[i].addr >= r->lo && mp->vars[i].addr < r->hi)
            return true;
    return false;
}

static const char *tail(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Closes a run of folded mappings [first..last] (indices into maps, descending). */
static void fold(struct m_map *mp, const struct maps *maps, int hi_idx, int lo_idx)
{
    char name[32], detail[64];
    int n = hi_idx - lo_idx + 1;
    int r;

    if (n <= 0)
        return;
    snprintf(name, sizeof name, n == 1 ? "%d other mapping" : "%d other mappings", n);
    snprintf(detail, sizeof detail, "libraries, mmap, vdso");
    r = map_region(mp, name, detail, maps->r[lo_idx].lo, maps->r[hi_idx].hi, MS_DIM);
    if (r >= 0)
        mp->regions[r].collapsed = true;
}

/* Adds the regions highest first; with all_kinds the program's own and the heap and stack
 * are always shown, else only the mappings holding a variable. The rest are folded. */
static void add_regions(struct m_map *mp, const struct maps *maps, bool all_kinds)
{
    int run_hi = -1;

    for (int i = maps->n - 1; i >= 0; i--) {
        const struct maps_region *r = &maps->r[i];
        char detail[64];

        if (!(all_kinds && always_shown(r->kind)) && !holds_var(mp, r)) {
            if (run_hi < 0)
                run_hi = i;
            continue;
        }
        if (run_hi >= 0)
            fold(mp, maps, run_hi, i + 1);
        run_hi = -1;
        snprintf(detail, sizeof detail, "%s %s", r->perms, r->path[0] ? tail(r->path) : "anonymous");
        /* After fork the kernel may list [heap] as two adjacent lines: one heap. */
        if (r->kind == MAPS_HEAP && mp->nregions > 0 && strcmp(mp->regions[mp->nregions - 1].name, maps_kind_name(MAPS_HEAP)) == 0 &&
            mp->regions[mp->nregions - 1].lo == r->hi) {
            mp->regions[mp->nregions - 1].lo = r->lo;
            continue;
        }
        map_region(mp, maps_kind_name(r->kind), detail, r->lo, r->hi, MS_NORMAL);
    }
    if (run_hi >= 0)
        fold(mp, maps, run_hi, 0);
}

void maputil_add_regions(struct m_map *mp, const struct maps *maps)
{
    add_regions(mp, maps, true);
}

void maputil_add_var_regions(struct m_map *mp, const struct maps *maps)
{
    add_regions(mp, maps, false);
}

int maputil_var_at(const struct m_map *mp, uint64_t addr)
{
    int best = -1;

    for (int i = 0; i < mp->nvars; i++) {
        const struct m_var *v = &mp->vars[i];
        if (v->addr == addr)
            return i;
        if (best < 0 && addr > v->addr && addr < v->addr + v->size)
            best = i;
    }
    return best;
}
