/* hard_signals.c — signals in every view (menu, each scene while its lab runs a step,
 * watch): SIGINT, SIGTERM and SIGHUP end oscope with status 128+signal, a line saying
 * so, the terminal modes as they were (stty -g before and after, from a wrapper shell on
 * the same pty), no lab process and no lab directory left; SIGTSTP restores the terminal
 * while stopped and SIGCONT brings the screen back; a storm of SIGWINCH changes nothing;
 * after SIGKILL the lab dies too and the next start removes what was left. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/hard/common.h"

static char ids[HARD_MAX_SCENES][32];
static int nids;

struct view {
    const char *name;
    const char *args[5];
    const char *ready;
};
static struct view views[HARD_MAX_SCENES + 2];
static int nviews;

/* oscope under `sh -c`, which saves `stty -g` before and after and oscope's status. */
struct wrapped {
    struct vt *vt;
    struct hard_dir dir;
    pid_t oscope;
    char before[300], after[300], status[300], stopped[300];
};

static bool read_line(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    bool ok;

    if (!f)
        return false;
    ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

static void start_wrapped(struct wrapped *w, const struct view *v)
{
    const char *argv[16];
    int n = 0;
    pid_t kids[4];

    memset(w, 0, sizeof *w);
    assert_true(hard_dir_new(&w->dir));
    snprintf(w->before, sizeof w->before, "%s/before", w->dir.path);
    snprintf(w->after, sizeof w->after, "%s/after", w->dir.path);
    snprintf(w->status, sizeof w->status, "%s/status", w->dir.path);
    snprintf(w->stopped, sizeof w->stopped, "%s/stopped", w->dir.path);
    argv[n++] = "/bin/sh";
    argv[n++] = "-c";
    /* With job control (set -m) oscope runs in its own foreground process group, as
     * under an interactive shell: else its group would be orphaned and the kernel would
     * drop SIGTSTP. When it stops, the shell saves the modes and resumes it (fg). */
    argv[n++] = "set -m; d=$1; shift; stty -g > \"$d/before\"; \"$@\"; st=$?; "
                "while [ $st -eq 148 ]; do stty -g > \"$d/stopped\"; fg >/dev/null; st=$?; done; "
                "echo $st > \"$d/status\"; stty -g > \"$d/after\"; exec sleep 30";
    argv[n++] = "sh";
    argv[n++] = w->dir.path;
    argv[n++] = vt_bin();
    for (int i = 0; v->args[i]; i++)
        argv[n++] = v->args[i];
    argv[n] = NULL;
    w->vt = vt_spawn(24, 80, argv, w->dir.env);
    assert_non_null(w->vt);
    if (v->ready && !os_expect(w->vt, v->ready))
        fail_msg("%s: never ready", v->name);
    hard_pump(w->vt, 200);
    assert_int_equal(vt_children_of(vt_pid(w->vt), kids, 4), 1);
    w->oscope = kids[0];
}

/* Waits for the wrapper to have written "after" (oscope has ended). */
static bool wait_after(struct wrapped *w, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        char line[8];
        if (read_line(w->after, line, sizeof line) && line[0]) {
            hard_pump(w->vt, 20);
            return true;
        }
        hard_pump(w->vt, 20);
    }
    return false;
}

/* The end of a wrapped run: modes restored, status as expected, nothing left. */
static void end_wrapped(struct wrapped *w, const char *what, int want_status)
{
    char before[512] = "", after[512] = "", status[32] = "";

    if (!wait_after(w, 5000)) {
        vt_dump(w->vt, stderr);
        fail_msg("%s: oscope did not end within 5 s", what);
    }
    assert_true(read_line(w->before, before, sizeof before));
    assert_true(read_line(w->after, after, sizeof after));
    assert_true(read_line(w->status, status, sizeof status));
    if (strcmp(before, after) != 0 || atoi(status) != want_status) {
        fprintf(stderr, "%s: status %s (want %d)\n  stty before: %s\n  stty after:  %s\n",
                what, status, want_status, before, after);
        vt_dump(w->vt, stderr);
    }
    assert_string_equal(before, after);
    assert_int_equal(atoi(status), want_status);
    vt_free(w->vt);     /* the wrapper's sleep */
    w->vt = NULL;
    assert_int_equal(hard_orphans(), 0);
    assert_int_equal(hard_dir_leftovers(&w->dir), 0);
    hard_dir_free(&w->dir);
}

/* Gets a scene's lab busy: Right asks the lab for its next step. */
static void poke(struct wrapped *w, const struct view *v)
{
    if (v->ready && strcmp(v->ready, "step ") == 0) {
        vt_key(w->vt, VTERM_KEY_RIGHT);
        hard_pump(w->vt, 20);
    }
}

static void terminating(int sig)
{
    for (int i = 0; i < nviews; i++) {
        struct wrapped w;
        char what[96];

        snprintf(what, sizeof what, "%s, SIG%s", views[i].name, sigabbrev_np(sig));
        start_wrapped(&w, &views[i]);
        poke(&w, &views[i]);
        kill(w.oscope, sig);
        if (!wait_after(&w, 5000)) {
            vt_dump(w.vt, stderr);
            fail_msg("%s: oscope did not end within 5 s", what);
        }
        if (!vt_find(w.vt, "stopped by", NULL, NULL)) {
            vt_dump(w.vt, stderr);
            fail_msg("%s: no line saying oscope was stopped by a signal", what);
        }
        end_wrapped(&w, what, 128 + sig);
    }
}

static void test_sigint(void **state)
{
    (void)state;
    terminating(SIGINT);
}

static void test_sigterm(void **state)
{
    (void)state;
    terminating(SIGTERM);
}

static void test_sighup(void **state)
{
    (void)state;
    terminating(SIGHUP);
}

static void test_sigtstp_sigcont(void **state)
{
    (void)state;
    for (int i = 0; i < nviews; i++) {
        struct wrapped w;
        char before[512] = "", during[512] = "", what[96];
        int t;

        snprintf(what, sizeof what, "%s, SIGTSTP then SIGCONT (fg)", views[i].name);
        start_wrapped(&w, &views[i]);
        poke(&w, &views[i]);
        assert_true(read_line(w.before, before, sizeof before));
        kill(w.oscope, SIGTSTP);
        for (t = 0; t < 5000 && !(read_line(w.stopped, during, sizeof during) && during[0]); t += 20)
            hard_pump(w.vt, 20);
        if (!during[0]) {
            vt_dump(w.vt, stderr);
            fail_msg("%s: oscope did not stop", what);
        }
        if (strcmp(before, during) != 0)
            fprintf(stderr, "%s: terminal modes while stopped differ:\n  before:  %s\n  stopped: %s\n",
                    what, before, during);
        assert_string_equal(before, during);
        /* the shell has sent SIGCONT (fg): the screen comes back and keys work */
        if (views[i].ready && !os_expect(w.vt, views[i].ready))
            fail_msg("%s: the screen did not come back after SIGCONT", what);
        assert_true(hard_answers(w.vt, 1000));
        vt_key_char(w.vt, 'q');
        end_wrapped(&w, what, 0);
    }
}

/* Counts lab directories (oscope-lab.*) in dir. */
static int lab_dirs(const char *dir)
{
    char cmd[300];
    FILE *f;
    int n = 0;

    snprintf(cmd, sizeof cmd, "ls -d '%s'/oscope-lab.* 2>/dev/null | wc -l", dir);
    if ((f = popen(cmd, "r"))) {
        if (fscanf(f, "%d", &n) != 1)
            n = 0;
        pclose(f);
    }
    return n;
}

/* SIGKILL cannot be caught: the lab must die with oscope (PR_SET_PDEATHSIG), and the
 * directory it leaves is removed by the next oscope that starts. */
static void test_sigkill(void **state)
{
    (void)state;
    for (int i = 1; i < nviews; i++) {
        struct wrapped w;
        const char *const menu[] = { NULL };
        struct vt *next;
        pid_t lab;
        char what[96];

        if (!views[i].ready || strcmp(views[i].ready, "step ") != 0)
            continue;           /* scenes only: they have a lab */
        snprintf(what, sizeof what, "%.31s, SIGKILL", views[i].name);
        start_wrapped(&w, &views[i]);
        lab = os_lab_pid(w.vt);
        poke(&w, &views[i]);
        kill(w.oscope, SIGKILL);
        if (!wait_after(&w, 5000)) {
            vt_dump(w.vt, stderr);
            fail_msg("%s: the wrapper did not see oscope end", what);
        }
        for (int t = 0; t < 2000 && lab > 0 && os_alive(lab); t += 20)
            hard_pump(w.vt, 20);
        if (lab > 0 && os_alive(lab))
            fail_msg("%s: lab %d still runs 2 s after oscope was killed", what, (int)lab);
        vt_free(w.vt);
        assert_int_equal(hard_orphans(), 0);
        /* the next start (the menu) sweeps what the killed one left */
        next = hard_start(24, 80, w.dir.env, menu);
        assert_true(os_expect(next, "Scenes"));
        if (lab_dirs(w.dir.path) != 0)
            fail_msg("%s: %d lab directories left after the next start", what, lab_dirs(w.dir.path));
        vt_key_char(next, 'q');
        assert_int_equal(vt_finish(next, 5000), 0);
        vt_free(next);
        assert_int_equal(hard_orphans(), 0);
        hard_dir_free(&w.dir);
    }
}

static void test_sigwinch_storm(void **state)
{
    (void)state;
    for (int i = 0; i < nviews; i++) {
        struct wrapped w;
        char what[96], row[1024];

        snprintf(what, sizeof what, "%s, SIGWINCH storm", views[i].name);
        start_wrapped(&w, &views[i]);
        poke(&w, &views[i]);
        for (int k = 0; k < 500; k++) {
            kill(w.oscope, SIGWINCH);
            if (k % 100 == 0)
                vt_resize(w.vt, 24 + k / 100, 80 + k / 50);
        }
        vt_resize(w.vt, 30, 100);
        for (int t = 0; t < 3000; t += 100) {  /* 100-200 ms on an idle machine */
            hard_pump(w.vt, 100);
            vt_row(w.vt, vt_rows(w.vt) - 1, row, sizeof row);
            if (strstr(row, "quit"))
                break;
        }
        vt_row(w.vt, vt_rows(w.vt) - 1, row, sizeof row);
        if (!os_alive(w.oscope) || !strstr(row, "quit")) {
            vt_dump(w.vt, stderr);
            fail_msg("%s: not whole at 100x30 afterwards", what);
        }
        assert_true(hard_answers(w.vt, 1000));
        vt_key_char(w.vt, 'q');
        end_wrapped(&w, what, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sigint, hard_teardown),
        cmocka_unit_test_teardown(test_sigterm, hard_teardown),
        cmocka_unit_test_teardown(test_sighup, hard_teardown),
        cmocka_unit_test_teardown(test_sigtstp_sigcont, hard_teardown),
        cmocka_unit_test_teardown(test_sigwinch_storm, hard_teardown),
        cmocka_unit_test_teardown(test_sigkill, hard_teardown),
    };

    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    views[nviews++] = (struct view){ "menu", { NULL }, "Scenes" };
    for (int i = 0; i < nids; i++)
        views[nviews++] = (struct view){ ids[i], { ids[i], NULL }, "step " };
    if (hard_watch_built())
        views[nviews++] = (struct view){ "watch", { "watch", "-d", "0.5", NULL }, NULL };
    else
        fprintf(stderr, "watch: not built yet: its signal tests are skipped\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
