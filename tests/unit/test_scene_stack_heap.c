/* test_scene_stack_heap.c — each step of stack-heap builds the expected model from facts
 * and a /proc/PID/maps recorded by hand: variables in the right regions, arrows, the
 * freed block and its dangling arrow, the narrative naming the real regions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/scene.h"

static const char maps_text[] =
    "55ecf5e04000-55ecf5e05000 r--p 00000000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e05000-55ecf5e14000 r-xp 00001000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e14000-55ecf5e1a000 r--p 00010000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e1a000-55ecf5e1c000 r--p 00015000 08:01 100 /usr/bin/oscope\n"
    "55ecf5e1c000-55ecf5e1d000 rw-p 00017000 08:01 100 /usr/bin/oscope\n"
    "55ed358fd000-55ed3593f000 rw-p 00000000 00:00 0 [heap]\n"
    "7f1a2c000000-7f1a2c021000 r--p 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7ffe8d694000-7ffe8d6b5000 rw-p 00000000 00:00 0 [stack]\n";

static struct maps maps;

/* Facts as the lab reports them at the last step. */
static const char *const all_facts[][2] = {
    { "fn.addr", "0x55ecf5e05df0" }, { "g_init.addr", "0x55ecf5e1c380" }, { "g_init", "7" },
    { "g_zero.addr", "0x55ecf5e1c414" }, { "g_zero", "0" }, { "etext", "0x55ecf5e13f00" },
    { "edata", "0x55ecf5e1c398" }, { "end", "0x55ecf5e1c420" },
    { "local.addr", "0x7ffe8d6ae85c" }, { "local", "42" },
    { "p.addr", "0x7ffe8d6ae860" }, { "p", "0x7ffe8d6ae85c" }, { "p.size", "8" },
    { "hp.addr", "0x7ffe8d6ae868" }, { "hp", "0x55ed35930f60" }, { "hp.val", "99" },
    { "s.addr", "0x7ffe8d6ae870" }, { "s", "0x55ecf5e145c6" }, { "s.text", "hello" },
    { "arr.addr", "0x7ffe8d6ae880" }, { "arr.size", "12" }, { "arr", "5 6 7" },
    { "ap.addr", "0x7ffe8d6ae878" }, { "ap", "0x7ffe8d6ae880" }, { "ap.size", "8" },
    { "freed", "1" },
};

/* Facts known when the lab stops at step i (each step adds its own). */
static const int facts_upto[] = { 8, 10, 13, 15, 16, 19, 22, 25, 26 };

static const struct scene *sc;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("stack-heap");
    assert_non_null(sc);
    assert_int_equal(maps_parse(maps_text, "/usr/bin/oscope", &maps), 0);
    return 0;
}

static void build_step(int i, struct model *m)
{
    struct facts f;
    struct pid_status st = { 0 };
    struct step_view v = { .index = i, .facts = &f, .maps = &maps, .status = &st };

    facts_clear(&f);
    for (int k = 0; k < facts_upto[i]; k++)
        facts_set(&f, all_facts[k][0], all_facts[k][1]);
    model_init(m);
    sc->steps[i].build(&v, m);
}

static const struct m_var *var(const struct m_map *mp, const char *name)
{
    for (int i = 0; i < mp->nvars; i++)
        if (strcmp(mp->vars[i].name, name) == 0)
            return &mp->vars[i];
    return NULL;
}

static const char *region_name(const struct m_map *mp, const char *varname)
{
    const struct m_var *v = var(mp, varname);
    assert_non_null(v);
    return v->region >= 0 ? mp->regions[v->region].name : "(none)";
}

static const struct m_map *the_map(const struct model *m)
{
    assert_true(m->nblocks >= 1);
    assert_int_equal(m->blocks[0].kind, MB_MAP);
    return m->blocks[0].u.map;
}

static void test_steps_count_and_markers(void **state)
{
    (void)state;
    assert_int_equal(sc->nsteps, (int)(sizeof facts_upto / sizeof facts_upto[0]));
}

static void test_globals_in_data_and_bss(void **state)
{
    (void)state;
    struct model m;
    build_step(0, &m);
    const struct m_map *mp = the_map(&m);
    assert_string_equal(region_name(mp, "g_init"), "data");
    assert_string_equal(region_name(mp, "g_zero"), "data");
    assert_string_equal(var(mp, "g_init")->note, "in .data");
    assert_string_equal(var(mp, "g_zero")->note, "in .bss");
    assert_string_equal(region_name(mp, "lab_main"), "text (code)");
    assert_non_null(strstr(m.narrative, ".bss"));
    model_free(&m);
}

static void test_pointer_on_stack_target_on_heap(void **state)
{
    (void)state;
    struct model m;
    build_step(3, &m); /* after malloc */
    const struct m_map *mp = the_map(&m);
    assert_string_equal(region_name(mp, "hp"), "stack");
    assert_string_equal(region_name(mp, "*hp"), "heap");
    assert_int_equal(var(mp, "hp")->size, 8);
    assert_int_equal(var(mp, "hp")->style, MS_ACCENT);
    /* An arrow from hp to *hp. */
    bool found = false;
    for (int i = 0; i < mp->narrows; i++)
        if (strcmp(mp->vars[mp->arrows[i].from].name, "hp") == 0 && mp->arrows[i].to >= 0 &&
            strcmp(mp->vars[mp->arrows[i].to].name, "*hp") == 0)
            found = mp->arrows[i].style == MS_NORMAL;
    assert_true(found);
    assert_non_null(strstr(m.narrative, "0x55ed35930f60"));
    assert_non_null(strstr(m.narrative, "heap"));
    model_free(&m);
}

static void test_literal_in_rodata(void **state)
{
    (void)state;
    struct model m;
    build_step(5, &m);
    const struct m_map *mp = the_map(&m);
    assert_string_equal(region_name(mp, "\"hello\""), "read-only data");
    assert_string_equal(region_name(mp, "s"), "stack");
    assert_non_null(strstr(m.narrative, "read-only data"));
    model_free(&m);
}

static void test_array_is_three_boxes_no_pointer(void **state)
{
    (void)state;
    struct model m;
    build_step(6, &m);
    const struct m_map *mp = the_map(&m);
    assert_non_null(var(mp, "arr[0]"));
    assert_non_null(var(mp, "arr[2]"));
    assert_null(var(mp, "arr"));
    assert_int_equal(var(mp, "arr[1]")->addr, 0x7ffe8d6ae884);
    assert_non_null(strstr(m.narrative, "12 bytes"));
    model_free(&m);

    build_step(7, &m); /* ap = arr */
    mp = the_map(&m);
    assert_int_equal(var(mp, "ap")->size, 8);
    assert_non_null(strstr(m.narrative, "sizeof arr is 12"));
    assert_non_null(strstr(m.narrative, "sizeof ap is 8"));
    model_free(&m);
}

static void test_free_leaves_a_dangling_arrow(void **state)
{
    (void)state;
    struct model m;
    build_step(8, &m);
    const struct m_map *mp = the_map(&m);
    assert_int_equal(var(mp, "*hp")->style, MS_FREED);
    bool dangling = false;
    for (int i = 0; i < mp->narrows; i++)
        if (strcmp(mp->vars[mp->arrows[i].from].name, "hp") == 0)
            dangling = mp->arrows[i].style == MS_DANGLING;
    assert_true(dangling);
    /* hp still holds the old address. */
    assert_string_equal(var(mp, "hp")->value, "0x55ed35930f60");
    model_free(&m);
}

static void test_regions_in_address_order_high_first(void **state)
{
    (void)state;
    struct model m;
    build_step(8, &m);
    const struct m_map *mp = the_map(&m);
    for (int i = 1; i < mp->nregions; i++)
        assert_true(mp->regions[i].hi <= mp->regions[i - 1].lo);
    assert_string_equal(mp->regions[0].name, "stack");
    model_free(&m);
}

static void test_unreadable_maps_said_plainly(void **state)
{
    (void)state;
    struct facts f;
    struct maps empty = { .n = 0 };
    struct pid_status st = { 0 };
    struct step_view v = { .index = 1, .facts = &f, .maps = &empty, .maps_err = -13, .status = &st };
    struct model m;

    facts_clear(&f);
    for (int k = 0; k < facts_upto[1]; k++)
        facts_set(&f, all_facts[k][0], all_facts[k][1]);
    model_init(&m);
    sc->steps[1].build(&v, &m);
    assert_non_null(strstr(m.narrative, "unreadable"));
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_count_and_markers),
        cmocka_unit_test(test_globals_in_data_and_bss),
        cmocka_unit_test(test_pointer_on_stack_target_on_heap),
        cmocka_unit_test(test_literal_in_rodata),
        cmocka_unit_test(test_array_is_three_boxes_no_pointer),
        cmocka_unit_test(test_free_leaves_a_dangling_arrow),
        cmocka_unit_test(test_regions_in_address_order_high_first),
        cmocka_unit_test(test_unreadable_maps_said_plainly),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
