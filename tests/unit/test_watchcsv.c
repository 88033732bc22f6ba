/* test_watchcsv.c — what `oscope watch` writes as CSV: the header, the first row's rates
 * empty (never a made-up 0), values as /proc has them, a "not permitted" file as an empty
 * field, the quoting of a process name, and the timestamp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/watchcsv.h"
#include "tests/unit/watch_fixture.h"

static void test_csv_header_and_first_rows(void **state)
{
    struct timespec wall = { 1763771520, 250000000 };
    struct watchset *ws;
    char *one, *two, buf[64];
    const char *row;
    (void)state;

    write_system(18432, 9000000);
    write_pid(4242, 1000, 6144);
    ws = watchset_new(tree);
    assert_non_null(ws);
    assert_int_equal(watchset_add_pid(ws, 4242), 0);
    watchset_sample(ws, 10.0, &wall);
    one = csv_of(ws, true);
    row = strchr(one, '\n') + 1;

    /* The header: time, monotonic seconds, every system counter, then the process. */
    assert_int_equal(strncmp(one, "time,mono_s,mem_total_kib,mem_free_kib,", 39), 0);
    assert_int_equal(column_of(one, "time"), 0);
    assert_int_equal(column_of(one, "mono_s"), 1);
    assert_int_equal(column_of(one, "ctxt_per_s"), 2 + sys_at(CTR_CTXT));
    assert_int_equal(column_of(one, "pid4242_comm"), 2 + WATCH_NSYS);
    assert_int_equal(column_of(one, "pid4242_state"), 3 + WATCH_NSYS);
    assert_int_equal(column_of(one, "pid4242_rss_kib"), 4 + WATCH_NSYS + pid_at(CTR_P_RSS));
    assert_true(column_of(one, "pid4242_write_bytes_per_s") > 0);
    assert_int_equal(column_of(one, "psi_memory_full_avg10_pct"), 2 + sys_at(CTR_PSI_MEM_FULL));

    /* The first row: times, values as read, every rate empty (never a made-up 0). */
    assert_string_equal(field_of(row, 0, buf, sizeof buf), "2025-11-22T00:32:00.250Z");
    assert_string_equal(field_of(row, 1, buf, sizeof buf), "10.000");
    assert_string_equal(field_of(row, column_of(one, "mem_total_kib"), buf, sizeof buf),
                        "16318172");
    assert_string_equal(field_of(row, column_of(one, "swap_used_kib"), buf, sizeof buf),
                        "65536");
    assert_string_equal(field_of(row, column_of(one, "psi_cpu_full_avg10_pct"), buf,
                                 sizeof buf), "");       /* not in this kernel */
    assert_string_equal(field_of(row, column_of(one, "pid4242_comm"), buf, sizeof buf),
                        "\"demo, \"\"x\"\"\"");          /* quoted, quotes doubled */
    assert_string_equal(field_of(row, column_of(one, "pid4242_state"), buf, sizeof buf), "S");
    assert_string_equal(field_of(row, column_of(one, "pid4242_rss_kib"), buf, sizeof buf),
                        "6144");
    assert_string_equal(field_of(row, column_of(one, "pid4242_fds"), buf, sizeof buf), "1");
    for (int k = 0; k < WATCH_NSYS; k++)
        if (counter_def(watch_sys_ids[k])->rate)
            assert_string_equal(field_of(row, 2 + k, buf, sizeof buf), "");
    assert_string_equal(field_of(row, column_of(one, "pid4242_minflt_per_s"), buf, sizeof buf),
                        "");

    /* The second row has the rates. */
    write_system(18432, 9000500);
    write_pid(4242, 1400, 6400);
    watchset_sample(ws, 12.0, &wall);
    two = csv_of(ws, false);
    assert_string_equal(field_of(two, column_of(one, "ctxt_per_s"), buf, sizeof buf), "250.00");
    assert_string_equal(field_of(two, column_of(one, "pgfault_per_s"), buf, sizeof buf), "0.00");
    assert_string_equal(field_of(two, column_of(one, "pid4242_minflt_per_s"), buf, sizeof buf),
                        "200.00");
    assert_string_equal(field_of(two, column_of(one, "pid4242_rss_kib"), buf, sizeof buf),
                        "6400");
    assert_int_equal(strchr(two, '\n')[1], '\0');        /* exactly one line */
    free(one);
    free(two);
    watchset_free(ws);
}

/* Samples process 4242 whose io file cannot be read; 0 when it shows "not permitted"
 * on screen and an empty CSV field, never 0. Runs as a user the file's mode applies to. */
static int check_not_permitted(void)
{
    struct timespec wall = { 0, 0 };
    struct watchset *ws = watchset_new(tree);
    int rd = pid_at(CTR_P_READ_RATE);
    char *csv;
    char buf[64];
    int col, bad = 0;

    if (!ws || watchset_add_pid(ws, 4242) != 0)
        return 10;
    watchset_sample(ws, 1.0, &wall);
    watchset_sample(ws, 2.0, &wall);
    bad |= strcmp(ws->pids[0].val[rd].text, "n/a (not permitted)") != 0;
    bad |= ws->pids[0].val[rd].now.ok;
    bad |= !ws->pids[0].val[pid_at(CTR_P_RSS)].now.ok;     /* the rest still reads */
    csv = csv_of(ws, true);
    col = column_of(csv, "pid4242_read_bytes_per_s");
    bad |= col < 0 || strcmp(field_of(strchr(csv, '\n') + 1, col, buf, sizeof buf), "") != 0;
    col = column_of(csv, "pid4242_rss_kib");
    bad |= col < 0 || strcmp(field_of(strchr(csv, '\n') + 1, col, buf, sizeof buf), "6144") != 0;
    free(csv);
    watchset_free(ws);
    return bad ? 1 : 0;
}

static void test_not_permitted(void **state)
{
    char path[128];
    pid_t child;
    int status;
    (void)state;

    write_system(18432, 9000000);
    write_pid(4242, 1000, 6144);
    snprintf(path, sizeof path, "%s/4242/io", tree);
    assert_int_equal(chmod(path, 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(check_not_permitted(), 0);
        return;
    }
    /* root reads any file: check as nobody, in a child. */
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(20);
        _exit(check_not_permitted());
    }
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_csv_time(void **state)
{
    char buf[64];
    struct timespec t = { 0, 999999999 };
    (void)state;

    assert_string_equal(watchcsv_time(&t, buf, sizeof buf), "1970-01-01T00:00:00.999Z");
    t = (struct timespec){ 1763771520, 5000000 };
    assert_string_equal(watchcsv_time(&t, buf, sizeof buf), "2025-11-22T00:32:00.005Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv_header_and_first_rows, tree_setup,
                                        tree_teardown),
        cmocka_unit_test_setup_teardown(test_not_permitted, tree_setup, tree_teardown),
        cmocka_unit_test(test_csv_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
