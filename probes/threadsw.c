/* threadsw.c — switches summed over a process's threads (threadsw.h). */
#include "probes/threadsw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procfile.h"

int threadsw_open(struct threadsw *ts, const char *root, pid_t pid)
{
    char rel[32];

    memset(ts, 0, sizeof *ts);
    snprintf(ts->root, sizeof ts->root, "%s", root ? root : "/proc");
    ts->pid = pid;
    snprintf(rel, sizeof rel, "%d/task", (int)pid);
    return procdir_open(&ts->task, ts->root, rel);
}

/* Brings the kept-open status files in line with the threads listed now (both sorted by
 * tid): a thread seen before keeps its descriptor, a new one is opened, a gone one closed. */
static void sync_threads(struct threadsw *ts, const pid_t *tids, int n)
{
    struct threadsw_file old[THREADSW_MAX];
    int nold = ts->n, k = 0;

    memcpy(old, ts->t, (size_t)nold * sizeof old[0]);
    ts->n = 0;
    for (int i = 0; i < n; i++) {
        int fd = -1;

        while (k < nold && old[k].tid < tids[i])
            close(old[k++].fd);
        if (k < nold && old[k].tid == tids[i]) {
            fd = old[k++].fd;
        } else {
            char rel[64];
            struct procfile pf;

            snprintf(rel, sizeof rel, "%d/task/%d/status", (int)ts->pid, (int)tids[i]);
            if (procfile_open(&pf, ts->root, rel) != 0)
                continue;       /* it ended between the listing and now */
            fd = pf.fd;
        }
        ts->t[ts->n++] = (struct threadsw_file){ tids[i], fd };
    }
    while (k < nold)
        close(old[k++].fd);
}

int threadsw_sum(struct threadsw *ts, const struct pid_status *own, char *buf, size_t cap,
                 uint64_t *vcsw, uint64_t *nvcsw)
{
    const unsigned both = PIDST_HAVE_VCSW | PIDST_HAVE_NVCSW;
    pid_t tids[THREADSW_MAX];
    int n = procdir_pids(&ts->task, tids, THREADSW_MAX), got = 0;

    *vcsw = *nvcsw = 0;
    if (n < 0)
        return n == -ENOENT ? -ESRCH : n;   /* the task directory goes with the process */
    if (n == 1 && tids[0] == ts->pid && own && (own->have & both) == both) {
        *vcsw = own->vcsw;
        *nvcsw = own->nvcsw;
        return 0;
    }
    sync_threads(ts, tids, n);
    for (int i = 0; i < ts->n; i++) {
        struct pid_status st;

        /* a thread that ends between the listing and its read is skipped */
        if (procfile_pread_fd(ts->t[i].fd, buf, cap) < 0 || pid_status_parse(buf, &st) != 0)
            continue;
        if ((st.have & both) != both)
            return -ENOENT;
        *vcsw += st.vcsw;
        *nvcsw += st.nvcsw;
        got++;
    }
    return got ? 0 : -ENOENT;
}

void threadsw_close(struct threadsw *ts)
{
    procdir_close(&ts->task);
    for (int i = 0; i < ts->n; i++)
        close(ts->t[i].fd);
    ts->n = 0;
}
