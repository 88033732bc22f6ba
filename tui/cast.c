/* cast.c — the asciicast v2 writer: JSON escaping, UTF-8 carried across writes. */
#include "tui/cast.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/xalloc.h"

struct cast {
    int fd;
    int err;                     /* first write error, -errno; 0 none */
    double last;                 /* time of the last event, seconds */
    unsigned char pending[4];    /* a UTF-8 sequence cut short by the previous write */
    size_t npending;
    char *buf;                   /* the event being built */
    size_t cap;
};

static int write_all(struct cast *c, const char *p, size_t n)
{
    while (n && !c->err) {
        ssize_t w = write(c->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            c->err = -errno;
        else {
            p += w;
            n -= (size_t)w;
        }
    }
    return c->err;
}

/* Makes room for need bytes in c->buf. */
static void reserve(struct cast *c, size_t need)
{
    if (need > c->cap) {
        c->cap = need + need / 2;
        c->buf = xrealloc(c->buf, c->cap);
    }
}

/* JSON's two-character escapes, by byte; the other control characters become \uXXXX. */
static const char short_escape[] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
    ['"'] = '"', ['\\'] = '\\',
};

/* Appends the JSON string body for s (n bytes) at out; returns bytes written. Stops before
 * a cut-short UTF-8 sequence at the end and reports its length in *rest (NULL: such a
 * sequence becomes U+FFFD too). out needs 6 * n bytes. */
static size_t escape(char *out, const unsigned char *s, size_t n, size_t *rest)
{
    size_t o = 0, i = 0, k;

    while (i < n) {
        enum utf8_result r = utf8_scan(s + i, n - i, &k);

        if (r == UTF8_SHORT && rest) {
            *rest = n - i;
            return o;
        }
        if (r != UTF8_OK) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
        } else if (k > 1) {
            memcpy(out + o, s + i, k);
            o += k;
        } else if (s[i] < sizeof short_escape && short_escape[s[i]]) {
            out[o++] = '\\';
            out[o++] = short_escape[s[i]];
        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            memcpy(out + o, "\\u00", 4);
            out[o + 4] = "0123456789abcdef"[s[i] >> 4];
            out[o + 5] = "0123456789abcdef"[s[i] & 15];
            o += 6;
        } else {
            out[o++] = (char)s[i];
        }
        i += k;
    }
    if (rest)
        *rest = 0;
    return o;
}

/* Clamps t so event times never go back. */
static double event_time(struct cast *c, double t)
{
    if (!(t >= c->last))         /* also NaN */
        t = c->last;
    c->last = t;
    return t;
}

struct cast *cast_open_fd(int fd, int cols, int rows, double unix_time, const char *term)
{
    struct cast *c = xcalloc(1, sizeof *c);
    size_t len;

    c->fd = fd;
    reserve(c, 256 + (term ? 6 * strlen(term) : 0));
    len = (size_t)snprintf(c->buf, c->cap, "{\"version\": 2, \"width\": %d, \"height\": %d, "
                           "\"timestamp\": %lld", cols > 0 ? cols : 80, rows > 0 ? rows : 24,
                           isfinite(unix_time) ? (long long)unix_time : 0LL);
    if (term) {
        memcpy(c->buf + len, ", \"env\": {\"TERM\": \"", 19);
        len += 19;
        len += escape(c->buf + len, (const unsigned char *)term, strlen(term), NULL);
        memcpy(c->buf + len, "\"}", 2);
        len += 2;
    }
    memcpy(c->buf + len, "}\n", 2);
    if (write_all(c, c->buf, len + 2) < 0) {
        int e = -c->err;

        free(c->buf);
        free(c);
        errno = e;
        return NULL;
    }
    return c;
}

/* Writes one event whose JSON string body is body (blen bytes). */
static int write_event(struct cast *c, double t, char code, const char *body, size_t blen)
{
    char head[64];
    int h = snprintf(head, sizeof head, "[%.6f, \"%c\", \"", event_time(c, t), code);

    if (write_all(c, head, (size_t)h) < 0)
        return c->err;
    if (write_all(c, body, blen) < 0)
        return c->err;
    return write_all(c, "\"]\n", 3);
}

int cast_output(struct cast *c, double t, const char *data, size_t n)
{
    size_t total = c->npending + n, rest, len;
    unsigned char *in;

    if (c->err || n == 0)
        return c->err;
    /* The input (pending bytes first) goes at the end of the buffer, the escaped text at
     * its start: 6 bytes out per byte in at most. */
    reserve(c, 7 * total);
    in = (unsigned char *)c->buf + 6 * total;
    memcpy(in, c->pending, c->npending);
    memcpy(in + c->npending, data, n);
    len = escape(c->buf, in, total, &rest);
    memcpy(c->pending, in + total - rest, rest);
    c->npending = rest;
    return len ? write_event(c, t, 'o', c->buf, len) : 0;
}

int cast_resize(struct cast *c, double t, int cols, int rows)
{
    char body[32];
    int n = snprintf(body, sizeof body, "%dx%d", cols, rows);

    if (c->err)
        return c->err;
    return write_event(c, t, 'r', body, (size_t)n);
}

int cast_close(struct cast *c)
{
    int err;

    if (c->npending && !c->err)
        write_event(c, c->last, 'o', "\\ufffd", 6);
    err = c->err;
    if (close(c->fd) != 0 && !err)
        err = -errno;
    free(c->buf);
    free(c);
    return err;
}
