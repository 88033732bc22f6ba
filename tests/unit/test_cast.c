/* test_cast.c — the asciicast v2 writer: the header line, JSON escaping of what a
 * terminal program writes, UTF-8 kept whole across writes, invalid bytes as U+FFFD, times
 * that never go back, resize events, and write errors that are reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cast.h"

static char path[64];
static char text[1 << 16];

static int setup(void **state)
{
    int fd;
    (void)state;

    snprintf(path, sizeof path, "/tmp/oscope-cast-XXXXXX");
    if ((fd = mkstemp(path)) < 0)
        return -1;
    close(fd);                            /* open_cast() opens it afresh each time */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return unlink(path);
}

static struct cast *open_cast(const char *term)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    struct cast *c;

    assert_true(fd >= 0);
    c = cast_open_fd(fd, 80, 24, 1718000000.7, term);
    assert_non_null(c);
    return c;
}

/* Closes c and reads the file into text; returns the line after the header. */
static const char *finish(struct cast *c)
{
    FILE *f;
    size_t n;

    assert_int_equal(cast_close(c), 0);
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strchr(text, '\n'));
    return strchr(text, '\n') + 1;
}

static void test_header(void **state)
{
    (void)state;
    finish(open_cast("xterm-256color"));
    assert_string_equal(text, "{\"version\": 2, \"width\": 80, \"height\": 24, "
                              "\"timestamp\": 1718000000, \"env\": {\"TERM\": \"xterm-256color\"}}\n");
    finish(open_cast("od\"d\\\x1b"));
    assert_non_null(strstr(text, "\"env\": {\"TERM\": \"od\\\"d\\\\\\u001b\"}}\n"));
    finish(open_cast(NULL));
    assert_string_equal(text, "{\"version\": 2, \"width\": 80, \"height\": 24, "
                              "\"timestamp\": 1718000000}\n");
}

static void test_escaping(void **state)
{
    static const char out[] = "say \"hi\" \\ \x1b[1mbold\n\r\t\b\f\x01\x7f~";
    struct cast *c;
    (void)state;

    c = open_cast("xterm");
    assert_int_equal(cast_output(c, 0.5, out, sizeof out - 1), 0);
    assert_string_equal(finish(c), "[0.500000, \"o\", \"say \\\"hi\\\" \\\\ \\u001b[1mbold"
                                   "\\n\\r\\t\\b\\f\\u0001\\u007f~\"]\n");
}

static void test_utf8_split(void **state)
{
    struct cast *c;
    (void)state;

    c = open_cast("xterm");
    cast_output(c, 1, "a\xc3", 2);
    cast_output(c, 2, "\xa9" "b", 2);
    /* A 4-byte character in three pieces: nothing to write until it is whole. */
    cast_output(c, 3, "\xf0", 1);
    cast_output(c, 4, "\x9f\x98", 2);
    cast_output(c, 5, "\x80!", 2);
    assert_string_equal(finish(c), "[1.000000, \"o\", \"a\"]\n"
                                   "[2.000000, \"o\", \"\xc3\xa9" "b\"]\n"
                                   "[5.000000, \"o\", \"\xf0\x9f\x98\x80!\"]\n");
}

static void test_invalid_bytes(void **state)
{
    struct cast *c;
    (void)state;

    c = open_cast("xterm");
    cast_output(c, 1, "a\xff" "b", 3);
    cast_output(c, 2, "\xc0\xaf", 2);               /* overlong '/' */
    cast_output(c, 3, "\xed\xa0\x80", 3);           /* a UTF-16 surrogate */
    cast_output(c, 4, "\xc3(", 2);                  /* cut short by an ASCII byte */
    cast_output(c, 5, "\x80", 1);                   /* a lone continuation byte */
    cast_output(c, 6, "z\xe2\x82", 3);              /* cut short by the end */
    assert_string_equal(finish(c), "[1.000000, \"o\", \"a\\ufffdb\"]\n"
                                   "[2.000000, \"o\", \"\\ufffd\\ufffd\"]\n"
                                   "[3.000000, \"o\", \"\\ufffd\\ufffd\\ufffd\"]\n"
                                   "[4.000000, \"o\", \"\\ufffd(\"]\n"
                                   "[5.000000, \"o\", \"\\ufffd\"]\n"
                                   "[6.000000, \"o\", \"z\"]\n"
                                   "[6.000000, \"o\", \"\\ufffd\"]\n");
}

static void test_monotonic_and_resize(void **state)
{
    struct cast *c;
    (void)state;

    c = open_cast("xterm");
    cast_output(c, 1.0, "a", 1);
    cast_output(c, 0.5, "b", 1);
    cast_output(c, NAN, "c", 1);
    assert_int_equal(cast_resize(c, 3.25, 100, 30), 0);
    cast_output(c, 3.2500004, "d", 1);
    assert_string_equal(finish(c), "[1.000000, \"o\", \"a\"]\n"
                                   "[1.000000, \"o\", \"b\"]\n"
                                   "[1.000000, \"o\", \"c\"]\n"
                                   "[3.250000, \"r\", \"100x30\"]\n"
                                   "[3.250000, \"o\", \"d\"]\n");
}

static void test_write_errors(void **state)
{
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC), p[2];
    struct cast *c;
    (void)state;

    assert_true(fd >= 0);
    errno = 0;
    assert_null(cast_open_fd(fd, 80, 24, 0, "xterm"));
    assert_int_equal(errno, ENOSPC);
    close(fd);
    /* The reader goes away mid-recording: the error is returned and sticks. */
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    c = cast_open_fd(p[1], 80, 24, 0, "xterm");
    assert_non_null(c);
    close(p[0]);
    assert_int_equal(cast_output(c, 1, "x", 1), -EPIPE);
    assert_int_equal(cast_resize(c, 2, 1, 1), -EPIPE);
    assert_int_equal(cast_close(c), -EPIPE);
}

/* Every byte value in uneven pieces: each line is JSON, and the text of the "o" events
 * joined is the byte stream decoded as UTF-8 with U+FFFD for what is not (as Python's
 * decoder does it). Needs python3; without it only the writing is checked. */
static void test_json_with_python(void **state)
{
    unsigned char bytes[4096];
    char cmd[512], raw[80];
    struct cast *c;
    uint32_t s = 7;
    FILE *f;
    (void)state;

    for (size_t i = 0; i < sizeof bytes; i++) {
        s = s * 1103515245u + 12345u;
        bytes[i] = i < 256 ? (unsigned char)i : (unsigned char)(s >> 16);
    }
    c = open_cast("xterm");
    for (size_t i = 0, k; i < sizeof bytes; i += k) {
        k = 1 + i % 7;
        k = k > sizeof bytes - i ? sizeof bytes - i : k;
        assert_int_equal(cast_output(c, (double)i / 1000, (const char *)bytes + i, k), 0);
    }
    finish(c);
    snprintf(raw, sizeof raw, "%s.raw", path);
    f = fopen(raw, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, sizeof bytes, f), sizeof bytes);
    fclose(f);
    if (system("command -v python3 >/dev/null 2>&1") != 0) {
        print_message("python3 not found: JSON check skipped\n");
        unlink(raw);
        return;
    }
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys\n"
             "L=[json.loads(l) for l in open(sys.argv[1], encoding=\"utf-8\")]\n"
             "assert L[0][\"version\"] == 2 and L[0][\"width\"] == 80, L[0]\n"
             "t=[e[0] for e in L[1:]]\n"
             "assert t == sorted(t)\n"
             "got=\"\".join(e[2] for e in L[1:] if e[1] == \"o\")\n"
             "want=open(sys.argv[2], \"rb\").read().decode(\"utf-8\", \"replace\")\n"
             "assert got == want, (len(got), len(want))' '%s' '%s'", path, raw);
    assert_int_equal(system(cmd), 0);
    unlink(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf8_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monotonic_and_resize, setup, teardown),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test_setup_teardown(test_json_with_python, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
