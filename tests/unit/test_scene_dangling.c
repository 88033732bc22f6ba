/* test_scene_dangling.c — each step of "dangling" built from facts and a /proc/PID/maps
 * recorded by hand: the pointers on the stack, the block on the heap, the dangling arrows,
 * glibc's bookkeeping decoded, the owner reading 50; the path where the allocator hands
 * out another block; the AddressSanitizer step with a report, without the demo, and without
 * its runtime. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/asan_report.h"
#include "scenes/scene.h"

enum { ST_MALLOC, ST_ALIAS, ST_FREE, ST_PEEK, ST_NULL, ST_REUSE, ST_WRITE, ST_ASAN, NSTEPS };

static const char maps_text[] =
    "55fcf5e04000-55fcf5e05000 r--p 00000000 08:01 100 /usr/bin/oscope\n"
    "55fcf5e05000-55fcf5e14000 r-xp 00001000 08:01 100 /usr/bin/oscope\n"
    "55fcf5e14000-55fcf5e1a000 r--p 00010000 08:01 100 /usr/bin/oscope\n"
    "55fcf5e1c000-55fcf5e1d000 rw-p 00017000 08:01 100 /usr/bin/oscope\n"
    "55fcf608f000-55fcf6134000 rw-p 00000000 00:00 0 [heap]\n"
    "602000000000-602000010000 rw-p 00000000 00:00 0 \n"
    "7f1a2c000000-7f1a2c021000 r--p 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7ffeecca1000-7ffeeccc2000 rw-p 00000000 00:00 0 [stack]\n";

/* What a lab on glibc 2.36 reported, step by step (each row: step, name, value). */
struct rec { int step; const char *name, *value; };
static const struct rec glibc_run[] = {
    { ST_MALLOC, "malloc.from", "libc.so.6" }, { ST_MALLOC, "libc.version", "2.36" },
    { ST_MALLOC, "p2.addr", "0x7ffeeccbb950" }, { ST_MALLOC, "p2", "0x55fcf612a580" },
    { ST_MALLOC, "blk", "0x55fcf612a580" }, { ST_MALLOC, "blk.val", "20" },
    { ST_ALIAS, "p3.addr", "0x7ffeeccbb958" }, { ST_ALIAS, "p3", "0x55fcf612a580" },
    { ST_FREE, "p2", "0x55fcf612a580" }, { ST_FREE, "p3", "0x55fcf612a580" },
    { ST_FREE, "freed", "1" },
    /* word 0: NULL XOR (address >> 12); word 1: the random tcache key */
    { ST_PEEK, "raw0", "0x000000055fcf612a" }, { ST_PEEK, "raw1", "0xb1c603eeb1aa30bc" },
    { ST_NULL, "p2", "0x0" },
    { ST_REUSE, "mine.addr", "0x7ffeeccbb960" }, { ST_REUSE, "mine", "0x55fcf612a580" },
    { ST_REUSE, "mine.val", "7" },
    { ST_WRITE, "got", "50" },
    { ST_ASAN, "asan.found", "1" }, { ST_ASAN, "asan.status", "exit 1" },
};

/* The same lab under the sanitizer build of oscope: libasan's malloc keeps freed blocks
 * in quarantine, so the owner gets another block and reads its 7. */
static const struct rec asan_run[] = {
    { ST_MALLOC, "malloc.from", "libasan.so.8" }, { ST_MALLOC, "libc.version", "2.36" },
    { ST_MALLOC, "p2.addr", "0x7ffeeccbb950" }, { ST_MALLOC, "p2", "0x6020000007d0" },
    { ST_MALLOC, "blk", "0x6020000007d0" }, { ST_MALLOC, "blk.val", "20" },
    { ST_ALIAS, "p3.addr", "0x7ffeeccbb958" }, { ST_ALIAS, "p3", "0x6020000007d0" },
    { ST_FREE, "p2", "0x6020000007d0" }, { ST_FREE, "p3", "0x6020000007d0" },
    { ST_FREE, "freed", "1" },
    { ST_PEEK, "raw0", "0x0000000000000050" }, { ST_PEEK, "raw1", "0x0000000000000000" },
    { ST_NULL, "p2", "0x0" },
    { ST_REUSE, "mine.addr", "0x7ffeeccbb960" }, { ST_REUSE, "mine", "0x6020000007f0" },
    { ST_REUSE, "mine.val", "7" },
    { ST_WRITE, "got", "7" },
    { ST_ASAN, "asan.found", "0" },
};

static const char asan_output[] =
    "=================================================================\n"
    "==25527==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc "
    "0x55bf274ab2f2 bp 0x7ffca6373400 sp 0x7ffca63733f8\n"
    "WRITE of size 4 at 0x602000000010 thread T0\n"
    "    #0 0x55bf274ab2f1 in main /home/u/oscope/scenes/asan/uaf_demo.c:34\n"
    "    #1 0x7ff266c45249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58\n"
    "    #2 0x7ff266c45304 in __libc_start_main_impl ../csu/libc-start.c:360\n"
    "    #3 0x55bf274ab0f0 in _start (/home/u/oscope/build/rel/oscope-uaf-asan+0x10f0)\n"
    "\n"
    "0x602000000010 is located 0 bytes inside of 4-byte region [0x602000000010,0x602000000014)\n"
    "freed by thread T0 here:\n"
    "    #0 0x7f64a34b76a8 in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52\n"
    "    #1 0x555ccbcd0298 in main /home/u/oscope/scenes/asan/uaf_demo.c:31\n"
    "\n"
    "SUMMARY: AddressSanitizer: heap-use-after-free /home/u/oscope/scenes/asan/uaf_demo.c:34 in main\n"
    "Shadow bytes around the buggy address:\n"
    "  0x0c047fff7fb0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";

static struct maps maps;
static const struct scene *sc;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("dangling");
    assert_non_null(sc);
    assert_int_equal(maps_parse(maps_text, "/usr/bin/oscope", &maps), 0);
    return 0;
}

/* Builds step i from the facts of run (n records) known when the lab stopped there. */
static void build(const struct rec *run, size_t n, int i, const char *output, struct model *m)
{
    static struct facts f;
    struct pid_status st = { 0 };
    struct step_view v = { .index = i, .facts = &f, .maps = &maps, .status = &st,
                           .output = output ? output : "" };

    facts_clear(&f);
    for (size_t k = 0; k < n; k++)
        if (run[k].step <= i)
            assert_int_equal(facts_set(&f, run[k].name, run[k].value), 0);
    model_init(m);
    sc->steps[i].build(&v, m);
}

static void build_glibc(int i, struct model *m)
{
    build(glibc_run, sizeof glibc_run / sizeof glibc_run[0], i, NULL, m);
}

static void build_asan(int i, struct model *m)
{
    build(asan_run, sizeof asan_run / sizeof asan_run[0], i, NULL, m);
}

static const struct m_map *the_map(const struct model *m, int block)
{
    assert_true(m->nblocks > block);
    assert_int_equal(m->blocks[block].kind, MB_MAP);
    return m->blocks[block].u.map;
}

static int var_index(const struct m_map *mp, const char *name)
{
    for (int i = 0; i < mp->nvars; i++)
        if (strcmp(mp->vars[i].name, name) == 0)
            return i;
    return -1;
}

static const struct m_var *var(const struct m_map *mp, const char *name)
{
    int i = var_index(mp, name);

    assert_true(i >= 0);
    return &mp->vars[i];
}

static const char *region_of(const struct m_map *mp, const char *name)
{
    const struct m_var *v = var(mp, name);

    return v->region >= 0 ? mp->regions[v->region].name : "(none)";
}

/* The arrow leaving var `from`, or NULL. */
static const struct m_arrow *arrow_from(const struct m_map *mp, const char *from)
{
    int i = var_index(mp, from);

    for (int a = 0; a < mp->narrows; a++)
        if (mp->arrows[a].from == i)
            return &mp->arrows[a];
    return NULL;
}

static void test_steps_and_markers(void **state)
{
    static const char *const markers[] = { "malloc", "alias", "free", "peek", "null",
                                           "reuse", "write", "asan" };
    (void)state;
    assert_int_equal(sc->nsteps, NSTEPS);
    for (int i = 0; i < NSTEPS; i++) {
        assert_string_equal(sc->steps[i].marker, markers[i]);
        assert_non_null(scene_source_mark(sc->source, markers[i]));
    }
    assert_true(sc->nquiz >= 2 && sc->nquiz <= 4);
    assert_true(sc->limits.as_bytes > 0 && sc->limits.cpu_s > 0);
}

static void test_pointer_on_stack_block_on_heap(void **state)
{
    struct model m;

    (void)state;
    build_glibc(ST_ALIAS, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_string_equal(region_of(mp, "p2"), "stack");
    assert_string_equal(region_of(mp, "p3"), "stack");
    assert_string_equal(region_of(mp, "heap int"), "heap");
    assert_string_equal(var(mp, "heap int")->value, "20");
    assert_string_equal(var(mp, "p2")->value, var(mp, "p3")->value);
    assert_int_equal(arrow_from(mp, "p2")->to, var_index(mp, "heap int"));
    assert_int_equal(arrow_from(mp, "p3")->to, var_index(mp, "heap int"));
    assert_int_equal(arrow_from(mp, "p3")->style, MS_NORMAL);
    model_free(&m);
}

static void test_free_leaves_both_pointers_dangling(void **state)
{
    struct model m;

    (void)state;
    build_glibc(ST_FREE, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_int_equal(var(mp, "heap int")->style, MS_FREED);
    assert_string_equal(var(mp, "p2")->value, "0x55fcf612a580"); /* unchanged */
    assert_int_equal(arrow_from(mp, "p2")->style, MS_DANGLING);
    assert_int_equal(arrow_from(mp, "p3")->style, MS_DANGLING);
    assert_non_null(strstr(m.narrative, "both still hold that address"));
    model_free(&m);
}

static void test_peek_decodes_tcache_words(void **state)
{
    struct model m;

    (void)state;
    build_glibc(ST_PEEK, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_string_equal(var(mp, "word 0")->value, "0x000000055fcf612a");
    assert_string_equal(var(mp, "word 1")->note, "tcache key");
    assert_string_equal(region_of(mp, "word 1"), "heap");
    assert_non_null(strstr(m.narrative, "the 20 is gone"));
    assert_non_null(strstr(m.narrative, "decodes to 0x0, no next block"));
    assert_int_equal(m.nblocks, 2);
    assert_int_equal(m.blocks[1].kind, MB_TEXT);
    model_free(&m);
}

/* A freed block on a glibc list other than the tcache has no key in word 1. */
static void test_peek_without_key_not_called_tcache(void **state)
{
    struct rec run[sizeof glibc_run / sizeof glibc_run[0]];
    struct model m;

    (void)state;
    memcpy(run, glibc_run, sizeof run);
    for (size_t k = 0; k < sizeof run / sizeof run[0]; k++)
        if (strcmp(run[k].name, "raw1") == 0)
            run[k].value = "0x0000000000000000";
    build(run, sizeof run / sizeof run[0], ST_PEEK, NULL, &m);
    assert_string_equal(var(the_map(&m, 0), "word 1")->note, "0: no tcache key");
    assert_null(strstr(m.narrative, "spot a double free"));
    assert_non_null(strstr(m.narrative, "Word 1 is 0: no tcache key"));
    model_free(&m);
}

static void test_peek_other_allocator_not_decoded(void **state)
{
    struct model m;

    (void)state;
    build_asan(ST_PEEK, &m);
    assert_non_null(strstr(m.narrative, "libasan.so.8, not glibc"));
    assert_string_equal(var(the_map(&m, 0), "word 1")->note, "the allocator's own data");
    model_free(&m);
}

static void test_null_leaves_p3_dangling(void **state)
{
    struct model m;

    (void)state;
    build_glibc(ST_NULL, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_string_equal(var(mp, "p2")->value, "NULL");
    assert_null(arrow_from(mp, "p2"));
    assert_int_equal(arrow_from(mp, "p3")->style, MS_DANGLING);
    assert_int_equal(arrow_from(mp, "p3")->to, var_index(mp, "heap int"));
    model_free(&m);
}

static void test_reuse_same_address_then_owner_reads_50(void **state)
{
    struct model m;

    (void)state;
    build_glibc(ST_REUSE, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_non_null(strstr(m.headline, "very same block"));
    assert_int_equal(var(mp, "*mine")->addr, 0x55fcf612a580);
    assert_int_equal(arrow_from(mp, "mine")->style, MS_NORMAL);
    assert_int_equal(arrow_from(mp, "p3")->to, var_index(mp, "*mine"));
    assert_int_equal(arrow_from(mp, "p3")->style, MS_DANGLING);
    model_free(&m);

    build_glibc(ST_WRITE, &m);
    mp = the_map(&m, 0);
    assert_string_equal(var(mp, "*mine")->value, "50");
    assert_int_equal(var(mp, "*mine")->style, MS_BAD);
    assert_non_null(strstr(m.headline, "reads 50, not 7"));
    model_free(&m);
}

static void test_not_reused_path_says_what_happened(void **state)
{
    struct model m;

    (void)state;
    build_asan(ST_REUSE, &m);
    const struct m_map *mp = the_map(&m, 0);
    assert_non_null(strstr(m.headline, "different block"));
    assert_non_null(strstr(m.narrative, "0x6020000007f0, not 0x6020000007d0"));
    assert_non_null(strstr(m.narrative, "libasan.so.8"));
    assert_int_equal(var(mp, "heap int")->style, MS_FREED);
    assert_int_equal(arrow_from(mp, "p3")->to, var_index(mp, "heap int"));
    assert_int_equal(arrow_from(mp, "mine")->to, var_index(mp, "*mine"));
    model_free(&m);

    build_asan(ST_WRITE, &m);
    assert_non_null(strstr(m.headline, "dead block; the owner still reads 7"));
    model_free(&m);
}

static void test_prediction_judged_from_got(void **state)
{
    const struct prediction *p = sc->steps[ST_WRITE].predict;
    struct facts f;
    struct step_view v = { .facts = &f };

    (void)state;
    assert_non_null(p);
    facts_clear(&f);
    assert_int_equal(p->outcome(&v), -1);
    facts_set(&f, "got", "50");
    assert_string_equal(p->choices[p->outcome(&v)], "50, the stale write");
    facts_set(&f, "got", "7");
    assert_string_equal(p->choices[p->outcome(&v)], "7, what it stored");
}

static void test_asan_report_shown(void **state)
{
    struct model m;

    (void)state;
    build(glibc_run, sizeof glibc_run / sizeof glibc_run[0], ST_ASAN, asan_output, &m);
    assert_int_equal(m.blocks[0].kind, MB_TEXT);
    const struct m_text *t = m.blocks[0].u.text;
    assert_string_equal(t->line[0], "ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010");
    assert_string_equal(t->line[1], "WRITE of size 4 at 0x602000000010 thread T0");
    assert_string_equal(t->line[2], "    #0 main uaf_demo.c:34");
    assert_non_null(strstr(m.narrative, "WRITE of size 4 at 0x602000000010"));
    assert_non_null(strstr(m.narrative, "exit 1"));
    for (int i = 0; i < t->nlines; i++) {
        assert_null(strstr(t->line[i], "__libc_start"));
        assert_null(strstr(t->line[i], "/home/u"));
        assert_null(strstr(t->line[i], "Shadow bytes"));
    }
    assert_string_equal(t->line[t->nlines - 1],
                        "SUMMARY: AddressSanitizer: heap-use-after-free uaf_demo.c:34 in main");
    model_free(&m);
}

static void test_asan_missing_said_plainly(void **state)
{
    static const struct rec no_runtime[] = { { ST_ASAN, "asan.found", "1" },
                                             { ST_ASAN, "asan.status", "exit 127" } };
    struct model m;

    (void)state;
    build_asan(ST_ASAN, &m); /* asan.found 0: the demo was not built */
    assert_non_null(strstr(m.narrative, "AddressSanitizer is not installed here"));
    assert_non_null(strstr(m.narrative, "oscope-uaf-asan"));
    model_free(&m);

    build(no_runtime, 2, ST_ASAN, "oscope-uaf-asan: error while loading shared libraries: "
          "libasan.so.8: cannot open shared object file: No such file or directory\n", &m);
    assert_non_null(strstr(m.narrative, "AddressSanitizer is not installed here"));
    assert_non_null(strstr(m.narrative, "libasan.so.8 is missing"));
    model_free(&m);

    build(no_runtime, 2, ST_ASAN, "something else\n", &m);
    assert_non_null(strstr(m.headline, "printed no report"));
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_and_markers),
        cmocka_unit_test(test_pointer_on_stack_block_on_heap),
        cmocka_unit_test(test_free_leaves_both_pointers_dangling),
        cmocka_unit_test(test_peek_decodes_tcache_words),
        cmocka_unit_test(test_peek_without_key_not_called_tcache),
        cmocka_unit_test(test_peek_other_allocator_not_decoded),
        cmocka_unit_test(test_null_leaves_p3_dangling),
        cmocka_unit_test(test_reuse_same_address_then_owner_reads_50),
        cmocka_unit_test(test_not_reused_path_says_what_happened),
        cmocka_unit_test(test_prediction_judged_from_got),
        cmocka_unit_test(test_asan_report_shown),
        cmocka_unit_test(test_asan_missing_said_plainly),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
