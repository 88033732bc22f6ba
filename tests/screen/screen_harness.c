/* screen_harness.c — tests of the screen-test harness itself (vt.h), on small /bin/sh
 * scripts instead of oscope, so a failure here points at the harness, not the program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/screen/oscope_vt.h"
#include "tests/screen/vt.h"

/* Generous: a loaded CI machine under ASan is slow, and a pass returns at once. */
static const int WAIT_MS = 5000;

/* Runs script with /bin/sh on a 24x80 terminal. */
static struct vt *sh(const char *script)
{
    const char *const argv[] = { "/bin/sh", "-c", script, NULL };
    struct vt *vt = vt_spawn(24, 80, argv, NULL);

    assert_non_null(vt);
    return vt;
}

/* Waits for needle, and fails with the screen in the log if it never shows. */
static void expect_text(struct vt *vt, const char *needle)
{
    if (!vt_wait_text(vt, needle, WAIT_MS)) {
        vt_dump(vt, stderr);
        fail_msg("\"%s\" never appeared on the screen", needle);
    }
}

static void expect_row(struct vt *vt, int row, const char *want)
{
    char buf[512];

    vt_row(vt, row, buf, sizeof buf);
    if (strcmp(buf, want) != 0) {
        vt_dump(vt, stderr);
        fail_msg("row %d is \"%s\", expected \"%s\"", row, buf, want);
    }
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After any test, passed or not: no child left running, nothing orphaned. */
static void test_text_bold_and_typing(void **state)
{
    struct vt *vt = sh("printf '\\033[?1049h\\033[1mBOLD\\033[0m hello\\n'; "
                       "read x; echo got:$x; sleep 0.1");
    int row = -1, col = -1, status;

    (void)state;
    expect_text(vt, "hello");
    assert_true(vt_find(vt, "BOLD", &row, &col));
    assert_int_equal(row, 0);
    assert_int_equal(col, 0);
    expect_row(vt, 0, "BOLD hello");
    assert_true(vt_cell_attr(vt, 0, 0).bold);
    assert_true(vt_cell_attr(vt, 0, 3).bold);
    assert_false(vt_cell_attr(vt, 0, 5).bold);

    assert_true(vt_type(vt, "abc"));
    assert_true(vt_key(vt, VTERM_KEY_ENTER));
    expect_text(vt, "got:abc");
    assert_true(vt_find(vt, "got:abc", &row, &col));
    assert_int_equal(row, 2);           /* the tty echoed "abc" on row 1 */

    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

static void test_colours_and_attributes(void **state)
{
    struct vt *vt = sh("printf '\\033[31mR\\033[38;5;200mX\\033[0;44mB\\033[0;7mV"
                       "\\033[0;4mU\\033[0;91mN\\033[0mD\\n'; read x");
    struct vt_attr a;

    (void)state;
    expect_text(vt, "RXBVUND");
    a = vt_cell_attr(vt, 0, 0);
    assert_int_equal(a.fg, 1);
    assert_int_equal(a.bg, -1);
    assert_int_equal(vt_cell_attr(vt, 0, 1).fg, 200);
    a = vt_cell_attr(vt, 0, 2);
    assert_int_equal(a.fg, -1);
    assert_int_equal(a.bg, 4);
    a = vt_cell_attr(vt, 0, 3);
    assert_true(a.reverse);
    assert_int_equal(a.fg, -1);         /* reverse is an attribute, colours not swapped */
    assert_true(vt_cell_attr(vt, 0, 4).underline);
    assert_false(vt_cell_attr(vt, 0, 4).reverse);
    assert_int_equal(vt_cell_attr(vt, 0, 5).fg, 9);
    a = vt_cell_attr(vt, 0, 6);
    assert_false(a.bold || a.reverse || a.underline);
    assert_int_equal(a.fg, -1);
    assert_int_equal(a.bg, -1);
    a = vt_cell_attr(vt, 99, 0);        /* off the screen: plain */
    assert_int_equal(a.fg, -1);

    vt_free(vt);                        /* kills the shell still in read */
    assert_int_equal(vt_orphans(), 0);
}

/* The bytes each key sends, as the child reads them in raw mode. */
static void test_key_encodings(void **state)
{
    struct vt *vt = sh("stty raw -echo; printf 'ready\\r\\n'; "
                       "dd bs=1 count=11 2>/dev/null | od -An -tx1; printf '\\r'; "
                       "printf '\\033[?1happ-mode\\r\\n'; "
                       "dd bs=1 count=6 2>/dev/null | od -An -tx1; printf '\\r\\n'");
    int status;

    (void)state;
    expect_text(vt, "ready");
    assert_true(vt_key_char(vt, 'q'));
    assert_true(vt_key_ctrl(vt, 'l'));
    assert_true(vt_key_fn(vt, 1));
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(vt_key_char(vt, 0xe9));                     /* é */
    assert_true(vt_key(vt, VTERM_KEY_ENTER));
    expect_text(vt, "71 0c 1b 4f 50 1b 5b 43 c3 a9 0d");

    expect_text(vt, "app-mode");        /* DECCKM on: cursor keys switch to SS3 */
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(vt_send_raw(vt, "\033x\x7f", 3));
    expect_text(vt, "1b 4f 43 1b 78 7f");

    assert_false(vt_key_fn(vt, 0));
    assert_false(vt_key_ctrl(vt, '1'));
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    vt_free(vt);
}

static void test_resize(void **state)
{
    struct vt *vt = sh("printf '\\033[?1049h'; stty size; read x; stty size; "
                       "trap 'echo winch; stty size' WINCH; echo armed; read y");

    (void)state;
    expect_text(vt, "24 80");
    vt_resize(vt, 30, 100);
    assert_int_equal(vt_rows(vt), 30);
    assert_int_equal(vt_cols(vt), 100);
    assert_true(vt_key(vt, VTERM_KEY_ENTER));
    expect_text(vt, "30 100");
    expect_text(vt, "armed");

    vt_resize(vt, 20, 60);              /* the shell's trap sees SIGWINCH */
    expect_text(vt, "20 60");
    assert_true(vt_find(vt, "winch", NULL, NULL));
    vt_free(vt);
}

static void test_finish_status(void **state)
{
    const char *const missing[] = { "/nonexistent/oscope", NULL };
    struct vt *vt;
    long long t0;
    int status;

    (void)state;
    vt = sh("exit 3");
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    assert_int_equal(vt_finish(vt, 0), status);             /* asking again is fine */
    vt_free(vt);

    vt = sh("kill -TERM $$");
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    vt_free(vt);

    vt = sh("exec sleep 10");
    t0 = now_ms();
    assert_int_equal(vt_finish(vt, 200), -1);               /* timed out, killed */
    assert_true(now_ms() - t0 < 2000);
    vt_free(vt);

    vt = vt_spawn(24, 80, missing, NULL);
    assert_non_null(vt);
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 127);
    assert_true(vt_find(vt, "cannot run /nonexistent/oscope", NULL, NULL));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

static void test_orphans_and_children(void **state)
{
    struct vt *vt = sh("sleep 30 & echo started $!; read x");
    pid_t kids[4];
    char buf[128];
    int row, n;

    (void)state;
    expect_text(vt, "started ");
    assert_true(vt_find(vt, "started ", &row, NULL));
    vt_row(vt, row, buf, sizeof buf);
    n = vt_children_of(vt_pid(vt), kids, 4);
    assert_int_equal(n, 1);
    assert_int_equal(kids[0], atoi(buf + strlen("started ")));
    assert_int_equal(vt_orphans(), 0);  /* a running vt child's descendants are its own */

    assert_true(vt_key(vt, VTERM_KEY_ENTER));
    assert_int_equal(vt_finish(vt, WAIT_MS), 0);
    assert_int_equal(vt_orphans(), 1);  /* the sleep, re-parented here */
    assert_int_equal(vt_orphans(), 0);  /* and gone */
    assert_int_equal(vt_children_of(getpid(), kids, 4), 0);
    vt_free(vt);

    vt = sh("echo clean");
    assert_int_equal(vt_finish(vt, WAIT_MS), 0);
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

static void test_wait_gone_and_early_exit(void **state)
{
    struct vt *vt = sh("printf 'spinner'; sleep 0.5; printf '\\r\\033[K'; echo gone-now; read x");
    long long t0;

    (void)state;
    expect_text(vt, "spinner");
    assert_true(vt_wait_gone(vt, "spinner", WAIT_MS));
    assert_true(vt_find(vt, "gone-now", NULL, NULL));
    assert_false(vt_wait_gone(vt, "gone-now", 100));
    vt_free(vt);

    vt = sh("echo bye");
    t0 = now_ms();
    assert_false(vt_wait_text(vt, "never shown", 10000));  /* the terminal closed: no wait */
    assert_true(now_ms() - t0 < 3000);
    assert_true(vt_find(vt, "bye", NULL, NULL));
    assert_int_equal(vt_finish(vt, WAIT_MS), 0);
    vt_free(vt);
}

static void test_environment(void **state)
{
    const char *const argv[] = {
        "/bin/sh", "-c",
        "echo \"T=$TERM L=$LANG A=$LC_ALL E=$ESCDELAY F=${FOO-unset} LI=${LINES-unset} "
        "CO=${COLUMNS-unset} NC=${NO_COLOR-unset} K=${VT_KEEP-unset}\"; read x",
        NULL };
    const char *const extra[] = { "FOO=bar", "VT_KEEP=", NULL };
    const char *const colour_off[] = { "NO_COLOR=1", NULL };
    struct vt *vt;

    (void)state;
    setenv("LINES", "99", 1);
    setenv("COLUMNS", "99", 1);
    setenv("NO_COLOR", "1", 1);
    setenv("VT_KEEP", "1", 1);
    vt = vt_spawn(24, 160, argv, extra);     /* wide: the line must not wrap */
    unsetenv("LINES");
    unsetenv("COLUMNS");
    unsetenv("NO_COLOR");
    unsetenv("VT_KEEP");
    assert_non_null(vt);
    expect_text(vt, "T=xterm-256color L=C.UTF-8 A=C.UTF-8 E=25 F=bar LI=unset CO=unset "
                    "NC=unset K=unset");
    vt_free(vt);

    vt = vt_spawn(24, 160, argv, colour_off);
    assert_non_null(vt);
    expect_text(vt, "NC=1 ");
    vt_free(vt);
}

static void test_utf8_columns_and_screen(void **state)
{
    struct vt *vt = sh("printf '\\033[?1049h\\033[3;5H\\303\\251\\342\\206\\222"
                       "\\346\\227\\245x  \\n'; read x");
    int row = -1, col = -1, lines = 0;
    char *all;

    (void)state;
    expect_text(vt, "x");
    assert_true(vt_find(vt, "x", &row, &col));
    assert_int_equal(row, 2);
    assert_int_equal(col, 4 + 1 + 1 + 2);  /* é, → one column each, 日 two */
    assert_true(vt_find(vt, "日x", &row, &col));
    assert_int_equal(col, 6);
    expect_row(vt, 2, "    é→日x");       /* trailing blanks cut */
    expect_row(vt, 99, "");

    all = vt_screen(vt);
    for (const char *p = all; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 23);
    assert_non_null(strstr(all, "\n\n    é→日x\n"));
    free(all);
    vt_free(vt);
}

/* A child that writes far more than the pty holds must never block on it. */
static void test_heavy_output(void **state)
{
    struct vt *vt = sh("i=0; while [ $i -lt 40 ]; do head -c 20000 /dev/zero | tr '\\0' 'y'; "
                       "i=$((i+1)); done; echo; echo END; read x");

    (void)state;
    expect_text(vt, "END");
    assert_true(vt_type(vt, "\r"));
    assert_int_equal(vt_finish(vt, WAIT_MS), 0);
    vt_free(vt);
}

static void test_bin_from_environment(void **state)
{
    char *saved = getenv("OSCOPE_BIN") ? strdup(getenv("OSCOPE_BIN")) : NULL;

    (void)state;
    unsetenv("OSCOPE_BIN");
    assert_string_equal(vt_bin(), "./oscope");
    setenv("OSCOPE_BIN", "build/san/oscope", 1);
    assert_string_equal(vt_bin(), "build/san/oscope");
    setenv("OSCOPE_BIN", "", 1);
    assert_string_equal(vt_bin(), "./oscope");
    setenv("OSCOPE_BIN", "oscope", 1);         /* as the Makefile says it: not from PATH */
    assert_string_equal(vt_bin(), "./oscope");
    if (saved)
        setenv("OSCOPE_BIN", saved, 1);
    else
        unsetenv("OSCOPE_BIN");
    free(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_text_bold_and_typing, os_teardown),
        cmocka_unit_test_teardown(test_colours_and_attributes, os_teardown),
        cmocka_unit_test_teardown(test_key_encodings, os_teardown),
        cmocka_unit_test_teardown(test_resize, os_teardown),
        cmocka_unit_test_teardown(test_finish_status, os_teardown),
        cmocka_unit_test_teardown(test_orphans_and_children, os_teardown),
        cmocka_unit_test_teardown(test_wait_gone_and_early_exit, os_teardown),
        cmocka_unit_test_teardown(test_environment, os_teardown),
        cmocka_unit_test_teardown(test_utf8_columns_and_screen, os_teardown),
        cmocka_unit_test_teardown(test_heavy_output, os_teardown),
        cmocka_unit_test(test_bin_from_environment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
