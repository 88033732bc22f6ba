/* threadsw.h — a process's context switches summed over its threads. /proc/PID/status
 * counts the main thread only; each thread's /proc/PID/task/TID/status is kept open
 * between samples and re-read with pread, opened when a thread appears, closed when it
 * goes. */
#ifndef OSCOPE_THREADSW_H
#define OSCOPE_THREADSW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "probes/procdir.h"

#define THREADSW_MAX 256   /* threads added up (the lowest tids when there are more) */

struct pid_status;

struct threadsw_file {
    pid_t tid;
    int fd;                 /* its /proc/PID/task/TID/status */
};

struct threadsw {
    char root[256];
    pid_t pid;
    struct procdir task;    /* /proc/PID/task, kept open */
    int n;                  /* threads with an open status file, sorted by tid */
    struct threadsw_file t[THREADSW_MAX];
};

/* Starts on ROOT/PID (root NULL: /proc). 0 or -errno (ENOENT once the process is gone). */
int threadsw_open(struct threadsw *ts, const char *root, pid_t pid);
/* Sums voluntary and involuntary switches over the threads now. own: the process's
 * status read a moment ago, or NULL; a single-threaded process's counts come from it.
 * buf/cap: scratch for reading. 0; -ENOENT when the kernel gives no switch counts;
 * -ESRCH once the process is gone; another -errno when the threads cannot be listed. */
int threadsw_sum(struct threadsw *ts, const struct pid_status *own, char *buf, size_t cap,
                 uint64_t *vcsw, uint64_t *nvcsw);
void threadsw_close(struct threadsw *ts);

#endif
