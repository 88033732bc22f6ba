/* screen_pagecache.c — the scene "page-cache" on the real ./oscope at 80x24 with a 16 MiB
 * file: at every step the resident page count on screen is what fincore says about the
 * file shown, at that moment; the walk ends in the quiz. Quitting, Ctrl-C, SIGTERM and
 * leaving for the menu each remove the file and the lab's private directory; dir= puts
 * them inside the directory given and removes only them; a file size limit hit while
 * writing is reported and the file removed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/screen/oscope_vt.h"

#define SIZE_OPT "size=16M"
#define FILE_PAGES 4096          /* 16 MiB of 4 KiB pages */
#define TMPFS_MAGIC_ 0x01021994

static char tmpdir[256];         /* TMPDIR of the oscope under test */
static char tmpenv[300];
static const char *env[2];

static int setup(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/pc-screen.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(tmpenv, sizeof tmpenv, "TMPDIR=%s", tmpdir);
    env[0] = tmpenv;
    env[1] = NULL;
    return 0;
}

/* After any test: nothing running, nothing orphaned, the test's TMPDIR removed. */
static int teardown(void **state)
{
    char cmd[320];

    (void)state;
    vt_free_all();
    vt_orphans();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static bool exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0;
}

static bool on_tmpfs(const char *path)
{
    struct statfs sf;

    return statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC_;
}

/* Cuts a row's text at the diagram box's right side and at the first blank. */
static void trim_cell(char *s)
{
    char *end;

    if ((end = strstr(s, "\xe2\x94\x82")))
        *end = '\0';
    if ((end = strchr(s, ' ')))
        *end = '\0';
}

/* The file's path from the diagram: "fincore PATH" on one line, or, when too long for
 * it, "the file, for fincore:" and the path in pieces that end with '/' but the last. */
static void screen_path(struct vt *vt, char *out, size_t cap)
{
    char buf[1024];
    size_t len = 0;
    int row, col;

    out[0] = '\0';
    if (vt_find(vt, "fincore /", &row, &col)) {
        os_row_from(vt, row, col + 8, buf, sizeof buf);
        trim_cell(buf);
        snprintf(out, cap, "%.500s", buf);
        return;
    }
    if (!vt_find(vt, "the file, for fincore:", &row, &col)) {
        vt_dump(vt, stderr);
        fail_msg("the file's path is not on the screen");
    }
    for (int r = row + 1; r < vt_rows(vt) && (len == 0 || out[len - 1] == '/'); r++) {
        os_row_from(vt, r, col, buf, sizeof buf);
        trim_cell(buf);
        len += (size_t)snprintf(out + len, cap - len, "%.200s", buf);
    }
}

static long no_commas(const char *s)
{
    char digits[32];
    size_t n = 0;

    for (; *s && n < sizeof digits - 1; s++)
        if (*s != ',')
            digits[n++] = *s;
    digits[n] = '\0';
    return strtol(digits, NULL, 10);
}

/* "resident N of M pages" from under the grid. */
static void screen_resident(struct vt *vt, long *res, long *total)
{
    char buf[1024], a[32], b[32];
    int row, col;

    if (!vt_find(vt, "resident ", &row, &col) ||
        sscanf(os_row_from(vt, row, col, buf, sizeof buf), "resident %31[0-9,] of %31[0-9,] pages",
               a, b) != 2) {
        vt_dump(vt, stderr);
        fail_msg("no \"resident N of M pages\" on the screen");
    }
    *res = no_commas(a);
    *total = no_commas(b);
}

/* What fincore says: the file's resident pages, or -1 when fincore cannot tell. */
static long fincore_pages(const char *path)
{
    char cmd[600];
    long pages = -1;
    FILE *p;

    snprintf(cmd, sizeof cmd, "fincore --noheadings --raw --output PAGES '%s' 2>/dev/null", path);
    if (!(p = popen(cmd, "r")))
        return -1;
    if (fscanf(p, "%ld", &pages) != 1)
        pages = -1;
    if (pclose(p) != 0)
        pages = -1;
    return pages;
}

static bool have_fincore(void)
{
    return system("fincore --version >/dev/null 2>&1") == 0;
}

/* Starts oscope on the scene with a small file and waits for its first step. */
static struct vt *start(const char *opt)
{
    struct vt *vt = os_start_env(24, 80, env, "page-cache", "--option", opt, NULL);

    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    assert_true(os_expect(vt, "stopped"));
    return vt;
}

/* Steps on to step k (1-based), recorded and drawn. */
static void step_to(struct vt *vt, int k)
{
    assert_true(os_next(vt));
    assert_true(os_wait_step(vt, k));
    assert_true(os_expect(vt, "stopped"));
}

static void test_resident_pages_agree_with_fincore(void **state)
{
    struct vt *vt;
    char path[512];
    long res, total, fc;
    bool ram;

    (void)state;
    if (!have_fincore())
        skip();
    vt = start(SIZE_OPT);
    for (int k = 1; k <= 7; k++) {
        if (k > 1)
            step_to(vt, k);
        screen_path(vt, path, sizeof path);
        assert_true(strncmp(path, tmpdir, strlen(tmpdir)) == 0);
        /* The kernel may drop or read pages at any moment; the lab reports the file's
         * residency four times a second, so the screen and fincore must meet within a few
         * reports. A screen that never follows the kernel fails. */
        for (int tries = 0; tries < 12; tries++) {
            vt_settle(vt, 60);
            screen_resident(vt, &res, &total);
            fc = fincore_pages(path);
            if (fc == res)
                break;
            usleep(300 * 1000);
        }
        if (fc != res) {
            vt_dump(vt, stderr);
            fail_msg("step %d: the screen says %ld pages resident, fincore %s says %ld", k, res,
                     path, fc);
        }
        assert_int_equal(total, FILE_PAGES);
        ram = on_tmpfs(path);
        if (k == 1)
            assert_int_equal(res, 0);                   /* nothing written yet */
        if (k == 2 || k == 5 || k == 6 || k == 7)           /* written, read, mapped (a busy */
            assert_true(res >= FILE_PAGES * 9 / 10);        /* machine may reclaim a few)    */
        if (k == 4)
            assert_int_equal(res, ram ? FILE_PAGES : 0); /* dropped, unless tmpfs */
    }
    assert_true(os_next(vt));                           /* past the last step: the quiz */
    assert_true(os_expect(vt, "quiz 1/"));
    assert_true(vt_key_char(vt, 'q'));
    assert_int_equal(vt_finish(vt, OS_WAIT_MS), 0);
    assert_false(exists(path));
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

/* Runs to step k, then ends oscope with how(); the file and its directory must be gone. */
static void ends_clean(int k, void (*how)(struct vt *vt), int want_status)
{
    struct vt *vt = start(SIZE_OPT);
    char path[512], dir[512];
    int status;

    for (int i = 2; i <= k; i++)
        step_to(vt, i);
    screen_path(vt, path, sizeof path);
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(dir, sizeof dir, "%s", dirname(dir));
    assert_true(exists(path));
    how(vt);
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), want_status);
    if (exists(path) || exists(dir))
        fail_msg("%s is still there after oscope ended", exists(path) ? path : dir);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

static void press_q(struct vt *vt)
{
    assert_true(vt_key_char(vt, 'q'));
}

static void send_sigterm(struct vt *vt)
{
    assert_int_equal(kill(vt_pid(vt), SIGTERM), 0);
}

static void press_ctrl_c(struct vt *vt)
{
    assert_true(vt_key_ctrl(vt, 'c'));
}

static void test_quit_after_write_removes_file(void **state)
{
    (void)state;
    ends_clean(2, press_q, 0);
}

static void test_sigterm_mid_scene_removes_file(void **state)
{
    (void)state;
    ends_clean(3, send_sigterm, 128 + SIGTERM);
}

static void test_ctrl_c_mid_scene_removes_file(void **state)
{
    (void)state;
    ends_clean(5, press_ctrl_c, 128 + SIGINT);
}

static void test_leaving_scene_removes_file(void **state)
{
    struct vt *vt = start(SIZE_OPT);
    char path[512];

    (void)state;
    step_to(vt, 2);
    screen_path(vt, path, sizeof path);
    assert_true(exists(path));
    assert_true(vt_key_char(vt, 'm'));                  /* back to the menu */
    assert_true(vt_wait_gone(vt, "step 2/", OS_WAIT_MS));
    assert_false(exists(path));
    assert_true(vt_key_char(vt, 'q'));
    assert_int_equal(vt_finish(vt, OS_WAIT_MS), 0);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

/* dir= puts the lab's private directory inside the one given, and removes only that. */
static void test_dir_option_stays_inside_it(void **state)
{
    char mine[300], opt[400], path[512];
    struct vt *vt;

    (void)state;
    snprintf(mine, sizeof mine, "%s/chosen", tmpdir);
    assert_int_equal(mkdir(mine, 0700), 0);
    snprintf(opt, sizeof opt, "%s,dir=%s", SIZE_OPT, mine);
    vt = start(opt);
    step_to(vt, 2);
    screen_path(vt, path, sizeof path);
    if (strncmp(path, mine, strlen(mine)) != 0 || path[strlen(mine)] != '/')
        fail_msg("the file %s is not inside dir=%s", path, mine);
    assert_true(exists(path));
    assert_true(vt_key_char(vt, 'q'));
    assert_int_equal(vt_finish(vt, OS_WAIT_MS), 0);
    assert_false(exists(path));
    assert_true(exists(mine));                          /* the user's directory stays */
    assert_int_equal(rmdir(mine), 0);                   /* and is empty */
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

/* Under `ulimit -f 8192` (4 MiB in 512-byte blocks) the 16 MiB write fails with EFBIG. */
static void test_file_size_limit_is_reported(void **state)
{
    char script[600], path[512];
    struct vt *vt;

    (void)state;
    snprintf(script, sizeof script, "ulimit -f 8192 && exec '%s' page-cache --option %s",
             vt_bin(), SIZE_OPT);
    {
        const char *const argv[] = { "/bin/sh", "-c", script, NULL };
        vt = vt_spawn(24, 80, argv, env);
    }
    assert_non_null(vt);
    assert_true(os_wait_step(vt, 1));
    screen_path(vt, path, sizeof path);
    assert_true(os_next(vt));
    assert_true(os_expect(vt, "write() failed with EFBIG"));
    assert_true(os_expect(vt, "removed:"));
    assert_false(exists(path));
    assert_true(vt_key_char(vt, 'q'));
    assert_int_equal(vt_finish(vt, OS_WAIT_MS), 0);
    vt_free(vt);
    assert_int_equal(vt_orphans(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resident_pages_agree_with_fincore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quit_after_write_removes_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_mid_scene_removes_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c_mid_scene_removes_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaving_scene_removes_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_option_stays_inside_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_size_limit_is_reported, setup, teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");   /* screen columns count characters, not bytes */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
