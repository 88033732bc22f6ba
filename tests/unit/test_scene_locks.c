/* test_scene_locks.c — the steps of "locks" build the expected models from facts and
 * thread samples made by hand: the thread table's rows, states and lock holder, the cost
 * comparison, the wait-for cycle found and marked (and not when there is none), balances
 * conserved or not; and, through a real session, the thread table staying live while the
 * lab's main thread waits at a stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenes/scene.h"
#include "scenes/session.h"

enum { STEP_MUTEX, STEP_SPIN, STEP_DEADLOCK, STEP_ORDERED, STEP_TIMED };
#define LAB_PID 100

static const struct scene *sc;
static struct facts facts;
static struct task_sample tasks[8];
static int ntasks;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("locks");
    assert_non_null(sc);
    assert_int_equal(sc->nsteps, 5);
    facts_clear(&facts);
    ntasks = 0;
    return 0;
}

static void fact(const char *name, const char *value)
{
    assert_int_equal(facts_set(&facts, name, value), 0);
}

/* A thread of the lab as /proc would show it: state, CPU ticks, context switches. */
static void task(pid_t tid, char state, unsigned ticks, unsigned vcsw, unsigned nvcsw)
{
    struct task_sample *t = &tasks[ntasks++];

    memset(t, 0, sizeof *t);
    t->tid = tid;
    t->st.pid = tid;
    t->st.state = state;
    t->st.utime = ticks - ticks / 4;
    t->st.stime = ticks / 4;
    t->status.vcsw = vcsw;
    t->status.nvcsw = nvcsw;
    t->status.have = PIDST_HAVE_VCSW | PIDST_HAVE_NVCSW;
}

static void build(int step, struct model *m)
{
    struct pid_status st = { 0 };
    static const struct maps no_maps;
    struct step_view v = { .index = step, .facts = &facts, .maps = &no_maps, .status = &st,
                           .pid = LAB_PID, .tasks = tasks, .ntasks = ntasks,
                           .clk_tck = 100 };

    model_init(m);
    sc->steps[step].build(&v, m);
}

static const struct m_block *block(const struct model *m, enum mblock_kind kind, int nth)
{
    for (int i = 0; i < m->nblocks; i++)
        if (m->blocks[i].kind == kind && nth-- == 0)
            return &m->blocks[i];
    fail_msg("no block of kind %d number %d", (int)kind, nth);
    return NULL;
}

/* The table row whose first cell is name, or -1. */
static int row(const struct m_table *t, const char *name)
{
    for (int r = 0; r < t->nrows; r++)
        if (strcmp(t->cell[r][0], name) == 0)
            return r;
    return -1;
}

static int col(const struct m_table *t, const char *head)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->head[c], head) == 0)
            return c;
    fail_msg("no column \"%s\"", head);
    return -1;
}

static const char *cell(const struct m_table *t, const char *rname, const char *head)
{
    int r = row(t, rname);

    if (r < 0)
        fail_msg("no row \"%s\"", rname);
    return t->cell[r][col(t, head)];
}

/* The text line that starts with prefix, or -1. */
static int line(const struct m_text *t, const char *prefix)
{
    for (int i = 0; i < t->nlines; i++)
        if (strncmp(t->line[i], prefix, strlen(prefix)) == 0)
            return i;
    return -1;
}

static void mutex_run(void)
{
    fact("hold_ms", "100");
    fact("nap_ms", "20");
    fact("m1.tid", "101");
    fact("m2.tid", "102");
    fact("m3.tid", "103");
    fact("m4.tid", "104");
    fact("m1.run", "hold 7 900 1");
    fact("m2.run", "wait 6 1200 0");
    fact("m3.run", "wait 6 1100 1");
    fact("m4.run", "nap 7 1000 0");
    fact("m.holder", "1");
    task(LAB_PID, 'S', 0, 3, 1);
    task(101, 'R', 70, 14, 40);
    task(102, 'S', 60, 12, 31);
    task(103, 'S', 60, 13, 29);
    task(104, 'S', 70, 14, 35);
}

static void test_mutex_table_states_and_holder(void **state)
{
    struct model m;
    const struct m_table *t;
    const struct m_text *tx;

    (void)state;
    mutex_run();
    build(STEP_MUTEX, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    assert_int_equal(t->nrows, 5);                  /* main + 4 workers, one per thread */
    assert_string_equal(cell(t, "main", "TID"), "100");
    assert_string_equal(cell(t, "main", "st"), "S");
    assert_string_equal(cell(t, "t1", "TID"), "101");
    assert_string_equal(cell(t, "t1", "st"), "R");
    assert_string_equal(cell(t, "t1", "lock"), "HOLDS");
    assert_int_equal(t->row_style[row(t, "t1")], MS_ACCENT);
    assert_string_equal(cell(t, "t1", "CPU"), "0.70");     /* 70 ticks at 100 per s */
    assert_string_equal(cell(t, "t1", "vol/inv"), "14/40");
    assert_string_equal(cell(t, "t1", "turns"), "7");
    assert_string_equal(cell(t, "t2", "st"), "S");
    assert_string_equal(cell(t, "t2", "lock"), "waits");
    assert_string_equal(cell(t, "t2", "wait"), "1.2");
    assert_int_equal(t->row_style[row(t, "t2")], MS_WARN);
    assert_string_equal(cell(t, "t4", "lock"), "naps");

    tx = block(&m, MB_TEXT, 0)->u.text;
    assert_true(line(tx, "holds the lock now: t1 (TID 101)") >= 0);
    assert_true(line(tx, "sleeping (S): t2 t3 t4") >= 0);
    assert_true(line(tx, "running (R):  t1") >= 0);
    assert_non_null(strstr(m.narrative, "t2 t3 t4"));
    model_free(&m);
}

/* A worker /proc no longer lists is shown gone, with the CPU time it read at its end. */
static void test_mutex_thread_gone(void **state)
{
    struct model m;
    const struct m_table *t;

    (void)state;
    mutex_run();
    ntasks = 4;                                     /* t4 (104) has exited */
    fact("m4.cpu_t", "123");
    fact("m4.run", "done 9 1000 0");
    build(STEP_MUTEX, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    assert_string_equal(cell(t, "t4", "st"), "gone");
    assert_string_equal(cell(t, "t4", "CPU"), "1.23");
    assert_string_equal(cell(t, "t4", "lock"), "done");
    assert_string_equal(cell(t, "t4", "vol/inv"), "n/a");
    model_free(&m);
}

/* After its time is up the run is summed up: nobody holds the lock, waits cost no CPU. */
static void test_mutex_run_over(void **state)
{
    struct model m;
    const struct m_text *tx;

    (void)state;
    mutex_run();
    fact("m1.run", "done 150 42000 5");
    fact("m2.run", "done 148 42100 4");
    fact("m3.run", "done 149 41900 3");
    fact("m4.run", "done 148 42000 2");
    fact("m.holder", "0");
    fact("m.wall_ms", "60012");
    for (int i = 1; i < ntasks; i++) {
        tasks[i].st.state = 'S';
        tasks[i].st.utime = 1100;
        tasks[i].st.stime = 400;
    }
    build(STEP_MUTEX, &m);
    assert_string_equal(m.headline, "The mutex run is over: 595 turns in 60 s");
    assert_non_null(strstr(m.narrative, "waited 168.0 s for the lock yet used only 60.00 s"));
    tx = block(&m, MB_TEXT, 0)->u.text;
    assert_true(line(tx, "the run is over: nobody holds the lock") >= 0);
    assert_true(line(tx, "running (R):  none") >= 0);
    assert_string_equal(cell(block(&m, MB_TABLE, 0)->u.table, "t3", "lock"), "done");
    model_free(&m);
}

/* The spin step compares both runs: /proc CPU, CPU per turn, CPU burned waiting. */
static void test_spin_costs(void **state)
{
    static const char *const mx[][2] = {
        { "m1.run", "done 10 3000 4" }, { "m2.run", "done 10 3100 3" },
        { "m3.run", "done 10 2900 2" }, { "m4.run", "done 10 3000 1" },
        { "m1.cpu_t", "100" }, { "m2.cpu_t", "100" }, { "m3.cpu_t", "100" },
        { "m4.cpu_t", "100" }, { "m.holder", "0" }, { "m.wall_ms", "4000" },
    };
    static const char *const sp[][2] = {
        { "s1.tid", "201" }, { "s2.tid", "202" }, { "s3.tid", "203" }, { "s4.tid", "204" },
        { "s1.run", "done 3 3000 1500" }, { "s2.run", "done 2 3500 1500" },
        { "s3.run", "done 3 3200 1500" }, { "s4.run", "done 2 3300 1500" },
        { "s.holder", "0" }, { "s.wall_ms", "5000" }, { "ncpu", "2" },
    };
    struct model m;
    const struct m_table *t;

    (void)state;
    mutex_run();
    for (size_t i = 0; i < sizeof mx / sizeof mx[0]; i++)
        fact(mx[i][0], mx[i][1]);
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
        fact(sp[i][0], sp[i][1]);
    ntasks = 0;
    task(LAB_PID, 'S', 0, 9, 1);
    for (int k = 0; k < 4; k++)
        task(201 + k, 'S', 200, 3, 700);
    build(STEP_SPIN, &m);

    t = block(&m, MB_TABLE, 0)->u.table;
    assert_string_equal(cell(t, "t1", "TID"), "201");
    assert_string_equal(cell(t, "t3", "CPU"), "2.00");
    t = block(&m, MB_TABLE, 1)->u.table;
    assert_string_equal(cell(t, "turns taken", "mutex"), "40");
    assert_string_equal(cell(t, "turns taken", "spin"), "10");
    assert_string_equal(cell(t, "CPU used (/proc)", "mutex"), "4.00");
    assert_string_equal(cell(t, "CPU used (/proc)", "spin"), "8.00");
    assert_string_equal(cell(t, "CPU per turn", "mutex"), "0.10");
    assert_string_equal(cell(t, "CPU per turn", "spin"), "0.80");
    assert_string_equal(cell(t, "burned waiting (lab)", "mutex"), "0.01");
    assert_string_equal(cell(t, "burned waiting (lab)", "spin"), "6.00");
    assert_non_null(strstr(m.headline, "6.0 s of CPU waiting in 5 s"));
    model_free(&m);
}

static void deadlock_facts(bool t2_waits)
{
    fact("pause_ms", "50");
    fact("d1.tid", "301");
    fact("d2.tid", "302");
    fact("d1.holds", "A");
    fact("d2.holds", "B");
    fact("d1.wants", "B");
    if (t2_waits) {
        fact("d2.wants", "A");
        fact("d.stuck", "1");
    }
    task(LAB_PID, 'S', 0, 17, 2);
    task(301, 'S', 0, 2, 0);
    task(302, 'S', 0, 2, 0);
}

static void test_deadlock_cycle_marked(void **state)
{
    struct model m;
    const struct m_text *g;
    const struct m_table *t;
    int c;

    (void)state;
    deadlock_facts(true);
    build(STEP_DEADLOCK, &m);
    g = block(&m, MB_TEXT, 0)->u.text;
    c = line(g, "CYCLE: t1 -> B -> t2 -> A -> t1");
    assert_true(c >= 0);
    assert_int_equal(g->style[c], MS_BAD);
    assert_true(line(g, "  [t1] ----wants----> (B)") >= 0);
    assert_true(line(g, "  (A) <----wants---- [t2]") >= 0);
    for (int i = 0; i < g->nlines; i++)       /* drawn verbatim: must be plain ASCII */
        for (const char *p = g->line[i]; *p; p++)
            assert_true((unsigned char)*p < 128);

    t = block(&m, MB_TABLE, 0)->u.table;
    assert_string_equal(cell(t, "t1", "st"), "S");
    assert_string_equal(cell(t, "t1", "CPU"), "0.00");
    assert_string_equal(cell(t, "t1", "holds"), "A");
    assert_string_equal(cell(t, "t1", "wants"), "B");
    assert_string_equal(cell(t, "t2", "holds"), "B");
    assert_string_equal(cell(t, "t2", "wants"), "A");
    assert_int_equal(t->row_style[row(t, "t2")], MS_BAD);
    assert_non_null(strstr(m.headline, "Deadlock"));
    model_free(&m);
}

static void test_deadlock_no_cycle_not_marked(void **state)
{
    struct model m;
    const struct m_text *g;

    (void)state;
    deadlock_facts(false);                    /* t2 holds B but waits for nothing */
    build(STEP_DEADLOCK, &m);
    g = block(&m, MB_TEXT, 0)->u.text;
    for (int i = 0; i < g->nlines; i++) {
        assert_null(strstr(g->line[i], "CYCLE"));
        assert_int_not_equal(g->style[i], MS_BAD);
    }
    assert_true(line(g, "[t1] holds (A), wants (B) (held by t2)") >= 0);
    assert_true(line(g, "no cycle") >= 0);
    assert_null(strstr(m.headline, "Deadlock"));
    model_free(&m);
}

static void fix_facts(char run, const char *a_after, const char *b_after)
{
    char n[8];

    snprintf(n, sizeof n, "%c.A0", run);
    fact(n, "700");
    snprintf(n, sizeof n, "%c.B0", run);
    fact(n, "300");
    snprintf(n, sizeof n, "%c.A", run);
    fact(n, a_after);
    snprintf(n, sizeof n, "%c.B", run);
    fact(n, b_after);
    snprintf(n, sizeof n, "%c1.done", run);
    fact(n, run == 'x' ? "10 10 30 3" : "10 10 30 0");
    snprintf(n, sizeof n, "%c2.done", run);
    fact(n, run == 'x' ? "10 10 20 4" : "10 10 20 0");
}

static void test_ordered_balances_conserved(void **state)
{
    struct model m;
    const struct m_table *t;
    int r;

    (void)state;
    deadlock_facts(true);
    fix_facts('o', "600", "400");
    build(STEP_ORDERED, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    assert_string_equal(cell(t, "A (id 1)", "before"), "700");
    assert_string_equal(cell(t, "A (id 1)", "after"), "600");
    assert_string_equal(cell(t, "B (id 2)", "after"), "400");
    r = row(t, "total: conserved");
    assert_true(r >= 0);
    assert_string_equal(t->cell[r][1], "1000");
    assert_string_equal(t->cell[r][2], "1000");
    assert_int_equal(t->row_style[r], MS_GOOD);
    t = block(&m, MB_TABLE, 1)->u.table;
    assert_string_equal(cell(t, "t1", "done"), "10 of 10");
    assert_string_equal(cell(t, "t2", "pays"), "B->A 10 x 20");
    /* The deadlocked pair is still there, asleep. */
    assert_true(line(block(&m, MB_TEXT, 0)->u.text, "t1: TID 301, state S") >= 0);
    assert_non_null(strstr(m.narrative, "the same as before"));
    model_free(&m);
}

static void test_balances_changed_is_flagged(void **state)
{
    struct model m;
    const struct m_table *t;
    int r;

    (void)state;
    fix_facts('o', "650", "400");
    build(STEP_ORDERED, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    assert_int_equal(row(t, "total: conserved"), -1);
    r = row(t, "total: CHANGED");
    assert_true(r >= 0);
    assert_string_equal(t->cell[r][2], "1050");
    assert_int_equal(t->row_style[r], MS_BAD);
    assert_non_null(strstr(m.narrative, "NOT the same"));
    model_free(&m);
}

static void test_timed_counts_retries(void **state)
{
    struct model m;
    const struct m_table *t;

    (void)state;
    fact("try_ms", "100");
    fix_facts('x', "600", "400");
    build(STEP_TIMED, &m);
    t = block(&m, MB_TABLE, 1)->u.table;
    assert_string_equal(cell(t, "t1", "retries"), "3");
    assert_string_equal(cell(t, "t2", "retries"), "4");
    assert_non_null(strstr(m.headline, "(7 retries)"));
    assert_true(row(block(&m, MB_TABLE, 0)->u.table, "total: conserved") >= 0);
    model_free(&m);
}

/* ---- the real lab, through a session ---- */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the session's loop for about seconds, sampling as the screen does. */
static void pump(struct session *s, double seconds)
{
    double end = now_s() + seconds;

    while (now_s() < end) {
        int fds[2], n = session_pollfds(s, fds);
        struct pollfd pf[2];
        for (int i = 0; i < n; i++)
            pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        poll(pf, (nfds_t)n, 50);
        session_update(s, now_s());
        session_sample(s, now_s());
    }
}

/* The lab's main thread waits at the stop while its workers go on: the step on screen
 * follows them (turns taken grow, one thread holds the lock), and leaving kills them. */
static void test_live_while_stopped(void **state)
{
    struct session *s;
    struct model m;
    const struct m_table *t;
    long turns0 = 0, turns1 = 0;
    pid_t pid;
    int holders = 0;

    (void)state;
    s = session_open(sc, NULL, NULL, NULL);
    assert_non_null(s);
    for (int i = 0; i < 100 && session_recorded(s) < 1; i++)
        pump(s, 0.1);
    assert_int_equal(session_recorded(s), 1);
    assert_int_equal(session_state(s), SESSION_STOPPED);
    pid = session_lab_pid(s);
    assert_true(pid > 0);

    model_init(&m);
    session_build(s, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    assert_int_equal(t->nrows, 5);
    for (int k = 1; k <= 4; k++) {
        char name[8];
        snprintf(name, sizeof name, "t%d", k);
        assert_string_not_equal(cell(t, name, "st"), "gone");
        turns0 += atol(cell(t, name, "turns"));
    }
    model_free(&m);

    pump(s, 1.0);
    model_init(&m);
    session_build(s, &m);
    t = block(&m, MB_TABLE, 0)->u.table;
    for (int k = 1; k <= 4; k++) {
        char name[8];
        snprintf(name, sizeof name, "t%d", k);
        turns1 += atol(cell(t, name, "turns"));
        holders += strcmp(cell(t, name, "lock"), "HOLDS") == 0;
    }
    model_free(&m);
    assert_true(turns1 > turns0);             /* about 8 turns a second */
    assert_int_equal(holders, 1);

    session_close(s);
    assert_int_equal(kill(pid, 0), -1);       /* the lab and its threads are gone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mutex_table_states_and_holder, setup),
        cmocka_unit_test_setup(test_mutex_thread_gone, setup),
        cmocka_unit_test_setup(test_mutex_run_over, setup),
        cmocka_unit_test_setup(test_spin_costs, setup),
        cmocka_unit_test_setup(test_deadlock_cycle_marked, setup),
        cmocka_unit_test_setup(test_deadlock_no_cycle_not_marked, setup),
        cmocka_unit_test_setup(test_ordered_balances_conserved, setup),
        cmocka_unit_test_setup(test_balances_changed_is_flagged, setup),
        cmocka_unit_test_setup(test_timed_counts_retries, setup),
        cmocka_unit_test_setup(test_live_while_stopped, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
