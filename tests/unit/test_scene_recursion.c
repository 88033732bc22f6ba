/* test_scene_recursion.c — each step of "recursion" built from facts and /proc/PID/maps
 * recorded by hand: frames stacked one measured frame size apart, the deepest running and
 * the others waiting, VmStk from the status; the overflow's fault address just below the
 * stack mapping and outside it; the loop reusing one address. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/scene.h"

enum { ST_OVERFLOW = 5, ST_LOOP = 6, NSTEPS = 7 };

/* The stack before (132 KiB) and after the overflow grew it to the 1 MiB limit. */
static const char maps_before[] =
    "55ebcdc00000-55ebcdc0f000 r-xp 00001000 08:01 100 /usr/bin/oscope\n"
    "55ebcdcf8000-55ebcdd4c000 rw-p 00000000 00:00 0 \n"
    "7f1a2c000000-7f1a2c021000 r--p 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7ffedbfe8000-7ffedc009000 rw-p 00000000 00:00 0 [stack]\n";
static const char maps_after[] =
    "55ebcdc00000-55ebcdc0f000 r-xp 00001000 08:01 100 /usr/bin/oscope\n"
    "55ebcdcf8000-55ebcdd4c000 rw-p 00000000 00:00 0 \n"
    "7f1a2c000000-7f1a2c021000 r--p 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7ffedbf09000-7ffedc009000 rw-p 00000000 00:00 0 [stack]\n";

struct rec { int step; const char *name, *value; };
/* Frames 48 bytes apart (frame address, then n and data below it), as gcc -O2 lays them. */
static const struct rec run[] = {
    { 0, "stack.limit", "1048576" },
    { 0, "d1.n", "1" }, { 0, "d1.n.addr", "0x7ffedc002a3c" }, { 0, "d1.data", "10" },
    { 0, "d1.data.addr", "0x7ffedc002a4c" }, { 0, "d1.frame", "0x7ffedc002a50" },
    { 1, "d2.n", "2" }, { 1, "d2.n.addr", "0x7ffedc002a0c" }, { 1, "d2.data", "10" },
    { 1, "d2.data.addr", "0x7ffedc002a1c" }, { 1, "d2.frame", "0x7ffedc002a20" },
    { 2, "d3.n", "3" }, { 2, "d3.n.addr", "0x7ffedc0029dc" }, { 2, "d3.data", "10" },
    { 2, "d3.data.addr", "0x7ffedc0029ec" }, { 2, "d3.frame", "0x7ffedc0029f0" },
    { 3, "d4.n", "4" }, { 3, "d4.n.addr", "0x7ffedc0029ac" }, { 3, "d4.data", "10" },
    { 3, "d4.data.addr", "0x7ffedc0029bc" }, { 3, "d4.frame", "0x7ffedc0029c0" },
    { 4, "d5.n", "5" }, { 4, "d5.n.addr", "0x7ffedc00297c" }, { 4, "d5.data", "10" },
    { 4, "d5.data.addr", "0x7ffedc00298c" }, { 4, "d5.frame", "0x7ffedc002990" },
    /* the handler reports in decimal (async-signal-safe) */
    { 5, "ovf.addr", "140732588396524" },  /* 0x7ffedbf08fec: 20 B below the stack */
    { 5, "ovf.code", "1" }, { 5, "ovf.depth", "21304" },
    { 5, "ovf.low", "140732588396588" },   /* 0x7ffedbf0902c */
    { 5, "ovf.here", "94471258665116" },   /* 0x55ebcdd0709c, in alt[] */
    { 6, "loop.vmstk0", "1024" }, { 6, "loop.rounds", "21304" },
    { 6, "loop.first", "0x7ffedc002a4c" }, { 6, "loop.last", "0x7ffedc002a4c" },
    { 6, "loop.moved", "0" }, { 6, "loop.vmstk1", "1024" },
};

static struct maps before, after;
static const struct scene *sc;

static int setup(void **state)
{
    (void)state;
    sc = scene_find("recursion");
    assert_non_null(sc);
    assert_int_equal(maps_parse(maps_before, "/usr/bin/oscope", &before), 0);
    assert_int_equal(maps_parse(maps_after, "/usr/bin/oscope", &after), 0);
    return 0;
}

/* Builds step i from what was known there; vmstk_kib 0: the status could not be read. */
static void build(int i, uint64_t vmstk_kib, struct model *m)
{
    static struct facts f;
    struct pid_status st = { .vm_stk_kib = vmstk_kib, .have = PIDST_HAVE_VMSTK };
    struct step_view v = { .index = i, .facts = &f, .maps = i >= ST_OVERFLOW ? &after : &before,
                           .status = &st, .status_err = vmstk_kib ? 0 : -ESRCH };

    facts_clear(&f);
    for (size_t k = 0; k < sizeof run / sizeof run[0]; k++)
        if (run[k].step <= i)
            assert_int_equal(facts_set(&f, run[k].name, run[k].value), 0);
    model_init(m);
    sc->steps[i].build(&v, m);
}

static const struct m_map *the_map(const struct model *m)
{
    assert_true(m->nblocks >= 1);
    assert_int_equal(m->blocks[0].kind, MB_MAP);
    return m->blocks[0].u.map;
}

static const struct m_var *named(const struct m_map *mp, const char *name, int nth)
{
    for (int i = 0; i < mp->nvars; i++)
        if (strcmp(mp->vars[i].name, name) == 0 && nth-- == 0)
            return &mp->vars[i];
    return NULL;
}

static const char *region_of(const struct m_map *mp, const struct m_var *v)
{
    return v->region >= 0 ? mp->regions[v->region].name : "(none)";
}

static void test_steps_and_markers(void **state)
{
    (void)state;
    assert_int_equal(sc->nsteps, NSTEPS);
    for (int i = 0; i < ST_OVERFLOW; i++)
        assert_string_equal(sc->steps[i].marker, "depth");
    assert_string_equal(sc->steps[ST_OVERFLOW].marker, "overflow");
    assert_string_equal(sc->steps[ST_LOOP].marker, "loop");
    assert_non_null(scene_source_mark(sc->source, "overflow"));
    assert_true(sc->limits.stack > 0 && sc->limits.stack <= ((uint64_t)8 << 20));
    assert_true(sc->limits.as_bytes > 0 && sc->limits.cpu_s > 0);
    assert_true(sc->nquiz >= 2 && sc->nquiz <= 4);
}

static void test_frames_stacked_running_and_waiting(void **state)
{
    struct model m;
    char name[16];

    (void)state;
    build(4, 132, &m);
    const struct m_map *mp = the_map(&m);
    for (int d = 1; d <= 5; d++) {
        snprintf(name, sizeof name, "frame %d", d);
        const struct m_var *fr = named(mp, name, 0);
        assert_non_null(fr);
        assert_string_equal(region_of(mp, fr), "stack");
        assert_int_equal(fr->size, 48); /* measured: frame 1 - frame 2 */
        assert_string_equal(fr->value, d == 5 ? "running" : "waiting");
        assert_int_equal(fr->style, d == 5 ? MS_ACCENT : MS_WARN);
        /* Five different ints called data, each in the stack. */
        assert_string_equal(region_of(mp, named(mp, "data", d - 1)), "stack");
    }
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            assert_true(named(mp, "data", a)->addr != named(mp, "data", b)->addr);
    assert_non_null(strstr(m.narrative, "48 bytes below frame 4"));
    assert_non_null(strstr(m.narrative, "VmStk: 132 kB"));
    model_free(&m);
}

static void test_first_depth_and_missing_status(void **state)
{
    struct model m;

    (void)state;
    build(0, 0, &m);
    const struct m_map *mp = the_map(&m);
    assert_string_equal(named(mp, "frame 1", 0)->value, "running");
    assert_int_equal(named(mp, "frame 1", 0)->size, 0); /* no second frame to measure yet */
    assert_non_null(strstr(m.narrative, "n/a"));
    model_free(&m);
}

static void test_overflow_fault_just_below_the_stack(void **state)
{
    struct model m;
    int stack = -1;

    (void)state;
    build(ST_OVERFLOW, 1024, &m);
    const struct m_map *mp = the_map(&m);
    for (int r = 0; r < mp->nregions; r++)
        if (strcmp(mp->regions[r].name, "stack") == 0)
            stack = r;
    assert_true(stack >= 0);
    /* Drawn right below the stack: the unmapped bytes holding si_addr. */
    assert_string_equal(mp->regions[stack + 1].name, "no mapping");
    assert_int_equal(mp->regions[stack + 1].lo, 0x7ffedbf08fec);
    assert_int_equal(mp->regions[stack + 1].hi, mp->regions[stack].lo);
    assert_true(maps_find(&after, 0x7ffedbf08fec) < 0);
    assert_string_equal(region_of(mp, named(mp, "data", 1)), "stack"); /* the deepest */
    assert_string_equal(named(mp, "data", 1)->value, "depth 21,304");
    assert_true(strcmp(region_of(mp, named(mp, "here", 0)), "stack") != 0);
    assert_non_null(strstr(m.headline, "depth 21,304"));
    assert_non_null(strstr(m.narrative, "0x7ffedbf08fec"));
    assert_non_null(strstr(m.narrative, "SIGSEGV"));
    assert_non_null(strstr(m.narrative, "1.0 MiB limit"));
    /* depth x frame size + what was used above frame 1 comes to the limit. */
    assert_int_equal(m.blocks[1].kind, MB_TEXT);
    const struct m_text *t = m.blocks[1].u.text;
    bool said = false, sum = false;
    for (int i = 0; i < t->nlines; i++) {
        said |= strstr(t->line[i], "7ffedbf08fec, 20 B below [stack]") != NULL;
        sum |= strstr(t->line[i], "21,304 frames x 48 B") != NULL &&
               strstr(t->line[i], "= 1.0 MiB") != NULL;
    }
    assert_true(said);
    assert_true(sum);
    model_free(&m);
}

static void test_loop_keeps_one_address(void **state)
{
    struct model m;

    (void)state;
    build(ST_LOOP, 1024, &m);
    const struct m_map *mp = the_map(&m);
    assert_int_equal(named(mp, "data", 0)->addr, 0x7ffedc002a4c);
    assert_int_equal(named(mp, "data", 0)->style, MS_ACCENT);
    assert_non_null(strstr(m.headline, "21,304 rounds"));
    assert_non_null(strstr(m.narrative, "moved 0 times"));
    assert_non_null(strstr(m.narrative, "the very address recursive(1)'s data had"));
    assert_non_null(strstr(m.narrative, "VmStk: 1024 kB before, 1024 kB after"));
    assert_non_null(strstr(m.narrative, "siglongjmp left the handler and all 21,304 frames"));
    model_free(&m);
}

static void test_prediction_judged_from_the_handler(void **state)
{
    const struct prediction *p = sc->steps[ST_OVERFLOW].predict;
    struct facts f;
    struct step_view v = { .facts = &f };

    (void)state;
    assert_non_null(p);
    facts_clear(&f);
    assert_int_equal(p->outcome(&v), -1);
    facts_set(&f, "ovf.addr", "140732588396524");
    assert_non_null(strstr(p->choices[p->outcome(&v)], "SIGSEGV"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_and_markers),
        cmocka_unit_test(test_frames_stacked_running_and_waiting),
        cmocka_unit_test(test_first_depth_and_missing_status),
        cmocka_unit_test(test_overflow_fault_just_below_the_stack),
        cmocka_unit_test(test_loop_keeps_one_address),
        cmocka_unit_test(test_prediction_judged_from_the_handler),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
