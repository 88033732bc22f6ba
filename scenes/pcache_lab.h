/* pcache_lab.h — the bookkeeping of the page-cache lab, kept out of its listing: options,
 * sizing, residency of the file (cachestat or mincore), /proc readings before and after
 * each step, the fsync watcher thread, and what to report when something fails. */
#ifndef OSCOPE_PCACHE_LAB_H
#define OSCOPE_PCACHE_LAB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/sysinfo.h"
#include "scenes/lab.h"

#define PCACHE_FILE "data"           /* in the lab's private directory (its cwd) */
#define PCACHE_CHUNK (1 << 20)       /* bytes per write()/pread() */
#define PCACHE_CELLS 128             /* cells of the residency map */
#define PCACHE_DEFAULT_SIZE ((uint64_t)256 << 20)
#define PCACHE_MAX_SIZE ((uint64_t)1 << 30)
#define PCACHE_WATCH_MS 20           /* /proc/meminfo period while fsync runs */
#define PCACHE_SERIES 20             /* points of the fsync series reported */

/* The steps, in the order the lab runs them (also the index of the lab_stop marker). */
enum pcache_stage {
    PCS_OPEN, PCS_WRITE, PCS_FSYNC, PCS_EVICT, PCS_COLD, PCS_WARM, PCS_MMAP, PCS_END
};
extern const char *const pcache_marker[PCS_END];

struct pcache_opt {
    uint64_t size;                   /* bytes asked, 0 = the default */
    char dir[200];                   /* "" = the lab's default directory */
};
/* Parses "size=64M,dir=/var/tmp". 0, or -EINVAL with a message in err. */
int pcache_parse(const char *opt, struct pcache_opt *o, char *err, size_t cap);
/* Checks an --option before any lab runs (struct scene.check_option). */
int pcache_check_option(const char *opt, char *err, unsigned cap);
/* For the scene: the directory the lab's private directory should be made in. */
const char *pcache_lab_parent(const char *opt, char *buf, unsigned cap);

struct pcache_watch {                /* samples of /proc/meminfo taken while fsync runs */
    uint32_t *dirty, *wb;            /* KiB */
    int n, cap;
    double first, last;              /* monotonic seconds of the first and last sample */
    atomic_int stop;
    bool running;
    pthread_t th;
};

struct pcache {
    struct lab_ctx *lab;
    pthread_t reporter;              /* keeps residency live while a step is on screen */
    bool reporter_on;
    atomic_bool reporter_stop;
    enum pcache_stage stage;         /* the step being run */
    uint64_t size, pagesz, pages;
    int fd;
    bool cachestat;                  /* else mincore on map */
    void *map;
    unsigned char *vec;
    double t0, tick;                 /* step start; last live report */
    struct sys_mem mem0;
    struct sys_vm vm0;
    uint64_t minflt0, majflt0, minflt_half, majflt_half;
    double t_first, t_half;          /* mmap step: first touch, half-way */
    uint64_t dirty_start;            /* fsync: dirty pages (file or meminfo KiB) at start */
    struct pcache_watch w;
    bool failed;
    int err_no;
    const char *err_kind;            /* a refusal: "option", "dir", "memory", "space" */
    char err[190];
};

/* ---- used by the helpers themselves (pcache_lab.c, pcache_opt.c, pcache_watch.c) ---- */
struct pcache_res {
    uint64_t pages, dirty, wb;       /* resident, dirty, under writeback (cachestat only) */
    char hex[PCACHE_CELLS / 2 + 1];  /* 2 bits a cell: 0 out, 1 cached, 2 dirty, 3 writeback */
};
double pcache_now(void);             /* CLOCK_MONOTONIC, seconds */
int pcache_read_mem(struct sys_mem *m);
/* Where the file's pages are now. false when it cannot be told. */
bool pcache_residency(struct pcache *pc, struct pcache_res *r);
/* Reports res.map, res.pages (and res.dirty, res.wb); also as fact copy_to when given,
 * and into *out when not NULL. false when it cannot be told. */
bool pcache_report_residency(struct pcache *pc, const char *copy_to, struct pcache_res *out);
/* The fsync watcher: samples /proc/meminfo every PCACHE_WATCH_MS in a thread. */
void pcache_watch_start(struct pcache *pc);
/* Stops it and reports the fsync step's facts; secs is how long fsync took. */
void pcache_watch_stop(struct pcache *pc, double secs);

/* ---- called from the lab's code ---- */
/* Sets up the run: options, directory, size (at most 1/8 of MemAvailable and 1 GiB; the
 * disk must have twice that free), RLIMIT_FSIZE. Returns the file size, or 0 when the lab
 * refuses (pc->err says why). */
uint64_t pcache_size(struct lab_ctx *lab, struct pcache *pc);
/* The file is open: picks cachestat or mincore, reports the file and its residency. */
void pcache_opened(struct pcache *pc, int fd);
/* Readings before the step pc->stage starts (and the fsync watcher for that step). */
void pcache_begin(struct pcache *pc);
/* Live report during a long step: bytes done; rate-limited to ~10 per second. */
void pcache_tick(struct pcache *pc, uint64_t done);
/* The mmap loop is at byte off: fault counts at the start and half-way. */
void pcache_touch(struct pcache *pc, uint64_t off);
/* Readings after the step; moves to the next stage. sum: what the mmap loop read. */
void pcache_done(struct pcache *pc, unsigned sum);
/* At the cleanup label: notes what failed (errno, the call) unless all steps ran. */
void pcache_failed(struct pcache *pc, const void *buf, int fd);
/* After cleanup: reports the failure and stops at the failed step's marker. */
void pcache_show_failure(struct pcache *pc);

#endif
