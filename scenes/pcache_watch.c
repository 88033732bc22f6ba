/* pcache_watch.c — the page-cache lab's fsync watcher: fsync blocks the lab's thread, so a
 * second thread reads /proc/meminfo every PCACHE_WATCH_MS meanwhile, reports the file's
 * residency live, and leaves Dirty and Writeback as a short series for the step. */
#include "scenes/pcache_lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fmt.h"

#define WATCH_CAP 6000          /* two minutes of samples */
#define PROGRESS_FOR_S 120      /* after this, no more progress: the step's timeout applies */

/* Appends one /proc/meminfo reading. */
static void sample(struct pcache *pc)
{
    struct pcache_watch *w = &pc->w;
    struct sys_mem m;

    if (pcache_read_mem(&m) != 0 || w->n >= w->cap)
        return;
    w->dirty[w->n] = (uint32_t)m.dirty;
    w->wb[w->n] = (uint32_t)m.writeback;
    w->last = pcache_now();
    if (w->n++ == 0)
        w->first = w->last;
}

/* What is left to write: the file's dirty + writeback pages (cachestat), else the
 * system's Dirty + Writeback in KiB. */
static uint64_t left(struct pcache *pc, const struct pcache_res *r, bool have)
{
    const struct pcache_watch *w = &pc->w;

    if (pc->cachestat && have)
        return r->dirty + r->wb;
    return w->n ? (uint64_t)w->dirty[w->n - 1] + w->wb[w->n - 1] : 0;
}

/* The file's pages and the progress line, while fsync runs. */
static void report_live(struct pcache *pc)
{
    const struct pcache_watch *w = &pc->w;
    struct pcache_res r;
    bool have = pcache_report_residency(pc, NULL, &r);
    uint64_t now_left = left(pc, &r, have);
    int pct = pc->dirty_start ? (int)(100 - now_left * 100 / pc->dirty_start) : 0;
    char b1[24], b2[24], text[96];

    if (!w->n || pcache_now() - pc->t0 > PROGRESS_FOR_S)
        return;
    fmt_count(b1, sizeof b1, w->dirty[w->n - 1]);
    fmt_count(b2, sizeof b2, w->wb[w->n - 1]);
    snprintf(text, sizeof text, "fsync: Dirty %s KiB, Writeback %s KiB", b1, b2);
    lab_progress(pc->lab, pct < 0 ? 0 : pct > 99 ? 99 : pct, text);
}

static void *watch_main(void *arg)
{
    struct pcache *pc = arg;
    struct timespec ts = { 0, PCACHE_WATCH_MS * 1000000L };

    for (int k = 1; !atomic_load(&pc->w.stop); k++) {
        nanosleep(&ts, NULL);
        sample(pc);
        if (k % 5 == 0)
            report_live(pc);
    }
    return NULL;
}

void pcache_watch_start(struct pcache *pc)
{
    struct pcache_watch *w = &pc->w;
    struct pcache_res r;
    bool have = pcache_residency(pc, &r);

    w->dirty = calloc(WATCH_CAP, sizeof *w->dirty);
    w->wb = calloc(WATCH_CAP, sizeof *w->wb);
    w->cap = w->dirty && w->wb ? WATCH_CAP : 0;
    w->n = 0;
    sample(pc);
    pc->dirty_start = left(pc, &r, have);
    if (w->n) {
        lab_fact(pc->lab, "f.dirty0", "%u", w->dirty[0]);
        lab_fact(pc->lab, "f.wb0", "%u", w->wb[0]);
    }
    atomic_store(&w->stop, 0);
    w->running = pthread_create(&w->th, NULL, watch_main, pc) == 0;
}

/* Up to PCACHE_SERIES points, each the largest sample of its stretch, as "a b c". */
static void series_fact(struct pcache *pc, const char *name, const uint32_t *v, int n, int per)
{
    char buf[200];
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && len < sizeof buf - 12; i += per) {
        uint32_t mx = 0;
        for (int k = i; k < i + per && k < n; k++)
            mx = v[k] > mx ? v[k] : mx;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%u", i ? " " : "", mx);
    }
    lab_fact(pc->lab, name, "%s", buf);
}

void pcache_watch_stop(struct pcache *pc, double secs)
{
    struct pcache_watch *w = &pc->w;
    uint32_t dmax = 0, wmax = 0, dmin = UINT32_MAX;
    int per;

    if (w->running) {
        atomic_store(&w->stop, 1);
        pthread_join(w->th, NULL);
        w->running = false;
    }
    sample(pc);
    lab_fact(pc->lab, "f.ns", "%.0f", secs * 1e9);
    for (int i = 0; i < w->n; i++) {
        dmax = w->dirty[i] > dmax ? w->dirty[i] : dmax;
        dmin = w->dirty[i] < dmin ? w->dirty[i] : dmin;
        wmax = w->wb[i] > wmax ? w->wb[i] : wmax;
    }
    if (w->n) {
        lab_fact(pc->lab, "f.dirty1", "%u", w->dirty[w->n - 1]);
        lab_fact(pc->lab, "f.wb1", "%u", w->wb[w->n - 1]);
        lab_fact(pc->lab, "f.dmax", "%u", dmax);
        lab_fact(pc->lab, "f.dmin", "%u", dmin);
        lab_fact(pc->lab, "f.wbmax", "%u", wmax);
        lab_fact(pc->lab, "f.nsamp", "%d", w->n);
        if (w->n > 1)
            lab_fact(pc->lab, "f.every", "%.1f", (w->last - w->first) * 1e3 / (w->n - 1));
        per = (w->n + PCACHE_SERIES - 1) / PCACHE_SERIES;
        series_fact(pc, "f.dser", w->dirty, w->n, per);
        series_fact(pc, "f.wser", w->wb, w->n, per);
    }
    free(w->dirty);
    free(w->wb);
    w->dirty = w->wb = NULL;
    w->cap = w->n = 0;
}
