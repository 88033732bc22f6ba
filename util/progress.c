/* progress.c — reading, checking and atomically writing the quiz progress file. */
#include "util/progress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEADER "oscope-progress 1"
#define LINE_MAX_BYTES 255
#define LINES_MAX 1024
#define FILE_MAX (64 * 1024)
#define QUESTIONS_MAX 1000
#define WHEN_MAX 999999999999LL          /* year 33658: beyond that it is garbage */

int progress_path(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;

    /* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/oscope/progress", xdg);
    else if (home && home[0])
        n = snprintf(buf, cap, "%s/.local/state/oscope/progress", home);
    else
        return -ENOENT;
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* The index of id's entry, or -1. */
static int find(const struct progress *p, const char *id)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->e[i].id, id) == 0)
            return i;
    return -1;
}

static bool id_ok(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n >= sizeof ((struct progress_entry *)0)->id)
        return false;
    return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* A plain decimal number in 0..max (no sign, no spaces, at most 12 digits). */
static bool number(const char *s, long long max, long long *out)
{
    long long v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
        return false;
    for (const char *c = s; *c; c++)
        v = v * 10 + (*c - '0');
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Splits line (modified) on blanks into at most max words; returns how many, max + 1 when
 * there are more. */
static int split(char *line, char **w, int max)
{
    int n = 0;

    for (char *s = strtok(line, " \t"); s; s = strtok(NULL, " \t")) {
        if (n == max)
            return max + 1;
        w[n++] = s;
    }
    return n;
}

/* Parses one scene line into p; NULL or why it is malformed. */
static const char *parse_entry(char *line, struct progress *p)
{
    char *w[5];
    long long v[4];
    struct progress_entry *e;

    if (split(line, w, 5) != 5)
        return "expected: ID SCORE TOTAL BEST WHEN";
    if (!id_ok(w[0]))
        return "bad scene id";
    if (!number(w[1], QUESTIONS_MAX, &v[0]) || !number(w[2], QUESTIONS_MAX, &v[1]) ||
        !number(w[3], QUESTIONS_MAX, &v[2]) || !number(w[4], WHEN_MAX, &v[3]))
        return "bad number";
    if (v[0] > v[1] || v[2] > v[1])
        return "score above total";
    if (find(p, w[0]) >= 0)
        return "scene listed twice";
    if (p->n == PROGRESS_MAX)
        return "too many scenes";
    e = &p->e[p->n++];
    snprintf(e->id, sizeof e->id, "%s", w[0]);
    e->score = (int)v[0];
    e->total = (int)v[1];
    e->best = (int)v[2];
    e->when = v[3];
    return NULL;
}

/* Parses len bytes of text into p. NULL, or why it is malformed with *lineno the line. */
static const char *parse_buf(const char *text, size_t len, struct progress *p, int *lineno)
{
    char line[LINE_MAX_BYTES + 2];
    size_t pos = 0;
    const char *why = NULL;

    memset(p, 0, sizeof *p);
    *lineno = 1;
    if (len > FILE_MAX)
        return "larger than 64 KiB";
    if (len == 0)
        return "empty file (no header)";
    if (memchr(text, '\0', len)) {
        for (const char *c = text; *c; c++)
            *lineno += *c == '\n';
        return "NUL byte (binary data)";
    }
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = (nl ? (size_t)(nl - text) : len) - pos;
        size_t skip = n + 1;

        if (*lineno > LINES_MAX) {
            why = "too many lines";
            break;
        }
        if (!nl) {
            why = "the last line has no end (truncated?)";
            break;
        }
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (n > LINE_MAX_BYTES) {
            why = "line longer than 255 bytes";
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (*lineno == 1) {
            if (strcmp(line, HEADER) != 0)
                why = "first line is not \"" HEADER "\"";
        } else if (line[strspn(line, " \t")] != '\0' && line[strspn(line, " \t")] != '#') {
            why = parse_entry(line, p);
        }
        if (why)
            break;
        pos += skip;
        ++*lineno;
    }
    if (why)
        memset(p, 0, sizeof *p);
    return why;
}

int progress_parse(const char *text, struct progress *p)
{
    int line;

    return parse_buf(text, strlen(text), p, &line) ? -EINVAL : 0;
}

int progress_format(const struct progress *p, char *buf, size_t cap)
{
    size_t len = 0;
    int n = snprintf(buf, cap, "%s\n# id score total best when\n", HEADER);

    if (n < 0 || (size_t)n >= cap)
        return -ENOSPC;
    len = (size_t)n;
    for (int i = 0; i < p->n; i++) {
        const struct progress_entry *e = &p->e[i];

        n = snprintf(buf + len, cap - len, "%s %d %d %d %lld\n", e->id, e->score, e->total,
                     e->best, e->when);
        if (n < 0 || (size_t)n >= cap - len)
            return -ENOSPC;
        len += (size_t)n;
    }
    return len > INT_MAX ? -ENOSPC : (int)len;
}

/* Renames path to PATH.corrupt-YYYYmmdd-HHMMSS[-N] without replacing anything; the new
 * name in aside. 0 or -errno. */
static int set_aside(const char *path, char *aside, size_t cap)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm))
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    for (int k = 1; k <= 20; k++) {
        int n = k == 1 ? snprintf(aside, cap, "%s.corrupt-%s", path, stamp)
                       : snprintf(aside, cap, "%s.corrupt-%s-%d", path, stamp, k);

        if (n < 0 || (size_t)n >= cap)
            return -ENAMETOOLONG;
        if (renameat2(AT_FDCWD, path, AT_FDCWD, aside, RENAME_NOREPLACE) == 0)
            return 0;
        if (errno == EINVAL) {           /* a file system without RENAME_NOREPLACE */
            if (access(aside, F_OK) == 0)
                continue;
            return rename(path, aside) == 0 ? 0 : -errno;
        }
        if (errno != EEXIST)
            return -errno;
    }
    return -EEXIST;
}

/* Reads the whole regular file behind fd (at most FILE_MAX + 1 bytes) into a new buffer.
 * Bytes read, or -errno. */
static long read_small(int fd, char **out)
{
    struct stat st;
    size_t len = 0;
    char *buf;

    if (fstat(fd, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    if (!(buf = malloc(FILE_MAX + 2)))
        return -ENOMEM;
    while (len <= FILE_MAX) {
        ssize_t n = read(fd, buf + len, FILE_MAX + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = -errno;
            free(buf);
            return e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    return (long)len;
}

int progress_load(const char *path, struct progress *p, char *warn, size_t cap)
{
    char aside[PATH_MAX], what[128];
    const char *why;
    char *text = NULL;
    long len;
    int fd, line, err;

    memset(p, 0, sizeof *p);
    if (cap)
        warn[0] = '\0';
    /* O_NONBLOCK: a FIFO put there must not hang the program. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 && errno != EACCES && errno != EPERM && errno != ELOOP)
        return -errno;
    len = fd < 0 ? -errno : read_small(fd, &text);
    if (fd >= 0)
        close(fd);
    if (len == -ENOMEM)
        return -ENOMEM;
    if (len < 0) {
        snprintf(what, sizeof what, "could not be read (%s)",
                 len == -EINVAL ? "not a regular file" : strerror((int)-len));
    } else {
        why = parse_buf(text, (size_t)len, p, &line);
        free(text);
        if (!why)
            return 0;
        snprintf(what, sizeof what, "was malformed at line %d (%s)", line, why);
    }
    if ((err = set_aside(path, aside, sizeof aside)) < 0)
        return err;
    snprintf(warn, cap, "progress file %s %s; kept it as %s and started afresh", path, what, aside);
    return 1;
}

/* Creates the directories leading to path (not path itself), mode 0700. 0 or -errno. */
static int make_parents(const char *path)
{
    char dir[PATH_MAX];
    size_t n = strlen(path);

    if (n >= sizeof dir)
        return -ENAMETOOLONG;
    memcpy(dir, path, n + 1);
    for (char *s = dir + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return -errno;
        *s = '/';
    }
    return 0;
}

/* Writes all of buf to fd. 0 or -errno. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsyncs the directory holding path, so the rename itself survives a crash. */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd;

    if (!slash || (size_t)(slash - path) >= sizeof dir)
        return;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash == path ? 1 : slash - path] = '\0';
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(fd);
        close(fd);
    }
}

int progress_save(const char *path, const struct progress *p)
{
    char tmp[PATH_MAX], *buf;
    size_t cap = 256 + (size_t)PROGRESS_MAX * 128;
    int fd, n, err;

    if ((err = make_parents(path)) < 0)
        return err;
    n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -ENAMETOOLONG;
    if (!(buf = malloc(cap)))
        return -ENOMEM;
    if ((n = progress_format(p, buf, cap)) < 0) {
        free(buf);
        return n;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        err = -errno;
        goto out_free;
    }
    err = write_all(fd, buf, (size_t)n);
    if (!err && fsync(fd) != 0)
        err = -errno;
    if (close(fd) != 0 && !err)
        err = -errno;
    if (!err && rename(tmp, path) != 0)
        err = -errno;
    if (err)
        unlink(tmp);
    else
        sync_dir(path);
out_free:
    free(buf);
    return err;
}

int progress_record(struct progress *p, const char *id, int score, int total, long long when)
{
    int i = find(p, id);
    struct progress_entry *e = i < 0 ? NULL : &p->e[i];

    if (!id_ok(id) || score < 0 || total < 0 || score > total || total > QUESTIONS_MAX ||
        when < 0 || when > WHEN_MAX)
        return -EINVAL;
    if (!e) {
        if (p->n < PROGRESS_MAX) {
            e = &p->e[p->n++];
        } else {
            e = &p->e[0];
            for (int k = 1; k < p->n; k++)
                if (p->e[k].when < e->when)
                    e = &p->e[k];
        }
        memset(e, 0, sizeof *e);
        snprintf(e->id, sizeof e->id, "%s", id);
        e->best = -1;
    }
    if (e->total != total)
        e->best = -1;
    e->score = score;
    e->total = total;
    e->best = score > e->best ? score : e->best;
    e->when = when;
    return 0;
}

const struct progress_entry *progress_get(const struct progress *p, const char *id)
{
    int i = find(p, id);

    return i < 0 ? NULL : &p->e[i];
}

int progress_reset(const char *path)
{
    if (unlink(path) == 0 || errno == ENOENT)
        return 0;
    return -errno;
}
