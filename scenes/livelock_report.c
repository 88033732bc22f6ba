/* livelock_report.c — inside the livelock lab: what the walkers publish while they walk,
 * and the reporter thread and trial tallies that turn it into facts for oscope. */
#include "scenes/livelock_lab.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ll_seen ll_seen;
atomic_bool ll_stop_asked;

long long ll_now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long process_cpu_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

void ll_seen_reset(void)
{
    memset(&ll_seen, 0, sizeof ll_seen);
}

void ll_record(int id, int lane, int tries)
{
    int r = atomic_load_explicit(&ll_seen.round[id], memory_order_relaxed);

    atomic_store_explicit(&ll_seen.track[id][r % LL_RING], lane ? 'R' : 'L', memory_order_relaxed);
    atomic_store_explicit(&ll_seen.tries[id], tries, memory_order_relaxed);
    atomic_store_explicit(&ll_seen.round[id], r + 1, memory_order_release);
}

void ll_note_wait(int id, int wait)
{
    int n = atomic_load_explicit(&ll_seen.nwaits[id], memory_order_relaxed);

    atomic_store_explicit(&ll_seen.waits[id][n % LL_WAITS], wait, memory_order_relaxed);
    atomic_store_explicit(&ll_seen.nwaits[id], n + 1, memory_order_release);
}

/* "n w1 w2 ...": how many waits walker id drew, then the last ones, oldest first. */
static void waits_text(int id, char *buf, size_t cap)
{
    int n = atomic_load_explicit(&ll_seen.nwaits[id], memory_order_acquire);
    int first = n > LL_WAITS ? n - LL_WAITS : 0;
    size_t len = (size_t)snprintf(buf, cap, "%d", n);

    for (int k = first; k < n && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, " %d",
                                atomic_load_explicit(&ll_seen.waits[id][k % LL_WAITS],
                                                     memory_order_relaxed));
}

/* "LLRR.../LLRR...": both walkers' lanes over the last rounds both have looked. */
static int track_text(char *buf, size_t cap)
{
    int r0 = atomic_load_explicit(&ll_seen.round[0], memory_order_acquire);
    int r1 = atomic_load_explicit(&ll_seen.round[1], memory_order_acquire);
    int r = r0 < r1 ? r0 : r1, first = r > LL_TRACK ? r - LL_TRACK : 0;
    size_t len = 0;

    for (int id = 0; id < 2; id++) {
        for (int k = first; k < r && len + 1 < cap; k++)
            buf[len++] = atomic_load_explicit(&ll_seen.track[id][k % LL_RING], memory_order_relaxed);
        buf[len++] = id == 0 ? '/' : '\0';
    }
    return r;
}

/* The live run as facts: threads, rounds, steps aside, the track, waits, how it ends. */
static void report(struct lab_ctx *lab, const char *p, long long start)
{
    int d0 = atomic_load(&ll_seen.done[0]), d1 = atomic_load(&ll_seen.done[1]), r;
    char name[32], track[2 * LL_TRACK + 2], wbuf[LL_WAITS * 8 + 16];

    r = track_text(track, sizeof track);
    snprintf(name, sizeof name, "%s.tids", p);
    lab_fact(lab, name, "%d %d %d", atomic_load(&ll_seen.tid[0]), atomic_load(&ll_seen.tid[1]),
             atomic_load(&ll_seen.tid[2]));
    snprintf(name, sizeof name, "%s.round", p);
    lab_fact(lab, name, "%d", r);
    snprintf(name, sizeof name, "%s.tries", p);
    lab_fact(lab, name, "%d %d", atomic_load(&ll_seen.tries[0]), atomic_load(&ll_seen.tries[1]));
    snprintf(name, sizeof name, "%s.track", p);
    lab_fact(lab, name, "%s", track);
    for (int id = 0; id < 2; id++) {
        waits_text(id, wbuf, sizeof wbuf);
        snprintf(name, sizeof name, "%s.w%c", p, id ? 'B' : 'A');
        lab_fact(lab, name, "%s", wbuf);
    }
    snprintf(name, sizeof name, "%s.ms", p);
    lab_fact(lab, name, "%lld", (ll_now_ns() - start) / 1000000);
    snprintf(name, sizeof name, "%s.end", p);
    lab_fact(lab, name, "%s", d0 && d1 ? (d0 == 1 ? "passed" : "time-up") : "running");
}

void *ll_reporter_main(void *arg)
{
    const struct ll_reporter *rp = arg;
    const struct timespec nap = { 0, 200 * 1000 * 1000 };
    long long start = ll_now_ns();
    bool finished = false;

    atomic_store(&ll_seen.tid[2], (int)gettid());
    while (!atomic_load(&ll_stop_asked)) {
        nanosleep(&nap, NULL);
        if (!finished) {
            finished = atomic_load(&ll_seen.done[0]) && atomic_load(&ll_seen.done[1]);
            report(rp->lab, ll_prefix[rp->strategy], start);
        }
    }
    return NULL;
}

void ll_tally_start(struct ll_tally *t)
{
    memset(t, 0, sizeof *t);
    t->cpu0 = process_cpu_ns();
}

void ll_tally_add(struct ll_tally *t, int steps)
{
    long long ns = atomic_load(&ll_seen.ns[0]);

    t->done++;
    t->all_ns += ns;
    if (steps > t->max_steps)
        t->max_steps = steps;
    if (atomic_load(&ll_seen.done[0]) != 1) {
        t->never++;
        return;
    }
    t->passed++;
    t->pass_ns += ns;
    t->pass_rounds += atomic_load(&ll_seen.round[0]);
    t->bins[steps < 1 ? 0 : steps > LL_BINS ? LL_BINS - 1 : steps - 1]++;
}

void ll_tally_report(struct lab_ctx *lab, int strategy, const struct ll_tally *t)
{
    char name[32], bins[LL_BINS * 8];
    size_t len = 0;

    for (int i = 0; i < LL_BINS; i++)
        len += (size_t)snprintf(bins + len, sizeof bins - len, "%s%d", i ? " " : "", t->bins[i]);
    snprintf(name, sizeof name, "tr.%s.h", ll_prefix[strategy]);
    lab_fact(lab, name, "%s", bins);
    snprintf(name, sizeof name, "tr.%s", ll_prefix[strategy]);
    lab_fact(lab, name, "%d %d %d %.1f %.1f %.1f %d %lld", t->done, t->passed, t->never,
             t->passed ? (double)t->pass_ns / t->passed / 1e3 : -1.0,
             t->passed ? (double)t->pass_rounds / t->passed : -1.0,
             t->done ? (double)t->all_ns / t->done / 1e3 : -1.0, t->max_steps,
             (process_cpu_ns() - t->cpu0) / 1000000);
}

void ll_tally_progress(struct lab_ctx *lab, int strategy, int i, int k)
{
    char text[64];
    int pct = (int)((strategy * (long long)k + i) * 100 / (LL_NSTRAT * (long long)k));

    snprintf(text, sizeof text, "trials: %s %d of %d", ll_name[strategy], i, k);
    lab_progress(lab, pct, text);
}
