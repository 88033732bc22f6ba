/* asan_report.h — the head of an AddressSanitizer report found in a program's output, tidied
 * for the screen (process ids, program counters and directories left out). Pure text in,
 * struct out, so a step can parse what its lab printed. */
#ifndef OSCOPE_ASAN_REPORT_H
#define OSCOPE_ASAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#define ASAN_MAX_LINES 16

struct asan_report {
    bool found;                     /* an "ERROR: AddressSanitizer:" line was there */
    char kind[48];                  /* "heap-use-after-free" */
    char addr[24];                  /* "0x602000000010" */
    char access[40];                /* "WRITE of size 4" ("" when the report has none) */
    char where[64];                 /* frame #0 of the access: "main uaf_demo.c:35" */
    char lines[ASAN_MAX_LINES][160];/* the report from its ERROR line to SUMMARY, tidied */
    int nlines;
};

/* Finds the first report in out (NUL-terminated) and fills r; r->found false when none. */
void asan_report_parse(const char *out, struct asan_report *r);
/* When out shows that the dynamic loader could not find the sanitizer's runtime library,
 * writes its name ("libasan.so.8") to buf and returns buf; otherwise NULL. */
const char *asan_report_missing_runtime(const char *out, char *buf, size_t cap);

#endif
