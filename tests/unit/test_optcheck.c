/* test_optcheck.c — scene options checked before a lab runs: keys, ranges, separators,
 * and every scene's own presets and default pass their own check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "scenes/optcheck.h"
#include "scenes/scene.h"

static const struct opt_key keys[] = { { "trials", 1, 1000 }, { "secs", 3, 30 } };

static int check(const char *opt, char *err)
{
    err[0] = '\0';
    return optcheck_ints(opt, keys, 2, err, 256);
}

static void test_accepted(void **state)
{
    char err[256];
    (void)state;

    assert_int_equal(check("", err), 0);
    assert_int_equal(check(NULL, err), 0);
    assert_int_equal(check("trials=1", err), 0);
    assert_int_equal(check("trials=1000", err), 0);
    assert_int_equal(check("trials=50 secs=5", err), 0);
    assert_int_equal(check("secs=30,trials=7", err), 0);
    assert_int_equal(check(" ,trials=7,, ", err), 0);
    assert_string_equal(err, "");
}

static void test_refused(void **state)
{
    static const struct { const char *opt, *says; } bad[] = {
        { "trials=0", "trials=0 is out of range: 1 to 1000" },
        { "trials=1001", "out of range" },
        { "trials=-5", "out of range" },
        { "secs=99999999999999999999999", "out of range" },
        { "trials=", "needs a whole number, got ''" },
        { "trials=12x", "needs a whole number, got '12x'" },
        { "trials= 12", "needs a whole number" },
        { "trials=1.5", "needs a whole number" },
        { "trial=5", "unknown key 'trial'; this scene takes trials=N (1 to 1000), secs=N (3 to 30)" },
        { "trials", "'trials' is not key=N" },
        { "trials=5,trials=6", "trials= is given twice" },
        { "secs=5 bogus", "'bogus' is not key=N" },
    };
    char err[256];
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (check(bad[i].opt, err) != -1 || !strstr(err, bad[i].says))
            fail_msg("option '%s': got '%s', wanted it refused saying '%s'", bad[i].opt, err,
                     bad[i].says);
    }
}

/* What oscope offers itself (the key o, the default) must never be refused. */
static void test_scenes_accept_their_own(void **state)
{
    char err[320];
    (void)state;

    for (int i = 0; i < scene_count; i++) {
        const struct scene *sc = scene_table[i];

        if (!sc->check_option)
            continue;
        for (int k = 0; sc->presets && sc->presets[k]; k++)
            if (sc->check_option(sc->presets[k], err, sizeof err) != 0)
                fail_msg("%s refuses its own preset '%s': %s", sc->id, sc->presets[k], err);
        if (sc->default_option && sc->check_option(sc->default_option(), err, sizeof err) != 0)
            fail_msg("%s refuses its own default '%s': %s", sc->id, sc->default_option(), err);
        if (sc->check_option("no-such-key=1", err, sizeof err) == 0)
            fail_msg("%s takes anything", sc->id);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_scenes_accept_their_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
