/* screen_watch.c — `oscope watch` on a real terminal: its blocks at 80x24, a value that
 * changes (a child of this test opens a file on cue), help, legend, pause and clear,
 * wider sparklines at 200x50, the too-small notice, a watched process that exits, and a
 * process that does not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/screen/vt.h"

extern char **environ;

static const int WAIT_MS = 8000;

static void expect_text(struct vt *vt, const char *needle)
{
    if (!vt_wait_text(vt, needle, WAIT_MS)) {
        vt_dump(vt, stderr);
        fail_msg("\"%s\" never appeared on the screen", needle);
    }
}

static void expect_gone(struct vt *vt, const char *needle)
{
    if (!vt_wait_gone(vt, needle, WAIT_MS)) {
        vt_dump(vt, stderr);
        fail_msg("\"%s\" stayed on the screen", needle);
    }
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs oscope watch with the given arguments (NULL-terminated) on a rows x cols pty. */
static struct vt *watch(int rows, int cols, const char *a1, const char *a2, const char *a3,
                        const char *a4, const char *a5)
{
    const char *const argv[] = { vt_bin(), "watch", a1, a2, a3, a4, a5, NULL };
    struct vt *vt = vt_spawn(rows, cols, argv, NULL);

    assert_non_null(vt);
    return vt;
}

/* The text of the first row holding needle ("" when none). */
static char *row_with(struct vt *vt, const char *needle, char *buf, size_t cap)
{
    int row;

    buf[0] = '\0';
    if (vt_find(vt, needle, &row, NULL))
        vt_row(vt, row, buf, cap);
    return buf;
}

/* The number at the end of the row holding needle, or -1. */
static long last_number(struct vt *vt, const char *needle)
{
    char buf[512], *sp;

    row_with(vt, needle, buf, sizeof buf);
    sp = strrchr(buf, ' ');
    return sp && sp[1] >= '0' && sp[1] <= '9' ? strtol(sp + 1, NULL, 10) : -1;
}

/* Waits until the row holding needle ends in want. */
static void expect_number(struct vt *vt, const char *needle, long want)
{
    long long end = now_ms() + WAIT_MS;

    while (last_number(vt, needle) != want && now_ms() < end)
        vt_settle(vt, 50);
    if (last_number(vt, needle) != want) {
        vt_dump(vt, stderr);
        fail_msg("\"%s\" shows %ld, expected %ld", needle, last_number(vt, needle), want);
    }
}

/* Sparkline cells (UTF-8 block glyphs) of the counter labelled needle: from its label
 * to its value. */
static int spark_cells(struct vt *vt, const char *needle)
{
    static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    char buf[1024];
    const char *p = strstr(row_with(vt, needle, buf, sizeof buf), needle);
    int n = 0;

    for (p = p ? p + strlen(needle) : buf + strlen(buf); *p && (*p < '0' || *p > '9'); p++)
        for (int k = 0; k < 8; k++)
            if (strncmp(p, bars[k], strlen(bars[k])) == 0)
                n++;
    return n;
}

static int count_fds(pid_t pid)
{
    char path[64];
    struct dirent *de;
    DIR *d;
    int n = 0;

    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    d = opendir(path);
    assert_non_null(d);
    while ((de = readdir(d)))
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A child that opens /dev/null once for each byte written to *ctl; returns once its
 * fds are settled. */
static pid_t fd_child(int *ctl)
{
    int p[2], ready[2];
    pid_t pid;
    char c;

    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(ready), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        close(ready[0]);
        close(ready[1]);   /* the parent's read sees end of file: ready */
        while (read(p[0], &c, 1) == 1)
            if (open("/dev/null", O_RDONLY) < 0)
                _exit(1);
        _exit(0);
    }
    close(p[0]);
    close(ready[1]);
    assert_int_equal(read(ready[0], &c, 1), 0);
    close(ready[0]);
    *ctl = p[1];
    return pid;
}

static int teardown(void **state)
{
    (void)state;
    vt_free_all();
    vt_orphans();
    return 0;
}

static void test_dashboard_80x24(void **state)
{
    char pid_arg[16], title[48], buf[512];
    int ctl, n0, row, col, status;
    pid_t child = fd_child(&ctl);
    struct vt *vt;
    struct vt_attr a;
    (void)state;

    snprintf(pid_arg, sizeof pid_arg, "%d", (int)child);
    n0 = count_fds(child);
    /* A long delay: only t takes samples, so what changed stays marked. */
    vt = watch(24, 80, "-d", "30", "-p", pid_arg, NULL);
    expect_text(vt, "Memory  /proc/meminfo");
    expect_text(vt, "Rates  /proc/vmstat, /proc/stat");
    expect_text(vt, "Tasks and pressure");
    for (const char *const *l = (const char *const[]){ "Mem total", "Available", "Dirty",
                                 "Swap used", "Page faults", "Ctx switches", "Forks",
                                 "Running", "Blocked", "CPU some", "IO full", "Threads",
                                 "RSS", "Stack", "Minor flt", "Invol. csw", "Disk writes",
                                 "sample 1 at", NULL }; *l; l++)
        if (!vt_find(vt, *l, NULL, NULL)) {
            vt_dump(vt, stderr);
            fail_msg("no \"%s\" at 80x24", *l);
        }
    snprintf(title, sizeof title, "PID %d screen_watch", (int)child);
    expect_text(vt, title);
    assert_non_null(strstr(row_with(vt, "Ctx switches", buf, sizeof buf),
                           "n/a (first sample)"));
    expect_number(vt, "Open fds", n0);

    /* The child opens one more file; t samples now: the new count shows, marked. */
    assert_int_equal(write(ctl, "x", 1), 1);
    for (long long end = now_ms() + WAIT_MS; count_fds(child) != n0 + 1 && now_ms() < end;)
        usleep(10000);
    assert_int_equal(count_fds(child), n0 + 1);
    assert_true(vt_key_char(vt, 't'));
    expect_text(vt, "sample 2 at");
    expect_number(vt, "Open fds", n0 + 1);
    assert_non_null(strstr(row_with(vt, "Open fds", buf, sizeof buf), "▸Open fds"));
    assert_true(vt_find(vt, "Open fds", &row, &col));
    a = vt_cell_attr(vt, row, vt_cols(vt) - 2);  /* the value's last digit */
    assert_true(a.bold);
    assert_int_equal(a.fg, 3);                    /* the accent colour */
    assert_null(strstr(row_with(vt, "Stack", buf, sizeof buf), "▸Stack"));
    assert_null(strstr(row_with(vt, "Ctx switches", buf, sizeof buf), "n/a"));

    /* ? shows the keys; any key closes them. */
    assert_true(vt_key_char(vt, '?'));
    expect_text(vt, "Keys of oscope watch");
    assert_true(vt_find(vt, "take a sample now", NULL, NULL));
    assert_true(vt_key_char(vt, 'x'));
    expect_gone(vt, "Keys of oscope watch");

    /* L: every source file and its unit; L again: the counters. */
    assert_true(vt_key_char(vt, 'L'));
    expect_text(vt, "/proc/meminfo (KiB)");
    for (const char *const *l = (const char *const[]){ "/proc/vmstat", "/proc/stat",
                                 "/proc/pressure/{cpu,memory,io} (%)", "/proc/PID/status",
                                 "/proc/PID/io (B/s)", "Mem free = MemFree", NULL };
         *l; l++)
        if (!vt_find(vt, *l, NULL, NULL)) {
            vt_dump(vt, stderr);
            fail_msg("the legend has no \"%s\"", *l);
        }
    assert_true(vt_key_char(vt, 'L'));
    expect_gone(vt, "/proc/meminfo (KiB)");
    expect_text(vt, "Mem total");

    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    vt_free(vt);
    close(ctl);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(vt_orphans(), 0);
}

/* The sample number in the title, or -1. */
static long sample_number(struct vt *vt)
{
    char buf[512], *s;

    vt_row(vt, 0, buf, sizeof buf);
    s = strstr(buf, "sample ");
    return s ? strtol(s + 7, NULL, 10) : -1;
}

static void test_wide_history_pause_clear_resize(void **state)
{
    struct vt *vt = watch(50, 200, "-d", "0.2", NULL, NULL, NULL);
    long long end = now_ms() + 30000;
    long at;
    int wide, status;
    (void)state;

    expect_text(vt, "Mem total");
    expect_text(vt, "Processes");
    while (sample_number(vt) < 60 && now_ms() < end)
        vt_settle(vt, 100);
    assert_true(vt_key_char(vt, ' '));
    expect_text(vt, "PAUSED");
    at = sample_number(vt);
    assert_true(at >= 60);
    /* Five samples a second, one column a second: about 12 columns after 60 samples,
     * more than the 9 that fit at 80 columns, and far fewer than the samples. */
    wide = spark_cells(vt, "Mem total");
    if (wide < 10 || wide > at / 5 + 3) {
        vt_dump(vt, stderr);
        fail_msg("%d sparkline cells after %ld samples at 0.2 s and 200 columns; wanted one "
                 "a second", wide, at);
    }
    vt_settle(vt, 400);
    assert_int_equal(sample_number(vt), at);      /* paused: no samples */

    vt_resize(vt, 24, 80);
    expect_text(vt, "Tasks and pressure");
    vt_settle(vt, 200);
    if (spark_cells(vt, "Mem total") == 0 || spark_cells(vt, "Mem total") > 10) {
        vt_dump(vt, stderr);
        fail_msg("%d sparkline cells at 80 columns", spark_cells(vt, "Mem total"));
    }

    assert_true(vt_key_char(vt, 'c'));
    expect_text(vt, "history cleared");
    assert_int_equal(spark_cells(vt, "Mem total"), 0);

    vt_resize(vt, 20, 60);
    expect_text(vt, "terminal too small: need 80x24, have 60x20");
    vt_resize(vt, 24, 80);
    expect_text(vt, "Mem total");
    assert_true(vt_key_char(vt, ' '));
    expect_gone(vt, "PAUSED");

    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

static void test_watched_process_exits(void **state)
{
    static char a0[] = "sleep", a1[] = "1";
    char *const args[] = { a0, a1, NULL };
    char pid_arg[16], title[48], buf[512];
    pid_t child;
    struct vt *vt;
    int status;
    (void)state;

    assert_int_equal(posix_spawnp(&child, "sleep", NULL, NULL, args, environ), 0);
    snprintf(pid_arg, sizeof pid_arg, "%d", (int)child);
    vt = watch(24, 80, "-d", "0.2", "-p", pid_arg, NULL);
    snprintf(title, sizeof title, "PID %d sleep", (int)child);
    expect_text(vt, title);
    expect_text(vt, "S sleeping");
    expect_text(vt, "exited (seen ");
    /* The last values read stay, with their history; no made-up numbers. */
    assert_non_null(strstr(row_with(vt, title, buf, sizeof buf), "its last values kept"));
    assert_non_null(strstr(row_with(vt, "RSS", buf, sizeof buf), " KiB"));
    assert_true(spark_cells(vt, "RSS") > 0);
    assert_true(vt_find(vt, "Mem total", NULL, NULL));   /* the rest goes on */

    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    vt_free(vt);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(vt_orphans(), 0);
}

/* A pid no process has now. */
static pid_t free_pid(void)
{
    for (pid_t p = 4194000; p > 300; p -= 97)
        if (kill(p, 0) != 0 && errno == ESRCH)
            return p;
    fail_msg("no free pid found");
    return -1;
}

static void test_errors_before_the_screen(void **state)
{
    char pid_arg[16], want[64];
    struct vt *vt;
    int status;
    (void)state;

    snprintf(pid_arg, sizeof pid_arg, "%d", (int)free_pid());
    vt = watch(24, 80, "-p", pid_arg, NULL, NULL, NULL);
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    snprintf(want, sizeof want, "oscope watch: no process with id %s", pid_arg);
    if (!vt_find(vt, want, NULL, NULL)) {
        vt_dump(vt, stderr);
        fail_msg("no \"%s\"", want);
    }
    assert_false(vt_find(vt, "Mem total", NULL, NULL));
    vt_free(vt);

    vt = watch(24, 80, "-d", "0.01", NULL, NULL, NULL);
    status = vt_finish(vt, WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_true(vt_find(vt, "-d needs seconds from 0.1", NULL, NULL));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_dashboard_80x24, teardown),
        cmocka_unit_test_teardown(test_wide_history_pause_clear_resize, teardown),
        cmocka_unit_test_teardown(test_watched_process_exits, teardown),
        cmocka_unit_test_teardown(test_errors_before_the_screen, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
