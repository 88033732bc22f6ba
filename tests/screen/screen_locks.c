/* screen_locks.c — the scene "locks" on the real ./oscope at 80x24: walked to its quiz;
 * the thread states in its table checked against ps -L for the lab at the same moment
 * (mutex waiters asleep, the deadlocked pair asleep); and the deadlocked lab killed and
 * reaped, threads and all, when oscope quits or leaves the scene. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/screen/oscope_vt.h"

/* The spin run lasts 5 s; a loaded machine under a sanitizer takes longer to get there. */
#define SPIN_WAIT_MS 30000
#define MAX_THREADS 16
/* Tries at reading the screen and ps at the same moment before calling a mismatch real. */
#define AGREE_TRIES 40

struct threads {
    int n;
    pid_t tid[MAX_THREADS];
    char st[MAX_THREADS];
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The thread table on screen: the rows under the heading "thr  TID st", as tid and state. */
static bool screen_threads(struct vt *vt, struct threads *out)
{
    char buf[512], name[16], st[8];
    int row, col, tid;

    out->n = 0;
    if (!vt_find(vt, "thr ", &row, &col))
        return false;
    for (int r = row + 1; r < vt_rows(vt) && out->n < MAX_THREADS; r++) {
        os_row_from(vt, r, col, buf, sizeof buf);
        if (sscanf(buf, "%15s %d %7s", name, &tid, st) != 3)
            break;
        out->tid[out->n] = tid;
        out->st[out->n++] = st[0];
    }
    return out->n > 0;
}

/* What ps says about the lab's threads: tid and the first letter of stat. */
static bool ps_threads(pid_t lab, struct threads *out)
{
    char cmd[96], st[16];
    int tid;
    FILE *p;

    out->n = 0;
    snprintf(cmd, sizeof cmd, "ps -L -o tid=,stat= -p %d", (int)lab);
    p = popen(cmd, "r");
    if (!p)
        return false;
    while (out->n < MAX_THREADS && fscanf(p, "%d %15s", &tid, st) == 2) {
        out->tid[out->n] = tid;
        out->st[out->n++] = st[0];
    }
    return pclose(p) == 0 && out->n > 0;
}

/* Waits for the next frame of the thread table (it is redrawn at each sample). */
static void next_frame(struct vt *vt)
{
    struct threads before, now;
    long long end = now_ms() + 1000;

    screen_threads(vt, &before);
    while (now_ms() < end) {
        vt_settle(vt, 5);
        screen_threads(vt, &now);
        if (memcmp(&now, &before, sizeof now) != 0)
            return;
    }
}

/* Compares the table with ps right after each fresh frame. Threads change state faster
 * than the screen samples, so all rows rarely match in one instant; instead every thread
 * must be seen in the same state on screen and in ps in at least one try, with the same
 * set of threads each time. A table that is wrong (a sleeper shown running) stays wrong
 * and fails. */
static void expect_states_agree(struct vt *vt, pid_t lab, const char *want_states)
{
    struct threads scr, ps;
    pid_t agreed[MAX_THREADS];
    int nagreed = 0, seen = -1;
    char why[128] = "no thread table on screen";

    for (int i = 0; i < AGREE_TRIES; i++) {
        next_frame(vt);
        if (!screen_threads(vt, &scr) || !ps_threads(lab, &ps))
            continue;
        if (scr.n != ps.n) {
            snprintf(why, sizeof why, "%d threads on screen, %d in ps", scr.n, ps.n);
            continue;
        }
        seen = scr.n;
        for (int k = 0; k < scr.n; k++) {
            int j = 0, a = 0;
            while (j < ps.n && ps.tid[j] != scr.tid[k])
                j++;
            if (j == ps.n) {
                snprintf(why, sizeof why, "TID %d is on screen, not in ps", (int)scr.tid[k]);
                continue;
            }
            if (ps.st[j] != scr.st[k]) {
                snprintf(why, sizeof why, "TID %d: %c on screen, %c in ps", (int)scr.tid[k],
                         scr.st[k], ps.st[j]);
                continue;
            }
            if (!strchr(want_states, scr.st[k]))
                fail_msg("thread %d is %c, expected one of %s", (int)scr.tid[k], scr.st[k],
                         want_states);
            while (a < nagreed && agreed[a] != scr.tid[k])
                a++;
            if (a == nagreed && nagreed < MAX_THREADS)
                agreed[nagreed++] = scr.tid[k];
        }
        if (seen > 0 && nagreed >= seen)
            return;
    }
    vt_dump(vt, stderr);
    fail_msg("the thread table never agreed with ps -L for every thread (%d of %d): %s",
             nagreed, seen, why);
}

static struct vt *start_at_mutex(pid_t *lab)
{
    struct vt *vt = os_start(24, 80, "locks", NULL);

    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, "Waiting for a mutex is sleeping"));
    assert_true(os_expect(vt, " stopped"));
    *lab = os_lab_pid(vt);
    assert_true(os_alive(*lab));
    return vt;
}

static void go_to_deadlock(struct vt *vt)
{
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 2));
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 3));
    assert_true(os_expect(vt, "CYCLE: t1 -> B -> t2 -> A -> t1 = deadlock"));
}

static void test_walk_to_quiz(void **state)
{
    pid_t lab;
    struct vt *vt = start_at_mutex(&lab);

    (void)state;
    assert_true(os_expect(vt, "HOLDS"));
    assert_true(os_expect(vt, "holds the lock now: t"));

    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 2));
    assert_true(os_expect(vt, "burned waiting (lab)"));
    if (!vt_wait_text(vt, "Spinning burned", SPIN_WAIT_MS)) {
        vt_dump(vt, stderr);
        fail_msg("the spin run never ended");
    }
    assert_true(os_expect(vt, "done"));

    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 3));
    assert_true(os_expect(vt, "CYCLE: t1 -> B -> t2 -> A -> t1 = deadlock"));
    assert_true(os_expect(vt, "Deadlock: t1 holds A, waits for B; t2 holds B, waits for A"));

    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 4));
    assert_true(os_expect(vt, "total: conserved   1000  1000"));
    assert_true(os_expect(vt, "10 of 10"));
    assert_true(os_expect(vt, "Fix 1, lock ordering"));

    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, 5));
    assert_true(os_expect(vt, "total: conserved   1000  1000"));
    assert_true(os_expect(vt, "Fix 2, timed lock"));
    assert_true(os_expect(vt, "state S"));          /* the deadlocked pair, still asleep */

    assert_true(os_next(vt));
    assert_true(os_expect(vt, "quiz 1/4"));
    os_quit_clean(vt, lab);
}

/* The states on screen are the kernel's: the same as ps -L shows at the same moment. */
static void test_states_agree_with_ps(void **state)
{
    pid_t lab;
    struct vt *vt = start_at_mutex(&lab);

    (void)state;
    /* Mutex: one holder running, waiters and the main thread asleep. */
    expect_states_agree(vt, lab, "RS");
    go_to_deadlock(vt);
    /* Deadlock: everyone asleep, for good. */
    expect_states_agree(vt, lab, "S");
    assert_true(vt_key_char(vt, 'q'));
    assert_true(WIFEXITED(vt_finish(vt, OS_WAIT_MS)));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

/* Counts the threads of pid in /proc, -1 when it is gone. */
static int thread_count(pid_t pid)
{
    struct threads t;

    return ps_threads(pid, &t) ? t.n : -1;
}

/* Threads blocked forever do not keep the lab alive: quitting kills and reaps it. */
static void test_deadlocked_lab_reaped_on_quit(void **state)
{
    pid_t lab;
    struct vt *vt = start_at_mutex(&lab);
    int status;

    (void)state;
    go_to_deadlock(vt);
    assert_int_equal(thread_count(lab), 3);          /* main and the stuck pair */
    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_false(os_alive(lab));
    assert_int_equal(thread_count(lab), -1);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

/* Leaving the scene for the menu ends the deadlocked lab too, with oscope still running. */
static void test_deadlocked_lab_reaped_on_leaving(void **state)
{
    pid_t lab;
    struct vt *vt = start_at_mutex(&lab);
    long long end;

    (void)state;
    go_to_deadlock(vt);
    assert_true(vt_key_char(vt, 'm'));
    /* Gone entirely: killed, every thread ended, and reaped by oscope (not a zombie). */
    end = now_ms() + OS_WAIT_MS;
    while (kill(lab, 0) == 0 && now_ms() < end)
        vt_settle(vt, 50);
    assert_int_equal(kill(lab, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_true(os_alive(vt_pid(vt)));               /* oscope itself goes on */
    assert_true(vt_key_char(vt, 'q'));
    assert_true(WIFEXITED(vt_finish(vt, OS_WAIT_MS)));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_walk_to_quiz, os_teardown),
        cmocka_unit_test_teardown(test_states_agree_with_ps, os_teardown),
        cmocka_unit_test_teardown(test_deadlocked_lab_reaped_on_quit, os_teardown),
        cmocka_unit_test_teardown(test_deadlocked_lab_reaped_on_leaving, os_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
