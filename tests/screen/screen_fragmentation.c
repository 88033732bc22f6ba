/* screen_fragmentation.c — the scene "fragmentation" walked to its end on a real terminal
 * at 80x24 and 140x45 with a small lab (blocks=20000): the heap fills, half is freed, the
 * big request is refused under the budget and served by a new mapping without it, the
 * pools carve it, malloc_trim gives pages back; then the quiz, q, and no lab left behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/screen/oscope_vt.h"

/* A sanitizer build of oscope brings the sanitizer's malloc into every lab: this scene
 * then explains that it cannot measure glibc's malloc, and the walk checks that instead. */
#if defined(__SANITIZE_ADDRESS__)
#define GLIBC_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GLIBC_MALLOC 0
#endif
#endif
#ifndef GLIBC_MALLOC
#define GLIBC_MALLOC 1
#endif

/* What each step must show (glibc's malloc), by step number from 1. */
static const char *const expect_glibc[] = {
    "20,000 blocks of 1 KiB",
    "Half of it is free, and RSS has not moved",
    "Refused:",
    "No budget: a new",
    "fits under the same budget",
    "malloc_trim(0) on 1 KiB holes",
    "Keep 1 block in 16, trim again",
    "Internal fragmentation",
};

/* Walks every step at rows x cols, answering the prediction at step 3 when asked. */
static void walk(int rows, int cols)
{
    struct vt *vt = os_start(rows, cols, "fragmentation", "--option", "blocks=20000", NULL);
    pid_t lab;

    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, GLIBC_MALLOC ? expect_glibc[0] : "n/a: the experiment did not"));
    lab = os_lab_pid(vt);
    assert_true(os_alive(lab));
    for (int step = 2; step <= 8; step++) {
        assert_true(vt_key(vt, VTERM_KEY_RIGHT));
        if (step == 3) {
            assert_true(os_expect(vt, "predict, then see"));
            assert_true(vt_key_char(vt, '2'));     /* malloc returns NULL */
        }
        assert_true(os_wait_step(vt, step));
        assert_true(os_expect(vt, GLIBC_MALLOC ? expect_glibc[step - 1] : "n/a: the experiment"));
        if (step == 3 && GLIBC_MALLOC) {
            assert_true(os_expect(vt, "The lab agrees"));
            assert_true(os_expect(vt, "NULL, errno ENOMEM"));
        }
        if (step == 4 && GLIBC_MALLOC)
            assert_true(os_expect(vt, "mmap (anonymous)"));
        assert_int_equal(os_lab_pid(vt), lab);     /* one lab for the whole walk */
    }
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "quiz 1/"));
    assert_true(vt_key_char(vt, '2'));
    assert_true(os_expect(vt, "Right."));
    os_quit_clean(vt, lab);
}

static void test_walk_80x24(void **state)
{
    (void)state;
    walk(24, 80);
}

static void test_walk_140x45(void **state)
{
    (void)state;
    walk(45, 140);
}

/* Key o restarts the lab with the next preset; the heap map follows the new size. */
static void test_preset_restarts_with_another_size(void **state)
{
    struct vt *vt = os_start(24, 80, "fragmentation", "--option", "blocks=20000", NULL);
    pid_t first, second;
    (void)state;

    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    first = os_lab_pid(vt);
    assert_true(vt_key_char(vt, 'o'));                 /* blocks=20000 -> blocks=100000 */
    assert_true(os_expect(vt, "lab restarted with blocks=100000"));
    assert_true(os_expect(vt, GLIBC_MALLOC ? "100,000 blocks of 1 KiB" : "n/a: the experiment"));
    second = os_lab_pid(vt);
    assert_true(second != first && os_alive(second));
    assert_false(os_alive(first));
    assert_true(vt_key_char(vt, 'q'));
    assert_int_equal(vt_finish(vt, OS_WAIT_MS), 0);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_walk_80x24, os_teardown),
        cmocka_unit_test_teardown(test_walk_140x45, os_teardown),
        cmocka_unit_test_teardown(test_preset_restarts_with_another_size, os_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
