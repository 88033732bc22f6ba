/* test_counters.c — the counter catalogue, the sampler's values and rates over a fixture
 * tree rewritten between samples, a process that exits, and the sparkline ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/procfile.h"

#define FIX "tests/fixtures/proc"
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- a temporary /proc tree the test rewrites between samples ---- */

static char tree[64];

/* Writes TREE/REL (creating folders) in place, so kept-open fds see the new text. */
static void put(const char *rel, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(const char *rel, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tree, rel);
    for (char *s = strchr(path + strlen(tree) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    f = fopen(path, "w");
    assert_non_null(f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

static void copy_fixture(const char *rel)
{
    static char buf[65536];
    assert_true(procfile_read(FIX, rel, buf, sizeof buf) > 0);
    put(rel, "%s", buf);
}

static void write_pid_files(unsigned minflt, unsigned majflt, unsigned utime, unsigned stime,
                            unsigned vcsw, unsigned nvcsw, unsigned long long rd,
                            unsigned long long wr)
{
    put("4242/stat", "4242 (oscope-demo) S 3018 4242 2252 34817 4242 4194304 %u 0 %u 0 %u %u "
        "0 0 20 0 3 0 30712 227860480 1536 18446744073709551615 94381791383552 "
        "94381791403433 140731874398240 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
        minflt, majflt, utime, stime);
    put("4242/status", "Name:\toscope-demo\nState:\tS (sleeping)\nTgid:\t4242\n"
        "VmPeak:\t  222580 kB\nVmSize:\t  222520 kB\nVmHWM:\t    6400 kB\n"
        "VmRSS:\t    6144 kB\nVmData:\t   82356 kB\nVmStk:\t     136 kB\nThreads:\t3\n"
        "voluntary_ctxt_switches:\t%u\nnonvoluntary_ctxt_switches:\t%u\n", vcsw, nvcsw);
    /* Switches are counted per thread: the main thread has most, a second one the rest. */
    put("4242/task/4242/status", "Name:\toscope-demo\nState:\tS (sleeping)\n"
        "voluntary_ctxt_switches:\t%u\nnonvoluntary_ctxt_switches:\t%u\n", vcsw - vcsw / 4,
        nvcsw - nvcsw / 4);
    put("4242/task/4243/status", "Name:\tworker\nState:\tR (running)\n"
        "voluntary_ctxt_switches:\t%u\nnonvoluntary_ctxt_switches:\t%u\n", vcsw / 4, nvcsw / 4);
    put("4242/io", "rchar: 4718592\nwchar: 1048576\nsyscr: 1211\nsyscw: 256\n"
        "read_bytes: %llu\nwrite_bytes: %llu\ncancelled_write_bytes: 0\n", rd, wr);
}

static void write_system(unsigned long long pgfault, unsigned long long pgpgin,
                         unsigned long long ctxt, unsigned long long intr, unsigned forks)
{
    put("vmstat", "nr_free_pages 2408035\nnr_dirty 1203\nnr_dirty_threshold 480012\n"
        "nr_writeback 7\npgpgin %llu\npgpgout 1572864\npswpin 12\npswpout 34\n"
        "pgfault %llu\npgmajfault 5821\npgrefill 0\n", pgpgin, pgfault);
    put("stat", "cpu  29751 59 28254 581728 2926 0 251 0 0 0\nintr %llu 0 0 57461 0\n"
        "ctxt %llu\nbtime 1763771520\nprocesses %u\nprocs_running 3\nprocs_blocked 1\n",
        intr, ctxt, forks);
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb; (void)type; (void)ftw;
    return remove(path);
}

static int tree_setup(void **state)
{
    (void)state;
    strcpy(tree, "/tmp/oscope-counters-XXXXXX");
    if (!mkdtemp(tree))
        return -1;
    return 0;
}

static int tree_teardown(void **state)
{
    (void)state;
    return nftw(tree, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- tests ---- */

static void test_catalogue(void **state)
{
    static const char *const units[] = { "KiB", "/s", "KiB/s", "B/s", "%", "count" };
    (void)state;

    for (int i = 0; i < CTR_COUNT; i++) {
        const struct counter_def *d = counter_def((enum counter_id)i);
        bool unit_ok = false;
        assert_non_null(d);
        assert_int_equal(d->id, i);
        assert_non_null(d->label);
        assert_true(strlen(d->label) > 0 && strlen(d->label) <= 24);
        assert_non_null(d->source);
        assert_true(strncmp(d->source, "/proc/", 6) == 0);
        for (int u = 0; u < NELEM(units); u++)
            unit_ok |= d->unit && strcmp(d->unit, units[u]) == 0;
        if (!unit_ok)
            fail_msg("counter %d (%s) has unit %s", i, d->label, d->unit);
        assert_int_equal(d->per_pid, i >= CTR_P_THREADS);
        assert_int_equal(d->per_pid, strstr(d->source, "/PID/") != NULL);
        /* Everything shown per second needs two samples, and nothing else does. */
        assert_int_equal(d->rate, strstr(d->unit, "/s") != NULL || i == CTR_P_CPU);
    }
    assert_null(counter_def(CTR_COUNT));
    assert_string_equal(counter_def(CTR_MEM_DIRTY)->source, "/proc/meminfo");
    assert_string_equal(counter_def(CTR_CTXT)->source, "/proc/stat");
    assert_string_equal(counter_def(CTR_PSI_CPU_SOME)->source, "/proc/pressure/cpu");
    assert_string_equal(counter_def(CTR_P_READ_RATE)->unit, "B/s");
    assert_string_equal(counter_def(CTR_P_FDS)->source, "/proc/PID/fd");
    assert_string_equal(counter_def(CTR_PGPGIN)->unit, "KiB/s");
}

static void test_fixture_values(void **state)
{
    const enum counter_id ids[] = {
        CTR_MEM_TOTAL, CTR_MEM_SWAP_USED, CTR_MEM_DIRTY, CTR_PROCS_RUNNING, CTR_PSI_IO_FULL,
        CTR_PSI_CPU_SOME, CTR_PGFAULT, CTR_P_THREADS, CTR_P_RSS, CTR_P_VMSTK, CTR_P_MINFLT,
        CTR_P_FDS, CTR_P_CPU,
    };
    struct counter_val v[NELEM(ids)];
    struct counters *c = counters_new(FIX, 4242);
    (void)state;

    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, NELEM(ids), 1.0, v), 0);
    assert_true(v[0].ok);
    assert_float_equal(v[0].v, 16318172, 0);
    assert_float_equal(v[1].v, 2097148 - 2031612, 0);   /* SwapTotal - SwapFree */
    assert_float_equal(v[2].v, 18432, 0);
    assert_float_equal(v[3].v, 3, 0);
    assert_float_equal(v[4].v, 9.75, 1e-9);
    assert_float_equal(v[5].v, 2.48, 1e-9);
    assert_false(v[6].ok);                              /* a rate: first sample */
    assert_int_equal(v[6].err, -EAGAIN);
    assert_string_equal(counter_err_text(v[6].err), "first sample");
    assert_float_equal(v[7].v, 3, 0);
    assert_float_equal(v[8].v, 6144, 0);
    assert_float_equal(v[9].v, 136, 0);
    assert_float_equal(v[10].v, 1873, 0);
    assert_float_equal(v[11].v, 5, 0);
    assert_int_equal(v[12].err, -EAGAIN);
    for (int i = 0; i < NELEM(ids); i++)
        assert_int_equal(v[i].ok, v[i].err == 0);
    counters_free(c);
}

static void test_rates_across_two_samples(void **state)
{
    const enum counter_id ids[] = {
        CTR_PGFAULT, CTR_PGPGIN, CTR_CTXT, CTR_INTR, CTR_FORKS, CTR_P_MINFLT_RATE,
        CTR_P_MAJFLT_RATE, CTR_P_VCSW_RATE, CTR_P_NVCSW_RATE, CTR_P_CPU, CTR_P_READ_RATE,
        CTR_P_WRITE_RATE, CTR_P_MINFLT, CTR_PGFAULT,
    };
    struct counter_val v[NELEM(ids)];
    struct counters *c;
    double tck = (double)sysconf(_SC_CLK_TCK);
    (void)state;

    write_system(1000000, 50000, 9000000, 700000, 8000);
    write_pid_files(1000, 10, 300, 100, 500, 20, 409600, 4096);
    c = counters_new(tree, 4242);
    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, NELEM(ids), 10.0, v), 0);
    for (int i = 0; i < NELEM(ids); i++) {
        if (i == 12) {
            assert_true(v[i].ok);
            continue;
        }
        assert_false(v[i].ok);
        assert_int_equal(v[i].err, -EAGAIN);
    }

    /* Two seconds later, with everything grown. */
    write_system(1002000, 58192, 9030000, 705000, 8010);
    write_pid_files(1400, 16, 330, 110, 550, 24, 409600 + 2097152, 4096);
    assert_int_equal(counters_sample(c, ids, NELEM(ids), 12.0, v), 0);
    for (int i = 0; i < NELEM(ids); i++)
        assert_true(v[i].ok);
    assert_float_equal(v[0].v, 1000, 1e-9);         /* pgfault /s */
    assert_float_equal(v[1].v, 4096, 1e-9);         /* pgpgin KiB/s */
    assert_float_equal(v[2].v, 15000, 1e-9);        /* ctxt /s */
    assert_float_equal(v[3].v, 2500, 1e-9);         /* intr /s */
    assert_float_equal(v[4].v, 5, 1e-9);            /* forks /s */
    assert_float_equal(v[5].v, 200, 1e-9);
    assert_float_equal(v[6].v, 3, 1e-9);
    assert_float_equal(v[7].v, 25, 1e-9);
    assert_float_equal(v[8].v, 2, 1e-9);
    /* 40 ticks of CPU in 2 s: 20 ticks/s, as a percent of one core. */
    assert_float_equal(v[9].v, 40.0 / tck / 2.0 * 100.0, 1e-9);
    assert_float_equal(v[10].v, 1048576, 1e-9);     /* read B/s */
    assert_float_equal(v[11].v, 0, 1e-9);           /* nothing written */
    assert_float_equal(v[12].v, 1400, 0);
    assert_float_equal(v[13].v, v[0].v, 0);         /* an id asked twice: same answer */

    /* A counter that goes back (a reset) is not a negative rate. */
    write_system(10, 58192, 9060000, 705000, 8010);
    assert_int_equal(counters_sample(c, ids, 3, 13.0, v), 0);
    assert_false(v[0].ok);
    assert_int_equal(v[0].err, -EAGAIN);
    assert_float_equal(v[2].v, 30000, 1e-9);
    write_system(510, 58192, 9060000, 705000, 8010);
    assert_int_equal(counters_sample(c, ids, 1, 14.0, v), 0);
    assert_float_equal(v[0].v, 500, 1e-9);
    counters_free(c);
}

static void test_reads_only_what_is_needed(void **state)
{
    const enum counter_id mem[] = { CTR_MEM_TOTAL, CTR_MEM_FREE };
    const enum counter_id both[] = { CTR_MEM_TOTAL, CTR_CTXT, CTR_PSI_MEM_SOME };
    struct counter_val v[3];
    struct counters *c;
    (void)state;

    /* Only meminfo exists: memory counters work, the others say why not. */
    copy_fixture("meminfo");
    c = counters_new(tree, 0);
    assert_non_null(c);
    assert_int_equal(counters_sample(c, mem, 2, 1.0, v), 0);
    assert_true(v[0].ok && v[1].ok);
    assert_float_equal(v[1].v, 9632140, 0);
    assert_int_equal(counters_sample(c, both, 3, 2.0, v), 0);
    assert_true(v[0].ok);
    assert_int_equal(v[1].err, -ENOENT);
    assert_int_equal(v[2].err, -ENOENT);
    assert_string_equal(counter_err_text(v[2].err), "not in this kernel");
    counters_free(c);
}

static void test_missing_fields_and_no_pid(void **state)
{
    const enum counter_id ids[] = { CTR_P_THREADS, CTR_P_RSS, CTR_P_VCSW_RATE };
    struct counter_val v[3];
    struct counters *c = counters_new(FIX, 2);
    (void)state;

    /* A kernel thread's status has no VmRSS. */
    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, 3, 1.0, v), 0);
    assert_true(v[0].ok);
    assert_float_equal(v[0].v, 1, 0);
    assert_false(v[1].ok);
    assert_int_equal(v[1].err, -ENOENT);
    assert_int_equal(v[2].err, -EAGAIN);
    counters_free(c);

    /* A system-only sampler has no process to read. */
    c = counters_new(FIX, 0);
    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, 1, 1.0, v), 0);
    assert_false(v[0].ok);
    counters_free(c);
}

static void test_fixture_process_gone(void **state)
{
    const enum counter_id ids[] = { CTR_MEM_TOTAL, CTR_P_RSS, CTR_P_FDS };
    struct counter_val v[3];
    struct counters *c = counters_new(FIX, 99999);
    (void)state;

    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, 3, 1.0, v), -ESRCH);
    assert_true(v[0].ok);                        /* the system is still there */
    assert_false(v[1].ok);
    assert_int_equal(v[1].err, -ESRCH);
    assert_int_equal(v[2].err, -ESRCH);
    /* System counters alone are fine. */
    assert_int_equal(counters_sample(c, ids, 1, 2.0, v), 0);
    counters_free(c);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_live_process_exits(void **state)
{
    const enum counter_id ids[] = { CTR_P_RSS, CTR_P_THREADS, CTR_P_CPU, CTR_P_FDS,
                                    CTR_MEM_TOTAL };
    struct counter_val v[NELEM(ids)];
    struct counters *c;
    pid_t child;
    (void)state;

    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    c = counters_new(NULL, child);
    assert_non_null(c);
    assert_int_equal(counters_sample(c, ids, NELEM(ids), now_s(), v), 0);
    assert_true(v[0].ok && v[0].v > 0);
    assert_float_equal(v[1].v, 1, 0);
    assert_int_equal(v[2].err, -EAGAIN);
    assert_true(v[3].ok);

    kill(child, SIGKILL);
    assert_int_equal(waitpid(child, NULL, 0), child);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(counters_sample(c, ids, NELEM(ids), now_s(), v), -ESRCH);
        for (int i = 0; i < 4; i++) {
            assert_false(v[i].ok);
            assert_int_equal(v[i].err, -ESRCH);
        }
        assert_true(v[4].ok);
    }
    assert_string_equal(counter_err_text(-ESRCH), "process exited");
    counters_free(c);
}

static void test_live_cpu_percent(void **state)
{
    const enum counter_id ids[] = { CTR_P_CPU, CTR_CTXT, CTR_PGFAULT };
    struct counter_val v[3];
    struct counters *c = counters_new("/proc", getpid());
    volatile unsigned long spin = 0;
    double t0;
    (void)state;

    assert_non_null(c);
    t0 = now_s();
    assert_int_equal(counters_sample(c, ids, 3, t0, v), 0);
    while (now_s() - t0 < 0.3)
        spin++;
    assert_int_equal(counters_sample(c, ids, 3, now_s(), v), 0);
    assert_true(v[0].ok && v[1].ok && v[2].ok);
    /* One busy thread: clearly above zero, not above one core (plus tick slack). */
    assert_true(v[0].v > 10.0);
    assert_true(v[0].v < 140.0);
    assert_true(v[1].v >= 0);
    counters_free(c);
}

static void test_err_text(void **state)
{
    (void)state;
    assert_string_equal(counter_err_text(-EACCES), "not permitted");
    assert_string_equal(counter_err_text(-EPERM), "not permitted");
    assert_string_equal(counter_err_text(-ESRCH), "process exited");
    assert_string_equal(counter_err_text(-ENOENT), "not in this kernel");
    assert_string_equal(counter_err_text(-EAGAIN), "first sample");
    assert_string_equal(counter_err_text(-EIO), "unreadable");
    assert_string_equal(counter_err_text(-EINVAL), "unreadable");
}

static void test_series(void **state)
{
    static struct series s;
    (void)state;

    series_clear(&s);
    assert_int_equal(s.n, 0);
    series_push(&s, 1.0);
    series_push(&s, 2.0);
    series_push(&s, 3.0);
    assert_int_equal(s.n, 3);
    assert_float_equal(series_back(&s, 0), 3.0, 0);
    assert_float_equal(series_back(&s, 2), 1.0, 0);
    assert_float_equal(series_back(&s, 3), 0.0, 0);   /* out of range: 0, no crash */
    assert_float_equal(series_back(&s, -1), 0.0, 0);
    for (int i = 0; i < SERIES_CAP + 10; i++)
        series_push(&s, (double)i);
    assert_int_equal(s.n, SERIES_CAP);
    assert_float_equal(series_back(&s, 0), SERIES_CAP + 9, 0);
    assert_float_equal(series_back(&s, SERIES_CAP - 1), 10, 0);
    series_clear(&s);
    assert_int_equal(s.n, 0);
    series_push(&s, 7.0);
    assert_float_equal(series_back(&s, 0), 7.0, 0);
}

/* Samples every 0.1 s into one-second columns: the line moves once a second, and each
 * column is the mean of its samples. */
static void test_series_slots(void **state)
{
    static struct series s;
    (void)state;

    series_clear(&s);
    series_add(&s, 10.0, 100.0, 1.0);
    series_add(&s, 20.0, 100.4, 1.0);
    series_add(&s, 30.0, 100.9, 1.0);
    assert_int_equal(s.n, 1);
    assert_float_equal(series_back(&s, 0), 20.0, 1e-9);
    series_add(&s, 5.0, 101.0, 1.0);            /* a new second: a new column */
    assert_int_equal(s.n, 2);
    assert_float_equal(series_back(&s, 0), 5.0, 1e-9);
    assert_float_equal(series_back(&s, 1), 20.0, 1e-9);
    series_add(&s, 7.0, 103.5, 1.0);            /* a gap of seconds: still one column */
    assert_int_equal(s.n, 3);
    series_add(&s, 1.0, 103.6, 0);              /* width 0: one column per sample */
    series_add(&s, 2.0, 103.6, 0);
    assert_int_equal(s.n, 5);
    assert_float_equal(series_back(&s, 0), 2.0, 0);
    series_add(&s, 4.0, 103.7, 1.0);            /* back to slots: starts a fresh column */
    series_add(&s, 6.0, 103.8, 1.0);
    assert_int_equal(s.n, 6);
    assert_float_equal(series_back(&s, 0), 5.0, 1e-9);
    series_clear(&s);
    series_add(&s, 3.0, 103.8, 1.0);            /* cleared: the slot is forgotten too */
    assert_int_equal(s.n, 1);
    assert_float_equal(series_back(&s, 0), 3.0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_fixture_values),
        cmocka_unit_test_setup_teardown(test_rates_across_two_samples, tree_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_reads_only_what_is_needed, tree_setup,
                                        tree_teardown),
        cmocka_unit_test(test_missing_fields_and_no_pid),
        cmocka_unit_test(test_fixture_process_gone),
        cmocka_unit_test(test_live_process_exits),
        cmocka_unit_test(test_live_cpu_percent),
        cmocka_unit_test(test_err_text),
        cmocka_unit_test(test_series),
        cmocka_unit_test(test_series_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
