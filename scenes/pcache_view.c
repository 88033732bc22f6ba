/* pcache_view.c — what every page-cache step shows: the file's residency grid, the text
 * block that starts with the file's path, a lab that stopped on an error; and the first
 * step, the empty file. */
#include "scenes/pcache_view.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

#define PATH_COLS 45            /* the text block's width at 80x24 */

const char *pcache_fact(const struct step_view *v, const char *name)
{
    const char *s = facts_get(v->facts, name);

    return s ? s : "n/a";
}

char *pcache_count(const struct step_view *v, const char *name, char *buf, size_t cap)
{
    uint64_t n;

    if (facts_u64(v->facts, name, &n))
        fmt_count(buf, cap, n);
    else
        snprintf(buf, cap, "n/a");
    return buf;
}

char *pcache_duration(const struct step_view *v, const char *name, char *buf, size_t cap)
{
    double ns;

    if (facts_double(v->facts, name, &ns))
        fmt_duration(buf, cap, ns / 1e9, 1);
    else
        snprintf(buf, cap, "n/a");
    return buf;
}

double pcache_rate(const struct step_view *v, const char *ns)
{
    double t;
    uint64_t size;

    if (!facts_double(v->facts, ns, &t) || t <= 0 || !facts_u64(v->facts, "size", &size))
        return -1;
    return (double)size / 1048576.0 / (t / 1e9);
}

bool pcache_tmpfs(const struct step_view *v)
{
    return facts_u64_or(v->facts, "tmpfs", 0) == 1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* The cells from res.map: two bits each, the first cell in the high bits of a digit. */
static void decode(const char *hex, struct m_grid *g, int cells)
{
    size_t len = hex ? strlen(hex) : 0;

    g->ncells = cells < GRID_MAX_CELLS ? cells : GRID_MAX_CELLS;
    for (int i = 0; i < g->ncells; i++) {
        int d = (size_t)(i / 2) < len ? hexval(hex[i / 2]) : 0;
        g->cell[i] = (unsigned char)((i % 2 ? d : d >> 2) & 3);
    }
}

static void grid_caption(const struct step_view *v, struct m_grid *g)
{
    const struct facts *f = v->facts;
    const char *how = facts_get(f, "res.how");
    char b1[24], b2[24];

    if (facts_get(f, "error") && facts_u64_or(f, "removed", 0))
        snprintf(g->caption, sizeof g->caption, "the file was removed: none of it is cached");
    else if (!how || strcmp(how, "none") == 0 || !facts_get(f, "res.pages"))
        snprintf(g->caption, sizeof g->caption, "resident pages: n/a (%s)",
                 how ? "no cachestat, mincore failed" : "no file yet");
    else
        snprintf(g->caption, sizeof g->caption, "resident %s of %s pages (%s)",
                 pcache_count(v, "res.pages", b1, sizeof b1),
                 pcache_count(v, "pages", b2, sizeof b2), how);
}

void pcache_view_grid(const struct step_view *v, struct model *m)
{
    static const char *const names[4] = { "not cached", "cached", "dirty", "writeback" };
    static const enum mstyle styles[4] = { MS_DIM, MS_GOOD, MS_WARN, MS_ACCENT };
    const struct facts *f = v->facts;
    uint64_t cells = facts_u64_or(f, "cells", 0), size = facts_u64_or(f, "size", 0);
    const char *how = facts_get(f, "res.how");
    char title[64], b[24];
    struct m_grid *g;

    if (cells == 0 || size == 0)
        snprintf(title, sizeof title, "the file in RAM");
    else
        snprintf(title, sizeof title, "the file in RAM, 1 cell = %s",
                 fmt_bytes(b, sizeof b, (double)size / (double)cells));
    if (!(g = model_add_grid(m, title)))
        return;
    decode(facts_get(f, "error") && facts_u64_or(f, "removed", 0) ? NULL : facts_get(f, "res.map"),
           g, (int)cells);
    /* mincore tells resident or not; only cachestat knows dirty and writeback. */
    g->nlegend = how && strcmp(how, "cachestat") == 0 ? 4 : 2;
    for (int k = 0; k < g->nlegend; k++) {
        snprintf(g->legend[k], sizeof g->legend[k], "%s", names[k]);
        g->legend_style[k] = styles[k];
    }
    grid_caption(v, g);
}

struct m_text *pcache_view_text(const struct step_view *v, struct model *m, const char *title)
{
    struct m_text *t = model_add_text(m, title);

    const char *path = pcache_fact(v, "path");

    /* As a command the reader can paste; 45 columns is the block's width at 80x24. A
     * longer path is cut after a '/', so every piece but the last ends with one. */
    if (t && strlen(path) + 8 <= PATH_COLS) {
        text_line(t, MS_NORMAL, "fincore %s", path);
    } else if (t) {
        text_line(t, MS_NORMAL, "the file, for fincore:");
        while (*path) {
            int n = (int)strlen(path), cut = n;
            if (n > PATH_COLS) {
                for (cut = PATH_COLS; cut > 1 && path[cut - 1] != '/'; cut--)
                    ;
                if (cut <= 1)
                    cut = PATH_COLS;
            }
            text_line(t, MS_NORMAL, "%.*s", cut, path);
            path += cut;
        }
    }
    return t;
}

/* "n of m" bytes done so far, for the live steps. */
void pcache_progress_line(const struct step_view *v, struct m_text *t, const char *what,
                          const char *fact)
{
    char b1[24], b2[24];

    text_line(t, MS_ACCENT, "%s so far: %s of %s", what,
              fmt_bytes(b1, sizeof b1, (double)facts_u64_or(v->facts, fact, 0)),
              fmt_bytes(b2, sizeof b2, (double)facts_u64_or(v->facts, "size", 0)));
}

/* "read 256.0 MiB in 131 ms = 1,954 MiB/s" */
void pcache_speed_line(const struct step_view *v, struct m_text *t, const char *call,
                       const char *ns)
{
    char b1[24], b2[24], b3[24];
    double r = pcache_rate(v, ns);

    fmt_count(b3, sizeof b3, (uint64_t)(r + 0.5));
    text_line(t, MS_ACCENT, "%s %s in %s = %s MiB/s", call,
              fmt_bytes(b1, sizeof b1, (double)facts_u64_or(v->facts, "size", 0)),
              pcache_duration(v, ns, b2, sizeof b2), r < 0 ? "n/a" : b3);
}

/* What to do about a refusal (errno 0), by its kind. */
static void refusal_advice(const struct step_view *v, const char *what, char *buf, size_t cap)
{
    uint64_t fits = facts_u64_or(v->facts, "free", 0) / 2 >> 20;

    if (strcmp(what, "space") == 0 && fits)
        snprintf(buf, cap, "So that a full disk stays a lesson, ask for at most %lluM "
                           "(--option size=%lluM) or use another directory (--option "
                           "dir=/var/tmp).", (unsigned long long)fits, (unsigned long long)fits);
    else if (strcmp(what, "space") == 0)
        snprintf(buf, cap, "Use a directory with more room: --option dir=/var/tmp.");
    else if (strcmp(what, "dir") == 0)
        snprintf(buf, cap, "dir= must name a directory that exists and that you may write "
                           "to; the lab makes its private directory in it and removes it at "
                           "the end.");
    else if (strcmp(what, "memory") == 0)
        snprintf(buf, cap, "The file may take at most 1/8 of MemAvailable.");
    else
        snprintf(buf, cap, "Options, comma-separated: size=64M (up to 1/8 of MemAvailable) "
                           "and dir=/var/tmp (where the file goes). Press o for examples.");
}

/* What to do about a failed call, by its errno. */
static void failure_advice(const struct step_view *v, int e, char *buf, size_t cap)
{
    uint64_t lim = facts_u64_or(v->facts, "fsize", 0), half = lim / 2 >> 20;
    char b1[24];

    switch (e) {
    case ENOSPC:
        snprintf(buf, cap, "The disk filled up. Free some space, ask for a smaller file "
                           "(--option size=16M) or use another directory (--option "
                           "dir=/var/tmp).");
        break;
    case EFBIG:
        snprintf(buf, cap, "The file reached this process's size limit%s%s (RLIMIT_FSIZE, "
                           "ulimit -f). Ask for less: --option size=%lluM.", lim ? ", " : "",
                 lim ? fmt_bytes(b1, sizeof b1, (double)lim) : "",
                 (unsigned long long)(half ? half : 1));
        break;
    case EDQUOT:
        snprintf(buf, cap, "Your disk quota is used up. Ask for a smaller file.");
        break;
    case EIO:
        snprintf(buf, cap, "The device reported an I/O error: the data did not reach it.");
        break;
    default:
        snprintf(buf, cap, "Press r to run the lab again, or o for other options.");
        break;
    }
}

/* The message, cut at spaces into lines that fit the block at 80 columns. */
static void wrapped(struct m_text *t, enum mstyle st, const char *msg)
{
    const int w = 45;

    while (*msg) {
        int n = (int)strlen(msg), cut = n;
        if (n > w) {
            for (cut = w; cut > 0 && msg[cut] != ' '; cut--)
                ;
            if (cut == 0)
                cut = w;
        }
        text_line(t, st, "%.*s", cut, msg);
        msg += cut;
        while (*msg == ' ')
            msg++;
    }
}

bool pcache_view_failed(const struct step_view *v, struct model *m)
{
    const char *err = facts_get(v->facts, "error"), *what = pcache_fact(v, "err.what");
    int e = (int)facts_u64_or(v->facts, "errno", 0);
    bool gone = facts_u64_or(v->facts, "removed", 0) == 1;
    struct m_text *t;
    char advice[320];

    if (!err)
        return false;
    if (e)                      /* a refusal made no file: nothing to draw */
        pcache_view_grid(v, m);
    if ((t = model_add_text(m, "what happened"))) {
        wrapped(t, MS_BAD, err);
        if (e)
            text_line(t, gone ? MS_GOOD : MS_BAD, "%s %s", gone ? "removed:" : "NOT removed:",
                      pcache_fact(v, "path"));
    }
    if (e) {
        model_headline(m, "The lab stopped: %s() failed with %s", what,
                       strerrorname_np(e) ? strerrorname_np(e) : "an error");
        failure_advice(v, e, advice, sizeof advice);
        model_say(m, "%s. %s %s", err, gone ? "The lab removed its file." :
                  "The lab could not remove its file; oscope removes the lab's directory "
                  "when the lab ends.", advice);
    } else {
        model_headline(m, "The lab did not write anything");
        refusal_advice(v, what, advice, sizeof advice);
        model_say(m, "%s. %s", err, advice);
    }
    return true;
}

/* The size line, and why it is not what was asked when it was capped. */
static void size_lines(const struct step_view *v, struct m_text *t)
{
    char b1[24], b2[24], b3[24];
    uint64_t asked;

    text_line(t, MS_NORMAL, "size %s = %s pages of %s",
              fmt_bytes(b1, sizeof b1, (double)facts_u64_or(v->facts, "size", 0)),
              pcache_count(v, "pages", b2, sizeof b2),
              fmt_bytes(b3, sizeof b3, (double)facts_u64_or(v->facts, "pagesz", 0)));
    if (facts_u64(v->facts, "asked", &asked))
        text_line(t, MS_WARN, "asked %s: capped at %s (1/8 MemAvailable)",
                  fmt_bytes(b1, sizeof b1, (double)asked),
                  fmt_bytes(b2, sizeof b2, (double)facts_u64_or(v->facts, "cap", 0)));
}

void pcache_view_open(const struct step_view *v, struct model *m)
{
    struct m_text *t;
    char b1[24], b2[24];
    bool ram = pcache_tmpfs(v);

    if (pcache_view_failed(v, m))
        return;
    pcache_view_grid(v, m);
    t = pcache_view_text(v, m, "the file");
    if (t) {
        text_line(t, ram ? MS_WARN : MS_NORMAL, "on %s (statfs): %s", pcache_fact(v, "fs"),
                  ram ? "RAM only, no disk" : "a disk is under it");
        size_lines(v, t);
        text_line(t, MS_NORMAL, "free here %s (statvfs), wants 2x",
                  fmt_bytes(b1, sizeof b1, (double)facts_u64_or(v->facts, "free", 0)));
        text_line(t, MS_NORMAL, "MemAvailable %s (/proc/meminfo)",
                  fmt_kib(b2, sizeof b2, (double)facts_u64_or(v->facts, "avail", 0)));
    }
    model_headline(m, "An empty file: none of it is in RAM yet");
    if (ram) {
        model_say(m, "The lab's directory is on %s: there is no disk under it. Its files live "
                     "in RAM as Shmem, fsync has nothing to do and nothing can be evicted. "
                     "For the disk story use another directory: --option dir=/var/tmp (or "
                     "press o).", pcache_fact(v, "fs"));
        return;
    }
    model_say(m, "The lab made the file named under the grid and will write %s to it: at most "
                 "1/8 of MemAvailable, and only with twice that free on the disk. The grid "
                 "is the file, page by page. To check any step, run fincore on that path in "
                 "another terminal.", fmt_bytes(b1, sizeof b1,
                                                (double)facts_u64_or(v->facts, "size", 0)));
}
