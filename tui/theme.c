/* theme.c — colours, monochrome attributes and glyphs. */
#include "tui/theme.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

struct look {
    short fg, bg;    /* -1: terminal default */
    attr_t color_attr;
    attr_t mono_attr;
};

/* One palette per theme, indexed by role. */
static const struct look dark[R_ROLE_COUNT] = {
    [MS_NORMAL] = { -1, -1, 0, 0 },
    [MS_DIM] = { -1, -1, A_DIM, A_DIM },
    [MS_ACCENT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
    [MS_GOOD] = { COLOR_GREEN, -1, 0, 0 },
    [MS_BAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [MS_WARN] = { COLOR_MAGENTA, -1, A_BOLD, A_UNDERLINE },
    [MS_FREED] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
    [MS_DANGLING] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [R_TITLE] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [R_STATUS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [R_KEY] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
    [R_CODE_NEXT] = { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE },
    [R_CODE_RAN] = { COLOR_GREEN, -1, 0, A_BOLD },
    [R_LINENO] = { -1, -1, A_DIM, A_DIM },
    [R_BORDER] = { COLOR_CYAN, -1, 0, 0 },
    [R_HEADING] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
    [R_SELECT] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
    [R_PROBLEM] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
};

/* For projectors: no dim text, strong backgrounds, bold everywhere it helps. */
static const struct look contrast[R_ROLE_COUNT] = {
    [MS_NORMAL] = { COLOR_WHITE, COLOR_BLACK, A_BOLD, 0 },
    [MS_DIM] = { COLOR_WHITE, COLOR_BLACK, 0, 0 },
    [MS_ACCENT] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD },
    [MS_GOOD] = { COLOR_GREEN, COLOR_BLACK, A_BOLD, 0 },
    [MS_BAD] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE },
    [MS_WARN] = { COLOR_BLACK, COLOR_MAGENTA, A_BOLD, A_UNDERLINE },
    [MS_FREED] = { COLOR_CYAN, COLOR_BLACK, A_BOLD, A_DIM },
    [MS_DANGLING] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD },
    [R_TITLE] = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE },
    [R_STATUS] = { COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE },
    [R_KEY] = { COLOR_BLUE, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD },
    [R_CODE_NEXT] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE },
    [R_CODE_RAN] = { COLOR_GREEN, COLOR_BLACK, A_BOLD, A_BOLD },
    [R_LINENO] = { COLOR_WHITE, COLOR_BLACK, 0, 0 },
    [R_BORDER] = { COLOR_WHITE, COLOR_BLACK, A_BOLD, 0 },
    [R_HEADING] = { COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_BOLD },
    [R_SELECT] = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_REVERSE },
    [R_PROBLEM] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
};

/* For light backgrounds: dark inks, no yellow text. */
static const struct look light[R_ROLE_COUNT] = {
    [MS_NORMAL] = { -1, -1, 0, 0 },
    [MS_DIM] = { -1, -1, A_DIM, A_DIM },
    [MS_ACCENT] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
    [MS_GOOD] = { COLOR_GREEN, -1, A_BOLD, 0 },
    [MS_BAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [MS_WARN] = { COLOR_MAGENTA, -1, A_BOLD, A_UNDERLINE },
    [MS_FREED] = { COLOR_CYAN, -1, A_BOLD, A_DIM },
    [MS_DANGLING] = { COLOR_RED, -1, A_BOLD, A_BOLD },
    [R_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
    [R_STATUS] = { COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE },
    [R_KEY] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
    [R_CODE_NEXT] = { COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE },
    [R_CODE_RAN] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
    [R_LINENO] = { -1, -1, A_DIM, A_DIM },
    [R_BORDER] = { COLOR_BLUE, -1, 0, 0 },
    [R_HEADING] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
    [R_SELECT] = { COLOR_WHITE, COLOR_GREEN, A_BOLD, A_REVERSE },
    [R_PROBLEM] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
};

const char *const theme_names[] = { "default", "contrast", "light", NULL };

static const struct glyphs utf8 = {
    "─", "│", "┌", "┐", "└", "┘", "├", "┤",
    "◀", "▶", "▲", "▼", "┄", "┆", "▶", "→", "…", "•", "✗", "✓",
    { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" },
    { "·", "█", "▒", "░" },
    "█", "▌",
};
static const struct glyphs ascii = {
    "-", "|", "+", "+", "+", "+", "+", "+",
    "<", ">", "^", "v", ".", ":", ">", "-", "~", "*", "x", "v",
    { "_", ".", "-", "=", "+", "*", "#", "@" },
    { ".", "#", "%", ":" },
    "#", "#",
};

static bool use_color, use_ascii;
static const struct look *palette = dark;

bool theme_init(bool no_color, bool want_ascii, const char *name)
{
    const char *nc = getenv("NO_COLOR");

    if (!name || strcmp(name, "default") == 0)
        palette = dark;
    else if (strcmp(name, "contrast") == 0)
        palette = contrast;
    else if (strcmp(name, "light") == 0)
        palette = light;
    else
        return false;
    use_ascii = want_ascii;
    use_color = !no_color && !(nc && *nc) && has_colors();
    if (use_color) {
        start_color();
        use_default_colors();
        for (int r = 1; r < R_ROLE_COUNT; r++)
            init_pair((short)r, palette[r].fg, palette[r].bg);
        if (palette == contrast)
            bkgdset(COLOR_PAIR(MS_NORMAL) | ' ');
    }
    return true;
}

int theme_attr(int role)
{
    if (role < 0 || role >= R_ROLE_COUNT)
        return 0;
    if (!use_color)
        return (int)palette[role].mono_attr;
    return (int)(COLOR_PAIR(role) | palette[role].color_attr);
}

const char *theme_marker(enum mstyle st)
{
    static const char *const u[MS_STYLE_COUNT] = {
        [MS_ACCENT] = "▸", [MS_GOOD] = "✓", [MS_BAD] = "!", [MS_WARN] = "~",
        [MS_FREED] = "✗", [MS_DANGLING] = "?",
    };
    static const char *const a[MS_STYLE_COUNT] = {
        [MS_ACCENT] = ">", [MS_GOOD] = "+", [MS_BAD] = "!", [MS_WARN] = "~",
        [MS_FREED] = "x", [MS_DANGLING] = "?",
    };
    const char *m = (st >= 0 && st < MS_STYLE_COUNT) ? (use_ascii ? a : u)[st] : NULL;

    return m ? m : " ";
}

const struct glyphs *theme_glyphs(void)
{
    return use_ascii ? &ascii : &utf8;
}

bool theme_color(void)
{
    return use_color;
}

bool theme_ascii(void)
{
    return use_ascii;
}
