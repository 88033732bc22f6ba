/* pidinfo.c — /proc/PID/{stat,status,io,task,fd}: one process or thread, read and parsed. */
#include "probes/pidinfo.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/procdir.h"
#include "probes/procfile.h"
#include "probes/scan.h"

/* /proc/PID/status is about 1.5 KiB; stat and io are far smaller. */
#define PID_TEXT_CAP 8192

/* "PID/stat" or "PID/task/TID/stat" relative to the /proc root. */
static int pid_rel(char *out, size_t cap, pid_t pid, pid_t tid, const char *file)
{
    int n;
    if (tid > 0)
        n = snprintf(out, cap, "%d/task/%d/%s", (int)pid, (int)tid, file);
    else
        n = snprintf(out, cap, "%d/%s", (int)pid, file);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Reads ROOT/PID[/task/TID]/FILE into buf. Bytes or -errno. */
static ssize_t pid_file_read(const char *root, pid_t pid, pid_t tid, const char *file,
                             char *buf, size_t cap)
{
    char rel[96];
    int rc = pid_rel(rel, sizeof rel, pid, tid, file);
    if (rc < 0)
        return rc;
    return procfile_read(root, rel, buf, cap);
}

/* Copies [p, end) into dst (cap bytes), truncating and NUL-terminating. */
static void copy_span(char *dst, size_t cap, const char *p, const char *end)
{
    size_t n = (size_t)(end - p);
    if (n > cap - 1)
        n = cap - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
}

int pid_stat_parse(const char *text, struct pid_stat *out)
{
    /* Fields after "pid (comm)", numbered as in proc(5): 3 state, 10 minflt, 12 majflt,
     * 14 utime, 15 stime, 20 num_threads, 22 starttime, 23 vsize, 24 rss, 39 processor. */
    struct pid_stat st = { 0 };
    const char *end, *lparen, *rparen, *p;
    int64_t pid;

    if (!text)
        return -EINVAL;
    end = text + strlen(text);
    p = text;
    if (!scan_i64(&p, end, &pid) || pid <= 0 || pid > INT32_MAX)
        return -EINVAL;
    lparen = memchr(p, '(', (size_t)(end - p));
    if (!lparen)
        return -EINVAL;
    /* comm may hold spaces and ')' itself: it ends at the last ')' of the text. */
    for (rparen = end; rparen > lparen && rparen[-1] != ')'; rparen--)
        ;
    if (rparen == lparen)
        return -EINVAL;
    rparen--;
    st.pid = (pid_t)pid;
    copy_span(st.comm, sizeof st.comm, lparen + 1, rparen);

    p = scan_blanks(rparen + 1, end);
    if (p == end || *p == '\n')
        return -EINVAL;
    st.state = *p++;
    st.processor = -1;
    for (int field = 4; field <= 39; field++) {
        int64_t v = 0;
        uint64_t u = 0;
        if (scan_i64(&p, end, &v))
            u = v > 0 ? (uint64_t)v : 0;
        else if (scan_u64(&p, end, &u))
            v = INT64_MAX; /* beyond int64_t: only limits such as rsslim */
        else if (field <= 24)
            return -EINVAL;
        else
            break;
        switch (field) {
        case 10: st.minflt = u; break;
        case 12: st.majflt = u; break;
        case 14: st.utime = u; break;
        case 15: st.stime = u; break;
        case 20: st.num_threads = v > 0 && v <= INT32_MAX ? (long)v : 0; break;
        case 22: st.starttime = u; break;
        case 23: st.vsize = u; break;
        case 24: st.rss_pages = (long)v; break;
        case 39: st.processor = v >= 0 && v <= INT32_MAX ? (int)v : -1; break;
        default: break;
        }
    }
    *out = st;
    return 0;
}

/* A "  1234 kB" value. */
static bool kib_value(const char *p, const char *end, uint64_t *out)
{
    return scan_u64(&p, end, out);
}

int pid_status_parse(const char *text, struct pid_status *out)
{
    static const struct {
        const char *key;
        unsigned bit;
        size_t off;
    } kib[] = {
        { "VmSize:", PIDST_HAVE_VMSIZE, offsetof(struct pid_status, vm_size_kib) },
        { "VmRSS:", PIDST_HAVE_VMRSS, offsetof(struct pid_status, vm_rss_kib) },
        { "VmHWM:", PIDST_HAVE_VMHWM, offsetof(struct pid_status, vm_hwm_kib) },
        { "VmStk:", PIDST_HAVE_VMSTK, offsetof(struct pid_status, vm_stk_kib) },
        { "VmData:", PIDST_HAVE_VMDATA, offsetof(struct pid_status, vm_data_kib) },
        { "voluntary_ctxt_switches:", PIDST_HAVE_VCSW, offsetof(struct pid_status, vcsw) },
        { "nonvoluntary_ctxt_switches:", PIDST_HAVE_NVCSW,
          offsetof(struct pid_status, nvcsw) },
    };
    struct pid_status st = { 0 };
    const char *p, *end;

    if (!text)
        return -EINVAL;
    end = text + strlen(text);
    for (p = text; p < end;) {
        const char *eol = scan_line_end(p, end);
        const char *v;
        uint64_t u;

        if ((v = scan_prefix(p, eol, "Name:"))) {
            v = scan_blanks(v, eol);
            copy_span(st.name, sizeof st.name, v, eol);
            st.have |= PIDST_HAVE_NAME;
        } else if ((v = scan_prefix(p, eol, "State:"))) {
            v = scan_blanks(v, eol);
            if (v < eol) {
                st.state = *v;
                st.have |= PIDST_HAVE_STATE;
            }
        } else if ((v = scan_prefix(p, eol, "Threads:"))) {
            if (scan_u64(&v, eol, &u) && u <= (uint64_t)INT32_MAX) {
                st.threads = (long)u;
                st.have |= PIDST_HAVE_THREADS;
            }
        } else {
            for (size_t i = 0; i < sizeof kib / sizeof kib[0]; i++) {
                if ((v = scan_prefix(p, eol, kib[i].key)) && kib_value(v, eol, &u)) {
                    memcpy((char *)&st + kib[i].off, &u, sizeof u);
                    st.have |= kib[i].bit;
                    break;
                }
            }
        }
        p = eol < end ? eol + 1 : end;
    }
    if (st.have == 0)
        return -EINVAL;
    *out = st;
    return 0;
}

int pid_stat_read(const char *root, pid_t pid, pid_t tid, struct pid_stat *out)
{
    char buf[1024];
    ssize_t n = pid_file_read(root, pid, tid, "stat", buf, sizeof buf);
    return n < 0 ? (int)n : pid_stat_parse(buf, out);
}

int pid_status_read(const char *root, pid_t pid, pid_t tid, struct pid_status *out)
{
    char buf[PID_TEXT_CAP];
    ssize_t n = pid_file_read(root, pid, tid, "status", buf, sizeof buf);
    return n < 0 ? (int)n : pid_status_parse(buf, out);
}

int pid_tasks(const char *root, pid_t pid, pid_t *tids, int cap)
{
    struct procdir d;
    char rel[32];
    int n;

    if (cap < 0 || (cap > 0 && !tids))
        return -EINVAL;
    snprintf(rel, sizeof rel, "%d/task", (int)pid);
    if ((n = procdir_open(&d, root, rel)) < 0)
        return n;
    n = procdir_pids(&d, tids, cap);
    procdir_close(&d);
    return n;
}

int pid_io_parse(const char *text, struct pid_io *out)
{
    static const char *const keys[] = { "rchar:", "wchar:", "read_bytes:", "write_bytes:" };
    uint64_t vals[4] = { 0 };
    unsigned found = 0;
    const char *p, *end;

    if (!text)
        return -EINVAL;
    end = text + strlen(text);
    for (p = text; p < end;) {
        const char *eol = scan_line_end(p, end);
        for (int i = 0; i < 4; i++) {
            const char *v = scan_prefix(p, eol, keys[i]);
            if (v && scan_u64(&v, eol, &vals[i])) {
                found |= 1u << i;
                break;
            }
        }
        p = eol < end ? eol + 1 : end;
    }
    if (found != 0xf)
        return -EINVAL;
    out->rchar = vals[0];
    out->wchar = vals[1];
    out->read_bytes = vals[2];
    out->write_bytes = vals[3];
    return 0;
}

int pid_io_read(const char *root, pid_t pid, struct pid_io *out)
{
    char buf[1024];
    /* Another user's process: open, or on some kernels read, fails with EACCES;
     * procfile_read passes either through as -EACCES. */
    ssize_t n = pid_file_read(root, pid, 0, "io", buf, sizeof buf);
    return n < 0 ? (int)n : pid_io_parse(buf, out);
}

int pid_fd_count(const char *root, pid_t pid)
{
    struct procdir d;
    char rel[32];
    int n;

    snprintf(rel, sizeof rel, "%d/fd", (int)pid);
    if ((n = procdir_open(&d, root, rel)) < 0)
        return n;
    n = procdir_count(&d);
    procdir_close(&d);
    return n;
}
