/* livelock_lab.h — inside the lab of the scene "livelock": what the walker threads
 * publish while they walk, read by the reporter thread and the trials, and the code that
 * turns it into facts (livelock_report.c). Lab side only. */
#ifndef OSCOPE_LIVELOCK_LAB_H
#define OSCOPE_LIVELOCK_LAB_H

#include <stdatomic.h>
#include <stdbool.h>

#include "scenes/lab.h"
#include "scenes/livelock.h"

#define LL_RING 64                  /* rounds kept per walker for the track */

/* Relaxed atomics: a view for people, not part of the walkers' own protocol (the
 * walkers agree through their barrier). Reset before each run. */
struct ll_seen {
    atomic_int round[2];            /* rounds each walker has looked */
    atomic_char track[2][LL_RING];  /* its lane per round ('L'/'R'), ring */
    atomic_int tries[2];            /* steps aside so far */
    atomic_int nwaits[2];           /* waits drawn so far */
    atomic_int waits[2][LL_WAITS];  /* the last waits drawn (rounds), ring */
    atomic_int tid[3];              /* walker A, walker B, reporter */
    atomic_int done[2];             /* 0 walking, 1 passed, 2 gave up */
    atomic_llong ns[2];             /* from the start line to the end */
};
extern struct ll_seen ll_seen;
extern atomic_bool ll_stop_asked;   /* the step is over: stop walking, stop reporting */

/* CLOCK_MONOTONIC in nanoseconds. */
long long ll_now_ns(void);
/* Clears ll_seen (no walker may be running). */
void ll_seen_reset(void);
/* Walker id looked in this round: it stood in lane (0 left, 1 right), tries steps aside. */
void ll_record(int id, int lane, int tries);
/* Walker id drew a wait of `wait` rounds. */
void ll_note_wait(int id, int wait);

/* The reporter thread (arg: struct ll_reporter *, alive until the thread ends): facts
 * about the live run 5 times a second until the walkers are done, then quiet until
 * ll_stop_asked. */
struct ll_reporter {
    struct lab_ctx *lab;
    int strategy;                   /* enum ll_strategy: the prefix of its facts */
};
void *ll_reporter_main(void *arg);

/* What K trials of one strategy came to. */
struct ll_tally {
    int done, passed, never, max_steps;
    long long pass_ns, all_ns, pass_rounds;
    int bins[LL_BINS];
    long long cpu0;                 /* process CPU time at the start, ns */
};
void ll_tally_start(struct ll_tally *t);
/* Adds the trial that just ended (read from ll_seen); steps: the most steps aside. */
void ll_tally_add(struct ll_tally *t, int steps);
/* Reports the tally as facts tr.P and tr.P.h (see livelock.h). */
void ll_tally_report(struct lab_ctx *lab, int strategy, const struct ll_tally *t);
/* Progress of trial i of k of this strategy, for the status line. */
void ll_tally_progress(struct lab_ctx *lab, int strategy, int i, int k);

#endif
