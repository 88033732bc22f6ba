/* pcache_lab.c — what the page-cache lab measures around its code: the file's residency
 * (cachestat, or mincore where the kernel has no cachestat), /proc/meminfo, /proc/vmstat
 * and its own /proc/self/stat before and after each step, and a failure report. */
#include "scenes/pcache_lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procfile.h"
#include "util/fmt.h"

#ifndef __NR_cachestat
#define __NR_cachestat 451      /* the same number on every architecture but alpha */
#endif

struct pc_cs_range { uint64_t off, len; };
struct pc_cs { uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };

/* The "bytes done" fact of each live step. */
static const char *const done_fact[PCS_END] = {
    [PCS_WRITE] = "w.done", [PCS_COLD] = "c.done", [PCS_WARM] = "h.done", [PCS_MMAP] = "m.done",
};
/* What was running when a step failed. */
static const char *const call_of[PCS_END] = {
    "open", "write", "fsync", "posix_fadvise", "pread", "pread", "mmap",
};

double pcache_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pcache_read_mem(struct sys_mem *m)
{
    char buf[8192];
    ssize_t n = procfile_read("/proc", "meminfo", buf, sizeof buf);

    return n < 0 ? (int)n : sys_meminfo_parse(buf, m);
}

static int read_vm(struct sys_vm *v)
{
    char buf[16384];
    ssize_t n = procfile_read("/proc", "vmstat", buf, sizeof buf);

    return n < 0 ? (int)n : sys_vmstat_parse(buf, v);
}

/* The lab's own fault counts, from /proc/self/stat (what oscope reads as /proc/LAB/stat). */
static void self_faults(uint64_t *minflt, uint64_t *majflt)
{
    struct pid_stat st;

    if (pid_stat_read("/proc", getpid(), 0, &st) == 0) {
        *minflt = st.minflt;
        *majflt = st.majflt;
    }
}

/* Counts one cell's pages: resident, dirty, under writeback. false when unreadable. */
static bool count_cell(struct pcache *pc, int c, uint64_t per, uint64_t n[3])
{
    struct pc_cs_range rg = { (uint64_t)c * per * pc->pagesz, per * pc->pagesz };
    struct pc_cs cs;

    n[0] = n[1] = n[2] = 0;
    if (!pc->cachestat) {
        for (uint64_t k = 0; k < per; k++)
            n[0] += pc->vec[(uint64_t)c * per + k] & 1;
        return true;
    }
    if (syscall(__NR_cachestat, pc->fd, &rg, &cs, 0) != 0)
        return false;
    n[0] = cs.nr_cache;
    n[1] = cs.nr_dirty;
    n[2] = cs.nr_writeback;
    return true;
}

bool pcache_residency(struct pcache *pc, struct pcache_res *r)
{
    uint64_t per = pc->pages / PCACHE_CELLS, n[3];
    static const char hex[] = "0123456789abcdef";
    unsigned pair = 0;

    memset(r, 0, sizeof *r);
    if (per == 0 || pc->fd < 0 || (!pc->cachestat && !pc->map))
        return false;
    if (!pc->cachestat && mincore(pc->map, pc->size, pc->vec) != 0)
        return false;
    for (int c = 0; c < PCACHE_CELLS; c++) {
        unsigned st;
        if (!count_cell(pc, c, per, n))
            return false;
        r->pages += n[0];
        r->dirty += n[1];
        r->wb += n[2];
        st = n[2] ? 3 : n[1] ? 2 : n[0] ? 1 : 0;
        pair = (pair << 2) | st;
        if (c % 2 == 1) {
            r->hex[c / 2] = hex[pair & 15];
            pair = 0;
        }
    }
    r->hex[PCACHE_CELLS / 2] = '\0';
    return true;
}

/* The lab's main thread and the reporter both read the residency (one mincore buffer). */
static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;

bool pcache_report_residency(struct pcache *pc, const char *copy_to, struct pcache_res *out)
{
    struct pcache_res r;
    bool ok;

    pthread_mutex_lock(&res_lock);
    ok = pcache_residency(pc, &r);
    pthread_mutex_unlock(&res_lock);
    if (!ok)
        return false;
    if (out)
        *out = r;
    lab_fact(pc->lab, "res.map", "%s", r.hex);
    lab_fact_u64(pc->lab, "res.pages", r.pages);
    if (pc->cachestat) {
        lab_fact_u64(pc->lab, "res.dirty", r.dirty);
        lab_fact_u64(pc->lab, "res.wb", r.wb);
    }
    if (copy_to)
        lab_fact_u64(pc->lab, copy_to, r.pages);
    return true;
}

/* While the lab waits at a step, the kernel may still drop or read pages: report the
 * file's residency four times a second so the map on screen is what fincore says now. */
static void *reporter(void *arg)
{
    struct pcache *pc = arg;
    struct timespec ts = { 0, 250 * 1000 * 1000 };

    while (!atomic_load(&pc->reporter_stop)) {
        nanosleep(&ts, NULL);
        if (!atomic_load(&pc->reporter_stop))
            pcache_report_residency(pc, NULL, NULL);
    }
    return NULL;
}

static void reporter_stop(struct pcache *pc)
{
    if (!pc->reporter_on)
        return;
    atomic_store(&pc->reporter_stop, true);
    pthread_join(pc->reporter, NULL);
    pc->reporter_on = false;
}

void pcache_opened(struct pcache *pc, int fd)
{
    struct pc_cs_range all = { 0, 0 };
    struct pc_cs cs;

    pc->fd = fd;
    pc->cachestat = syscall(__NR_cachestat, fd, &all, &cs, 0) == 0;
    if (!pc->cachestat) {
        /* Mapping the file does not read it: mincore only asks which pages are in RAM. */
        pc->vec = malloc(pc->pages);
        pc->map = mmap(NULL, pc->size, PROT_READ, MAP_SHARED, fd, 0);
        if (pc->map == MAP_FAILED)
            pc->map = NULL;
    }
    lab_fact(pc->lab, "res.how", "%s", pc->cachestat ? "cachestat" : pc->map && pc->vec ? "mincore"
                                                       : "none");
    pcache_report_residency(pc, NULL, NULL);
    pc->stage = PCS_WRITE;
    atomic_store(&pc->reporter_stop, false);
    pc->reporter_on = pthread_create(&pc->reporter, NULL, reporter, pc) == 0;
}

static void mem_facts(struct pcache *pc, const char *prefix, const char *suffix)
{
    struct sys_mem m;
    char name[32];

    if (pcache_read_mem(&m) != 0)
        return;
    pc->mem0 = m;
    snprintf(name, sizeof name, "%s.dirty%s", prefix, suffix);
    lab_fact_u64(pc->lab, name, m.dirty);
    snprintf(name, sizeof name, "%s.wb%s", prefix, suffix);
    lab_fact_u64(pc->lab, name, m.writeback);
    snprintf(name, sizeof name, "%s.cached%s", prefix, suffix);
    lab_fact_u64(pc->lab, name, m.cached);
    snprintf(name, sizeof name, "%s.shmem%s", prefix, suffix);
    lab_fact_u64(pc->lab, name, m.shmem);
}

void pcache_begin(struct pcache *pc)
{
    switch (pc->stage) {
    case PCS_WRITE:
        mem_facts(pc, "w", "0");
        break;
    case PCS_FSYNC:
        pcache_watch_start(pc);
        break;
    case PCS_EVICT:
        mem_facts(pc, "e", "0");
        pcache_report_residency(pc, "e.res0", NULL);
        break;
    case PCS_COLD: case PCS_WARM: case PCS_MMAP:
        read_vm(&pc->vm0);
        self_faults(&pc->minflt0, &pc->majflt0);
        break;
    default:
        break;
    }
    pc->tick = pc->t0 = pcache_now();
}

void pcache_tick(struct pcache *pc, uint64_t done)
{
    double t = pcache_now();
    char b1[24], b2[24], text[80];

    if (t - pc->tick < 0.1 || !done_fact[pc->stage])
        return;
    pc->tick = t;
    pcache_report_residency(pc, NULL, NULL);
    lab_fact_u64(pc->lab, done_fact[pc->stage], done);
    snprintf(text, sizeof text, "%s %s of %s", pc->stage == PCS_WRITE ? "writing" : "reading",
             fmt_bytes(b1, sizeof b1, (double)done), fmt_bytes(b2, sizeof b2, (double)pc->size));
    lab_progress(pc->lab, (int)(done * 100 / pc->size), text);
}

void pcache_touch(struct pcache *pc, uint64_t off)
{
    if (off == 0) {
        pcache_report_residency(pc, "m.res0", NULL);
        self_faults(&pc->minflt0, &pc->majflt0);
        pc->t_first = pcache_now();
    } else if (off == pc->size / 2) {
        pc->t_half = pcache_now();
        self_faults(&pc->minflt_half, &pc->majflt_half);
    }
    if (off % (64 * pc->pagesz) == 0)
        pcache_tick(pc, off);
}

/* After a read() pass: its time, the disk reads and the lab's faults meanwhile. */
static void read_facts(struct pcache *pc, const char *p, double secs)
{
    struct sys_vm vm;
    uint64_t minflt = pc->minflt0, majflt = pc->majflt0;
    char name[32];

    self_faults(&minflt, &majflt);
    snprintf(name, sizeof name, "%s.ns", p);
    lab_fact(pc->lab, name, "%.0f", secs * 1e9);
    if (read_vm(&vm) == 0) {
        snprintf(name, sizeof name, "%s.pgpgin", p);
        lab_fact_u64(pc->lab, name, vm.pgpgin - pc->vm0.pgpgin);
        snprintf(name, sizeof name, "%s.pgmaj", p);
        lab_fact_u64(pc->lab, name, vm.pgmajfault - pc->vm0.pgmajfault);
    }
    snprintf(name, sizeof name, "%s.minflt", p);
    lab_fact_u64(pc->lab, name, minflt - pc->minflt0);
    snprintf(name, sizeof name, "%s.majflt", p);
    lab_fact_u64(pc->lab, name, majflt - pc->majflt0);
}

static void mmap_facts(struct pcache *pc, double end, unsigned sum)
{
    uint64_t minflt = pc->minflt_half, majflt = pc->majflt_half;
    struct sys_vm vm;

    self_faults(&minflt, &majflt);
    lab_fact(pc->lab, "m.ns1", "%.0f", (pc->t_half - pc->t_first) * 1e9);
    lab_fact(pc->lab, "m.ns2", "%.0f", (end - pc->t_half) * 1e9);
    lab_fact_u64(pc->lab, "m.min1", pc->minflt_half - pc->minflt0);
    lab_fact_u64(pc->lab, "m.maj1", pc->majflt_half - pc->majflt0);
    lab_fact_u64(pc->lab, "m.min2", minflt - pc->minflt_half);
    lab_fact_u64(pc->lab, "m.maj2", majflt - pc->majflt_half);
    if (read_vm(&vm) == 0)
        lab_fact_u64(pc->lab, "m.pgmaj", vm.pgmajfault - pc->vm0.pgmajfault);
    lab_fact(pc->lab, "m.sum", "%u", sum);
}

void pcache_done(struct pcache *pc, unsigned sum)
{
    double end = pcache_now(), secs = end - pc->t0;

    switch (pc->stage) {
    case PCS_WRITE:
        lab_fact(pc->lab, "w.ns", "%.0f", secs * 1e9);
        mem_facts(pc, "w", "1");
        lab_fact_u64(pc->lab, "w.done", pc->size);
        break;
    case PCS_FSYNC:
        pcache_watch_stop(pc, secs);
        break;
    case PCS_EVICT:
        lab_fact(pc->lab, "e.ns", "%.0f", secs * 1e9);
        mem_facts(pc, "e", "1");
        break;
    case PCS_COLD: case PCS_WARM:
        read_facts(pc, pc->stage == PCS_COLD ? "c" : "h", secs);
        lab_fact_u64(pc->lab, done_fact[pc->stage], pc->size);
        break;
    case PCS_MMAP:
        mmap_facts(pc, end, sum);
        lab_fact_u64(pc->lab, "m.done", pc->size);
        break;
    default:
        break;
    }
    pcache_report_residency(pc, pc->stage == PCS_EVICT ? "e.res1" : NULL, NULL);
    if (pc->stage < PCS_END)
        pc->stage++;
}

void pcache_failed(struct pcache *pc, const void *buf, int fd)
{
    int e = errno;
    const char *call = !buf ? "malloc" : fd < 0 ? "open" : call_of[pc->stage];

    reporter_stop(pc); /* before the file and pc go away */
    errno = e;
    if (pc->stage >= PCS_END || pc->failed)
        return;
    if (pc->w.running)
        pcache_watch_stop(pc, pcache_now() - pc->t0);
    pc->failed = true;
    if (pc->err[0])
        return;                 /* refused before anything ran: pc->err says why */
    pc->err_no = e;
    pc->err_kind = call;
    if (e == 0)
        snprintf(pc->err, sizeof pc->err, "%s() returned 0: the file is shorter than it "
                 "should be", call);
    else
        snprintf(pc->err, sizeof pc->err, "%s() failed: %s (%s)", call, strerror(e),
                 strerrorname_np(e) ? strerrorname_np(e) : "?");
}

void pcache_show_failure(struct pcache *pc)
{
    bool gone = access(PCACHE_FILE, F_OK) != 0 && errno == ENOENT;
    struct rlimit rl;

    if (!pc->failed)
        return;
    if (pc->map)
        munmap(pc->map, pc->size);
    free(pc->vec);
    pc->map = NULL;
    pc->vec = NULL;
    lab_fact(pc->lab, "error", "%s", pc->err);
    lab_fact(pc->lab, "errno", "%d", pc->err_no);
    /* For a refusal, what kind; for a failed call, which call. */
    lab_fact(pc->lab, "err.what", "%s", pc->err_kind ? pc->err_kind : "?");
    lab_fact(pc->lab, "removed", "%d", gone);
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lab_fact(pc->lab, "fsize", "%llu", (unsigned long long)rl.rlim_cur);
    lab_stop(pc->lab, pcache_marker[pc->stage]);
}
