/* tourmode.c — walking a lecture tour: Right and Left move through the tour's stops
 * across scenes, the presenter's note for each stop beside the narrative. */
#include <curses.h>
#include <stdio.h>

#include "tui/app.h"

/* Shows stop i: its scene (opened afresh when it changes) run on to its step. */
static void go(struct app *a, int i, double now)
{
    const struct tour_stop *st;

    if (i < 0 || i >= a->tour->n)
        return;
    st = &a->tour->stops[i];
    if (!a->sess || a->scene != st->scene) {
        if (!app_open_scene(a, st->scene, now))
            return;
        a->notes = true;
    }
    a->tour_pos = i;
    a->quiz.active = false;
    a->diagram_scroll = -1;
    session_run_to(a->sess, st->step, now);
    snprintf(a->message, sizeof a->message, "tour %d/%d%s%s", i + 1, a->tour->n,
             a->tour->title[0] ? ": " : "", a->tour->title);
}

void tourmode_start(struct app *a, double now)
{
    a->touring = true;
    a->notes = true;
    go(a, 0, now);
}

bool tourmode_next(struct app *a, double now)
{
    if (a->tour_pos + 1 >= a->tour->n)
        return false;
    go(a, a->tour_pos + 1, now);
    return true;
}

bool tourmode_key(struct app *a, int ch, double now)
{
    if (!a->touring || !a->tour || a->predicting >= 0 || a->quiz.active)
        return false;
    switch (ch) {
    case KEY_RIGHT: case 'l': case ' ': case 'n':
        if (!tourmode_next(a, now))
            snprintf(a->message, sizeof a->message, "end of the tour (%d stops): m for the menu, q to quit",
                     a->tour->n);
        return true;
    case KEY_LEFT: case 'h': case 'p':
        if (a->tour_pos > 0)
            go(a, a->tour_pos - 1, now);
        return true;
    case KEY_HOME: case 'g':
        go(a, 0, now);
        return true;
    case KEY_END: case 'G':
        go(a, a->tour->n - 1, now);
        return true;
    case 'm': case 27:
        a->touring = false; /* the menu leaves the tour */
        return false;
    default:
        return false;
    }
}

const char *app_note(const struct app *a)
{
    const struct tour_stop *st;

    if (!a->touring || !a->tour || !a->sess || a->tour_pos >= a->tour->n)
        return NULL;
    st = &a->tour->stops[a->tour_pos];
    if (st->scene != a->scene || st->step != session_view(a->sess) || !st->note[0])
        return NULL;
    return st->note;
}
