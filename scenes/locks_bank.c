/* locks_bank.c — the steps of the scene "locks" about bank transfers: the deadlock drawn
 * as a wait-for graph with its cycle, then the two fixes (lock ordering, a timed lock
 * with back-off) with balances before and after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/locks.h"
#include "scenes/scene.h"

#define BANK_THREADS 2

/* A thread of a bank run as the lab reported it. */
struct payer {
    pid_t tid;               /* 0: not reported */
    char holds[8], wants[8]; /* lock names, "" when none reported */
};

static void payers_read(const struct step_view *v, struct payer *p)
{
    for (int k = 1; k <= BANK_THREADS; k++) {
        const char *s = locks_fact(v, "d%d.tid", k);
        const char *h = locks_fact(v, "d%d.holds", k);
        const char *w = locks_fact(v, "d%d.wants", k);
        p[k - 1].tid = s ? (pid_t)strtol(s, NULL, 10) : 0;
        snprintf(p[k - 1].holds, sizeof p[k - 1].holds, "%s", h ? h : "");
        snprintf(p[k - 1].wants, sizeof p[k - 1].wants, "%s", w ? w : "");
    }
}

/* The thread (0-based) whose held lock thread i wants, or -1: an edge of the
 * wait-for graph. */
static int waits_for(const struct payer *p, int i)
{
    if (!p[i].wants[0])
        return -1;
    for (int j = 0; j < BANK_THREADS; j++)
        if (j != i && strcmp(p[j].holds, p[i].wants) == 0)
            return j;
    return -1;
}

/* Follows wait-for edges from thread 0; the length of the cycle back to it, 0 if none. */
static int cycle_len(const struct payer *p)
{
    int i = 0;

    for (int n = 1; n <= BANK_THREADS; n++) {
        i = waits_for(p, i);
        if (i < 0)
            return 0;
        if (i == 0)
            return n;
    }
    return 0;
}

/* The wait-for graph: the two-thread cycle drawn as a loop, otherwise its edges. */
static void graph(struct model *m, const struct payer *p)
{
    struct m_text *t = model_add_text(m, "wait-for graph, from the lab's reports");

    if (!t)
        return;
    if (cycle_len(p) == 2) {
        text_line(t, MS_BAD, "  [t1] ----wants----> (%s)", p[0].wants);
        text_line(t, MS_BAD, "   ^                    |");
        text_line(t, MS_BAD, "   | held by    held by |");
        text_line(t, MS_BAD, "   |                    v");
        text_line(t, MS_BAD, "  (%s) <----wants---- [t2]", p[1].wants);
        text_line(t, MS_BAD, "CYCLE: t1 -> %s -> t2 -> %s -> t1 = deadlock", p[0].wants,
                  p[1].wants);
        return;
    }
    for (int i = 0; i < BANK_THREADS; i++) {
        int j = waits_for(p, i);
        char held[24] = "";
        if (j >= 0)
            snprintf(held, sizeof held, " (held by t%d)", j + 1);
        text_line(t, MS_NORMAL, "[t%d] holds (%s), wants (%s)%s", i + 1,
                  p[i].holds[0] ? p[i].holds : "-", p[i].wants[0] ? p[i].wants : "-", held);
    }
    text_line(t, MS_GOOD, "no cycle: a thread can still go on");
}

static void payers_table(const struct step_view *v, struct model *m, const struct payer *p,
                         bool cycle)
{
    static const char *const head[] = { "thr", "TID", "st", "CPU", "vol/inv", "holds",
                                        "wants" };
    struct m_table *t = model_add_table(m, "threads (/proc/LAB/task), CPU in s");
    struct locks_cells cl;
    char tid[16], name[8];

    if (!t)
        return;
    locks_table_head(t, head, 7, 0x1a);
    locks_thread_cells(v, locks_task(v, v->pid), &cl);
    snprintf(tid, sizeof tid, "%d", (int)v->pid);
    table_row(t, MS_DIM, "main", tid, cl.state, cl.cpu, cl.csw, "-", "-");
    for (int i = 0; i < BANK_THREADS; i++) {
        const struct task_sample *ts = locks_task(v, p[i].tid);
        if (!p[i].tid)
            continue;
        locks_thread_cells(v, ts, &cl);
        snprintf(name, sizeof name, "t%d", i + 1);
        snprintf(tid, sizeof tid, "%d", (int)p[i].tid);
        table_row(t, cycle ? MS_BAD : MS_NORMAL, name, tid, ts ? cl.state : "gone", cl.cpu,
                  cl.csw, p[i].holds[0] ? p[i].holds : "-", p[i].wants[0] ? p[i].wants : "-");
    }
}

void locks_step_deadlock(const struct step_view *v, struct model *m)
{
    struct payer p[BANK_THREADS];
    const char *stuck = locks_fact(v, "d.stuck");
    bool cycle;
    struct locks_cells c1, c2;

    payers_read(v, p);
    cycle = cycle_len(p) == 2;
    graph(m, p);
    payers_table(v, m, p, cycle);
    if (!cycle || !stuck || strcmp(stuck, "1") != 0) {
        model_headline(m, "This time the two transfers did not deadlock");
        model_say(m, "The lab did not see both threads blocked on each other's lock (the "
                     "timing is up to the scheduler). Press r to run the lab again.");
        return;
    }
    locks_thread_cells(v, locks_task(v, p[0].tid), &c1);
    locks_thread_cells(v, locks_task(v, p[1].tid), &c2);
    model_headline(m, "Deadlock: t1 holds %s, waits for %s; t2 holds %s, waits for %s",
                   p[0].holds, p[0].wants, p[1].holds, p[1].wants);
    model_say(m, "Each thread locked its payer's account, paused %s ms, then asked for the "
                 "other's. Now each sleeps (t1 %s, t2 %s) waiting for a thread that waits "
                 "for it: a cycle, so nobody will ever unlock. No CPU (%s s, %s s), no error, "
                 "no timeout. Only killing the lab ends them, as oscope does when you leave.",
              locks_fact(v, "pause_ms") ? locks_fact(v, "pause_ms") : "?", c1.state, c2.state,
              c1.cpu, c2.cpu);
}

/* ---------------- the fixes ---------------- */

/* One payer of a fix run: "<done> <of> <sum> <retries>". */
struct job_done {
    int done, times, sum, retries;
    bool ok;
};

static struct job_done job_read(const struct step_view *v, char run, int k)
{
    struct job_done j = { 0 };
    const char *s = locks_fact(v, "%c%d.done", run, k);

    j.ok = s && sscanf(s, "%d %d %d %d", &j.done, &j.times, &j.sum, &j.retries) == 4;
    return j;
}

static bool fact_int(const struct step_view *v, const char *name, long *out)
{
    const char *s = locks_fact(v, "%s", name);
    char *end;

    if (!s)
        return false;
    *out = strtol(s, &end, 10);
    return end != s;
}

/* Balances before and after; true when the total is the same. */
static bool balances(const struct step_view *v, struct model *m, char run)
{
    static const char *const head[] = { "account", "before", "after" };
    struct m_table *t = model_add_table(m, "balances (the lab's accounts)");
    char n[8], a0[16], b0[16], a[16], b[16], tb[16], ta[16];
    long va0 = 0, vb0 = 0, va = 0, vb = 0;
    bool have;

    snprintf(n, sizeof n, "%c.A0", run);
    have = fact_int(v, n, &va0);
    snprintf(n, sizeof n, "%c.B0", run);
    have = fact_int(v, n, &vb0) && have;
    snprintf(n, sizeof n, "%c.A", run);
    have = fact_int(v, n, &va) && have;
    snprintf(n, sizeof n, "%c.B", run);
    have = fact_int(v, n, &vb) && have;
    if (!t)
        return have && va + vb == va0 + vb0;
    locks_table_head(t, head, 3, 0x6);
    snprintf(a0, sizeof a0, "%ld", va0);
    snprintf(b0, sizeof b0, "%ld", vb0);
    snprintf(a, sizeof a, "%ld", va);
    snprintf(b, sizeof b, "%ld", vb);
    snprintf(tb, sizeof tb, "%ld", va0 + vb0);
    snprintf(ta, sizeof ta, "%ld", va + vb);
    if (!have) {
        table_row(t, MS_DIM, "n/a (not reported)", "", "");
        return false;
    }
    table_row(t, MS_NORMAL, "A (id 1)", a0, a);
    table_row(t, MS_NORMAL, "B (id 2)", b0, b);
    if (va + vb == va0 + vb0)
        table_row(t, MS_GOOD, "total: conserved", tb, ta);
    else
        table_row(t, MS_BAD, "total: CHANGED", tb, ta);
    return va + vb == va0 + vb0;
}

static void jobs_table(const struct step_view *v, struct model *m, char run,
                       struct job_done *j)
{
    static const char *const head[] = { "thr", "pays", "done", "retries" };
    static const char *const dir[] = { "A->B", "B->A" };
    struct m_table *t = model_add_table(m, "the two paying threads (lab's counts)");
    char pays[24], done[24], retries[16], name[8];

    for (int k = 1; k <= BANK_THREADS; k++)
        j[k - 1] = job_read(v, run, k);
    if (!t)
        return;
    locks_table_head(t, head, 4, 0xc);
    for (int k = 1; k <= BANK_THREADS; k++) {
        const struct job_done *d = &j[k - 1];
        snprintf(name, sizeof name, "t%d", k);
        snprintf(pays, sizeof pays, "%s %d x %d", dir[k - 1], d->times, d->sum);
        snprintf(done, sizeof done, "%d of %d", d->done, d->times);
        snprintf(retries, sizeof retries, "%d", d->retries);
        if (d->ok)
            table_row(t, d->done == d->times ? MS_GOOD : MS_BAD, name, pays, done, retries);
        else
            table_row(t, MS_DIM, name, "n/a", "n/a", "n/a");
    }
}

/* The deadlocked threads of step 3, still there. */
static void still_stuck(const struct step_view *v, struct model *m)
{
    struct m_text *t = model_add_text(m, "stuck since the deadlock step (/proc)");
    struct payer p[BANK_THREADS];

    if (!t)
        return;
    payers_read(v, p);
    for (int i = 0; i < BANK_THREADS; i++) {
        const struct task_sample *ts = locks_task(v, p[i].tid);
        if (ts)
            text_line(t, MS_DIM, "t%d: TID %d, state %c, CPU %.2f s", i + 1,
                      (int)p[i].tid, ts->st.state, locks_cpu_s(v, ts));
        else if (p[i].tid)
            text_line(t, MS_DIM, "t%d: TID %d is gone", i + 1, (int)p[i].tid);
    }
}

void locks_step_ordered(const struct step_view *v, struct model *m)
{
    struct job_done j[BANK_THREADS];
    bool kept = balances(v, m, 'o');

    jobs_table(v, m, 'o', j);
    still_stuck(v, m);
    model_headline(m, "Fix 1, lock ordering: both threads lock account A (id 1) first");
    model_say(m, "Same two threads, same pause, fresh accounts (the old A and B stay locked "
                 "by the stuck pair). Whoever gets A also gets B; the other sleeps on A "
                 "holding nothing, so no cycle can form. t1 did %d of %d transfers, t2 %d of "
                 "%d; the total is %s.", j[0].done, j[0].times, j[1].done, j[1].times,
              kept ? "the same as before" : "NOT the same: a bug");
}

void locks_step_timed(const struct step_view *v, struct model *m)
{
    struct job_done j[BANK_THREADS];
    bool kept = balances(v, m, 'x');

    jobs_table(v, m, 'x', j);
    still_stuck(v, m);
    model_headline(m, "Fix 2, timed lock: give up, let go, back off, retry (%d retries)",
                   j[0].retries + j[1].retries);
    model_say(m, "Payer first again, but the second lock is pthread_mutex_timedlock: after "
                 "%s ms a thread gives up, unlocks its first lock, sleeps a random 0-99 ms "
                 "and tries again. t1 retried %d times, t2 %d; all transfers done: %s. It "
                 "works, but every retry is wasted time; ordering costs nothing.",
              locks_fact(v, "try_ms") ? locks_fact(v, "try_ms") : "?", j[0].retries,
              j[1].retries, kept ? "total conserved" : "total CHANGED");
}
