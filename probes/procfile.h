/* procfile.h — read small /proc files as text, under a /proc root given by the caller,
 * so tests can point every probe at a fixture tree. */
#ifndef OSCOPE_PROCFILE_H
#define OSCOPE_PROCFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Reads ROOT/REL (e.g. root "/proc", rel "123/maps") into buf, NUL-terminated.
 * Returns bytes read (>= 0) or -errno. A file larger than cap-1 is truncated and -EFBIG
 * is returned only when nothing fits. */
ssize_t procfile_read(const char *root, const char *rel, char *buf, size_t cap);

/* A kept-open /proc file re-read with pread: the cheap way to sample the same file often.
 * Only for files the kernel makes in one piece (PID stat, status, io; pressure) or regular
 * files: a short read is taken as the end. Files of many records (maps, vmstat) can come
 * in pieces cut at a record: read those with procfile_read. */
struct procfile {
    int fd;          /* -1 when closed or failed */
    int err;         /* last errno (positive) or 0 */
    char path[256];  /* ROOT/REL, for messages */
};
/* Opens ROOT/REL; returns 0 or -errno (also kept in pf->err). */
int procfile_open(struct procfile *pf, const char *root, const char *rel);
/* Re-reads the whole file from offset 0 into buf (NUL-terminated); bytes or -errno. */
ssize_t procfile_pread(struct procfile *pf, char *buf, size_t cap);
/* The same for a bare descriptor (a file kept open by its caller). */
ssize_t procfile_pread_fd(int fd, char *buf, size_t cap);
void procfile_close(struct procfile *pf);

#endif
