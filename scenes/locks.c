/* locks.c — the scene "locks": four threads share a mutex (waiters sleep) and then a
 * spinlock (waiters spin and burn CPU), drawn as a live thread table from
 * /proc/LAB/task; the deadlock and its fixes are in locks_bank.c, the lab in
 * locks_lab.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/locks.h"
#include "scenes/scene.h"

extern const struct scene_source scene_src_locks_lab;

const struct task_sample *locks_task(const struct step_view *v, pid_t tid)
{
    for (int i = 0; tid > 0 && i < v->ntasks; i++)
        if (v->tasks[i].tid == tid)
            return &v->tasks[i];
    return NULL;
}

double locks_cpu_s(const struct step_view *v, const struct task_sample *t)
{
    double tck = v->clk_tck > 0 ? v->clk_tck : 100;

    return (double)(t->st.utime + t->st.stime) / tck;
}

const char *locks_fact(const struct step_view *v, const char *fmt, ...)
{
    char name[FACT_NAME_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    return facts_get(v->facts, name);
}

void locks_table_head(struct m_table *t, const char *const *head, int n, unsigned right)
{
    t->ncols = n < TABLE_MAX_COLS ? n : TABLE_MAX_COLS;
    for (int c = 0; c < t->ncols; c++) {
        snprintf(t->head[c], sizeof t->head[c], "%s", head[c]);
        t->right[c] = (right >> c) & 1u;
    }
}

void locks_thread_cells(const struct step_view *v, const struct task_sample *t,
                        struct locks_cells *out)
{
    if (!t) {
        snprintf(out->state, sizeof out->state, "-");
        snprintf(out->cpu, sizeof out->cpu, "n/a");
        snprintf(out->csw, sizeof out->csw, "n/a");
        return;
    }
    snprintf(out->state, sizeof out->state, "%c", t->st.state);
    snprintf(out->cpu, sizeof out->cpu, "%.2f", locks_cpu_s(v, t));
    if (t->status.have & PIDST_HAVE_VCSW)
        snprintf(out->csw, sizeof out->csw, "%llu/%llu", (unsigned long long)t->status.vcsw,
                 (unsigned long long)t->status.nvcsw);
    else
        snprintf(out->csw, sizeof out->csw, "n/a");
}

/* ---------------- the contention runs ---------------- */

/* One worker of a run as the lab reported it. */
struct wrk {
    pid_t tid;               /* 0: not reported */
    char doing[8];           /* wait, hold, nap, done; "" before its first report */
    long turns;
    double wait_ms, wait_cpu_ms;
    long long cpu_t;         /* ticks at its end, -1 while it runs */
};
struct crew {
    char run;                /* 'm' mutex, 's' spinlock */
    struct wrk w[LOCKS_WORKERS];
    int holder;              /* 1..LOCKS_WORKERS, 0 none */
    double wall_ms;          /* < 0 while the run goes on */
};

static void crew_read(const struct step_view *v, char run, struct crew *c)
{
    const char *s;
    long long x;

    memset(c, 0, sizeof *c);
    c->run = run;
    for (int k = 1; k <= LOCKS_WORKERS; k++) {
        struct wrk *w = &c->w[k - 1];
        s = locks_fact(v, "%c%d.tid", run, k);
        w->tid = s ? (pid_t)strtol(s, NULL, 10) : 0;
        s = locks_fact(v, "%c%d.run", run, k);
        if (!s || sscanf(s, "%7s %ld %lf %lf", w->doing, &w->turns, &w->wait_ms,
                         &w->wait_cpu_ms) != 4)
            w->doing[0] = '\0';
        s = locks_fact(v, "%c%d.cpu_t", run, k);
        w->cpu_t = s && sscanf(s, "%lld", &x) == 1 ? x : -1;
    }
    s = locks_fact(v, "%c.holder", run);
    c->holder = s ? (int)strtol(s, NULL, 10) : 0;
    s = locks_fact(v, "%c.wall_ms", run);
    c->wall_ms = s ? strtod(s, NULL) : -1;
}

/* What worker k is doing with the lock, in the table's words. */
static const char *lock_word(const struct crew *c, int k)
{
    const char *d = c->w[k - 1].doing;

    if (c->holder == k)
        return "HOLDS";
    if (strcmp(d, "wait") == 0)
        return c->run == 's' ? "spins" : "waits";
    if (strcmp(d, "nap") == 0)
        return "naps";
    if (strcmp(d, "done") == 0)
        return "done";
    return "-";
}

static enum mstyle lock_style(const struct crew *c, int k)
{
    const char *d = c->w[k - 1].doing;

    if (c->holder == k)
        return MS_ACCENT;
    if (strcmp(d, "wait") == 0)
        return MS_WARN;
    if (strcmp(d, "done") == 0)
        return MS_DIM;
    return MS_NORMAL;
}

/* CPU seconds of worker k: /proc now if it is alive, else what it read at its end. */
static bool wrk_cpu_s(const struct step_view *v, const struct wrk *w, double *out)
{
    const struct task_sample *t = locks_task(v, w->tid);

    if (t)
        *out = locks_cpu_s(v, t);
    else if (w->cpu_t >= 0)
        *out = (double)w->cpu_t / (v->clk_tck > 0 ? v->clk_tck : 100);
    else
        return false;
    return true;
}

static void crew_table(const struct step_view *v, struct model *m, const struct crew *c)
{
    static const char *const head[] = { "thr", "TID", "st", "CPU", "wait", "turns",
                                        "vol/inv", "lock" };
    struct m_table *t = model_add_table(m, "threads (/proc/LAB/task), times in s");
    struct locks_cells cl;
    char tid[16], wait[16], turns[16], name[8];

    if (!t)
        return;
    locks_table_head(t, head, 8, 0x7a);
    locks_thread_cells(v, locks_task(v, v->pid), &cl);
    snprintf(tid, sizeof tid, "%d", (int)v->pid);
    table_row(t, MS_DIM, "main", tid, cl.state, cl.cpu, "-", "-", cl.csw, "-");
    for (int k = 1; k <= LOCKS_WORKERS; k++) {
        const struct wrk *w = &c->w[k - 1];
        const struct task_sample *ts = locks_task(v, w->tid);
        double cpu;
        if (!w->tid)
            continue;
        locks_thread_cells(v, ts, &cl);
        if (!ts && wrk_cpu_s(v, w, &cpu))
            snprintf(cl.cpu, sizeof cl.cpu, "%.2f", cpu);
        snprintf(name, sizeof name, "t%d", k);
        snprintf(tid, sizeof tid, "%d", (int)w->tid);
        snprintf(wait, sizeof wait, "%.1f", w->wait_ms / 1000);
        snprintf(turns, sizeof turns, "%ld", w->turns);
        table_row(t, ts ? lock_style(c, k) : MS_DIM, name, tid, ts ? cl.state : "gone",
                  cl.cpu, w->doing[0] ? wait : "-", w->doing[0] ? turns : "-", cl.csw,
                  lock_word(c, k));
    }
}

/* Which workers /proc shows in state st, as "t1 t3", or "none". */
static void workers_in(const struct step_view *v, const struct crew *c, char st, char *buf,
                       size_t cap)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int k = 1; k <= LOCKS_WORKERS && len + 4 < cap; k++) {
        const struct task_sample *t = locks_task(v, c->w[k - 1].tid);
        if (t && t->st.state == st)
            len += (size_t)snprintf(buf + len, cap - len, "%st%d", len ? " " : "", k);
    }
    if (!len)
        snprintf(buf, cap, "none");
}

/* Lines under the table: who holds the lock, who sleeps, who runs. */
static void crew_text(const struct step_view *v, struct model *m, const struct crew *c)
{
    struct m_text *t = model_add_text(m, "lock (lab's reports) and states (/proc)");
    char sl[32], rn[32];

    if (!t)
        return;
    if (c->holder > 0)
        text_line(t, MS_ACCENT, "holds the lock now: t%d (TID %d)", c->holder,
                  (int)c->w[c->holder - 1].tid);
    else
        text_line(t, MS_DIM, "the run is over: nobody holds the lock");
    workers_in(v, c, 'S', sl, sizeof sl);
    workers_in(v, c, 'R', rn, sizeof rn);
    text_line(t, MS_NORMAL, "sleeping (S): %s", sl);
    text_line(t, MS_NORMAL, "running (R):  %s", rn);
    text_line(t, MS_DIM, "a turn: %s ms CPU work locked, %s ms nap",
              locks_fact(v, "hold_ms") ? locks_fact(v, "hold_ms") : "?",
              locks_fact(v, "nap_ms") ? locks_fact(v, "nap_ms") : "?");
}

/* The comparison: what each run cost, from the lab's clocks and /proc. */
struct cost {
    long turns;
    double cpu_s;            /* < 0: not known (yet) */
    double wait_s;           /* CPU time spent in the lock call, the lab's thread clocks */
    double waited_s;         /* wall time spent there */
};

static void crew_cost(const struct step_view *v, const struct crew *c, struct cost *out)
{
    double cpu;

    memset(out, 0, sizeof *out);
    for (int k = 0; k < LOCKS_WORKERS; k++) {
        const struct wrk *w = &c->w[k];
        if (!w->tid)
            continue;
        out->turns += w->turns;
        out->wait_s += w->wait_cpu_ms / 1000;
        out->waited_s += w->wait_ms / 1000;
        if (out->cpu_s >= 0 && wrk_cpu_s(v, w, &cpu))
            out->cpu_s += cpu;
        else
            out->cpu_s = -1;
    }
}

/* CPU seconds per turn with the lock, -1 when not known. */
static double per_turn(const struct cost *c)
{
    return c->cpu_s >= 0 && c->turns > 0 ? c->cpu_s / (double)c->turns : -1;
}

static void cost_cell(char *buf, size_t cap, double s)
{
    if (s < 0)
        snprintf(buf, cap, "n/a");
    else
        snprintf(buf, cap, "%.2f", s);
}

static void step_mutex(const struct step_view *v, struct model *m)
{
    struct crew c;
    char sl[32];

    crew_read(v, 'm', &c);
    crew_table(v, m, &c);
    crew_text(v, m, &c);
    workers_in(v, &c, 'S', sl, sizeof sl);
    if (c.wall_ms >= 0) {
        struct cost k;
        char cpu[16];
        crew_cost(v, &c, &k);
        cost_cell(cpu, sizeof cpu, k.cpu_s);
        model_headline(m, "The mutex run is over: %ld turns in %.0f s", k.turns,
                       c.wall_ms / 1000);
        model_say(m, "The four threads now sleep until you go on, so their totals stay "
                     "readable. Together they waited %.1f s for the lock yet used only %s s "
                     "of CPU (/proc): about the %s ms of work per turn. Waiting for a mutex "
                     "costs no CPU.", k.waited_s, cpu,
                  locks_fact(v, "hold_ms") ? locks_fact(v, "hold_ms") : "?");
        return;
    }
    model_headline(m, "Waiting for a mutex is sleeping: waiters are S, their CPU flat");
    model_say(m, "Four threads want one pthread mutex. The holder runs (R) its %s ms of "
                 "work; the others (now %s) sleep in the kernel inside "
                 "pthread_mutex_lock until the unlock wakes one. Their CPU column stays put "
                 "while their wait grows; each sleep is a voluntary context switch (vol).",
              locks_fact(v, "hold_ms") ? locks_fact(v, "hold_ms") : "?", sl);
}

static void cost_table(const struct step_view *v, struct model *m, const struct crew *mx,
                       const struct crew *sp, struct cost *cm, struct cost *cs)
{
    static const char *const head[] = { " ", "mutex", "spin" };
    struct m_table *t = model_add_table(m, "what waiting cost: CPU s of the 4 workers");
    char a[16], b[16];

    crew_cost(v, mx, cm);
    crew_cost(v, sp, cs);
    if (!t)
        return;
    locks_table_head(t, head, 3, 0x6);
    snprintf(a, sizeof a, "%ld", cm->turns);
    snprintf(b, sizeof b, "%ld", cs->turns);
    table_row(t, MS_NORMAL, "turns taken", a, b);
    cost_cell(a, sizeof a, cm->cpu_s);
    cost_cell(b, sizeof b, cs->cpu_s);
    table_row(t, MS_NORMAL, "CPU used (/proc)", a, b);
    cost_cell(a, sizeof a, per_turn(cm));
    cost_cell(b, sizeof b, per_turn(cs));
    table_row(t, MS_NORMAL, "CPU per turn", a, b);
    cost_cell(a, sizeof a, cm->wait_s);
    cost_cell(b, sizeof b, cs->wait_s);
    table_row(t, MS_BAD, "burned waiting (lab)", a, b);
}

static void step_spin(const struct step_view *v, struct model *m)
{
    struct crew mx, sp;
    struct cost cm, cs;
    char rn[32], pm[16], ps[16];
    const char *ncpu = locks_fact(v, "ncpu");

    crew_read(v, 'm', &mx);
    crew_read(v, 's', &sp);
    crew_table(v, m, &sp);
    cost_table(v, m, &mx, &sp, &cm, &cs);
    workers_in(v, &sp, 'R', rn, sizeof rn);
    if (sp.wall_ms < 0) {
        model_headline(m, "A spinlock waiter never sleeps: it runs (R) and burns CPU");
        model_say(m, "The same four threads and work, now with pthread_spin_lock: waiters "
                     "loop on the lock instead of sleeping, so they stay R (now: %s) and "
                     "their CPU climbs. With %s cores and 4 threads they also take CPU from "
                     "the holder and from oscope. This run stops by itself after %s s.",
                  rn, ncpu ? ncpu : "?", locks_fact(v, "spin_s") ? locks_fact(v, "spin_s") : "?");
        return;
    }
    cost_cell(pm, sizeof pm, per_turn(&cm));
    cost_cell(ps, sizeof ps, per_turn(&cs));
    model_headline(m, "Spinning burned %.1f s of CPU waiting in %.0f s; the mutex %.1f s in "
                      "%.0f s", cs.wait_s, sp.wall_ms / 1000, cm.wait_s, mx.wall_ms / 1000);
    model_say(m, "A spinner never sleeps, so its waiting costs CPU. Each turn of %s ms work "
                 "cost %s s of CPU with the spinlock, %s s with the mutex: on %s cores the "
                 "spinners also took CPU from the holder, which then needed longer to finish. "
                 "The threads now sleep until you go on.",
              locks_fact(v, "hold_ms") ? locks_fact(v, "hold_ms") : "?", ps, pm,
              ncpu ? ncpu : "?");
}

/* What the two opposite transfers did: the lab says whether both stayed blocked. */
static int deadlock_outcome(const struct step_view *v)
{
    const char *stuck = facts_get(v->facts, "d.stuck");

    if (!stuck)
        return -1;
    return strcmp(stuck, "1") == 0 ? 2 : 0;
}

static const struct prediction predict_deadlock = {
    "t1 locks A then B; t2 locks B then A, at the same time, with a pause in between. "
    "What happens?",
    { "both finish; one just waits a little", "one of them gets an error",
      "both wait forever, asleep, using no CPU", "both spin at full CPU" },
    deadlock_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "mutex", .title = "mutex: waiters sleep", .build = step_mutex },
    { .marker = "spin", .title = "spinlock: waiters burn CPU", .build = step_spin },
    { .marker = "deadlock", .title = "deadlock", .build = locks_step_deadlock,
      .predict = &predict_deadlock },
    { .marker = "ordered", .title = "fix 1: lock ordering", .build = locks_step_ordered,
      .timeout_s = 15 },
    { .marker = "timed", .title = "fix 2: timed lock, back off", .build = locks_step_timed,
      .timeout_s = 30 },
};

static const struct quiz_question quiz[] = {
    { "Threads wait for a mutex another thread holds. What do ps and their CPU time show?",
      { "R, CPU climbing", "S, CPU flat", "D, CPU climbing", "Z, CPU reset" }, 1,
      "A blocked pthread_mutex_lock sleeps in the kernel (a futex wait): state S, no CPU "
      "until the unlock wakes it." },
    { "When can a spinlock beat a mutex?",
      { "short holds, holder on another core", "locks held for 100 ms",
        "more threads than cores", "always: it makes no system call" }, 0,
      "Spinning saves a sleep and a wake-up, which pays only for very short waits. Longer, "
      "spinners just burn CPU." },
    { "t1 holds A, wants B; t2 holds B, wants A. What prevents this for good?",
      { "a shorter pause between the locks", "running on more cores",
        "every thread locks the lower id first", "spinlocks instead of mutexes" }, 2,
      "With one global lock order the wait-for graph has no cycle. A shorter pause only "
      "makes the deadlock rarer." },
    { "Why does the timed-lock fix back off a random time before retrying?",
      { "pthread_mutex_timedlock needs it", "so the kernel can free the lock",
        "so they do not collide in step again", "to use less memory" }, 2,
      "After equal delays both would take their first lock together and time out again, "
      "over and over: a livelock." },
};

const struct scene scene_locks = {
    .id = "locks",
    .title = "Sleeping, spinning, deadlock",
    .summary = "mutex waiters sleep, spinlock waiters burn CPU, two transfers deadlock",
    .lab = locks_lab,
    .limits = { .as_bytes = (uint64_t)512 << 20, .cpu_s = 100, .nproc_extra = 8 },
    .source = &scene_src_locks_lab,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_THREADS, CTR_P_CPU, CTR_P_VCSW_RATE, CTR_P_NVCSW_RATE },
    .ncounters = 4,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
};
