/* test_procdir.c — kept-open directories listed again: fixtures, a directory that changes
 * under the open descriptor, the live thread list, and the per-thread switch sum built on
 * it (threads that come and go between samples). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <signal.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/pidinfo.h"
#include "probes/procdir.h"
#include "probes/procfile.h"

#define FIX "tests/fixtures/proc"

static void test_fixture_dirs(void **state)
{
    struct procdir d;
    pid_t tids[8];
    (void)state;

    assert_int_equal(procdir_open(&d, FIX, "4242/fd"), 0);
    assert_int_equal(procdir_count(&d), 5);
    assert_int_equal(procdir_count(&d), 5);       /* listed again from the start */
    procdir_close(&d);
    assert_int_equal(procdir_count(&d), -EBADF);  /* closed: an error, not a count */

    assert_int_equal(procdir_open(&d, FIX, "4242/task"), 0);
    assert_int_equal(procdir_pids(&d, tids, 8), 3);
    assert_int_equal(tids[0], 4242);
    assert_int_equal(tids[1], 4243);
    assert_int_equal(tids[2], 4250);
    assert_int_equal(procdir_pids(&d, tids, 2), 2);  /* the smallest two */
    assert_int_equal(tids[1], 4243);
    assert_int_equal(procdir_pids(&d, NULL, 0), 0);
    assert_int_equal(procdir_pids(&d, NULL, 3), -EINVAL);
    procdir_close(&d);

    assert_int_equal(procdir_open(&d, FIX, "99999/fd"), -ENOENT);
    assert_int_equal(d.err, ENOENT);
    assert_int_equal(procdir_count(&d), -ENOENT);
    assert_int_equal(procdir_open(&d, FIX, "4242/stat"), -ENOTDIR);
}

/* Entries made and removed after the open are seen by the next listing. */
static void test_relisted_after_changes(void **state)
{
    char dir[] = "/tmp/oscope-procdir.XXXXXX", path[64];
    struct procdir d;
    pid_t ids[600];
    (void)state;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(procdir_open(&d, dir, "."), 0);
    assert_int_equal(procdir_count(&d), 0);
    /* more names than one 4 KiB getdents64 buffer holds */
    for (int i = 1; i <= 500; i++) {
        snprintf(path, sizeof path, "%s/%d", dir, i * 7);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }
    snprintf(path, sizeof path, "%s/self", dir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    assert_int_equal(procdir_count(&d), 501);
    assert_int_equal(procdir_pids(&d, ids, 600), 500);   /* "self" is not a pid */
    for (int i = 0; i < 500; i++)
        assert_int_equal(ids[i], (i + 1) * 7);
    for (int i = 1; i <= 500; i++) {
        snprintf(path, sizeof path, "%s/%d", dir, i * 7);
        unlink(path);
    }
    unlink(path);
    snprintf(path, sizeof path, "%s/self", dir);
    unlink(path);
    assert_int_equal(procdir_count(&d), 0);
    procdir_close(&d);
    rmdir(dir);
}

struct sleeper {
    pthread_t th;
    int fds[2];   /* the thread blocks reading fds[0]; a byte wakes it, a close ends it */
};

static void *sleeper_main(void *arg)
{
    struct sleeper *s = arg;
    char c;

    while (read(s->fds[0], &c, 1) == 1)
        ;
    return NULL;
}

static void sleeper_start(struct sleeper *s)
{
    assert_int_equal(pipe(s->fds), 0);
    assert_int_equal(pthread_create(&s->th, NULL, sleeper_main, s), 0);
}

static void sleeper_wake(struct sleeper *s, int times)
{
    for (int i = 0; i < times; i++) {
        assert_int_equal(write(s->fds[1], "x", 1), 1);
        usleep(2000);   /* it runs, reads, and blocks again: one voluntary switch */
    }
}

static void sleeper_stop(struct sleeper *s)
{
    close(s->fds[1]);
    pthread_join(s->th, NULL);
    close(s->fds[0]);
}

static int live_threads(void)
{
    struct procdir d;
    int n;

    assert_int_equal(procdir_open(&d, NULL, "self/task"), 0);
    n = procdir_count(&d);
    procdir_close(&d);
    return n;
}

/* The switch rate of this process sums its threads' switches, as they come and go. */
static void test_switches_follow_threads(void **state)
{
    const enum counter_id ids[] = { CTR_P_VCSW_RATE, CTR_P_THREADS };
    struct counter_val v[2];
    struct sleeper a, b;
    struct counters *c = counters_new(NULL, getpid());
    (void)state;

    assert_non_null(c);
    assert_int_equal(live_threads(), 1);
    assert_int_equal(counters_sample(c, ids, 2, 1.0, v), 0);
    assert_float_equal(v[1].v, 1, 0);

    sleeper_start(&a);
    sleeper_start(&b);
    usleep(20000);
    assert_int_equal(counters_sample(c, ids, 2, 2.0, v), 0);
    assert_float_equal(v[1].v, 3, 0);

    /* 30 wake-ups in one second of the sampler's clock: at least 30 more switches */
    sleeper_wake(&a, 15);
    sleeper_wake(&b, 15);
    assert_int_equal(counters_sample(c, ids, 2, 3.0, v), 0);
    assert_true(v[0].ok);
    assert_true(v[0].v >= 30);

    /* one thread gone: its count leaves the sum, so the rate may be negative for this
     * one interval, but the sample works and the other thread still counts */
    sleeper_stop(&a);
    assert_int_equal(counters_sample(c, ids, 2, 4.0, v), 0);
    assert_float_equal(v[1].v, 2, 0);
    sleeper_wake(&b, 20);
    assert_int_equal(counters_sample(c, ids, 2, 5.0, v), 0);
    assert_true(v[0].ok);
    assert_true(v[0].v >= 20);
    sleeper_stop(&b);
    counters_free(c);
}

/* A sampler keeps few descriptors however often it samples, and none once freed. */
static void test_no_descriptor_growth(void **state)
{
    const enum counter_id ids[] = { CTR_P_VCSW_RATE, CTR_P_FDS, CTR_P_RSS };
    struct counter_val v[3];
    struct sleeper a;
    struct counters *c;
    int before, during = 0;
    (void)state;

    {
        struct procdir d;
        assert_int_equal(procdir_open(&d, NULL, "self/fd"), 0);
        before = procdir_count(&d) - 1;     /* not counting d itself */
        procdir_close(&d);
    }
    sleeper_start(&a);                       /* +2 pipe ends */
    c = counters_new(NULL, getpid());
    assert_non_null(c);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(counters_sample(c, ids, 3, 1.0 + i, v), 0);
        /* the first sample opens the thread files after counting the fds */
        if (i <= 1)
            during = (int)v[1].v;
        else
            assert_float_equal(v[1].v, during, 0);
    }
    /* 2 pipe ends, stat, status, io, fd, task, and 2 thread status files */
    assert_true(during <= before + 2 + 7);
    counters_free(c);
    sleeper_stop(&a);
    {
        struct procdir d;
        assert_int_equal(procdir_open(&d, NULL, "self/fd"), 0);
        assert_int_equal(procdir_count(&d) - 1, before);
        procdir_close(&d);
    }
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Files of many records come a kernel buffer at a time, cut at a record, not a page: a
 * short read is not their end. A stopped child with 300 mappings has a /proc/PID/maps of
 * about 20 KiB that cannot change while it is read twice (this process's own maps would:
 * under ASan every fopen maps memory). */
static void test_record_files_read_whole(void **state)
{
    static char buf[1 << 20];
    char line[4096], rel[64];
    int ready[2], want = 0;
    pid_t child;
    FILE *f;
    ssize_t n;
    (void)state;

    assert_int_equal(pipe(ready), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* alternate protections so that neighbours do not merge into one mapping */
        for (int i = 0; i < 300; i++)
            mmap(NULL, 4096, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    assert_int_equal(read(ready[0], line, 1), 1);
    snprintf(rel, sizeof rel, "%d/maps", (int)child);
    n = procfile_read(NULL, rel, buf, sizeof buf);
    snprintf(line, sizeof line, "/proc/%s", rel);
    f = fopen(line, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        want++;
    fclose(f);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    assert_true(n > 8192);
    assert_true(want > 300);
    assert_int_equal(count_lines(buf), want);
    assert_int_equal(buf[n - 1], '\n');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_dirs),
        cmocka_unit_test(test_relisted_after_changes),
        cmocka_unit_test(test_switches_follow_threads),
        cmocka_unit_test(test_no_descriptor_growth),
        cmocka_unit_test(test_record_files_read_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
