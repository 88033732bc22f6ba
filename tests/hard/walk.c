/* walk.c — moving through a scene in the robustness tests (walk.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/hard/walk.h"

#include <stdio.h>
#include <string.h>

#define PREDICT "predict, then see"

int walk_step_timeout(const struct scene *sc, int i)
{
    return sc && i < sc->nsteps && sc->steps[i].timeout_s > 0 ? (int)sc->steps[i].timeout_s : 5;
}

bool walk_to_step(struct vt *vt, const struct scene *sc, int k)
{
    char want[32];

    snprintf(want, sizeof want, "step %d/", k);
    for (int tries = 0; tries < 3 * k + 3 && !vt_find(vt, want, NULL, NULL); tries++) {
        if (vt_find(vt, PREDICT, NULL, NULL))
            vt_key_char(vt, 's');
        else
            vt_key(vt, VTERM_KEY_RIGHT);
        /* this step, the next prompt or a problem, within the step's own time limit */
        for (int t = 0; t < walk_step_timeout(sc, k - 1) * 1000 + 2000; t += 20) {
            hard_pump(vt, 20);
            if (vt_find(vt, want, NULL, NULL) || vt_find(vt, PREDICT, NULL, NULL) ||
                vt_find(vt, WALK_PROBLEM, NULL, NULL))
                break;
        }
        if (vt_find(vt, WALK_PROBLEM, NULL, NULL))
            return false;
    }
    return vt_find(vt, want, NULL, NULL);
}

bool walk_run_to_end(struct vt *vt, const struct scene *sc, int ms)
{
    char want[32];

    vt_key(vt, VTERM_KEY_END);
    snprintf(want, sizeof want, "step %d/%d", sc->nsteps, sc->nsteps);
    for (int t = 0; t < ms; t += 100) {
        hard_pump(vt, 100);
        if (vt_find(vt, WALK_PROBLEM, NULL, NULL) || vt_find(vt, want, NULL, NULL))
            break;
        if (vt_find(vt, PREDICT, NULL, NULL))
            vt_key_char(vt, 's');
    }
    return vt_find(vt, WALK_PROBLEM, NULL, NULL);
}

void walk_expect_restart(struct vt *vt, const struct scene *sc, pid_t old, const char *what,
                         bool run_on)
{
    pid_t lab;

    vt_key_char(vt, 'r');
    if (!os_expect(vt, "step 1/") || !vt_wait_gone(vt, WALK_PROBLEM, OS_WAIT_MS))
        fail_msg("%s: r did not bring step 1 back", what);
    hard_pump(vt, 100);
    lab = os_lab_pid(vt);
    if (lab <= 0 || lab == old || !os_alive(lab)) {
        vt_dump(vt, stderr);
        fail_msg("%s: after r the lab is %d (before %d)", what, (int)lab, (int)old);
    }
    if (run_on && sc->nsteps > 1 && !walk_to_step(vt, sc, 2)) {
        vt_dump(vt, stderr);
        fail_msg("%s: the fresh lab did not reach step 2", what);
    }
}

void walk_quit(struct vt *vt, const char *what)
{
    int status;

    vt_key_char(vt, 'q');
    status = vt_finish(vt, 5000);
    if (status != 0) {
        fprintf(stderr, "%s: q gave wait status 0x%x\n", what, (unsigned)status);
        vt_dump(vt, stderr);
    }
    vt_free(vt);
    assert_int_equal(status, 0);
    assert_int_equal(hard_orphans(), 0);
}

void walk_quit_clean(struct vt *vt, struct hard_dir *dir, const char *what)
{
    walk_quit(vt, what);
    assert_int_equal(hard_dir_leftovers(dir), 0);
    hard_dir_free(dir);
}
