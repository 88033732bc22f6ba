/* hard_sizes.c — terminal sizes and types: every view (menu, each scene, watch) at 20x10,
 * 40x12, 79x23, 80x24, 132x43 and 300x100; a burst of 200 resizes, after which the screen
 * must be what a fresh start at that size draws; TERM xterm-256color, xterm, vt100, linux,
 * screen-256color (work) and dumb or unset (a clear refusal, exit status 2). Sizes are
 * written COLSxROWS. LANG=C is covered by hard_lang.sh (through tmux). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/hard/common.h"
#include "tests/hard/walk.h"

static char ids[HARD_MAX_SCENES][32];
static int nids;

/* A view: its arguments and the text its first screen shows at 80x24 or more. */
struct view {
    const char *name;
    const char *args[5];
    const char *ready;          /* NULL: anything (watch: not known yet) */
};

static int make_views(struct view *v, int cap)
{
    int n = 0;

    v[n++] = (struct view){ "menu", { NULL }, "Scenes" };
    for (int i = 0; i < nids && n < cap - 1; i++)
        v[n++] = (struct view){ ids[i], { ids[i], NULL }, "step " };
    if (hard_watch_built())
        v[n++] = (struct view){ "watch", { "watch", "-d", "0.5", NULL }, NULL };
    else
        fprintf(stderr, "watch: not built yet: its sizes are skipped\n");
    return n;
}

/* The bottom row names the quit key in every full view. */
static bool looks_whole(struct vt *vt, const struct view *v)
{
    char row[2048];
    bool ok;

    vt_row(vt, vt_rows(vt) - 1, row, sizeof row);
    ok = strstr(row, "quit") != NULL;
    if (v->ready)
        ok = ok && vt_find(vt, v->ready, NULL, NULL);
    if (!ok) {
        fprintf(stderr, "%s at %dx%d: expected \"%s\" and a status line naming quit\n", v->name,
                vt_cols(vt), vt_rows(vt), v->ready ? v->ready : "");
        vt_dump(vt, stderr);
    }
    return ok;
}

static void one_size(const struct view *v, int cols, int rows)
{
    struct hard_dir dir;
    struct vt *vt;
    char what[96];

    snprintf(what, sizeof what, "%s at %dx%d", v->name, cols, rows);
    assert_true(hard_dir_new(&dir));
    vt = hard_start(rows, cols, dir.env, v->args);
    assert_non_null(vt);
    if (cols < 80 || rows < 24) {
        /* says so, however narrow, then recovers when the terminal grows */
        if (!vt_wait_text(vt, "too small", OS_WAIT_MS)) {
            vt_dump(vt, stderr);
            fail_msg("%s: no \"too small\" notice", what);
        }
        vt_key(vt, VTERM_KEY_RIGHT);
        hard_pump(vt, 100);
        vt_resize(vt, 24, 80);
    }
    if (v->ready && !os_expect(vt, v->ready))
        fail_msg("%s: never ready", what);
    hard_pump(vt, 300);
    assert_true(looks_whole(vt, v));
    vt_key(vt, VTERM_KEY_RIGHT);
    vt_key(vt, VTERM_KEY_DOWN);
    assert_true(hard_answers(vt, 1000));
    walk_quit_clean(vt, &dir, what);
}

static void test_sizes(void **state)
{
    static const int sizes[][2] = { { 20, 10 }, { 40, 12 }, { 79, 23 }, { 80, 24 },
                                    { 132, 43 }, { 300, 100 } };
    struct view views[HARD_MAX_SCENES + 2];
    int nv = make_views(views, HARD_MAX_SCENES + 2);

    (void)state;
    for (int i = 0; i < nv; i++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
            one_size(&views[i], sizes[k][0], sizes[k][1]);
}

/* The menu's screen after a burst of resizes equals a fresh start at the final size. */
static void test_resize_burst_menu(void **state)
{
    const char *const none[] = { NULL };
    struct hard_dir dir;
    struct vt *vt, *fresh;
    char *a, *b;
    unsigned r = 12345;

    (void)state;
    assert_true(hard_dir_new(&dir));
    vt = hard_start(24, 80, dir.env, none);
    assert_true(os_expect(vt, "Scenes"));
    for (int i = 0; i < 200; i++) {
        r = r * 1103515245u + 12345u;
        vt_resize(vt, 5 + (int)(r >> 8) % 96, 10 + (int)(r >> 20) % 291);
    }
    vt_resize(vt, 30, 100);
    hard_pump(vt, 500);
    vt_key_ctrl(vt, 'l');       /* not needed for a pass; makes a failure easier to read */
    hard_pump(vt, 200);
    fresh = hard_start(30, 100, dir.env, none);
    assert_true(os_expect(fresh, "Scenes"));
    hard_pump(fresh, 200);
    a = vt_screen(vt);
    b = vt_screen(fresh);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "after 200 resizes (then 100x30):\n");
        vt_dump(vt, stderr);
        fprintf(stderr, "a fresh start at 100x30:\n");
        vt_dump(fresh, stderr);
    }
    assert_string_equal(a, b);
    free(a);
    free(b);
    vt_free(fresh);
    walk_quit_clean(vt, &dir, "menu after a resize burst");
}

/* Every other view survives the burst and shows itself whole at the final size. */
static void test_resize_burst_views(void **state)
{
    struct view views[HARD_MAX_SCENES + 2];
    int nv = make_views(views, HARD_MAX_SCENES + 2);

    (void)state;
    for (int i = 1; i < nv; i++) {
        struct hard_dir dir;
        struct vt *vt;
        unsigned r = 777u + (unsigned)i;

        assert_true(hard_dir_new(&dir));
        vt = hard_start(24, 80, dir.env, views[i].args);
        if (views[i].ready)
            assert_true(os_expect(vt, views[i].ready));
        vt_key(vt, VTERM_KEY_RIGHT);
        for (int k = 0; k < 200; k++) {
            r = r * 1103515245u + 12345u;
            vt_resize(vt, 5 + (int)(r >> 8) % 96, 10 + (int)(r >> 20) % 291);
            if (k % 50 == 0)
                hard_pump(vt, 1);       /* read a little, as a terminal would */
        }
        vt_resize(vt, 43, 132);
        hard_pump(vt, 500);
        assert_true(looks_whole(vt, &views[i]));
        assert_true(hard_answers(vt, 1000));
        walk_quit_clean(vt, &dir, views[i].name);
    }
}

static void test_terminal_types(void **state)
{
    static const char *const terms[] = { "xterm-256color", "xterm", "vt100", "linux",
                                         "screen-256color" };
    const char *const none[] = { NULL };
    struct view menu = { "menu", { NULL }, "Scenes" };

    (void)state;
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        struct hard_dir dir;
        char term[64];
        struct vt *vt;

        assert_true(hard_dir_new(&dir));
        snprintf(term, sizeof term, "TERM=%s", terms[i]);
        dir.env[3] = term;
        dir.env[4] = NULL;
        vt = hard_start(24, 80, dir.env, none);
        if (!os_expect(vt, "Scenes"))
            fail_msg("TERM=%s: no menu", terms[i]);
        assert_true(looks_whole(vt, &menu));
        vt_key(vt, VTERM_KEY_ENTER);            /* open the first scene */
        if (!os_expect(vt, "step "))
            fail_msg("TERM=%s: Enter opened no scene", terms[i]);
        vt_key(vt, VTERM_KEY_RIGHT);
        assert_true(hard_answers(vt, 1000));
        walk_quit_clean(vt, &dir, terms[i]);
    }
}

static void test_dumb_terminal_refused(void **state)
{
    static const char *const envs[] = { "TERM=dumb", "TERM=" };
    const char *const none[] = { NULL };

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct hard_dir dir;
        struct vt *vt;
        int status;
        char *screen;

        assert_true(hard_dir_new(&dir));
        dir.env[3] = envs[i];
        dir.env[4] = NULL;
        vt = hard_start(24, 80, dir.env, none);
        status = vt_finish(vt, 5000);
        screen = vt_screen(vt);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 2 || !strstr(screen, "TERM=")) {
            fprintf(stderr, "%s: wait status 0x%x\n", envs[i], (unsigned)status);
            vt_dump(vt, stderr);
        }
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 2);
        assert_non_null(strstr(screen, "TERM="));       /* says which terminal it refuses */
        free(screen);
        vt_free(vt);
        assert_int_equal(hard_orphans(), 0);
        hard_dir_free(&dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sizes, hard_teardown),
        cmocka_unit_test_teardown(test_resize_burst_menu, hard_teardown),
        cmocka_unit_test_teardown(test_resize_burst_views, hard_teardown),
        cmocka_unit_test_teardown(test_terminal_types, hard_teardown),
        cmocka_unit_test_teardown(test_dumb_terminal_refused, hard_teardown),
    };

    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
