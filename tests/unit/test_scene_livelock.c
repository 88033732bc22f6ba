/* test_scene_livelock.c — the steps of livelock built from facts as its lab reports them
 * and thread samples made by hand: stuck runs show zero progress while steps aside and
 * CPU time climb, the jitter run shows them passing, the trials give a histogram, a mean
 * time to pass and an honest count of trials that never passed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenes/scene.h"

#define TCK 100.0

static const struct scene *sc;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("livelock");
    assert_non_null(sc);
    return 0;
}

/* The facts the lab reports before its first stop. */
static void setup_facts(struct facts *f)
{
    facts_clear(f);
    facts_set(f, "round_ms", "10");
    facts_set(f, "trial_us", "2");
    facts_set(f, "fixed_wait", "4");
    facts_set(f, "max_window", "32");
    facts_set(f, "secs", "20");
    facts_set(f, "trials", "200");
    facts_set(f, "cap", "64");
    facts_set(f, "nice", "10");
}

/* Four threads: main 100 (S), walkers 201 and 202, reporter 203 (S). */
static void threads(struct task_sample t[4], char walker_state, uint64_t walker_ticks)
{
    memset(t, 0, 4 * sizeof t[0]);
    for (int i = 0; i < 4; i++) {
        t[i].tid = i == 0 ? 100 : 200 + i;
        t[i].st.state = i == 1 || i == 2 ? walker_state : 'S';
        t[i].status.vcsw = 10u * (unsigned)i;
        t[i].status.nvcsw = 3u * (unsigned)i;
    }
    t[1].st.utime = walker_ticks - walker_ticks / 10;
    t[1].st.stime = walker_ticks / 10;
    t[2].st.utime = walker_ticks;
}

static void build(int step, const struct facts *f, const struct task_sample *t, int nt,
                  bool live, struct model *m)
{
    struct pid_status st = { 0 };
    static struct maps none;
    struct step_view v = { .index = step, .facts = f, .maps = &none, .status = &st,
                           .pid = 100, .tasks = t, .ntasks = nt, .clk_tck = TCK, .live = live };

    model_init(m);
    sc->steps[step].build(&v, m);
}

static const struct m_block *block(const struct model *m, enum mblock_kind kind)
{
    for (int i = 0; i < m->nblocks; i++)
        if (m->blocks[i].kind == kind)
            return &m->blocks[i];
    fail_msg("no block of kind %d", (int)kind);
    return NULL;
}

/* The first text line containing needle, or NULL. */
static const char *text_with(const struct m_text *t, const char *needle)
{
    for (int i = 0; i < t->nlines; i++)
        if (strstr(t->line[i], needle))
            return t->line[i];
    return NULL;
}

static int row_of(const struct m_table *t, const char *first_cell)
{
    for (int r = 0; r < t->nrows; r++)
        if (strcmp(t->cell[r][0], first_cell) == 0)
            return r;
    fail_msg("no row \"%s\"", first_cell);
    return -1;
}

static int col_of(const struct m_table *t, const char *head)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->head[c], head) == 0)
            return c;
    fail_msg("no column \"%s\"", head);
    return -1;
}

/* A stuck fixed-wait run after `rounds` rounds: both stepped aside rounds/4 times. */
static void fixed_facts(struct facts *f, int rounds, const char *ms)
{
    char tries[32], round[16];

    setup_facts(f);
    snprintf(tries, sizeof tries, "%d %d", rounds / 4, rounds / 4);
    snprintf(round, sizeof round, "%d", rounds);
    facts_set(f, "fx.tids", "201 202 203");
    facts_set(f, "fx.round", round);
    facts_set(f, "fx.tries", tries);
    facts_set(f, "fx.track", "LLLLRRRRLLLLRRRRLLLLRRRRLLLLRRRR/LLLLRRRRLLLLRRRRLLLLRRRRLLLLRRRR");
    facts_set(f, "fx.wA", "25 4 4 4 4 4 4 4 4");
    facts_set(f, "fx.wB", "25 4 4 4 4 4 4 4 4");
    facts_set(f, "fx.ms", ms);
    facts_set(f, "fx.end", "running");
}

static void test_steps(void **state)
{
    static const char *const markers[] = { "meet", "fixed", "doubling", "jitter", "trials" };
    (void)state;
    assert_int_equal(sc->nsteps, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(sc->steps[i].marker, markers[i]);
    assert_true(sc->steps[4].live);
    assert_true(sc->steps[4].timeout_s > 5);
    assert_true(sc->limits.cpu_s > 0 && sc->limits.cpu_s <= 300);
    assert_true(sc->limits.nproc_extra >= 3);
    assert_true(sc->nquiz >= 2 && sc->nquiz <= 4);
}

static void test_fixed_stuck_but_busy(void **state)
{
    struct facts f;
    struct task_sample t[4];
    struct model m1, m2;
    (void)state;

    fixed_facts(&f, 100, "1000");
    threads(t, 'R', 80);
    build(1, &f, t, 4, false, &m1);
    const struct m_text *tx = block(&m1, MB_TEXT)->u.text;
    const struct m_table *tb = block(&m1, MB_TABLE)->u.table;
    /* Both in the same lane every round: every column is an X, the other lane empty. */
    assert_non_null(text_with(tx, "left  |XXXX....XXXX...."));
    assert_non_null(text_with(tx, "right |....XXXX....XXXX"));
    assert_non_null(text_with(tx, "stuck: A 25, B 25 steps aside, 0 forward"));
    int a = row_of(tb, "walker A"), b = row_of(tb, "walker B");
    assert_string_equal(tb->cell[a][col_of(tb, "st")], "R");
    assert_string_equal(tb->cell[a][col_of(tb, "CPU s")], "0.80");
    assert_string_equal(tb->cell[b][col_of(tb, "CPU s")], "0.80");
    assert_string_equal(tb->cell[row_of(tb, "main")][col_of(tb, "st")], "S");
    assert_string_equal(tb->cell[row_of(tb, "reporter")][col_of(tb, "tid")], "203");
    assert_non_null(strstr(m1.narrative, "1.6 s of CPU in 1.0 s, 0 steps forward"));
    assert_non_null(strstr(m1.narrative, "stopped at 20 s or when you go on"));
    assert_non_null(strstr(m1.headline, "forever"));

    /* Later: more steps aside, more CPU, still no progress. */
    fixed_facts(&f, 400, "4000");
    threads(t, 'R', 330);
    build(1, &f, t, 4, false, &m2);
    tx = block(&m2, MB_TEXT)->u.text;
    tb = block(&m2, MB_TABLE)->u.table;
    assert_non_null(text_with(tx, "stuck: A 100, B 100 steps aside, 0 forward"));
    assert_string_equal(tb->cell[row_of(tb, "walker A")][col_of(tb, "CPU s")], "3.30");
    assert_non_null(strstr(m2.narrative, "6.6 s of CPU in 4.0 s"));
    model_free(&m1);
    model_free(&m2);
}

static void test_doubling_waits_shown_and_equal(void **state)
{
    struct facts f;
    struct task_sample t[4];
    struct model m;
    (void)state;

    setup_facts(&f);
    facts_set(&f, "db.tids", "201 202 203");
    facts_set(&f, "db.round", "126");
    facts_set(&f, "db.tries", "6 6");
    facts_set(&f, "db.track", "LLLLLLLLRRRRRRRRRRRRRRRRRRRRRRRR/LLLLLLLLRRRRRRRRRRRRRRRRRRRRRRRR");
    facts_set(&f, "db.wA", "7 2 4 8 16 32 32 32");
    facts_set(&f, "db.wB", "7 2 4 8 16 32 32 32");
    facts_set(&f, "db.ms", "1300");
    facts_set(&f, "db.end", "time-up");
    threads(t, 'S', 120);
    build(2, &f, t, 4, false, &m);
    const struct m_hist *h = block(&m, MB_HIST)->u.hist;
    /* The last waits of each, side by side: A 2 and B 2 ... both capped at 32. */
    assert_true(h->nbins >= 2);
    assert_string_equal(h->label[0], "A wait 7");
    assert_string_equal(h->label[1], "B wait 7");
    assert_string_equal(h->label[h->nbins - 1], "B wait 2");
    for (int i = 0; i + 1 < h->nbins; i += 2)
        assert_true(h->value[i] == h->value[i + 1]);
    assert_true(h->value[0] == 32);
    assert_true(h->value[h->nbins - 1] == 4);
    const struct m_text *tx = block(&m, MB_TEXT)->u.text;
    assert_non_null(text_with(tx, "stuck: A 6, B 6 steps aside, 0 forward"));
    assert_non_null(strstr(m.narrative, "The lab stopped them at 20 s"));
    assert_non_null(strstr(m.headline, "still stuck"));
    model_free(&m);
}

static void test_jitter_passes(void **state)
{
    struct facts f;
    struct task_sample t[4];
    struct model m;
    (void)state;

    setup_facts(&f);
    facts_set(&f, "jt.tids", "201 202 203");
    facts_set(&f, "jt.round", "4");
    facts_set(&f, "jt.tries", "1 2");
    facts_set(&f, "jt.track", "LRRR/LRRL");
    facts_set(&f, "jt.wA", "2 2 3");
    facts_set(&f, "jt.wB", "2 2 1");
    facts_set(&f, "jt.ms", "300");
    facts_set(&f, "jt.end", "passed");
    threads(t, 'S', 4);
    build(3, &f, t, 4, false, &m);
    const struct m_text *tx = block(&m, MB_TEXT)->u.text;
    /* Bumped twice (X), then A stands right and B is back left: lanes free. */
    assert_non_null(text_with(tx, "left  |X..B"));
    assert_non_null(text_with(tx, "right |.XXA"));
    assert_non_null(text_with(tx, "passed: yes, after A 1, B 2 steps aside"));
    assert_null(text_with(tx, "stuck"));
    assert_non_null(strstr(m.headline, "passed after 2 steps aside"));
    assert_non_null(strstr(m.narrative, "after 4 rounds (40 ms), 0.08 s of CPU"));
    const struct m_table *tb = block(&m, MB_TABLE)->u.table;
    assert_string_equal(tb->cell[row_of(tb, "walker A")][col_of(tb, "st")], "S");
    model_free(&m);
}

static void test_threads_unreadable_said_so(void **state)
{
    struct facts f;
    struct model m;
    (void)state;

    fixed_facts(&f, 40, "400");
    build(1, &f, NULL, -ESRCH, false, &m);
    const struct m_table *tb = block(&m, MB_TABLE)->u.table;
    assert_int_equal(tb->nrows, 1);
    assert_string_equal(tb->cell[0][0], "n/a");
    assert_non_null(strstr(m.narrative, "n/a (walker threads not in /proc)"));
    model_free(&m);
}

static void trial_facts(struct facts *f)
{
    setup_facts(f);
    facts_set(f, "tr.fx", "200 0 200 -1.0 -1.0 1300.0 64 812");
    facts_set(f, "tr.fx.h", "0 0 0 0 0 0");
    facts_set(f, "tr.db", "200 0 200 -1.0 -1.0 20000.0 64 8100");
    facts_set(f, "tr.db.h", "0 0 0 0 0 0");
    facts_set(f, "tr.jt", "200 200 0 21.5 3.2 21.5 5 9");
    facts_set(f, "tr.jt.h", "101 74 19 5 1 0");
}

static void test_trials_histogram_mean_and_never(void **state)
{
    struct facts f;
    struct model m;
    static const double want[] = { 101, 74, 19, 5, 1, 0, 0 };
    (void)state;

    trial_facts(&f);
    build(4, &f, NULL, 0, false, &m);
    const struct m_hist *h = block(&m, MB_HIST)->u.hist;
    assert_int_equal(h->nbins, 7);
    for (int i = 0; i < 7; i++)
        assert_true(h->value[i] == want[i]);
    assert_string_equal(h->label[0], "1");
    assert_string_equal(h->label[5], "6+");
    assert_string_equal(h->label[6], "never");
    assert_int_equal(h->style[6], MS_BAD);

    const struct m_table *tb = block(&m, MB_TABLE)->u.table;
    int pass = col_of(tb, "passed"), never = col_of(tb, "never"), mean = col_of(tb, "mean to pass");
    int fx = row_of(tb, "fixed"), db = row_of(tb, "doubling"), jt = row_of(tb, "jitter");
    assert_string_equal(tb->cell[fx][pass], "0/200");
    assert_string_equal(tb->cell[fx][never], "200");
    assert_string_equal(tb->cell[fx][mean], "n/a (none)");
    assert_string_equal(tb->cell[db][never], "200");
    assert_string_equal(tb->cell[jt][pass], "200/200");
    assert_string_equal(tb->cell[jt][never], "0");
    assert_string_equal(tb->cell[jt][mean], "21.5 us");
    assert_int_equal(tb->row_style[fx], MS_BAD);
    assert_int_equal(tb->row_style[jt], MS_GOOD);
    assert_non_null(strstr(m.headline, "only jitter ever got past"));
    assert_non_null(strstr(m.narrative, "400 trials never passed"));
    assert_non_null(strstr(m.narrative, "101 of 200 passed at the first step aside"));
    assert_non_null(strstr(m.narrative, "21.5 us (3.2 rounds)"));
    model_free(&m);
}

static void test_trials_while_running(void **state)
{
    struct facts f;
    struct model m;
    (void)state;

    setup_facts(&f);
    facts_set(&f, "tr.fx", "50 0 50 -1.0 -1.0 1300.0 64 200");
    build(4, &f, NULL, 0, true, &m);
    const struct m_table *tb = block(&m, MB_TABLE)->u.table;
    assert_string_equal(tb->cell[row_of(tb, "fixed")][col_of(tb, "never")], "50");
    assert_string_equal(tb->cell[row_of(tb, "jitter")][col_of(tb, "mean to pass")], "(not run yet)");
    assert_non_null(strstr(m.headline, "Running 200 trials"));
    assert_non_null(strstr(m.narrative, "50 trials never passed"));
    assert_non_null(strstr(m.narrative, "Jitter runs last"));
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_fixed_stuck_but_busy),
        cmocka_unit_test(test_doubling_waits_shown_and_equal),
        cmocka_unit_test(test_jitter_passes),
        cmocka_unit_test(test_threads_unreadable_said_so),
        cmocka_unit_test(test_trials_histogram_mean_and_never),
        cmocka_unit_test(test_trials_while_running),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
