/* hard_faults.c — labs that fail: SIGKILLed while running a step, stopped (SIGSTOP) so it
 * never answers, not startable because fork fails (RLIMIT_NPROC, as user nobody). Each
 * time the scene must say what happened, oscope must keep answering keys, and r (or
 * opening the scene again) must bring a fresh lab. Resource limits: hard_limits.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenes/scene.h"
#include "tests/hard/common.h"
#include "tests/hard/walk.h"

static char ids[HARD_MAX_SCENES][32];
static int nids;

/* The first step whose run is an experiment (long or live), else the last step. */
static int busy_step(const struct scene *sc)
{
    for (int i = 1; i < sc->nsteps; i++)
        if (sc->steps[i].timeout_s > 5 || sc->steps[i].live)
            return i;
    return sc->nsteps - 1;
}

static void test_lab_killed_mid_step(void **state)
{
    (void)state;
    for (int i = 0; i < nids; i++) {
        const struct scene *sc = scene_find(ids[i]);
        const char *args[] = { ids[i], NULL };
        struct hard_dir dir;
        struct vt *vt;
        pid_t lab;
        int k;
        char what[96];

        if (!sc || sc->nsteps < 2)
            continue;
        k = busy_step(sc);              /* 0-based step the lab will be running toward */
        snprintf(what, sizeof what, "%.31s, lab SIGKILLed on its way to step %d", ids[i], k + 1);
        assert_true(hard_dir_new(&dir));
        vt = hard_start(24, 80, dir.env, args);
        assert_true(os_expect(vt, "step 1/"));
        if (k > 1 && !walk_to_step(vt, sc, k)) {
            vt_dump(vt, stderr);
            fail_msg("%s: could not reach step %d", what, k);
        }
        lab = os_lab_pid(vt);
        assert_true(lab > 0);
        if (vt_find(vt, "predict, then see", NULL, NULL))
            vt_key_char(vt, 's');
        vt_key(vt, VTERM_KEY_RIGHT);
        hard_pump(vt, 30);
        if (vt_find(vt, "predict, then see", NULL, NULL)) {
            vt_key_char(vt, 's');
            hard_pump(vt, 30);
        }
        kill(lab, SIGKILL);
        if (!vt_wait_text(vt, "SIGKILL", OS_WAIT_MS) && !vt_find(vt, "step ", NULL, NULL)) {
            vt_dump(vt, stderr);
            fail_msg("%s: no word of the killed lab", what);
        }
        if (!vt_find(vt, "SIGKILL", NULL, NULL)) {
            vt_dump(vt, stderr);
            fail_msg("%s: the screen does not say the lab was killed (SIGKILL)", what);
        }
        assert_true(hard_answers(vt, 1000));
        walk_expect_restart(vt, sc, lab, what, true);
        walk_quit_clean(vt, &dir, what);
    }
}

static void test_lab_never_answers(void **state)
{
    (void)state;
    for (int i = 0; i < nids; i++) {
        const struct scene *sc = scene_find(ids[i]);
        const char *args[] = { ids[i], NULL };
        struct hard_dir dir;
        struct vt *vt;
        pid_t lab;
        int limit;
        char what[96];

        if (!sc || sc->nsteps < 2)
            continue;
        limit = walk_step_timeout(sc, 1);
        if (limit > 15) {
            fprintf(stderr, "%s: step 2 may take %d s: skipped to keep the run short\n", ids[i], limit);
            continue;
        }
        snprintf(what, sizeof what, "%.31s, lab SIGSTOPped at step 1", ids[i]);
        assert_true(hard_dir_new(&dir));
        vt = hard_start(24, 80, dir.env, args);
        assert_true(os_expect(vt, "step 1/"));
        lab = os_lab_pid(vt);
        assert_true(lab > 0);
        kill(lab, SIGSTOP);
        vt_key(vt, VTERM_KEY_RIGHT);
        hard_pump(vt, 50);
        if (vt_find(vt, "predict, then see", NULL, NULL))
            vt_key_char(vt, 's');
        /* the step's time limit, then a word about it */
        if (!vt_wait_text(vt, "did not answer", (limit + 3) * 1000)) {
            vt_dump(vt, stderr);
            fail_msg("%s: no timeout message after %d s", what, limit + 3);
        }
        assert_false(os_alive(lab));
        assert_true(hard_answers(vt, 1000));
        walk_expect_restart(vt, sc, lab, what, true);
        walk_quit_clean(vt, &dir, what);
    }
}

/* Processes of user nobody now. */
static int nobody_procs(void)
{
    FILE *f = popen("ps -u 65534 -o pid= 2>/dev/null | wc -l", "r");
    int n = 0;

    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = 0;
        pclose(f);
    }
    return n;
}

/* fork fails: oscope runs as nobody with RLIMIT_NPROC one above what nobody runs now
 * (root is exempt from RLIMIT_NPROC), and a sleeping nobody process takes the last slot.
 * Once it ends, opening the scene again works. */
static void test_fork_fails(void **state)
{
    const char *id = nids ? ids[0] : "stack-heap";
    struct hard_dir dir;
    struct vt *vt;
    char nproc[32];
    const char *argv[] = { "prlimit", nproc, "setpriv", "--reuid=65534", "--regid=65534",
                           "--clear-groups", vt_bin(), id, NULL };
    pid_t blocker;

    (void)state;
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
        fprintf(stderr, "fork failure: needs root and setpriv (util-linux): skipped\n");
        skip();
    }
    assert_true(hard_dir_new(&dir));
    chmod(dir.path, 01777);
    fflush(NULL);
    blocker = fork();
    if (blocker == 0) {
        execlp("setpriv", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
               "sleep", "120", (char *)NULL);
        _exit(127);
    }
    assert_true(blocker > 0);
    usleep(200000);
    snprintf(nproc, sizeof nproc, "--nproc=%d", nobody_procs() + 1);
    vt = vt_spawn(24, 80, argv, dir.env);
    assert_non_null(vt);
    if (!vt_wait_text(vt, "could not start", OS_WAIT_MS)) {
        vt_dump(vt, stderr);
        kill(blocker, SIGKILL);
        waitpid(blocker, NULL, 0);
        fail_msg("fork failing: no \"could not start\" message");
    }
    assert_true(hard_answers(vt, 1000));
    kill(blocker, SIGKILL);
    waitpid(blocker, NULL, 0);
    vt_key(vt, VTERM_KEY_ENTER);        /* open it again, now that fork works */
    if (!os_expect(vt, "step 1/"))
        fail_msg("fork failing: the scene did not open once fork worked again");
    walk_quit_clean(vt, &dir, "fork failing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_lab_killed_mid_step, hard_teardown),
        cmocka_unit_test_teardown(test_lab_never_answers, hard_teardown),
        cmocka_unit_test_teardown(test_fork_fails, hard_teardown),
    };

    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    if (getenv("HARD_ONLY"))
        cmocka_set_test_filter(getenv("HARD_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
