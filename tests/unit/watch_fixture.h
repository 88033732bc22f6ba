/* watch_fixture.h — shared by the watch unit tests: a temporary /proc tree rewritten
 * between samples, where each counter sits in watch's lists, and reading CSV back. */
#ifndef OSCOPE_TESTS_WATCH_FIXTURE_H
#define OSCOPE_TESTS_WATCH_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probes/watchcsv.h"
#include "probes/watchset.h"

static char tree[64];  /* the tree of the running test */

/* Writes TREE/REL (creating folders) in place, so kept-open fds see the new text. */
static inline void put(const char *rel, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void put(const char *rel, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tree, rel);
    for (char *s = strchr(path + strlen(tree) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    f = fopen(path, "w");
    assert_non_null(f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* The system files; dirty (KiB) and ctxt move between samples. */
static inline void write_system(unsigned dirty, unsigned long long ctxt)
{
    put("meminfo", "MemTotal:       16318172 kB\nMemFree:         9632140 kB\n"
        "MemAvailable:   12871532 kB\nCached:          3012340 kB\nDirty:          %8u kB\n"
        "Writeback:             0 kB\nAnonPages:       1843212 kB\nShmem:            84212 kB\n"
        "Slab:             402112 kB\nSwapTotal:       2097148 kB\nSwapFree:        2031612 kB\n",
        dirty);
    put("vmstat", "pgpgin 50000\npgpgout 1572864\npswpin 12\npswpout 34\npgfault 1000000\n"
        "pgmajfault 5821\n");
    put("stat", "cpu  29751 59 28254 581728 2926 0 251 0 0 0\nintr 700000 0 0\nctxt %llu\n"
        "btime 1763771520\nprocesses 8000\nprocs_running 3\nprocs_blocked 1\n", ctxt);
    put("pressure/cpu", "some avg10=2.48 avg60=1.07 avg300=0.44 total=18812043\n");
    put("pressure/memory", "some avg10=11.50 avg60=4.20 avg300=1.03 total=9012311\n"
        "full avg10=9.75 avg60=3.90 avg300=0.98 total=8100223\n");
    put("pressure/io", "some avg10=0.31 avg60=0.12 avg300=0.02 total=402311\n"
        "full avg10=0.12 avg60=0.05 avg300=0.01 total=290112\n");
}

/* Process PID with a comm that needs CSV quoting; minflt and RSS move. */
static inline void write_pid(int pid, unsigned minflt, unsigned rss_kib)
{
    char rel[64];

    snprintf(rel, sizeof rel, "%d/stat", pid);
    put(rel, "%d (demo, \"x\") S 1 %d %d 0 -1 4194304 %u 0 3 0 250 61 0 0 20 0 2 0 30712 "
        "227860480 1536 18446744073709551615 1 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
        pid, pid, pid, minflt);
    snprintf(rel, sizeof rel, "%d/status", pid);
    put(rel, "Name:\tdemo\nState:\tS (sleeping)\nVmSize:\t  222520 kB\nVmRSS:\t  %6u kB\n"
        "VmStk:\t     136 kB\nThreads:\t2\nvoluntary_ctxt_switches:\t500\n"
        "nonvoluntary_ctxt_switches:\t20\n", rss_kib);
    snprintf(rel, sizeof rel, "%d/io", pid);
    put(rel, "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 0\n"
        "cancelled_write_bytes: 0\n");
    snprintf(rel, sizeof rel, "%d/fd/0", pid);
    put(rel, "x");
}

static inline int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb; (void)type; (void)ftw;
    return remove(path);
}

static inline int tree_setup(void **state)
{
    (void)state;
    strcpy(tree, "/tmp/oscope-watch-XXXXXX");
    if (!mkdtemp(tree) || chmod(tree, 0755) != 0)
        return -1;
    return 0;
}

static inline int tree_teardown(void **state)
{
    (void)state;
    return nftw(tree, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The index of a counter in watch_sys_ids / watch_pid_ids. */
static inline int sys_at(enum counter_id id)
{
    for (int k = 0; k < WATCH_NSYS; k++)
        if (watch_sys_ids[k] == id)
            return k;
    fail_msg("counter %d is not shown", (int)id);
    return -1;
}

static inline int pid_at(enum counter_id id)
{
    for (int k = 0; k < WATCH_NPID; k++)
        if (watch_pid_ids[k] == id)
            return k;
    fail_msg("counter %d is not shown per process", (int)id);
    return -1;
}

/* The CSV text ws writes: header (with_header) and its newest row. Caller frees. */
__attribute__((noinline, unused))  /* inlined, gcc 12 sees the stream's buffer as local */
static char *csv_of(const struct watchset *ws, bool with_header)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    if (with_header)
        assert_int_equal(watchcsv_header(f, ws), 0);
    assert_int_equal(watchcsv_row(f, ws), 0);
    fclose(f);
    return text;
}

/* Field number col (from 0) of a CSV line, quotes kept; into buf. */
static inline const char *field_of(const char *line, int col, char *buf, size_t cap)
{
    bool quoted = false;
    size_t o = 0;

    for (; *line && *line != '\n' && col >= 0; line++) {
        if (*line == '"')
            quoted = !quoted;
        if (*line == ',' && !quoted) {
            col--;
            continue;
        }
        if (col == 0 && o + 1 < cap)
            buf[o++] = *line;
    }
    buf[o] = '\0';
    return buf;
}

/* The column number of name in a header line, or -1. */
static inline int column_of(const char *header, const char *name)
{
    char buf[64];

    for (int c = 0; c < 400; c++) {
        field_of(header, c, buf, sizeof buf);
        if (strcmp(buf, name) == 0)
            return c;
        if (!buf[0])
            break;
    }
    return -1;
}

#endif
