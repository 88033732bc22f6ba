/* sceneview.c — the scene screen: title, code pane, diagram, narrative, live counters,
 * status line. Everything is drawn from the session's model of the step on screen. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/widgets.h"

static void title_bar(const struct app *a, int w, const char *right)
{
    char buf[200];

    draw_fill(0, 0, w, theme_attr(R_TITLE));
    snprintf(buf, sizeof buf, " oscope %s %s: %s", theme_glyphs()->v, a->scene->id, a->scene->title);
    draw_text_clip(0, 0, w - draw_width(right) - 1, theme_attr(R_TITLE) | A_BOLD, buf);
    draw_text(0, w - draw_width(right) - 1, draw_width(right), theme_attr(R_TITLE), right);
}

/* "key label" pairs on the status bar, keys in their own attribute. */
static int keyhint(int y, int x, int maxx, const char *key, const char *label)
{
    int used;

    if (x + draw_width(key) + draw_width(label) + 2 > maxx)
        return x;
    used = draw_text(y, x, maxx - x, theme_attr(R_KEY), key);
    used += draw_text(y, x + used, maxx - x - used, theme_attr(R_STATUS), label);
    return x + used + 1;
}

static void status_bar(const struct app *a, int y, int w, double now)
{
    const struct glyphs *g = theme_glyphs();
    char right[96], arrows[16];
    int x = 0;
    pid_t pid = session_lab_pid(a->sess);
    enum session_state st = session_state(a->sess);
    const char *ptext;
    int pct = session_progress(a->sess, &ptext);

    draw_fill(y, 0, w, theme_attr(R_STATUS));
    if (st == SESSION_RUNNING && pct >= 0)
        snprintf(right, sizeof right, "lab %d: %s %d%% ", (int)pid, ptext, pct);
    else if (st == SESSION_RUNNING)
        snprintf(right, sizeof right, "lab %d running %.1f s ", (int)pid, session_waiting(a->sess, now));
    else if (st == SESSION_FAILED)
        snprintf(right, sizeof right, "lab ended: r restarts ");
    else if (pid)
        snprintf(right, sizeof right, "%slab %d %s ", a->autoplay ? "autoplay " : "", (int)pid,
                 st == SESSION_DONE ? "finished" : "stopped");
    else
        snprintf(right, sizeof right, "no lab ");
    snprintf(arrows, sizeof arrows, "%s%s", g->arrow_l, g->arrow_r);
    if (a->message[0]) {
        draw_text_clip(y, 1, w - draw_width(right) - 2, theme_attr(R_KEY), a->message);
    } else {
        x = keyhint(y, 1, w - draw_width(right), arrows, " step");
        x = keyhint(y, x, w - draw_width(right), "r", " restart");
        x = keyhint(y, x, w - draw_width(right), "m", " menu");
        x = keyhint(y, x, w - draw_width(right), "?", " help");
        x = keyhint(y, x, w - draw_width(right), "q", " quit");
    }
    draw_text(y, w - draw_width(right), draw_width(right), theme_attr(R_STATUS), right);
}

/* One screen row of the listing: a piece of source line ln (from 1), len bytes from off,
 * drawn after pad spaces; rows after a line's first are its wrapped rest. */
struct code_row {
    int ln, off, len, pad;
};

/* Cuts the listing into rows of at most w columns. A line too long for the pane wraps at
 * a space where it can, and its rest is indented past the line's own indentation, so a
 * call is read whole at 80 columns instead of ending in an ellipsis. Rows made, <= cap. */
static int code_rows(const struct scene_source *src, int w, struct code_row *rows, int cap)
{
    int n = 0;

    for (int ln = 1; ln <= src->nlines && n < cap; ln++) {
        const char *t = src->lines[ln - 1];
        int len = (int)strlen(t), indent = (int)strspn(t, " "), off = 0, pad = 0;

        if (w < 12 || len <= w) {
            rows[n++] = (struct code_row){ ln, 0, len, 0 };
            continue;
        }
        while (off < len && n < cap) {
            int room = w - pad, cut = len - off;

            if (cut > room) {
                cut = room;
                /* the last space in reach, unless it leaves too little on this row */
                for (int k = room; k > room / 2; k--)
                    if (t[off + k] == ' ') {
                        cut = k;
                        break;
                    }
            }
            rows[n++] = (struct code_row){ ln, off, cut, pad };
            off += cut;
            while (off < len && t[off] == ' ')
                off++;
            pad = indent + 4 < w / 2 ? indent + 4 : w / 2;
        }
    }
    return n;
}

static void code_pane(const struct scene *sc, const struct model *m, struct rect r)
{
    enum { MAX_ROWS = 1024 };
    static struct code_row rows[MAX_ROWS];
    const struct scene_source *src = sc->source;
    const struct glyphs *g = theme_glyphs();
    int inner_h = r.h - 2, first = 0, nrows, next_end = 0;
    int numw = COLS >= 100 ? 3 : 0; /* line numbers only where there is room */
    char title[96];

    snprintf(title, sizeof title, "lab code: %s", src ? src->file : "(none)");
    draw_box(r.y, r.x, r.h, r.w, theme_attr(R_BORDER), title, theme_attr(R_HEADING));
    if (!src)
        return;
    nrows = code_rows(src, r.w - 2 - numw - 1, rows, MAX_ROWS);
    for (int i = 0; i < nrows; i++)     /* the last row of the next line, from 1 */
        if (rows[i].ln == m->next_line)
            next_end = i + 1;
    if (next_end > inner_h - 2)
        first = next_end - inner_h + 2;
    if (first > nrows - inner_h)
        first = nrows - inner_h;
    if (first < 0)
        first = 0;
    while (first > 0 && first < nrows && rows[first].off > 0)
        first++;                /* the top row starts a line, not the rest of one */
    for (int i = 0; i < inner_h; i++) {
        const struct code_row *row = first + i < nrows ? &rows[first + i] : NULL;
        int y = r.y + 1 + i, x = r.x + 1, w = r.w - 2, attr = 0;
        char num[16], text[512];
        const char *mark = " ";

        draw_fill(y, x, w, 0);
        if (!row)
            continue;
        if (row->ln == m->next_line) {
            attr = theme_attr(R_CODE_NEXT);
            mark = g->next;
        } else if (row->ln == m->ran_line) {
            attr = theme_attr(R_CODE_RAN);
            mark = g->ran;
        }
        if (row->off > 0)
            mark = " ";         /* the mark stands on the line's first row only */
        snprintf(num, sizeof num, "%3d", row->ln);
        if (numw && row->off == 0)
            draw_text(y, x, numw, theme_attr(R_LINENO), num);
        draw_text(y, x + numw, 1, attr, mark);
        if (attr)
            draw_fill(y, x + numw + 1, w - numw - 1, attr);
        snprintf(text, sizeof text, "%*s%.*s", row->pad, "", row->len,
                 src->lines[row->ln - 1] + row->off);
        draw_text_clip(y, x + numw + 1, w - numw - 1, attr, text);
    }
}

/* Blocks share the diagram pane; each gets its needed rows, the last one the rest. */
static void diagram_pane(struct app *a, const struct model *m, struct rect r)
{
    int y = r.y;

    if (m->nblocks == 0) {
        draw_box(r.y, r.x, r.h, r.w, theme_attr(R_BORDER), "diagram", theme_attr(R_HEADING));
        for (int k = 1; k < r.h - 1; k++)
            draw_fill(r.y + k, r.x + 1, r.w - 2, 0);
        return;
    }
    for (int i = 0; i < m->nblocks; i++) {
        const struct m_block *b = &m->blocks[i];
        int left = r.y + r.h - y;
        int need = widget_rows(b, r.w - 2) + 2;
        int h = (i == m->nblocks - 1 || need > left) ? left : need;
        struct rect in;

        if (h < 3)
            break;
        draw_box(y, r.x, h, r.w, theme_attr(R_BORDER), b->title, theme_attr(R_HEADING));
        in = (struct rect){ y + 1, r.x + 1, h - 2, r.w - 2 };
        for (int k = 0; k < in.h; k++)
            draw_fill(in.y + k, in.x, in.w, 0);
        if (b->kind == MB_MAP)
            a->diagram_scroll = widget_draw(b, in, a->diagram_scroll);
        else
            widget_draw(b, in, 0);
        y += h;
    }
    for (; y < r.y + r.h; y++) /* below the last block */
        draw_fill(y, r.x, r.w, 0);
}

/* "You predicted ... the lab ...": the guess beside what really happened. */
static void reveal_line(const struct app *a, char *buf, size_t cap, int *style)
{
    int v = session_view(a->sess);
    const struct prediction *p;
    int g, real;

    buf[0] = '\0';
    if (v < 0 || v >= 64 || !(p = a->scene->steps[v].predict) || (g = a->guess[v]) < 0)
        return;
    real = session_outcome(a->sess, v);
    if (real < 0) {
        snprintf(buf, cap, "You predicted: %s. The recorded facts do not settle it; read on.",
                 p->choices[g]);
        *style = MS_WARN;
    } else if (real == g) {
        snprintf(buf, cap, "%s You predicted: %s. The lab agrees.", theme_marker(MS_GOOD), p->choices[g]);
        *style = MS_GOOD;
    } else {
        snprintf(buf, cap, "%s You predicted: %s. The lab shows: %s.", theme_marker(MS_BAD),
                 p->choices[g], p->choices[real]);
        *style = MS_BAD;
    }
}

/* The presenter's notes beside the narrative. */
static void notes_pane(const struct app *a, struct rect r)
{
    const char *note = app_note(a);

    draw_box(r.y, r.x, r.h, r.w, theme_attr(R_BORDER), "presenter notes (N hides)", theme_attr(R_HEADING));
    for (int i = 1; i < r.h - 1; i++)
        draw_fill(r.y + i, r.x + 1, r.w - 2, 0);
    draw_para(r.y + 1, r.x + 1, r.h - 2, r.w - 2, note ? (int)A_BOLD : theme_attr(MS_DIM),
              note ? note : a->touring ? "No note for this stop."
                           : "No note for this step. Notes come from a tour: oscope --tour FILE.");
}

static void narrative(const struct app *a, const struct model *m, struct rect r, const char *problem)
{
    int y = r.y, style = 0;
    char reveal[400];

    for (int i = 0; i < r.h; i++)
        draw_fill(r.y + i, r.x, r.w, 0);
    if (a->notes && r.w >= 80) {
        int nw = r.w * 2 / 5;
        notes_pane(a, (struct rect){ r.y, r.x + r.w - nw, r.h, nw });
        r.w -= nw;
    }
    reveal_line(a, reveal, sizeof reveal, &style);
    if (reveal[0])
        draw_text_clip(y++, r.x + 1, r.w - 2, theme_attr(style) | A_BOLD, reveal);
    if (problem && *problem) {
        char buf[256];
        static const char way_out[] = "Press r to restart the lab.";
        int attr = theme_attr(R_PROBLEM), rows;
        size_t st[4], ln[4];

        snprintf(buf, sizeof buf, "%s %s. %s", theme_marker(MS_BAD), problem, way_out);
        if (draw_width(buf) <= r.w - 2 || r.h < 5) {
            draw_fill(y, r.x, r.w, attr);
            draw_text_clip(y++, r.x + 1, r.w - 2, attr, buf);
        } else {
            /* The cause and the way out both matter: wrap the cause onto two rows at most
               and give the way out a row of its own rather than cutting either. */
            snprintf(buf, sizeof buf, "%s %s.", theme_marker(MS_BAD), problem);
            rows = draw_wrap(buf, r.w - 2, st, ln, 4);
            rows = rows < 1 ? 1 : rows > 2 ? 2 : rows;
            for (int i = 0; i <= rows; i++)
                draw_fill(y + i, r.x, r.w, attr);
            draw_para(y, r.x + 1, rows, r.w - 2, attr, buf);
            y += rows;
            draw_text_clip(y++, r.x + 3, r.w - 4, attr, way_out);
        }
    }
    draw_text_clip(y++, r.x + 1, r.w - 2, theme_attr(MS_ACCENT), m->headline);
    draw_para(y, r.x + 1, r.y + r.h - y, r.w - 2, 0, m->narrative);
}

static int longest_line(const struct scene_source *src)
{
    int w = 20;

    for (int i = 0; src && i < src->nlines; i++)
        if (draw_width(src->lines[i]) > w)
            w = draw_width(src->lines[i]);
    return w;
}

static void predict_draw(const struct prediction *p, struct rect r)
{
    char buf[256];
    int y = r.y;

    for (int i = 0; i < r.h; i++)
        draw_fill(r.y + i, r.x, r.w, 0);
    draw_text_clip(y++, r.x, r.w, theme_attr(R_HEADING), "Before the lab runs the next line:");
    y += draw_para(y, r.x, 3, r.w, A_BOLD, p->question) + 1;
    for (int i = 0; i < 4 && p->choices[i] && y < r.y + r.h; i++, y++) {
        snprintf(buf, sizeof buf, "  %d) %s", i + 1, p->choices[i]);
        draw_text_clip(y, r.x, r.w, 0, buf);
    }
    if (y + 1 < r.y + r.h)
        draw_text_clip(y + 1, r.x, r.w, theme_attr(MS_DIM),
                       "1-4: your guess, then the lab runs it. s: skip. Left: not yet.");
}

void view_scene(struct app *a, double now)
{
    int H = LINES, W = COLS;
    struct model m;
    char right[48];
    const char *problem = session_problem(a->sess);
    int strip_h = strip_rows(&a->strip, W);
    int narr_h = H >= 40 ? 8 : H >= 30 ? 6 : a->notes ? 6 : 5;
    int main_h, code_w;
    int view = session_view(a->sess);

    model_init(&m);
    session_build(a->sess, &m);
    if (problem[0])
        narr_h++;
    main_h = H - 2 - strip_h - narr_h;
    code_w = longest_line(a->scene->source) + (W >= 100 ? 7 : 3);
    if (code_w > (W >= 100 ? W * 2 / 5 : 33))
        code_w = W >= 100 ? W * 2 / 5 : 33;

    if (a->quiz.active)
        snprintf(right, sizeof right, "quiz %d/%d ", a->quiz.q < a->scene->nquiz ? a->quiz.q + 1 : a->scene->nquiz,
                 a->scene->nquiz);
    else if (a->touring)
        snprintf(right, sizeof right, "tour %d/%d %s step %d/%d ", a->tour_pos + 1, a->tour->n,
                 theme_glyphs()->v, view + 1, a->scene->nsteps);
    else
        snprintf(right, sizeof right, "step %d/%d ", view + 1, a->scene->nsteps);
    title_bar(a, W, right);
    if (a->focus) { /* the diagram alone, for a room to read */
        diagram_pane(a, &m, (struct rect){ 1, 0, H - 2, W });
        status_bar(a, H - 1, W, now);
        model_free(&m);
        return;
    }
    code_pane(a->scene, &m, (struct rect){ 1, 0, main_h, code_w });
    if (a->predicting >= 0 || a->quiz.active)
        for (int i = 0; i < main_h - 2; i++)
            draw_fill(2 + i, code_w + 1, W - code_w - 2, 0);
    if (a->predicting >= 0) {
        draw_box(1, code_w, main_h, W - code_w, theme_attr(R_BORDER), "predict, then see",
                 theme_attr(R_HEADING));
        predict_draw(a->scene->steps[a->predicting].predict,
                     (struct rect){ 2, code_w + 2, main_h - 2, W - code_w - 4 });
    } else if (a->quiz.active) {
        draw_box(1, code_w, main_h, W - code_w, theme_attr(R_BORDER), "quiz", theme_attr(R_HEADING));
        quiz_draw(&a->quiz, (struct rect){ 2, code_w + 2, main_h - 2, W - code_w - 4 });
    } else {
        diagram_pane(a, &m, (struct rect){ 1, code_w, main_h, W - code_w });
    }
    narrative(a, &m, (struct rect){ 1 + main_h, 0, narr_h, W }, problem);
    strip_draw(&a->strip, (struct rect){ 1 + main_h + narr_h, 0, strip_h, W });
    status_bar(a, H - 1, W, now);
    model_free(&m);
}
