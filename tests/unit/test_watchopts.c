/* test_watchopts.c — the command line of `oscope watch`: defaults, every option, the
 * bad inputs that must be refused with one clear line, and the CSV file that must never
 * replace an existing one unless asked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/watch.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct watch_opts o;
static char err[256];

/* Writable copies of the arguments, as main() gets them. */
static char pool[64][64];

/* Parses a NULL-terminated argument list after "watch". */
static int parse(const char *first, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;

    snprintf(pool[0], sizeof pool[0], "watch");
    argv[argc] = pool[argc];
    argc++;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *)) {
        snprintf(pool[argc], sizeof pool[argc], "%s", a);
        argv[argc] = pool[argc];
        argc++;
    }
    va_end(ap);
    argv[argc] = NULL;
    return watch_opts_parse(argc, argv, &o, err, sizeof err);
}

static void test_defaults_and_options(void **state)
{
    (void)state;
    assert_int_equal(parse(NULL), 0);
    assert_float_equal(o.delay, 1.0, 0);
    assert_int_equal(o.npids, 0);
    assert_false(o.batch);
    assert_int_equal(o.count, 0);
    assert_null(o.csv);

    assert_int_equal(parse("-d", "0.5", "-p", "1", "-p", "42", "-b", "-n", "3", "--csv",
                           "out.csv", "--force", NULL), 0);
    assert_float_equal(o.delay, 0.5, 0);
    assert_int_equal(o.npids, 2);
    assert_int_equal(o.pids[0], 1);
    assert_int_equal(o.pids[1], 42);
    assert_true(o.batch);
    assert_int_equal(o.count, 3);
    assert_string_equal(o.csv, "out.csv");
    assert_true(o.force);

    /* Long forms, attached values, the smallest delay, a repeated pid kept once. */
    assert_int_equal(parse("--delay=0.1", "--pid", "7", "-p7", "--count=2", "--batch",
                           "--csv=x.csv", "--no-color", "--theme", "light", NULL), 0);
    assert_float_equal(o.delay, 0.1, 1e-12);
    assert_int_equal(o.npids, 1);
    assert_int_equal(o.count, 2);
    assert_true(o.no_color);
    assert_string_equal(o.theme, "light");
    assert_int_equal(parse("-h", NULL), 0);
    assert_true(o.help);
}

/* Each bad command line is refused with a message naming what was wrong. */
static void test_bad_input(void **state)
{
    static const struct { const char *a, *b, *says; } bad[] = {
        { "-d", "0.01", "'0.01'" },
        { "-d", "0", "-d needs seconds" },
        { "-d", "abc", "'abc'" },
        { "-d", "1e9", "'1e9'" },
        { "-d", "nan", "'nan'" },
        { "-d", "-1", "'-1'" },
        { "-n", "0", "-n needs a number of samples" },
        { "-n", "2x", "'2x'" },
        { "-n", "-3", "'-3'" },
        { "-p", "abc", "-p needs a process id" },
        { "-p", "0", "'0'" },
        { "-p", "-5", "'-5'" },
        { "-p", "99999999999", "'99999999999'" },
        { "-x", NULL, "unknown option '-x'" },
        { "--bogus", NULL, "unknown option '--bogus'" },
        { "-p", NULL, "-p needs a value" },
        { "--csv", NULL, "--csv needs a value" },
        { "--theme", "pink", "unknown theme 'pink'" },
        { "stray", NULL, "unexpected argument 'stray'" },
    };
    (void)state;

    for (int i = 0; i < NELEM(bad); i++) {
        int rc = parse(bad[i].a, bad[i].b, NULL);
        if (rc != -1 || !strstr(err, bad[i].says) || strchr(err, '\n'))
            fail_msg("watch %s %s: rc %d, message \"%s\", expected \"%s\"", bad[i].a,
                     bad[i].b ? bad[i].b : "", rc, err, bad[i].says);
    }
}

static void test_too_many_pids(void **state)
{
    char *argv[2 + 2 * (WATCH_MAX_PIDS + 1)];
    int argc = 0;
    (void)state;

    snprintf(pool[0], sizeof pool[0], "watch");
    argv[argc] = pool[argc];
    argc++;
    for (int i = 0; i <= WATCH_MAX_PIDS; i++) {
        snprintf(pool[argc], sizeof pool[argc], "-p");
        argv[argc] = pool[argc];
        argc++;
        snprintf(pool[argc], sizeof pool[argc], "%d", 100 + i);
        argv[argc] = pool[argc];
        argc++;
    }
    argv[argc] = NULL;
    assert_int_equal(watch_opts_parse(argc, argv, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "at most"));
    assert_int_equal(watch_opts_parse(argc - 2, argv, &o, err, sizeof err), 0);
    assert_int_equal(o.npids, WATCH_MAX_PIDS);
}

static void test_csv_never_replaces(void **state)
{
    char dir[] = "/tmp/oscope-watchopts-XXXXXX", path[96], text[32] = "";
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/rec.csv", dir);
    f = watch_csv_create(path, false, err, sizeof err);
    assert_non_null(f);
    fputs("first\n", f);
    fclose(f);

    /* It exists now: refused, and the file is untouched. */
    assert_null(watch_csv_create(path, false, err, sizeof err));
    assert_non_null(strstr(err, "already exists"));
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(text, sizeof text, f));
    fclose(f);
    assert_string_equal(text, "first\n");

    /* --force replaces it. */
    f = watch_csv_create(path, true, err, sizeof err);
    assert_non_null(f);
    fputs("second\n", f);
    fclose(f);
    f = fopen(path, "r");
    assert_non_null(fgets(text, sizeof text, f));
    fclose(f);
    assert_string_equal(text, "second\n");

    /* A folder that does not exist says why. */
    snprintf(path, sizeof path, "%s/no/such/rec.csv", dir);
    assert_null(watch_csv_create(path, false, err, sizeof err));
    assert_non_null(strstr(err, "cannot create"));
    snprintf(path, sizeof path, "%s/rec.csv", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_options),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_too_many_pids),
        cmocka_unit_test(test_csv_never_replaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
