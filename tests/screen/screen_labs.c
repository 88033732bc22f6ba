/* screen_labs.c — for every scene: each address the diagram shows lies in the mapping of
 * /proc/LAB/maps named for it at that moment; a lab SIGKILLed mid-scene is reported and
 * restart brings a fresh one; quitting leaves no lab behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "probes/maps.h"
#include "scenes/scene.h"
#include "tests/screen/oscope_vt.h"

/* Scenes whose diagram is an address map, with the option that keeps them small. */
static const char *const map_scenes[][2] = {
    { "stack-heap", NULL }, { "dangling", NULL }, { "recursion", NULL },
};

/* Region header names the map draws, longest first so "read-only data" wins over "data". */
static const char *header_kind(const char *text)
{
    static const char *const names[] = {
        "RELRO (read-only after loading)", "read-only data", "text (code)", "mmap (anonymous)", "shared library", "file mapping",
        "kernel-provided", "ELF header", "guard", "stack", "heap", "data", "bss",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(text, names[i], n) == 0 && text[n] == ' ')
            return names[i];
    }
    return NULL;
}

/* Checks every "0x..." address on var rows of the map pane against the lab's maps.
 * Returns how many addresses were checked. */
static int check_addresses(struct vt *vt, pid_t lab, int pane_col)
{
    struct maps *mp = calloc(1, sizeof *mp);
    const char *region = NULL;
    int checked = 0;
    char buf[1024];

    assert_non_null(mp);
    assert_int_equal(maps_read("/proc", lab, mp), 0);
    for (int r = 2; r < vt_rows(vt) - 1; r++) {
        const char *p, *kind;
        os_row_from(vt, r, pane_col, buf, sizeof buf);
        if (strncmp(buf, "\xe2\x94\x82", 3) != 0) /* past the diagram box's side │ */
            break;
        os_row_from(vt, r, pane_col + 1, buf, sizeof buf);
        if ((kind = header_kind(buf))) {
            region = kind;
            continue;
        }
        if (strstr(buf, "other mapping") || buf[0] == '\0')
            continue;
        /* A var row: marker, name, then its own address first. */
        p = strstr(buf, "0x");
        if (!p || !region)
            continue;
        uint64_t a = strtoull(p, NULL, 16);
        int i = maps_find(mp, a);
        if (i < 0 || strcmp(maps_kind_name(mp->r[i].kind), region) != 0) {
            fprintf(stderr, "address %#" PRIx64 " shown under \"%s\" is in %s of /proc/%d/maps\n", a,
                    region, i < 0 ? "no mapping" : maps_kind_name(mp->r[i].kind), (int)lab);
            vt_dump(vt, stderr);
            fail();
        }
        checked++;
    }
    free(mp);
    return checked;
}

static void test_addresses_agree_with_maps(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof map_scenes / sizeof map_scenes[0]; k++) {
        const struct scene *sc = scene_find(map_scenes[k][0]);
        struct vt *vt;
        int row, col, total = 0;

        if (!sc) {
            fprintf(stderr, "(scene %s is not built yet: skipped)\n", map_scenes[k][0]);
            continue;
        }
        vt = os_start(60, 160, sc->id, NULL);
        for (int step = 1; step <= sc->nsteps; step++) {
            pid_t lab;
            if (step > 1)
                assert_true(os_next(vt));
            assert_true(os_wait_step(vt, step));
            if (!vt_wait_text(vt, " stopped", 20000))
                break; /* a step that ends the lab (an overflow) has no maps to compare */
            vt_settle(vt, 150);
            lab = os_lab_pid(vt);
            if (!vt_find(vt, "/maps", &row, &col))
                continue;
            if (!vt_find(vt, "\xe2\x94\x90\xe2\x94\x8c", &row, &col)) /* ┐┌ between panes */
                continue;
            total += check_addresses(vt, lab, col + 1);
        }
        fprintf(stderr, "%s: %d addresses checked against /proc/LAB/maps\n", sc->id, total);
        assert_true(total > 0);
        assert_true(vt_key_char(vt, 'q'));
        vt_finish(vt, OS_WAIT_MS);
        assert_int_equal(vt_orphans(), 0);
        vt_free(vt);
    }
}

static void test_killed_lab_reported_and_restart_works(void **state)
{
    (void)state;
    for (int k = 0; k < scene_count; k++) {
        const struct scene *sc = scene_table[k];
        struct vt *vt = os_start(24, 80, sc->id, NULL);
        pid_t lab, fresh;

        assert_true(os_wait_step(vt, 1));
        assert_true(vt_wait_text(vt, " stopped", 60000));
        lab = os_lab_pid(vt);
        assert_true(os_alive(lab));
        kill(lab, SIGKILL);
        assert_true(vt_key(vt, VTERM_KEY_RIGHT));
        if (!vt_wait_text(vt, "(SIGKILL)", OS_WAIT_MS)) {
            fprintf(stderr, "%s: the kill was not reported\n", sc->id);
            vt_dump(vt, stderr);
            fail();
        }
        assert_true(os_expect(vt, "Press r to restart"));
        assert_true(vt_key_char(vt, 'r'));
        assert_true(vt_wait_gone(vt, "(SIGKILL)", OS_WAIT_MS));
        assert_true(os_wait_step(vt, 1));
        assert_true(vt_wait_text(vt, " stopped", 60000));
        fresh = os_lab_pid(vt);
        assert_true(fresh != lab && os_alive(fresh));
        assert_true(vt_key_char(vt, 'q'));
        vt_finish(vt, OS_WAIT_MS);
        assert_false(os_alive(fresh));
        assert_int_equal(vt_orphans(), 0);
        vt_free(vt);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses_agree_with_maps),
        cmocka_unit_test(test_killed_lab_reported_and_restart_works),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
