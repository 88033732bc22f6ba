/* test_watchset.c — what `oscope watch` samples: values and their texts over a fixture
 * /proc tree rewritten between samples, change marks and history, the processes it
 * accepts, and a real process that exits (reaped, or left a zombie). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/watchset.h"
#include "tests/unit/watch_fixture.h"

static void test_values_texts_and_changes(void **state)
{
    struct timespec wall = { 1763771520, 0 };
    struct watchset *ws;
    int dirty = sys_at(CTR_MEM_DIRTY), ctxt = sys_at(CTR_CTXT), total = sys_at(CTR_MEM_TOTAL);
    int cpu_full = sys_at(CTR_PSI_CPU_FULL), io_full = sys_at(CTR_PSI_IO_FULL);
    (void)state;

    write_system(18432, 9000000);
    ws = watchset_new(tree);
    assert_non_null(ws);
    watchset_sample(ws, 10.0, &wall);
    assert_int_equal(ws->nsamples, 1);
    assert_string_equal(ws->sys_val[total].text, "16,318,172 KiB");
    assert_string_equal(ws->sys_val[dirty].text, "18,432 KiB");
    assert_string_equal(ws->sys_val[ctxt].text, "n/a (first sample)");
    assert_string_equal(ws->sys_val[sys_at(CTR_PROCS_BLOCKED)].text, "1");
    assert_string_equal(ws->sys_val[sys_at(CTR_PSI_MEM_FULL)].text, "9.75 %");
    assert_string_equal(ws->sys_val[io_full].text, "0.12 %");
    /* This kernel's cpu file has no "full" line: said so, not 0. */
    assert_false(ws->sys_val[cpu_full].now.ok);
    assert_string_equal(ws->sys_val[cpu_full].text, "n/a (not in this kernel)");
    for (int k = 0; k < WATCH_NSYS; k++)
        assert_false(ws->sys_val[k].changed);   /* nothing to compare with yet */

    /* Two seconds later Dirty grew and 30,000 switches happened. */
    write_system(20480, 9030000);
    wall.tv_sec += 2;
    watchset_sample(ws, 12.0, &wall);
    assert_string_equal(ws->sys_val[dirty].text, "20,480 KiB");
    assert_true(ws->sys_val[dirty].changed);
    assert_string_equal(ws->sys_val[ctxt].text, "15,000/s");
    assert_true(ws->sys_val[ctxt].changed);
    assert_false(ws->sys_val[total].changed);
    assert_string_equal(ws->sys_val[sys_at(CTR_PGFAULT)].text, "0.0/s");
    assert_int_equal(ws->sys_val[dirty].hist.n, 2);
    assert_float_equal(series_back(&ws->sys_val[dirty].hist, 0), 20480, 0);
    assert_int_equal(ws->sys_val[ctxt].hist.n, 1);  /* the first sample had no rate */

    /* c: history goes, values stay. */
    watchset_clear_history(ws);
    assert_int_equal(ws->sys_val[dirty].hist.n, 0);
    assert_false(ws->sys_val[dirty].changed);
    assert_string_equal(ws->sys_val[dirty].text, "20,480 KiB");
    watchset_free(ws);
}

static void test_value_text_units(void **state)
{
    char buf[64];
    struct counter_val v = { .ok = true, .v = 99.94 };
    (void)state;

    watchset_value_text(CTR_PGFAULT, &v, buf, sizeof buf);
    assert_string_equal(buf, "99.9/s");
    v.v = 1234.4;
    watchset_value_text(CTR_PGFAULT, &v, buf, sizeof buf);
    assert_string_equal(buf, "1,234/s");
    watchset_value_text(CTR_PGPGIN, &v, buf, sizeof buf);
    assert_string_equal(buf, "1,234 KiB/s");
    v.v = 2097152;
    watchset_value_text(CTR_P_READ_RATE, &v, buf, sizeof buf);
    assert_string_equal(buf, "2.0 MiB/s");
    v.v = 13;
    watchset_value_text(CTR_P_THREADS, &v, buf, sizeof buf);
    assert_string_equal(buf, "13");
    v = (struct counter_val){ .ok = false, .err = -EACCES };
    watchset_value_text(CTR_P_WRITE_RATE, &v, buf, sizeof buf);
    assert_string_equal(buf, "n/a (not permitted)");
    v.err = -ESRCH;
    watchset_value_text(CTR_P_RSS, &v, buf, sizeof buf);
    assert_string_equal(buf, "n/a (process exited)");
    /* Names: every shown counter has a label, a field and a CSV name. */
    for (int k = 0; k < WATCH_NSYS + WATCH_NPID; k++) {
        enum counter_id id = k < WATCH_NSYS ? watch_sys_ids[k] : watch_pid_ids[k - WATCH_NSYS];
        assert_true(strlen(watchset_label(id)) > 0 && strlen(watchset_label(id)) <= 12);
        assert_true(strlen(watchset_field(id)) > 0);
        assert_null(strpbrk(watchset_csv_name(id), " ,\"ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    }
}

static void test_add_pid_errors(void **state)
{
    struct watchset *ws;
    (void)state;

    write_system(1, 1);
    for (int i = 0; i <= WATCH_MAX_PIDS; i++)
        write_pid(5000 + i, 1, 1);
    ws = watchset_new(tree);
    assert_non_null(ws);
    assert_int_equal(watchset_add_pid(ws, 77777), -ESRCH);
    assert_int_equal(watchset_add_pid(ws, 0), -EINVAL);
    assert_int_equal(watchset_add_pid(ws, -4), -EINVAL);
    for (int i = 0; i < WATCH_MAX_PIDS; i++)
        assert_int_equal(watchset_add_pid(ws, 5000 + i), 0);
    assert_int_equal(watchset_add_pid(ws, 5000), -EEXIST);
    assert_int_equal(watchset_add_pid(ws, 5000 + WATCH_MAX_PIDS), -E2BIG);
    assert_int_equal(ws->npids, WATCH_MAX_PIDS);
    watchset_free(ws);
}

/* A real child, watched while it lives, then killed: reaped (gone) or not (a zombie). */
static void exits_once(bool reap)
{
    struct timespec wall = { 1763771520, 0 };
    struct watchset *ws = watchset_new(NULL);
    int rss = pid_at(CTR_P_RSS);
    char before[40], *csv, buf[64];
    pid_t child;
    int col, n;

    assert_non_null(ws);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    assert_int_equal(watchset_add_pid(ws, child), 0);
    watchset_sample(ws, 1.0, &wall);
    watchset_sample(ws, 2.0, &wall);
    assert_false(ws->pids[0].exited);
    assert_true(ws->pids[0].val[rss].now.ok);
    snprintf(before, sizeof before, "%s", ws->pids[0].val[rss].text);
    n = ws->pids[0].val[rss].hist.n;
    assert_int_equal(n, 2);

    kill(child, SIGKILL);
    if (reap) {
        assert_int_equal(waitpid(child, NULL, 0), child);
    } else {
        /* Wait until the kernel shows it as a zombie. */
        char path[64], text[512] = "";
        snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
        for (int i = 0; i < 200 && !strstr(text, ") Z "); i++) {
            FILE *f = fopen(path, "r");
            if (f) {
                if (!fgets(text, sizeof text, f))
                    text[0] = '\0';
                fclose(f);
            }
            usleep(10000);
        }
    }
    wall.tv_sec += 5;
    watchset_sample(ws, 3.0, &wall);
    watchset_sample(ws, 4.0, &wall);
    assert_true(ws->pids[0].exited);
    assert_float_equal(ws->pids[0].exited_at, 3.0, 0);
    assert_int_equal(ws->pids[0].exited_wall.tv_sec, 1763771525);
    assert_false(ws->pids[0].val[rss].now.ok);
    assert_int_equal(ws->pids[0].val[rss].now.err, -ESRCH);
    assert_string_equal(ws->pids[0].val[rss].text, before);   /* the last value read */
    assert_int_equal(ws->pids[0].val[rss].hist.n, n);         /* its history kept */
    assert_true(ws->sys_val[0].now.ok);                       /* the system goes on */

    csv = csv_of(ws, true);
    snprintf(before, sizeof before, "pid%d_state", (int)child);
    col = column_of(csv, before);
    assert_true(col > 0);
    assert_string_equal(field_of(strchr(csv, '\n') + 1, col, buf, sizeof buf), "exited");
    assert_string_equal(field_of(strchr(csv, '\n') + 1, col + 1 + pid_at(CTR_P_RSS), buf,
                                 sizeof buf), "");
    assert_string_equal(field_of(strchr(csv, '\n') + 1, col + 1 + pid_at(CTR_P_THREADS), buf,
                                 sizeof buf), "");
    free(csv);
    watchset_free(ws);
    if (!reap)
        assert_int_equal(waitpid(child, NULL, 0), child);
}

static void test_process_exits(void **state)
{
    (void)state;
    exits_once(true);
    exits_once(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_values_texts_and_changes, tree_setup,
                                        tree_teardown),
        cmocka_unit_test(test_value_text_units),
        cmocka_unit_test_setup_teardown(test_add_pid_errors, tree_setup, tree_teardown),
        cmocka_unit_test(test_process_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
