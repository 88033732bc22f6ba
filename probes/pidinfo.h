/* pidinfo.h — one process or thread from /proc/PID/stat and /proc/PID/status (or
 * /proc/PID/task/TID/...), and the list of a process's threads. */
#ifndef OSCOPE_PIDINFO_H
#define OSCOPE_PIDINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* From /proc/PID/stat (fields per proc(5)). */
struct pid_stat {
    pid_t pid;
    char comm[32];
    char state;              /* R S D Z T t X I ... */
    uint64_t minflt, majflt; /* page faults, count */
    uint64_t utime, stime;   /* clock ticks (sysconf(_SC_CLK_TCK)) */
    long num_threads;
    uint64_t starttime;      /* ticks after boot */
    uint64_t vsize;          /* bytes */
    long rss_pages;          /* pages */
    int processor;           /* CPU last run on */
};

/* From /proc/PID/status. A field missing from the file is marked absent in `have`. */
struct pid_status {
    char name[32];
    char state;
    long threads;
    uint64_t vm_size_kib, vm_rss_kib, vm_hwm_kib, vm_stk_kib, vm_data_kib;
    uint64_t vcsw, nvcsw;    /* voluntary_ctxt_switches, nonvoluntary_ctxt_switches */
    unsigned have;           /* PIDST_HAVE_* bits */
};
enum {
    PIDST_HAVE_NAME = 1u << 0, PIDST_HAVE_STATE = 1u << 1, PIDST_HAVE_THREADS = 1u << 2,
    PIDST_HAVE_VMSIZE = 1u << 3, PIDST_HAVE_VMRSS = 1u << 4, PIDST_HAVE_VMHWM = 1u << 5,
    PIDST_HAVE_VMSTK = 1u << 6, PIDST_HAVE_VMDATA = 1u << 7, PIDST_HAVE_VCSW = 1u << 8,
    PIDST_HAVE_NVCSW = 1u << 9,
};

/* Parse the text of a stat / status file. 0 or -EINVAL for malformed input. */
int pid_stat_parse(const char *text, struct pid_stat *out);
int pid_status_parse(const char *text, struct pid_status *out);

/* Read ROOT/PID/stat|status; with tid > 0, ROOT/PID/task/TID/stat|status. 0 or -errno. */
int pid_stat_read(const char *root, pid_t pid, pid_t tid, struct pid_stat *out);
int pid_status_read(const char *root, pid_t pid, pid_t tid, struct pid_status *out);

/* Lists ROOT/PID/task into tids (ascending), up to cap. Count or -errno. */
int pid_tasks(const char *root, pid_t pid, pid_t *tids, int cap);

/* /proc/PID/io: read_bytes and write_bytes (storage) and rchar/wchar. -EACCES when not
 * permitted: callers must show that, never 0. */
struct pid_io { uint64_t rchar, wchar, read_bytes, write_bytes; };
int pid_io_parse(const char *text, struct pid_io *out);
int pid_io_read(const char *root, pid_t pid, struct pid_io *out);

/* Number of open fds (entries of ROOT/PID/fd) or -errno. */
int pid_fd_count(const char *root, pid_t pid);

#endif
