/* export.c — scene steps as plain text: the widgets draw into an off-screen ncurses screen
 * (output to /dev/null) and the cells are read back. */
#define NCURSES_WIDECHAR 1
#include "tui/export.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "scenes/session.h"
#include "tui/draw.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/widgets.h"

#define EXPORT_ROWS 400

/* Runs the lab to its last step (or until it fails). */
static void run_through(struct session *s, double budget)
{
    double end = term_now() + budget;

    session_last(s, term_now());
    while (term_now() < end && session_state(s) != SESSION_FAILED &&
           session_recorded(s) < session_scene(s)->nsteps) {
        int fds[2], n = session_pollfds(s, fds);
        struct pollfd pf[2];
        for (int i = 0; i < n; i++)
            pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        poll(pf, (nfds_t)n, 100);
        session_update(s, term_now());
        if (session_state(s) == SESSION_STOPPED && session_recorded(s) < session_scene(s)->nsteps)
            session_last(s, term_now());
    }
}

static void rule(FILE *out, int width, const char *ch)
{
    for (int i = 0; i < width; i++)
        fputs(ch, out);
    fputc('\n', out);
}

static void paragraph(FILE *out, const char *text, int width, const char *indent)
{
    enum { MAXL = 64 };
    size_t st[MAXL], ln[MAXL];
    int n = draw_wrap(text, width - (int)strlen(indent), st, ln, MAXL);

    for (int i = 0; i < n && i < MAXL; i++)
        fprintf(out, "%s%.*s\n", indent, (int)ln[i], text + st[i]);
}

static void code(FILE *out, const struct scene_source *src, const struct model *m)
{
    if (!src)
        return;
    fprintf(out, "\nCode (%s)  -> just ran   >> about to run\n", src->file);
    for (int i = 1; i <= src->nlines; i++) {
        const char *mark = i == m->next_line ? ">>" : i == m->ran_line ? "->" : "  ";
        fprintf(out, "%s %3d%s%s\n", mark, i, src->lines[i - 1][0] ? "  " : "", src->lines[i - 1]);
    }
}

/* Draws one block off screen and prints its rows without trailing blanks. */
static void block(FILE *out, const struct m_block *b, int width)
{
    int rows = widget_rows(b, width);
    wchar_t buf[1024];

    if (rows > EXPORT_ROWS)
        rows = EXPORT_ROWS;
    fprintf(out, "\n%s\n", b->title);
    erase();
    widget_draw(b, (struct rect){ 0, 0, rows, width }, 0);
    for (int r = 0; r < rows; r++) {
        int n;
        if (mvinnwstr(r, 0, buf, width) == ERR)
            continue;
        n = (int)wcslen(buf);
        while (n > 0 && buf[n - 1] == L' ')
            n--;
        buf[n] = L'\0';
        fprintf(out, "%ls\n", buf);
    }
}

static void step(FILE *out, const struct session *s, int i, int width)
{
    const struct scene *sc = session_scene(s);
    struct model m;

    model_init(&m);
    session_build_step(s, i, &m);
    fprintf(out, "\n");
    rule(out, width, theme_ascii() ? "=" : "═");
    fprintf(out, "%s, step %d of %d: %s\n", sc->id, i + 1, sc->nsteps, sc->steps[i].title);
    rule(out, width, theme_ascii() ? "=" : "═");
    fprintf(out, "%s\n", m.headline);
    paragraph(out, m.narrative, width, "");
    code(out, sc->source, &m);
    for (int k = 0; k < m.nblocks; k++)
        block(out, &m.blocks[k], width);
    model_free(&m);
}

static void quiz(FILE *out, const struct scene *sc, int width)
{
    if (sc->nquiz == 0)
        return;
    fprintf(out, "\nQuestions\n");
    for (int q = 0; q < sc->nquiz; q++) {
        fprintf(out, "\n%d. %s\n", q + 1, sc->quiz[q].question);
        for (int c = 0; c < 4 && sc->quiz[q].choices[c]; c++)
            fprintf(out, "   %c) %s\n", 'a' + c, sc->quiz[q].choices[c]);
    }
    fprintf(out, "\nAnswers\n");
    for (int q = 0; q < sc->nquiz; q++) {
        char head[16];
        snprintf(head, sizeof head, "%d. %c) ", q + 1, 'a' + sc->quiz[q].answer);
        fputs(head, out);
        paragraph(out, sc->quiz[q].why, width, "");
    }
}

int export_scene(const struct scene *sc, const char *opt, int width, FILE *out)
{
    double budget = 30;
    int err = 0, rc = 0;
    struct session *s;
    FILE *nul_out, *nul_in;
    SCREEN *scr;

    for (int i = 0; i < sc->nsteps; i++)
        budget += sc->steps[i].timeout_s > 0 ? sc->steps[i].timeout_s : 5;
    lab_sweep();
    s = session_open(sc, opt, "/proc", &err);
    if (!s)
        return err;
    run_through(s, budget);

    nul_out = fopen("/dev/null", "w");
    nul_in = fopen("/dev/null", "r");
    scr = nul_out && nul_in ? newterm("xterm-256color", nul_out, nul_in) : NULL;
    if (scr) {
        set_term(scr);
        resizeterm(EXPORT_ROWS, width);
        theme_init(true, !term_utf8(), NULL);
    }
    fprintf(out, "oscope %s: %s\n%s\n", sc->id, sc->title, sc->summary);
    fprintf(out, "Recorded from a real run (lab option: %s).\n",
            session_option(s)[0] ? session_option(s) : "default");
    for (int i = 0; i < session_recorded(s); i++) {
        if (scr)
            step(out, s, i, width);
    }
    if (session_state(s) == SESSION_FAILED) {
        fprintf(out, "\n%s\n", session_problem(s));
        rc = 1;
    }
    quiz(out, sc, width);
    if (scr) {
        endwin();
        delscreen(scr);
    } else {
        fprintf(out, "\n(the diagrams could not be drawn: no terminfo entry for xterm-256color)\n");
    }
    if (nul_out)
        fclose(nul_out);
    if (nul_in)
        fclose(nul_in);
    session_close(s);
    return rc;
}
