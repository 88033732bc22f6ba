/* test_fmt.c — sizes, durations and counts as people read them, including the rounding
 * edges where a unit changes and buffers too small for the text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "util/fmt.h"

static void test_bytes(void **state)
{
    char b[32];
    (void)state;

    assert_string_equal(fmt_bytes(b, sizeof b, 0), "0 B");
    assert_string_equal(fmt_bytes(b, sizeof b, 512), "512 B");
    assert_string_equal(fmt_bytes(b, sizeof b, 1023), "1023 B");
    assert_string_equal(fmt_bytes(b, sizeof b, 1024), "1.0 KiB");
    assert_string_equal(fmt_bytes(b, sizeof b, 12288), "12.0 KiB");
    assert_string_equal(fmt_bytes(b, sizeof b, 3.4 * 1024 * 1024), "3.4 MiB");
    assert_string_equal(fmt_bytes(b, sizeof b, 1.2 * 1024 * 1024 * 1024), "1.20 GiB");
    assert_string_equal(fmt_bytes(b, sizeof b, 5.0 * 1024 * 1024 * 1024 * 1024), "5.00 TiB");
    /* Just below a unit boundary it rounds up into the next unit, never "1024.0 KiB". */
    assert_string_equal(fmt_bytes(b, sizeof b, 1024.0 * 1024 - 1), "1.0 MiB");
    assert_string_equal(fmt_bytes(b, sizeof b, 1023.7), "1.0 KiB");
    assert_string_equal(fmt_bytes(b, sizeof b, -2048), "-2.0 KiB");
    assert_string_equal(fmt_bytes(b, sizeof b, NAN), "?");
    assert_string_equal(fmt_kib(b, sizeof b, 16318172), "15.56 GiB");
    assert_string_equal(fmt_kib(b, sizeof b, 140), "140.0 KiB");
    assert_string_equal(fmt_kib(b, sizeof b, 0.5), "512 B");
}

static void test_duration(void **state)
{
    char b[32];
    (void)state;

    assert_string_equal(fmt_duration(b, sizeof b, 950e-9, 0), "950 ns");
    assert_string_equal(fmt_duration(b, sizeof b, 12.3e-6, 0), "12.3 \xc2\xb5s");
    assert_string_equal(fmt_duration(b, sizeof b, 12.3e-6, 1), "12.3 us");
    assert_string_equal(fmt_duration(b, sizeof b, 4.1e-3, 1), "4.10 ms");
    assert_string_equal(fmt_duration(b, sizeof b, 2.345678, 1), "2.35 s");
    assert_string_equal(fmt_duration(b, sizeof b, 0.5, 1), "500 ms");
    assert_string_equal(fmt_duration(b, sizeof b, 3e-9, 1), "3.00 ns");
    assert_string_equal(fmt_duration(b, sizeof b, 99.96e-6, 1), "100 us");
    /* 999.7 ns is 1.00 us, not "1000 ns". */
    assert_string_equal(fmt_duration(b, sizeof b, 999.7e-9, 1), "1.00 us");
    assert_string_equal(fmt_duration(b, sizeof b, 1234.0, 1), "1234 s");
    assert_string_equal(fmt_duration(b, sizeof b, 0, 1), "0 s");
    assert_string_equal(fmt_duration(b, sizeof b, -2e-3, 1), "-2.00 ms");
    assert_string_equal(fmt_duration(b, sizeof b, INFINITY, 1), "?");
}

static void test_count(void **state)
{
    char b[32];
    (void)state;

    assert_string_equal(fmt_count(b, sizeof b, 0), "0");
    assert_string_equal(fmt_count(b, sizeof b, 999), "999");
    assert_string_equal(fmt_count(b, sizeof b, 1000), "1,000");
    assert_string_equal(fmt_count(b, sizeof b, 1234567), "1,234,567");
    assert_string_equal(fmt_count(b, sizeof b, UINT64_MAX), "18,446,744,073,709,551,615");
}

static void test_small_buffers(void **state)
{
    char b[6];
    char untouched = 'x';
    (void)state;

    /* Cut, but always terminated, and nothing written past cap. */
    memset(b, '#', sizeof b);
    assert_string_equal(fmt_count(b, 5, 1234567), "1,23");
    assert_int_equal(b[5], '#');
    assert_string_equal(fmt_bytes(b, 4, 3.4 * 1024 * 1024), "3.4");
    assert_string_equal(fmt_duration(b, 1, 1.0, 1), "");
    assert_true(fmt_count(&untouched, 0, 5) == &untouched);
    assert_int_equal(untouched, 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_small_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
