/* livelock.c — the lab of the scene "livelock": two polite walkers (threads) meet face
 * to face in a corridor and step aside for each other in lockstep rounds. Fixed and
 * doubling waits keep them stuck while they burn CPU; random waits let them pass. What
 * they publish becomes facts in livelock_report.c; the steps are drawn in
 * livelock_view.c and livelock_trials.c; the scene's table is in livelock_scene.c. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "scenes/lab.h"
#include "scenes/livelock.h"
#include "scenes/livelock_lab.h"

#define LL_NICE 10                  /* live walkers yield to oscope on this 2-core box */
#define LIVE_ROUND_NS 10000000L     /* 10 ms of spinning per round while on screen */
#define TRIAL_ROUND_NS 2000L        /* 2 us per round in the trials */
#define TRIAL_MAX_STEPS 64          /* a trial gives up after this many steps aside */

static long long deadline_ns;       /* a live run ends here (CLOCK_MONOTONIC) */
static bool live;                   /* on screen: nice, a reporter, a deadline */
static long round_ns;               /* busy time of one round */
static int max_steps;               /* give up after this many steps aside */
static unsigned master_seed;        /* where the walkers' seeds come from */
static struct lab_ctx *the_lab;     /* for the reporter and the trials' progress */

static int time_up(int me);

/* CLOCK_MONOTONIC in nanoseconds (short, for the listing). */
static long long now(void)
{
    return ll_now_ns();
}

/* LAB-BEGIN */
/* Waits, in rounds; windows
 * double, up to 2 << 4. */
#define FIXED_WAIT 4
#define MAX_SHIFT 4

/* Per walker: lane (0 left,
 * 1 right), steps aside so
 * far, rounds left to wait,
 * "wants to stop", its dice. */
static int lane[2];
static int tries[2];
static int delay[2];
static int out[2];
static unsigned seed[2];
static int strategy;
static pthread_barrier_t bar;

/* Burns the CPU for ns: a
 * busy wait, no sleeping. */
static void spin(long ns)
{
    long long end = now() + ns;
    while (now() < end)
        ;
}

/* Both arrive before either
 * goes on: rounds in step. */
static void together(void)
{
    pthread_barrier_wait(&bar);
}

/* Rounds to wait before the
 * next step aside. */
static int backoff(int me)
{
    int s = tries[me];
    if (s > MAX_SHIFT)
        s = MAX_SHIFT;
    int window = 2 << s;
    if (strategy == LL_FIXED)
        return FIXED_WAIT;
    if (strategy != LL_JITTER)
        return window;
    int r = rand_r(&seed[me]);
    return 1 + r % window;
}

/* One round: look, then act.
 * Returns 1 once past, 0 when
 * giving up, -1 to go on. */
static int step(int me)
{
    int you = !me;
    together();
    int mine = lane[me];
    int yours = lane[you];
    int end = out[0] | out[1];
    ll_record(me, mine, tries[me]); /*@hide*/
    together();
    if (mine != yours)
        return 1; /* passed */
    if (end)
        return 0;
    spin(round_ns);
    out[me] = time_up(me);
    if (delay[me] == 0) {
        delay[me] = backoff(me);
        ll_note_wait(me, delay[me]); /*@hide*/
    }
    if (--delay[me] > 0)
        return -1;
    /* step aside */
    lane[me] = !mine;
    tries[me]++;
    return -1;
}

/* A walker: both threads run
 * this, in step. */
static int walk(int me)
{
    int r;
    while ((r = step(me)) < 0)
        ;
    return r;
}
/* LAB-END */

/* True when walker me wants to stop: told to, out of time, or out of tries. */
static int time_up(int me)
{
    if (atomic_load(&ll_stop_asked) || tries[me] >= max_steps)
        return 1;
    return live && ll_now_ns() >= deadline_ns;
}

static pthread_t threads[3];
static int nthreads;
static struct ll_reporter reporter;
/* The start gate: walkers wait here until both exist (1) or the run is called off (-1),
 * so a lone walker never waits for a partner that could not be started. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate;

static int gate_wait(void)
{
    int g;

    pthread_mutex_lock(&gate_mu);
    while (gate == 0)
        pthread_cond_wait(&gate_cv, &gate_mu);
    g = gate;
    pthread_mutex_unlock(&gate_mu);
    return g;
}

static void gate_set(int g)
{
    pthread_mutex_lock(&gate_mu);
    gate = g;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

/* A walker thread: meets the other at the start line, walks, and (on screen) stays
 * parked so its final state and CPU time remain readable in /proc. */
static void *walker_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    const struct timespec nap = { 0, 20 * 1000 * 1000 };
    long long t0;
    int ok;

    atomic_store(&ll_seen.tid[id], (int)gettid());
    if (live)
        setpriority(PRIO_PROCESS, (id_t)gettid(), LL_NICE);
    if (gate_wait() < 0)
        return NULL;
    together();
    t0 = ll_now_ns();
    ok = walk(id);
    atomic_store(&ll_seen.ns[id], ll_now_ns() - t0);
    atomic_store(&ll_seen.done[id], ok ? 1 : 2);
    while (live && !atomic_load(&ll_stop_asked))
        nanosleep(&nap, NULL);
    return NULL;
}

/* Both walkers in the left lane, face to face, each with its own random seed. With
 * secs > 0 a live run (on screen: nice, a reporter, a deadline), else a trial.
 * 0 or an errno from pthread_create (reported as a fact for a live run). */
static int start_pair(int secs)
{
    char name[32];
    int err = 0;

    memset(lane, 0, sizeof lane);
    memset(tries, 0, sizeof tries);
    memset(delay, 0, sizeof delay);
    memset(out, 0, sizeof out);
    ll_seen_reset();
    seed[0] = (unsigned)rand_r(&master_seed);
    seed[1] = (unsigned)rand_r(&master_seed);
    live = secs > 0;
    round_ns = live ? LIVE_ROUND_NS : TRIAL_ROUND_NS;
    max_steps = live ? 1 << 30 : TRIAL_MAX_STEPS;
    deadline_ns = ll_now_ns() + secs * 1000000000LL;
    atomic_store(&ll_stop_asked, false);
    pthread_barrier_init(&bar, NULL, 2);
    gate_set(0);
    nthreads = 0;
    for (long i = 0; i < 2 && !err; i++)
        if ((err = pthread_create(&threads[i], NULL, walker_main, (void *)i)) == 0)
            nthreads++;
    gate_set(err ? -1 : 1);
    reporter = (struct ll_reporter){ .lab = the_lab, .strategy = strategy };
    if (!err && live && pthread_create(&threads[2], NULL, ll_reporter_main, &reporter) == 0)
        nthreads++;
    if (err && live) {
        snprintf(name, sizeof name, "%s.err", ll_prefix[strategy]);
        lab_fact(the_lab, name, "%s", strerror(err));
    }
    if (!err && live) /* a first report before the step is recorded */
        nanosleep(&(struct timespec){ 0, 300 * 1000 * 1000 }, NULL);
    return err;
}

/* Waits for the threads (the walkers end by passing, giving up or being told to). */
static void join_pair(void)
{
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    nthreads = 0;
    pthread_barrier_destroy(&bar);
}

static void stop_pair(void)
{
    atomic_store(&ll_stop_asked, true);
    join_pair();
}

/* The number after key in the option string, clamped to lo..hi; dflt when absent. */
static int option_int(const struct lab_ctx *lab, const char *key, int dflt, int lo, int hi)
{
    const char *o = strstr(lab_option(lab), key);
    long v;

    if (!o)
        return dflt;
    v = strtol(o + strlen(key), NULL, 10);
    return v < lo ? lo : v > hi ? hi : (int)v;
}

/* "secs=N": how long a live run may go on, 3..30 s (default 20). */
static int opt_secs(const struct lab_ctx *lab)
{
    return option_int(lab, "secs=", 20, 3, 30);
}

/* "trials=N": trials per strategy, 1..1000 (default 200). */
static int opt_trials(const struct lab_ctx *lab)
{
    return option_int(lab, "trials=", 200, 1, 1000);
}

/* LAB-BEGIN */
/* K trials: each walks till
 * past, or 64 steps aside. */
static void run_trials(int k)
{
    struct ll_tally t; /*@hide*/
    ll_tally_start(&t); /*@hide*/
    int i = 0;
    while (i++ < k) {
        if (start_pair(0))
            break;
        join_pair();
        ll_tally_add(&t, tries[0] > tries[1] ? tries[0] : tries[1]); /*@hide*/
        if (i % 10 == 0) /*@hide*/
            ll_tally_progress(the_lab, strategy, i, k); /*@hide*/
        if (i % 50 == 0) /*@hide*/
            ll_tally_report(the_lab, strategy, &t); /*@hide*/
    }
    ll_tally_report(the_lab, strategy, &t); /*@hide*/
}

void livelock_lab(struct lab_ctx *lab)
{
    int secs = opt_secs(lab);
    int n = opt_trials(lab);
    the_lab = lab; /*@hide*/
    master_seed = (unsigned)time(NULL) ^ (unsigned)getpid(); /*@hide*/
    lab_fact(lab, "round_ms", "%ld", LIVE_ROUND_NS / 1000000);
    lab_fact(lab, "trial_us", "%ld", TRIAL_ROUND_NS / 1000);
    lab_fact(lab, "fixed_wait", "%d", FIXED_WAIT);
    lab_fact(lab, "max_window", "%d", 2 << MAX_SHIFT);
    lab_fact(lab, "secs", "%d", secs);
    lab_fact(lab, "trials", "%d", n);
    lab_fact(lab, "cap", "%d", TRIAL_MAX_STEPS);
    lab_fact(lab, "nice", "%d", LL_NICE);
    lab_stop(lab, "meet");
    strategy = LL_FIXED;
    start_pair(secs);
    lab_stop(lab, "fixed");
    stop_pair();
    strategy = LL_DOUBLING;
    start_pair(secs);
    lab_stop(lab, "doubling");
    stop_pair();
    strategy = LL_JITTER;
    start_pair(secs);
    lab_stop(lab, "jitter");
    stop_pair();
    strategy = LL_FIXED;
    run_trials(n);
    strategy = LL_DOUBLING;
    run_trials(n);
    strategy = LL_JITTER;
    run_trials(n);
    lab_stop(lab, "trials");
}
/* LAB-END */
