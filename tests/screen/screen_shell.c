/* screen_shell.c — the real ./oscope on a pseudo-terminal: the menu, opening a scene,
 * stepping (the highlighted line moves), help, too small and back, quitting with no lab
 * left, Ctrl-C and TERM=dumb, and monochrome. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/screen/oscope_vt.h"

/* The row holding the code pane's "about to run" marker, or -1. */
static int next_line_row(struct vt *vt)
{
    char buf[512];

    for (int r = 1; r < vt_rows(vt) - 1; r++) {
        os_row_from(vt, r, 1, buf, sizeof buf);
        if (strncmp(buf, "\xe2\x96\xb6", 3) == 0) /* ▶ */
            return r;
    }
    return -1;
}

static void quit_clean(struct vt *vt, pid_t lab)
{
    int status;

    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    if (lab)
        assert_false(os_alive(lab));
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

static void test_menu_open_step_help_quit(void **state)
{
    (void)state;
    struct vt *vt = os_start(24, 80, NULL);
    int row, col, before, after;
    pid_t lab;

    assert_true(os_expect(vt, "stack-heap"));
    assert_true(vt_find(vt, "Where variables live", &row, &col));
    assert_true(vt_key(vt, VTERM_KEY_ENTER));
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, "lab code"));
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    assert_true(os_alive(lab));

    /* Right moves the highlighted line down. */
    before = next_line_row(vt);
    assert_true(before > 0);
    assert_true(vt_cell_attr(vt, before, 2).reverse || vt_cell_attr(vt, before, 2).bg >= 0);
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_wait_step(vt, 2));
    vt_settle(vt, 100);
    after = next_line_row(vt);
    assert_true(after > before);
    assert_true(os_expect(vt, "A local variable lives"));

    /* Left shows the recorded step again. */
    assert_true(vt_key(vt, VTERM_KEY_LEFT));
    assert_true(os_wait_step(vt, 1));
    assert_int_equal(next_line_row(vt), before);

    /* ? opens help; any key closes it. */
    assert_true(vt_key_char(vt, '?'));
    assert_true(os_expect(vt, "Keys"));
    assert_true(os_expect(vt, "scroll the diagram"));
    assert_true(vt_key_char(vt, 'x'));
    assert_true(vt_wait_gone(vt, "scroll the diagram", OS_WAIT_MS));

    /* m goes back to the menu and ends the lab. */
    assert_true(vt_key_char(vt, 'm'));
    assert_true(os_expect(vt, "Scenes:"));
    vt_settle(vt, 200);
    assert_false(os_alive(lab));
    quit_clean(vt, 0);
}

static void test_too_small_and_back(void **state)
{
    (void)state;
    struct vt *vt = os_start(24, 80, "stack-heap", NULL);
    pid_t lab;

    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    vt_resize(vt, 20, 60);
    assert_true(os_expect(vt, "terminal too small: need 80x24, have 60x20"));
    vt_resize(vt, 30, 100);
    assert_true(vt_wait_gone(vt, "terminal too small", OS_WAIT_MS));
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, "lab code"));
    /* Wider: line numbers come back in the code pane. */
    assert_true(os_expect(vt, "  6"));
    quit_clean(vt, lab);
}

static void test_end_runs_to_the_last_step_and_quiz(void **state)
{
    (void)state;
    struct vt *vt = os_start(24, 80, "stack-heap", NULL);

    assert_true(os_wait_step(vt, 1));
    assert_true(vt_key(vt, VTERM_KEY_END));
    assert_true(os_expect(vt, "step 9/9"));
    assert_true(os_expect(vt, "free(hp) gives the block back"));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "Question 1 of 3"));
    assert_true(vt_key_char(vt, '1'));
    assert_true(os_expect(vt, "Right."));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "Question 2 of 3"));
    assert_true(vt_key_char(vt, '1'));
    assert_true(os_expect(vt, "Not quite."));
    quit_clean(vt, 0);
}

static void test_predict_then_reveal(void **state)
{
    (void)state;
    struct vt *vt = os_start(24, 80, "stack-heap", NULL);

    assert_true(os_wait_step(vt, 1));
    for (int k = 2; k <= 3; k++) {
        assert_true(vt_key(vt, VTERM_KEY_RIGHT));
        assert_true(os_wait_step(vt, k));
        assert_true(os_expect(vt, " stopped"));
    }
    /* The next line is malloc: oscope asks first, and the lab waits. */
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "predict, then see"));
    assert_true(os_expect(vt, "is about to run"));
    assert_true(os_wait_step(vt, 3));
    assert_true(vt_key_char(vt, '1')); /* on the stack: wrong */
    assert_true(os_wait_step(vt, 4));
    /* glibc puts it in [heap]; a sanitizer build's allocator in an anonymous mapping. */
    assert_true(os_expect(vt, "You predicted: on the stack, next to hp. The lab shows: in "));
    /* Going back and forth keeps the guess with its step. */
    assert_true(vt_key(vt, VTERM_KEY_LEFT));
    assert_true(vt_wait_gone(vt, "You predicted", OS_WAIT_MS));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "You predicted: on the stack"));
    quit_clean(vt, 0);
}

static void test_presenter_keys(void **state)
{
    (void)state;
    struct vt *vt = os_start(30, 100, "stack-heap", NULL);

    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, " stopped"));
    /* Focus: the code pane and the narrative give way to the diagram. */
    assert_true(vt_key_char(vt, 'f'));
    assert_true(vt_wait_gone(vt, "lab code", OS_WAIT_MS));
    assert_true(os_expect(vt, "/maps, high addresses on top"));
    assert_true(vt_key_char(vt, 'f'));
    assert_true(os_expect(vt, "lab code"));
    /* Notes pane. */
    assert_true(vt_key_char(vt, 'N'));
    assert_true(os_expect(vt, "presenter notes"));
    /* Themes cycle. */
    assert_true(vt_key_char(vt, 'T'));
    assert_true(os_expect(vt, "theme: contrast"));
    assert_true(vt_key_char(vt, 'T'));
    assert_true(os_expect(vt, "theme: light"));
    /* Autoplay, at its fastest pace, walks on by itself (skipping the prediction). */
    assert_true(vt_key_char(vt, 'a'));
    for (int i = 0; i < 6; i++)
        assert_true(vt_key_char(vt, ']'));
    assert_true(vt_wait_text(vt, "step 5/9", 15000));
    assert_true(vt_key_char(vt, 'a'));
    assert_true(os_expect(vt, "autoplay off"));
    quit_clean(vt, 0);
}

static void test_tour_walks_scenes_with_notes(void **state)
{
    (void)state;
    char path[] = "/tmp/oscope-test-tour-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    struct vt *vt;

    assert_non_null(f);
    fputs("title Test tour\nscene stack-heap\nsteps 2-3\nnote 2 First note here.\n"
          "note 3 Second note here.\nscene stack-heap\nsteps 9\nnote 9 The last stop.\n", f);
    fclose(f);
    vt = os_start(30, 100, "--tour", path, NULL);
    assert_true(os_expect(vt, "tour 1/3"));
    assert_true(os_expect(vt, "step 2/9"));
    assert_true(os_expect(vt, "First note here."));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "Second note here."));
    assert_true(os_expect(vt, "tour 2/3"));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "step 9/9"));
    assert_true(os_expect(vt, "The last stop."));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "end of the tour"));
    assert_true(vt_key(vt, VTERM_KEY_HOME));
    assert_true(os_expect(vt, "First note here."));
    unlink(path);
    quit_clean(vt, 0);
}

static void test_ctrl_c_restores_and_reaps(void **state)
{
    (void)state;
    struct vt *vt = os_start(24, 80, "stack-heap", NULL);
    pid_t lab;
    int status;

    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, " stopped"));
    lab = os_lab_pid(vt);
    assert_true(vt_send_raw(vt, "\x03", 1));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 128 + SIGINT);
    assert_true(os_expect(vt, "stopped by INT"));
    assert_false(os_alive(lab));
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

static void test_sigterm_and_sighup(void **state)
{
    (void)state;
    int sigs[] = { SIGTERM, SIGHUP };

    for (int i = 0; i < 2; i++) {
        struct vt *vt = os_start(24, 80, "stack-heap", NULL);
        pid_t lab;
        int status;

        assert_true(os_expect(vt, " stopped"));
        lab = os_lab_pid(vt);
        kill(vt_pid(vt), sigs[i]);
        status = vt_finish(vt, OS_WAIT_MS);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 128 + sigs[i]);
        assert_false(os_alive(lab));
        assert_int_equal(vt_orphans(), 0);
        vt_free(vt);
    }
}

static void test_dumb_terminal_refused(void **state)
{
    (void)state;
    const char *env[] = { "TERM=dumb", NULL };
    struct vt *vt = os_start_env(24, 80, env, "stack-heap", NULL);
    int status;

    assert_true(os_expect(vt, "cannot show a full-screen program"));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

static void test_no_color_keeps_states_apart(void **state)
{
    (void)state;
    const char *env[] = { "NO_COLOR=1", NULL };
    struct vt *vt = os_start_env(24, 80, env, "stack-heap", NULL);
    int row;

    assert_true(os_wait_step(vt, 1));
    vt_settle(vt, 100);
    /* No colour anywhere; the title bar and the next line are reverse video instead. */
    for (int r = 0; r < vt_rows(vt); r++)
        for (int c = 0; c < vt_cols(vt); c += 7) {
            struct vt_attr a = vt_cell_attr(vt, r, c);
            assert_true(a.fg == -1 || a.fg == 7 || a.fg == 0);
        }
    assert_true(vt_cell_attr(vt, 0, 2).reverse);
    row = next_line_row(vt);
    assert_true(row > 0);
    assert_true(vt_cell_attr(vt, row, 3).reverse);
    quit_clean(vt, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_menu_open_step_help_quit),
        cmocka_unit_test(test_too_small_and_back),
        cmocka_unit_test(test_end_runs_to_the_last_step_and_quiz),
        cmocka_unit_test(test_predict_then_reveal),
        cmocka_unit_test(test_presenter_keys),
        cmocka_unit_test(test_tour_walks_scenes_with_notes),
        cmocka_unit_test(test_ctrl_c_restores_and_reaps),
        cmocka_unit_test(test_sigterm_and_sighup),
        cmocka_unit_test(test_dumb_terminal_refused),
        cmocka_unit_test(test_no_color_keeps_states_apart),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
