/* asan_report.c — picking the head of an AddressSanitizer report out of a program's output. */
#include "scenes/asan_report.h"

#include <stdio.h>
#include <string.h>

/* Copies the line starting at s (without its '\n') into buf; returns the next line or NULL. */
static const char *get_line(const char *s, char *buf, size_t cap)
{
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);

    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return nl ? nl + 1 : NULL;
}

/* Copies the word (up to a blank) at s into buf. */
static void word(const char *s, char *buf, size_t cap)
{
    size_t n = strcspn(s, " \t");

    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* "    #0 0x55bf274ab2f1 in main /src/uaf_demo.c:35" -> "    #0 main uaf_demo.c:35".
 * False for frames of the C runtime's start-up code, which say nothing here. */
static bool tidy_frame(const char *line, char *out, size_t cap)
{
    const char *hash = strchr(line, '#'), *in = strstr(line, " in ");
    char num[8], fn[64];

    if (!hash || !in) {
        snprintf(out, cap, "%.159s", line);
        return true;
    }
    word(hash, num, sizeof num);
    word(in + 4, fn, sizeof fn);
    if (strncmp(fn, "__libc_start", 12) == 0 || strcmp(fn, "_start") == 0)
        return false;
    in += 4 + strcspn(in + 4, " \t");
    while (*in == ' ')
        in++;
    snprintf(out, cap, "    %s %s %s", num, fn, base_name(in));
    return true;
}

/* Drops the "==1234==" that ASan puts in front of its own lines. */
static const char *skip_pid(const char *line)
{
    if (line[0] == '=' && line[1] == '=') {
        const char *e = strstr(line + 2, "==");
        if (e && e[2] != '=')
            return e + 2;
    }
    return line;
}

/* "ERROR: AddressSanitizer: KIND on address ADDR at pc ..." gives the kind and the address;
 * the line is kept without its pc, bp and sp, which say nothing here. */
static void note_error_line(struct asan_report *r, const char *line)
{
    const char *on = strstr(line, " on address ");
    char buf[160];
    char *pc;

    word(strstr(line, "AddressSanitizer: ") + 18, r->kind, sizeof r->kind);
    if (on)
        word(on + 12, r->addr, sizeof r->addr);
    snprintf(buf, sizeof buf, "%.159s", line);
    if ((pc = strstr(buf, " at pc ")))
        *pc = '\0';
    snprintf(r->lines[r->nlines++], sizeof r->lines[0], "%s", buf);
}

/* "SUMMARY: AddressSanitizer: KIND /dir/file.c:35 in main": the file without its directory. */
static void tidy_summary(const char *line, char *out, size_t cap)
{
    const char *kind = strstr(line, "AddressSanitizer: ");
    const char *path = kind ? strchr(kind + 18, ' ') : NULL;

    if (!path) {
        snprintf(out, cap, "%.159s", line);
        return;
    }
    snprintf(out, cap, "%.*s %s", (int)(path - line), line, base_name(path + 1));
}

/* One line of the report after the ERROR line: kept tidied, and read for the access and the
 * place of the access (the first frame after it). */
static void add_line(struct asan_report *r, const char *line, bool *want_where)
{
    char buf[160];

    if (r->nlines >= ASAN_MAX_LINES || !*line)
        return;
    if (strncmp(line, "READ of size", 12) == 0 || strncmp(line, "WRITE of size", 13) == 0) {
        const char *at = strstr(line, " at ");
        snprintf(r->access, sizeof r->access, "%.*s", at ? (int)(at - line) : (int)strlen(line), line);
        *want_where = true;
    }
    if (strchr(line, '#') && strstr(line, " in ")) {
        if (!tidy_frame(line, buf, sizeof buf))
            return;
        if (*want_where) {
            snprintf(r->where, sizeof r->where, "%s", buf + strspn(buf, " #0123456789"));
            *want_where = false;
        }
    } else if (strncmp(line, "SUMMARY: ", 9) == 0) {
        tidy_summary(line, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, "%.159s", line);
    }
    snprintf(r->lines[r->nlines++], sizeof r->lines[0], "%s", buf);
}

void asan_report_parse(const char *out, struct asan_report *r)
{
    const char *s = out ? strstr(out, "ERROR: AddressSanitizer: ") : NULL;
    bool want_where = false;
    char line[512];

    memset(r, 0, sizeof *r);
    if (!s)
        return;
    while (s > out && s[-1] != '\n')
        s--;
    r->found = true;
    s = get_line(s, line, sizeof line);
    note_error_line(r, skip_pid(line));
    while (s && *s) {
        s = get_line(s, line, sizeof line);
        if (strncmp(skip_pid(line), "Shadow bytes", 12) == 0)
            break;
        add_line(r, skip_pid(line), &want_where);
        if (strncmp(line, "SUMMARY: ", 9) == 0)
            break;
    }
}

const char *asan_report_missing_runtime(const char *out, char *buf, size_t cap)
{
    const char *e = out ? strstr(out, "error while loading shared libraries: ") : NULL;

    if (!e)
        return NULL;
    e += strlen("error while loading shared libraries: ");
    snprintf(buf, cap, "%.*s", (int)strcspn(e, ":\n"), e);
    return buf;
}
