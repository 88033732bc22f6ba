/* fragmentation_view.c — the steps of the scene "fragmentation" that look at the heap:
 * the blocks allocated, every second one freed, the big request refused under a budget
 * and served by a new mapping without it. Facts in, model out; also the helpers
 * fragmentation_scene.c shares (see fragmentation.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenes/fragmentation.h"
#include "scenes/maputil.h"
#include "scenes/scene.h"
#include "util/fmt.h"

bool frag_point(const struct facts *f, const char *name, struct frag_point *pt)
{
    const char *s = facts_get(f, name);
    int k;

    memset(pt, 0, sizeof *pt);
    if (!s)
        return false;
    k = sscanf(s, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNx64
               " %" SCNx64 " %" SCNu64, &pt->inuse, &pt->free, &pt->arena, &pt->rss_kib,
               &pt->vm_kib, &pt->heap_lo, &pt->heap_hi, &pt->run);
    pt->have_run = k == 8;
    return k >= 7;
}

/* Cell bits -> legend index. Heap: 1 live, 2 free. Pool: 1 object, 2 free, 4 big. */
static const unsigned char heap_states[8] = { 3, 1, 0, 2, 2, 2, 2, 2 };
static const unsigned char pool_states[8] = { 0, 1, 0, 2, 3, 2, 2, 2 };

bool frag_grid(const struct facts *f, const char *name, bool pool, struct m_grid *g,
               uint64_t *lo, uint64_t *hi)
{
    const char *s = facts_get(f, name);
    const unsigned char *st = pool ? pool_states : heap_states;
    char hex[FRAG_CELLS + 2];
    int n = 0;

    if (!s || sscanf(s, "%" SCNx64 " %" SCNx64 " %91s", lo, hi, hex) != 3)
        return false;
    for (; hex[n] && n < FRAG_CELLS && n < GRID_MAX_CELLS; n++) {
        char c = hex[n];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0 || d > 7)
            return false;
        g->cell[n] = st[d];
    }
    g->ncells = n;
    if (pool) {
        snprintf(g->legend[0], sizeof g->legend[0], "free slot");
        snprintf(g->legend[1], sizeof g->legend[1], "object");
        snprintf(g->legend[3], sizeof g->legend[3], "big buffer");
    } else {
        snprintf(g->legend[0], sizeof g->legend[0], "free");
        snprintf(g->legend[1], sizeof g->legend[1], "used");
        snprintf(g->legend[3], sizeof g->legend[3], "not ours");
    }
    snprintf(g->legend[2], sizeof g->legend[2], "mixed");
    g->legend_style[0] = MS_FREED;
    g->legend_style[1] = MS_GOOD;
    g->legend_style[2] = MS_WARN;
    g->legend_style[3] = pool ? MS_ACCENT : MS_DIM;
    g->nlegend = 4;
    return true;
}

char *frag_bytes(char *buf, size_t cap, uint64_t bytes)
{
    return fmt_bytes(buf, cap, (double)bytes);
}

bool frag_skipped(const struct step_view *v, struct model *m)
{
    const char *why = facts_get(v->facts, "skip");
    const char *oom = facts_get(v->facts, "oom");
    struct m_text *t;

    if (!why && !oom)
        return false;
    if ((t = model_add_text(m, "n/a")))
        text_line(t, MS_WARN, "n/a: %s", why ? why : oom);
    model_headline(m, "n/a: the experiment did not run in this lab");
    model_say(m, "%s. This scene measures glibc's malloc in a lab sized from MemAvailable; "
                 "without that, nothing here would be a real measurement.", why ? why : oom);
    return true;
}

uint64_t frag_heap_now(const struct step_view *v, const struct frag_point *pt)
{
    uint64_t lo = 0, hi = 0;

    /* After fork the inherited heap and the part grown since are two [heap] lines. */
    for (int i = 0; v->maps && i < v->maps->n; i++) {
        if (v->maps->r[i].kind != MAPS_HEAP)
            continue;
        lo = lo == 0 || v->maps->r[i].lo < lo ? v->maps->r[i].lo : lo;
        hi = v->maps->r[i].hi > hi ? v->maps->r[i].hi : hi;
    }
    return hi > lo ? hi - lo : pt->heap_hi - pt->heap_lo;
}

uint64_t frag_rss_now(const struct step_view *v, const struct frag_point *pt)
{
    if (v->status && v->status_err == 0 && (v->status->have & PIDST_HAVE_VMRSS))
        return v->status->vm_rss_kib;
    return pt->rss_kib;
}

/* Rows comparing two moments; `now` is the newer one, whose [heap] and RSS come from
 * /proc/LAB/maps and /proc/LAB/status as recorded at this stop. */
void frag_compare(struct m_table *t, const struct step_view *v, const char *h1,
                  const struct frag_point *a, unsigned long live_a, const char *h2,
                  const struct frag_point *b, unsigned long live_b)
{
    char x[24], y[24];

    t->ncols = 3;
    snprintf(t->head[1], sizeof t->head[1], "%s", h1);
    snprintf(t->head[2], sizeof t->head[2], "%s", h2);
    t->right[1] = t->right[2] = true;
    table_row(t, MS_NORMAL, "blocks live", fmt_count(x, sizeof x, live_a),
              fmt_count(y, sizeof y, live_b));
    table_row(t, MS_ACCENT, "in use (uordblks)", frag_bytes(x, sizeof x, a->inuse),
              frag_bytes(y, sizeof y, b->inuse));
    table_row(t, MS_NORMAL, "free (fordblks)", frag_bytes(x, sizeof x, a->free),
              frag_bytes(y, sizeof y, b->free));
    table_row(t, MS_NORMAL, "arena (mallinfo2)", frag_bytes(x, sizeof x, a->arena),
              frag_bytes(y, sizeof y, b->arena));
    table_row(t, MS_NORMAL, "largest free run",
              a->have_run ? frag_bytes(x, sizeof x, a->run) : "n/a (no blocks)",
              b->have_run ? frag_bytes(y, sizeof y, b->run) : "n/a");
    table_row(t, MS_NORMAL, "[heap] (maps)", frag_bytes(x, sizeof x, a->heap_hi - a->heap_lo),
              frag_bytes(y, sizeof y, frag_heap_now(v, b)));
    table_row(t, MS_ACCENT, "RSS (VmRSS)", fmt_kib(x, sizeof x, (double)a->rss_kib),
              fmt_kib(y, sizeof y, (double)frag_rss_now(v, b)));
}

bool frag_blocks(const struct facts *f, unsigned long *n, unsigned long *usable,
                 unsigned long *stride, unsigned long *adjacent)
{
    const char *s = facts_get(f, "blocks");

    return s && sscanf(s, "%lu %lu %lu %lu", n, usable, stride, adjacent) == 4;
}

/* Adds the heap map of grid fact `fact`; returns how many cells hold none of our blocks
 * (-1 when the fact is missing). */
static int heap_grid(const struct step_view *v, struct model *m, const char *fact)
{
    struct m_grid g, *gp;
    uint64_t lo, hi;
    char cell[24], title[64];
    int other = 0;

    memset(&g, 0, sizeof g);
    if (!frag_grid(v->facts, fact, false, &g, &lo, &hi))
        return -1;
    frag_bytes(cell, sizeof cell, (hi - lo + FRAG_CELLS - 1) / FRAG_CELLS);
    snprintf(title, sizeof title, "[heap] %" PRIx64 ", 1 cell = %s", lo, cell);
    if ((gp = model_add_grid(m, title)))
        *gp = g;
    for (int i = 0; i < g.ncells; i++)
        other += g.cell[i] == 3;
    return other;
}

void frag_step_alloc(const struct step_view *v, struct model *m)
{
    struct frag_point p0, pa;
    unsigned long n = 0, usable = 0, stride = 0, adj = 0;
    char c[24], h[24], r[24], nn[24];
    struct m_table *t;
    int other;

    if (frag_skipped(v, m))
        return;
    if (!frag_blocks(v->facts, &n, &usable, &stride, &adj) ||
        !frag_point(v->facts, "pt.0", &p0) ||
        !frag_point(v->facts, "pt.A", &pa)) {
        model_headline(m, "Allocating the blocks...");
        return;
    }
    other = heap_grid(v, m, "grid.A");
    if ((t = model_add_table(m, "mallinfo2 and /proc/LAB/{maps,status}")))
        frag_compare(t, v, "before", &p0, 0, "after", &pa, n);
    model_headline(m, "%s blocks of 1 KiB: the heap grew to %s", fmt_count(c, sizeof c, n),
                   frag_bytes(h, sizeof h, frag_heap_now(v, &pa)));
    model_say(m, "Each malloc(1024) got %lu usable bytes and took %lu of heap with malloc's "
                 "header: %s of %s neighbours lie exactly %lu bytes apart. The blocks form "
                 "one solid run, and RSS is %s.",
              usable, stride, fmt_count(r, sizeof r, adj), fmt_count(nn, sizeof nn, n - 1),
              stride, fmt_kib(c, sizeof c, (double)frag_rss_now(v, &pa)));
    if (facts_get(v->facts, "blocks.asked"))
        model_say(m, " (blocks=%s was asked: the lab keeps between %u and what 1/8 of "
                     "MemAvailable allows.)", facts_get(v->facts, "blocks.asked"), FRAG_MIN);
    else if (other > 0)
        model_say(m, " Cells marked not ours hold oscope's own data, inherited at fork.");
}

void frag_step_free(const struct step_view *v, struct model *m)
{
    struct frag_point pa, pb;
    unsigned long n = 0, usable = 0, stride = 0, adj = 0;
    char cnt[24], a[24], b[24], r1[24], r2[24], h[24], run[24];
    struct m_table *t;

    if (frag_skipped(v, m))
        return;
    if (!frag_blocks(v->facts, &n, &usable, &stride, &adj) ||
        !frag_point(v->facts, "pt.A", &pa) ||
        !frag_point(v->facts, "pt.B", &pb))
        return;
    heap_grid(v, m, "grid.B");
    if ((t = model_add_table(m, "mallinfo2 and /proc/LAB/{maps,status}")))
        frag_compare(t, v, "allocated", &pa, n, "freed half", &pb, n - n / 2);
    model_headline(m, "Half of it is free, and RSS has not moved");
    model_say(m, "free() gave %s blocks back to malloc, not to the kernel: in use fell from %s "
                 "to %s while RSS stayed %s -> %s and [heap] %s. Every cell now mixes live "
                 "and freed blocks; the largest free run is %s.",
              fmt_count(cnt, sizeof cnt, n / 2), frag_bytes(a, sizeof a, pa.inuse),
              frag_bytes(b, sizeof b, pb.inuse), fmt_kib(r1, sizeof r1, (double)pa.rss_kib),
              fmt_kib(r2, sizeof r2, (double)frag_rss_now(v, &pb)),
              frag_bytes(h, sizeof h, frag_heap_now(v, &pb)),
              frag_bytes(run, sizeof run, pb.run));
}

/* "want little budget vmsize" of the refused request, bytes. */
bool frag_request(const struct facts *f, uint64_t *want, uint64_t *little, uint64_t *budget,
                  uint64_t *vm)
{
    const char *s = facts_get(f, "req");

    return s && sscanf(s, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, want, little, budget,
                       vm) == 4;
}

/* "address errno-name|-" of a malloc; false when not reported. */
bool frag_result(const struct facts *f, const char *name, uint64_t *addr, char *err, size_t cap)
{
    const char *s = facts_get(f, name);
    char e[32];

    if (!s || sscanf(s, "%" SCNx64 " %31s", addr, e) != 2)
        return false;
    snprintf(err, cap, "%s", e);
    return true;
}

static void zoom_grid(const struct step_view *v, struct model *m, unsigned long stride)
{
    const char *s = facts_get(v->facts, "zoom");
    char bits[FRAG_ZOOM + 2], title[64];
    unsigned long adj;
    uint64_t lo;
    struct m_grid *g;

    if (!s || sscanf(s, "%" SCNx64 " %lu %91s", &lo, &adj, bits) != 3)
        return;
    snprintf(title, sizeof title, "1 cell = 1 block, from %" PRIx64, lo);
    if (!(g = model_add_grid(m, title)))
        return;
    for (int k = 0; bits[k] && k < FRAG_ZOOM; k++)
        g->cell[g->ncells++] = bits[k] == '1' ? 1 : 0;
    snprintf(g->legend[0], sizeof g->legend[0], "freed (a hole)");
    snprintf(g->legend[1], sizeof g->legend[1], "live block");
    g->legend_style[0] = MS_FREED;
    g->legend_style[1] = MS_GOOD;
    g->nlegend = 2;
    if (adj + 1 < FRAG_ZOOM)
        snprintf(g->caption, sizeof g->caption,
                 "only %lu of %d lie %lu bytes after the one before", adj, FRAG_ZOOM - 1, stride);
}

/* A two-column table whose heading row already says something: label, value. */
struct m_table *frag_pairs(struct model *m, const char *title, const char *label,
                           const char *value)
{
    struct m_table *t = model_add_table(m, title);

    if (!t)
        return NULL;
    t->ncols = 2;
    t->right[1] = true;
    snprintf(t->head[0], sizeof t->head[0], "%.15s", label);
    snprintf(t->head[1], sizeof t->head[1], "%.15s", value);
    return t;
}

void frag_step_refused(const struct step_view *v, struct model *m)
{
    uint64_t want, little, budget, vm, addr;
    unsigned long n = 0, usable = 0, stride = 0, adj = 0;
    struct frag_point pb;
    char w[24], fr[24], run[24], l[24], vms[24], bud[48], err[32], res[48];
    struct m_table *t;

    if (frag_skipped(v, m))
        return;
    if (!frag_request(v->facts, &want, &little, &budget, &vm) ||
        !frag_point(v->facts, "pt.B", &pb) ||
        !frag_result(v->facts, "big.C", &addr, err, sizeof err) ||
        !frag_blocks(v->facts, &n, &usable, &stride, &adj))
        return;
    zoom_grid(v, m, stride);
    frag_bytes(w, sizeof w, want);
    frag_bytes(fr, sizeof fr, pb.free);
    frag_bytes(run, sizeof run, pb.run);
    frag_bytes(l, sizeof l, little);
    if ((t = frag_pairs(m, "malloc, setrlimit, mallinfo2", "request", w))) {
        snprintf(bud, sizeof bud, "VmSize + %s", l);
        if (addr == 0)
            snprintf(res, sizeof res, "NULL, errno %s", err);
        else
            snprintf(res, sizeof res, "0x%" PRIx64, addr);
        table_row(t, MS_NORMAL, "free (fordblks)", fr);
        table_row(t, MS_NORMAL, "largest free run", run);
        table_row(t, MS_NORMAL, "VmSize (status)", frag_bytes(vms, sizeof vms, vm));
        table_row(t, MS_NORMAL, "budget (RLIMIT_AS)", bud);
        table_row(t, addr ? MS_GOOD : MS_BAD, "malloc(request)", res);
    }
    if (addr != 0) {
        model_headline(m, "Not refused: malloc found %s in one piece", w);
        model_say(m, "The request fit under the budget after all: some free chunk or the heap's "
                     "top held it. The holes between our blocks are still %s at most.", run);
        return;
    }
    model_headline(m, "Refused: %s asked, %s free, no hole over %s", w, fr, run);
    model_say(m, "No hole holds %s, so malloc must get new address space: a mapping of its "
                 "own (128 KiB and up, M_MMAP_THRESHOLD) or a bigger heap (brk). RLIMIT_AS "
                 "allows %s more: both fail. NULL, errno %s.", w, l, err);
}

void frag_step_mmap(const struct step_view *v, struct model *m)
{
    uint64_t want, little, budget, vm, addr, vm2 = 0, p1 = 0, size = 0;
    const char *s = facts_get(v->facts, "big.D");
    char w[24], a[24], b[24], grew[24], buf[64];
    struct m_table *t;
    struct m_map *mp;
    int r = -1;

    if (frag_skipped(v, m))
        return;
    if (!s || sscanf(s, "%" SCNx64 " %" SCNu64, &addr, &vm2) != 2 ||
        !frag_request(v->facts, &want, &little, &budget, &vm))
        return;
    frag_bytes(w, sizeof w, want);
    frag_bytes(grew, sizeof grew, vm2 > vm ? vm2 - vm : 0);
    if (v->maps && v->maps->n > 0 && addr)
        r = maps_find(v->maps, addr);
    if (addr)
        snprintf(buf, sizeof buf, "0x%" PRIx64, addr);
    t = frag_pairs(m, "the same request, no budget", "malloc(request)", addr ? buf : "NULL");
    if (t) {
        if (r >= 0) {
            const struct maps_region *mr = &v->maps->r[r];
            size = mr->hi - mr->lo;
            snprintf(buf, sizeof buf, "%" PRIx64 "-%" PRIx64, mr->lo, mr->hi);
            table_row(t, MS_NORMAL, "in mapping", buf);
            /* The kernel merges it with an adjacent anonymous mapping when it can. */
            snprintf(buf, sizeof buf, "%s %s", frag_bytes(a, sizeof a, size),
                     size > want + 2 * 4096 ? "incl. a neighbour" : mr->perms);
            table_row(t, MS_NORMAL, "its size", buf);
        } else {
            table_row(t, MS_NORMAL, "in mapping",
                      addr ? "n/a (not in the recorded maps)" : "none");
        }
        snprintf(buf, sizeof buf, "%s -> %s", frag_bytes(a, sizeof a, vm),
                 frag_bytes(b, sizeof b, vm2));
        table_row(t, MS_NORMAL, "VmSize (status)", buf);
    }
    if ((mp = model_add_map(m, "where it went (/proc/LAB/maps)"))) {
        if (addr)
            map_var(mp, "big", "char[]", addr, (unsigned)want, w, MS_ACCENT);
        /* The first and the last live block: after fork the heap shows as two mappings. */
        if (facts_u64(v->facts, "p1", &p1))
            map_var(mp, "p[1]", "char[1024]", p1, FRAG_BLOCK, "a live block", MS_NORMAL);
        if (facts_u64(v->facts, "plast", &p1))
            map_var(mp, "p[n-1]", "char[1024]", p1, FRAG_BLOCK, "a live block", MS_NORMAL);
        maputil_add_var_regions(mp, v->maps);
        map_place_vars(mp);
    }
    if (!addr) {
        model_headline(m, "Even without the budget, malloc returned NULL");
        model_say(m, "The lab's own limits left no room for %s more.", w);
        return;
    }
    model_headline(m, "No budget: a new %s mapping; the holes stay empty", w);
    model_say(m, "No hole fits, so glibc mapped a new region for it (every request of 128 KiB "
                 "or more gets one: M_MMAP_THRESHOLD, pinned by the lab). VmSize +%s. On "
                 "64-bit, fragmentation usually costs bloat, not failure; malloc fails where "
                 "address space or memory is bounded (32-bit, ulimit -v, cgroups).", grew);
}
