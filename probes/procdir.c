/* procdir.c — re-listing a kept-open /proc directory (procdir.h). */
#include "probes/procdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int procdir_open(struct procdir *d, const char *root, const char *rel)
{
    char path[512];
    int n = snprintf(path, sizeof path, "%s/%s", root ? root : "/proc", rel);

    d->fd = -1;
    d->err = 0;
    if (n < 0 || (size_t)n >= sizeof path) {
        d->err = ENAMETOOLONG;
        return -d->err;
    }
    d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->fd < 0) {
        d->err = errno;
        return -d->err;
    }
    return 0;
}

/* A decimal name as a pid; false for anything else ("." "..", "self"). */
static bool name_pid(const char *s, pid_t *out)
{
    long v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000L)
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = (pid_t)v;
    return v > 0;
}

/* Lists the directory from its start: calls each(name, arg) per entry but "." and "..".
 * 0 or -errno. */
static int list(struct procdir *d, void (*each)(const char *, void *), void *arg)
{
    /* aligned for struct dirent64; 4 KiB holds about 170 short names per call */
    _Alignas(8) char buf[4096];

    if (d->fd < 0)
        return -(d->err ? d->err : EBADF);
    if (lseek(d->fd, 0, SEEK_SET) < 0)
        return -(d->err = errno);
    for (;;) {
        ssize_t n = getdents64(d->fd, buf, sizeof buf);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -(d->err = errno);
        }
        if (n == 0)
            break;
        for (ssize_t at = 0; at < n;) {
            const struct dirent64 *de = (const struct dirent64 *)(void *)(buf + at);

            if (de->d_reclen == 0)
                return -(d->err = EIO);
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                each(de->d_name, arg);
            at += de->d_reclen;
        }
    }
    d->err = 0;
    return 0;
}

static void count_one(const char *name, void *arg)
{
    (void)name;
    ++*(int *)arg;
}

int procdir_count(struct procdir *d)
{
    int n = 0, rc = list(d, count_one, &n);

    return rc < 0 ? rc : n;
}

struct pids_acc {
    pid_t *out;
    int cap, n;
};

/* Insertion into a sorted array that keeps the cap smallest. */
static void pid_one(const char *name, void *arg)
{
    struct pids_acc *a = arg;
    pid_t t;
    int i;

    if (!name_pid(name, &t))
        return;
    if (a->n == a->cap && (a->cap == 0 || t > a->out[a->n - 1]))
        return;
    i = a->n < a->cap ? a->n++ : a->n - 1;
    for (; i > 0 && a->out[i - 1] > t; i--)
        a->out[i] = a->out[i - 1];
    a->out[i] = t;
}

int procdir_pids(struct procdir *d, pid_t *out, int cap)
{
    struct pids_acc a = { out, cap, 0 };
    int rc;

    if (cap < 0 || (cap > 0 && !out))
        return -EINVAL;
    rc = list(d, pid_one, &a);
    return rc < 0 ? rc : a.n;
}

void procdir_close(struct procdir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}
