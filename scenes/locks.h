/* locks.h — the scene "locks": the facts its lab (locks_lab.c) reports and its steps
 * (locks.c, locks_bank.c) read.
 *
 * Settings, reported once: "hold_ms" (CPU work done holding the lock), "nap_ms" (pause
 * between turns), "mutex_s" / "spin_s" (how long each run lasts at most), "pause_ms"
 * (between a transfer's two locks), "try_ms" (the timed lock's limit), "ncpu".
 *
 * Contention runs, prefix R = 'm' (mutex) or 's' (spinlock), worker K = 1..LOCKS_WORKERS:
 *   "RK.tid"    gettid() of worker K
 *   "RK.run"    "<doing> <turns> <wait_ms> <wait_cpu_ms>", doing one of wait, hold,
 *               nap, done; wait_ms is wall time spent in the lock call, wait_cpu_ms
 *               the thread's CPU time spent there
 *   "RK.cpu_t"  utime+stime of the thread, ticks, from /proc/thread-self/stat as it ended
 *   "R.threads" how many workers were started
 *   "R.holder"  K of the worker that took the lock last, 0 once all have finished
 *   "R.wall_ms" how long the run lasted (set when its last worker finished)
 *
 * Bank transfers, two threads K = 1, 2 paying each other, run prefix P = 'd' (deadlock),
 * 'o' (lock ordering), 'x' (timed lock):
 *   "PK.tid"    gettid() of thread K
 *   "dK.holds", "dK.wants"   the deadlocked threads' locks ("A", "B")
 *   "d.stuck"   1 when both were seen blocked (both locks busy, no transfer finished)
 *   "P.A0", "P.B0", "P.A", "P.B"       balances before and after
 *   "PK.done"   "<transfers done> <of> <sum each> <retries>" */
#ifndef OSCOPE_LOCKS_H
#define OSCOPE_LOCKS_H

#include "scenes/lab.h"
#include "scenes/scene.h"

#define LOCKS_WORKERS 4

/* The lab: runs in the forked lab process. */
void locks_lab(struct lab_ctx *lab);

/* ---- shared by the steps (locks.c, locks_bank.c) ---- */
/* The lab's thread with this tid in the step's samples, or NULL (not reported, exited). */
const struct task_sample *locks_task(const struct step_view *v, pid_t tid);
/* utime + stime of a sampled thread, in seconds. */
double locks_cpu_s(const struct step_view *v, const struct task_sample *t);
/* The value of the fact whose name fmt formats, or NULL. */
const char *locks_fact(const struct step_view *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets a table's n column heads; bit c of right right-aligns column c. */
void locks_table_head(struct m_table *t, const char *const *head, int n, unsigned right);
/* The /proc cells of a thread row; "-" / "n/a" when t is NULL. */
struct locks_cells {
    char state[4];          /* "S", "R"... as ps shows it first */
    char cpu[16];           /* seconds */
    char csw[32];           /* "voluntary/involuntary" context switches */
};
void locks_thread_cells(const struct step_view *v, const struct task_sample *t,
                        struct locks_cells *out);

/* The steps of locks_bank.c. */
void locks_step_deadlock(const struct step_view *v, struct model *m);
void locks_step_ordered(const struct step_view *v, struct model *m);
void locks_step_timed(const struct step_view *v, struct model *m);

#endif
