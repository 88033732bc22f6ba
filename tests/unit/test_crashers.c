/* test_crashers.c — every file in tests/fixtures/crashes (inputs that once crashed a parser
 * or broke its contract, most found by the fuzzers of make check-hard) fed to every text
 * parser: each must return 0 or -EINVAL, never crash, and keep its output's promises
 * (strings terminated, counts in range, nothing kept on -EINVAL where it says so). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/maps.h"
#include "probes/pidinfo.h"
#include "probes/sysinfo.h"
#include "scenes/tour.h"
#include "util/progress.h"

#define CRASH_DIR "tests/fixtures/crashes"
#define MAX_FILES 256

struct input {
    char name[256];
    char *text;                 /* NUL-terminated (an embedded NUL ends it early) */
    size_t len;                 /* the file's bytes, NULs included */
};
static struct input inputs[MAX_FILES];
static int ninputs;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)(n < 0 ? 0 : n) + 1);
    if (buf) {
        size_t got = fread(buf, 1, (size_t)(n < 0 ? 0 : n), f);
        buf[got] = '\0';
        *len = got;
    }
    fclose(f);
    return buf;
}

static int load(void **state)
{
    DIR *d = opendir(CRASH_DIR);
    struct dirent *e;

    (void)state;
    if (!d)
        return -1;
    while ((e = readdir(d)) && ninputs < MAX_FILES) {
        char path[512];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", CRASH_DIR, e->d_name);
        inputs[ninputs].text = slurp(path, &inputs[ninputs].len);
        if (!inputs[ninputs].text)
            continue;
        snprintf(inputs[ninputs].name, sizeof inputs[ninputs].name, "%.250s", e->d_name);
        ninputs++;
    }
    closedir(d);
    return 0;
}

static int unload(void **state)
{
    (void)state;
    for (int i = 0; i < ninputs; i++)
        free(inputs[i].text);
    return 0;
}

static void expect_rc(int rc, const char *parser, const char *file)
{
    if (rc != 0 && rc != -EINVAL)
        fail_msg("%s on %s returned %d (want 0 or -EINVAL)", parser, file, rc);
}

static void test_there_are_crashers(void **state)
{
    (void)state;
    assert_true(ninputs > 0);
}

static void test_maps(void **state)
{
    static struct maps m;

    (void)state;
    for (int i = 0; i < ninputs; i++) {
        for (int withexe = 0; withexe < 2; withexe++) {
            expect_rc(maps_parse(inputs[i].text, withexe ? "/usr/bin/oscope" : NULL, &m),
                      "maps_parse", inputs[i].name);
            assert_in_range(m.n, 0, MAPS_MAX);
            for (int k = 0; k < m.n; k++) {
                assert_non_null(memchr(m.r[k].path, '\0', sizeof m.r[k].path));
                assert_non_null(memchr(m.r[k].perms, '\0', sizeof m.r[k].perms));
                assert_non_null(maps_kind_name(m.r[k].kind));
            }
        }
    }
}

static void test_pid_files(void **state)
{
    (void)state;
    for (int i = 0; i < ninputs; i++) {
        struct pid_stat st;
        struct pid_status ss;
        struct pid_io io;
        int rc;

        rc = pid_stat_parse(inputs[i].text, &st);
        expect_rc(rc, "pid_stat_parse", inputs[i].name);
        if (rc == 0)
            assert_non_null(memchr(st.comm, '\0', sizeof st.comm));
        rc = pid_status_parse(inputs[i].text, &ss);
        expect_rc(rc, "pid_status_parse", inputs[i].name);
        if (rc == 0 && (ss.have & PIDST_HAVE_NAME))
            assert_non_null(memchr(ss.name, '\0', sizeof ss.name));
        expect_rc(pid_io_parse(inputs[i].text, &io), "pid_io_parse", inputs[i].name);
    }
}

static void test_system_files(void **state)
{
    (void)state;
    for (int i = 0; i < ninputs; i++) {
        struct sys_mem m;
        struct sys_vm v;
        struct sys_stat s;
        double some = -1, full = -1;
        bool full_have = false;
        int rc;

        expect_rc(sys_meminfo_parse(inputs[i].text, &m), "sys_meminfo_parse", inputs[i].name);
        expect_rc(sys_vmstat_parse(inputs[i].text, &v), "sys_vmstat_parse", inputs[i].name);
        expect_rc(sys_stat_parse(inputs[i].text, &s), "sys_stat_parse", inputs[i].name);
        rc = sys_psi_parse(inputs[i].text, &some, &full, &full_have);
        expect_rc(rc, "sys_psi_parse", inputs[i].name);
        if (rc == 0) {
            assert_false(isnan(some) || some < 0);
            if (full_have)
                assert_false(isnan(full) || full < 0);
        }
    }
}

/* progress.h: "0 or -EINVAL when malformed (p is then left empty)". */
static void test_progress(void **state)
{
    static struct progress p;

    (void)state;
    for (int i = 0; i < ninputs; i++) {
        int rc = progress_parse(inputs[i].text, &p);

        expect_rc(rc, "progress_parse", inputs[i].name);
        if (rc != 0 && p.n != 0)
            fail_msg("progress_parse on %s: -EINVAL but %d entries kept (it promises none)",
                     inputs[i].name, p.n);
        assert_in_range(p.n, 0, PROGRESS_MAX);
        for (int k = 0; k < p.n; k++) {
            assert_true(p.e[k].score <= p.e[k].total);
            assert_true(p.e[k].best <= p.e[k].total);
        }
    }
}

/* tour.h: a refused tour is empty and says where; an accepted one names real steps. */
static void test_tour(void **state)
{
    (void)state;
    for (int i = 0; i < ninputs; i++) {
        struct tour t;
        char err[256] = "";
        int rc = tour_parse_mem(inputs[i].text, inputs[i].len, NULL, &t, err, sizeof err);

        expect_rc(rc, "tour_parse_mem", inputs[i].name);
        if (rc != 0) {
            assert_int_equal(t.n, 0);
            assert_true(strncmp(err, "tour", 4) == 0);
        }
        for (int k = 0; k < t.n; k++) {
            assert_non_null(t.stops[k].scene);
            assert_in_range(t.stops[k].step, 0, t.stops[k].scene->nsteps - 1);
        }
        tour_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_there_are_crashers),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_pid_files),
        cmocka_unit_test(test_system_files),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_tour),
    };

    return cmocka_run_group_tests(tests, load, unload);
}
