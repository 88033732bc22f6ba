/* counters.c — the counter catalogue and the sampler: reads each needed file once per
 * sample, keeps the previous raw values and turns cumulative counts into rates. */
#include "probes/counters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procdir.h"
#include "probes/procfile.h"
#include "probes/threadsw.h"
#include "probes/sysinfo.h"

/* Which files a counter needs. */
enum {
    NEED_MEM = 1u << 0, NEED_VM = 1u << 1, NEED_STAT = 1u << 2, NEED_PSI = 1u << 3,
    NEED_PSTAT = 1u << 4, NEED_PSTATUS = 1u << 5, NEED_PIO = 1u << 6, NEED_PFD = 1u << 7,
    NEED_PTASKS = 1u << 8, /* every thread's status: switches are counted per thread */
};

struct entry {
    struct counter_def def;
    unsigned need;
};

#define SYS(id_, label_, src_, unit_, rate_, need_) \
    [id_] = { { id_, label_, src_, unit_, rate_, false }, need_ }
#define PID(id_, label_, src_, unit_, rate_, need_) \
    [id_] = { { id_, label_, src_, unit_, rate_, true }, need_ }

static const struct entry table[CTR_COUNT] = {
    SYS(CTR_MEM_TOTAL, "Mem total", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_FREE, "Mem free", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_AVAILABLE, "Available", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_CACHED, "Page cache", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_DIRTY, "Dirty", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_WRITEBACK, "Writeback", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_ANON, "Anon", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_SHMEM, "Shmem", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_SLAB, "Slab", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_MEM_SWAP_USED, "Swap used", "/proc/meminfo", "KiB", false, NEED_MEM),
    SYS(CTR_PGFAULT, "Page faults", "/proc/vmstat", "/s", true, NEED_VM),
    SYS(CTR_PGMAJFAULT, "Major faults", "/proc/vmstat", "/s", true, NEED_VM),
    SYS(CTR_PGPGIN, "Paged in", "/proc/vmstat", "KiB/s", true, NEED_VM),
    SYS(CTR_PGPGOUT, "Paged out", "/proc/vmstat", "KiB/s", true, NEED_VM),
    SYS(CTR_PSWPIN, "Swapped in", "/proc/vmstat", "/s", true, NEED_VM),
    SYS(CTR_PSWPOUT, "Swapped out", "/proc/vmstat", "/s", true, NEED_VM),
    SYS(CTR_CTXT, "Ctx switches", "/proc/stat", "/s", true, NEED_STAT),
    SYS(CTR_INTR, "Interrupts", "/proc/stat", "/s", true, NEED_STAT),
    SYS(CTR_FORKS, "Forks", "/proc/stat", "/s", true, NEED_STAT),
    SYS(CTR_PROCS_RUNNING, "Running", "/proc/stat", "count", false, NEED_STAT),
    SYS(CTR_PROCS_BLOCKED, "Blocked", "/proc/stat", "count", false, NEED_STAT),
    SYS(CTR_PSI_CPU_SOME, "CPU pressure", "/proc/pressure/cpu", "%", false, NEED_PSI),
    SYS(CTR_PSI_CPU_FULL, "CPU pressure full", "/proc/pressure/cpu", "%", false, NEED_PSI),
    SYS(CTR_PSI_MEM_SOME, "Mem pressure", "/proc/pressure/memory", "%", false, NEED_PSI),
    SYS(CTR_PSI_MEM_FULL, "Mem pressure full", "/proc/pressure/memory", "%", false,
        NEED_PSI),
    SYS(CTR_PSI_IO_SOME, "IO pressure", "/proc/pressure/io", "%", false, NEED_PSI),
    SYS(CTR_PSI_IO_FULL, "IO pressure full", "/proc/pressure/io", "%", false, NEED_PSI),
    PID(CTR_P_THREADS, "Threads", "/proc/PID/status", "count", false, NEED_PSTATUS),
    PID(CTR_P_RSS, "RSS", "/proc/PID/status", "KiB", false, NEED_PSTATUS),
    PID(CTR_P_VMSIZE, "VM size", "/proc/PID/status", "KiB", false, NEED_PSTATUS),
    PID(CTR_P_VMSTK, "Stack", "/proc/PID/status", "KiB", false, NEED_PSTATUS),
    PID(CTR_P_MINFLT, "Minor faults", "/proc/PID/stat", "count", false, NEED_PSTAT),
    PID(CTR_P_MAJFLT, "Major faults", "/proc/PID/stat", "count", false, NEED_PSTAT),
    PID(CTR_P_MINFLT_RATE, "Minor fault rate", "/proc/PID/stat", "/s", true, NEED_PSTAT),
    PID(CTR_P_MAJFLT_RATE, "Major fault rate", "/proc/PID/stat", "/s", true, NEED_PSTAT),
    PID(CTR_P_VCSW_RATE, "Vol. switches", "/proc/PID/task/*/status", "/s", true,
        NEED_PTASKS),
    PID(CTR_P_NVCSW_RATE, "Invol. switches", "/proc/PID/task/*/status", "/s", true,
        NEED_PTASKS),
    PID(CTR_P_CPU, "CPU", "/proc/PID/stat", "%", true, NEED_PSTAT),
    PID(CTR_P_FDS, "Open fds", "/proc/PID/fd", "count", false, NEED_PFD),
    PID(CTR_P_READ_RATE, "Disk reads", "/proc/PID/io", "B/s", true, NEED_PIO),
    PID(CTR_P_WRITE_RATE, "Disk writes", "/proc/PID/io", "B/s", true, NEED_PIO),
};

#undef SYS
#undef PID

const struct counter_def *counter_def(enum counter_id id)
{
    if ((unsigned)id >= CTR_COUNT)
        return NULL;
    return &table[id].def;
}

/* A previous raw value of a rate counter. */
struct prev {
    bool ok;
    double raw, t;
};

struct counters {
    char root[256];
    pid_t pid;
    bool gone;               /* the process was seen gone: never look again (pid reuse) */
    long clk_tck;
    struct sysinfo *sys;     /* created on first system counter */
    struct procfile pstat, pstatus, pio;  /* kept open: cheap, and bound to this process */
    struct procdir pfd;                   /* /proc/PID/fd, kept open */
    struct threadsw tsw;                  /* the threads' switch counts */
    bool pfiles_opened;
    int tsw_rc;                           /* threadsw_open's answer: 0 when tsw is open */
    bool have_stat;                       /* last_stat is from the latest sample */
    struct pid_stat last_stat;
    struct prev prev[CTR_COUNT];
    char buf[8192];
};

/* Everything read for one sample: each source's return code and its values. */
struct snap {
    int mem_rc, vm_rc, st_rc, psi_rc, pstat_rc, pstatus_rc, pio_rc, fds, tasks_rc;
    uint64_t vcsw, nvcsw;        /* summed over the process's threads */
    struct sys_mem mem;
    struct sys_vm vm;
    struct sys_stat st;
    struct sys_psi psi;
    struct pid_stat pstat;
    struct pid_status pstatus;
    struct pid_io pio;
};

struct counters *counters_new(const char *root, pid_t pid)
{
    struct counters *c;

    if (!root)
        root = "/proc";
    if (pid < 0) {
        errno = EINVAL;
        return NULL;
    }
    if (strlen(root) >= sizeof c->root) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    strcpy(c->root, root);
    c->pid = pid;
    c->clk_tck = sysconf(_SC_CLK_TCK);
    if (c->clk_tck <= 0)
        c->clk_tck = 100;
    c->pstat.fd = c->pstatus.fd = c->pio.fd = c->pfd.fd = -1;
    return c;
}

void counters_free(struct counters *c)
{
    if (!c)
        return;
    procfile_close(&c->pstat);
    procfile_close(&c->pstatus);
    procfile_close(&c->pio);
    procdir_close(&c->pfd);
    if (c->pfiles_opened && c->tsw_rc == 0)
        threadsw_close(&c->tsw);
    sysinfo_free(c->sys);
    free(c);
}

/* The process's files vanish (ENOENT) or refuse a kept-open fd (ESRCH) once it is reaped. */
static int pid_errno(int rc)
{
    return rc == -ENOENT || rc == -ESRCH ? -ESRCH : rc;
}

/* Re-reads one kept-open per-process file into c->buf. 0 or -errno. */
static int pid_pread(struct counters *c, struct procfile *pf)
{
    ssize_t n = procfile_pread(pf, c->buf, sizeof c->buf);
    return n < 0 ? pid_errno((int)n) : 0;
}

/* /proc/PID/status counts the switches of the main thread only: add up every thread's.
 * 0 or -errno. */
static int sum_switches(struct counters *c, struct snap *s)
{
    const struct pid_status *own = s->pstatus_rc == 0 ? &s->pstatus : NULL;

    if (c->tsw_rc < 0)
        return pid_errno(c->tsw_rc);
    return threadsw_sum(&c->tsw, own, c->buf, sizeof c->buf, &s->vcsw, &s->nvcsw);
}

static void read_pid_files(struct counters *c, unsigned need, struct snap *s)
{
    if (!c->pfiles_opened) {
        char rel[64];
        snprintf(rel, sizeof rel, "%d/stat", (int)c->pid);
        procfile_open(&c->pstat, c->root, rel);
        snprintf(rel, sizeof rel, "%d/status", (int)c->pid);
        procfile_open(&c->pstatus, c->root, rel);
        snprintf(rel, sizeof rel, "%d/io", (int)c->pid);
        procfile_open(&c->pio, c->root, rel);
        snprintf(rel, sizeof rel, "%d/fd", (int)c->pid);
        procdir_open(&c->pfd, c->root, rel);
        c->tsw_rc = threadsw_open(&c->tsw, c->root, c->pid);
        c->pfiles_opened = true;
    }
    if ((need & NEED_PSTAT) && (s->pstat_rc = pid_pread(c, &c->pstat)) == 0)
        s->pstat_rc = pid_stat_parse(c->buf, &s->pstat);
    if ((need & NEED_PSTATUS) && (s->pstatus_rc = pid_pread(c, &c->pstatus)) == 0)
        s->pstatus_rc = pid_status_parse(c->buf, &s->pstatus);
    if ((need & NEED_PIO) && (s->pio_rc = pid_pread(c, &c->pio)) == 0)
        s->pio_rc = pid_io_parse(c->buf, &s->pio);
    if (need & NEED_PFD)
        s->fds = pid_errno(procdir_count(&c->pfd));
    if (need & NEED_PTASKS)
        s->tasks_rc = sum_switches(c, s);
}

/* Reads each file the needed counters use, once. */
static void read_sources(struct counters *c, unsigned need, struct snap *s)
{
    if ((need & (NEED_MEM | NEED_VM | NEED_STAT | NEED_PSI)) && !c->sys) {
        c->sys = sysinfo_new(c->root);
        if (!c->sys) {
            int rc = errno ? -errno : -ENOMEM;
            s->mem_rc = s->vm_rc = s->st_rc = s->psi_rc = rc;
            need &= ~(unsigned)(NEED_MEM | NEED_VM | NEED_STAT | NEED_PSI);
        }
    }
    if (need & NEED_MEM)
        s->mem_rc = sysinfo_mem(c->sys, &s->mem);
    if (need & NEED_VM)
        s->vm_rc = sysinfo_vm(c->sys, &s->vm);
    if (need & NEED_STAT)
        s->st_rc = sysinfo_stat(c->sys, &s->st);
    if (need & NEED_PSI)
        s->psi_rc = sysinfo_psi(c->sys, &s->psi);
    need &= NEED_PSTAT | NEED_PSTATUS | NEED_PIO | NEED_PFD | NEED_PTASKS;
    if (!need)
        return;
    if (c->pid <= 0) {
        s->pstat_rc = s->pstatus_rc = s->pio_rc = s->fds = s->tasks_rc = -EINVAL;
        return;
    }
    if (c->gone) {
        s->pstat_rc = s->pstatus_rc = s->pio_rc = s->fds = s->tasks_rc = -ESRCH;
        return;
    }
    read_pid_files(c, need, s);
    if (s->pstat_rc == -ESRCH || s->pstatus_rc == -ESRCH || s->pio_rc == -ESRCH ||
        s->fds == -ESRCH)
        c->gone = true;
}

/* A PSI value: "not in this kernel" when the file or its "full" line is absent. */
static int psi_value(const struct snap *s, int res, bool full, double *raw)
{
    if (s->psi_rc < 0)
        return s->psi_rc;
    if (!s->psi.have || (full && !s->psi.full_have[res]))
        return -ENOENT;
    *raw = full ? s->psi.full_avg10[res] : s->psi.some_avg10[res];
    return 0;
}

/* A /proc/PID/status field, present only when the file had it. */
static int status_value(const struct snap *s, unsigned bit, double v, double *raw)
{
    if (s->pstatus_rc < 0)
        return s->pstatus_rc;
    if (!(s->pstatus.have & bit))
        return -ENOENT;
    *raw = v;
    return 0;
}

/* The return code of the file a source bit stands for (PSI and status check their own). */
static int source_rc(unsigned need, const struct snap *s)
{
    switch (need) {
    case NEED_MEM: return s->mem_rc;
    case NEED_VM: return s->vm_rc;
    case NEED_STAT: return s->st_rc;
    case NEED_PSTAT: return s->pstat_rc;
    case NEED_PIO: return s->pio_rc;
    case NEED_PFD: return s->fds < 0 ? s->fds : 0;
    case NEED_PTASKS: return s->tasks_rc;
    default: return 0;
    }
}

/* The raw reading of id from a snapshot (a cumulative count for rates). 0 or -errno. */
static int raw_value(enum counter_id id, const struct snap *s, double *raw)
{
    const struct sys_mem *m = &s->mem;
    const struct pid_status *ps = &s->pstatus;
    const struct pid_stat *pt = &s->pstat;
    int rc = source_rc(table[id].need, s);

    if (rc < 0)
        return rc;
    switch (id) {
    case CTR_MEM_TOTAL: *raw = (double)m->total; break;
    case CTR_MEM_FREE: *raw = (double)m->free; break;
    case CTR_MEM_AVAILABLE: *raw = (double)m->available; break;
    case CTR_MEM_CACHED: *raw = (double)m->cached; break;
    case CTR_MEM_DIRTY: *raw = (double)m->dirty; break;
    case CTR_MEM_WRITEBACK: *raw = (double)m->writeback; break;
    case CTR_MEM_ANON: *raw = (double)m->anon; break;
    case CTR_MEM_SHMEM: *raw = (double)m->shmem; break;
    case CTR_MEM_SLAB: *raw = (double)m->slab; break;
    case CTR_MEM_SWAP_USED:
        *raw = m->swap_total > m->swap_free ? (double)(m->swap_total - m->swap_free) : 0;
        break;
    case CTR_PGFAULT: *raw = (double)s->vm.pgfault; break;
    case CTR_PGMAJFAULT: *raw = (double)s->vm.pgmajfault; break;
    case CTR_PGPGIN: *raw = (double)s->vm.pgpgin; break;
    case CTR_PGPGOUT: *raw = (double)s->vm.pgpgout; break;
    case CTR_PSWPIN: *raw = (double)s->vm.pswpin; break;
    case CTR_PSWPOUT: *raw = (double)s->vm.pswpout; break;
    case CTR_CTXT: *raw = (double)s->st.ctxt; break;
    case CTR_INTR: *raw = (double)s->st.intr; break;
    case CTR_FORKS: *raw = (double)s->st.processes; break;
    case CTR_PROCS_RUNNING: *raw = (double)s->st.procs_running; break;
    case CTR_PROCS_BLOCKED: *raw = (double)s->st.procs_blocked; break;
    case CTR_PSI_CPU_SOME: return psi_value(s, 0, false, raw);
    case CTR_PSI_CPU_FULL: return psi_value(s, 0, true, raw);
    case CTR_PSI_MEM_SOME: return psi_value(s, 1, false, raw);
    case CTR_PSI_MEM_FULL: return psi_value(s, 1, true, raw);
    case CTR_PSI_IO_SOME: return psi_value(s, 2, false, raw);
    case CTR_PSI_IO_FULL: return psi_value(s, 2, true, raw);
    case CTR_P_THREADS: return status_value(s, PIDST_HAVE_THREADS, (double)ps->threads, raw);
    case CTR_P_RSS: return status_value(s, PIDST_HAVE_VMRSS, (double)ps->vm_rss_kib, raw);
    case CTR_P_VMSIZE: return status_value(s, PIDST_HAVE_VMSIZE, (double)ps->vm_size_kib, raw);
    case CTR_P_VMSTK: return status_value(s, PIDST_HAVE_VMSTK, (double)ps->vm_stk_kib, raw);
    case CTR_P_VCSW_RATE: *raw = (double)s->vcsw; break;
    case CTR_P_NVCSW_RATE: *raw = (double)s->nvcsw; break;
    case CTR_P_MINFLT:
    case CTR_P_MINFLT_RATE: *raw = (double)pt->minflt; break;
    case CTR_P_MAJFLT:
    case CTR_P_MAJFLT_RATE: *raw = (double)pt->majflt; break;
    case CTR_P_CPU: *raw = (double)(pt->utime + pt->stime); break;
    case CTR_P_FDS: *raw = (double)s->fds; break;
    case CTR_P_READ_RATE: *raw = (double)s->pio.read_bytes; break;
    case CTR_P_WRITE_RATE: *raw = (double)s->pio.write_bytes; break;
    default: return -EINVAL;
    }
    return 0;
}

int counters_pid_stat(const struct counters *c, struct pid_stat *out)
{
    if (!c || !c->have_stat)
        return -ENODATA;
    *out = c->last_stat;
    return 0;
}

int counters_sample(struct counters *c, const enum counter_id *ids, int n,
                    double now_s, struct counter_val *out)
{
    struct snap s;
    struct prev next[CTR_COUNT];
    bool touched[CTR_COUNT] = { false };
    unsigned need = 0;
    bool gone;

    if (!c || n < 0 || (n > 0 && (!ids || !out)))
        return -EINVAL;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < n; i++)
        if ((unsigned)ids[i] < CTR_COUNT)
            need |= table[ids[i]].need;
    read_sources(c, need, &s);
    c->have_stat = (need & NEED_PSTAT) && s.pstat_rc == 0;
    if (c->have_stat)
        c->last_stat = s.pstat;
    gone = c->gone && (need & (NEED_PSTAT | NEED_PSTATUS | NEED_PIO | NEED_PFD));

    for (int i = 0; i < n; i++) {
        enum counter_id id = ids[i];
        struct counter_val *o = &out[i];
        const struct prev *p;
        double raw = 0, dt;
        int rc;

        *o = (struct counter_val){ .ok = false, .v = 0, .err = -EINVAL };
        if ((unsigned)id >= CTR_COUNT)
            continue;
        rc = raw_value(id, &s, &raw);
        if (rc < 0) {
            o->err = rc;
            continue;
        }
        if (!table[id].def.rate) {
            *o = (struct counter_val){ .ok = true, .v = raw, .err = 0 };
            continue;
        }
        /* Rates: compare with the previous sample; update only after all ids are done,
         * so an id listed twice gets the same answer. */
        p = &c->prev[id];
        dt = now_s - p->t;
        o->err = -EAGAIN;
        if (!touched[id]) {
            touched[id] = true;
            next[id] = (struct prev){ .ok = true, .raw = raw, .t = now_s };
            if (p->ok && dt <= 0)
                next[id] = *p; /* same instant: keep the older base */
        }
        if (!p->ok || dt <= 0 || raw < p->raw)
            continue; /* first sample, or the counter went back (a reset) */
        o->ok = true;
        o->err = 0;
        o->v = (raw - p->raw) / dt;
        if (id == CTR_P_CPU)
            o->v = o->v / (double)c->clk_tck * 100.0;
    }
    for (int id = 0; id < CTR_COUNT; id++)
        if (touched[id])
            c->prev[id] = next[id];
    if (gone) {
        /* Even a file read just before the exit describes a process that is no more. */
        for (int i = 0; i < n; i++)
            if ((unsigned)ids[i] < CTR_COUNT && table[ids[i]].def.per_pid)
                out[i] = (struct counter_val){ .ok = false, .v = 0, .err = -ESRCH };
        for (int id = 0; id < CTR_COUNT; id++)
            if (table[id].def.per_pid)
                c->prev[id].ok = false;
        return -ESRCH;
    }
    return 0;
}

const char *counter_err_text(int err)
{
    switch (err) {
    case 0: return "ok";
    case -EACCES:
    case -EPERM: return "not permitted";
    case -ESRCH: return "process exited";
    case -ENOENT:
    case -EOPNOTSUPP:
    case -ENOSYS: return "not in this kernel";
    case -EAGAIN: return "first sample";
    default: return "unreadable";
    }
}
