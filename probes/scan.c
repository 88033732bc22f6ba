/* scan.c — bounded number and key scanning shared by the /proc parsers. */
#include "probes/scan.h"

#include <string.h>

const char *scan_line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

const char *scan_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

bool scan_u64(const char **pp, const char *end, uint64_t *out)
{
    const char *p = scan_blanks(*pp, end);
    uint64_t v = 0;
    const char *start = p;

    while (p < end && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
        p++;
    }
    if (p == start)
        return false;
    *out = v;
    *pp = p;
    return true;
}

bool scan_i64(const char **pp, const char *end, int64_t *out)
{
    const char *p = scan_blanks(*pp, end);
    bool neg = false;
    uint64_t u;

    if (p < end && *p == '-') {
        neg = true;
        p++;
        if (p == end || *p < '0' || *p > '9')
            return false;
    }
    if (!scan_u64(&p, end, &u))
        return false;
    if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
        return false;
    /* Negating through uint64_t keeps INT64_MIN free of signed overflow. */
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    *pp = p;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool scan_hex64(const char **pp, const char *end, uint64_t *out)
{
    const char *p = *pp;
    uint64_t v = 0;
    int n = 0;

    for (; p < end && hex_digit(*p) >= 0; p++, n++) {
        if (n == 16)
            return false;
        v = (v << 4) | (uint64_t)hex_digit(*p);
    }
    if (n == 0)
        return false;
    *out = v;
    *pp = p;
    return true;
}

bool scan_fixed(const char **pp, const char *end, double *out)
{
    const char *p = *pp;
    uint64_t whole;
    double frac = 0, scale = 0.1;

    if (!scan_u64(&p, end, &whole))
        return false;
    if (p < end && *p == '.') {
        p++;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
        }
    }
    *out = (double)whole + frac;
    *pp = p;
    return true;
}

const char *scan_prefix(const char *p, const char *end, const char *key)
{
    size_t n = strlen(key);
    if ((size_t)(end - p) < n || memcmp(p, key, n) != 0)
        return NULL;
    return p + n;
}
