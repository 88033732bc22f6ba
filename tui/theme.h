/* theme.h — how each role looks: colour when the terminal has it, and always a
 * monochrome form (bold, reverse, underline, markers) that tells every state apart;
 * box and marker glyphs in UTF-8 or plain ASCII. */
#ifndef OSCOPE_THEME_H
#define OSCOPE_THEME_H

#include <stdbool.h>

#include "scenes/model.h"

enum role {
    /* the MS_* styles of the model come first, so a style is a role */
    R_TITLE = MS_STYLE_COUNT, R_STATUS, R_KEY, R_CODE_NEXT, R_CODE_RAN, R_LINENO, R_BORDER,
    R_HEADING, R_SELECT, R_PROBLEM, R_ROLE_COUNT
};

struct glyphs {
    const char *h, *v, *ul, *ur, *ll, *lr, *tl, *tr;  /* box: ─ │ ┌ ┐ └ ┘ ├ ┤ */
    const char *arrow_l, *arrow_r, *arrow_up, *arrow_dn;
    const char *dash_h, *dash_v;       /* dangling arrows */
    const char *next, *ran;            /* code pane markers */
    const char *ellipsis, *bullet, *cross, *check;
    const char *spark[8];              /* sparkline, low to high */
    const char *cell[4];               /* grid cells by legend index */
    const char *bar, *bar_half;
};

/* Chooses colour (unless no_color or NO_COLOR), the theme by name ("default",
 * "contrast", "light"; NULL = default) and glyphs (UTF-8 unless ascii). Call after
 * initscr. Returns false for an unknown theme name. */
bool theme_init(bool no_color, bool ascii, const char *name);
/* The ncurses attributes of a role (int to keep ncurses out of this header). */
int theme_attr(int role);
/* The marker drawn before an item of this style in any theme ("", "*", "x"...): the
 * monochrome way of telling states apart. */
const char *theme_marker(enum mstyle st);
const struct glyphs *theme_glyphs(void);
bool theme_color(void);
bool theme_ascii(void);
/* The theme names, NULL-terminated. */
extern const char *const theme_names[];

#endif
