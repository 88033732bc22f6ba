/* common.h — shared by the robustness tests (make check-hard): the scenes oscope lists,
 * whether `oscope watch` is built, a private TMPDIR and HOME per test and the check that
 * nothing was left in them, and a liveness probe that a key is answered in time. */
#ifndef OSCOPE_TESTS_HARD_COMMON_H
#define OSCOPE_TESTS_HARD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tests/screen/oscope_vt.h"

#define HARD_MAX_SCENES 32

/* Scene ids as `oscope --list` prints them (first word of each line). Returns how many. */
int hard_scene_ids(char ids[][32], int cap);

/* True when `oscope watch -b -n 1` runs and exits 0; false while watch is not built. */
bool hard_watch_built(void);

/* A private directory for one test: TMPDIR (its labs' directories go there), HOME and
 * XDG_STATE_HOME (quiz progress) point into it. env is a NULL-terminated list for
 * os_start_env / vt_spawn. */
struct hard_dir {
    char path[128];
    char tmpdir_env[160], home_env[160], state_env[180];
    const char *env[8];
};
/* Creates it (mkdtemp). False with a message on stderr when it cannot. */
bool hard_dir_new(struct hard_dir *d);
/* Counts lab directories (oscope-lab.*) left in it and in /var/tmp and /dev/shm (scenes
 * may put their lab there) that were not there before hard_dir_new; prints each. */
int hard_dir_leftovers(const struct hard_dir *d);
/* Removes the directory and everything in it (unmounting what a test mounted there). */
void hard_dir_free(struct hard_dir *d);
/* hard_dir_free on every directory not freed yet: for a teardown after a failure. */
void hard_dir_free_all(void);

/* Starts oscope (vt_bin()) with args (NULL-terminated, may be empty) and env at
 * rows x cols. */
struct vt *hard_start(int rows, int cols, const char *const env[], const char *const args[]);

/* Reads output for ms milliseconds (returns early only if the terminal closes). */
void hard_pump(struct vt *vt, int ms);

/* Sends '?' twice and checks each press changes the screen within ms (the help overlay
 * opens, and closes on any key, in every view). False, with the screen printed, when one
 * did not. */
bool hard_answers(struct vt *vt, int ms);

/* Processes whose parent is oscope: at most one (its current lab). Waits up to 500 ms
 * for a lab that is being replaced. The count when it stays above 1 (each printed). */
int hard_extra_children(struct vt *vt);

/* vt_orphans() for processes still alive: descendants that have already exited and were
 * re-parented here (a lab killed with oscope, or a lab's own child killed with the lab:
 * init reaps those outside a test) are reaped first and noted. Call it once every vt
 * handle is freed. */
int hard_orphans(void);

/* A test's teardown after a failure too: ends every vt and orphan, removes every
 * temporary directory; returns 0 (cmocka's teardown signature). */
int hard_teardown(void **state);

/* The seed from $HARD_SEED, or one made from the time and pid; printed either way. */
unsigned long hard_seed(const char *what);

#endif
