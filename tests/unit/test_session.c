/* test_session.c — the lab protocol end to end through the session: labs that stop and
 * report, that die, that send garbage, that never answer, that stop in the wrong place;
 * every lab reaped and its directory removed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenes/labctx.h"
#include "scenes/session.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the session's loop until it is not RUNNING or the deadline passes. */
static enum session_state pump(struct session *s, double seconds)
{
    double end = now_s() + seconds;

    while (now_s() < end) {
        int fds[2], n = session_pollfds(s, fds);
        struct pollfd pf[2];
        for (int i = 0; i < n; i++)
            pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        poll(pf, (nfds_t)n, 50);
        session_update(s, now_s());
        if (session_state(s) != SESSION_RUNNING)
            break;
    }
    return session_state(s);
}

static void build_facts(const struct step_view *v, struct model *m)
{
    model_headline(m, "step %d: %s", v->index, facts_get(v->facts, "x") ? facts_get(v->facts, "x") : "-");
}

static const struct scene_step two_steps[] = {
    { .marker = "one", .title = "one", .build = build_facts },
    { .marker = "two", .title = "two", .build = build_facts },
};

static void lab_good(struct lab_ctx *lab)
{
    char path[300];
    snprintf(path, sizeof path, "%s/scratch", lab_tmpdir(lab));
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    lab_fact(lab, "x", "%d", 1);
    lab_fact(lab, "dir", "%s", lab_tmpdir(lab));
    lab_stop(lab, "one");
    lab_fact(lab, "x", "%d", 2);
    printf("hello from the lab\n");
    fflush(stdout);
    lab_stop(lab, "two");
}

static void lab_dies(struct lab_ctx *lab)
{
    lab_stop(lab, "one");
    raise(SIGSEGV);
}

static void lab_garbage(struct lab_ctx *lab)
{
    (void)!write(lab->fact_fd, "hello there\n", 12);
    lab_stop(lab, "one");
}

static void lab_silent(struct lab_ctx *lab)
{
    (void)lab;
    for (;;)
        pause();
}

static void lab_wrong_marker(struct lab_ctx *lab)
{
    lab_stop(lab, "elsewhere");
}

static void lab_early_end(struct lab_ctx *lab)
{
    lab_stop(lab, "one");
}

static struct scene make_scene(lab_fn fn, double timeout)
{
    static struct scene_step steps[2];
    memcpy(steps, two_steps, sizeof steps);
    steps[0].timeout_s = timeout;
    steps[1].timeout_s = timeout;
    return (struct scene){ .id = "test", .title = "test", .summary = "test", .lab = fn,
                           .steps = steps, .nsteps = 2 };
}

static bool alive(pid_t pid)
{
    return pid > 0 && kill(pid, 0) == 0;
}

static void test_good_lab_records_and_goes_back(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_good, 5);
    int err = 0;
    struct session *s = session_open(&sc, NULL, "/proc", &err);
    struct model m;
    char dir[256];
    pid_t pid;

    assert_non_null(s);
    if (pump(s, 5) != SESSION_STOPPED)
        fprintf(stderr, "problem: %s\noutput: %s\n", session_problem(s), session_output(s));
    assert_int_equal(session_state(s), SESSION_STOPPED);
    assert_int_equal(session_view(s), 0);
    pid = session_lab_pid(s);
    assert_true(alive(pid));

    model_init(&m);
    session_build(s, &m);
    assert_string_equal(m.headline, "step 0: 1");
    model_free(&m);

    assert_true(session_next(s, now_s()));
    pump(s, 5);
    assert_int_equal(session_view(s), 1);
    assert_non_null(strstr(session_output(s), "hello from the lab"));
    model_init(&m);
    session_build(s, &m);
    assert_string_equal(m.headline, "step 1: 2");
    model_free(&m);

    /* Back: the first step as it was recorded (x was 1 then). */
    assert_true(session_prev(s));
    model_init(&m);
    session_build(s, &m);
    assert_string_equal(m.headline, "step 0: 1");
    model_free(&m);
    assert_true(session_at_end(s) == false);

    /* The lab's private directory exists while it runs and is gone after close. */
    model_init(&m);
    session_build_step(s, 0, &m);
    model_free(&m);
    snprintf(dir, sizeof dir, "/proc/%d/cwd", (int)pid);
    char target[256] = "";
    ssize_t n = readlink(dir, target, sizeof target - 1);
    assert_true(n > 0);
    target[n] = '\0';
    struct stat sb;
    assert_int_equal(stat(target, &sb), 0);
    session_close(s);
    assert_false(alive(pid));
    assert_int_not_equal(stat(target, &sb), 0);
}

static void test_lab_killed_by_signal_is_reported(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_dies, 5);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);

    assert_int_equal(pump(s, 5), SESSION_STOPPED);
    session_next(s, now_s());
    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "lab stopped by signal 11 (SIGSEGV) at step 2 of 2"));
    /* The recorded step is still there to look at. */
    assert_int_equal(session_recorded(s), 1);
    /* Restart forks a fresh lab that works again. */
    assert_int_equal(session_restart(s), 0);
    assert_int_equal(pump(s, 5), SESSION_STOPPED);
    assert_string_equal(session_problem(s), "");
    session_close(s);
}

static void test_lab_sigkilled_from_outside(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_good, 5);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);
    pid_t pid;

    pump(s, 5);
    pid = session_lab_pid(s);
    kill(pid, SIGKILL);
    session_next(s, now_s());
    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "SIGKILL"));
    assert_int_equal(session_lab_pid(s), 0);
    session_close(s);
}

static void test_garbage_is_refused(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_garbage, 5);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);

    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "garbage"));
    assert_non_null(strstr(session_problem(s), "hello there"));
    session_close(s);
}

static void test_silent_lab_times_out_and_is_killed(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_silent, 0.4);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);
    pid_t pid = session_lab_pid(s);

    assert_true(alive(pid));
    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "did not answer"));
    session_close(s);
    assert_false(alive(pid));
}

static void test_wrong_marker_and_early_end(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_wrong_marker, 5);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);

    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "\"elsewhere\""));
    session_close(s);

    sc = make_scene(lab_early_end, 5);
    s = session_open(&sc, NULL, "/proc", NULL);
    pump(s, 5);
    session_next(s, now_s());
    assert_int_equal(pump(s, 5), SESSION_FAILED);
    assert_non_null(strstr(session_problem(s), "finished its code early"));
    session_close(s);
}

static void test_fast_presses_queue_and_end_runs_through(void **state)
{
    (void)state;
    struct scene sc = make_scene(lab_good, 5);
    struct session *s = session_open(&sc, NULL, "/proc", NULL);

    /* End before the first stop: the lab runs to the last step by itself. */
    session_last(s, now_s());
    pump(s, 5);
    if (session_recorded(s) < 2)
        pump(s, 5);
    assert_int_equal(session_recorded(s), 2);
    assert_true(session_at_end(s));
    session_close(s);
}

static void test_registry(void **state)
{
    (void)state;
    assert_true(scene_count >= 1);
    for (int i = 0; i < scene_count; i++) {
        const struct scene *sc = scene_table[i];
        assert_ptr_equal(scene_find(sc->id), sc);
        assert_non_null(sc->title);
        assert_non_null(sc->summary);
        assert_non_null(sc->lab);
        assert_true(sc->nsteps > 0);
        assert_true(sc->nquiz >= 2 && sc->nquiz <= 4);
        assert_non_null(sc->source);
        for (int k = 0; k < sc->nsteps; k++) {
            assert_non_null(sc->steps[k].build);
            /* Every step stops at a lab_stop() that exists in the shown source. */
            assert_non_null(scene_source_mark(sc->source, sc->steps[k].marker));
        }
        for (int q = 0; q < sc->nquiz; q++) {
            int n = 0;
            while (n < 4 && sc->quiz[q].choices[n])
                n++;
            assert_true(sc->quiz[q].answer >= 0 && sc->quiz[q].answer < n);
            assert_non_null(sc->quiz[q].why);
        }
    }
    assert_null(scene_find("no-such-scene"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lab_records_and_goes_back),
        cmocka_unit_test(test_lab_killed_by_signal_is_reported),
        cmocka_unit_test(test_lab_sigkilled_from_outside),
        cmocka_unit_test(test_garbage_is_refused),
        cmocka_unit_test(test_silent_lab_times_out_and_is_killed),
        cmocka_unit_test(test_wrong_marker_and_early_end),
        cmocka_unit_test(test_fast_presses_queue_and_end_runs_through),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
