/* samplebench.c — the cost of one full sample of everything the watch dashboard shows
 * (watchset_sample(): the system counters, and with -p those of one process, this one),
 * against a floor: the same /proc files read with kept-open descriptors and pread,
 * nothing parsed. Prints Markdown table rows (bench/run.sh puts them into
 * bench/README.md), and a breakdown through counters_sample(), which both the dashboard
 * and the scenes' live strip use. */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/sysinfo.h"
#include "probes/watchset.h"

#define ROUNDS 7
#define ITERS 400

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The floor: every file the sample needs, opened once. */
static const char *const sys_files[] = {
    "/proc/meminfo", "/proc/vmstat", "/proc/stat",
    "/proc/pressure/cpu", "/proc/pressure/memory", "/proc/pressure/io",
};
static const char *const pid_files[] = { "stat", "status", "io" };

struct floor {
    int fd[9];
    int nfd;
    int dirfd;              /* /proc/PID/fd, listed again each sample */
};

static void floor_open(struct floor *f, pid_t pid)
{
    char path[64];

    f->nfd = 0;
    for (size_t i = 0; i < sizeof sys_files / sizeof sys_files[0]; i++)
        f->fd[f->nfd++] = open(sys_files[i], O_RDONLY | O_CLOEXEC);
    for (size_t i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++) {
        snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, pid_files[i]);
        f->fd[f->nfd++] = open(path, O_RDONLY | O_CLOEXEC);
    }
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    f->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void floor_close(struct floor *f)
{
    for (int i = 0; i < f->nfd; i++)
        if (f->fd[i] >= 0)
            close(f->fd[i]);
    if (f->dirfd >= 0)
        close(f->dirfd);
}

/* Which part of a sample to time: the system files, the process's files, or both. */
enum part { PART_ALL, PART_SYS, PART_PID };
static enum part part = PART_ALL;

/* One floor sample: pread of each file, one listing of the fd directory. Bytes read. */
static long floor_sample(struct floor *f)
{
    static char buf[65536];
    long total = 0;
    int from = part == PART_PID ? 6 : 0, to = part == PART_SYS ? 6 : f->nfd;

    for (int i = from; i < to; i++) {
        ssize_t n = f->fd[i] >= 0 ? pread(f->fd[i], buf, sizeof buf, 0) : 0;
        total += n > 0 ? n : 0;
    }
    if (f->dirfd >= 0 && part != PART_SYS) {
        long n;
        lseek(f->dirfd, 0, SEEK_SET);
        while ((n = syscall(SYS_getdents64, f->dirfd, buf, sizeof buf)) > 0)
            total += n;
    }
    return total;
}

/* Median microseconds per call over ROUNDS rounds of ITERS calls. */
static double time_floor(struct floor *f)
{
    double r[ROUNDS];
    long sink = 0;

    for (int k = 0; k < ROUNDS; k++) {
        double t0 = now_s();
        for (int i = 0; i < ITERS; i++)
            sink += floor_sample(f);
        r[k] = (now_s() - t0) / ITERS * 1e6;
    }
    if (sink == 42)
        puts("");       /* keeps the reads from being optimised away */
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    return r[ROUNDS / 2];
}

static double time_counters(struct counters *c, const enum counter_id *ids, int n)
{
    struct counter_val out[CTR_COUNT];
    double r[ROUNDS];

    for (int k = 0; k < ROUNDS; k++) {
        double t0 = now_s();
        for (int i = 0; i < ITERS; i++)
            counters_sample(c, ids, n, now_s(), out);
        r[k] = (now_s() - t0) / ITERS * 1e6;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    return r[ROUNDS / 2];
}

/* The system part of the floor plus oscope's own plain parsers on the text read: what
 * the system counters could cost without libproc2. Median microseconds per sample. */
static double time_floor_parsed(struct floor *f)
{
    static char buf[6][65536];
    double r[ROUNDS];

    for (int k = 0; k < ROUNDS; k++) {
        double t0 = now_s();
        for (int i = 0; i < ITERS; i++) {
            struct sys_mem m;
            struct sys_vm v;
            struct sys_stat st;
            double some, full;
            bool fh;

            for (int j = 0; j < 6; j++) {
                ssize_t n = f->fd[j] >= 0 ? pread(f->fd[j], buf[j], sizeof buf[j] - 1, 0) : 0;
                buf[j][n > 0 ? n : 0] = '\0';
            }
            sys_meminfo_parse(buf[0], &m);
            sys_vmstat_parse(buf[1], &v);
            sys_stat_parse(buf[2], &st);
            for (int j = 3; j < 6; j++)
                sys_psi_parse(buf[j], &some, &full, &fh);
        }
        r[k] = (now_s() - t0) / ITERS * 1e6;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    return r[ROUNDS / 2];
}

static double time_watchset(struct watchset *ws)
{
    double r[ROUNDS];
    struct timespec wall;

    clock_gettime(CLOCK_REALTIME, &wall);
    for (int k = 0; k < ROUNDS; k++) {
        double t0 = now_s();
        for (int i = 0; i < ITERS; i++)
            watchset_sample(ws, now_s(), &wall);
        r[k] = (now_s() - t0) / ITERS * 1e6;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp_double);
    return r[ROUNDS / 2];
}

/* One table row: the dashboard's sample against the floor of the same files. */
static void watch_row(bool with_pid, struct floor *f)
{
    struct watchset *ws = watchset_new("/proc");
    struct timespec wall;
    double t_ws, t_fl;

    if (!ws) {
        fprintf(stderr, "samplebench: watchset_new: %s\n", strerror(errno));
        exit(1);
    }
    if (with_pid && watchset_add_pid(ws, getpid()) != 0) {
        fprintf(stderr, "samplebench: watchset_add_pid failed\n");
        exit(1);
    }
    clock_gettime(CLOCK_REALTIME, &wall);
    watchset_sample(ws, now_s(), &wall);        /* opens its files */
    part = with_pid ? PART_ALL : PART_SYS;
    t_ws = time_watchset(ws);
    t_fl = time_floor(f);
    {
        double a = time_watchset(ws), b = time_floor(f);
        t_ws = a < t_ws ? a : t_ws;
        t_fl = b < t_fl ? b : t_fl;
    }
    part = PART_ALL;
    printf("| One full sample of the watch dashboard%s: watchset_sample(), %d counters | %.1f µs | "
           "floor: %.1f µs | | %.2f of the floor | %s |\n",
           with_pid ? " with -p (one process)" : " (system only)",
           WATCH_NSYS + (with_pid ? WATCH_NPID : 0), t_ws, t_fl, t_ws / t_fl,
           t_ws <= 1.5 * t_fl ? "PASS (target: <= 1.5x the floor)" : "GAP (target: <= 1.5x the floor)");
    watchset_free(ws);
}

int main(void)
{
    enum counter_id ids[CTR_COUNT];
    struct counter_val out[CTR_COUNT];
    struct counters *c = counters_new("/proc", getpid());
    struct floor f;
    double t_os, t_floor;
    int ok = 0;

    if (!c) {
        fprintf(stderr, "samplebench: counters_new: %s\n", strerror(errno));
        return 1;
    }
    for (int i = 0; i < CTR_COUNT; i++)
        ids[i] = (enum counter_id)i;
    counters_sample(c, ids, CTR_COUNT, now_s(), out);  /* opens its files */
    for (int i = 0; i < CTR_COUNT; i++)
        ok += out[i].ok || out[i].err == -EAGAIN;
    floor_open(&f, getpid());
    floor_sample(&f);
    watch_row(false, &f);
    watch_row(true, &f);
    /* interleaved, twice, so neither gets the warmer cache */
    t_os = time_counters(c, ids, CTR_COUNT);
    t_floor = time_floor(&f);
    {
        double a = time_counters(c, ids, CTR_COUNT), b = time_floor(&f);
        t_os = a < t_os ? a : t_os;
        t_floor = b < t_floor ? b : t_floor;
    }
    /* where the difference goes: system files (libproc2) and process files apart */
    {
        enum counter_id sys[CTR_COUNT], pid[CTR_COUNT];
        int ns = 0, np = 0;
        double os_sys, os_pid, fl_sys, fl_pid;

        for (int i = 0; i < CTR_COUNT; i++) {
            if (counter_def((enum counter_id)i)->per_pid)
                pid[np++] = (enum counter_id)i;
            else
                sys[ns++] = (enum counter_id)i;
        }
        os_sys = time_counters(c, sys, ns);
        os_pid = time_counters(c, pid, np);
        part = PART_SYS;
        fl_sys = time_floor(&f);
        part = PART_PID;
        fl_pid = time_floor(&f);
        part = PART_ALL;
        printf("<!-- breakdown through counters_sample(): system counters %.1f us (floor %.1f us, "
               "%.2fx; the floor plus oscope's plain parsers instead of libproc2: %.1f us); "
               "process counters %.1f us (floor %.1f us, %.2fx) -->\n", os_sys, fl_sys,
               os_sys / fl_sys, time_floor_parsed(&f), os_pid, fl_pid, os_pid / fl_pid);
    }
    printf("<!-- counters_sample() with all %d counter ids (%d readable): %.1f us, floor %.1f us, "
           "%.2fx -->\n", CTR_COUNT, ok, t_os, t_floor, t_os / t_floor);
    floor_close(&f);
    counters_free(c);
    return 0;
}
