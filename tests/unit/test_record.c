/* test_record.c — recording on a pseudo-terminal, driven as a user would: the program's
 * output reaches the screen and the cast, keys reach the program, a resize reaches both,
 * the exit status comes back (128 + N for a signal), an existing file is never replaced,
 * and no terminal means no recording. Each run happens in a child on a pty of its own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tui/record.h"

static char cast[64];
static char screen[1 << 16];     /* what the user's terminal received */
static char text[1 << 16];       /* the cast file */

static int setup(void **state)
{
    int fd;
    (void)state;

    snprintf(cast, sizeof cast, "/tmp/oscope-rec-XXXXXX");
    if ((fd = mkstemp(cast)) < 0)
        return -1;
    close(fd);
    return unlink(cast);         /* the name only: record must create it */
}

static int teardown(void **state)
{
    (void)state;
    unlink(cast);
    return 0;
}

/* What the user does once the screen shows "ready". */
enum act { TYPE, TERMINATE };
static struct termios after;     /* the user's terminal once the recorder has ended */

/* Runs `sh -c script` under record_run_cmd on a fresh 80x24 pty. When the screen shows
 * "ready": TYPE resizes the pty to 100x30 and types "hello\r"; TERMINATE sends SIGTERM to
 * the recorder. Returns the recorder's exit code. */
static int run_acting(const char *script, enum act act)
{
    char sh[] = "sh", c[] = "-c", s[1024];
    char *const argv[] = { sh, c, s, NULL };
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    size_t len = 0;
    int master, status, typed = 0;
    pid_t pid;

    snprintf(s, sizeof s, "%s", script);
    pid = forkpty(&master, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(record_run_cmd(cast, "/bin/sh", argv));
    for (;;) {
        struct pollfd pf = { .fd = master, .events = POLLIN };
        ssize_t n;

        if (poll(&pf, 1, 30000) <= 0) {
            kill(pid, SIGKILL);
            fail_msg("no output for 30 s; screen so far: %s", screen);
        }
        n = read(master, screen + len, sizeof screen - 1 - len);
        if (n <= 0)
            break;               /* EIO: the recorder and all it ran are gone */
        len += (size_t)n;
        screen[len] = '\0';
        if (!typed && strstr(screen, "ready") && act == TYPE) {
            ws = (struct winsize){ .ws_row = 30, .ws_col = 100 };
            assert_int_equal(ioctl(master, TIOCSWINSZ, &ws), 0);
            assert_int_equal(write(master, "hello\r", 6), 6);
            typed = 1;
        } else if (!typed && strstr(screen, "ready")) {
            kill(pid, SIGTERM);
            typed = 1;
        }
    }
    assert_int_equal(tcgetattr(master, &after), 0);
    close(master);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int run_recorded(const char *script)
{
    return run_acting(script, TYPE);
}

/* Reads the cast into text; false when there is no such file. */
static int read_cast(void)
{
    FILE *f = fopen(cast, "rb");
    size_t n;

    if (!f)
        return 0;
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return 1;
}

/* Event times never go back, and each event line has the asciicast shape. */
static void check_events(void)
{
    double last = 0;

    for (const char *l = strchr(text, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
        char *end;
        double t = strtod(l + 1, &end);

        assert_true(l[0] == '[');
        assert_true(strncmp(end, ", \"o\", \"", 8) == 0 || strncmp(end, ", \"r\", \"", 8) == 0);
        assert_true(t >= last);
        last = t;
    }
}

static void test_output_recorded(void **state)
{
    (void)state;

    assert_int_equal(run_recorded("printf 'hi \\033[1mbold\\033[0m rec=%s\\n' \"$" RECORD_ENV "\"; "
                                  "exit 3"), 3);
    /* On the user's screen... */
    assert_non_null(strstr(screen, "hi \x1b[1mbold\x1b[0m rec=1\r\n"));
    /* ...and in the cast, escaped, after a header with the terminal's size. */
    assert_true(read_cast());
    assert_true(strncmp(text, "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": ", 55) == 0);
    assert_non_null(strstr(text, "hi \\u001b[1mbold\\u001b[0m rec=1\\r\\n"));
    assert_non_null(strstr(screen, "recorded to"));
    check_events();
}

static void test_keys_and_resize(void **state)
{
    const char *r, *got;
    (void)state;

    assert_int_equal(run_recorded("printf ready; read x; printf '\\ngot=%s size=%s\\n' \"$x\" "
                                  "\"$(stty size)\""), 0);
    assert_non_null(strstr(screen, "got=hello size=30 100"));
    assert_true(read_cast());
    r = strstr(text, ", \"r\", \"100x30\"]\n");
    got = strstr(text, "got=hello size=30 100");
    assert_non_null(r);
    assert_non_null(got);
    assert_true(r < got);
    check_events();
}

static void test_exit_by_signal(void **state)
{
    (void)state;
    assert_int_equal(run_recorded("kill -TERM $$"), 128 + SIGTERM);
    assert_true(read_cast());
}

static void test_signal_forwarded(void **state)
{
    (void)state;
    /* The recorder passes SIGTERM on, reports the program's end and gives the terminal
     * back as it was: line editing and echo on again. */
    assert_int_equal(run_acting("printf ready; read x", TERMINATE), 128 + SIGTERM);
    assert_true(after.c_lflag & ICANON);
    assert_true(after.c_lflag & ECHO);
    assert_true(read_cast());
    assert_non_null(strstr(text, "ready"));
}

static void test_program_missing(void **state)
{
    char nope[] = "nope";
    char *const argv[] = { nope, NULL };
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    size_t len = 0;
    ssize_t n;
    int master, status;
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    (void)state;

    assert_true(pid >= 0);
    if (pid == 0)
        _exit(record_run_cmd(cast, "/nonexistent/oscope", argv));
    while ((n = read(master, screen + len, sizeof screen - 1 - len)) > 0)
        len += (size_t)n;
    screen[len] = '\0';
    close(master);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 127);
    assert_non_null(strstr(screen, "cannot run /nonexistent/oscope"));
}

static void test_never_overwrites(void **state)
{
    FILE *f = fopen(cast, "w");
    (void)state;

    assert_non_null(f);
    fputs("keep me\n", f);
    fclose(f);
    assert_int_equal(run_recorded("echo should not run"), 2);
    assert_non_null(strstr(screen, "already exists"));
    assert_null(strstr(screen, "should not run"));
    assert_true(read_cast());
    assert_string_equal(text, "keep me\n");
}

static void test_needs_a_terminal(void **state)
{
    char sh[] = "sh", c[] = "-c", t[] = "true";
    char *const argv[] = { sh, c, t, NULL };
    int status, err[2];
    char msg[256] = "";
    ssize_t n;
    pid_t pid;
    (void)state;

    assert_int_equal(pipe(err), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(err[1], 2);
        _exit(record_run_cmd(cast, "/bin/sh", argv));
    }
    close(err[1]);
    n = read(err[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(err[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_non_null(strstr(msg, "needs a terminal"));
    assert_int_equal(access(cast, F_OK), -1);
}

static void test_nested_refused(void **state)
{
    char prog[] = "oscope", rec[] = "--record";
    char *argv[] = { prog, rec, cast, NULL };
    (void)state;

    setenv(RECORD_ENV, "1", 1);
    assert_int_equal(record_run(cast, 3, argv), 2);
    unsetenv(RECORD_ENV);
    assert_int_equal(access(cast, F_OK), -1);
}

static void test_strip_args(void **state)
{
    char o[] = "oscope", nc[] = "--no-color", r[] = "--record", x[] = "x.cast",
         sh[] = "stack-heap", rx[] = "--record=x.cast", y[] = "y";
    char *a[] = { o, nc, r, x, sh, NULL };
    char *b[] = { o, rx, r, y, NULL };
    char *c[] = { o, sh, NULL };
    char *out[8];
    (void)state;

    assert_int_equal(record_strip_args(5, a, out), 3);
    assert_string_equal(out[0], "oscope");
    assert_string_equal(out[1], "--no-color");
    assert_string_equal(out[2], "stack-heap");
    assert_null(out[3]);
    /* Only the first: a second --record is the program's to refuse. */
    assert_int_equal(record_strip_args(4, b, out), 3);
    assert_string_equal(out[1], "--record");
    assert_string_equal(out[2], "y");
    assert_int_equal(record_strip_args(2, c, out), 2);
    assert_string_equal(out[1], "stack-heap");
    assert_null(out[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_and_resize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_by_signal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_forwarded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_a_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_refused, setup, teardown),
        cmocka_unit_test(test_strip_args),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
