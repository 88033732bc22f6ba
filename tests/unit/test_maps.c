/* test_maps.c — /proc/PID/maps parsing and naming: fixture processes, truncated and garbage
 * text, and this test process's own live map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/maps.h"
#include "probes/procfile.h"

#define FIX "tests/fixtures/proc"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static struct maps *new_maps(void)
{
    struct maps *m = calloc(1, sizeof *m);
    assert_non_null(m);
    return m;
}

static char *fixture_text(const char *rel)
{
    char *buf = malloc(65536);
    assert_non_null(buf);
    assert_true(procfile_read(FIX, rel, buf, 65536) > 0);
    return buf;
}

static void test_fixture_regions(void **state)
{
    static const enum maps_kind want[] = {
        MAPS_EXE_HEADER, MAPS_TEXT, MAPS_RODATA, MAPS_RELRO, MAPS_DATA, MAPS_BSS, MAPS_HEAP,
        MAPS_ANON, MAPS_GUARD, MAPS_GUARD, MAPS_ANON,
        MAPS_LIB, MAPS_LIB, MAPS_LIB, MAPS_LIB, MAPS_LIB, MAPS_ANON,
        MAPS_FILE, MAPS_VDSO, MAPS_VDSO,
        MAPS_LIB, MAPS_LIB, MAPS_LIB, MAPS_LIB, MAPS_LIB,
        MAPS_STACK, MAPS_VDSO,
    };
    struct maps *m = new_maps();
    (void)state;

    /* The exe symlink in the fixture names /usr/local/bin/oscope-demo. */
    assert_int_equal(maps_read(FIX, 4242, m), 0);
    assert_int_equal(m->n, (int)(sizeof want / sizeof want[0]));
    assert_false(m->truncated);
    for (int i = 0; i < m->n; i++) {
        if (m->r[i].kind != want[i])
            fail_msg("region %d (%s %s): kind %s, want %s", i, m->r[i].perms, m->r[i].path,
                     maps_kind_name(m->r[i].kind), maps_kind_name(want[i]));
    }
    assert_true(m->r[1].lo == 0x5581a2c02000ull);
    assert_true(m->r[1].hi == 0x5581a2c07000ull);
    assert_string_equal(m->r[1].perms, "r-xp");
    assert_true(m->r[1].offset == 0x2000);
    assert_true(m->r[1].inode == 131090);
    assert_string_equal(m->r[1].path, "/usr/local/bin/oscope-demo");
    assert_string_equal(m->r[5].path, "");
    assert_string_equal(m->r[6].path, "[heap]");
    assert_string_equal(m->r[26].path, "[vsyscall]");
    assert_true(m->r[26].lo == 0xffffffffff600000ull);

    /* Lookups: inside, at lo (inclusive), at hi (exclusive), in a gap. */
    assert_int_equal(maps_find(m, 0x5581a2c03abcull), 1);
    assert_int_equal(maps_find(m, 0x5581a2c02000ull), 1);
    assert_int_equal(maps_find(m, 0x5581a2c07000ull), 2);
    assert_int_equal(maps_find(m, 0x5581a3e91000ull + 100), 6);
    assert_int_equal(maps_find(m, 0x5581a2c0e000ull), -1);
    assert_int_equal(maps_find(m, 0), -1);
    assert_int_equal(maps_find(m, 0x7ffc1d704fffull), 25);
    free(m);
}

static void test_exe_unknown_takes_first_file(void **state)
{
    struct maps *a = new_maps(), *b = new_maps();
    char *text = fixture_text("4242/maps");
    (void)state;

    assert_int_equal(maps_parse(text, NULL, a), 0);
    assert_int_equal(maps_parse(text, "/usr/local/bin/oscope-demo", b), 0);
    assert_int_equal(a->n, b->n);
    for (int i = 0; i < a->n; i++)
        assert_int_equal(a->r[i].kind, b->r[i].kind);
    /* Named as a different program, the same mappings are just a file mapping. */
    assert_int_equal(maps_parse(text, "/usr/bin/other", b), 0);
    assert_int_equal(b->r[1].kind, MAPS_FILE);
    assert_int_equal(b->r[5].kind, MAPS_ANON);
    free(text);
    free(a);
    free(b);
}

static void test_path_with_spaces_and_deleted(void **state)
{
    struct maps *m = new_maps();
    (void)state;

    /* exe -> "/tmp/my lab/prog (deleted)", as the kernel shows a removed executable. */
    assert_int_equal(maps_read(FIX, 5151, m), 0);
    assert_int_equal(m->n, 9);
    assert_string_equal(m->r[0].path, "/tmp/my lab/prog (deleted)");
    assert_int_equal(m->r[0].kind, MAPS_EXE_HEADER);
    assert_int_equal(m->r[1].kind, MAPS_TEXT);
    assert_int_equal(m->r[2].kind, MAPS_RODATA);
    assert_int_equal(m->r[3].kind, MAPS_DATA);
    assert_int_equal(m->r[4].kind, MAPS_BSS);
    assert_int_equal(m->r[5].kind, MAPS_HEAP);
    assert_string_equal(m->r[6].path, "/tmp/my lab/data file.bin (deleted)");
    assert_string_equal(m->r[6].perms, "rw-s");
    assert_int_equal(m->r[6].kind, MAPS_FILE);
    assert_string_equal(m->r[7].path, "[anon:lab arena]");
    assert_int_equal(m->r[7].kind, MAPS_ANON);
    assert_int_equal(m->r[8].kind, MAPS_STACK);
    assert_int_equal(maps_find(m, 0x400000), 0);
    free(m);
}

static void test_every_truncation(void **state)
{
    char *text = fixture_text("4242/maps");
    size_t len = strlen(text);
    struct maps *m = new_maps();
    (void)state;

    /* Each prefix in a buffer of exactly its size, so ASan sees any read past it. */
    for (size_t cut = 0; cut <= len; cut++) {
        char *p = malloc(cut + 1);
        int lines = 0, rc;
        assert_non_null(p);
        memcpy(p, text, cut);
        p[cut] = '\0';
        for (size_t i = 0; i < cut; i++)
            lines += p[i] == '\n';
        rc = maps_parse(p, "/usr/local/bin/oscope-demo", m);
        assert_true(rc == 0 || rc == -EINVAL);
        assert_in_range(m->n, lines, lines + 1);
        if (cut > 0 && p[cut - 1] == '\n') {
            assert_int_equal(rc, 0);
            assert_int_equal(m->n, lines);
        }
        if (lines > 0)
            assert_int_equal(m->r[0].kind, MAPS_EXE_HEADER);
        free(p);
    }
    /* Cut inside the permissions of line 3: two whole regions and an error. */
    {
        const char *third = strstr(text, "5581a2c07000-");
        size_t cut = (size_t)(third - text) + 27;
        char *p = strndup(text, cut);
        assert_int_equal(maps_parse(p, NULL, m), -EINVAL);
        assert_int_equal(m->n, 2);
        assert_int_equal(m->r[1].kind, MAPS_TEXT);
        free(p);
    }
    free(m);
    free(text);
}

static void test_garbage(void **state)
{
    static const char *const bad[] = {
        "hello world\n",
        "zzzz-0000 r-xp 00000000 00:00 0\n",
        "00400000-00300000 r-xp 00000000 08:01 91 /x\n",  /* hi below lo */
        "00400000-00400000 r-xp 00000000 08:01 91 /x\n",  /* empty */
        "00400000-00401000 rwxq 00000000 08:01 91 /x\n",  /* bad perms */
        "00400000-00401000 r-xp 00000000 0801 91 /x\n",   /* bad device */
        "00400000-00401000 r-xp 00000000 08:01 /x\n",     /* no inode */
        "00400000-00401000 r-xp 00000000 08:01 91x /x\n",
        "10000000000000000-10000000000000001 r-xp 0 0:0 0\n", /* 17 hex digits */
        "00400000-",
        "00400000-00401000",
        "00400000-00401000 r-x",
        "-00401000 r-xp 00000000 08:01 91 /x\n",
    };
    struct maps *m = new_maps();
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m->n = 77;
        if (maps_parse(bad[i], NULL, m) != -EINVAL)
            fail_msg("accepted garbage #%zu: %s", i, bad[i]);
        assert_int_equal(m->n, 0);
    }
    assert_int_equal(maps_parse("", NULL, m), 0);
    assert_int_equal(m->n, 0);
    assert_int_equal(maps_parse("\n\n", NULL, m), 0);
    assert_int_equal(m->n, 0);
    assert_int_equal(maps_parse(NULL, NULL, m), -EINVAL);

    /* A good line, then a bad one: the good region is kept. */
    assert_int_equal(maps_parse("00400000-00401000 r-xp 00000000 08:01 91 /bin/x\n#oops\n",
                                NULL, m), -EINVAL);
    assert_int_equal(m->n, 1);
    assert_int_equal(m->r[0].kind, MAPS_TEXT);

    /* Random bytes never crash it. */
    srand(7);
    for (int round = 0; round < 2000; round++) {
        char buf[200];
        size_t n = (size_t)(rand() % (int)(sizeof buf - 1));
        for (size_t i = 0; i < n; i++) {
            static const char alphabet[] = "0123456789abcdef-: rwxps/[]\n()";
            buf[i] = rand() % 4 ? alphabet[rand() % (int)(sizeof alphabet - 1)]
                                : (char)(1 + rand() % 255);
        }
        buf[n] = '\0';
        int rc = maps_parse(buf, NULL, m);
        assert_true(rc == 0 || rc == -EINVAL);
        assert_in_range(m->n, 0, MAPS_MAX);
    }
    free(m);
}

static void test_long_path_and_too_many_lines(void **state)
{
    struct maps *m = new_maps();
    char *text = malloc(700 * 120), *p = text;
    char line[400];
    (void)state;

    /* A path longer than the region's path field is cut, not overrun. */
    memset(line, 'a', sizeof line);
    memcpy(line, "00400000-00401000 r--p 00000000 08:01 91 /", 42);
    line[sizeof line - 2] = '\n';
    line[sizeof line - 1] = '\0';
    assert_int_equal(maps_parse(line, NULL, m), 0);
    assert_int_equal(m->n, 1);
    assert_int_equal(strlen(m->r[0].path), sizeof m->r[0].path - 1);
    assert_int_equal(m->r[0].kind, MAPS_EXE_HEADER);

    for (int i = 0; i < 700; i++)
        p += sprintf(p, "%08x-%08x rw-p 00000000 00:00 0 \n", 0x10000 + i * 0x2000,
                     0x11000 + i * 0x2000);
    assert_int_equal(maps_parse(text, NULL, m), 0);
    assert_int_equal(m->n, MAPS_MAX);
    assert_true(m->truncated);
    assert_int_equal(m->r[MAPS_MAX - 1].kind, MAPS_ANON);
    free(text);
    free(m);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(maps_kind_name(MAPS_TEXT), "text (code)");
    assert_string_equal(maps_kind_name(MAPS_RODATA), "read-only data");
    assert_string_equal(maps_kind_name(MAPS_DATA), "data");
    assert_string_equal(maps_kind_name(MAPS_BSS), "bss");
    assert_string_equal(maps_kind_name(MAPS_HEAP), "heap");
    assert_string_equal(maps_kind_name(MAPS_STACK), "stack");
    assert_string_equal(maps_kind_name(MAPS_ANON), "mmap (anonymous)");
    assert_string_equal(maps_kind_name(MAPS_LIB), "shared library");
    assert_string_equal(maps_kind_name(MAPS_FILE), "file mapping");
    assert_string_equal(maps_kind_name(MAPS_VDSO), "kernel-provided");
    assert_string_equal(maps_kind_name(MAPS_GUARD), "guard");
    assert_string_equal(maps_kind_name(MAPS_EXE_HEADER), "ELF header");
    assert_string_equal(maps_kind_name((enum maps_kind)99), "other");
}

static int initialised_global = 42;

static int live_function(int x)
{
    return x + initialised_global;
}

static void test_live_self(void **state)
{
    struct maps *m = new_maps();
    int local = 1;
    char *small = malloc(32);
    const char *literal = "a string literal lives in read-only data";
    int (*volatile fn)(int) = live_function;
    int i;
    (void)state;

    assert_non_null(small);
    assert_int_equal(maps_read(NULL, getpid(), m), 0);
    assert_true(m->n > 5);

    i = maps_find(m, (uint64_t)(uintptr_t)&local);
    assert_true(i >= 0);
    /* ASan may keep locals on its own "fake stack" mapping. */
    if (!UNDER_ASAN || m->r[i].kind != MAPS_ANON)
        assert_int_equal(m->r[i].kind, MAPS_STACK);

    i = maps_find(m, (uint64_t)(uintptr_t)small);
    assert_true(i >= 0);
    /* glibc serves small blocks from brk; ASan's allocator uses mmap instead. */
    assert_int_equal(m->r[i].kind, UNDER_ASAN ? MAPS_ANON : MAPS_HEAP);

    i = maps_find(m, (uint64_t)(uintptr_t)literal);
    assert_true(i >= 0);
    assert_int_equal(m->r[i].kind, MAPS_RODATA);

    i = maps_find(m, (uint64_t)(uintptr_t)fn);
    assert_true(i >= 0);
    assert_int_equal(m->r[i].kind, MAPS_TEXT);

    i = maps_find(m, (uint64_t)(uintptr_t)&initialised_global);
    assert_true(i >= 0);
    assert_int_equal(m->r[i].kind, MAPS_DATA);
    assert_int_equal(fn(0), 42);

    /* The FILE behind stdout is libc's own data. */
    i = maps_find(m, (uint64_t)(uintptr_t)stdout);
    assert_true(i >= 0);
    assert_int_equal(m->r[i].kind, MAPS_LIB);
    free(small);
    free(m);
}

static void test_missing_process(void **state)
{
    struct maps *m = new_maps();
    (void)state;
    assert_int_equal(maps_read(FIX, 99999, m), -ENOENT);
    assert_int_equal(m->n, 0);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_regions),
        cmocka_unit_test(test_exe_unknown_takes_first_file),
        cmocka_unit_test(test_path_with_spaces_and_deleted),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_long_path_and_too_many_lines),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_live_self),
        cmocka_unit_test(test_missing_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
