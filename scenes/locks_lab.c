/* locks_lab.c — the lab of the scene "locks": four threads take turns with one mutex, then
 * with one spinlock; two bank transfers take two accounts' locks in opposite orders and
 * deadlock; then two fixes (lock ordering, a timed lock with back-off) run for real.
 * The code pane shows the lab code blocks below; the rest, and locks_crew.c (clocks,
 * reports, starting and parking threads), only feeds oscope. */
#include "scenes/locks_crew.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct lab_ctx *g_lab; /* for the threads' reports */

static void nap_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The work done while holding the lock: ms of this thread's CPU time (cut short when
 * the run ends). */
static void busy_ms(int ms)
{
    double c0 = crew_clock_ms(CLOCK_THREAD_CPUTIME_ID);

    while (crew_clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0 < ms && crew_running())
        ;
}

static void report_settings(void);
static void turn_spin(struct crew_worker *w);

/* LAB-BEGIN */
/* CPU work done holding the
 * lock; nap between turns. */
#define HOLD_MS 100
#define NAP_MS 20

static pthread_mutex_t mx =
    PTHREAD_MUTEX_INITIALIZER;

/* Take the mutex. If it is
 * busy, the thread sleeps in
 * the kernel until it is
 * handed the lock. */
static void turn_mutex(
    struct crew_worker *w)
{
    crew_wait_begins(w); /*@hide*/
    pthread_mutex_lock(&mx);
    crew_wait_ends(w); /*@hide*/
    busy_ms(HOLD_MS);
    pthread_mutex_unlock(&mx);
}

/* Each of the 4 threads. */
static void *worker(void *p)
{
    struct crew_worker *w = p;
    crew_hello(w); /*@hide*/
    while (crew_running()) {
        if (w->spin)
            turn_spin(w);
        else
            turn_mutex(w);
        crew_note(w, "nap"); /*@hide*/
        nap_ms(NAP_MS);
    }
    crew_park(w); /*@hide*/
    return NULL;
}

/* 4 threads, 60 s at most. */
static void run_mutex(
    struct lab_ctx *lab)
{
    crew_start(false, worker);
    lab_stop(lab, "mutex");
    crew_stop();
}

static pthread_spinlock_t sp;

/* Take the spinlock. If it
 * is busy, the thread loops,
 * running, until it is
 * free. */
static void turn_spin(
    struct crew_worker *w)
{
    crew_wait_begins(w); /*@hide*/
    pthread_spin_lock(&sp);
    crew_wait_ends(w); /*@hide*/
    busy_ms(HOLD_MS);
    pthread_spin_unlock(&sp);
}

/* The same 4 threads, 5 s. */
static void run_spin(
    struct lab_ctx *lab)
{
    pthread_spin_init(&sp, 0);
    crew_start(true, worker);
    lab_stop(lab, "spin");
    crew_stop();
}

/* Pause between two locks;
 * the timed lock's limit. */
#define PAUSE_MS 50
#define TRY_MS 100

struct acct {
    int id, balance;
    pthread_mutex_t m;
};
/* LAB-END */

/* ---- the bank runs: two threads paying each other ---- */
typedef int mover(struct acct *from, struct acct *to, int sum);

struct bank;
struct job {
    struct bank *bank;
    int k;                  /* 1 or 2: thread t1 or t2 */
    struct acct *from, *to;
    int sum, times;         /* each transfer moves sum; times transfers in all */
    int done, retries;
    mover *how;
    pthread_t th;
    bool started;
};
struct bank {
    char run;               /* fact prefix: d deadlock, o ordering, x timed lock */
    struct acct a, b;
    struct job t[2];
    atomic_int waiting;     /* threads that asked for their second lock */
    atomic_int transfers;   /* done by both threads */
};
static struct bank dl = { .run = 'd' }, fix1 = { .run = 'o' }, fix2 = { .run = 'x' };
static _Thread_local struct job *t_job;

static void open_acct(struct acct *a, int id, int balance)
{
    a->id = id;
    a->balance = balance;
    pthread_mutex_init(&a->m, NULL);
}

/* In the deadlock run: tells which account's lock this thread holds or wants. */
static void note_lock(const pthread_mutex_t *x, const char *what)
{
    struct bank *k = t_job ? t_job->bank : NULL;
    char name[16];

    if (!k || k->run != 'd')
        return;
    snprintf(name, sizeof name, "d%d.%s", t_job->k, what);
    lab_fact(g_lab, name, "%s", x == &k->a.m ? "A" : "B");
    if (strcmp(what, "wants") == 0)
        atomic_fetch_add(&k->waiting, 1);
}

/* The absolute CLOCK_REALTIME time ms from now, as pthread_mutex_timedlock wants it. */
static struct timespec deadline_in(int ms)
{
    struct timespec t;

    timespec_get(&t, TIME_UTC);
    t.tv_nsec += (long)ms * 1000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

/* A random back-off of 0-99 ms, different in each thread. */
static int backoff_ms(void)
{
    static _Thread_local unsigned seed;

    if (!seed)
        seed = (unsigned)gettid();
    return rand_r(&seed) % 100;
}

static void *payer(void *p)
{
    struct job *j = p;
    char name[16];

    t_job = j;
    snprintf(name, sizeof name, "%c%d.tid", j->bank->run, j->k);
    lab_fact(g_lab, name, "%d", (int)gettid());
    while (j->done < j->times) {
        j->retries += j->how(j->from, j->to, j->sum);
        j->done++;
        int n = atomic_fetch_add(&j->bank->transfers, 1) + 1;
        lab_progress(g_lab, n * 100 / (2 * j->times), "transfers done");
    }
    return NULL;
}

/* Opens accounts A (id 1, 700) and B (id 2, 300); t1 pays A->B 30 at a time, t2 pays
 * B->A 20 at a time, each `times` times, both at once, with `how`. */
static void both_ways(struct bank *k, int times, mover *how)
{
    char name[16];

    open_acct(&k->a, 1, 700);
    open_acct(&k->b, 2, 300);
    snprintf(name, sizeof name, "%c.A0", k->run);
    lab_fact(g_lab, name, "%d", k->a.balance);
    snprintf(name, sizeof name, "%c.B0", k->run);
    lab_fact(g_lab, name, "%d", k->b.balance);
    k->t[0] = (struct job){ k, 1, &k->a, &k->b, 30, times, 0, 0, how, 0, false };
    k->t[1] = (struct job){ k, 2, &k->b, &k->a, 20, times, 0, 0, how, 0, false };
    for (int i = 0; i < 2; i++)
        k->t[i].started = crew_spawn(&k->t[i].th, payer, &k->t[i]) == 0;
}

/* Waits for both payers, then reports the balances and what each thread did. */
static void join_both(struct bank *k)
{
    char name[16];

    for (int i = 0; i < 2; i++) {
        if (k->t[i].started)
            pthread_join(k->t[i].th, NULL);
        snprintf(name, sizeof name, "%c%d.done", k->run, i + 1);
        lab_fact(g_lab, name, "%d %d %d %d", k->t[i].done, k->t[i].times, k->t[i].sum,
                 k->t[i].retries);
    }
    snprintf(name, sizeof name, "%c.A", k->run);
    lab_fact(g_lab, name, "%d", k->a.balance);
    snprintf(name, sizeof name, "%c.B", k->run);
    lab_fact(g_lab, name, "%d", k->b.balance);
}

/* Waits (3 s at most) until both threads asked for their second lock, then checks that
 * they are stuck: both locks busy and no transfer done. */
static void wait_stuck(struct bank *k)
{
    bool stuck = false;

    for (int i = 0; i < 300 && atomic_load(&k->waiting) < 2; i++)
        nap_ms(10);
    nap_ms(200);
    if (atomic_load(&k->waiting) == 2) {
        bool a_busy = pthread_mutex_trylock(&k->a.m) == EBUSY;
        bool b_busy = pthread_mutex_trylock(&k->b.m) == EBUSY;
        if (!a_busy)
            pthread_mutex_unlock(&k->a.m);
        if (!b_busy)
            pthread_mutex_unlock(&k->b.m);
        stuck = a_busy && b_busy && k->t[0].done == 0 && k->t[1].done == 0;
    }
    lab_fact(g_lab, "d.stuck", "%d", stuck ? 1 : 0);
}


/* LAB-BEGIN */
/* The critical section. */
static void move_money(
    struct acct *from,
    struct acct *to, int sum)
{
    from->balance -= sum;
    to->balance += sum;
}

/* Lock x, pause, lock y, move
 * the money, unlock both. */
static void locked_move(
    struct acct *from,
    struct acct *to, int sum,
    pthread_mutex_t *x,
    pthread_mutex_t *y)
{
    pthread_mutex_lock(x);
    note_lock(x, "holds"); /*@hide*/
    nap_ms(PAUSE_MS);
    note_lock(y, "wants"); /*@hide*/
    pthread_mutex_lock(y);
    move_money(from, to, sum);
    pthread_mutex_unlock(y);
    pthread_mutex_unlock(x);
}

/* Payer's lock first, then
 * the payee's. No retries. */
static int pay(
    struct acct *from,
    struct acct *to, int sum)
{
    locked_move(from, to, sum,
        &from->m, &to->m);
    return 0;
}

/* t1 pays A->B, t2 pays B->A,
 * at the same time. */
static void run_deadlock(
    struct lab_ctx *lab)
{
    both_ways(&dl, 1, pay);
    wait_stuck(&dl); /*@hide*/
    lab_stop(lab, "deadlock");
}

/* Fix 1: all threads lock
 * the lower id first. */
static int pay_ordered(
    struct acct *from,
    struct acct *to, int sum)
{
    struct acct *lo = from;
    struct acct *hi = to;
    if (lo->id > hi->id) {
        lo = to;
        hi = from;
    }
    locked_move(from, to, sum,
        &lo->m, &hi->m);
    return 0;
}

/* New accounts: the first A
 * and B stay locked. */
static void run_ordered(
    struct lab_ctx *lab)
{
    both_ways(&fix1, 10,
              pay_ordered);
    join_both(&fix1);
    lab_stop(lab, "ordered");
}

/* pthread_mutex_lock, but it
 * gives up after TRY_MS. */
static bool timed_lock(
    pthread_mutex_t *y)
{
    struct timespec t;
    t = deadline_in(TRY_MS);
    return pthread_mutex_timedlock(
               y, &t) == 0;
}

/* One try: false when the
 * 2nd lock did not come. */
static bool try_move(
    struct acct *from,
    struct acct *to, int sum)
{
    pthread_mutex_t *x, *y;
    x = &from->m;
    y = &to->m;
    pthread_mutex_lock(x);
    nap_ms(PAUSE_MS);
    if (!timed_lock(y))
        goto out_unlock_x;
    move_money(from, to, sum);
    pthread_mutex_unlock(y);
    pthread_mutex_unlock(x);
    return true;
out_unlock_x:
    pthread_mutex_unlock(x);
    return false;
}

/* Fix 2: on a timeout let go,
 * back off a random while,
 * try again. */
static int pay_timed(
    struct acct *from,
    struct acct *to, int sum)
{
    int retries = 0;
    while (!try_move(from, to,
                     sum)) {
        retries++;
        nap_ms(backoff_ms());
    }
    return retries;
}

static void run_timed(
    struct lab_ctx *lab)
{
    both_ways(&fix2, 10,
              pay_timed);
    join_both(&fix2);
    lab_stop(lab, "timed");
}

void locks_lab(
    struct lab_ctx *lab)
{
    g_lab = lab; /*@hide*/
    crew_init(lab); /*@hide*/
    report_settings(); /*@hide*/
    run_mutex(lab);
    run_spin(lab);
    run_deadlock(lab);
    run_ordered(lab);
    run_timed(lab);
}
/* LAB-END */

/* The settings, for the narrative. */
static void report_settings(void)
{
    lab_fact(g_lab, "hold_ms", "%d", HOLD_MS);
    lab_fact(g_lab, "nap_ms", "%d", NAP_MS);
    lab_fact(g_lab, "pause_ms", "%d", PAUSE_MS);
    lab_fact(g_lab, "try_ms", "%d", TRY_MS);
    lab_fact(g_lab, "ncpu", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
}
