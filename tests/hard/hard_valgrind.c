/* hard_valgrind.c — oscope under valgrind (memcheck) through a scripted walk of the menu,
 * every scene (steps forward and back, run to the end, the quiz, restart, the next option,
 * help, back to the menu) and watch (pause, delay, sample, legend, help): no invalid read
 * or write, no use of uninitialised values, 0 bytes definitely or indirectly lost. Labs
 * are forks and stay silent (--child-silent-after-fork); what ncurses keeps reachable is
 * fine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenes/scene.h"
#include "tests/hard/common.h"

#define VG_WAIT_MS 30000        /* valgrind starts slowly and runs 20-50 times slower */

static char ids[HARD_MAX_SCENES][32];
static int nids;

/* Starts oscope args under valgrind, its log in dir/vg.log. */
static struct vt *vg_start(struct hard_dir *dir, const char *const args[], char *log, size_t cap)
{
    const char *argv[24];
    char logopt[300];
    int n = 0;

    snprintf(log, cap, "%s/vg.log", dir->path);
    snprintf(logopt, sizeof logopt, "--log-file=%s", log);
    argv[n++] = "valgrind";
    argv[n++] = "--leak-check=full";
    argv[n++] = "--errors-for-leak-kinds=definite,indirect";
    argv[n++] = "--error-exitcode=99";
    argv[n++] = "--child-silent-after-fork=yes";
    argv[n++] = "--track-origins=yes";
    argv[n++] = logopt;
    argv[n++] = vt_bin();
    for (int i = 0; args[i] && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return vt_spawn(24, 80, argv, dir->env);
}

/* Prints the log (the report) to stderr. */
static void print_log(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[512];

    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        fputs(line, stderr);
    fclose(f);
}

/* True when the log has the line prefix with the given value somewhere. */
static bool log_says(const char *log, const char *what)
{
    FILE *f = fopen(log, "r");
    char line[512];
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, what) != NULL;
    fclose(f);
    return found;
}

/* Quits, then checks valgrind's verdict. */
static void vg_finish(struct vt *vt, struct hard_dir *dir, const char *log, const char *what)
{
    int status;
    bool clean;

    vt_key_char(vt, 'q');
    status = vt_finish(vt, 60000);
    clean = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
            log_says(log, "ERROR SUMMARY: 0 errors") &&
            (log_says(log, "definitely lost: 0 bytes") || log_says(log, "no leaks are possible")) &&
            (log_says(log, "indirectly lost: 0 bytes") || log_says(log, "no leaks are possible"));
    if (!clean) {
        fprintf(stderr, "%s: wait status 0x%x; valgrind's report:\n", what, (unsigned)status);
        print_log(log);
        vt_dump(vt, stderr);
    }
    vt_free(vt);
    assert_true(clean);
    assert_int_equal(hard_orphans(), 0);
    assert_int_equal(hard_dir_leftovers(dir), 0);
    hard_dir_free(dir);
}

static void keys(struct vt *vt, const char *s, int gap_ms)
{
    for (; *s; s++) {
        vt_key_char(vt, (unsigned char)*s);
        hard_pump(vt, gap_ms);
    }
}

/* Presses Right (s on a prediction) until the title says step k or time runs out. */
static void forward_to(struct vt *vt, int k, int ms)
{
    char want[32];

    snprintf(want, sizeof want, "step %d/", k);
    for (int t = 0; t < ms && !vt_find(vt, want, NULL, NULL); t += 200) {
        if (vt_find(vt, "predict, then see", NULL, NULL))
            vt_key_char(vt, 's');
        else if (t % 2000 == 0)
            vt_key(vt, VTERM_KEY_RIGHT);
        hard_pump(vt, 200);
    }
}

static void test_menu(void **state)
{
    const char *const args[] = { NULL };
    struct hard_dir dir;
    char log[300];
    struct vt *vt;

    (void)state;
    assert_true(hard_dir_new(&dir));
    vt = vg_start(&dir, args, log, sizeof log);
    assert_true(vt_wait_text(vt, "Scenes", VG_WAIT_MS));
    vt_key(vt, VTERM_KEY_DOWN);
    vt_key(vt, VTERM_KEY_DOWN);
    vt_key(vt, VTERM_KEY_UP);
    vt_key(vt, VTERM_KEY_END);
    vt_key(vt, VTERM_KEY_HOME);
    keys(vt, "??", 300);
    vt_resize(vt, 43, 132);
    hard_pump(vt, 500);
    vt_resize(vt, 12, 40);      /* too small, then back */
    hard_pump(vt, 500);
    vt_resize(vt, 24, 80);
    vt_key(vt, VTERM_KEY_ENTER);
    if (!vt_wait_text(vt, "step 1/", VG_WAIT_MS))
        vt_dump(vt, stderr);
    keys(vt, "m", 500);
    vg_finish(vt, &dir, log, "menu under valgrind");
}

static void test_scene(void **state)
{
    const char *id = *state;
    const struct scene *sc = scene_find(id);
    const char *const args[] = { id, NULL };
    struct hard_dir dir;
    char log[300], what[96];
    struct vt *vt;
    int budget = 0;

    snprintf(what, sizeof what, "%.31s under valgrind", id);
    assert_non_null(sc);
    for (int k = 0; k < sc->nsteps; k++)
        budget += 2 * (sc->steps[k].timeout_s > 0 ? (int)sc->steps[k].timeout_s : 5);
    assert_true(hard_dir_new(&dir));
    vt = vg_start(&dir, args, log, sizeof log);
    if (!vt_wait_text(vt, "step 1/", VG_WAIT_MS))
        vt_dump(vt, stderr);
    forward_to(vt, 3 < sc->nsteps ? 3 : sc->nsteps, 20000);
    vt_key(vt, VTERM_KEY_LEFT);
    vt_key(vt, VTERM_KEY_HOME);
    vt_key(vt, VTERM_KEY_DOWN);
    vt_key(vt, VTERM_KEY_PAGEDOWN);
    vt_key(vt, VTERM_KEY_UP);
    hard_pump(vt, 300);
    vt_key(vt, VTERM_KEY_END);                  /* run to the last step */
    forward_to(vt, sc->nsteps, budget * 1000 + 10000);
    {
        char want[32], title[512];
        snprintf(want, sizeof want, "step %d/%d", sc->nsteps, sc->nsteps);
        vt_row(vt, 0, title, sizeof title);
        fprintf(stderr, "%s: %s\n", what, vt_find(vt, want, NULL, NULL) ? "walked to the last step"
                : vt_find(vt, "restart the lab", NULL, NULL) ? "the lab failed on the way (shown)"
                : title);
    }
    vt_key(vt, VTERM_KEY_RIGHT);                /* the quiz */
    hard_pump(vt, 500);
    if (!vt_find(vt, "quiz", NULL, NULL))
        fprintf(stderr, "%s: no quiz on screen\n", what);
    keys(vt, "1", 500);
    vt_key(vt, VTERM_KEY_RIGHT);
    keys(vt, "2", 500);
    vt_key(vt, VTERM_KEY_RIGHT);
    keys(vt, "a", 500);
    vt_key(vt, VTERM_KEY_RIGHT);
    hard_pump(vt, 500);
    keys(vt, "r", 300);                         /* a fresh lab */
    vt_wait_text(vt, "step 1/", VG_WAIT_MS);
    keys(vt, "o", 300);                         /* the next option (or "no options") */
    vt_wait_text(vt, "step 1/", VG_WAIT_MS);
    keys(vt, "??", 300);
    vt_resize(vt, 43, 132);
    hard_pump(vt, 1000);
    vt_resize(vt, 24, 80);
    keys(vt, "m", 1000);                        /* back to the menu: the lab ends */
    vt_wait_text(vt, "Scenes", VG_WAIT_MS);
    vg_finish(vt, &dir, log, what);
}

static void test_watch(void **state)
{
    char pid[32];
    const char *const args[] = { "watch", "-d", "0.2", "-p", pid, NULL };
    struct hard_dir dir;
    char log[300];
    struct vt *vt;

    (void)state;
    if (!hard_watch_built()) {
        fprintf(stderr, "watch: not built yet: skipped\n");
        skip();
    }
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    assert_true(hard_dir_new(&dir));
    vt = vg_start(&dir, args, log, sizeof log);
    hard_pump(vt, 5000);
    keys(vt, " ", 1000);                        /* pause, resume */
    keys(vt, " ", 1000);
    keys(vt, "+-tcLL??", 500);
    vt_resize(vt, 43, 132);
    hard_pump(vt, 1000);
    vt_resize(vt, 12, 40);
    hard_pump(vt, 1000);
    vt_resize(vt, 24, 80);
    hard_pump(vt, 1000);
    vg_finish(vt, &dir, log, "watch under valgrind");
}

int main(void)
{
    static char names[HARD_MAX_SCENES][48];
    struct CMUnitTest tests[HARD_MAX_SCENES + 2];
    int n = 0;

    if (system("valgrind --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "valgrind is not installed (tools/deps.sh test installs it)\n");
        return 1;
    }
    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    tests[n++] = (struct CMUnitTest){ "valgrind: menu", test_menu, NULL, hard_teardown, NULL };
    for (int i = 0; i < nids; i++) {
        snprintf(names[i], sizeof names[i], "valgrind: %s", ids[i]);
        tests[n++] = (struct CMUnitTest){ names[i], test_scene, NULL, hard_teardown, ids[i] };
    }
    tests[n++] = (struct CMUnitTest){ "valgrind: watch", test_watch, NULL, hard_teardown, NULL };
    if (getenv("HARD_ONLY"))
        cmocka_set_test_filter(getenv("HARD_ONLY"));
    return _cmocka_run_group_tests("hard_valgrind", tests, (size_t)n, NULL, NULL);
}
