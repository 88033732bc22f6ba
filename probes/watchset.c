/* watchset.c — one sample of everything `oscope watch` shows: system counters through one
 * sampler, each watched process through its own sampler plus its kept-open stat file for
 * name and state; texts, change marks and sparkline histories. */
#include "probes/watchset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/pidinfo.h"
#include "util/fmt.h"

const enum counter_id watch_sys_ids[WATCH_NSYS] = {
    CTR_MEM_TOTAL, CTR_MEM_FREE, CTR_MEM_AVAILABLE, CTR_MEM_CACHED, CTR_MEM_DIRTY,
    CTR_MEM_WRITEBACK, CTR_MEM_ANON, CTR_MEM_SHMEM, CTR_MEM_SLAB, CTR_MEM_SWAP_USED,
    CTR_PGFAULT, CTR_PGMAJFAULT, CTR_PGPGIN, CTR_PGPGOUT, CTR_PSWPIN, CTR_PSWPOUT,
    CTR_CTXT, CTR_INTR, CTR_FORKS,
    CTR_PROCS_RUNNING, CTR_PROCS_BLOCKED,
    CTR_PSI_CPU_SOME, CTR_PSI_CPU_FULL, CTR_PSI_MEM_SOME, CTR_PSI_MEM_FULL,
    CTR_PSI_IO_SOME, CTR_PSI_IO_FULL,
};

const enum counter_id watch_pid_ids[WATCH_NPID] = {
    CTR_P_THREADS, CTR_P_RSS, CTR_P_VMSTK, CTR_P_MINFLT_RATE, CTR_P_MAJFLT_RATE,
    CTR_P_VCSW_RATE, CTR_P_NVCSW_RATE, CTR_P_FDS, CTR_P_READ_RATE, CTR_P_WRITE_RATE,
};

/* How watch names each counter: on screen, inside its source file, in the CSV. */
struct names {
    const char *label, *field, *csv;
};

static const struct names names[CTR_COUNT] = {
    [CTR_MEM_TOTAL] = { "Mem total", "MemTotal", "mem_total_kib" },
    [CTR_MEM_FREE] = { "Mem free", "MemFree", "mem_free_kib" },
    [CTR_MEM_AVAILABLE] = { "Available", "MemAvailable", "mem_available_kib" },
    [CTR_MEM_CACHED] = { "Page cache", "Cached", "cached_kib" },
    [CTR_MEM_DIRTY] = { "Dirty", "Dirty", "dirty_kib" },
    [CTR_MEM_WRITEBACK] = { "Writeback", "Writeback", "writeback_kib" },
    [CTR_MEM_ANON] = { "Anon", "AnonPages", "anon_pages_kib" },
    [CTR_MEM_SHMEM] = { "Shmem", "Shmem", "shmem_kib" },
    [CTR_MEM_SLAB] = { "Slab", "Slab", "slab_kib" },
    [CTR_MEM_SWAP_USED] = { "Swap used", "SwapTotal - SwapFree", "swap_used_kib" },
    [CTR_PGFAULT] = { "Page faults", "pgfault", "pgfault_per_s" },
    [CTR_PGMAJFAULT] = { "Major faults", "pgmajfault", "pgmajfault_per_s" },
    [CTR_PGPGIN] = { "Paged in", "pgpgin", "pgpgin_kib_per_s" },
    [CTR_PGPGOUT] = { "Paged out", "pgpgout", "pgpgout_kib_per_s" },
    [CTR_PSWPIN] = { "Swapped in", "pswpin, pages", "pswpin_per_s" },
    [CTR_PSWPOUT] = { "Swapped out", "pswpout, pages", "pswpout_per_s" },
    [CTR_CTXT] = { "Ctx switches", "ctxt", "ctxt_per_s" },
    [CTR_INTR] = { "Interrupts", "intr, first number", "intr_per_s" },
    [CTR_FORKS] = { "Forks", "processes", "forks_per_s" },
    [CTR_PROCS_RUNNING] = { "Running", "procs_running", "procs_running" },
    [CTR_PROCS_BLOCKED] = { "Blocked", "procs_blocked", "procs_blocked" },
    [CTR_PSI_CPU_SOME] = { "CPU some", "some avg10", "psi_cpu_some_avg10_pct" },
    [CTR_PSI_CPU_FULL] = { "CPU full", "full avg10", "psi_cpu_full_avg10_pct" },
    [CTR_PSI_MEM_SOME] = { "Memory some", "some avg10", "psi_memory_some_avg10_pct" },
    [CTR_PSI_MEM_FULL] = { "Memory full", "full avg10", "psi_memory_full_avg10_pct" },
    [CTR_PSI_IO_SOME] = { "IO some", "some avg10", "psi_io_some_avg10_pct" },
    [CTR_PSI_IO_FULL] = { "IO full", "full avg10", "psi_io_full_avg10_pct" },
    [CTR_P_THREADS] = { "Threads", "Threads", "threads" },
    [CTR_P_RSS] = { "RSS", "VmRSS", "rss_kib" },
    [CTR_P_VMSIZE] = { "VM size", "VmSize", "vmsize_kib" },
    [CTR_P_VMSTK] = { "Stack", "VmStk", "vmstk_kib" },
    [CTR_P_MINFLT] = { "Minor faults", "minflt (field 10)", "minflt" },
    [CTR_P_MAJFLT] = { "Major faults", "majflt (field 12)", "majflt" },
    [CTR_P_MINFLT_RATE] = { "Minor flt", "minflt (field 10)", "minflt_per_s" },
    [CTR_P_MAJFLT_RATE] = { "Major flt", "majflt (field 12)", "majflt_per_s" },
    [CTR_P_VCSW_RATE] = { "Vol. csw", "voluntary_ctxt_switches", "vcsw_per_s" },
    [CTR_P_NVCSW_RATE] = { "Invol. csw", "nonvoluntary_ctxt_switches", "nvcsw_per_s" },
    [CTR_P_CPU] = { "CPU", "utime + stime", "cpu_pct" },
    [CTR_P_FDS] = { "Open fds", "its entries", "fds" },
    [CTR_P_READ_RATE] = { "Disk reads", "read_bytes", "read_bytes_per_s" },
    [CTR_P_WRITE_RATE] = { "Disk writes", "write_bytes", "write_bytes_per_s" },
};

const char *watchset_label(enum counter_id id)
{
    return (unsigned)id < CTR_COUNT ? names[id].label : "?";
}

const char *watchset_field(enum counter_id id)
{
    return (unsigned)id < CTR_COUNT ? names[id].field : "?";
}

const char *watchset_csv_name(enum counter_id id)
{
    return (unsigned)id < CTR_COUNT ? names[id].csv : "unknown";
}

/* A rate: one decimal while small, whole numbers with separators once large. */
static void rate_text(double v, const char *unit, char *buf, size_t cap)
{
    char num[32];

    if (v < 99.95)
        snprintf(num, sizeof num, "%.1f", v);
    else
        fmt_count(num, sizeof num, (uint64_t)(v + 0.5));
    snprintf(buf, cap, "%s%s", num, unit);
}

void watchset_value_text(enum counter_id id, const struct counter_val *v, char *buf,
                         size_t cap)
{
    const struct counter_def *d = counter_def(id);
    char num[32];

    if (!d || !v->ok) {
        snprintf(buf, cap, "n/a (%s)", counter_err_text(d ? v->err : -EINVAL));
        return;
    }
    if (strcmp(d->unit, "KiB") == 0) {
        snprintf(buf, cap, "%s KiB", fmt_count(num, sizeof num, (uint64_t)(v->v + 0.5)));
    } else if (strcmp(d->unit, "count") == 0) {
        snprintf(buf, cap, "%s", fmt_count(num, sizeof num, (uint64_t)(v->v + 0.5)));
    } else if (strcmp(d->unit, "%") == 0) {
        snprintf(buf, cap, "%.2f %%", v->v);
    } else if (strcmp(d->unit, "B/s") == 0) {
        snprintf(buf, cap, "%s/s", fmt_bytes(num, sizeof num, v->v));
    } else if (strcmp(d->unit, "KiB/s") == 0) {
        rate_text(v->v, " KiB/s", buf, cap);
    } else {
        rate_text(v->v, "/s", buf, cap);
    }
}

struct watchset *watchset_new(const char *root)
{
    struct watchset *ws;

    if (!root)
        root = "/proc";
    if (strlen(root) >= sizeof ws->root) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    strcpy(ws->root, root);
    ws->sys = counters_new(root, 0);
    if (!ws->sys) {
        free(ws);
        return NULL;
    }
    return ws;
}

/* Lets go of what a process's reading holds open. */
static void pid_release(struct watch_pid *p)
{
    counters_free(p->smp);
    p->smp = NULL;
    procfile_close(&p->statf);
}

void watchset_free(struct watchset *ws)
{
    if (!ws)
        return;
    for (int i = 0; i < ws->npids; i++)
        pid_release(&ws->pids[i]);
    counters_free(ws->sys);
    free(ws);
}

int watchset_add_pid(struct watchset *ws, pid_t pid)
{
    struct watch_pid *p;
    char rel[32];
    int rc;

    if (pid <= 0)
        return -EINVAL;
    for (int i = 0; i < ws->npids; i++)
        if (ws->pids[i].pid == pid)
            return -EEXIST;
    if (ws->npids >= WATCH_MAX_PIDS)
        return -E2BIG;
    p = &ws->pids[ws->npids];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    snprintf(rel, sizeof rel, "%d/stat", (int)pid);
    rc = procfile_open(&p->statf, ws->root, rel);
    if (rc == -ENOENT || rc == -ESRCH)
        return -ESRCH;
    if (rc < 0)
        return rc;
    p->smp = counters_new(ws->root, pid);
    if (!p->smp) {
        rc = errno ? -errno : -ENOMEM;
        procfile_close(&p->statf);
        return rc;
    }
    ws->npids++;
    return 0;
}

/* Stores one new value: its text, whether that changed, its history. */
static void put_value(struct watch_val *w, enum counter_id id, const struct counter_val *v,
                      bool first, double mono, double spark_s)
{
    char text[sizeof w->text];

    watchset_value_text(id, v, text, sizeof text);
    w->changed = !first && strcmp(text, w->text) != 0;
    memcpy(w->text, text, sizeof text);
    w->now = *v;
    if (v->ok)
        series_add(&w->hist, v->v, mono, spark_s);
}

/* Reads name and state; -ESRCH once the process is gone or a zombie. */
static int read_ident(struct watch_pid *p)
{
    char buf[1024];
    struct pid_stat st;
    ssize_t n;

    /* The counters have just read /proc/PID/stat: use that rather than read it again. */
    if (counters_pid_stat(p->smp, &st) != 0) {
        n = procfile_pread(&p->statf, buf, sizeof buf);
        if (n == -ESRCH || n == -ENOENT)
            return -ESRCH;
        if (n < 0 || pid_stat_parse(buf, &st) != 0)
            return 0; /* unreadable this time: keep what was known */
    }
    snprintf(p->comm, sizeof p->comm, "%s", st.comm);
    p->state = st.state;
    return st.state == 'Z' || st.state == 'X' ? -ESRCH : 0;
}

static void sample_pid(struct watch_pid *p, double mono, const struct timespec *wall,
                       bool first, double spark_s)
{
    struct counter_val v[WATCH_NPID];
    int rc = -ESRCH;

    if (!p->exited) {
        rc = counters_sample(p->smp, watch_pid_ids, WATCH_NPID, mono, v);
        if (rc != -ESRCH)
            rc = read_ident(p);
    }
    if (rc == -ESRCH) {
        /* Keep the last texts and the history; the values of now are gone. */
        if (!p->exited) {
            p->exited = true;
            p->exited_at = mono;
            if (wall)
                p->exited_wall = *wall;
            pid_release(p);
        }
        for (int k = 0; k < WATCH_NPID; k++) {
            p->val[k].now = (struct counter_val){ .ok = false, .err = -ESRCH };
            p->val[k].changed = false;
        }
        return;
    }
    for (int k = 0; k < WATCH_NPID; k++)
        put_value(&p->val[k], watch_pid_ids[k], &v[k], first, mono, spark_s);
}

void watchset_sample(struct watchset *ws, double mono, const struct timespec *wall)
{
    struct counter_val v[WATCH_NSYS];
    bool first = ws->nsamples == 0;

    counters_sample(ws->sys, watch_sys_ids, WATCH_NSYS, mono, v);
    for (int k = 0; k < WATCH_NSYS; k++)
        put_value(&ws->sys_val[k], watch_sys_ids[k], &v[k], first, mono, ws->spark_s);
    for (int i = 0; i < ws->npids; i++)
        sample_pid(&ws->pids[i], mono, wall, first, ws->spark_s);
    ws->nsamples++;
    ws->mono = mono;
    if (wall)
        ws->wall = *wall;
}

void watchset_clear_history(struct watchset *ws)
{
    for (int k = 0; k < WATCH_NSYS; k++) {
        series_clear(&ws->sys_val[k].hist);
        ws->sys_val[k].changed = false;
    }
    for (int i = 0; i < ws->npids; i++)
        for (int k = 0; k < WATCH_NPID; k++) {
            series_clear(&ws->pids[i].val[k].hist);
            ws->pids[i].val[k].changed = false;
        }
}
