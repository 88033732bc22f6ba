/* test_progress.c — the quiz progress file: text round trip, every kind of malformed file
 * set aside under a .corrupt- name with a message, atomic saves into fresh 0700
 * directories, the XDG_STATE_HOME / HOME choice, and reset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/progress.h"

static char dir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    umask(022);
    snprintf(dir, sizeof dir, "/tmp/oscope-progress-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The file's contents (at most cap - 1 bytes); -1 when it cannot be opened. */
static long read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return -1;
    n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return (long)n;
}

/* How many names in dir start with prefix; the last one found goes into name. */
static int count_prefix(const char *prefix, char *name, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)))
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
            n++;
            if (name)
                snprintf(name, cap, "%s/%s", dir, de->d_name);
        }
    closedir(d);
    return n;
}

static void test_round_trip(void **state)
{
    struct progress p = { 0 }, q;
    char buf[4096];
    int n;
    (void)state;

    assert_int_equal(progress_record(&p, "stack-heap", 3, 4, 1718000000LL), 0);
    assert_int_equal(progress_record(&p, "dangling", 1, 3, 1718000100LL), 0);
    assert_int_equal(progress_record(&p, "stack-heap", 2, 4, 1718000200LL), 0);
    n = progress_format(&p, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(buf));
    assert_string_equal(buf, "oscope-progress 1\n# id score total best when\n"
                             "stack-heap 2 4 3 1718000200\ndangling 1 3 1 1718000100\n");
    assert_int_equal(progress_parse(buf, &q), 0);
    assert_int_equal(q.n, 2);
    assert_memory_equal(&p.e[0], &q.e[0], sizeof p.e[0]);
    assert_memory_equal(&p.e[1], &q.e[1], sizeof p.e[1]);
    /* One byte short of the text and its NUL. */
    assert_int_equal(progress_format(&p, buf, (size_t)n), -ENOSPC);
    assert_int_equal(progress_format(&p, buf, 8), -ENOSPC);
}

static void test_record_latest_and_best(void **state)
{
    struct progress p = { 0 };
    const struct progress_entry *e;
    char id[32];
    (void)state;

    assert_null(progress_get(&p, "stack-heap"));
    progress_record(&p, "stack-heap", 4, 4, 100);
    progress_record(&p, "stack-heap", 1, 4, 200);
    e = progress_get(&p, "stack-heap");
    assert_non_null(e);
    assert_int_equal(e->score, 1);
    assert_int_equal(e->best, 4);
    assert_int_equal(e->when, 200);
    /* The quiz grew a question: an old best out of 4 says nothing about 5. */
    progress_record(&p, "stack-heap", 2, 5, 300);
    assert_int_equal(e->best, 2);
    assert_int_equal(e->total, 5);
    assert_int_equal(progress_record(&p, "x", 5, 4, 1), -EINVAL);
    assert_int_equal(progress_record(&p, "x", -1, 4, 1), -EINVAL);
    assert_int_equal(progress_record(&p, "bad id", 1, 4, 1), -EINVAL);
    assert_int_equal(progress_record(&p, "", 1, 4, 1), -EINVAL);
    assert_int_equal(progress_record(&p, "x", 1, 4, -5), -EINVAL);
    assert_int_equal(p.n, 1);
    /* Full: the quiz finished longest ago makes room. */
    for (int i = 1; i < PROGRESS_MAX; i++) {
        snprintf(id, sizeof id, "s%d", i);
        assert_int_equal(progress_record(&p, id, 0, 1, 1000 + i), 0);
    }
    assert_int_equal(p.n, PROGRESS_MAX);
    assert_int_equal(progress_record(&p, "newcomer", 1, 1, 5000), 0);
    assert_int_equal(p.n, PROGRESS_MAX);
    assert_null(progress_get(&p, "stack-heap"));
    assert_non_null(progress_get(&p, "newcomer"));
    assert_non_null(progress_get(&p, "s1"));
}

static void test_parse_accepts(void **state)
{
    struct progress p;
    (void)state;

    assert_int_equal(progress_parse("oscope-progress 1\r\n\r\n  # note\r\n"
                                    "a.b_c-1\t0  0 0\t0\r\n   \n", &p), 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.e[0].id, "a.b_c-1");
    assert_int_equal(progress_parse("oscope-progress 1\n", &p), 0);
    assert_int_equal(p.n, 0);
}

static void test_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "",
        "oscope-progress 2\n",
        "oscope-progress 1 \n",
        "# comment first\noscope-progress 1\n",
        "oscope-progress 1\nstack-heap 3 4 4\n",
        "oscope-progress 1\nstack-heap 3 4 4 5 6\n",
        "oscope-progress 1\nstack-heap x 4 4 5\n",
        "oscope-progress 1\nstack-heap -1 4 4 5\n",
        "oscope-progress 1\nstack-heap +1 4 4 5\n",
        "oscope-progress 1\nstack-heap 3 4 4 0x10\n",
        "oscope-progress 1\nstack-heap 5 4 4 5\n",
        "oscope-progress 1\nstack-heap 3 4 5 5\n",
        "oscope-progress 1\nstack-heap 3 4 4 99999999999999999999\n",
        "oscope-progress 1\nstack/heap 3 4 4 5\n",
        "oscope-progress 1\nstäck 3 4 4 5\n",
        "oscope-progress 1\nabcdefghijabcdefghijabcdefghijabc 3 4 4 5\n",
        "oscope-progress 1\nstack-heap 3 4 4 5\nstack-heap 3 4 4 5\n",
        "oscope-progress 1\nstack-heap 3 4 4 5",
    };
    struct progress p;
    char big[20000];
    size_t len;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p.n = 7;
        if (progress_parse(bad[i], &p) != -EINVAL)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(p.n, 0);
    }
    /* Too many scenes. */
    len = (size_t)snprintf(big, sizeof big, "oscope-progress 1\n");
    for (int i = 0; i <= PROGRESS_MAX; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, "s%d 1 1 1 1\n", i);
    assert_int_equal(progress_parse(big, &p), -EINVAL);
    /* A line too long, even as a comment. */
    len = (size_t)snprintf(big, sizeof big, "oscope-progress 1\n#");
    memset(big + len, 'x', 300);
    strcpy(big + len + 300, "\n");
    assert_int_equal(progress_parse(big, &p), -EINVAL);
    /* Too many lines, even blank ones. */
    len = (size_t)snprintf(big, sizeof big, "oscope-progress 1\n");
    memset(big + len, '\n', 2000);
    big[len + 2000] = '\0';
    assert_int_equal(progress_parse(big, &p), -EINVAL);
}

static void test_load_missing(void **state)
{
    struct progress p;
    char path[PATH_MAX], warn[256] = "stale";
    (void)state;

    snprintf(path, sizeof path, "%s/none/progress", dir);
    p.n = 3;
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), 0);
    assert_int_equal(p.n, 0);
    assert_string_equal(warn, "");
}

/* Loads a file holding text; expects it set aside with the message naming line. */
static void expect_set_aside(const char *text, size_t n, int line)
{
    struct progress p;
    char path[PATH_MAX], warn[PATH_MAX * 2 + 200], aside[PATH_MAX], want[64], back[4096];

    snprintf(path, sizeof path, "%s/progress", dir);
    write_file(path, text, n);
    p.n = 3;
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), 1);
    assert_int_equal(p.n, 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_prefix("progress.corrupt-", aside, sizeof aside), 1);
    snprintf(want, sizeof want, "was malformed at line %d", line);
    if (!strstr(warn, want) || !strstr(warn, aside) || !strstr(warn, "started afresh"))
        fail_msg("message \"%s\" lacks \"%s\" or %s", warn, want, aside);
    assert_null(strchr(warn, '\n'));
    /* Kept byte for byte for whoever wants to look at it. */
    assert_int_equal(read_file(aside, back, sizeof back), (long)n);
    assert_memory_equal(back, text, n);
    assert_int_equal(unlink(aside), 0);
}

static void test_load_corrupt(void **state)
{
    static const char binary[] = "oscope-progress 1\nstack-heap 1 2 2 3\n\x7f" "ELF\0\x01\x02\n";
    char rnd[512];
    (void)state;

    expect_set_aside("garbage", 7, 1);
    expect_set_aside("oscope-progress 1\nstack-heap 1 2 2 3\nsta", 40, 3);
    expect_set_aside("oscope-progress 1\nstack-heap 1 2\n", 33, 2);
    expect_set_aside(binary, sizeof binary - 1, 3);
    expect_set_aside("oscope-progress 9\nstack-heap 1 2 2 3\n", 37, 1);
    expect_set_aside("", 0, 1);
    for (size_t i = 0; i < sizeof rnd; i++)
        rnd[i] = (char)(i * 7919u >> 3);
    expect_set_aside(rnd, sizeof rnd, 1);
}

static void test_load_twice_keeps_both(void **state)
{
    struct progress p;
    char path[PATH_MAX], warn[PATH_MAX * 3];
    (void)state;

    snprintf(path, sizeof path, "%s/progress", dir);
    write_file(path, "junk\n", 5);
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), 1);
    write_file(path, "more junk\n", 10);
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), 1);
    /* Two corruptions in the same second: the second does not replace the first. */
    assert_int_equal(count_prefix("progress.corrupt-", NULL, 0), 2);
}

static void test_load_unreadable(void **state)
{
    struct progress p;
    char path[PATH_MAX], warn[PATH_MAX * 3], aside[PATH_MAX];
    struct stat st;
    (void)state;

    /* A directory where the file should be cannot be read, even by root. */
    snprintf(path, sizeof path, "%s/progress", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), 1);
    assert_non_null(strstr(warn, "could not be read"));
    assert_int_equal(count_prefix("progress.corrupt-", aside, sizeof aside), 1);
    assert_int_equal(stat(aside, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(access(path, F_OK), -1);
    /* chmod 000 only stops a non-root reader; as root (as in CI) that part is skipped. */
    if (geteuid() != 0) {
        write_file(path, "oscope-progress 1\n", 18);
        assert_int_equal(chmod(path, 0), 0);
        assert_int_equal(progress_load(path, &p, warn, sizeof warn), 1);
        assert_non_null(strstr(warn, "Permission denied"));
    }
    /* Real I/O trouble is an error, not a fresh start: a file where a directory should be. */
    snprintf(path, sizeof path, "%s/plain", dir);
    write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/plain/progress", dir);
    assert_int_equal(progress_load(path, &p, warn, sizeof warn), -ENOTDIR);
}

static void test_save_atomic(void **state)
{
    struct progress p = { 0 }, q;
    char path[PATH_MAX], sub[PATH_MAX], text[4096], want[4096], warn[256];
    struct stat st;
    (void)state;

    snprintf(path, sizeof path, "%s/state/oscope/progress", dir);
    progress_record(&p, "stack-heap", 3, 4, 1718000000LL);
    assert_int_equal(progress_save(path, &p), 0);
    snprintf(sub, sizeof sub, "%s/state", dir);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    snprintf(sub, sizeof sub, "%s/state/oscope", dir);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(progress_format(&p, want, sizeof want) > 0);
    assert_true(read_file(path, text, sizeof text) > 0);
    assert_string_equal(text, want);
    /* Overwrite: the new content, and no temporary file left. */
    progress_record(&p, "stack-heap", 4, 4, 1718000500LL);
    assert_int_equal(progress_save(path, &p), 0);
    assert_int_equal(progress_load(path, &q, warn, sizeof warn), 0);
    assert_int_equal(q.n, 1);
    assert_int_equal(q.e[0].score, 4);
    assert_int_equal(q.e[0].when, 1718000500LL);
    {
        DIR *d = opendir(sub);
        struct dirent *de;
        int n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
            if (de->d_name[0] != '.') {
                assert_string_equal(de->d_name, "progress");
                n++;
            }
        closedir(d);
        assert_int_equal(n, 1);
    }
    /* A directory that cannot be made: an error, nothing written. */
    snprintf(sub, sizeof sub, "%s/plain", dir);
    write_file(sub, "x", 1);
    snprintf(path, sizeof path, "%s/plain/oscope/progress", dir);
    assert_int_equal(progress_save(path, &p), -ENOTDIR);
}

static void test_path(void **state)
{
    char buf[PATH_MAX];
    (void)state;

    setenv("HOME", "/home/learner", 1);
    setenv("XDG_STATE_HOME", "/srv/state", 1);
    assert_int_equal(progress_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/srv/state/oscope/progress");
    /* A relative XDG_STATE_HOME is ignored, as the XDG spec says. */
    setenv("XDG_STATE_HOME", "state", 1);
    assert_int_equal(progress_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/learner/.local/state/oscope/progress");
    setenv("XDG_STATE_HOME", "", 1);
    assert_int_equal(progress_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/learner/.local/state/oscope/progress");
    unsetenv("XDG_STATE_HOME");
    assert_int_equal(progress_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/learner/.local/state/oscope/progress");
    assert_int_equal(progress_path(buf, 10), -ENAMETOOLONG);
    unsetenv("HOME");
    assert_int_equal(progress_path(buf, sizeof buf), -ENOENT);
    setenv("HOME", "", 1);
    assert_int_equal(progress_path(buf, sizeof buf), -ENOENT);
}

static void test_reset(void **state)
{
    struct progress p = { 0 };
    char path[PATH_MAX];
    (void)state;

    snprintf(path, sizeof path, "%s/oscope/progress", dir);
    progress_record(&p, "stack-heap", 3, 4, 1);
    assert_int_equal(progress_save(path, &p), 0);
    assert_int_equal(progress_reset(path), 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(progress_reset(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(progress_reset(path), -EISDIR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_record_latest_and_best),
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_twice_keeps_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_atomic, setup, teardown),
        cmocka_unit_test(test_path),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
