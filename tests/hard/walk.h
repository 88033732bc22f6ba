/* walk.h — moving through a scene in the robustness tests: to a step (past prediction
 * prompts), to the end, a restart that must bring a fresh lab, and a clean quit. These
 * fail the current cmocka test (with the screen printed) when oscope does not do it. */
#ifndef OSCOPE_TESTS_HARD_WALK_H
#define OSCOPE_TESTS_HARD_WALK_H

#include <stdbool.h>
#include <sys/types.h>

#include "scenes/scene.h"
#include "tests/hard/common.h"

/* On the screen whenever a scene shows a problem ("... Press r to restart the lab."). */
#define WALK_PROBLEM "restart the lab"

/* Seconds the lab may take to reach step i (0-based): its timeout_s, or the default 5. */
int walk_step_timeout(const struct scene *sc, int i);
/* Presses Right (s on a prediction prompt) until the title says "step k/"; false when a
 * problem shows instead or it never comes. */
bool walk_to_step(struct vt *vt, const struct scene *sc, int k);
/* Presses End and waits up to ms for the last step or a problem. True when a problem
 * is shown. */
bool walk_run_to_end(struct vt *vt, const struct scene *sc, int ms);
/* Presses r: a fresh lab (not old, alive) at step 1, and with run_on, at step 2 after
 * Right (not when what failed is still in the way, like a full disk). */
void walk_expect_restart(struct vt *vt, const struct scene *sc, pid_t old, const char *what,
                         bool run_on);
/* Presses q: exit status 0 within 5 s and no process left (hard_orphans). Frees vt. */
void walk_quit(struct vt *vt, const char *what);
/* walk_quit, then no lab directory left in dir; removes dir. */
void walk_quit_clean(struct vt *vt, struct hard_dir *dir, const char *what);

#endif
