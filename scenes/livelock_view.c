/* livelock_view.c — the live steps of the scene "livelock" drawn from what its lab
 * reported (the lanes round by round, steps aside, waits drawn) and from the lab's
 * threads as /proc shows them (state, CPU time, context switches). The trials step is
 * drawn in livelock_trials.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/livelock.h"
#include "util/fmt.h"

/* One live run as reported: see livelock.h for the facts. */
struct run {
    bool have;                   /* the reporter has spoken */
    const char *err;             /* the walkers could not start */
    int tid[3];                  /* A, B, reporter (0 unknown) */
    int round, tries[2];
    char track[2][LL_TRACK + 1];
    int nwaits[2], waits[2][LL_WAITS], nlisted[2];
    const char *end;             /* running | passed | time-up */
    double secs;                 /* wall time of the run so far */
};

static const char *pfact(const struct facts *f, const char *p, const char *key)
{
    char name[32];

    snprintf(name, sizeof name, "%s.%s", p, key);
    return facts_get(f, name);
}

/* "n w1 w2 ..." into the run's waits of walker id. */
static void parse_waits(struct run *r, int id, const char *s)
{
    char *end;

    if (!s)
        return;
    r->nwaits[id] = (int)strtol(s, &end, 10);
    while (r->nlisted[id] < LL_WAITS && end && *end) {
        const char *start = end;
        long v = strtol(start, &end, 10);
        if (end == start)
            break;
        r->waits[id][r->nlisted[id]++] = (int)v;
    }
}

static void parse_run(const struct facts *f, const char *p, struct run *r)
{
    const char *s, *slash;
    double ms = 0;
    char name[32];

    memset(r, 0, sizeof *r);
    r->err = pfact(f, p, "err");
    if ((s = pfact(f, p, "tids")))
        sscanf(s, "%d %d %d", &r->tid[0], &r->tid[1], &r->tid[2]);
    if ((s = pfact(f, p, "tries")))
        sscanf(s, "%d %d", &r->tries[0], &r->tries[1]);
    if ((s = pfact(f, p, "round"))) {
        r->have = true;
        r->round = atoi(s);
    }
    if ((s = pfact(f, p, "track")) && (slash = strchr(s, '/'))) {
        snprintf(r->track[0], sizeof r->track[0], "%.*s", (int)(slash - s), s);
        snprintf(r->track[1], sizeof r->track[1], "%s", slash + 1);
    }
    parse_waits(r, 0, pfact(f, p, "wA"));
    parse_waits(r, 1, pfact(f, p, "wB"));
    r->end = pfact(f, p, "end");
    if (!r->end)
        r->end = "running";
    snprintf(name, sizeof name, "%s.ms", p);
    if (facts_double(f, name, &ms))
        r->secs = ms / 1000;
}

static bool run_passed(const struct run *r) { return strcmp(r->end, "passed") == 0; }
static bool run_timed_out(const struct run *r) { return strcmp(r->end, "time-up") == 0; }

/* The two lanes over the last rounds: X where A and B stand face to face. */
static void lanes(const struct run *r, char out[2][LL_TRACK + 1])
{
    int n = (int)strlen(r->track[0]);

    if ((int)strlen(r->track[1]) < n)
        n = (int)strlen(r->track[1]);
    for (int lane = 0; lane < 2; lane++) {
        char want = lane ? 'R' : 'L';
        for (int k = 0; k < LL_TRACK; k++) {
            bool a = k < n && r->track[0][k] == want, b = k < n && r->track[1][k] == want;
            out[lane][k] = a && b ? 'X' : a ? 'A' : b ? 'B' : k < n ? '.' : ' ';
        }
        out[lane][LL_TRACK] = '\0';
    }
}

static void add_track(struct model *m, const struct step_view *v, const struct run *r)
{
    long round_ms = (long)facts_u64_or(v->facts, "round_ms", 0);
    char ln[2][LL_TRACK + 1], title[64];
    struct m_text *t;
    enum mstyle st = run_passed(r) ? MS_GOOD : MS_WARN;

    snprintf(title, sizeof title, "lanes per round (%ld ms); X = face to face", round_ms);
    if (!(t = model_add_text(m, title)))
        return;
    if (r->err) {
        text_line(t, MS_BAD, "n/a (the walkers could not start: %s)", r->err);
        return;
    }
    if (!r->have) {
        text_line(t, MS_DIM, "waiting for the first report...");
        return;
    }
    lanes(r, ln);
    text_line(t, st, "left  |%s|", ln[0]);
    text_line(t, st, "right |%s|", ln[1]);
    if (run_passed(r))
        text_line(t, MS_GOOD, "passed: yes, after A %d, B %d steps aside", r->tries[0],
                  r->tries[1]);
    else
        text_line(t, MS_BAD, "stuck: A %d, B %d steps aside, 0 forward", r->tries[0],
                  r->tries[1]);
}

static const char *role_of(const struct step_view *v, const struct run *r, pid_t tid)
{
    static const char *const roles[3] = { "walker A", "walker B", "reporter" };

    if (tid == v->pid)
        return "main";
    for (int i = 0; i < 3; i++)
        if (r->tid[i] && r->tid[i] == tid)
            return roles[i];
    return "other";
}

/* Walkers first, then the reporter, main, anything else. */
static int role_rank(const struct step_view *v, const struct run *r, pid_t tid)
{
    static const char *const order[] = { "walker A", "walker B", "reporter", "main" };
    const char *role = role_of(v, r, tid);

    for (int k = 0; k < 4; k++)
        if (strcmp(role, order[k]) == 0)
            return k;
    return 4;
}

static void thread_row(struct m_table *t, const struct step_view *v,
                       const struct task_sample *ts, const char *role)
{
    bool walker = strncmp(role, "walker", 6) == 0;
    char tid[16], st[4], cpu[16], vcs[24], ics[24];

    snprintf(tid, sizeof tid, "%d", (int)ts->tid);
    snprintf(st, sizeof st, "%c", ts->st.state ? ts->st.state : '?');
    snprintf(cpu, sizeof cpu, "%.2f", v->clk_tck > 0 ? (double)(ts->st.utime + ts->st.stime) / v->clk_tck : 0);
    fmt_count(vcs, sizeof vcs, ts->status.vcsw);
    fmt_count(ics, sizeof ics, ts->status.nvcsw);
    table_row(t, walker ? (ts->st.state == 'R' ? MS_WARN : MS_NORMAL) : MS_DIM, role, tid, st,
              cpu, vcs, ics);
}

/* The lab's threads as /proc shows them now: walkers spinning (R) or parked (S). */
static void add_threads(struct model *m, const struct step_view *v, const struct run *r)
{
    struct m_table *t = model_add_table(m, "threads now (/proc/LAB/task/*)");
    static const char *const head[] = { "thread", "tid", "st", "CPU s", "vol cs", "invol cs" };

    if (!t)
        return;
    t->ncols = 6;
    for (int c = 0; c < 6; c++) {
        snprintf(t->head[c], sizeof t->head[c], "%s", head[c]);
        t->right[c] = c >= 1;
    }
    if (v->ntasks < 0) {
        table_row(t, MS_BAD, "n/a", "", "", strerror(-v->ntasks), "", "");
        return;
    }
    for (int order = 0; order < 5; order++)
        for (int i = 0; i < v->ntasks; i++)
            if (role_rank(v, r, v->tasks[i].tid) == order)
                thread_row(t, v, &v->tasks[i], role_of(v, r, v->tasks[i].tid));
}

/* The waits each walker drew, the last few of each, side by side by turn. */
static void add_waits(struct model *m, const struct step_view *v, const struct run *r)
{
    struct m_hist *h = model_add_hist(m, "waits drawn, in rounds (newest first)");
    int last = r->nwaits[0] > r->nwaits[1] ? r->nwaits[0] : r->nwaits[1];
    int first = last > 6 ? last - 5 : 1;

    (void)v;
    if (!h)
        return;
    for (int k = last; k >= first; k--) /* newest first: a small screen shows those */
        for (int id = 0; id < 2; id++) {
            int idx = k - (r->nwaits[id] - r->nlisted[id]) - 1; /* into the listed tail */
            if (idx < 0 || idx >= r->nlisted[id] || h->nbins >= HIST_MAX_BINS)
                continue;
            snprintf(h->label[h->nbins], sizeof h->label[0], "%c wait %d", id ? 'B' : 'A',
                     k % 100000);
            h->value[h->nbins] = r->waits[id][idx];
            h->style[h->nbins++] = id ? MS_WARN : MS_ACCENT;
        }
}

/* CPU seconds the two walkers have used, from /proc; -1 when they are not found. */
static double walkers_cpu(const struct step_view *v, const struct run *r)
{
    double s = 0;
    int found = 0;

    for (int i = 0; i < v->ntasks; i++)
        if ((r->tid[0] && v->tasks[i].tid == r->tid[0]) || (r->tid[1] && v->tasks[i].tid == r->tid[1])) {
            s += (double)(v->tasks[i].st.utime + v->tasks[i].st.stime);
            found++;
        }
    return found && v->clk_tck > 0 ? s / v->clk_tck : -1;
}

/* "23.4 s of CPU in 12.0 s" (with_wall) or "n/a (...)": the walkers' CPU time. */
static void cpu_text(const struct step_view *v, const struct run *r, bool with_wall, char *buf,
                     size_t cap)
{
    double c = walkers_cpu(v, r);

    if (c < 0)
        snprintf(buf, cap, "n/a (walker threads not in /proc)");
    else if (with_wall)
        snprintf(buf, cap, "%.1f s of CPU in %.1f s", c, r->secs);
    else
        snprintf(buf, cap, "%.2f s of CPU", c);
}

void ll_build_meet(const struct step_view *v, struct model *m)
{
    struct m_text *t = model_add_text(m, "the corridor, seen from above");
    struct m_table *tb = model_add_table(m, "how long to wait before stepping aside");
    long round_ms = (long)facts_u64_or(v->facts, "round_ms", 10);
    unsigned fixed = (unsigned)facts_u64_or(v->facts, "fixed_wait", 4);
    unsigned maxw = (unsigned)facts_u64_or(v->facts, "max_window", 32);
    char b[64];

    if (t) {
        text_line(t, MS_DIM, "      +--------------------------------+");
        text_line(t, MS_WARN, "left  |  A>                        <B  |");
        text_line(t, MS_NORMAL, "right |                                |");
        text_line(t, MS_DIM, "      +--------------------------------+");
        text_line(t, MS_NORMAL, "A walks right, B walks left: same lane");
    }
    if (tb) {
        tb->ncols = 2;
        snprintf(tb->head[0], sizeof tb->head[0], "strategy");
        snprintf(tb->head[1], sizeof tb->head[1], "wait (rounds)");
        snprintf(b, sizeof b, "%u every time", fixed);
        table_row(tb, MS_NORMAL, "fixed", b);
        snprintf(b, sizeof b, "2, 4, 8.. %u, same for both", maxw);
        table_row(tb, MS_NORMAL, "doubling", b);
        snprintf(b, sizeof b, "random 1..2, 1..4.. 1..%u", maxw);
        table_row(tb, MS_NORMAL, "jitter", b);
    }
    model_headline(m, "Two polite walkers meet face to face in one lane");
    model_say(m, "A and B are two threads of the lab. Each round (%ld ms) both look at the "
                 "other's lane at the same moment; a pthread barrier keeps them in lockstep. "
                 "Whoever finds the other in its lane waits its turn, spinning on the CPU, "
                 "then steps into the other lane. Next: the three ways to wait, for real.",
              round_ms);
}

/* The shared part of the three live steps: track, threads, waits (order by focus). */
static void live_blocks(const struct step_view *v, struct model *m, const struct run *r,
                        bool waits_first)
{
    add_track(m, v, r);
    if (waits_first)
        add_waits(m, v, r);
    add_threads(m, v, r);
    if (!waits_first)
        add_waits(m, v, r);
}

/* How the live run ends, as the last sentence of its narrative. */
static void ending(const struct step_view *v, const struct run *r, char *buf, size_t cap)
{
    unsigned secs = (unsigned)facts_u64_or(v->facts, "secs", 20);

    if (run_timed_out(r))
        snprintf(buf, cap, "The lab stopped them at %u s: parked now (S).", secs);
    else
        snprintf(buf, cap, "Nice %u; stopped at %u s or when you go on.",
                 (unsigned)facts_u64_or(v->facts, "nice", 10), secs);
}

void ll_build_fixed(const struct step_view *v, struct model *m)
{
    struct run r;
    char cpu[48], end[64];

    parse_run(v->facts, ll_prefix[LL_FIXED], &r);
    live_blocks(v, m, &r, false);
    cpu_text(v, &r, true, cpu, sizeof cpu);
    ending(v, &r, end, sizeof end);
    model_headline(m, "Fixed wait: both step aside in the same round, forever");
    model_say(m, "Each waits %u rounds, finds the other still in front and steps over in the "
                 "same round as the other: they meet again. %s, 0 steps forward: spinning "
                 "keeps them runnable (R), unlike deadlocked threads asleep (S). %s",
              (unsigned)facts_u64_or(v->facts, "fixed_wait", 4), cpu, end);
}

void ll_build_doubling(const struct step_view *v, struct model *m)
{
    struct run r;
    char cpu[48], end[64];

    parse_run(v->facts, ll_prefix[LL_DOUBLING], &r);
    live_blocks(v, m, &r, false);
    cpu_text(v, &r, true, cpu, sizeof cpu);
    ending(v, &r, end, sizeof end);
    model_headline(m, "Doubling the wait, no jitter: still in step, still stuck");
    model_say(m, "Each now waits 2, 4, 8, 16, then %u rounds: backoff, but both compute the "
                 "same numbers, so they still step aside in the same round. %s, 0 steps "
                 "forward. %s",
              (unsigned)facts_u64_or(v->facts, "max_window", 32), cpu, end);
}

int ll_doubling_outcome(const struct step_view *v)
{
    struct run r;

    parse_run(v->facts, ll_prefix[LL_DOUBLING], &r);
    if (run_passed(&r))
        return 0;
    return r.tries[0] >= 2 && r.tries[1] >= 2 ? 1 : -1; /* two bumps, still face to face */
}

void ll_build_jitter(const struct step_view *v, struct model *m)
{
    struct run r;
    char cpu[48];
    long round_ms = (long)facts_u64_or(v->facts, "round_ms", 10);
    int steps;

    parse_run(v->facts, ll_prefix[LL_JITTER], &r);
    live_blocks(v, m, &r, true);
    cpu_text(v, &r, false, cpu, sizeof cpu);
    steps = r.tries[0] > r.tries[1] ? r.tries[0] : r.tries[1];
    if (run_passed(&r)) {
        model_headline(m, "Random waits break the tie: passed after %d step%s aside", steps,
                       steps == 1 ? "" : "s");
        model_say(m, "Each draws its wait at random, 1..2 rounds, then 1..4, ... The first time "
                     "the draws differ, the shorter waiter steps over while the other still "
                     "stands: lanes free after %d rounds (%ld ms), %s. Parked now (S).",
                  r.round, r.round * round_ms, cpu);
    } else {
        model_headline(m, "Random waits: not through yet (%d steps aside)", steps);
        model_say(m, "Each draws its wait at random, 1..2 rounds, then 1..4, ... While the "
                     "draws are equal they still bump; the first time they differ, the shorter "
                     "waiter steps over alone. %d rounds so far, %s.", r.round, cpu);
    }
}
