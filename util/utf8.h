/* utf8.h — telling valid UTF-8 from bytes that only look like it (overlong forms,
 * surrogates, beyond U+10FFFF, cut-short sequences), one sequence at a time. */
#ifndef OSCOPE_UTF8_H
#define OSCOPE_UTF8_H

#include <stddef.h>

enum utf8_result {
    UTF8_OK,                     /* a whole valid sequence of *len bytes */
    UTF8_SHORT,                  /* the n bytes are a valid start that needs more */
    UTF8_BAD,                    /* *len bytes (at least 1) that can never be valid: one
                                    U+FFFD replaces them (Unicode's "maximal subpart") */
};

/* Looks at the sequence starting at s, with n >= 1 bytes available. */
enum utf8_result utf8_scan(const unsigned char *s, size_t n, size_t *len);

#endif
