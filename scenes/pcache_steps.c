/* pcache_steps.c — the page-cache steps after the first: write, fsync, evict, cold read,
 * warm read, mmap. Each builds from the lab's facts; the live ones also from the facts so
 * far and /proc/meminfo as oscope samples it. */
#include "scenes/pcache_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fmt.h"

/* One /proc/meminfo row: before from fact p.key0, after from p.key1 (or now, live). */
static void mem_row(const struct step_view *v, struct m_text *t, const char *label,
                    const char *p, const char *key, uint64_t now)
{
    char n0[40], n1[40], b0[24], b1[24];

    snprintf(n0, sizeof n0, "%s.%s0", p, key);
    snprintf(n1, sizeof n1, "%s.%s1", p, key);
    pcache_count(v, n0, b0, sizeof b0);
    if (v->live && v->mem_err == 0)
        fmt_count(b1, sizeof b1, now);
    else
        pcache_count(v, n1, b1, sizeof b1);
    text_line(t, MS_NORMAL, "%-19s%11s%11s", label, b0, b1);
}

/* Dirty, Writeback (Shmem on tmpfs, where nothing is written back) and Cached, before
 * and after a step. */
static void mem_rows(const struct step_view *v, struct m_text *t, const char *p)
{
    const struct sys_mem *mm = v->mem;

    text_line(t, MS_DIM, "%-19s%11s%11s", "/proc/meminfo, KiB", "before", v->live ? "now" : "after");
    mem_row(v, t, "Dirty", p, "dirty", mm->dirty);
    if (pcache_tmpfs(v))
        mem_row(v, t, "Shmem", p, "shmem", mm->shmem);
    else
        mem_row(v, t, "Writeback", p, "wb", mm->writeback);
    mem_row(v, t, "Cached", p, "cached", mm->cached);
}

/* after - before of a meminfo fact pair, as signed KiB. */
static long long mem_delta(const struct step_view *v, const char *p, const char *key)
{
    char n0[40], n1[40];

    snprintf(n0, sizeof n0, "%s.%s0", p, key);
    snprintf(n1, sizeof n1, "%s.%s1", p, key);
    return (long long)facts_u64_or(v->facts, n1, 0) - (long long)facts_u64_or(v->facts, n0, 0);
}

void pcache_view_write(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24];
    uint64_t expire = facts_u64_or(v->facts, "expire", 0);

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if ((t = pcache_view_text(v, m, "write(), no fsync"))) {
        if (v->live)
            pcache_progress_line(v, t, "written", "w.done");
        else
            pcache_speed_line(v, t, "write()", "w.ns");
        mem_rows(v, t, "w");
        if (facts_get(v->facts, "res.dirty"))
            text_line(t, MS_NORMAL, "file pages: %s dirty, %s writeback (cachestat)",
                      pcache_count(v, "res.dirty", b1, sizeof b1),
                      pcache_count(v, "res.wb", b2, sizeof b2));
    }
    if (v->live) {
        model_headline(m, "write() is running: the file's pages fill the cache");
        model_say(m, "Each write() copies 1 MiB into page-cache pages, marks them dirty and "
                     "returns. Nothing waits for the disk.");
        return;
    }
    fmt_count(b1, sizeof b1, (uint64_t)llabs(mem_delta(v, "w", "dirty")));
    fmt_count(b2, sizeof b2, (uint64_t)llabs(mem_delta(v, "w", "shmem")));
    if (pcache_tmpfs(v)) {
        model_headline(m, "write() returned: on tmpfs the data is in RAM, and stays there");
        model_say(m, "The copies went into RAM and that is where the file lives: Shmem %s by "
                     "%s KiB, Dirty %s by %s KiB. These pages have no disk to go to, so they "
                     "are never dirty in the disk sense.", mem_delta(v, "w", "shmem") < 0 ?
                  "fell" : "rose", b2, mem_delta(v, "w", "dirty") < 0 ? "fell" : "rose", b1);
        return;
    }
    model_headline(m, "write() returned: the data is in RAM, not yet on the disk");
    model_say(m, "Each write() copied 1 MiB into the page cache and returned without waiting "
                 "for the disk. The pages are dirty, changed in RAM only: Dirty %s by %s KiB. "
                 "The kernel writes them out on its own after about %llu s "
                 "(vm.dirty_expire_centisecs) or at fsync; watch Dirty in the strip.",
              mem_delta(v, "w", "dirty") < 0 ? "fell" : "rose", b1,
              (unsigned long long)(expire ? expire / 100 : 30));
}

/* The fsync series as a row of ASCII levels, 0 as '_', the largest as '@'. */
static void spark(const char *series, char *out, size_t cap)
{
    static const char lv[] = "_.-=+*#@";
    unsigned long v[32], mx = 0;
    int n = 0;
    char *end;

    for (const char *s = series; s && *s && n < 32; s = end) {
        v[n] = strtoul(s, &end, 10);
        if (end == s)
            break;
        mx = v[n] > mx ? v[n] : mx;
        n++;
    }
    for (int i = 0; i < n && (size_t)i + 1 < cap; i++)
        out[i] = lv[v[i] == 0 || mx == 0 ? 0 : 1 + (int)((v[i] * 6 + mx - 1) / mx)];
    out[(size_t)n < cap ? (size_t)n : cap - 1] = '\0';
}

static void fsync_lines(const struct step_view *v, struct m_text *t)
{
    char b1[24], sp[40];

    text_line(t, MS_ACCENT, "fsync() took %s", pcache_duration(v, "f.ns", b1, sizeof b1));
    text_line(t, MS_DIM, "/proc/meminfo KiB, %s samples %s ms apart",
              pcache_fact(v, "f.nsamp"), pcache_fact(v, "f.every"));
    spark(facts_get(v->facts, "f.dser"), sp, sizeof sp);
    text_line(t, MS_WARN, "%-9s %-20s max %s", "Dirty", sp, pcache_count(v, "f.dmax", b1, sizeof b1));
    spark(facts_get(v->facts, "f.wser"), sp, sizeof sp);
    text_line(t, MS_ACCENT, "%-9s %-20s max %s", "Writeback", sp,
              pcache_count(v, "f.wbmax", b1, sizeof b1));
}

void pcache_view_fsync(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24], b3[24], b4[24];
    uint64_t size_kib = facts_u64_or(v->facts, "size", 0) / 1024;

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if (!(t = pcache_view_text(v, m, "fsync()")))
        return;
    if (v->live) {
        text_line(t, MS_ACCENT, "fsync() is running");
        text_line(t, MS_NORMAL, "Dirty now %s KiB (/proc/meminfo)", fmt_count(b1, sizeof b1, v->mem->dirty));
        text_line(t, MS_NORMAL, "Writeback now %s KiB", fmt_count(b2, sizeof b2, v->mem->writeback));
        model_headline(m, "fsync() is running: it returns when the disk has every page");
        model_say(m, "A helper thread reads /proc/meminfo every 20 ms while the lab's own thread "
                     "waits inside fsync.");
        return;
    }
    fsync_lines(v, t);
    if (facts_get(v->facts, "res.dirty"))
        text_line(t, MS_NORMAL, "file pages: %s dirty, %s writeback (cachestat)",
                  pcache_count(v, "res.dirty", b1, sizeof b1), pcache_count(v, "res.wb", b2, sizeof b2));
    pcache_duration(v, "f.ns", b1, sizeof b1);
    if (pcache_tmpfs(v)) {
        model_headline(m, "fsync() took %s: on tmpfs there is nothing to write back", b1);
        model_say(m, "No disk is under this file, so fsync had no work: Dirty stayed near %s "
                     "KiB and Writeback peaked at %s KiB, whatever the rest of the system was "
                     "doing.", pcache_count(v, "f.dirty0", b2, sizeof b2),
                  pcache_count(v, "f.wbmax", b3, sizeof b3));
        return;
    }
    model_headline(m, "fsync() took %s: it returned once the disk had the file", b1);
    model_say(m, "fsync sent the file's dirty pages to the disk and waited for the device. A "
                 "helper thread read /proc/meminfo meanwhile: Dirty went from %s to %s KiB, "
                 "and Writeback (pages on their way) peaked at %s KiB. The pages stay cached, "
                 "now clean.%s", pcache_count(v, "f.dirty0", b2, sizeof b2),
              pcache_count(v, "f.dirty1", b3, sizeof b3), pcache_count(v, "f.wbmax", b4, sizeof b4),
              facts_u64_or(v->facts, "f.dirty0", 0) < size_kib / 4
                  ? " Dirty was low already: the kernel's flusher had written most of it."
                  : "");
}

void pcache_view_evict(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24];
    uint64_t left = facts_u64_or(v->facts, "e.res1", 0);

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if ((t = pcache_view_text(v, m, "posix_fadvise(POSIX_FADV_DONTNEED)"))) {
        text_line(t, MS_ACCENT, "posix_fadvise() took %s", pcache_duration(v, "e.ns", b1, sizeof b1));
        text_line(t, MS_NORMAL, "file pages resident: %s -> %s", pcache_count(v, "e.res0", b1, sizeof b1),
                  pcache_count(v, "e.res1", b2, sizeof b2));
        text_line(t, MS_DIM, "%-19s%11s%11s", "/proc/meminfo, KiB", "before", "after");
        mem_row(v, t, "Cached", "e", "cached", 0);
        if (pcache_tmpfs(v))
            mem_row(v, t, "Shmem", "e", "shmem", 0);
    }
    pcache_count(v, "e.res1", b1, sizeof b1);
    if (pcache_tmpfs(v)) {
        model_headline(m, "posix_fadvise(DONTNEED) on tmpfs: nothing can be dropped");
        model_say(m, "On tmpfs the page cache is the file itself; there is no copy on a disk to "
                     "read back later. So the hint changed nothing: %s pages are still "
                     "resident.", b1);
        return;
    }
    fmt_count(b2, sizeof b2, (uint64_t)llabs(mem_delta(v, "e", "cached")));
    model_headline(m, "posix_fadvise(DONTNEED): this file's clean pages left RAM");
    model_say(m, "The lab told the kernel it won't need the file's pages soon. fsync had made "
                 "them clean, so the kernel could just free them: %s pages remain, Cached %s by "
                 "%s KiB.%s Other files keep theirs: the lab never writes to "
                 "/proc/sys/vm/drop_caches, which empties the whole machine's cache.", b1,
              mem_delta(v, "e", "cached") < 0 ? "fell" : "rose", b2,
              left ? " Pages being written or in use stay." : "");
}
