/* test_scene_fragmentation.c — each step of "fragmentation" built from facts and a
 * /proc/PID/maps written by hand: the heap and pool maps decoded cell by cell, the numbers
 * that show RSS staying while bytes in use halve, the refused request and the mapping that
 * served it without the budget, trim, usable sizes, and the lab's sizing from MemAvailable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/procfile.h"
#include "probes/sysinfo.h"
#include "scenes/fragmentation.h"
#include "scenes/scene.h"

/* After fork the heap shows as two [heap] lines: what the lab inherited and what it grew. */
static const char maps_text[] =
    "55ecf5e04000-55ecf5e05000 r--p 00000000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e05000-55ecf5e14000 r-xp 00001000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e14000-55ecf5e1a000 r--p 00010000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e1c000-55ecf5e1d000 rw-p 00017000 08:01 100 /usr/bin/oscope\n"
    "560000000000-560000045000 rw-p 00000000 00:00 0 [heap]\n"
    "560000045000-5600001d6000 rw-p 00000000 00:00 0 [heap]\n"
    "7f0000001000-7f0000066000 rw-p 00000000 00:00 0 \n"
    "7f1a2c000000-7f1a2c021000 r--p 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7ffe8d694000-7ffe8d6b5000 rw-p 00000000 00:00 0 [stack]\n";

static struct maps maps;
static char grid_a[160], grid_b[160], zoom[160], grid_p[160];

/* Facts as the lab reports them, in order; facts_upto[i] of them are known at step i. */
static const char *all_facts[][2] = {
    { "avail", "24000000" },
    { "pt.0", "262144 20000 282624 2400 28000 0x560000000000 0x560000045000 -" },
    { "blocks", "1600 1032 1040 1599" },
    { "p1", "0x5600000010a0" },
    { "plast", "0x5600001d56c0" },
    { "pt.A", "1926144 1600 1927744 4100 29700 0x560000000000 0x5600001d6000 1600" },
    { "grid.A", grid_a },
    { "pt.B", "1094144 833600 1927744 4100 29700 0x560000000000 0x5600001d6000 1040" },
    { "grid.B", grid_b },
    { "zoom", zoom },
    { "req", "409600 51200 30464000 30412800" },
    { "big.C", "0x0 ENOMEM" },
    { "big.D", "0x7f0000001010 30826496" },
    { "big.P", "0x0 ENOMEM 32103424 32052224" },
    { "pool", "0x7f1000000000 1600 409600 0x7f1000000000" },
    { "grid.P", grid_p },
    { "pt.T0", "1094144 833600 1927744 4100 28000 0x560000000000 0x5600001d6000 1040" },
    { "pt.T1", "1094144 833600 1927744 4096 28000 0x560000000000 0x5600001d6000 1040" },
    { "trim.T", "0" },
    { "pt.U0", "140000 1787744 1927744 4096 28000 0x560000000000 0x5600001d6000 15600" },
    { "pt.U1", "140000 1787744 1927744 900 28000 0x560000000000 0x5600001d6000 15600" },
    { "trim.U", "1" },
    { "usable", "1:24 24:24 25:40 100:104 1000:1000 1024:1032 4000:4008" },
};
static const int facts_upto[] = { 7, 10, 12, 13, 16, 19, 22, 23 };
#define NFACTS ((int)(sizeof all_facts / sizeof all_facts[0]))

static const struct scene *sc;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("fragmentation");
    assert_non_null(sc);
    assert_int_equal(maps_parse(maps_text, "/usr/bin/oscope", &maps), 0);
    /* Heap cells: 2 hold only oscope's data, then used, the top free; after the frees
     * all mixed. The close-up alternates freed and live blocks. */
    snprintf(grid_a, sizeof grid_a, "0x560000000000 0x5600001d6000 ");
    snprintf(grid_b, sizeof grid_b, "0x560000000000 0x5600001d6000 ");
    for (int k = 0; k < FRAG_CELLS; k++) {
        strcat(grid_a, k < 2 ? "0" : k < FRAG_CELLS - 1 ? "1" : "2");
        strcat(grid_b, k < 2 ? "0" : "3");
    }
    snprintf(zoom, sizeof zoom, "0x5600000d0000 89 ");
    for (int k = 0; k < FRAG_ZOOM; k++)
        strcat(zoom, k % 2 ? "1" : "0");
    /* Pool cells: the carved buffer, one mixed cell, free slots, then the kept objects. */
    snprintf(grid_p, sizeof grid_p, "0x7f1000000000 0x7f1000190000 ");
    for (int k = 0; k < FRAG_CELLS; k++)
        strcat(grid_p, k < 22 ? "4" : k == 22 ? "6" : k < 45 ? "2" : "1");
    return 0;
}

static void set_facts(struct facts *f, int upto)
{
    facts_clear(f);
    for (int k = 0; k < upto && k < NFACTS; k++)
        assert_int_equal(facts_set(f, all_facts[k][0], all_facts[k][1]), 0);
}

/* Builds step i with VmRSS rss_kib recorded at the stop (0: status unreadable). */
static void build(int i, uint64_t rss_kib, struct model *m)
{
    static struct facts f;
    struct pid_status st = { .vm_rss_kib = rss_kib, .have = rss_kib ? PIDST_HAVE_VMRSS : 0 };
    struct step_view v = { .index = i, .facts = &f, .maps = &maps, .status = &st,
                           .status_err = rss_kib ? 0 : -13 };

    set_facts(&f, facts_upto[i]);
    model_init(m);
    sc->steps[i].build(&v, m);
}

static const struct m_block *block(const struct model *m, enum mblock_kind kind)
{
    for (int i = 0; i < m->nblocks; i++)
        if (m->blocks[i].kind == kind)
            return &m->blocks[i];
    fail_msg("no block of kind %d", (int)kind);
    return NULL;
}

/* The row whose first cell is label, or fails. */
static int row(const struct m_table *t, const char *label)
{
    for (int r = 0; r < t->nrows; r++)
        if (strcmp(t->cell[r][0], label) == 0)
            return r;
    fail_msg("no row \"%s\"", label);
    return -1;
}

static void test_every_step_stops_in_the_listing(void **state)
{
    (void)state;
    assert_int_equal(sc->nsteps, (int)(sizeof facts_upto / sizeof facts_upto[0]));
    for (int i = 0; i < sc->nsteps; i++)
        assert_non_null(scene_source_mark(sc->source, sc->steps[i].marker));
    assert_true(sc->steps[0].timeout_s >= 30);
    assert_true(sc->nquiz >= 2 && sc->nquiz <= 4);
}

static void test_heap_map_decoded_as_reported(void **state)
{
    struct model m;
    (void)state;

    build(0, 4100, &m);
    const struct m_grid *g = block(&m, MB_GRID)->u.grid;
    assert_int_equal(g->ncells, FRAG_CELLS);
    assert_string_equal(g->legend[g->cell[0]], "not ours");
    assert_string_equal(g->legend[g->cell[2]], "used");
    assert_string_equal(g->legend[g->cell[88]], "used");
    assert_string_equal(g->legend[g->cell[89]], "free");
    assert_non_null(strstr(block(&m, MB_GRID)->title, "560000000000"));
    /* [heap] is both of its lines in /proc/LAB/maps: 0x1d6000 bytes. */
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    int r = row(t, "[heap] (maps)");
    assert_string_equal(t->cell[r][2], "1.8 MiB");
    assert_string_equal(t->cell[row(t, "blocks live")][2], "1,600");
    assert_non_null(strstr(m.headline, "1,600 blocks"));
    assert_non_null(strstr(m.narrative, "1040 bytes apart"));
    assert_non_null(strstr(m.narrative, "not ours"));
    model_free(&m);

    build(1, 4100, &m);
    g = block(&m, MB_GRID)->u.grid;
    for (int i = 2; i < FRAG_CELLS; i++)
        assert_string_equal(g->legend[g->cell[i]], "mixed");
    model_free(&m);
}

static void test_rss_stays_while_in_use_halves(void **state)
{
    struct model m;
    (void)state;

    build(1, 4100, &m);
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    int in = row(t, "in use (uordblks)"), rss = row(t, "RSS (VmRSS)");
    assert_string_equal(t->cell[in][1], "1.8 MiB");
    assert_string_equal(t->cell[in][2], "1.0 MiB");
    assert_string_equal(t->cell[rss][1], t->cell[rss][2]);
    assert_string_equal(t->cell[row(t, "blocks live")][2], "800");
    assert_string_equal(t->cell[row(t, "free (fordblks)")][2], "814.1 KiB");
    assert_string_equal(t->cell[row(t, "largest free run")][2], "1.0 KiB");
    assert_non_null(strstr(m.headline, "RSS has not moved"));
    assert_non_null(strstr(m.narrative, "not to the kernel"));
    model_free(&m);

    /* The newest column's RSS is what /proc/LAB/status said at the stop. */
    build(1, 8192, &m);
    t = block(&m, MB_TABLE)->u.table;
    assert_string_equal(t->cell[row(t, "RSS (VmRSS)")][2], "8.0 MiB");
    model_free(&m);
}

static void test_refused_request_says_why(void **state)
{
    struct model m;
    (void)state;

    build(2, 4100, &m);
    assert_non_null(strstr(m.headline, "Refused: 400.0 KiB asked, 814.1 KiB free"));
    assert_non_null(strstr(m.narrative, "RLIMIT_AS"));
    assert_non_null(strstr(m.narrative, "NULL, errno ENOMEM"));
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    int r = row(t, "malloc(request)");
    assert_string_equal(t->cell[r][1], "NULL, errno ENOMEM");
    assert_int_equal(t->row_style[r], MS_BAD);
    assert_string_equal(t->cell[row(t, "budget (RLIMIT_AS)")][1], "VmSize + 50.0 KiB");
    const struct m_grid *g = block(&m, MB_GRID)->u.grid;
    assert_int_equal(g->ncells, FRAG_ZOOM);
    for (int k = 0; k < FRAG_ZOOM; k++)
        assert_string_equal(g->legend[g->cell[k]], k % 2 ? "live block" : "freed (a hole)");
    model_free(&m);
}

static void test_prediction_judged_from_the_result(void **state)
{
    const struct prediction *p = sc->steps[2].predict;
    struct facts f;
    struct step_view v = { .index = 2, .facts = &f, .maps = &maps };
    (void)state;

    assert_non_null(p);
    set_facts(&f, facts_upto[2]);
    assert_string_equal(p->choices[p->outcome(&v)], "malloc returns NULL (ENOMEM)");
    facts_set(&f, "big.C", "0x7f0000001010 -");
    assert_int_equal(p->outcome(&v), 0);
    facts_clear(&f);
    assert_int_equal(p->outcome(&v), -1);
}

static void test_without_budget_the_new_mapping_is_found(void **state)
{
    struct model m;
    (void)state;

    build(3, 4100, &m);
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    assert_string_equal(t->head[1], "0x7f0000001010");
    assert_string_equal(t->cell[row(t, "in mapping")][1], "7f0000001000-7f0000066000");
    assert_string_equal(t->cell[row(t, "its size")][1], "404.0 KiB rw-p");
    const struct m_map *mp = block(&m, MB_MAP)->u.map;
    int big = -1, last = -1;
    for (int i = 0; i < mp->nvars; i++) {
        if (strcmp(mp->vars[i].name, "big") == 0)
            big = i;
        if (strcmp(mp->vars[i].name, "p[n-1]") == 0)
            last = i;
    }
    assert_true(big >= 0 && mp->vars[big].region >= 0);
    assert_string_equal(mp->regions[mp->vars[big].region].name, "mmap (anonymous)");
    assert_true(last >= 0 && mp->vars[last].region >= 0);
    assert_string_equal(mp->regions[mp->vars[last].region].name, "heap");
    assert_non_null(strstr(m.narrative, "VmSize +404.0 KiB"));
    assert_non_null(strstr(m.narrative, "bloat"));
    model_free(&m);
}

static void test_pool_map_and_same_budget(void **state)
{
    struct model m;
    (void)state;

    build(4, 4100, &m);
    const struct m_grid *g = block(&m, MB_GRID)->u.grid;
    assert_string_equal(g->legend[g->cell[0]], "big buffer");
    assert_string_equal(g->legend[g->cell[22]], "mixed");
    assert_string_equal(g->legend[g->cell[30]], "free slot");
    assert_string_equal(g->legend[g->cell[89]], "object");
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    int carved = row(t, "carved from temp"), again = row(t, "malloc, same budget");
    assert_string_equal(t->cell[carved][1], "at 0x7f1000000000");
    assert_int_equal(t->row_style[carved], MS_GOOD);
    assert_string_equal(t->cell[again][1], "NULL, errno ENOMEM");
    assert_int_equal(t->row_style[again], MS_BAD);
    assert_non_null(strstr(m.headline, "fits under the same budget"));
    model_free(&m);
}

static void test_trim_gives_pages_back_only_from_long_runs(void **state)
{
    struct model m;
    (void)state;

    build(5, 4096, &m);
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    assert_string_equal(t->cell[row(t, "RSS (VmRSS)")][1], "4.0 MiB");
    assert_string_equal(t->cell[row(t, "RSS (VmRSS)")][2], "4.0 MiB");
    assert_string_equal(t->cell[row(t, "malloc_trim(0)")][2], "returned 0");
    assert_non_null(strstr(m.narrative, "1040 bytes"));
    model_free(&m);

    build(6, 900, &m);
    t = block(&m, MB_TABLE)->u.table;
    int rss = row(t, "RSS (VmRSS)"), heap = row(t, "[heap] (maps)");
    assert_string_equal(t->cell[rss][1], "4.0 MiB");
    assert_string_equal(t->cell[rss][2], "900.0 KiB");
    assert_string_equal(t->cell[heap][1], t->cell[heap][2]);
    assert_string_equal(t->cell[row(t, "blocks live")][2], "100");
    const struct m_hist *h = block(&m, MB_HIST)->u.hist;
    assert_int_equal(h->nbins, 4);
    assert_true(h->value[2] < h->value[1]);
    assert_non_null(strstr(m.headline, "RSS 4.0 MiB -> 900.0 KiB"));
    model_free(&m);
}

static void test_usable_sizes_tabled(void **state)
{
    struct model m;
    (void)state;

    build(7, 900, &m);
    const struct m_table *t = block(&m, MB_TABLE)->u.table;
    assert_int_equal(t->nrows, 7);
    assert_string_equal(t->cell[0][0], "1 B");
    assert_string_equal(t->cell[0][1], "24 B");
    assert_string_equal(t->cell[0][2], "23 B");
    assert_string_equal(t->cell[5][2], "8 B");
    assert_non_null(strstr(m.narrative, "malloc(1) gives 24 usable bytes"));
    assert_non_null(strstr(m.narrative, "1040 bytes apart"));
    model_free(&m);
}

static void test_a_lab_that_could_not_run_says_so(void **state)
{
    struct facts f;
    struct pid_status st = { 0 };
    struct step_view v = { .facts = &f, .maps = &maps, .status = &st };
    struct model m;
    (void)state;

    facts_clear(&f);
    facts_set(&f, "skip", "malloc in this build is not glibc's");
    for (int i = 0; i < sc->nsteps; i++) {
        v.index = i;
        model_init(&m);
        sc->steps[i].build(&v, &m);
        assert_true(strncmp(m.headline, "n/a", 3) == 0);
        assert_non_null(strstr(m.narrative, "not glibc's"));
        assert_int_equal(block(&m, MB_TEXT)->u.text->nlines, 1);
        model_free(&m);
    }
}

static void test_block_count_bounded_by_memavailable(void **state)
{
    (void)state;
    /* 24 GiB available: the default 100,000 fits. */
    assert_int_equal(frag_blocks_for(24ull << 20, FRAG_DEFAULT), FRAG_DEFAULT);
    /* 1 GiB: 128 MiB for the lab at 2400 bytes a block, rounded down to 16. */
    unsigned long n = frag_blocks_for(1ull << 20, FRAG_DEFAULT);
    assert_int_equal(n, 55920);
    assert_true((uint64_t)n * FRAG_PEAK_PER_BLOCK <= (1ull << 30) / 8);
    /* Never more than FRAG_MAX, whatever is asked. */
    assert_int_equal(frag_blocks_for(1ull << 30, 10000000), FRAG_MAX);
    /* Too little memory for even FRAG_MIN blocks: 0, the lab explains and skips. */
    assert_int_equal(frag_blocks_for(16 << 10, FRAG_DEFAULT), 0);
    for (uint64_t kib = 20 << 10; kib < (64ull << 20); kib = kib * 3 / 2) {
        n = frag_blocks_for(kib, FRAG_MAX);
        assert_int_equal(n % 16, 0);
        assert_true((uint64_t)n * FRAG_PEAK_PER_BLOCK <= kib * 1024 / 8);
    }
}

static void test_default_option_fits_this_machine(void **state)
{
    static char text[16384];
    struct sys_mem mem;
    unsigned long n = 0;
    (void)state;

    assert_non_null(sc->default_option);
    assert_int_equal(sscanf(sc->default_option(), "blocks=%lu", &n), 1);
    assert_true(procfile_read("/proc", "meminfo", text, sizeof text) > 0);
    assert_int_equal(sys_meminfo_parse(text, &mem), 0);
    if (frag_blocks_for(mem.available, FRAG_DEFAULT) == 0) {
        assert_int_equal(n, FRAG_MIN); /* the lab will find it does not fit and say so */
        return;
    }
    /* MemAvailable moves between two reads: allow it a tenth. */
    assert_true((uint64_t)n * FRAG_PEAK_PER_BLOCK <= mem.available * 1024 / 8 * 11 / 10);
    assert_true(n <= FRAG_DEFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_step_stops_in_the_listing),
        cmocka_unit_test(test_heap_map_decoded_as_reported),
        cmocka_unit_test(test_rss_stays_while_in_use_halves),
        cmocka_unit_test(test_refused_request_says_why),
        cmocka_unit_test(test_prediction_judged_from_the_result),
        cmocka_unit_test(test_without_budget_the_new_mapping_is_found),
        cmocka_unit_test(test_pool_map_and_same_budget),
        cmocka_unit_test(test_trim_gives_pages_back_only_from_long_runs),
        cmocka_unit_test(test_usable_sizes_tabled),
        cmocka_unit_test(test_a_lab_that_could_not_run_says_so),
        cmocka_unit_test(test_block_count_bounded_by_memavailable),
        cmocka_unit_test(test_default_option_fits_this_machine),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
