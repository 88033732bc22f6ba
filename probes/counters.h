/* counters.h — the catalogue of every counter oscope can show (label, source file, unit)
 * and a sampler that reads a chosen set for the system or one process and turns
 * cumulative counts into per-second rates. Used by the scenes' live strip and by watch. */
#ifndef OSCOPE_COUNTERS_H
#define OSCOPE_COUNTERS_H

#include <stdbool.h>
#include <sys/types.h>

enum counter_id {
    /* system-wide, /proc/meminfo (KiB) */
    CTR_MEM_TOTAL, CTR_MEM_FREE, CTR_MEM_AVAILABLE, CTR_MEM_CACHED, CTR_MEM_DIRTY,
    CTR_MEM_WRITEBACK, CTR_MEM_ANON, CTR_MEM_SHMEM, CTR_MEM_SLAB, CTR_MEM_SWAP_USED,
    /* system-wide, /proc/vmstat and /proc/stat, per second */
    CTR_PGFAULT, CTR_PGMAJFAULT, CTR_PGPGIN, CTR_PGPGOUT, CTR_PSWPIN, CTR_PSWPOUT,
    CTR_CTXT, CTR_INTR, CTR_FORKS,
    /* system-wide, /proc/stat, count now */
    CTR_PROCS_RUNNING, CTR_PROCS_BLOCKED,
    /* /proc/pressure/{cpu,memory,io}, avg10 percent */
    CTR_PSI_CPU_SOME, CTR_PSI_CPU_FULL, CTR_PSI_MEM_SOME, CTR_PSI_MEM_FULL,
    CTR_PSI_IO_SOME, CTR_PSI_IO_FULL,
    /* one process (the sampler's pid) */
    CTR_P_THREADS,    /* /proc/PID/status Threads, count */
    CTR_P_RSS,        /* /proc/PID/status VmRSS, KiB */
    CTR_P_VMSIZE,     /* /proc/PID/status VmSize, KiB */
    CTR_P_VMSTK,      /* /proc/PID/status VmStk, KiB */
    CTR_P_MINFLT,     /* /proc/PID/stat minflt, count (cumulative) */
    CTR_P_MAJFLT,     /* /proc/PID/stat majflt, count (cumulative) */
    CTR_P_MINFLT_RATE, CTR_P_MAJFLT_RATE,  /* per second */
    CTR_P_VCSW_RATE, CTR_P_NVCSW_RATE,     /* /proc/PID/status, per second */
    CTR_P_CPU,        /* /proc/PID/stat utime+stime, percent of one core */
    CTR_P_FDS,        /* entries of /proc/PID/fd, count */
    CTR_P_READ_RATE, CTR_P_WRITE_RATE,     /* /proc/PID/io read_bytes/write_bytes, B/s */
    CTR_COUNT
};

struct counter_def {
    enum counter_id id;
    const char *label;   /* short, e.g. "Dirty" */
    const char *source;  /* e.g. "/proc/meminfo" or "/proc/PID/status" */
    const char *unit;    /* "KiB", "/s", "KiB/s", "%", "count" */
    bool rate;           /* needs two samples */
    bool per_pid;
};

/* The definition of a counter; never NULL for a valid id. */
const struct counter_def *counter_def(enum counter_id id);

struct counter_val {
    bool ok;             /* false: see err */
    double v;            /* in the counter's unit */
    int err;             /* -errno when !ok; -EAGAIN for a rate's first sample */
};

/* A sampler for one process (pid > 0) or the system only (pid == 0). Owns kept-open
 * files; reads only what the given ids need. */
struct counters;
struct counters *counters_new(const char *root, pid_t pid);
void counters_free(struct counters *c);
/* Samples ids[0..n) at monotonic time now_s (seconds), writing out[0..n). Returns 0, or
 * -ESRCH when the process is gone (values then !ok). */
int counters_sample(struct counters *c, const enum counter_id *ids, int n,
                    double now_s, struct counter_val *out);
struct pid_stat;
/* The /proc/PID/stat fields the latest counters_sample() read (name, state...): 0, or
 * -ENODATA when that sample did not read or could not parse the file. */
int counters_pid_stat(const struct counters *c, struct pid_stat *out);
/* Why a value could not be read, in a few words: "not permitted", "process exited",
 * "not in this kernel", "first sample"... */
const char *counter_err_text(int err);

/* A fixed ring of recent values for a sparkline. */
#define SERIES_CAP 256
struct series {
    double v[SERIES_CAP];
    int n;          /* values held, <= SERIES_CAP */
    int head;       /* index of the next write */
    long slot;      /* series_add: the time slot of the newest value; 0 = none yet */
    double sum;     /* series_add: the samples in that slot, summed and counted */
    int count;
};
void series_push(struct series *s, double v);
/* Adds a sample taken at monotonic time t (s) to a series whose values each cover `width`
 * seconds: samples within one slot share the newest value (their mean), so the line moves
 * once a slot however often it is sampled. width <= 0: one value per sample. */
void series_add(struct series *s, double v, double t, double width);
/* The i-th value counting back from the newest (i = 0 newest); i < s->n. */
double series_back(const struct series *s, int i);
void series_clear(struct series *s);

#endif
