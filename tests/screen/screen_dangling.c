/* screen_dangling.c — the scene "dangling" walked to its end on a pseudo-terminal at 80x24
 * and 140x45: the dangling steps, the owner reading back 50 (or, under the sanitizer build
 * whose malloc does not hand the block back, what happened instead), AddressSanitizer's
 * report (or the plain "not installed" note), the quiz, and a clean quit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/screen/oscope_vt.h"

/* This test is built with the same sanitizer flags as the oscope it drives; under ASan the
 * lab's malloc is libasan's, which keeps freed blocks out of reuse. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Whether the AddressSanitizer build of the lab code sits where the lab looks for it. */
static bool demo_built(void)
{
    char bin[PATH_MAX], path[PATH_MAX + 64];
    const char *dir;

    snprintf(bin, sizeof bin, "%s", vt_bin());
    dir = dirname(bin);
    snprintf(path, sizeof path, "%s/oscope-uaf-asan", dir);
    if (access(path, X_OK) == 0)
        return true;
    snprintf(path, sizeof path, "%s/build/rel/oscope-uaf-asan", dir);
    return access(path, X_OK) == 0;
}

static void step_to(struct vt *vt, int k, const char *text)
{
    if (k > 1)
        assert_true(os_next(vt));
    assert_true(os_wait_step(vt, k));
    assert_true(os_expect(vt, text));
}

static void walk(int rows, int cols)
{
    struct vt *vt = os_start(rows, cols, "dangling", NULL);
    pid_t lab;

    step_to(vt, 1, "the int on the heap");
    step_to(vt, 2, "copies the address, not the int");
    step_to(vt, 3, "p2 and p3 do not change");
    step_to(vt, 4, "Inside the dead block");
    step_to(vt, 5, "p3 still points at the dead block");
    if (UNDER_ASAN) {
        step_to(vt, 6, "a different block");
        step_to(vt, 7, "the owner still reads 7");
    } else {
        step_to(vt, 6, "the very same block");
        step_to(vt, 7, "the owner reads 50, not 7");
        assert_true(os_expect(vt, " 50 (4 B)")); /* the owner's int in the map */
    }
    if (demo_built()) {
        step_to(vt, 8, "ERROR: AddressSanitizer: heap-use-after-free");
        assert_true(os_expect(vt, "WRITE of size 4 at 0x"));
        assert_true(os_expect(vt, "ended with exit 1"));
    } else {
        step_to(vt, 8, "AddressSanitizer is not installed here");
    }
    /* The demo died of its report; the lab and oscope did not. */
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    assert_true(os_alive(lab));
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
