/* locks_crew.h — inside the lab of the scene "locks": the workers that take turns with one
 * lock, and the plumbing the code pane leaves out (clocks, reports, start, park, stop).
 * The facts they report are listed in locks.h. */
#ifndef OSCOPE_LOCKS_CREW_H
#define OSCOPE_LOCKS_CREW_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "scenes/lab.h"
#include "scenes/locks.h"

/* One of the threads sharing the lock, and what it measured. */
struct crew_worker {
    bool spin;              /* takes the spinlock, not the mutex */
    int k;                  /* 1..LOCKS_WORKERS */
    pthread_t th;
    long turns;             /* times it took the lock */
    double wait_ms;         /* wall time spent in the lock call */
    double wait_cpu_ms;     /* its CPU time spent there */
    double t0, c0;          /* clocks when the current wait began */
};

/* Remembers the lab for the threads' reports; reports how long the runs last. */
void crew_init(struct lab_ctx *lab);
/* The clock id in milliseconds. */
double crew_clock_ms(clockid_t id);
/* Reports what w is doing ("wait", "hold", "nap", "done") and its totals. */
void crew_note(const struct crew_worker *w, const char *doing);
/* Around the lock call: time the wait; then count the turn and report the holder. */
void crew_wait_begins(struct crew_worker *w);
void crew_wait_ends(struct crew_worker *w);
/* False once the run is over (its time is up, or oscope said go on). */
bool crew_running(void);
/* A worker's first and last words: its tid; then it sleeps until the run is stopped,
 * and reports its CPU time from /proc as it ends. */
void crew_hello(struct crew_worker *w);
void crew_park(struct crew_worker *w);
/* pthread_create with a small stack. 0 or an error number. */
int crew_spawn(pthread_t *th, void *(*fn)(void *), void *arg);
/* Starts LOCKS_WORKERS threads running fn(worker); returns once each said hello and
 * they have taken turns for a moment, so the first look has something to show. */
void crew_start(bool spin, void *(*fn)(void *));
/* Ends the run (if its time is not up yet) and joins the workers. */
void crew_stop(void);

#endif
