/* test_tour.c — lecture tours: a good tour gives the stops and notes expected, every
 * mistake is reported at its exact line with a reason, CRLF and UTF-8 are fine, files are
 * bounded, and any bytes at all give either a tour or an error, never a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenes/tour.h"

static const char good[] =
    "# A tour for the first lecture\n"
    "\n"
    "title Memory in twenty minutes\n"
    "scene stack-heap   # the example scene\n"
    "steps 1-3, 5\t# and 5\n"
    "note 2 Ask the room: where do p's own 8 bytes live?\n"
    "  note 2\tThen show the map.\n"
    "note 5 Ünïcödé — “quotes” and a #hash stay\n"
    "scene stack-heap\n"
    "steps 8-\n"
    "note 9 The end.\n";

static void expect_good(const struct tour *t)
{
    static const int want[] = { 0, 1, 2, 4, 7, 8 };

    assert_string_equal(t->title, "Memory in twenty minutes");
    assert_int_equal(t->n, 6);
    for (int i = 0; i < t->n; i++) {
        assert_ptr_equal(t->stops[i].scene, scene_find("stack-heap"));
        assert_int_equal(t->stops[i].step, want[i]);
    }
    assert_string_equal(t->stops[0].note, "");
    assert_string_equal(t->stops[1].note, "Ask the room: where do p's own 8 bytes live? "
                                          "Then show the map.");
    assert_string_equal(t->stops[2].note, "");
    assert_string_equal(t->stops[3].note, "Ünïcödé — “quotes” and a #hash stay");
    assert_string_equal(t->stops[4].note, "");
    assert_string_equal(t->stops[5].note, "The end.");
}

static void test_good_tour(void **state)
{
    struct tour t;
    char err[256] = "stale";
    (void)state;

    assert_int_equal(tour_parse(good, "lecture.tour", &t, err, sizeof err), 0);
    assert_string_equal(err, "");
    expect_good(&t);
    tour_free(&t);
    assert_null(t.stops);
    assert_int_equal(t.n, 0);
    tour_free(&t);
}

static void test_all_steps_by_default(void **state)
{
    struct tour t;
    char err[256];
    const struct scene *sc = scene_find("stack-heap");
    (void)state;

    assert_non_null(sc);
    assert_int_equal(tour_parse("scene stack-heap\nnote 3 three\n", NULL, &t, err, sizeof err), 0);
    assert_string_equal(t.title, "");
    assert_int_equal(t.n, sc->nsteps);
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.stops[i].step, i);
    assert_string_equal(t.stops[2].note, "three");
    tour_free(&t);
}

static void test_crlf_and_bom(void **state)
{
    char crlf[2 * sizeof good + 8];
    size_t n = 0;
    struct tour t;
    char err[256];
    (void)state;

    memcpy(crlf, "\xef\xbb\xbf", 3);
    n = 3;
    for (const char *c = good; *c; c++) {
        if (*c == '\n')
            crlf[n++] = '\r';
        crlf[n++] = *c;
    }
    crlf[n] = '\0';
    if (tour_parse(crlf, "crlf.tour", &t, err, sizeof err) != 0)
        fail_msg("%s", err);
    expect_good(&t);
    tour_free(&t);
    /* No newline at the very end is fine too. */
    assert_int_equal(tour_parse("scene stack-heap\r\nsteps 2", "x", &t, err, sizeof err), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.stops[0].step, 1);
    tour_free(&t);
}

struct bad_case {
    const char *text;
    size_t len;                  /* 0: strlen */
    int line;
    const char *reason;
};

static void test_errors(void **state)
{
    static char long_line[1200], long_notes[800], long_title[128];
    const struct bad_case cases[] = {
        { "title T\nfoo bar\n", 0, 2, "unknown directive 'foo' (directives: title, scene, steps, note)" },
        { "Scene stack-heap\n", 0, 1, "unknown directive 'Scene'" },
        { "# x\nscene nope\n", 0, 2, "unknown scene 'nope' (scenes: stack-heap" },
        { "scene stack-heap\nsteps 1-12\n", 0, 2,
          "step 12 is out of range: scene 'stack-heap' has 9 steps (1-9)" },
        { "scene stack-heap\nsteps 0\n", 0, 2, "step 0 is out of range" },
        { "scene stack-heap\nsteps 99999999999999\n", 0, 2, "step number too large: scene 'stack-heap' has 9" },
        { "scene stack-heap\nsteps 2-999999999\n", 0, 2, "step 999999999 is out of range" },
        { "\n\nscene stack-heap\nsteps 5-3\n", 0, 4, "range 5-3 goes backwards" },
        { "scene stack-heap\nsteps 1-x\n", 0, 2, "malformed range '1-x'" },
        { "scene stack-heap\nsteps 1,\n", 0, 2, "malformed range '1,'" },
        { "scene stack-heap\nsteps 1 2\n", 0, 2, "malformed range '1 2'" },
        { "scene stack-heap\nsteps\n", 0, 2, "malformed range ''" },
        { "scene stack-heap\nsteps -3\n", 0, 2, "malformed range" },
        { "scene stack-heap\nsteps 3,2\n", 0, 2, "steps go forward only: 2 comes after 3" },
        { "scene stack-heap\nsteps 1-4,4\n", 0, 2, "steps go forward only: 4 comes after 4" },
        { "scene stack-heap\nsteps 1\nsteps 2\n", 0, 3,
          "second steps line for scene 'stack-heap' (the first is at line 2)" },
        { "# c\nnote 3 hi\nscene stack-heap\n", 0, 2, "note before any scene" },
        { "steps 1\nscene stack-heap\n", 0, 1, "steps before any scene" },
        { "scene stack-heap\nsteps 1-2\nnote 1 a\nnote 4 b\nscene stack-heap\n", 0, 4,
          "note for step 4, which is not among the steps of scene 'stack-heap' (given at line 2)" },
        { "scene stack-heap\nnote 7 x\nnote 6 y\nsteps 1-2\n", 0, 2, "note for step 7, which" },
        { "scene stack-heap\nnote 1\n", 0, 2, "note 1 has no text" },
        { "scene stack-heap\nnote x hi\n", 0, 2, "note needs a step number first" },
        { "scene stack-heap\nnote 2nd hi\n", 0, 2, "note needs a step number first" },
        { "scene stack-heap\nnote 10 hi\n", 0, 2, "step 10 is out of range" },
        { "scene stack-heap extra\n", 0, 1, "unexpected 'extra' after the scene id" },
        { "scene # none\n", 0, 1, "scene needs an id" },
        { "# only comments\n\n", 0, 2, "the tour names no scene" },
        { "", 0, 1, "the tour names no scene" },
        { "title A\n", 0, 1, "the tour names no scene" },
        { "title A\ntitle B\nscene stack-heap\n", 0, 2, "second title (the first is at line 1)" },
        { "title   \n", 0, 1, "title has no text" },
        { "title \xff\n", 0, 1, "invalid UTF-8 at byte 7 of the line" },
        { "scene stack-heap\nnote 1 \xc0\xaf\n", 0, 2, "invalid UTF-8" },
        { "scene stack-heap\nnote 1 \xed\xa0\x80\n", 0, 2, "invalid UTF-8" },
        { "scene stack-heap\nnote 1 cut \xe2\x82\n", 0, 2, "invalid UTF-8" },
        { "title a\x1b[31mred\n", 0, 1, "control character at byte 8" },
        { "title a\rb\n", 0, 1, "control character" },
        { "title a\xc2\x9b" "b\n", 0, 1, "control character" },
        { "scene stack-heap\nnote 1 a\0b\n", 27, 2, "NUL byte" },
        { long_line, 0, 2, "line too long (more than 1024 bytes)" },
        { long_notes, 0, 3, "the notes for step 1 are longer than 479 bytes" },
        { long_title, 0, 1, "title longer than 95 bytes" },
    };
    char err[512], want[600];
    struct tour t;
    (void)state;

    snprintf(long_line, sizeof long_line, "scene stack-heap\nnote 1 %01100d\n", 0);
    snprintf(long_notes, sizeof long_notes, "scene stack-heap\nnote 1 %0300d\nnote 1 %0300d\n", 0, 0);
    snprintf(long_title, sizeof long_title, "title %0100d\nscene stack-heap\n", 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        int rc = tour_parse_mem(c->text, c->len ? c->len : strlen(c->text), "talk.tour", &t,
                                err, sizeof err);

        snprintf(want, sizeof want, "talk.tour:%d: %s", c->line, c->reason);
        if (rc != -EINVAL || strncmp(err, want, strlen(want)) != 0)
            fail_msg("case %zu: rc %d, got \"%s\", want \"%s...\"", i, rc, err, want);
        assert_null(t.stops);
        assert_int_equal(t.n, 0);
        assert_string_equal(t.title, "");
    }
}

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/oscope-tour-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void put(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
    char path[128], err[512], want[256];
    struct tour t;
    char *big;
    (void)state;

    snprintf(path, sizeof path, "%s/lecture.tour", dir);
    put(path, good, strlen(good));
    assert_int_equal(tour_load(path, &t, err, sizeof err), 0);
    expect_good(&t);
    tour_free(&t);

    /* Errors name the file as given. */
    put(path, "scene stack-heap\nsteps 1\nnote 2 x\n", 34);
    assert_int_equal(tour_load(path, &t, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:3: note for step 2", path);
    assert_true(strncmp(err, want, strlen(want)) == 0);
    put(path, "scene stack-heap\n\nnote 1 \0\n", 27);
    assert_int_equal(tour_load(path, &t, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:3: NUL byte", path);
    assert_true(strncmp(err, want, strlen(want)) == 0);

    snprintf(path, sizeof path, "%s/missing.tour", dir);
    assert_int_equal(tour_load(path, &t, err, sizeof err), -ENOENT);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    assert_string_equal(err, want);

    assert_int_equal(tour_load(dir, &t, err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "not a regular file"));

    /* Over 1 MiB: refused before parsing, however good the text. */
    big = malloc(TOUR_FILE_MAX + 64);
    assert_non_null(big);
    memset(big, '\n', TOUR_FILE_MAX + 64);
    memcpy(big, "scene stack-heap\n", 17);
    snprintf(path, sizeof path, "%s/big.tour", dir);
    put(path, big, TOUR_FILE_MAX + 1);
    assert_int_equal(tour_load(path, &t, err, sizeof err), -EFBIG);
    assert_non_null(strstr(err, "larger than 1 MiB"));
    put(path, big, TOUR_FILE_MAX);
    assert_int_equal(tour_load(path, &t, err, sizeof err), 0);
    assert_int_equal(t.n, 9);
    tour_free(&t);
    free(big);
}

/* A small deterministic generator, so a failure can be reproduced. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Checks the result of parsing arbitrary bytes: a sane tour or a sane error. */
static void check_any(int rc, const struct tour *t, const char *err)
{
    if (rc == 0) {
        assert_true(t->n >= 1 && t->n <= TOUR_MAX_STOPS);
        for (int i = 0; i < t->n; i++) {
            assert_non_null(t->stops[i].scene);
            assert_true(t->stops[i].step >= 0 && t->stops[i].step < t->stops[i].scene->nsteps);
            assert_true(strlen(t->stops[i].note) < TOUR_NOTE_MAX);
        }
        assert_true(strlen(t->title) < TOUR_TITLE_MAX);
        return;
    }
    assert_int_equal(rc, -EINVAL);
    assert_true(strncmp(err, "fuzz:", 5) == 0);
    assert_true(err[5] >= '1' && err[5] <= '9');
    assert_non_null(strstr(err, ": "));
}

static void test_any_bytes(void **state)
{
    char buf[sizeof good + 64], err[160];
    uint32_t seed = 12345;
    struct tour t;
    int ok = 0;
    (void)state;

    for (int round = 0; round < 20000; round++) {
        size_t n = sizeof good - 1;
        int edits = 1 + (int)(rnd(&seed) % 4);

        memcpy(buf, good, n);
        for (int e = 0; e < edits; e++) {
            size_t at = rnd(&seed) % n;
            switch (rnd(&seed) % 4) {
            case 0: buf[at] = (char)rnd(&seed); break;
            case 1: buf[at] = "0123456789-,# \n\r\t"[rnd(&seed) % 17]; break;
            case 2: n = at + 1; break;
            default: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;
            }
        }
        if (round % 5 == 0)
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)rnd(&seed);
        check_any(tour_parse_mem(buf, n, "fuzz", &t, err, sizeof err), &t, err);
        ok += t.n > 0;
        tour_free(&t);
    }
    /* Many mutations still parse: the checks above saw real tours, not only errors. */
    assert_true(ok > 100);
    /* A tiny error buffer is filled, not overrun. */
    assert_int_equal(tour_parse("bogus\n", "fuzz", &t, err, 6), -EINVAL);
    assert_string_equal(err, "fuzz:");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_tour),
        cmocka_unit_test(test_all_steps_by_default),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_errors),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test(test_any_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
