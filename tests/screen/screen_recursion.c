/* screen_recursion.c — the scene "recursion" walked to its end on a pseudo-terminal at 80x24
 * and 140x45: five frames, the stack overflow reported by the lab's SIGSEGV handler while
 * oscope and the lab go on, the loop, the quiz, and a quit that leaves no process behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/screen/oscope_vt.h"

static void step_to(struct vt *vt, int k, const char *text)
{
    if (k > 1)
        assert_true(os_next(vt));
    assert_true(os_wait_step(vt, k));
    assert_true(os_expect(vt, text));
}

static void walk(int rows, int cols)
{
    struct vt *vt = os_start(rows, cols, "recursion", NULL);
    char want[64];
    pid_t lab, lab_after;

    step_to(vt, 1, "recursive(1): the call gets a frame");
    assert_true(os_expect(vt, "frame 1"));
    for (int k = 2; k <= 5; k++) {
        snprintf(want, sizeof want, "recursive(%d): a new frame", k);
        step_to(vt, k, want);
        snprintf(want, sizeof want, "frame %d", k);
        assert_true(os_expect(vt, want));
        assert_true(os_expect(vt, "waiting"));
    }
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    step_to(vt, 6, "Stack overflow at depth");
    assert_true(os_expect(vt, "so SIGSEGV"));
    assert_true(os_expect(vt, "no mapping")); /* the fault, drawn below the stack */
    assert_true(os_expect(vt, "Stack 1,024 KiB")); /* VmStk in the live strip */
    /* The overflow was caught in the lab: the same lab, still there, and oscope with it. */
    assert_true(os_expect(vt, " stopped"));
    lab_after = os_lab_pid(vt);
    assert_int_equal(lab_after, lab);
    assert_true(os_alive(lab));
    assert_true(os_alive(vt_pid(vt)));
    step_to(vt, 7, "as a loop: one frame, one data");
    assert_true(os_expect(vt, "looped(): ev")); /* its data in the map */
    os_quiz_and_quit(vt, lab);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_walk_80x24, os_teardown),
        cmocka_unit_test_teardown(test_walk_140x45, os_teardown),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
