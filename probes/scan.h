/* scan.h — bounded scanning of /proc text for the probes' parsers: every function takes
 * an end pointer and never reads at or past it, so truncated or hostile text is safe. */
#ifndef OSCOPE_SCAN_H
#define OSCOPE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The end of the line starting at p: the '\n' or end, whichever comes first. */
const char *scan_line_end(const char *p, const char *end);
/* Skips spaces and tabs. */
const char *scan_blanks(const char *p, const char *end);
/* Unsigned decimal after optional blanks; advances *pp past it. False on no digit or
 * overflow (then *pp is unchanged). */
bool scan_u64(const char **pp, const char *end, uint64_t *out);
/* Signed decimal after optional blanks (a leading '-'). */
bool scan_i64(const char **pp, const char *end, int64_t *out);
/* Hexadecimal (no 0x) with no leading blanks, at most 16 digits. */
bool scan_hex64(const char **pp, const char *end, uint64_t *out);
/* A non-negative decimal fraction "12.34" after optional blanks, locale-independent. */
bool scan_fixed(const char **pp, const char *end, double *out);
/* When the line [p, end) starts with key, the position just after it, else NULL. */
const char *scan_prefix(const char *p, const char *end, const char *key);

#endif
