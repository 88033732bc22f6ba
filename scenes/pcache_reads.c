/* pcache_reads.c — the page-cache steps that read the file back: cold with read(), warm
 * with the same loop, and through mmap with half of it evicted again. */
#include "scenes/pcache_view.h"

#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

/* How much a read pass moved /proc/vmstat and the lab's own fault counts. */
static void rise_lines(const struct step_view *v, struct m_text *t, const char *p)
{
    static const char *const rows[3][4] = {
        { "pgpgin", "pgpgin", "KiB", "/proc/vmstat" },
        { "pgmajfault", "pgmaj", "", "/proc/vmstat" },
        { "lab majflt", "majflt", "", "/proc/LAB/stat" },
    };
    char name[32], b[24], num[28];

    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s.%s", p, rows[i][1]);
        snprintf(num, sizeof num, "+%s", pcache_count(v, name, b, sizeof b));
        text_line(t, MS_NORMAL, "%-11s%12s %-4s%s", rows[i][0], num, rows[i][2], rows[i][3]);
    }
}

/* Cold time over warm time, or < 0 when either is missing. */
static double ratio(const struct step_view *v)
{
    double c, h;

    if (!facts_double(v->facts, "c.ns", &c) || !facts_double(v->facts, "h.ns", &h) || h <= 0)
        return -1;
    return c / h;
}

void pcache_view_cold(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24];

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if ((t = pcache_view_text(v, m, "pread(), 1 MiB at a time"))) {
        if (v->live)
            pcache_progress_line(v, t, "read", "c.done");
        else
            pcache_speed_line(v, t, "read", "c.ns");
        if (!v->live)
            rise_lines(v, t, "c");
    }
    if (v->live) {
        model_headline(m, "A cold read is running: the grid fills as pages arrive");
        model_say(m, "None of the file is in RAM, so each pread() waits while the kernel reads "
                     "the pages from the disk and keeps them in the cache.");
        return;
    }
    pcache_count(v, "c.pgpgin", b1, sizeof b1);
    if (pcache_tmpfs(v)) {
        fmt_count(b2, sizeof b2, (uint64_t)(pcache_rate(v, "c.ns") + 0.5));
        model_headline(m, "A \"cold\" read on tmpfs: %s MiB/s, memory speed", b2);
        model_say(m, "Nothing had left RAM, so this read found every page in place: pgpgin rose "
                     "by %s KiB. On tmpfs there is no cold read.", b1);
        return;
    }
    fmt_count(b2, sizeof b2, (uint64_t)(pcache_rate(v, "c.ns") + 0.5));
    model_headline(m, "A cold read: the pages came from the disk, at %s MiB/s", b2);
    model_say(m, "No page was in the cache, so the kernel read the file from the disk "
                 "(pgpgin rose by %s KiB), reading ahead of the loop, and kept each page in "
                 "the cache. read() copies into the lab's buffer, so the lab took %s major "
                 "faults: those come with mmap (last step).", b1,
              pcache_count(v, "c.majflt", b2, sizeof b2));
}

int pcache_warm_outcome(const struct step_view *v)
{
    double r = ratio(v);

    if (r < 0)
        return -1;
    return r >= 1.5 ? 1 : r > 1 / 1.5 ? 0 : 2;
}

void pcache_view_warm(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24], b3[24];
    double r = ratio(v);

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if ((t = pcache_view_text(v, m, "the same pread() loop again"))) {
        if (v->live) {
            pcache_progress_line(v, t, "read", "h.done");
        } else {
            pcache_speed_line(v, t, "read", "h.ns");
            text_line(t, MS_ACCENT, "the cold read took %s: %.1fx as long",
                      pcache_duration(v, "c.ns", b1, sizeof b1), r);
            rise_lines(v, t, "h");
        }
    }
    if (v->live) {
        model_headline(m, "A warm read is running");
        model_say(m, "The same loop as before; this time every page is in RAM.");
        return;
    }
    pcache_duration(v, "c.ns", b1, sizeof b1);
    pcache_duration(v, "h.ns", b2, sizeof b2);
    pcache_count(v, "h.pgpgin", b3, sizeof b3);
    if (r >= 1.5)
        model_headline(m, "The same loop again: %.1fx faster, and the disk not touched", r);
    else
        model_headline(m, "The same loop again: about as fast as the cold read");
    model_say(m, "Every page was in the cache, so read() only copied memory (pgpgin rose by "
                 "%s KiB). The cold pass took %s, this one %s.%s", b3, b1, b2,
              pcache_tmpfs(v) ? " On tmpfs both passes read RAM: there is no disk to wait for."
              : r >= 1.5 ? " The difference is the disk: it is why a second run of a build or a "
                           "query is quicker."
                         : " Here the disk was about as fast as memory copies: a fast SSD, or a "
                           "virtual disk that its host caches.");
}

static void mmap_lines(const struct step_view *v, struct m_text *t)
{
    char b1[24], b2[24], b3[24];
    bool ram = pcache_tmpfs(v);

    text_line(t, MS_NORMAL, "before: %s of %s pages resident", pcache_count(v, "m.res0", b1, sizeof b1),
              pcache_count(v, "pages", b2, sizeof b2));
    text_line(t, MS_DIM, "%-18s%8s%8s%10s", "/proc/LAB/stat", "minflt", "majflt", "time");
    text_line(t, MS_GOOD, "%-18s%8s%8s%10s", "1st half (cached)", pcache_count(v, "m.min1", b1, sizeof b1),
              pcache_count(v, "m.maj1", b2, sizeof b2), pcache_duration(v, "m.ns1", b3, sizeof b3));
    text_line(t, ram ? MS_GOOD : MS_WARN, "%-18s%8s%8s%10s", ram ? "2nd half" : "2nd half (evicted)",
              pcache_count(v, "m.min2", b1, sizeof b1), pcache_count(v, "m.maj2", b2, sizeof b2),
              pcache_duration(v, "m.ns2", b3, sizeof b3));
    text_line(t, MS_NORMAL, "pgmajfault rose by %s (/proc/vmstat)", pcache_count(v, "m.pgmaj", b1, sizeof b1));
}

/* Pages mapped per minor fault in the cached half (fault-around maps neighbours too). */
static double per_fault(const struct step_view *v)
{
    uint64_t pages = facts_u64_or(v->facts, "pages", 0), min1 = facts_u64_or(v->facts, "m.min1", 0);

    return min1 ? (double)pages / 2.0 / (double)min1 : 0;
}

void pcache_view_mmap(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    double ns1 = 0, ns2 = 0;
    char b[24];

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    if ((t = pcache_view_text(v, m, "mmap(), 1 byte read per page"))) {
        if (v->live)
            pcache_progress_line(v, t, "touched", "m.done");
        else
            mmap_lines(v, t);
    }
    if (v->live) {
        model_headline(m, "Reading through mmap: every first touch of a page faults");
        model_say(m, "The second half of the file was dropped again; the loop reads one byte "
                     "of every page through the mapping.");
        return;
    }
    facts_double(v->facts, "m.ns1", &ns1);
    facts_double(v->facts, "m.ns2", &ns2);
    if (pcache_tmpfs(v)) {
        model_headline(m, "mmap on tmpfs: every page was in RAM, every fault minor");
        model_say(m, "The lab dropped the second half of the file again, mapped it and read a "
                     "byte of every page. On tmpfs nothing could be dropped, so every fault was "
                     "minor: the page was in RAM and only had to be mapped.");
        return;
    }
    if (ns1 > 0 && ns2 > 0)
        model_headline(m, "mmap: the evicted half took %.0fx as long as the cached half",
                       ns2 / ns1);
    else
        model_headline(m, "mmap: cached pages cost minor faults, evicted ones disk reads");
    model_say(m, "The lab dropped the second half again, mapped the file and read a byte of "
                 "each page. Cached pages only needed mapping: minor faults, %.0f pages a "
                 "fault. In the evicted half faults waited for the disk; read-ahead fetched "
                 "the pages ahead of the loop: major faults there, just %s.",
              per_fault(v), pcache_count(v, "m.maj2", b, sizeof b));
}
