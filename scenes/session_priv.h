/* session_priv.h — what session.c (the lab's life and navigation) and session_view.c
 * (models and live samples) share about a session. Not for other modules. */
#ifndef OSCOPE_SESSION_PRIV_H
#define OSCOPE_SESSION_PRIV_H

#include "scenes/session.h"

struct samples {
    struct task_sample tasks[STEP_MAX_TASKS];
    int ntasks;                  /* or -errno */
    struct sys_mem mem;
    int mem_err;
};

struct step_rec {
    struct samples smp;          /* taken at the stop, refreshed while newest */
    struct facts facts;          /* cumulative */
    struct maps *maps;
    int maps_err;
    struct pid_status status;
    int status_err;
    char *output;
};

struct session {
    const struct scene *sc;
    char opt[128];
    char root[128];
    struct lab *lab;
    struct step_rec *recs;       /* sc->nsteps slots */
    int nrecs;
    struct facts cur;            /* facts of the step being run */
    int view;                    /* step on screen, -1 before the first */
    enum session_state state;
    bool follow;                 /* show the next record as soon as it arrives */
    int run_to;                  /* keep continuing until this step is recorded, -1 none */
    int pending;                 /* "next" presses made while the lab was running */
    double run_since;            /* when the lab was last told to run */
    int progress;
    char progress_text[200];
    char problem[200];
    struct sysinfo *sys;         /* meminfo reader */
    struct samples live;         /* samples while the lab runs (live steps) */
};

/* Samples the lab's threads and /proc/meminfo into out. */
void session_take_samples(struct session *s, pid_t pid, struct samples *out);

#endif
