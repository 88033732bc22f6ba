/* fuzz.h — shared by the libFuzzer targets: the input as a NUL-terminated string (the
 * parsers take text), and a check that aborts with a message so libFuzzer keeps the input. */
#ifndef OSCOPE_FUZZ_H
#define OSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'ed copy of data with a NUL after it (an embedded NUL ends the text early,
 * as it would for a /proc file read into a buffer). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);

    if (!t)
        abort();
    memcpy(t, data, size);
    t[size] = '\0';
    return t;
}

/* An invariant of the parser's output that must hold for every input. */
#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort(); \
        } \
    } while (0)

/* True when s ends (NUL) within cap bytes. */
static inline int fuzz_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

#endif
