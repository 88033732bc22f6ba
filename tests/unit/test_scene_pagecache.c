/* test_scene_pagecache.c — the steps of "page-cache" build the expected models from facts
 * made by hand: the residency grid decoded cell by cell (four states with cachestat, two
 * with mincore), the resident count and the file's path, the tmpfs warning, the ratio of
 * the cold and warm reads, the fsync series, the mmap faults, the failure messages
 * (ENOSPC, EFBIG, a refusal), live steps, and the lab's option parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenes/pcache_lab.h"
#include "scenes/scene.h"

enum { STEP_OPEN, STEP_WRITE, STEP_FSYNC, STEP_EVICT, STEP_COLD, STEP_WARM, STEP_MMAP };

static const struct scene *sc;
static struct facts facts;
static struct sys_mem mem;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("page-cache");
    assert_non_null(sc);
    assert_int_equal(sc->nsteps, 7);
    facts_clear(&facts);
    memset(&mem, 0, sizeof mem);
    return 0;
}

static void fact(const char *name, const char *value)
{
    assert_int_equal(facts_set(&facts, name, value), 0);
}

/* A 16 MiB file on ext4 of 4096 pages in 128 cells of 32 pages, read with cachestat. */
static void base_file(void)
{
    fact("path", "/var/tmp/oscope-lab.42.AbCdEf/data");
    fact("fs", "ext2/3/4");
    fact("tmpfs", "0");
    fact("size", "16777216");
    fact("pages", "4096");
    fact("pagesz", "4096");
    fact("cells", "128");
    fact("free", "85899345920");
    fact("avail", "24000000");
    fact("res.how", "cachestat");
    fact("res.map", "0000000000000000000000000000000000000000000000000000000000000000");
    fact("res.pages", "0");
}

static void build_live(int step, struct model *m, bool live)
{
    static const struct maps no_maps;
    struct pid_status st = { 0 };
    struct step_view v = { .index = step, .facts = &facts, .maps = &no_maps, .status = &st,
                           .pid = 100, .mem = &mem, .clk_tck = 100, .live = live };

    model_init(m);
    sc->steps[step].build(&v, m);
}

static void build(int step, struct model *m)
{
    build_live(step, m, false);
}

static const struct m_block *block(const struct model *m, enum mblock_kind kind)
{
    for (int i = 0; i < m->nblocks; i++)
        if (m->blocks[i].kind == kind)
            return &m->blocks[i];
    fail_msg("no block of kind %d", (int)kind);
    return NULL;
}

static bool has_block(const struct model *m, enum mblock_kind kind)
{
    for (int i = 0; i < m->nblocks; i++)
        if (m->blocks[i].kind == kind)
            return true;
    return false;
}

/* The text line containing needle, or fails listing the lines. */
static const char *line_with(const struct model *m, const char *needle)
{
    const struct m_text *t = block(m, MB_TEXT)->u.text;

    for (int i = 0; i < t->nlines; i++)
        if (strstr(t->line[i], needle))
            return t->line[i];
    for (int i = 0; i < t->nlines; i++)
        fprintf(stderr, "  line %d: \"%s\"\n", i, t->line[i]);
    fail_msg("no text line contains \"%s\"", needle);
    return NULL;
}

static void expect_in(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

static void test_grid_decodes_four_states(void **state)
{
    struct model m;
    const struct m_grid *g;

    (void)state;
    base_file();
    /* 1 = 00 01: out, cached; b = 10 11: dirty, writeback; e = 11 10; rest out. */
    fact("res.map", "1be0000000000000000000000000000000000000000000000000000000000005");
    fact("res.pages", "1234");
    build(STEP_WRITE, &m);
    g = block(&m, MB_GRID)->u.grid;
    assert_int_equal(g->ncells, 128);
    assert_int_equal(g->cell[0], 0);
    assert_int_equal(g->cell[1], 1);
    assert_int_equal(g->cell[2], 2);
    assert_int_equal(g->cell[3], 3);
    assert_int_equal(g->cell[4], 3);
    assert_int_equal(g->cell[5], 2);
    assert_int_equal(g->cell[6], 0);
    assert_int_equal(g->cell[125], 0);
    assert_int_equal(g->cell[126], 1);   /* 5 = 01 01 */
    assert_int_equal(g->cell[127], 1);
    assert_int_equal(g->nlegend, 4);
    assert_string_equal(g->legend[0], "not cached");
    assert_string_equal(g->legend[2], "dirty");
    assert_string_equal(g->legend[3], "writeback");
    /* Distinct states must differ in style, so monochrome can tell them apart. */
    assert_true(g->legend_style[1] != g->legend_style[2]);
    assert_string_equal(g->caption, "resident 1,234 of 4,096 pages (cachestat)");
    expect_in(block(&m, MB_GRID)->title, "1 cell = 128.0 KiB");
    model_free(&m);
}

static void test_grid_with_mincore_has_two_states(void **state)
{
    struct model m;
    const struct m_grid *g;

    (void)state;
    base_file();
    fact("res.how", "mincore");
    fact("res.map", "5500000000000000000000000000000000000000000000000000000000000000");
    fact("res.pages", "128");
    build(STEP_OPEN, &m);
    g = block(&m, MB_GRID)->u.grid;
    assert_int_equal(g->nlegend, 2);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g->cell[i], 1);
    assert_int_equal(g->cell[4], 0);
    assert_string_equal(g->caption, "resident 128 of 4,096 pages (mincore)");
    model_free(&m);
}

static void test_path_is_a_fincore_command(void **state)
{
    struct model m;
    const struct m_text *t;

    (void)state;
    base_file();
    build(STEP_OPEN, &m);
    assert_string_equal(block(&m, MB_TEXT)->u.text->line[0],
                        "fincore /var/tmp/oscope-lab.42.AbCdEf/data");
    line_with(&m, "on ext2/3/4 (statfs): a disk is under it");
    line_with(&m, "size 16.0 MiB = 4,096 pages of 4.0 KiB");
    model_free(&m);

    /* Too long for 45 columns: the path gets lines of its own, cut after a '/'. */
    fact("path", "/home/someone/with/a/rather/long/tmpdir/oscope-lab.42.AbCdEf/data");
    build(STEP_OPEN, &m);
    t = block(&m, MB_TEXT)->u.text;
    assert_string_equal(t->line[0], "the file, for fincore:");
    assert_string_equal(t->line[1], "/home/someone/with/a/rather/long/tmpdir/");
    assert_string_equal(t->line[2], "oscope-lab.42.AbCdEf/data");
    model_free(&m);
}

static void test_tmpfs_says_so_and_names_a_way_out(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("fs", "tmpfs");
    fact("tmpfs", "1");
    build(STEP_OPEN, &m);
    expect_in(m.narrative, "tmpfs");
    expect_in(m.narrative, "no disk");
    expect_in(m.narrative, "--option dir=/var/tmp");
    line_with(&m, "on tmpfs (statfs): RAM only, no disk");
    model_free(&m);

    /* The write step shows Shmem (where tmpfs pages are counted) instead of Writeback. */
    fact("w.dirty0", "1000");
    fact("w.dirty1", "1004");
    fact("w.shmem0", "5000");
    fact("w.shmem1", "21384");
    fact("w.cached0", "300000");
    fact("w.cached1", "316384");
    fact("w.ns", "5000000");
    build(STEP_WRITE, &m);
    expect_in(m.headline, "tmpfs");
    line_with(&m, "Shmem                    5,000     21,384");
    expect_in(m.narrative, "Shmem rose by 16,384 KiB");
    model_free(&m);

    /* Evicting on tmpfs drops nothing, and the step says why. */
    fact("e.res0", "4096");
    fact("e.res1", "4096");
    build(STEP_EVICT, &m);
    expect_in(m.headline, "tmpfs");
    expect_in(m.narrative, "4,096 pages are still resident");
    model_free(&m);
}

static void test_write_shows_dirty_before_and_after(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("w.dirty0", "1000");
    fact("w.dirty1", "17384");
    fact("w.wb0", "0");
    fact("w.wb1", "0");
    fact("w.cached0", "300000");
    fact("w.cached1", "316384");
    fact("w.ns", "50000000");           /* 16 MiB in 50 ms */
    fact("expire", "3000");
    fact("res.dirty", "4096");
    fact("res.wb", "0");
    build(STEP_WRITE, &m);
    line_with(&m, "write() 16.0 MiB in 50.0 ms = 320 MiB/s");
    line_with(&m, "Dirty                    1,000     17,384");
    line_with(&m, "file pages: 4,096 dirty, 0 writeback (cachestat)");
    expect_in(m.narrative, "Dirty rose by 16,384 KiB");
    expect_in(m.narrative, "30 s");
    model_free(&m);
}

static void test_live_write_reads_meminfo_now(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("w.dirty0", "1000");
    fact("w.done", "4194304");
    mem.dirty = 5096;
    build_live(STEP_WRITE, &m, true);
    line_with(&m, "written so far: 4.0 MiB of 16.0 MiB");
    line_with(&m, "/proc/meminfo, KiB      before        now");
    line_with(&m, "Dirty                    1,000      5,096");
    model_free(&m);
}

static void test_fsync_series_and_peaks(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("f.ns", "125000000");
    fact("f.dirty0", "17384");
    fact("f.dirty1", "1000");
    fact("f.dmax", "17384");
    fact("f.wbmax", "8000");
    fact("f.nsamp", "7");
    fact("f.every", "20.1");
    fact("f.dser", "100 50 0");
    fact("f.wser", "0 8000 4000");
    build(STEP_FSYNC, &m);
    line_with(&m, "fsync() took 125 ms");
    line_with(&m, "/proc/meminfo KiB, 7 samples 20.1 ms apart");
    /* 100 is the top level, 50 the middle one, 0 the floor. */
    line_with(&m, "Dirty     @+_");
    line_with(&m, "Writeback _@+");
    line_with(&m, "max 8,000");
    expect_in(m.headline, "fsync() took 125 ms");
    expect_in(m.narrative, "Dirty went from 17,384 to 1,000 KiB");
    expect_in(m.narrative, "peaked at 8,000 KiB");
    model_free(&m);
}

/* Which choice of the prediction before the warm read came true. */
static int outcome(void)
{
    static const struct maps no_maps;
    struct pid_status st = { 0 };
    struct step_view v = { .index = STEP_WARM, .facts = &facts, .maps = &no_maps,
                           .status = &st, .mem = &mem };

    assert_non_null(sc->steps[STEP_WARM].predict);
    return sc->steps[STEP_WARM].predict->outcome(&v);
}

static void test_warm_read_ratio(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("c.ns", "800000000");
    fact("h.ns", "100000000");
    fact("c.pgpgin", "16384");
    fact("h.pgpgin", "0");
    fact("h.pgmaj", "0");
    fact("h.majflt", "0");
    build(STEP_WARM, &m);
    line_with(&m, "read 16.0 MiB in 100 ms = 160 MiB/s");
    line_with(&m, "the cold read took 800 ms: 8.0x as long");
    line_with(&m, "pgpgin               +0 KiB /proc/vmstat");
    expect_in(m.headline, "8.0x faster");
    model_free(&m);

    assert_int_equal(outcome(), 1);               /* "much faster" came true */

    /* Hardly a difference: the step does not claim one. */
    fact("c.ns", "110000000");
    build(STEP_WARM, &m);
    expect_in(m.headline, "about as fast");
    model_free(&m);
    assert_int_equal(outcome(), 0);

    build(STEP_COLD, &m);
    line_with(&m, "pgpgin          +16,384 KiB /proc/vmstat");
    model_free(&m);
}

static void test_mmap_faults_per_half(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("m.res0", "2048");
    fact("m.min1", "128");
    fact("m.maj1", "0");
    fact("m.min2", "100");
    fact("m.maj2", "3");
    fact("m.ns1", "1000000");
    fact("m.ns2", "20000000");
    fact("m.pgmaj", "4");
    build(STEP_MMAP, &m);
    line_with(&m, "before: 2,048 of 4,096 pages resident");
    line_with(&m, "1st half (cached)      128       0   1.00 ms");
    line_with(&m, "2nd half (evicted)     100       3   20.0 ms");
    line_with(&m, "pgmajfault rose by 4 (/proc/vmstat)");
    expect_in(m.headline, "20x as long");
    expect_in(m.narrative, "16 pages a fault");  /* 2,048 pages / 128 faults */
    model_free(&m);
}

static void test_enospc_and_efbig_messages(void **state)
{
    struct model m;

    (void)state;
    base_file();
    fact("error", "write() failed: No space left on device (ENOSPC)");
    fact("errno", "28");
    fact("err.what", "write");
    fact("removed", "1");
    build(STEP_WRITE, &m);
    assert_string_equal(m.headline, "The lab stopped: write() failed with ENOSPC");
    expect_in(m.narrative, "The lab removed its file.");
    expect_in(m.narrative, "--option size=16M");
    line_with(&m, "removed: /var/tmp/oscope-lab.42.AbCdEf/data");
    /* The file is gone: the grid shows nothing cached, whatever was reported before. */
    assert_string_equal(block(&m, MB_GRID)->u.grid->caption, "the file was removed: none of it is cached");
    model_free(&m);

    fact("error", "write() failed: File too large (EFBIG)");
    fact("errno", "27");
    fact("fsize", "4194304");
    build(STEP_WRITE, &m);
    assert_string_equal(m.headline, "The lab stopped: write() failed with EFBIG");
    expect_in(m.narrative, "size limit, 4.0 MiB (RLIMIT_FSIZE");
    expect_in(m.narrative, "--option size=2M");
    model_free(&m);
}

static void test_refusal_for_space(void **state)
{
    struct model m;

    (void)state;
    facts_clear(&facts);
    fact("path", "/tmp/oscope-lab.42.AbCdEf/data");
    fact("free", "8388608");
    fact("error", "only 8.0 MiB free here (statvfs), the lab wants twice the file's 16.0 MiB");
    fact("errno", "0");
    fact("err.what", "space");
    fact("removed", "1");
    build(STEP_OPEN, &m);
    assert_string_equal(m.headline, "The lab did not write anything");
    expect_in(m.narrative, "--option size=4M");
    assert_false(has_block(&m, MB_GRID));   /* no file was made */
    line_with(&m, "only 8.0 MiB free here (statvfs), the lab");
    line_with(&m, "wants twice the file's 16.0 MiB");
    model_free(&m);
}

static void test_option_parser(void **state)
{
    struct pcache_opt o;
    char err[160], buf[64];

    (void)state;
    assert_int_equal(pcache_parse("", &o, err, sizeof err), 0);
    assert_true(o.size == 0 && o.dir[0] == '\0');
    assert_int_equal(pcache_parse("size=64M,dir=/var/tmp", &o, err, sizeof err), 0);
    assert_true(o.size == (uint64_t)64 << 20);
    assert_string_equal(o.dir, "/var/tmp");
    assert_int_equal(pcache_parse("size=1G", &o, err, sizeof err), 0);
    assert_true(o.size == (uint64_t)1 << 30);
    assert_int_equal(pcache_parse("size=512KiB", &o, err, sizeof err), 0);
    assert_true(o.size == (uint64_t)512 << 10);
    assert_int_equal(pcache_parse("size=lots", &o, err, sizeof err), -EINVAL);
    expect_in(err, "size=lots is not a size");
    assert_int_equal(pcache_parse("size=-5M", &o, err, sizeof err), -EINVAL);
    assert_int_equal(pcache_parse("colour=red", &o, err, sizeof err), -EINVAL);
    expect_in(err, "unknown option");
    assert_string_equal(pcache_lab_parent("size=8M,dir=/srv/x", buf, sizeof buf), "/srv/x");
    assert_null(pcache_lab_parent("size=8M", buf, sizeof buf));
    assert_ptr_equal(sc->lab_parent, pcache_lab_parent);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_grid_decodes_four_states, setup),
        cmocka_unit_test_setup(test_grid_with_mincore_has_two_states, setup),
        cmocka_unit_test_setup(test_path_is_a_fincore_command, setup),
        cmocka_unit_test_setup(test_tmpfs_says_so_and_names_a_way_out, setup),
        cmocka_unit_test_setup(test_write_shows_dirty_before_and_after, setup),
        cmocka_unit_test_setup(test_live_write_reads_meminfo_now, setup),
        cmocka_unit_test_setup(test_fsync_series_and_peaks, setup),
        cmocka_unit_test_setup(test_warm_read_ratio, setup),
        cmocka_unit_test_setup(test_mmap_faults_per_half, setup),
        cmocka_unit_test_setup(test_enospc_and_efbig_messages, setup),
        cmocka_unit_test_setup(test_refusal_for_space, setup),
        cmocka_unit_test_setup(test_option_parser, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
