/* tour.c — reading a lecture tour file into stops: scenes, step ranges, presenter notes. */
#include "scenes/tour.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/xalloc.h"

#define LINE_MAX_BYTES 1024
#define BLANKS " \t"
#define STEP_HUGE 1000000000     /* any step number of more than 9 digits */

/* The parser's state; a section is one `scene` line and what follows it. */
struct parser {
    const char *file;
    char *err;
    size_t errcap;
    int line;                    /* 1-based line being read */
    struct tour *t;
    int title_line;              /* where the title was set, 0 none */
    const struct scene *sc;      /* the section's scene, NULL before the first */
    int steps_line;              /* where the section's steps were given, 0 none */
    bool *in;                    /* [nsteps] step is in the section */
    int *note_line;              /* [nsteps] first note for the step, 0 none */
    char (*notes)[TOUR_NOTE_MAX]; /* [nsteps] */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(ps->err, ps->errcap, "%s:%d: ", ps->file, ps->line);

    if (n >= 0 && (size_t)n < ps->errcap) {
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errcap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* Checks one line's bytes: valid UTF-8, no control characters but TAB. 0 or -EINVAL. */
static int check_text(struct parser *ps, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k;

        if (utf8_scan(u + i, n - i, &k) != UTF8_OK)
            return fail(ps, "invalid UTF-8 at byte %zu of the line", i + 1);
        if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f || (u[i] == 0xc2 && u[i + 1] < 0xa0))
            return fail(ps, "control character at byte %zu of the line", i + 1);
        i += k;
    }
    return 0;
}

/* s with leading blanks skipped. */
static char *skip_blanks(char *s)
{
    return s + strspn(s, BLANKS);
}

/* Cuts trailing blanks off s. */
static void trim_end(char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

/* Cuts a comment (a word starting with '#') off s, then trailing blanks. */
static void cut_comment(char *s)
{
    for (char *c = s; *c; c++)
        if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            break;
        }
    trim_end(s);
}

/* Reads a decimal step number at *s (1-based; STEP_HUGE past 9 digits); -1 none. */
static int read_step(char **s)
{
    int v = 0, digits = 0;

    *s = skip_blanks(*s);
    if (**s < '0' || **s > '9')
        return -1;
    for (; **s >= '0' && **s <= '9'; ++*s)
        v = ++digits > 9 ? STEP_HUGE : v * 10 + (**s - '0');
    *s = skip_blanks(*s);
    return v;
}

/* Checks a 1-based step against the section's scene. 0 or -EINVAL. */
static int step_in_scene(struct parser *ps, int step)
{
    if (step >= 1 && step <= ps->sc->nsteps)
        return 0;
    if (step == STEP_HUGE)
        return fail(ps, "step number too large: scene '%s' has %d steps (1-%d)",
                    ps->sc->id, ps->sc->nsteps, ps->sc->nsteps);
    return fail(ps, "step %d is out of range: scene '%s' has %d steps (1-%d)", step,
                ps->sc->id, ps->sc->nsteps, ps->sc->nsteps);
}

/* `steps RANGE`: marks the section's steps. 0 or -EINVAL. */
static int do_steps(struct parser *ps, char *arg)
{
    char *s = arg;
    int last = 0, err;

    if (!ps->sc)
        return fail(ps, "steps before any scene (start a section with: scene ID)");
    if (ps->steps_line)
        return fail(ps, "second steps line for scene '%s' (the first is at line %d)",
                    ps->sc->id, ps->steps_line);
    cut_comment(arg);
    memset(ps->in, 0, (size_t)ps->sc->nsteps * sizeof ps->in[0]);
    for (;;) {
        int from = read_step(&s), to;

        if (from < 0)
            return fail(ps, "malformed range '%.40s' (try 1-5, 3-, or 2,4,7)", arg);
        to = from;
        if (*s == '-') {
            s++;
            to = read_step(&s);
            if (to < 0)
                to = ps->sc->nsteps;
            else if (to < from)
                return fail(ps, "range %d-%d goes backwards", from, to);
        }
        if ((err = step_in_scene(ps, from)) || (err = step_in_scene(ps, to)))
            return err;
        if (from <= last)
            return fail(ps, "steps go forward only: %d comes after %d", from, last);
        for (int i = from; i <= to; i++)
            ps->in[i - 1] = true;
        last = to;
        if (*s != ',')
            break;
        s++;
    }
    if (*s)
        return fail(ps, "malformed range '%.40s' (try 1-5, 3-, or 2,4,7)", arg);
    ps->steps_line = ps->line;
    return 0;
}

/* `note STEP TEXT`: adds text to the step's note. 0 or -EINVAL. */
static int do_note(struct parser *ps, char *arg)
{
    char *s = arg, *note;
    int step = read_step(&s), err;
    size_t have, add;

    if (!ps->sc)
        return fail(ps, "note before any scene (start a section with: scene ID)");
    if (step < 0 || (*s && s[-1] != ' ' && s[-1] != '\t'))
        return fail(ps, "note needs a step number first: note 3 TEXT");
    if ((err = step_in_scene(ps, step)))
        return err;
    trim_end(s);
    if (!*s)
        return fail(ps, "note %d has no text", step);
    for (char *c = s; *c; c++)
        *c = *c == '\t' ? ' ' : *c;
    note = ps->notes[step - 1];
    have = strlen(note);
    add = strlen(s) + (have ? 1 : 0);
    if (have + add >= TOUR_NOTE_MAX)
        return fail(ps, "the notes for step %d are longer than %d bytes", step,
                    TOUR_NOTE_MAX - 1);
    snprintf(note + have, TOUR_NOTE_MAX - have, "%s%s", have ? " " : "", s);
    if (!ps->note_line[step - 1])
        ps->note_line[step - 1] = ps->line;
    return 0;
}

/* Ends the section: checks its notes against its steps and appends its stops. */
static int end_section(struct parser *ps)
{
    struct tour *t = ps->t;
    int bad = 0, first = 0;

    if (!ps->sc)
        return 0;
    for (int i = 0; i < ps->sc->nsteps; i++)
        if (ps->note_line[i] && !ps->in[i] && (!first || ps->note_line[i] < first)) {
            first = ps->note_line[i];
            bad = i;
        }
    if (first) {
        ps->line = first;
        return fail(ps, "note for step %d, which is not among the steps of scene '%s' "
                        "(given at line %d)", bad + 1, ps->sc->id, ps->steps_line);
    }
    for (int i = 0; i < ps->sc->nsteps; i++) {
        if (!ps->in[i])
            continue;
        if (t->n == TOUR_MAX_STOPS)
            return fail(ps, "the tour has more than %d stops", TOUR_MAX_STOPS);
        t->stops = xrealloc(t->stops, (size_t)(t->n + 1) * sizeof t->stops[0]);
        t->stops[t->n].scene = ps->sc;
        t->stops[t->n].step = i;
        memcpy(t->stops[t->n].note, ps->notes[i], TOUR_NOTE_MAX);
        t->n++;
    }
    return 0;
}

/* Lists the registry's ids into buf. */
static void scene_ids(char *buf, size_t cap)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < scene_count && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", scene_table[i]->id);
}

/* `scene ID`: closes the previous section and opens one. 0 or -EINVAL. */
static int do_scene(struct parser *ps, char *arg)
{
    const struct scene *sc;
    char ids[256];
    size_t n;
    int err;

    if ((err = end_section(ps)))
        return err;
    cut_comment(arg);
    n = strcspn(arg, BLANKS);
    if (n == 0)
        return fail(ps, "scene needs an id (see oscope --list)");
    if (arg[n])
        return fail(ps, "unexpected '%.40s' after the scene id", skip_blanks(arg + n));
    if (!(sc = scene_find(arg)) || sc->nsteps < 1) {
        scene_ids(ids, sizeof ids);
        return fail(ps, "unknown scene '%.40s' (scenes: %s)", arg, ids);
    }
    free(ps->in);
    free(ps->note_line);
    free(ps->notes);
    ps->sc = sc;
    ps->steps_line = 0;
    ps->in = xcalloc((size_t)sc->nsteps, sizeof ps->in[0]);
    ps->note_line = xcalloc((size_t)sc->nsteps, sizeof ps->note_line[0]);
    ps->notes = xcalloc((size_t)sc->nsteps, sizeof ps->notes[0]);
    for (int i = 0; i < sc->nsteps; i++)
        ps->in[i] = true;
    return 0;
}

/* `title TEXT`. 0 or -EINVAL. */
static int do_title(struct parser *ps, char *arg)
{
    trim_end(arg);
    if (ps->title_line)
        return fail(ps, "second title (the first is at line %d)", ps->title_line);
    if (!*arg)
        return fail(ps, "title has no text");
    if (strlen(arg) >= TOUR_TITLE_MAX)
        return fail(ps, "title longer than %d bytes", TOUR_TITLE_MAX - 1);
    snprintf(ps->t->title, sizeof ps->t->title, "%s", arg);
    ps->title_line = ps->line;
    return 0;
}

/* One line (NUL-terminated, no line end). 0 or -EINVAL. */
static int parse_line(struct parser *ps, char *line)
{
    char *word = skip_blanks(line), *arg;
    size_t n = strcspn(word, BLANKS);

    if (!*word || *word == '#')
        return 0;
    arg = word[n] ? skip_blanks(word + n + 1) : word + n;
    word[n] = '\0';
    if (strcmp(word, "title") == 0)
        return do_title(ps, arg);
    if (strcmp(word, "scene") == 0)
        return do_scene(ps, arg);
    if (strcmp(word, "steps") == 0)
        return do_steps(ps, arg);
    if (strcmp(word, "note") == 0)
        return do_note(ps, arg);
    return fail(ps, "unknown directive '%.40s' (directives: title, scene, steps, note)", word);
}

/* Splits text into lines and parses each, then closes the last section. */
static int parse_all(struct parser *ps, const char *text, size_t len)
{
    char line[LINE_MAX_BYTES + 2];
    size_t pos = 0;
    int err;

    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;                 /* a byte-order mark some editors put first */
    for (ps->line = 1; pos < len; ps->line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = (nl ? (size_t)(nl - text) : len) - pos, next = pos + n + 1;

        if (n && text[pos + n - 1] == '\r')
            n--;
        if (memchr(text + pos, '\0', n))
            return fail(ps, "NUL byte (this is not a text file)");
        if (n > LINE_MAX_BYTES)
            return fail(ps, "line too long (more than %d bytes)", LINE_MAX_BYTES);
        if ((err = check_text(ps, text + pos, n)))
            return err;
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if ((err = parse_line(ps, line)))
            return err;
        pos = next;
    }
    ps->line = ps->line > 1 ? ps->line - 1 : 1;
    if ((err = end_section(ps)))
        return err;
    if (ps->t->n == 0)
        return fail(ps, "the tour names no scene (add a line: scene ID)");
    return 0;
}

int tour_parse_mem(const char *text, size_t len, const char *filename, struct tour *t,
                   char *err, size_t errcap)
{
    struct parser ps = { .file = filename ? filename : "tour", .err = err, .errcap = errcap, .t = t };
    int rc;

    memset(t, 0, sizeof *t);
    if (errcap)
        err[0] = '\0';
    rc = parse_all(&ps, text, len);
    free(ps.in);
    free(ps.note_line);
    free(ps.notes);
    if (rc)
        tour_free(t);
    return rc;
}

int tour_parse(const char *text, const char *filename, struct tour *t, char *err, size_t errcap)
{
    return tour_parse_mem(text, strlen(text), filename, t, err, errcap);
}

/* Reads the regular file at path (at most TOUR_FILE_MAX bytes) into a new buffer. Bytes
 * read, or -errno with err = "PATH: reason". */
static long read_tour_file(const char *path, char **out, char *err, size_t errcap)
{
    struct stat st;
    size_t len = 0;
    char *buf = NULL;
    long rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        rc = -errno;
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return rc;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: not a regular file", path);
        rc = -EINVAL;
        goto out_close;
    }
    buf = xmalloc(TOUR_FILE_MAX + 1);
    for (;;) {
        ssize_t n = read(fd, buf + len, TOUR_FILE_MAX + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            snprintf(err, errcap, "%s: %s", path, strerror(errno));
            goto out_free;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > TOUR_FILE_MAX) {
            snprintf(err, errcap, "%s: larger than 1 MiB; a tour is a short text file", path);
            rc = -EFBIG;
            goto out_free;
        }
    }
    close(fd);
    *out = buf;
    return (long)len;
out_free:
    free(buf);
out_close:
    close(fd);
    return rc;
}

int tour_load(const char *path, struct tour *t, char *err, size_t errcap)
{
    char *text = NULL;
    long len;
    int rc;

    memset(t, 0, sizeof *t);
    if ((len = read_tour_file(path, &text, err, errcap)) < 0)
        return (int)len;
    rc = tour_parse_mem(text, (size_t)len, path, t, err, errcap);
    free(text);
    return rc;
}

void tour_free(struct tour *t)
{
    free(t->stops);
    memset(t, 0, sizeof *t);
}
