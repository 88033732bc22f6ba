/* watchset.h — everything `oscope watch` shows, sampled into one struct: the system's
 * memory, rates, processes and pressure, and a few chosen processes, each value with its
 * text as shown, whether it changed, and its recent history. No terminal here, so tests
 * drive it over a fixture /proc tree. */
#ifndef OSCOPE_WATCHSET_H
#define OSCOPE_WATCHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "probes/counters.h"
#include "probes/procfile.h"

/* The system counters, in the order shown and written: four groups. */
enum {
    WATCH_MEM_FIRST = 0, WATCH_MEM_N = 10,     /* /proc/meminfo, KiB */
    WATCH_RATE_FIRST = 10, WATCH_RATE_N = 9,   /* /proc/vmstat and /proc/stat, per second */
    WATCH_PROCS_FIRST = 19, WATCH_PROCS_N = 2, /* /proc/stat procs_running, procs_blocked */
    WATCH_PSI_FIRST = 21, WATCH_PSI_N = 6,     /* /proc/pressure/{cpu,memory,io}: some, full */
    WATCH_NSYS = 27,
    WATCH_NPID = 10,                           /* counters per watched process */
    WATCH_MAX_PIDS = 16,
};
extern const enum counter_id watch_sys_ids[WATCH_NSYS];
extern const enum counter_id watch_pid_ids[WATCH_NPID];

/* One counter as watch shows it. */
struct watch_val {
    struct counter_val now;  /* this sample (ok, or why not in err) */
    char text[40];           /* as shown: "12,345 KiB", "3.5/s", "n/a (first sample)" */
    bool changed;            /* text differs from the previous sample's */
    struct series hist;      /* the values that could be read, newest last */
};

/* One watched process. */
struct watch_pid {
    pid_t pid;
    char comm[32];           /* /proc/PID/stat comm, as last seen */
    char state;              /* /proc/PID/stat state letter as last seen; 0 before */
    bool exited;             /* seen gone (or a zombie): never read again; pid reuse */
    double exited_at;        /* monotonic seconds of the sample that saw it gone */
    struct timespec exited_wall;  /* and its wall clock */
    struct counters *smp;    /* NULL once exited */
    struct procfile statf;   /* kept-open /proc/PID/stat for comm and state */
    struct watch_val val[WATCH_NPID];  /* after exit: the last values read, kept */
};

struct watchset {
    char root[256];
    struct counters *sys;    /* system sampler */
    struct watch_val sys_val[WATCH_NSYS];
    int npids;
    struct watch_pid pids[WATCH_MAX_PIDS];
    long nsamples;           /* samples taken so far */
    double mono;             /* monotonic seconds of the newest sample */
    double spark_s;          /* seconds per sparkline column; 0: one column per sample */
    struct timespec wall;    /* wall clock of the newest sample */
};

/* A set reading under root (NULL: /proc). NULL with errno on failure. Free with
 * watchset_free. */
struct watchset *watchset_new(const char *root);
void watchset_free(struct watchset *ws);
/* Adds a process to watch. 0; -ESRCH when ROOT/PID does not exist; -EINVAL for pid <= 0;
 * -E2BIG past WATCH_MAX_PIDS; -EEXIST when already watched. */
int watchset_add_pid(struct watchset *ws, pid_t pid);
/* Takes one sample of everything at monotonic time mono and wall clock wall. */
void watchset_sample(struct watchset *ws, double mono, const struct timespec *wall);
/* Forgets every sparkline's history (values and rates go on). */
void watchset_clear_history(struct watchset *ws);

/* A value's text as shown (see struct watch_val.text). */
void watchset_value_text(enum counter_id id, const struct counter_val *v, char *buf,
                         size_t cap);
/* The short label watch shows for a counter ("Available", "Minor flt"). */
const char *watchset_label(enum counter_id id);
/* The field inside the counter's source file ("MemAvailable", "pgfault", "VmRSS"). */
const char *watchset_field(enum counter_id id);
/* The CSV column name (per process: without the "pidN_" prefix), e.g. "dirty_kib". */
const char *watchset_csv_name(enum counter_id id);

#endif
