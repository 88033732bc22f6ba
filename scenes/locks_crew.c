/* locks_crew.c — the lab side of the scene "locks" that the code pane leaves out: starting
 * the four workers that share a lock, timing their waits, reporting what they do, parking
 * them when a run ends, and the thread stacks they get. Runs inside the lab process. */
#include "scenes/locks_crew.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MUTEX_S 60          /* the mutex run ends by itself after this */
#define SPIN_S 5            /* the spin run: short, it keeps every core busy */
#define WARMUP_MS 600       /* a run goes on this long before the lab stops */
#define THREAD_STACK (256 * 1024)

static struct lab_ctx *g_lab; /* for the threads' reports */

/* The four workers of the current run and how they start, end and park. */
static struct {
    struct crew_worker w[LOCKS_WORKERS];
    int started;            /* threads created */
    atomic_bool stop;       /* oscope said go on: end now */
    double start_ms, end_ms;/* CLOCK_MONOTONIC; the run ends by itself at end_ms */
    int hellos, parked;     /* under m */
    pthread_mutex_t m;      /* guards hellos and parked; never the lock being shown */
    pthread_cond_t c;
} crew = { .m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER };

void crew_init(struct lab_ctx *lab)
{
    g_lab = lab;
    lab_fact(lab, "mutex_s", "%d", MUTEX_S);
    lab_fact(lab, "spin_s", "%d", SPIN_S);
}

double crew_clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char run_of(const struct crew_worker *w)
{
    return w->spin ? 's' : 'm';
}

/* Reports what worker w is doing and its totals, in one record. */
void crew_note(const struct crew_worker *w, const char *doing)
{
    char name[16];

    snprintf(name, sizeof name, "%c%d.run", run_of(w), w->k);
    lab_fact(g_lab, name, "%s %ld %.0f %.0f", doing, w->turns, w->wait_ms, w->wait_cpu_ms);
}

void crew_wait_begins(struct crew_worker *w)
{
    w->t0 = crew_clock_ms(CLOCK_MONOTONIC);
    w->c0 = crew_clock_ms(CLOCK_THREAD_CPUTIME_ID);
    crew_note(w, "wait");
}

/* The lock was taken: count the wait, say who holds it now. */
void crew_wait_ends(struct crew_worker *w)
{
    char name[16];

    w->wait_ms += crew_clock_ms(CLOCK_MONOTONIC) - w->t0;
    w->wait_cpu_ms += crew_clock_ms(CLOCK_THREAD_CPUTIME_ID) - w->c0;
    w->turns++;
    snprintf(name, sizeof name, "%c.holder", run_of(w));
    lab_fact(g_lab, name, "%d", w->k);
    crew_note(w, "hold");
}

bool crew_running(void)
{
    return !atomic_load(&crew.stop) && crew_clock_ms(CLOCK_MONOTONIC) < crew.end_ms;
}

/* utime + stime of the calling thread, in ticks, as /proc shows them; -1 if unreadable. */
static long long self_cpu_ticks(void)
{
    char buf[512];
    unsigned long long ut, st;
    int fd = open("/proc/thread-self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    const char *p;

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                     &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

/* A new worker: says its tid, and that it is up. */
void crew_hello(struct crew_worker *w)
{
    char name[16];

    snprintf(name, sizeof name, "%c%d.tid", run_of(w), w->k);
    lab_fact(g_lab, name, "%d", (int)gettid());
    pthread_mutex_lock(&crew.m);
    crew.hellos++;
    pthread_cond_broadcast(&crew.c);
    pthread_mutex_unlock(&crew.m);
}

/* The run is over for w: it sleeps until oscope says go on (so its CPU time stays
 * readable in /proc), then reports that time as it ends. */
void crew_park(struct crew_worker *w)
{
    char name[16];

    crew_note(w, "done");
    pthread_mutex_lock(&crew.m);
    if (++crew.parked == crew.started) {
        snprintf(name, sizeof name, "%c.holder", run_of(w));
        lab_fact(g_lab, name, "0");
        snprintf(name, sizeof name, "%c.wall_ms", run_of(w));
        lab_fact(g_lab, name, "%.0f", crew_clock_ms(CLOCK_MONOTONIC) - crew.start_ms);
    }
    while (!atomic_load(&crew.stop))
        pthread_cond_wait(&crew.c, &crew.m);
    pthread_mutex_unlock(&crew.m);
    snprintf(name, sizeof name, "%c%d.cpu_t", run_of(w), w->k);
    lab_fact(g_lab, name, "%lld", self_cpu_ticks());
}

int crew_spawn(pthread_t *th, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    int err;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    err = pthread_create(th, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return err;
}

/* Starts the workers and returns once each has reported its tid. */
void crew_start(bool spin, void *(*fn)(void *))
{
    char name[16];

    memset(crew.w, 0, sizeof crew.w);
    atomic_store(&crew.stop, false);
    crew.hellos = crew.parked = crew.started = 0;
    crew.start_ms = crew_clock_ms(CLOCK_MONOTONIC);
    crew.end_ms = crew.start_ms + 1000.0 * (spin ? SPIN_S : MUTEX_S);
    for (int i = 0; i < LOCKS_WORKERS; i++) {
        crew.w[i] = (struct crew_worker){ .spin = spin, .k = i + 1 };
        if (crew_spawn(&crew.w[i].th, fn, &crew.w[i]) != 0)
            break;
        crew.started++;
    }
    snprintf(name, sizeof name, "%c.threads", spin ? 's' : 'm');
    lab_fact(g_lab, name, "%d", crew.started);
    pthread_mutex_lock(&crew.m);
    while (crew.hellos < crew.started)
        pthread_cond_wait(&crew.c, &crew.m);
    pthread_mutex_unlock(&crew.m);
    nanosleep(&(struct timespec){ 0, WARMUP_MS * 1000000L }, NULL);
}

/* Ends the run (if it has not ended by itself) and joins the workers. */
void crew_stop(void)
{
    pthread_mutex_lock(&crew.m);
    atomic_store(&crew.stop, true);
    pthread_cond_broadcast(&crew.c);
    pthread_mutex_unlock(&crew.m);
    for (int i = 0; i < crew.started; i++)
        pthread_join(crew.w[i].th, NULL);
}
