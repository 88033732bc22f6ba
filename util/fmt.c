/* fmt.c — numbers for people: binary sizes, durations to three significant digits, and
 * counts with thousands separators. Never writes past cap; always NUL-terminates. */
#include "util/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Digits after the point so that v (>= 0) shows three significant digits. */
static int decimals3(double v)
{
    return v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
}

char *fmt_bytes(char *buf, size_t cap, double bytes)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
    const char *sign = bytes < 0 ? "-" : "";
    double v = fabs(bytes);
    int u = -1;

    if (cap == 0)
        return buf;
    if (!isfinite(bytes)) {
        snprintf(buf, cap, "?");
        return buf;
    }
    if (v < 1023.5) {
        snprintf(buf, cap, "%s%.0f B", sign, v);
        return buf;
    }
    /* Go up a unit while the value would print as 1024 or more in this one:
     * one decimal up to MiB, two from GiB on, where a tenth is a lot of memory. */
    do {
        v /= 1024.0;
        u++;
    } while (u < 4 && v >= (u >= 2 ? 1023.995 : 1023.95));
    snprintf(buf, cap, "%s%.*f %s", sign, u >= 2 ? 2 : 1, v, units[u]);
    return buf;
}

char *fmt_kib(char *buf, size_t cap, double kib)
{
    return fmt_bytes(buf, cap, kib * 1024.0);
}

char *fmt_duration(char *buf, size_t cap, double seconds, int ascii)
{
    const char *units[] = { "ns", ascii ? "us" : "\xc2\xb5s", "ms", "s" };
    const char *sign = seconds < 0 ? "-" : "";
    double v = fabs(seconds) * 1e9;
    int u = 0;

    if (cap == 0)
        return buf;
    if (!isfinite(seconds)) {
        snprintf(buf, cap, "?");
        return buf;
    }
    if (v == 0) {
        snprintf(buf, cap, "0 s");
        return buf;
    }
    /* 999.7 ns prints as "1.00 us", not "1000 ns". */
    while (u < 3 && v >= 999.5) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, cap, "%s%.*f %s", sign, decimals3(v), v, units[u]);
    return buf;
}

char *fmt_count(char *buf, size_t cap, uint64_t n)
{
    char digits[32], out[40];
    int len, o = 0;

    if (cap == 0)
        return buf;
    len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, cap, "%s", out);
    return buf;
}
