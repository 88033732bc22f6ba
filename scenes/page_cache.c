/* page_cache.c — the scene "page-cache": where a write really goes. The lab writes a file
 * without fsync, fsyncs it, drops its pages, reads it cold, warm and through mmap; the
 * bookkeeping is in pcache_lab.c, the steps' models in pcache_view.c and friends. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scenes/lab.h"
#include "scenes/pcache_lab.h"
#include "scenes/pcache_view.h"
#include "scenes/scene.h"

extern const struct scene_source scene_src_page_cache;

/* LAB-BEGIN */
#define CHUNK (1 << 20)  /* 1 MiB a call */

static void lab_main(struct lab_ctx *lab)
{
    struct pcache pc;
    size_t n = pcache_size(lab, &pc);
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    char *buf = malloc(CHUNK), *p;
    size_t off;
    ssize_t w, r;
    unsigned sum = 0;
    int fd = -1;

    if (n == 0 || !buf) goto out;
    fd = open(PCACHE_FILE,
              O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) goto out;
    pcache_opened(&pc, fd); /*@hide*/
    lab_stop(lab, "open");
    pcache_begin(&pc); /*@hide*/
    /* 1: write it; no fsync yet */
    memset(buf, 'x', CHUNK);
    for (off = 0; off < n; off += w) {
        w = write(fd, buf, CHUNK);
        if (w <= 0) goto out;
        pcache_tick(&pc, off + w); /*@hide*/
    }
    pcache_done(&pc, 0); /*@hide*/
    lab_stop(lab, "write");
    pcache_begin(&pc); /*@hide*/
    /* 2: wait until it is on disk */
    if (fsync(fd) != 0) goto out;
    pcache_done(&pc, 0); /*@hide*/
    lab_stop(lab, "fsync");
    pcache_begin(&pc); /*@hide*/
    /* 3: drop this file's pages */
    posix_fadvise(fd, 0, 0,
                  POSIX_FADV_DONTNEED);
    pcache_done(&pc, 0); /*@hide*/
    lab_stop(lab, "evict");
    pcache_begin(&pc); /*@hide*/
    /* 4: read it back: cold */
    for (off = 0; off < n; off += r) {
        r = pread(fd, buf, CHUNK, off);
        if (r <= 0) goto out;
        pcache_tick(&pc, off + r); /*@hide*/
    }
    pcache_done(&pc, 0); /*@hide*/
    lab_stop(lab, "cold");
    pcache_begin(&pc); /*@hide*/
    /* 5: the same loop again: warm */
    for (off = 0; off < n; off += r) {
        r = pread(fd, buf, CHUNK, off);
        if (r <= 0) goto out;
        pcache_tick(&pc, off + r); /*@hide*/
    }
    pcache_done(&pc, 0); /*@hide*/
    lab_stop(lab, "warm");
    pcache_begin(&pc); /*@hide*/
    /* 6: drop the 2nd half; mmap */
    posix_fadvise(fd, n / 2, 0,
                  POSIX_FADV_DONTNEED);
    p = mmap(NULL, n, PROT_READ,
             MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) goto out;
    for (off = 0; off < n; off += pg) {
        pcache_touch(&pc, off); /*@hide*/
        sum += (unsigned char)p[off];
    }
    pcache_done(&pc, sum); /*@hide*/
    munmap(p, n);
    lab_stop(lab, "mmap");
out:
    pcache_failed(&pc, buf, fd); /*@hide*/
    if (fd >= 0)
        close(fd);
    unlink(PCACHE_FILE);
    free(buf);
    pcache_show_failure(&pc); /*@hide*/
}
/* LAB-END */

_Static_assert(CHUNK == PCACHE_CHUNK, "the listing's chunk is the helpers' chunk");

static const struct prediction predict_warm = {
    "Next: the very same read loop, over the same file. Compared with the cold read?",
    { "about as fast", "much faster", "slower", NULL },
    pcache_warm_outcome,
};

/* After fsync: how many of the file's pages are still dirty? Judged from cachestat's
 * count for the file, else from /proc/meminfo's Dirty falling; tmpfs has no answer. */
static int fsync_outcome(const struct step_view *v)
{
    uint64_t d, before, after;

    if (pcache_tmpfs(v))
        return -1;
    if (facts_u64(v->facts, "res.dirty", &d))
        return d == 0 ? 0 : d * 2 >= facts_u64_or(v->facts, "res.pages", 1) ? 2 : 1;
    if (facts_u64(v->facts, "f.dirty0", &before) && facts_u64(v->facts, "f.dirty1", &after) &&
        after * 4 < before)
        return 0;
    return -1;
}

static const struct prediction predict_fsync = {
    "fsync() is next. When it returns, how many of the file's pages are still dirty?",
    { "none: fsync waits until the disk has them", "about half of them",
      "all of them: fsync only queues the write", NULL },
    fsync_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "open", .title = "an empty file", .build = pcache_view_open, .timeout_s = 10 },
    { .marker = "write", .title = "write, no fsync", .build = pcache_view_write,
      .timeout_s = 30, .live = true },
    { .marker = "fsync", .title = "fsync", .build = pcache_view_fsync, .timeout_s = 30,
      .live = true, .predict = &predict_fsync },
    { .marker = "evict", .title = "drop its pages", .build = pcache_view_evict, .timeout_s = 30 },
    { .marker = "cold", .title = "cold read", .build = pcache_view_cold, .timeout_s = 30,
      .live = true },
    { .marker = "warm", .title = "warm read", .build = pcache_view_warm, .timeout_s = 30,
      .live = true, .predict = &predict_warm },
    { .marker = "mmap", .title = "read through mmap", .build = pcache_view_mmap,
      .timeout_s = 30, .live = true },
};

static const struct quiz_question quiz[] = {
    { "write() returned at once for the whole file. Where was the data then?",
      { "on the disk", "in RAM, in dirty page-cache pages", "in the disk's own cache",
        "still in the lab's buffer" }, 1,
      "write() copies into the page cache and returns; the disk gets the dirty pages later, "
      "from the flusher or at fsync." },
    { "Why could DONTNEED drop the pages after fsync, but not right after write()?",
      { "dirty pages: RAM had the only copy", "DONTNEED needs a read-only file",
        "fsync locks the pages in RAM", "write() pins pages for 30 s" }, 0,
      "A clean page may go: the disk has the same bytes. A dirty one must be written back "
      "first." },
    { "The second pass of the same read loop was much faster. Why?",
      { "the disk had warmed up", "the pages were in the page cache", "its buffer was bigger",
        "the CPU cache held the file" }, 1,
      "The cold pass left every page cached, so the warm one only copied memory: pgpgin "
      "stayed flat." },
    { "Reading through mmap, what makes a fault major?",
      { "the first touch of a page", "the page must come from the disk", "a write to the page",
        "a fault in the second half" }, 1,
      "Every first touch faults; the fault is major only when the page has to be read "
      "from the disk first." },
};

static const char *const presets[] = {
    "size=64M", "size=64M,dir=/var/tmp", "size=64M,dir=/dev/shm", "size=256M", NULL,
};

const struct scene scene_page_cache = {
    .id = "page-cache",
    .title = "Where a write really goes",
    .summary = "write, fsync, evict and read a file; Dirty, Writeback and its pages in RAM",
    .lab = lab_main,
    .limits = { .as_bytes = (uint64_t)3 << 30, .cpu_s = 60,
                .fsize = PCACHE_MAX_SIZE + PCACHE_CHUNK, .nproc_extra = 1 },
    .source = &scene_src_page_cache,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_MEM_DIRTY, CTR_MEM_WRITEBACK, CTR_MEM_CACHED, CTR_PGPGIN },
    .ncounters = 4,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
    .presets = presets,
    .check_option = pcache_check_option,
    .lab_parent = pcache_lab_parent,
};
