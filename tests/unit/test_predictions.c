/* test_predictions.c — every "predict, then see" question is well formed, says "unknown"
 * when the facts are missing, and judges the real outcome from recorded facts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "scenes/scene.h"

static struct facts facts;
static struct maps no_maps;
static struct pid_status no_status;
static struct sys_mem no_mem;

static struct step_view view(void)
{
    return (struct step_view){ .facts = &facts, .maps = &no_maps, .status = &no_status,
                               .mem = &no_mem, .ntasks = 0 };
}

static const struct prediction *find(const char *scene, const char *marker)
{
    const struct scene *sc = scene_find(scene);

    assert_non_null(sc);
    for (int i = 0; i < sc->nsteps; i++)
        if (strcmp(sc->steps[i].marker, marker) == 0)
            return sc->steps[i].predict;
    return NULL;
}

static void test_every_prediction_is_well_formed(void **state)
{
    int total = 0;

    (void)state;
    for (int k = 0; k < scene_count; k++)
        for (int i = 0; i < scene_table[k]->nsteps; i++) {
            const struct prediction *p = scene_table[k]->steps[i].predict;
            struct step_view v;
            int n = 0;
            if (!p)
                continue;
            total++;
            assert_non_null(p->question);
            while (n < 4 && p->choices[n])
                n++;
            assert_true(n >= 2);
            assert_non_null(p->outcome);
            facts_clear(&facts);
            v = view();
            assert_int_equal(p->outcome(&v), -1); /* nothing recorded: no verdict */
        }
    /* The lessons the predictions are for: reuse, refusal, overflow, fsync, deadlock... */
    assert_true(total >= 7);
}

static void test_fsync_judged_from_the_file_pages(void **state)
{
    const struct prediction *p = find("page-cache", "fsync");
    struct step_view v;

    (void)state;
    assert_non_null(p);
    facts_clear(&facts);
    facts_set(&facts, "res.pages", "4096");
    facts_set(&facts, "res.dirty", "0");
    v = view();
    assert_int_equal(p->outcome(&v), 0);
    facts_set(&facts, "res.dirty", "4000");
    assert_int_equal(p->outcome(&v), 2);
    facts_set(&facts, "tmpfs", "1");
    assert_int_equal(p->outcome(&v), -1); /* no disk: nothing to judge */
}

static void test_deadlock_judged_from_the_lab(void **state)
{
    const struct prediction *p = find("locks", "deadlock");
    struct step_view v;

    (void)state;
    assert_non_null(p);
    facts_clear(&facts);
    facts_set(&facts, "d.stuck", "1");
    v = view();
    assert_int_equal(p->outcome(&v), 2);
    assert_non_null(strstr(p->choices[2], "forever"));
    facts_set(&facts, "d.stuck", "0");
    assert_int_equal(p->outcome(&v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_prediction_is_well_formed),
        cmocka_unit_test(test_fsync_judged_from_the_file_pages),
        cmocka_unit_test(test_deadlock_judged_from_the_lab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
