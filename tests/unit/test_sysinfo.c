/* test_sysinfo.c — system-wide counters: the plain parsers on fixture files, a fixture root
 * with and without pressure files, and libproc2 on the live /proc. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/procfile.h"
#include "probes/sysinfo.h"

#define FIX "tests/fixtures/proc"

static char *fixture_text(const char *rel)
{
    char *buf = malloc(65536);
    assert_non_null(buf);
    assert_true(procfile_read(FIX, rel, buf, 65536) > 0);
    return buf;
}

static void test_meminfo_parse(void **state)
{
    char *text = fixture_text("meminfo");
    struct sys_mem m;
    (void)state;

    assert_int_equal(sys_meminfo_parse(text, &m), 0);
    assert_int_equal(m.total, 16318172);
    assert_int_equal(m.free, 9632140);
    assert_int_equal(m.available, 13208436);
    assert_int_equal(m.cached, 3391296);   /* not SwapCached */
    assert_int_equal(m.dirty, 18432);
    assert_int_equal(m.writeback, 256);    /* not WritebackTmp */
    assert_int_equal(m.anon, 1520212);
    assert_int_equal(m.shmem, 231404);     /* not ShmemHugePages */
    assert_int_equal(m.slab, 482216);
    assert_int_equal(m.swap_total, 2097148);
    assert_int_equal(m.swap_free, 2031612);
    assert_int_equal(m.active_file, 1382616);
    assert_int_equal(m.inactive_file, 2903892);
    free(text);
}

static void test_vmstat_and_stat_parse(void **state)
{
    char *vm_text = fixture_text("vmstat"), *st_text = fixture_text("stat");
    struct sys_vm vm;
    struct sys_stat st;
    (void)state;

    assert_int_equal(sys_vmstat_parse(vm_text, &vm), 0);
    assert_int_equal(vm.pgfault, 48213377);
    assert_int_equal(vm.pgmajfault, 5821);
    assert_int_equal(vm.pgpgin, 3145728);
    assert_int_equal(vm.pgpgout, 1572864);
    assert_int_equal(vm.pswpin, 12);
    assert_int_equal(vm.pswpout, 34);
    assert_int_equal(vm.nr_dirty, 1203);     /* not nr_dirty_threshold */
    assert_int_equal(vm.nr_writeback, 7);    /* not nr_writeback_temp */

    assert_int_equal(sys_stat_parse(st_text, &st), 0);
    assert_int_equal(st.ctxt, 19488211);
    assert_int_equal(st.intr, 7812093);      /* the total, first on the line */
    assert_int_equal(st.processes, 88231);
    assert_int_equal(st.procs_running, 3);
    assert_int_equal(st.procs_blocked, 1);
    free(vm_text);
    free(st_text);
}

static void test_psi_parse(void **state)
{
    double some, full;
    bool full_have;
    (void)state;

    assert_int_equal(sys_psi_parse("some avg10=11.50 avg60=4.20 avg300=1.03 total=9012311\n"
                                   "full avg10=9.75 avg60=3.90 avg300=0.98 total=8100223\n",
                                   &some, &full, &full_have), 0);
    assert_float_equal(some, 11.50, 1e-9);
    assert_float_equal(full, 9.75, 1e-9);
    assert_true(full_have);
    /* Before 5.13 the cpu file had no "full" line. */
    assert_int_equal(sys_psi_parse("some avg10=0.07 avg60=0.02 avg300=0.00 total=1\n",
                                   &some, &full, &full_have), 0);
    assert_float_equal(some, 0.07, 1e-9);
    assert_false(full_have);
    assert_int_equal(sys_psi_parse("full avg10=1.00 avg60=0 avg300=0 total=0\n",
                                   &some, &full, &full_have), -EINVAL);
    assert_int_equal(sys_psi_parse("some avg10=x\n", &some, &full, &full_have), -EINVAL);
    assert_int_equal(sys_psi_parse("", &some, &full, &full_have), -EINVAL);
}

static void test_truncated_and_garbage(void **state)
{
    char *text = fixture_text("meminfo");
    size_t len = strlen(text);
    struct sys_mem m, keep;
    struct sys_vm vm;
    struct sys_stat st;
    (void)state;

    /* An error leaves the struct as it was. */
    memset(&m, 0x5a, sizeof m);
    keep = m;
    assert_int_equal(sys_meminfo_parse("", &m), -EINVAL);
    assert_int_equal(sys_meminfo_parse("MemTotal:", &m), -EINVAL);
    assert_int_equal(sys_meminfo_parse("MemTotal: lots\n", &m), -EINVAL);
    assert_int_equal(sys_meminfo_parse("MemTotalX: 5 kB\nMemFree: 3 kB\n", &m), -EINVAL);
    assert_int_equal(sys_meminfo_parse("\x01\x02\xff\n\n", &m), -EINVAL);
    assert_memory_equal(&m, &keep, sizeof m);
    assert_int_equal(sys_vmstat_parse("nothing here\n", &vm), -EINVAL);
    assert_int_equal(sys_vmstat_parse("", &vm), -EINVAL);
    assert_int_equal(sys_stat_parse("cpu 1 2 3\nintr 5\n", &st), -EINVAL);

    /* Every prefix of meminfo: an error until MemTotal's digits begin, then a value. */
    for (size_t cut = 0; cut <= len; cut++) {
        char *p = strndup(text, cut);
        int rc = sys_meminfo_parse(p, &m);
        assert_true(rc == 0 || rc == -EINVAL);
        if (cut < strlen("MemTotal:       1"))
            assert_int_equal(rc, -EINVAL);
        else
            assert_int_equal(rc, 0);
        free(p);
    }
    assert_int_equal(m.total, 16318172);
    free(text);
}

static void test_reader_on_fixture_root(void **state)
{
    struct sysinfo *s = sysinfo_new(FIX);
    struct sys_mem m;
    struct sys_vm vm;
    struct sys_stat st;
    struct sys_psi psi;
    (void)state;

    assert_non_null(s);
    assert_int_equal(sysinfo_mem(s, &m), 0);
    assert_int_equal(m.total, 16318172);
    assert_int_equal(m.swap_total - m.swap_free, 65536);
    assert_int_equal(sysinfo_vm(s, &vm), 0);
    assert_int_equal(vm.pgfault, 48213377);
    assert_int_equal(sysinfo_stat(s, &st), 0);
    assert_int_equal(st.procs_blocked, 1);
    assert_int_equal(sysinfo_psi(s, &psi), 0);
    assert_true(psi.have);
    assert_float_equal(psi.some_avg10[0], 2.48, 1e-9);
    assert_float_equal(psi.full_avg10[0], 0.0, 1e-9);
    assert_true(psi.full_have[0]);
    assert_float_equal(psi.some_avg10[1], 0.31, 1e-9);
    assert_float_equal(psi.full_avg10[1], 0.12, 1e-9);
    assert_float_equal(psi.some_avg10[2], 11.50, 1e-9);
    assert_float_equal(psi.full_avg10[2], 9.75, 1e-9);
    /* Again, through the kept-open files. */
    assert_int_equal(sysinfo_psi(s, &psi), 0);
    assert_float_equal(psi.full_avg10[2], 9.75, 1e-9);
    sysinfo_free(s);
}

static void test_missing_files(void **state)
{
    char dir[] = "/tmp/oscope-sysinfo-XXXXXX", path[128];
    struct sysinfo *s;
    struct sys_psi psi;
    struct sys_stat st;
    struct sys_mem m;
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/meminfo", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("MemTotal:        1024 kB\nMemFree:          512 kB\n", f);
    fclose(f);

    s = sysinfo_new(dir);
    assert_non_null(s);
    assert_int_equal(sysinfo_mem(s, &m), 0);
    assert_int_equal(m.total, 1024);
    assert_int_equal(m.available, 0);      /* absent: a very old kernel */
    assert_int_equal(sysinfo_stat(s, &st), -ENOENT);
    /* No pressure files: the kernel has no PSI. That is a state, not an error. */
    memset(&psi, 0x5a, sizeof psi);
    assert_int_equal(sysinfo_psi(s, &psi), 0);
    assert_false(psi.have);
    sysinfo_free(s);
    unlink(path);
    rmdir(dir);
}

static void test_live_proc(void **state)
{
    struct sysinfo *s = sysinfo_new("/proc");
    char *text = malloc(65536);
    struct sys_mem m, plain;
    struct sys_vm vm;
    struct sys_stat st;
    struct sys_psi psi;
    (void)state;

    assert_non_null(s);
    assert_non_null(text);
    assert_int_equal(sysinfo_mem(s, &m), 0);
    assert_true(procfile_read(NULL, "meminfo", text, 65536) > 0);
    assert_int_equal(sys_meminfo_parse(text, &plain), 0);
    /* libproc2 and the plain parser agree on what never changes. */
    assert_int_equal(m.total, plain.total);
    assert_int_equal(m.swap_total, plain.swap_total);
    assert_true(m.free <= m.total && m.available <= m.total);

    assert_int_equal(sysinfo_vm(s, &vm), 0);
    assert_true(vm.pgfault > 0);
    assert_int_equal(sysinfo_stat(s, &st), 0);
    assert_true(st.ctxt > 0 && st.intr > 0 && st.processes > 0);
    assert_true(st.procs_running >= 1);

    assert_int_equal(sysinfo_psi(s, &psi), 0);
    if (access("/proc/pressure/cpu", R_OK) == 0) {
        assert_true(psi.have);
        assert_in_range((long)psi.some_avg10[0], 0, 100);
    }
    free(text);
    sysinfo_free(s);
}

/* *_select re-reads at once; *_get would return the same numbers for up to a second. */
static void test_live_rereads_within_a_second(void **state)
{
    struct sysinfo *s = sysinfo_new(NULL);
    struct sys_stat a, b;
    (void)state;

    assert_non_null(s);
    assert_int_equal(sysinfo_stat(s, &a), 0);
    for (int i = 0; i < 5; i++) {
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0)
            _exit(0);
        waitpid(c, NULL, 0);
    }
    assert_int_equal(sysinfo_stat(s, &b), 0);
    assert_true(b.processes >= a.processes + 5);
    assert_true(b.ctxt >= a.ctxt);
    sysinfo_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meminfo_parse),
        cmocka_unit_test(test_vmstat_and_stat_parse),
        cmocka_unit_test(test_psi_parse),
        cmocka_unit_test(test_truncated_and_garbage),
        cmocka_unit_test(test_reader_on_fixture_root),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_live_proc),
        cmocka_unit_test(test_live_rereads_within_a_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
