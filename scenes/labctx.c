/* labctx.c — what lab code calls inside the lab: report facts, stop at a step, wait. */
#include "scenes/labctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One write per record: records under PIPE_BUF never interleave between threads. */
static void send_record(struct lab_ctx *lab, const char *rec, size_t n)
{
    while (n > 0) {
        ssize_t w = write(lab->fact_fd, rec, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(0); /* oscope is gone: nobody to report to */
        rec += w;
        n -= (size_t)w;
    }
}

/* Values travel on one line: control characters become '?'. */
static void clean(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s == 127)
            *s = '?';
}

void lab_fact(struct lab_ctx *lab, const char *name, const char *fmt, ...)
{
    char value[200], rec[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    clean(value);
    n = snprintf(rec, sizeof rec, "F %s %s\n", name, value);
    if (n > 0)
        send_record(lab, rec, (size_t)n < sizeof rec ? (size_t)n : sizeof rec - 1);
}

void lab_fact_ptr(struct lab_ctx *lab, const char *name, const void *p)
{
    lab_fact(lab, name, "0x%llx", (unsigned long long)(uintptr_t)p);
}

void lab_fact_u64(struct lab_ctx *lab, const char *name, uint64_t v)
{
    lab_fact(lab, name, "%llu", (unsigned long long)v);
}

/* Appends s to buf at *len without stdio (signal handlers). */
static void put(char *buf, size_t cap, size_t *len, const char *s)
{
    while (*s && *len + 1 < cap)
        buf[(*len)++] = *s++;
}

void lab_fact_u64_sigsafe(struct lab_ctx *lab, const char *name, uint64_t v)
{
    char rec[96], digits[24];
    size_t len = 0;
    int d = 0;

    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && d < (int)sizeof digits);
    put(rec, sizeof rec, &len, "F ");
    put(rec, sizeof rec, &len, name);
    put(rec, sizeof rec, &len, " ");
    while (d > 0 && len + 2 < sizeof rec)
        rec[len++] = digits[--d];
    rec[len++] = '\n';
    send_record(lab, rec, len);
}

static void wait_command(struct lab_ctx *lab)
{
    for (;;) {
        char c;
        ssize_t r = read(lab->cmd_fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == 'q')
            _exit(0);
        if (c == 'n')
            return;
    }
}

void lab_stop_sigsafe(struct lab_ctx *lab, const char *marker)
{
    char rec[64];
    size_t len = 0;

    put(rec, sizeof rec, &len, "S ");
    put(rec, sizeof rec, &len, marker);
    rec[len++] = '\n';
    send_record(lab, rec, len);
    wait_command(lab);
}

void lab_stop(struct lab_ctx *lab, const char *marker)
{
    lab_stop_sigsafe(lab, marker);
}

void lab_progress(struct lab_ctx *lab, int percent, const char *text)
{
    char t[160], rec[200];
    int n;

    snprintf(t, sizeof t, "%s", text ? text : "");
    clean(t);
    n = snprintf(rec, sizeof rec, "P %d %s\n", percent < 0 ? 0 : percent > 100 ? 100 : percent, t);
    if (n > 0)
        send_record(lab, rec, (size_t)n);
}

const char *lab_tmpdir(const struct lab_ctx *lab)
{
    return lab->tmpdir;
}

const char *lab_option(const struct lab_ctx *lab)
{
    return lab->option;
}

void labctx_finish(struct lab_ctx *lab)
{
    send_record(lab, "D\n", 2);
    for (;;)
        wait_command(lab);
}
