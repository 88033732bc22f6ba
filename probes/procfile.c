/* procfile.c — small /proc files read whole: once, or again and again through a kept-open
 * fd. */
#include "probes/procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ROOT/REL into out; -ENAMETOOLONG when it does not fit. */
static int join_path(char *out, size_t cap, const char *root, const char *rel)
{
    int n = snprintf(out, cap, "%s/%s", root ? root : "/proc", rel);
    if (n < 0 || (size_t)n >= cap)
        return -ENAMETOOLONG;
    return 0;
}

/* Reads from fd at offset 0 on until EOF or buf is full. A /proc file made of records
 * (maps, vmstat) comes a kernel buffer at a time, cut at a record, so one read is not
 * enough. whole: the file is made in one piece (the kernel's single_open: PID stat,
 * status and io, pressure), or is a regular file: a short read is its end, and the read
 * that would only return 0 is saved. */
static ssize_t read_all(int fd, char *buf, size_t cap, int use_pread, int whole)
{
    size_t got = 0;

    for (;;) {
        ssize_t r;
        if (got == cap - 1)
            break;
        if (use_pread)
            r = pread(fd, buf + got, cap - 1 - got, (off_t)got);
        else
            r = read(fd, buf + got, cap - 1 - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            buf[got] = '\0';
            return -errno;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (whole && (size_t)r < cap - 1 - (got - (size_t)r))
            break;
    }
    buf[got] = '\0';
    if (got == 0 && cap == 1) {
        char probe;
        ssize_t r = use_pread ? pread(fd, &probe, 1, 0) : read(fd, &probe, 1);
        if (r > 0)
            return -EFBIG;
    }
    return (ssize_t)got;
}

ssize_t procfile_read(const char *root, const char *rel, char *buf, size_t cap)
{
    char path[512];
    ssize_t n;
    int fd, rc;

    if (!buf || cap == 0 || !rel)
        return -EINVAL;
    buf[0] = '\0';
    rc = join_path(path, sizeof path, root, rel);
    if (rc < 0)
        return rc;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read_all(fd, buf, cap, 0, 0);
    close(fd);
    return n;
}

int procfile_open(struct procfile *pf, const char *root, const char *rel)
{
    int rc;

    pf->fd = -1;
    pf->err = 0;
    pf->path[0] = '\0';
    rc = join_path(pf->path, sizeof pf->path, root, rel);
    if (rc < 0) {
        pf->path[0] = '\0';
        pf->err = -rc;
        return rc;
    }
    pf->fd = open(pf->path, O_RDONLY | O_CLOEXEC);
    if (pf->fd < 0) {
        pf->err = errno;
        return -pf->err;
    }
    return 0;
}

ssize_t procfile_pread(struct procfile *pf, char *buf, size_t cap)
{
    ssize_t n;

    if (!buf || cap == 0)
        return -EINVAL;
    buf[0] = '\0';
    if (pf->fd < 0)
        return -(pf->err ? pf->err : EBADF);
    n = read_all(pf->fd, buf, cap, 1, 1);
    pf->err = n < 0 ? (int)-n : 0;
    return n;
}

ssize_t procfile_pread_fd(int fd, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return -EINVAL;
    buf[0] = '\0';
    if (fd < 0)
        return -EBADF;
    return read_all(fd, buf, cap, 1, 1);
}

void procfile_close(struct procfile *pf)
{
    if (pf->fd >= 0)
        close(pf->fd);
    pf->fd = -1;
}
