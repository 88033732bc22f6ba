/* utf8.c — one UTF-8 sequence at a time, by the table of well-formed byte sequences in
 * the Unicode standard (chapter 3, table 3-7). */
#include "util/utf8.h"

enum utf8_result utf8_scan(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t need;

    if (s[0] < 0x80) {
        *len = 1;
        return UTF8_OK;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        need = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        need = 3;
        lo = s[0] == 0xe0 ? 0xa0 : lo;   /* overlong below U+0800 */
        hi = s[0] == 0xed ? 0x9f : hi;   /* UTF-16 surrogates */
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        need = 4;
        lo = s[0] == 0xf0 ? 0x90 : lo;   /* overlong below U+10000 */
        hi = s[0] == 0xf4 ? 0x8f : hi;   /* beyond U+10FFFF */
    } else {
        *len = 1;
        return UTF8_BAD;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) {
            *len = n;
            return UTF8_SHORT;
        }
        if (s[i] < lo || s[i] > hi) {
            *len = i;
            return UTF8_BAD;
        }
        lo = 0x80;
        hi = 0xbf;
    }
    *len = need;
    return UTF8_OK;
}
