/* menu.c — the scene menu, the help overlay, and the too-small notice. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/theme.h"

void view_menu(struct app *a)
{
    int H = LINES, W = COLS, y = 3;
    char buf[256];

    for (int i = 0; i < H; i++)
        draw_fill(i, 0, W, 0);
    draw_fill(0, 0, W, theme_attr(R_TITLE));
    draw_text_clip(0, 1, W - 2, theme_attr(R_TITLE) | A_BOLD,
                   "oscope: see how programs meet the operating system");
    draw_text_clip(2, 2, W - 4, theme_attr(R_HEADING), "Scenes: each runs its real C code in a lab process and reads /proc");
    int idw = 4, tw = 8;
    for (int i = 0; i < scene_count; i++) {
        if (draw_width(scene_table[i]->id) > idw)
            idw = draw_width(scene_table[i]->id);
        if (draw_width(scene_table[i]->title) > tw)
            tw = draw_width(scene_table[i]->title);
    }
    if (tw > W / 3)
        tw = W / 3;
    for (int i = 0; i < scene_count && y < H - 4; i++, y++) {
        const struct scene *sc = scene_table[i];
        const struct progress_entry *pe = progress_get(&a->prog, sc->id);
        int attr = i == a->menu_sel ? theme_attr(R_SELECT) : 0;
        int x = 2;

        draw_fill(y, 1, W - 2, attr);
        snprintf(buf, sizeof buf, "%s %d", i == a->menu_sel ? theme_glyphs()->next : " ", i + 1);
        x += draw_text(y, x, 4, attr, buf) + 2;
        draw_text(y, x, idw, attr | A_BOLD, sc->id);
        x += idw + 2;
        draw_text_clip(y, x, tw, attr, sc->title);
        x += tw + 2;
        if (pe) /* done: the best score kept for it */
            snprintf(buf, sizeof buf, "%s %d/%d", theme_glyphs()->check, pe->best, pe->total);
        else
            snprintf(buf, sizeof buf, " ");
        draw_text(y, x, 7, attr | (pe ? theme_attr(MS_GOOD) : 0), buf);
        x += 8;
        draw_text_clip(y, x, W - 2 - x, attr, sc->summary);
    }
    if (a->message[0]) {
        draw_text_clip(H - 4, 2, W - 4, theme_attr(MS_WARN), a->message);
    }
    if (scene_count > 0 && a->menu_sel >= 0 && a->menu_sel < scene_count) {
        const struct scene *sc = scene_table[a->menu_sel];
        snprintf(buf, sizeof buf, "%d steps, then %d questions. Its lab is real code: %s", sc->nsteps,
                 sc->nquiz, sc->source ? sc->source->file : "");
        draw_text_clip(H - 3, 2, W - 4, theme_attr(MS_DIM), buf);
    }
    draw_fill(H - 1, 0, W, theme_attr(R_STATUS));
    {
        int x = 1;
        const struct glyphs *g = theme_glyphs();
        char ud[16];
        snprintf(ud, sizeof ud, "%s%s", g->arrow_up, g->arrow_dn);
        x += draw_text(H - 1, x, W, theme_attr(R_KEY), ud);
        x += draw_text(H - 1, x, W, theme_attr(R_STATUS), " choose ") + 1;
        x += draw_text(H - 1, x, W, theme_attr(R_KEY), "Enter");
        x += draw_text(H - 1, x, W, theme_attr(R_STATUS), " open ") + 1;
        x += draw_text(H - 1, x, W, theme_attr(R_KEY), "1-9");
        x += draw_text(H - 1, x, W, theme_attr(R_STATUS), " jump ") + 1;
        x += draw_text(H - 1, x, W, theme_attr(R_KEY), "?");
        x += draw_text(H - 1, x, W, theme_attr(R_STATUS), " help ") + 1;
        x += draw_text(H - 1, x, W, theme_attr(R_KEY), "q");
        draw_text(H - 1, x, W, theme_attr(R_STATUS), " quit");
    }
}

static const char *const help_lines[][2] = {
    { "In a scene", NULL },
    { "Right l Space n", "next step (the lab runs on to its next stop)" },
    { "Left h p", "previous step (as it was recorded)" },
    { "Home g / End G", "first step / run to the last step" },
    { "Up Down PgUp PgDn", "scroll the diagram" },
    { "r / o", "new lab; new lab with the next option" },
    { "1-4 a-d / s", "answer a prediction or a question / skip" },
    { "m Esc", "back to the menu" },
    { "Presenting", NULL },
    { "f", "focus: the diagram takes the whole screen" },
    { "a  [ ]", "autoplay on/off; slower, faster" },
    { "N", "presenter notes pane (from a tour)" },
    { "T", "next theme: default, contrast (projector), light" },
    { "Menu and anywhere", NULL },
    { "Up Down j k Enter", "choose and open a scene (or press 1-9)" },
    { "? F1", "this help (any key closes it)" },
    { "Ctrl-L", "redraw the screen" },
    { "q F10", "quit (every lab is stopped and removed)" },
};

void view_help(const struct app *a)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    int h = n + 4, w = 74;
    int y0, x0;

    (void)a;
    if (h > LINES - 2)
        h = LINES - 2;
    if (w > COLS - 2)
        w = COLS - 2;
    y0 = (LINES - h) / 2;
    x0 = (COLS - w) / 2;
    for (int i = 0; i < h; i++)
        draw_fill(y0 + i, x0, w, 0);
    draw_box(y0, x0, h, w, theme_attr(R_BORDER), "Keys", theme_attr(R_HEADING));
    for (int i = 0; i < n && i < h - 2; i++) {
        int y = y0 + 1 + i;
        if (!help_lines[i][1]) {
            draw_text_clip(y, x0 + 2, w - 4, theme_attr(R_HEADING), help_lines[i][0]);
            continue;
        }
        draw_text_clip(y, x0 + 3, 20, A_BOLD, help_lines[i][0]);
        draw_text_clip(y, x0 + 24, w - 26, 0, help_lines[i][1]);
    }
    if (h >= n + 4)
        draw_text_clip(y0 + h - 2, x0 + 2, w - 4, theme_attr(MS_DIM),
                       "Counters show their source file; n/a says why a value is missing.");
}

void view_too_small(int rows, int cols)
{
    char buf[96];
    int len;

    erase();
    snprintf(buf, sizeof buf, "terminal too small: need %dx%d, have %dx%d", APP_MIN_COLS,
             APP_MIN_ROWS, cols, rows);
    len = draw_width(buf);
    draw_text_clip(rows / 2, len < cols ? (cols - len) / 2 : 0, cols, A_BOLD, buf);
    if (rows > 2)
        draw_text_clip(rows / 2 + 1, 0, cols, 0, "make the window larger, or press q to quit");
}
