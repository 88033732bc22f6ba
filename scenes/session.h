/* session.h — one scene being walked: its lab, the steps recorded so far, which one is on
 * screen, and what went wrong if the lab died. Pure of terminals: tests drive it. */
#ifndef OSCOPE_SESSION_H
#define OSCOPE_SESSION_H

#include <stdbool.h>

#include "scenes/scene.h"

enum session_state {
    SESSION_RUNNING,   /* the lab is running toward its next stop */
    SESSION_STOPPED,   /* the lab waits at its newest recorded step */
    SESSION_DONE,      /* the lab ran its code to the end */
    SESSION_FAILED,    /* the lab died, hung, or broke the protocol: see problem */
};

struct session;

/* Starts the scene's lab with option opt (NULL: the scene's default). proc_root is "/proc"
 * except in tests. NULL with *err = -errno when the lab could not be started. */
struct session *session_open(const struct scene *sc, const char *opt, const char *proc_root,
                             int *err);
/* Ends the lab (killed, reaped, its directory removed) and frees everything. */
void session_close(struct session *s);
/* Forks a fresh lab and forgets every recorded step. 0 or -errno. */
int session_restart(struct session *s);

/* The descriptors to poll for POLLIN (up to 2); returns how many. */
int session_pollfds(const struct session *s, int fds[2]);
/* Handles whatever the lab sent or did; now is monotonic seconds. True when the screen
 * should change. */
bool session_update(struct session *s, double now);

/* Re-reads the live samples (threads, meminfo) shown on the newest step; now is
 * monotonic seconds. True when the step on screen uses them (redraw). */
bool session_sample(struct session *s, double now);
/* The option string the lab runs with. */
const char *session_option(const struct session *s);
/* Restarts with another option string. 0 or -errno. */
int session_set_option(struct session *s, const char *opt);

/* Navigation. next on the newest step lets the lab continue. True when anything changed. */
bool session_next(struct session *s, double now);
bool session_prev(struct session *s);
bool session_first(struct session *s);
/* Shows step k (0-based), running the lab on to it when it is not recorded yet. */
bool session_run_to(struct session *s, int k, double now);
/* Runs the lab through every remaining step and shows the last. */
bool session_last(struct session *s, double now);

const struct scene *session_scene(const struct session *s);
enum session_state session_state(const struct session *s);
/* 0-based step on screen, -1 while the first one is still coming. */
int session_view(const struct session *s);
int session_recorded(const struct session *s);
/* True when the view is the scene's last step and it has been recorded. */
bool session_at_end(const struct session *s);
/* The lab's pid (0 when none is alive). */
pid_t session_lab_pid(const struct session *s);
/* What went wrong ("lab stopped by signal 11 (SIGSEGV) at step 4"), "" when nothing. */
const char *session_problem(const struct session *s);
/* Progress of the step being run: percent (-1 none) and its text. */
int session_progress(const struct session *s, const char **text);
/* Seconds the lab has been running toward its next stop (0 when stopped). */
double session_waiting(const struct session *s, double now);
/* What the lab printed to stdout/stderr so far. */
const char *session_output(const struct session *s);

/* Builds the model of the step on screen into m (model_init'ed by the caller; the caller
 * frees it with model_free). Before the first step it holds a "starting" placeholder. */
void session_build(const struct session *s, struct model *m);
/* The real outcome of recorded step i's prediction (its outcome function), -1 unknown. */
int session_outcome(const struct session *s, int i);
/* Builds the model of recorded step i (for export). false when i is not recorded. */
bool session_build_step(const struct session *s, int i, struct model *m);

#endif
