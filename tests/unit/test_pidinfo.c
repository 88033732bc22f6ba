/* test_pidinfo.c — /proc/PID/{stat,status,io,task,fd}: fixture processes (odd names, a
 * kernel thread without memory fields), broken text, permissions, and the live process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procfile.h"

#define FIX "tests/fixtures/proc"

static void test_stat_fixture(void **state)
{
    struct pid_stat st;
    (void)state;

    assert_int_equal(pid_stat_read(FIX, 4242, 0, &st), 0);
    assert_int_equal(st.pid, 4242);
    assert_string_equal(st.comm, "oscope-demo");
    assert_int_equal(st.state, 'S');
    assert_int_equal(st.minflt, 1873);
    assert_int_equal(st.majflt, 12);
    assert_int_equal(st.utime, 250);
    assert_int_equal(st.stime, 61);
    assert_int_equal(st.num_threads, 3);
    assert_int_equal(st.starttime, 30712);
    assert_int_equal(st.vsize, 227860480);
    assert_int_equal(st.rss_pages, 1536);
    assert_int_equal(st.processor, 1);
}

static void test_stat_thread(void **state)
{
    struct pid_stat st;
    (void)state;

    assert_int_equal(pid_stat_read(FIX, 4242, 4243, &st), 0);
    assert_int_equal(st.pid, 4243);
    assert_string_equal(st.comm, "worker 1");
    assert_int_equal(st.state, 'R');
    assert_int_equal(st.utime, 40);
    assert_int_equal(pid_stat_read(FIX, 4242, 4250, &st), 0);
    assert_int_equal(st.state, 'D');
    assert_int_equal(pid_stat_read(FIX, 4242, 4244, &st), -ENOENT);
}

static void test_stat_comm_with_spaces_and_parens(void **state)
{
    struct pid_stat st;
    (void)state;

    /* "4343 (my (odd)) prog) R ...": the name ends at the last ')'. */
    assert_int_equal(pid_stat_read(FIX, 4343, 0, &st), 0);
    assert_string_equal(st.comm, "my (odd)) prog");
    assert_int_equal(st.state, 'R');
    assert_int_equal(st.minflt, 99);
    assert_int_equal(st.majflt, 1);
    assert_int_equal(st.utime, 7);
    assert_int_equal(st.stime, 3);

    assert_int_equal(pid_stat_parse("7 ()) ) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
                                    "19 20 21\n", &st), 0);
    assert_string_equal(st.comm, ")) ");
    assert_int_equal(st.state, 'Z');
    assert_int_equal(st.minflt, 7);      /* field 10 */
    assert_int_equal(st.rss_pages, 21);  /* field 24 */
    assert_int_equal(st.processor, -1);  /* not present */

    /* A comm longer than the struct holds is cut, not overrun. */
    assert_int_equal(pid_stat_parse("8 (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) S "
                                    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
                                    &st), 0);
    assert_int_equal(strlen(st.comm), sizeof st.comm - 1);
}

static void test_stat_truncated_and_garbage(void **state)
{
    static const char *const bad[] = {
        "", "abc", "4242", "4242 (x", "4242 oscope S 1 2 3", "-5 (x) S 1 2 3",
        "4242 (x)", "4242 (x) ", "4242 (x)\nS", "4242 (x) S 1 2 3 4 5 6 7 8 9 10",
        "4242 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "4242 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 x21",
    };
    char text[1024];
    struct pid_stat st, keep;
    size_t len;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&st, 0x5a, sizeof st);
        keep = st;
        if (pid_stat_parse(bad[i], &st) != -EINVAL)
            fail_msg("accepted bad stat #%zu: \"%s\"", i, bad[i]);
        assert_memory_equal(&st, &keep, sizeof st);
    }
    assert_int_equal(pid_stat_parse(NULL, &st), -EINVAL);

    /* Every prefix: an error before the rss field is complete, values after. */
    assert_true(procfile_read(FIX, "4242/stat", text, sizeof text) > 0);
    len = strlen(text);
    for (size_t cut = 0; cut <= len; cut++) {
        char *p = strndup(text, cut);
        int rc = pid_stat_parse(p, &st);
        assert_true(rc == 0 || rc == -EINVAL);
        if (rc == 0) {
            assert_string_equal(st.comm, "oscope-demo");
            assert_int_equal(st.minflt, 1873);
            assert_int_equal(st.vsize, 227860480);
        }
        if (cut < 20)
            assert_int_equal(rc, -EINVAL);
        if (cut == len)
            assert_int_equal(rc, 0);
        free(p);
    }
}

static void test_status_fixture(void **state)
{
    struct pid_status s;
    (void)state;

    assert_int_equal(pid_status_read(FIX, 4242, 0, &s), 0);
    assert_string_equal(s.name, "oscope-demo");
    assert_int_equal(s.state, 'S');
    assert_int_equal(s.threads, 3);
    assert_int_equal(s.vm_size_kib, 222520);
    assert_int_equal(s.vm_rss_kib, 6144);
    assert_int_equal(s.vm_hwm_kib, 6400);
    assert_int_equal(s.vm_stk_kib, 136);
    assert_int_equal(s.vm_data_kib, 82356);
    assert_int_equal(s.vcsw, 1523);
    assert_int_equal(s.nvcsw, 88);
    assert_int_equal(s.have, PIDST_HAVE_NAME | PIDST_HAVE_STATE | PIDST_HAVE_THREADS |
                     PIDST_HAVE_VMSIZE | PIDST_HAVE_VMRSS | PIDST_HAVE_VMHWM |
                     PIDST_HAVE_VMSTK | PIDST_HAVE_VMDATA | PIDST_HAVE_VCSW |
                     PIDST_HAVE_NVCSW);

    assert_int_equal(pid_status_read(FIX, 4242, 4250, &s), 0);
    assert_string_equal(s.name, "worker 2");
    assert_int_equal(s.state, 'D');
    assert_int_equal(s.vcsw, 23);

    assert_int_equal(pid_status_read(FIX, 4343, 0, &s), 0);
    assert_string_equal(s.name, "my (odd)) prog");
}

static void test_status_missing_fields(void **state)
{
    struct pid_status s;
    (void)state;

    /* A kernel thread has no memory of its own: no Vm* lines. */
    assert_int_equal(pid_status_read(FIX, 2, 0, &s), 0);
    assert_string_equal(s.name, "kthreadd");
    assert_true(s.have & PIDST_HAVE_THREADS);
    assert_true(s.have & PIDST_HAVE_VCSW);
    assert_int_equal(s.vcsw, 312);
    assert_false(s.have & PIDST_HAVE_VMRSS);
    assert_false(s.have & PIDST_HAVE_VMSIZE);
    assert_false(s.have & PIDST_HAVE_VMSTK);
    assert_int_equal(s.vm_rss_kib, 0);

    /* A value that is not a number is absent, not zero. */
    assert_int_equal(pid_status_parse("Name:\tx\nVmRSS:\tlots kB\nThreads:\t2\n", &s), 0);
    assert_int_equal(s.have, PIDST_HAVE_NAME | PIDST_HAVE_THREADS);
    assert_int_equal(pid_status_parse("VmRSS:\tlots kB\n", &s), -EINVAL);
    assert_int_equal(pid_status_parse("", &s), -EINVAL);
    assert_int_equal(pid_status_parse("garbage\n\n\x01\x02", &s), -EINVAL);
    /* Cut in the middle of a line: what came before still counts. */
    assert_int_equal(pid_status_parse("Name:\tcat\nState:\tR (running)\nVmRS", &s), 0);
    assert_int_equal(s.have, PIDST_HAVE_NAME | PIDST_HAVE_STATE);
    assert_int_equal(s.state, 'R');
    assert_int_equal(pid_status_parse("State:", &s), -EINVAL);
}

static void test_tasks(void **state)
{
    pid_t tids[8];
    (void)state;

    assert_int_equal(pid_tasks(FIX, 4242, tids, 8), 3);
    assert_int_equal(tids[0], 4242);
    assert_int_equal(tids[1], 4243);
    assert_int_equal(tids[2], 4250);
    /* A small cap keeps the lowest tids. */
    assert_int_equal(pid_tasks(FIX, 4242, tids, 2), 2);
    assert_int_equal(tids[0], 4242);
    assert_int_equal(tids[1], 4243);
    assert_int_equal(pid_tasks(FIX, 4242, tids, 0), 0);
    assert_int_equal(pid_tasks(FIX, 99999, tids, 8), -ENOENT);
}

static void test_io(void **state)
{
    struct pid_io io;
    (void)state;

    assert_int_equal(pid_io_read(FIX, 4242, &io), 0);
    assert_int_equal(io.rchar, 4718592);
    assert_int_equal(io.wchar, 1048576);
    assert_int_equal(io.read_bytes, 409600);
    assert_int_equal(io.write_bytes, 4096);
    assert_int_equal(pid_io_parse("rchar: 1\nwchar: 2\n", &io), -EINVAL);
    assert_int_equal(pid_io_parse("", &io), -EINVAL);
    assert_int_equal(pid_io_read(FIX, 4343, &io), -ENOENT);
}

/* In a child without privileges, another user's /proc/PID/io must say EACCES, not 0. */
static void test_io_not_permitted(void **state)
{
    pid_t target = getpid(), child;
    int status;
    (void)state;

    if (geteuid() != 0) {
        target = 1; /* as a normal user, init's io is not ours */
        struct pid_status s;
        if (pid_status_read(NULL, 1, 0, &s) < 0)
            skip();
    }
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        struct pid_io io;
        int rc;
        if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
            _exit(3);
        rc = pid_io_read(NULL, target, &io);
        _exit(rc == -EACCES ? 0 : rc == -ENOENT ? 4 : 1);
    }
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 4 || WEXITSTATUS(status) == 3)
        skip(); /* hidepid or no setuid in this sandbox */
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_fd_count(void **state)
{
    (void)state;
    assert_int_equal(pid_fd_count(FIX, 4242), 5);
    assert_int_equal(pid_fd_count(FIX, 99999), -ENOENT);
}

static void test_live_self(void **state)
{
    struct pid_stat st;
    struct pid_status s;
    struct pid_io io;
    pid_t tids[64];
    int n, fds;
    (void)state;

    assert_int_equal(pid_stat_read(NULL, getpid(), 0, &st), 0);
    assert_int_equal(st.pid, getpid());
    assert_int_equal(st.state, 'R');
    assert_true(st.num_threads >= 1);
    assert_true(st.vsize > 0);
    assert_in_range(st.processor, 0, 4095);

    assert_int_equal(pid_status_read("/proc", getpid(), 0, &s), 0);
    assert_true(s.have & PIDST_HAVE_VMRSS);
    assert_true(s.vm_rss_kib > 0);
    assert_int_equal(s.threads, st.num_threads);
    assert_string_equal(s.name, st.comm);

    n = pid_tasks(NULL, getpid(), tids, 64);
    assert_true(n >= 1);
    assert_int_equal(tids[0], getpid());
    assert_int_equal(pid_stat_read(NULL, getpid(), tids[0], &st), 0);
    assert_int_equal(st.pid, getpid());

    fds = pid_fd_count(NULL, getpid());
    assert_true(fds >= 3);
    {
        int extra = dup(0);
        assert_true(extra >= 0);
        assert_int_equal(pid_fd_count(NULL, getpid()), fds + 1);
        close(extra);
    }
    assert_int_equal(pid_io_read(NULL, getpid(), &io), 0);
    assert_true(io.rchar > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_fixture),
        cmocka_unit_test(test_stat_thread),
        cmocka_unit_test(test_stat_comm_with_spaces_and_parens),
        cmocka_unit_test(test_stat_truncated_and_garbage),
        cmocka_unit_test(test_status_fixture),
        cmocka_unit_test(test_status_missing_fields),
        cmocka_unit_test(test_tasks),
        cmocka_unit_test(test_io),
        cmocka_unit_test(test_io_not_permitted),
        cmocka_unit_test(test_fd_count),
        cmocka_unit_test(test_live_self),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
