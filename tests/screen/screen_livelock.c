/* screen_livelock.c — the scene livelock on the real ./oscope at 80x24 and 140x45: the
 * fixed and doubling runs stay stuck while the walkers' CPU time climbs, the jitter run
 * passes, the trials show their histogram and the never-passed counts; q leaves no lab
 * and no orphan behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/screen/oscope_vt.h"

/* The trials under a sanitizer on a busy machine take a while; a pass returns at once. */
#define TRIALS_WAIT_MS 90000

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The state letter and CPU seconds of the thread table's "walker A" row. */
static bool walker_a(struct vt *vt, char *state, double *cpu)
{
    char buf[512];
    int row, col, tid;

    if (!vt_find(vt, "walker A", &row, &col))
        return false;
    os_row_from(vt, row, col + 8, buf, sizeof buf);
    return sscanf(buf, "%d %c %lf", &tid, state, cpu) == 3;
}

/* Waits until walker A is shown running (R) with more CPU time than `above`. */
static bool walker_busy(struct vt *vt, double above, double *cpu)
{
    long long end = now_ms() + OS_WAIT_MS;
    char st = '?';

    while (now_ms() < end) {
        vt_settle(vt, 100);
        if (walker_a(vt, &st, cpu) && st == 'R' && *cpu > above)
            return true;
    }
    fprintf(stderr, "walker A never shown busy (R) with CPU above %.2f s\n", above);
    vt_dump(vt, stderr);
    return false;
}

/* True when both lanes show 32 rounds, each cell X, A, B or '.', and in every round
 * exactly one lane holds someone: the whole track drawn, nothing lost at its edge. */
static bool track_full(struct vt *vt)
{
    char left[512], right[512];
    int row, col;

    if (!vt_find(vt, "left  |", &row, &col))
        return false;
    os_row_from(vt, row, col + 7, left, sizeof left);
    os_row_from(vt, row + 1, col + 7, right, sizeof right);
    if (strlen(left) < 33 || strlen(right) < 33 ||
        left[32] != '|' || right[32] != '|')
        return false;
    for (int k = 0; k < 32; k++) {
        bool l = strchr("XAB", left[k]) != NULL, r = strchr("XAB", right[k]) != NULL;
        if (!strchr("XAB.", left[k]) || !strchr("XAB.", right[k]) || l == r)
            return false;
    }
    return true;
}

static bool wait_track_full(struct vt *vt)
{
    long long end = now_ms() + OS_WAIT_MS;

    while (now_ms() < end) {
        vt_settle(vt, 100);
        if (track_full(vt))
            return true;
    }
    fprintf(stderr, "the lanes never showed 32 full rounds\n");
    vt_dump(vt, stderr);
    return false;
}

static void walk_scene(int rows, int cols)
{
    struct vt *vt = os_start(rows, cols, "--option", "trials=50", "livelock", NULL);
    double cpu1 = 0, cpu2 = 0;
    pid_t lab;

    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, "Two polite walkers meet"));
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    assert_true(os_alive(lab));

    /* Fixed wait: stuck, busy, and the CPU time goes on climbing while we watch. */
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 2));
    assert_true(os_expect(vt, "steps aside, 0 forward"));
    assert_true(walker_busy(vt, 0, &cpu1));
    assert_true(walker_busy(vt, cpu1, &cpu2));
    assert_true(wait_track_full(vt));
    assert_true(os_expect(vt, "forever"));

    /* Doubling without jitter: still stuck. */
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 3));
    assert_true(os_expect(vt, "still stuck"));
    assert_true(os_expect(vt, "steps aside, 0 forward"));

    /* Jitter: they get past. */
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 4));
    assert_true(os_expect(vt, "passed: yes"));
    assert_true(os_expect(vt, "Random waits break the tie"));

    /* Trials: the table and the histogram, with never-passed counted. The step's title
     * comes when the lab stops after its last trial: that is the trials' time, not a
     * key's. */
    assert_true(os_next(vt));
    if (!vt_wait_text(vt, "step 5/", TRIALS_WAIT_MS) ||
        !vt_wait_text(vt, "only jitter ever got past", TRIALS_WAIT_MS)) {
        vt_dump(vt, stderr);
        fail_msg("the trials never finished");
    }
    assert_true(os_expect(vt, "jitter: steps aside needed (trials)"));
    assert_true(os_expect(vt, "never"));
    assert_true(os_expect(vt, "0/50"));
    assert_true(os_expect(vt, "50/50"));

    /* Past the end: the quiz. */
    assert_true(os_next(vt));
    assert_true(os_expect(vt, "quiz 1/"));

    os_quit_clean(vt, lab);
}

static void test_small(void **state)
{
    (void)state;
    walk_scene(24, 80);
}

static void test_large(void **state)
{
    (void)state;
    walk_scene(45, 140);
}

/* Quitting in the middle of a busy run ends the lab and its threads. */
static void test_quit_while_busy(void **state)
{
    struct vt *vt = os_start(24, 80, "livelock", NULL);
    double cpu = 0;
    pid_t lab;
    int status;

    (void)state;
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 2));
    assert_true(walker_busy(vt, 0, &cpu));
    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_false(os_alive(lab));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_small, os_teardown),
        cmocka_unit_test_teardown(test_large, os_teardown),
        cmocka_unit_test_teardown(test_quit_while_busy, os_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
