/* fragmentation_scene.c — the scene "fragmentation" itself: the steps after the heap
 * (two pools by lifetime, malloc_trim twice, usable sizes), its prediction, its quiz,
 * and how many blocks its lab may use on this machine. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "probes/sysinfo.h"
#include "scenes/fragmentation.h"
#include "scenes/optcheck.h"
#include "scenes/scene.h"
#include "util/fmt.h"

extern const struct scene_source scene_src_fragmentation;

static unsigned long blocks_of(const struct facts *f, unsigned long *stride)
{
    unsigned long n = 0, usable, adj;

    *stride = 0;
    frag_blocks(f, &n, &usable, stride, &adj);
    return n;
}

static void pool_step(const struct step_view *v, struct model *m)
{
    uint64_t want, little, budget, vm, area = 0, carved = 0, run = 0, big = 0, lo, hi;
    unsigned long stride, n = blocks_of(v->facts, &stride), slots = 0;
    const char *pf = facts_get(v->facts, "pool");
    char w[24], l[24], cell[24], err[32], buf[64], title[64];
    struct m_grid g, *gp;
    struct m_table *t;

    if (frag_skipped(v, m))
        return;
    memset(&g, 0, sizeof g);
    if (!pf ||
        sscanf(pf, "%" SCNx64 " %lu %" SCNu64 " %" SCNx64, &area, &slots, &carved, &run) != 4 ||
        !frag_request(v->facts, &want, &little, &budget, &vm) ||
        !frag_result(v->facts, "big.P", &big, err, sizeof err) ||
        !frag_grid(v->facts, "grid.P", true, &g, &lo, &hi))
        return;
    frag_bytes(w, sizeof w, want);
    frag_bytes(l, sizeof l, little);
    snprintf(title, sizeof title, "pools, one mmap at %" PRIx64 ", 1 cell = %s", lo,
             frag_bytes(cell, sizeof cell, (hi - lo + FRAG_CELLS - 1) / FRAG_CELLS));
    if ((gp = model_add_grid(m, title)))
        *gp = g;
    if ((t = frag_pairs(m, "the same churn, the same request", "request", w))) {
        table_row(t, MS_NORMAL, "1 KiB slots", fmt_count(buf, sizeof buf, slots));
        table_row(t, MS_NORMAL, "objects live (keep)", fmt_count(buf, sizeof buf, n - n / 2));
        if (run)
            snprintf(buf, sizeof buf, "at 0x%" PRIx64, run);
        else
            snprintf(buf, sizeof buf, "n/a (temp not empty)");
        table_row(t, run ? MS_GOOD : MS_BAD, "carved from temp", buf);
        if (big)
            snprintf(buf, sizeof buf, "0x%" PRIx64, big);
        else
            snprintf(buf, sizeof buf, "NULL, errno %s", err);
        table_row(t, big ? MS_GOOD : MS_BAD, "malloc, same budget", buf);
        snprintf(buf, sizeof buf, "VmSize + %s", l);
        table_row(t, MS_NORMAL, "budget (RLIMIT_AS)", buf);
    }
    if (!run) {
        model_headline(m, "The temp pool did not empty: nothing to carve");
        return;
    }
    model_headline(m, "Pools by lifetime: %s fits under the same budget", w);
    model_say(m, "Objects that die young came from pool temp, the rest from keep (one mmap, 1 "
                 "KiB slots, a free list). When every second object died, temp emptied: its "
                 "slots are one run, and %s was carved from it with no syscall. malloc still "
                 "says %s. Keep together what dies together.", w, big ? "yes" : err);
}

static void trim_rows(struct m_table *t, const struct step_view *v, const struct frag_point *a,
                      const struct frag_point *b, unsigned long live, int gave)
{
    char x[24], y[24];

    t->ncols = 3;
    snprintf(t->head[1], sizeof t->head[1], "before trim");
    snprintf(t->head[2], sizeof t->head[2], "after trim");
    t->right[1] = t->right[2] = true;
    table_row(t, MS_NORMAL, "blocks live", fmt_count(x, sizeof x, live),
              fmt_count(y, sizeof y, live));
    table_row(t, MS_NORMAL, "in use (uordblks)", frag_bytes(x, sizeof x, a->inuse),
              frag_bytes(y, sizeof y, b->inuse));
    table_row(t, MS_NORMAL, "largest free run", frag_bytes(x, sizeof x, a->run),
              frag_bytes(y, sizeof y, b->run));
    table_row(t, MS_NORMAL, "[heap] (maps)", frag_bytes(x, sizeof x, a->heap_hi - a->heap_lo),
              frag_bytes(y, sizeof y, frag_heap_now(v, b)));
    table_row(t, MS_ACCENT, "RSS (VmRSS)", fmt_kib(x, sizeof x, (double)a->rss_kib),
              fmt_kib(y, sizeof y, (double)frag_rss_now(v, b)));
    snprintf(y, sizeof y, "returned %d", gave);
    table_row(t, MS_DIM, "malloc_trim(0)", "", y);
}

static int fact_int(const struct facts *f, const char *name)
{
    const char *s = facts_get(f, name);
    int x = 0;

    if (s)
        sscanf(s, "%d", &x);
    return x;
}

static void trim_step(const struct step_view *v, struct model *m)
{
    struct frag_point a, b;
    unsigned long stride, n = blocks_of(v->facts, &stride);
    char r1[24], r2[24];
    struct m_table *t;

    if (frag_skipped(v, m))
        return;
    if (!frag_point(v->facts, "pt.T0", &a) || !frag_point(v->facts, "pt.T1", &b))
        return;
    if ((t = model_add_table(m, "malloc_trim(0), mallinfo2, /proc/LAB/status")))
        trim_rows(t, v, &a, &b, n - n / 2, fact_int(v->facts, "trim.T"));
    fmt_kib(r1, sizeof r1, (double)a.rss_kib);
    fmt_kib(r2, sizeof r2, (double)frag_rss_now(v, &b));
    model_headline(m, "malloc_trim(0) on 1 KiB holes: RSS %s -> %s", r1, r2);
    model_say(m, "malloc_trim gives memory back with madvise(MADV_DONTNEED), but only whole "
                 "4 KiB pages inside free chunks (and the heap's free top). Each hole here is "
                 "%lu bytes between two live blocks, so no page is free as a whole: there is "
                 "next to nothing to give.", stride);
}

static void hist_bar(struct m_hist *h, const char *label, uint64_t bytes, enum mstyle st)
{
    if (h->nbins >= HIST_MAX_BINS)
        return;
    snprintf(h->label[h->nbins], sizeof h->label[0], "%s", label);
    /* Tenths of a MiB, whole MiB from 100 on: the bar's label then stays short. */
    uint64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
    h->value[h->nbins] = tenths >= 1000 ? (double)((tenths + 5) / 10) : (double)tenths / 10.0;
    h->style[h->nbins++] = st;
}

static void trim2_step(const struct step_view *v, struct model *m)
{
    struct frag_point a, b;
    unsigned long stride, n = blocks_of(v->facts, &stride);
    char r1[24], r2[24], run[24], heap[24];
    struct m_table *t;
    struct m_hist *h;

    if (frag_skipped(v, m))
        return;
    if (!frag_point(v->facts, "pt.U0", &a) || !frag_point(v->facts, "pt.U1", &b))
        return;
    if ((t = model_add_table(m, "malloc_trim(0), mallinfo2, /proc/LAB/status")))
        trim_rows(t, v, &a, &b, n / 16, fact_int(v->facts, "trim.U"));
    if ((h = model_add_hist(m, "MiB: RSS falls, [heap] stays"))) {
        snprintf(h->unit, sizeof h->unit, "MiB");
        hist_bar(h, "in use", b.inuse, MS_GOOD);
        hist_bar(h, "RSS before", a.rss_kib * 1024, MS_WARN);
        hist_bar(h, "RSS after", frag_rss_now(v, &b) * 1024, MS_ACCENT);
        hist_bar(h, "[heap]", frag_heap_now(v, &b), MS_DIM);
    }
    fmt_kib(r1, sizeof r1, (double)a.rss_kib);
    fmt_kib(r2, sizeof r2, (double)frag_rss_now(v, &b));
    model_headline(m, "Keep 1 block in 16, trim again: RSS %s -> %s", r1, r2);
    model_say(m, "Now the free runs are %s long and cover whole pages: malloc_trim gave them "
                 "back. [heap] is still %s: a live block sits near its top, so the heap "
                 "cannot shrink. The addresses stay; only the pages behind them went back.",
              frag_bytes(run, sizeof run, a.run),
              frag_bytes(heap, sizeof heap, frag_heap_now(v, &b)));
}

/* The usable size the lab measured for a request of `ask` bytes, or 0. */
static unsigned long usable_of(const char *list, unsigned long ask)
{
    unsigned long a, got;
    int used = 0;

    while (list && sscanf(list, "%lu:%lu%n", &a, &got, &used) == 2) {
        if (a == ask)
            return got;
        list += used;
    }
    return 0;
}

static void usable_step(const struct step_view *v, struct model *m)
{
    const char *s = facts_get(v->facts, "usable");
    unsigned long stride, ask, got;
    struct m_table *t;
    int used = 0;

    blocks_of(v->facts, &stride);
    if (frag_skipped(v, m) || !s)
        return;
    if ((t = model_add_table(m, "malloc(asked), then malloc_usable_size"))) {
        t->ncols = 3;
        snprintf(t->head[0], sizeof t->head[0], "asked");
        snprintf(t->head[1], sizeof t->head[1], "usable");
        snprintf(t->head[2], sizeof t->head[2], "unused");
        t->right[0] = t->right[1] = t->right[2] = true;
        for (const char *l = s; sscanf(l, "%lu:%lu%n", &ask, &got, &used) == 2; l += used) {
            char a[24], g[24], u[24];
            snprintf(a, sizeof a, "%lu B", ask);
            snprintf(g, sizeof g, "%lu B", got);
            snprintf(u, sizeof u, "%lu B", got >= ask ? got - ask : 0);
            table_row(t, got > ask && got - ask >= ask / 4 ? MS_WARN : MS_NORMAL, a, g, u);
        }
    }
    model_headline(m, "Internal fragmentation: each block holds a bit more than asked");
    model_say(m, "malloc rounds a request up to its chunk size (a multiple of 16, with 8 bytes "
                 "for malloc's size field). malloc(1) gives %lu usable bytes, malloc(1000) "
                 "%lu, malloc(1024) %lu, and the 1 KiB blocks lay %lu bytes apart. The unused "
                 "tail inside a block is internal fragmentation.",
              usable_of(s, 1), usable_of(s, 1000), usable_of(s, 1024), stride);
}

/* The prediction before the refused request: 0 it fits, 1 NULL. */
static int refused_outcome(const struct step_view *v)
{
    uint64_t addr;
    char err[32];

    if (!frag_result(v->facts, "big.C", &addr, err, sizeof err))
        return -1;
    return addr ? 0 : 1;
}

static const struct prediction predict_refused = {
    "Half the heap is free, in 1 KiB holes. With address space capped, the lab asks for half "
    "of that in one piece. What happens?",
    { "it succeeds: enough bytes are free", "malloc returns NULL (ENOMEM)",
      "malloc compacts the live blocks", "the kernel kills the lab" },
    refused_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "alloc", .title = "allocate 1 KiB blocks", .build = frag_step_alloc,
      .timeout_s = 60 },
    { .marker = "free", .title = "free every second", .build = frag_step_free, .timeout_s = 30 },
    { .marker = "refused", .title = "big request, budget", .build = frag_step_refused,
      .timeout_s = 30, .predict = &predict_refused },
    { .marker = "mmap", .title = "big request, no budget", .build = frag_step_mmap },
    { .marker = "pool", .title = "pools by lifetime", .build = pool_step, .timeout_s = 60 },
    { .marker = "trim", .title = "malloc_trim", .build = trim_step, .timeout_s = 30 },
    { .marker = "trim2", .title = "free more, trim", .build = trim2_step, .timeout_s = 30 },
    { .marker = "usable", .title = "usable size", .build = usable_step },
};

static const struct quiz_question quiz[] = {
    { "Every second 1 KiB block was freed: half the heap is free. Why can a request for half "
      "of that fail?",
      { "free() has not finished yet", "they are 1 KiB holes, not one piece",
        "the kernel took the freed pages", "malloc never reuses freed memory" }, 1,
      "A block needs one run of addresses; live blocks pin the holes apart." },
    { "On 64-bit with no limits, what does this fragmentation usually cost?",
      { "a crash at the next malloc", "memory and address space: bloat",
        "nothing: the kernel compacts the heap", "slower free() calls" }, 1,
      "malloc maps new memory for the big block; the holes keep their pages." },
    { "Why did malloc_trim lower RSS only once 15 of every 16 blocks were free?",
      { "it runs only every few seconds", "it returns whole free pages only",
        "the heap had to shrink first", "RSS counts freed blocks until exit" }, 1,
      "A 1040-byte hole never covers a whole 4 KiB page; a 15-block run does." },
    { "Why did the big request fit into the pools under the same budget?",
      { "pools use less memory per object", "what died together had lived together",
        "the pool asked the kernel for more", "the budget does not apply to mmap" }, 1,
      "All of temp's objects died, so its slots were one free run to carve from." },
};

/* The default block count: FRAG_DEFAULT, or fewer on a machine with less room. */
static const char *default_option(void)
{
    static char buf[32];
    struct sysinfo *si = sysinfo_new("/proc");
    struct sys_mem mem;
    unsigned long n = FRAG_MIN;

    if (si && sysinfo_mem(si, &mem) == 0 && frag_blocks_for(mem.available, FRAG_DEFAULT) > 0)
        n = frag_blocks_for(mem.available, FRAG_DEFAULT);
    sysinfo_free(si);
    snprintf(buf, sizeof buf, "blocks=%lu", n);
    return buf;
}

static int check_option(const char *opt, char *err, unsigned cap)
{
    static const struct opt_key keys[] = { { "blocks", FRAG_MIN, FRAG_MAX } };

    return optcheck_ints(opt, keys, 1, err, cap);
}

static const char *const presets[] = { "blocks=20000", "blocks=100000", "blocks=400000", NULL };

const struct scene scene_fragmentation = {
    .id = "fragmentation",
    .title = "Plenty free, nothing fits",
    .summary = "1 KiB blocks, half freed: free memory no big request can use, and the fixes",
    .lab = frag_lab_main,
    /* FRAG_MAX blocks at FRAG_PEAK_PER_BLOCK is under 1 GiB; the rest is oscope itself. */
    .limits = { .as_bytes = (uint64_t)1536 << 20, .cpu_s = 60 },
    .source = &scene_src_fragmentation,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_RSS, CTR_P_VMSIZE, CTR_P_MINFLT_RATE, CTR_MEM_AVAILABLE },
    .ncounters = 4,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
    .default_option = default_option,
    .check_option = check_option,
    .presets = presets,
};
