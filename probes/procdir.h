/* procdir.h — a kept-open /proc directory listed again and again (/proc/PID/fd,
 * /proc/PID/task): one getdents64 per page of entries, no opendir/closedir per sample. */
#ifndef OSCOPE_PROCDIR_H
#define OSCOPE_PROCDIR_H

#include <sys/types.h>

struct procdir {
    int fd;   /* -1 when closed or failed */
    int err;  /* last errno (positive) or 0 */
};

/* Opens ROOT/REL as a directory; 0 or -errno (also kept in d->err). */
int procdir_open(struct procdir *d, const char *root, const char *rel);
/* Entries now, "." and ".." not counted; or -errno. */
int procdir_count(struct procdir *d);
/* The numeric names now, ascending; the smallest cap of them are kept. Count or -errno. */
int procdir_pids(struct procdir *d, pid_t *out, int cap);
void procdir_close(struct procdir *d);

#endif
