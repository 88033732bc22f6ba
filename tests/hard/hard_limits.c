/* hard_limits.c — labs that run out of something: memory (RLIMIT_AS on oscope, which its
 * labs inherit; a fragmentation block count far beyond memory) and disk (page-cache on an
 * 8 MiB tmpfs, refused up front, then filling up under a running lab; RLIMIT_FSIZE where
 * mounting is not allowed). Each time the scene must say what happened, oscope must keep
 * answering keys, and r must bring a fresh lab. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenes/scene.h"
#include "tests/hard/common.h"
#include "tests/hard/walk.h"

static char ids[HARD_MAX_SCENES][32];
static int nids;

/* True when the problem line names the lack of memory, not only a status ("lab exited
 * with status 3"). The step's own narrative may talk about memory: it does not count. */
static bool says_memory(struct vt *vt)
{
    static const char *const words[] = { "memory", "ENOMEM", "allocate", "address space",
                                         "RLIMIT_AS" };
    char line[2048] = "", part[512];
    int row, top;

    if (!vt_find(vt, WALK_PROBLEM, &row, NULL))
        return false;
    /* a long problem wraps: it starts at the row with the "!" marker, at most 2 rows up */
    for (top = row; top > row - 2 && top > 0; top--) {
        vt_row(vt, top, part, sizeof part);
        if (strncmp(part, " ! ", 3) == 0)
            break;
    }
    for (int y = top; y <= row; y++) {
        vt_row(vt, y, part, sizeof part);
        strncat(line, part, sizeof line - strlen(line) - 1);
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(line, words[i]))
            return true;
    return false;
}

/* Every scene with oscope's address space capped at 160 MiB: its labs inherit the cap.
 * Running to the end either works or says that memory ran out; r then starts a fresh lab. */
static void test_out_of_memory(void **state)
{
    int unclear = 0;

    (void)state;
    for (int i = 0; i < nids; i++) {
        const struct scene *sc = scene_find(ids[i]);
        struct hard_dir dir;
        struct vt *vt;
        const char *argv[] = { "prlimit", "--as=167772160", vt_bin(), ids[i], NULL };
        char want[32], what[96];
        int budget = 0;

        if (!sc)
            continue;
        snprintf(what, sizeof what, "%.31s under RLIMIT_AS 160 MiB", ids[i]);
        for (int k = 0; k < sc->nsteps; k++)
            budget += walk_step_timeout(sc, k) + 1;
        assert_true(hard_dir_new(&dir));
        vt = vt_spawn(24, 80, argv, dir.env);
        assert_true(os_expect(vt, "step "));
        snprintf(want, sizeof want, "step %d/%d", sc->nsteps, sc->nsteps);
        walk_run_to_end(vt, sc, budget * 1000);
        if (!vt_find(vt, WALK_PROBLEM, NULL, NULL) && !vt_find(vt, want, NULL, NULL)) {
            vt_dump(vt, stderr);
            fail_msg("%s: neither the last step nor a problem after %d s", what, budget);
        }
        fprintf(stderr, "%s: %s\n", what,
                vt_find(vt, WALK_PROBLEM, NULL, NULL) ? "failed with a message" : "ran to the end");
        if (vt_find(vt, WALK_PROBLEM, NULL, NULL) && !says_memory(vt)) {
            vt_dump(vt, stderr);
            fprintf(stderr, "ERROR: %s: the lab failed, but the problem line does not say it "
                            "ran out of memory\n", what);
            unclear++;          /* go on with the other scenes, fail at the end */
        }
        assert_true(hard_answers(vt, 1000));
        walk_expect_restart(vt, sc, os_lab_pid(vt), what, true);
        walk_quit_clean(vt, &dir, what);
    }
    assert_int_equal(unclear, 0);
}

/* A block count far beyond memory: refused with a message, or run within limits. */
static void test_huge_fragmentation_option(void **state)
{
    const struct scene *sc = scene_find("fragmentation");
    const char *args[] = { "--option", "blocks=4000000000", "fragmentation", NULL };
    struct hard_dir dir;
    struct vt *vt;
    int status;

    (void)state;
    if (!sc) {
        fprintf(stderr, "no fragmentation scene yet: skipped\n");
        skip();
    }
    assert_true(hard_dir_new(&dir));
    vt = hard_start(24, 80, dir.env, args);
    hard_pump(vt, 1000);
    if (!os_alive(vt_pid(vt))) {        /* refused on the command line: status 2 and a line */
        status = vt_finish(vt, 1000);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 2);
        vt_free(vt);
        hard_dir_free(&dir);
        return;
    }
    fprintf(stderr, "fragmentation blocks=4000000000: %s\n",
            walk_run_to_end(vt, sc, 60000) ? "a problem, shown" : "ran (the count was bounded)");
    assert_true(hard_answers(vt, 1000));
    walk_expect_restart(vt, sc, os_lab_pid(vt), "fragmentation blocks=4000000000", true);
    walk_quit_clean(vt, &dir, "fragmentation blocks=4000000000");
}

/* Fills the file system holding dir until it has no space left. */
static void fill_up(const char *dir)
{
    char path[300], block[65536];
    FILE *f;

    snprintf(path, sizeof path, "%s/fill", dir);
    if (!(f = fopen(path, "w")))
        return;
    memset(block, 'f', sizeof block);
    while (fwrite(block, 1, sizeof block, f) == sizeof block)
        ;
    fclose(f);
}

/* page-cache on a full disk. With an 8 MiB tmpfs as TMPDIR: the default file size is
 * refused up front; then with size=2M the disk is filled while the lab waits at step 1, so
 * its write meets ENOSPC. Where mounting is not allowed, RLIMIT_FSIZE 1 MiB on oscope
 * (its labs inherit it as their hard limit) with size=4M. Each time: a problem shown,
 * keys answered, and r a fresh lab. */
static void test_disk_full(void **state)
{
    const struct scene *sc = scene_find("page-cache");
    struct hard_dir dir;
    char mnt[120], tmpenv[160], fill[160];
    const char *with_fsize[] = { "prlimit", "--fsize=1048576", vt_bin(), "--option", "size=4M",
                                 "page-cache", NULL };
    const char *plain[] = { vt_bin(), "page-cache", NULL };
    const char *small[] = { vt_bin(), "--option", "size=2M", "page-cache", NULL };
    struct vt *vt;

    (void)state;
    if (!sc) {
        fprintf(stderr, "no page-cache scene yet: skipped\n");
        skip();
    }
    assert_true(hard_dir_new(&dir));
    snprintf(mnt, sizeof mnt, "%.100s/small", dir.path);
    mkdir(mnt, 0700);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=8m") != 0) {
        fprintf(stderr, "page-cache, full disk: no mount allowed: RLIMIT_FSIZE 1 MiB instead\n");
        vt = vt_spawn(24, 80, with_fsize, dir.env);
        assert_true(os_expect(vt, "step "));
        if (!walk_run_to_end(vt, sc, 60000)) {
            vt_dump(vt, stderr);
            fail_msg("page-cache past RLIMIT_FSIZE: no problem shown");
        }
        assert_true(hard_answers(vt, 1000));
        walk_expect_restart(vt, sc, os_lab_pid(vt), "page-cache past RLIMIT_FSIZE", false);
        walk_quit_clean(vt, &dir, "page-cache past RLIMIT_FSIZE");
        return;
    }
    fprintf(stderr, "page-cache, full disk: an 8 MiB tmpfs\n");
    snprintf(tmpenv, sizeof tmpenv, "TMPDIR=%s", mnt);
    dir.env[0] = tmpenv;

    /* the default size does not fit: refused, saying so */
    vt = vt_spawn(24, 80, plain, dir.env);
    assert_true(os_expect(vt, "step "));
    if (!walk_run_to_end(vt, sc, 60000) || !vt_find(vt, "free", NULL, NULL)) {
        vt_dump(vt, stderr);
        fail_msg("page-cache on an 8 MiB tmpfs: no word about the free space");
    }
    assert_true(hard_answers(vt, 1000));
    walk_expect_restart(vt, sc, os_lab_pid(vt), "page-cache on an 8 MiB tmpfs", false);
    walk_quit(vt, "page-cache on an 8 MiB tmpfs");

    /* it fits, then the disk fills up under it */
    vt = vt_spawn(24, 80, small, dir.env);
    assert_true(os_expect(vt, "step 1/"));
    fill_up(mnt);
    if (!walk_run_to_end(vt, sc, 60000)) {
        vt_dump(vt, stderr);
        fail_msg("page-cache on a disk that filled up: no problem shown");
    }
    if (!vt_find(vt, "ENOSPC", NULL, NULL) && !vt_find(vt, "space", NULL, NULL)) {
        vt_dump(vt, stderr);
        fail_msg("page-cache on a disk that filled up: the problem does not say the disk is full");
    }
    assert_true(hard_answers(vt, 1000));
    snprintf(fill, sizeof fill, "%s/fill", mnt);
    unlink(fill);
    walk_expect_restart(vt, sc, os_lab_pid(vt), "page-cache after the disk filled up", true);
    walk_quit(vt, "page-cache after the disk filled up");
    {
        struct hard_dir on_mount = dir;
        snprintf(on_mount.path, sizeof on_mount.path, "%s", mnt);
        assert_int_equal(hard_dir_leftovers(&on_mount), 0);
    }
    umount2(mnt, MNT_DETACH);
    assert_int_equal(hard_dir_leftovers(&dir), 0);
    hard_dir_free(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_out_of_memory, hard_teardown),
        cmocka_unit_test_teardown(test_huge_fragmentation_option, hard_teardown),
        cmocka_unit_test_teardown(test_disk_full, hard_teardown),
    };

    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    if (getenv("HARD_ONLY"))
        cmocka_set_test_filter(getenv("HARD_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
