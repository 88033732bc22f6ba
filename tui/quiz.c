/* quiz.c — a scene's closing questions. Keys 1-4 or a-d answer; Right moves on. */
#include "tui/quiz.h"

#include <curses.h>
#include <stdio.h>

#include "tui/draw.h"
#include "tui/theme.h"

void quiz_start(struct quiz *z, const struct scene *sc)
{
    *z = (struct quiz){ .active = true, .sc = sc, .q = 0, .chosen = -1 };
}

static int nchoices(const struct quiz_question *q)
{
    int n = 0;

    while (n < 4 && q->choices[n])
        n++;
    return n;
}

bool quiz_finished(const struct quiz *z)
{
    return z->active && z->q >= z->sc->nquiz;
}

bool quiz_key(struct quiz *z, int key, bool *leave)
{
    int pick = -1;

    *leave = false;
    if (key >= '1' && key <= '4')
        pick = key - '1';
    else if (key >= 'a' && key <= 'd')
        pick = key - 'a';
    if (z->q < z->sc->nquiz && z->chosen < 0 && pick >= 0) {
        if (pick >= nchoices(&z->sc->quiz[z->q]))
            return true;
        z->chosen = pick;
        z->answered++;
        if (pick == z->sc->quiz[z->q].answer)
            z->score++;
        return true;
    }
    switch (key) {
    case KEY_RIGHT: case 'l': case ' ': case 'n': case '\r': case '\n': case KEY_ENTER:
        if (z->q < z->sc->nquiz && z->chosen >= 0) {
            z->q++;
            z->chosen = -1;
        }
        return true;
    case KEY_LEFT: case 'h': case 'p':
        if (z->q == 0 || z->q >= z->sc->nquiz)
            *leave = true;
        return true;
    default:
        return false;
    }
}

void quiz_draw(const struct quiz *z, struct rect r)
{
    char buf[512];
    int y = r.y;

    for (int i = 0; i < r.h; i++)
        draw_fill(r.y + i, r.x, r.w, 0);
    if (z->q >= z->sc->nquiz) {
        snprintf(buf, sizeof buf, "Quiz done: %d of %d right.", z->score, z->sc->nquiz);
        draw_text_clip(y++, r.x, r.w, theme_attr(R_HEADING), buf);
        y++;
        draw_para(y, r.x, r.h - 2, r.w, 0,
                  "Press r to walk the scene again with a fresh lab, m for the menu, "
                  "Left to go back, q to quit.");
        return;
    }
    const struct quiz_question *q = &z->sc->quiz[z->q];
    snprintf(buf, sizeof buf, "Question %d of %d", z->q + 1, z->sc->nquiz);
    draw_text_clip(y++, r.x, r.w, theme_attr(R_HEADING), buf);
    y += draw_para(y, r.x, 3, r.w, A_BOLD, q->question) + 1;
    for (int i = 0; i < nchoices(q) && y < r.y + r.h; i++, y++) {
        int attr = 0;
        const char *mark = "  ";
        if (z->chosen >= 0 && i == q->answer) {
            attr = theme_attr(MS_GOOD) | A_BOLD;
            mark = theme_ascii() ? "+ " : "✓ ";
        } else if (z->chosen == i) {
            attr = theme_attr(MS_BAD);
            mark = theme_ascii() ? "x " : "✗ ";
        }
        snprintf(buf, sizeof buf, "%s%d) %s", mark, i + 1, q->choices[i]);
        draw_text_clip(y, r.x, r.w, attr, buf);
    }
    y++;
    if (z->chosen < 0) {
        draw_text_clip(y, r.x, r.w, theme_attr(MS_DIM), "Answer with 1-4.");
    } else if (y < r.y + r.h) {
        snprintf(buf, sizeof buf, "%s %s", z->chosen == q->answer ? "Right." : "Not quite.", q->why);
        y += draw_para(y, r.x, r.y + r.h - y - 1, r.w, z->chosen == q->answer ? theme_attr(MS_GOOD) : 0, buf);
        if (y < r.y + r.h)
            draw_text_clip(y, r.x, r.w, theme_attr(MS_DIM), "Right: next question.");
    }
}
