/* watchlegend.c — the watch dashboard's legend (where each number comes from, in what
 * unit) and its key help. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/watchview.h"

#define LEGEND_ENTRIES (WATCH_NSYS + WATCH_NPID)
#define PSI_DIR "/proc/pressure/"

static const char psi_text[] =
    "/proc/pressure/{cpu,memory,io} (%): CPU, Memory, IO some = avg10 of the \"some\" line "
    "(some tasks waited for the resource); full = avg10 of \"full\" (all non-idle tasks did)";

/* The i-th counter of the legend: the system's, then a process's. */
static enum counter_id legend_id(int i)
{
    return i < WATCH_NSYS ? watch_sys_ids[i] : watch_pid_ids[i - WATCH_NSYS];
}

/* One source file's paragraph: "/proc/meminfo (KiB): Mem total = MemTotal; ...". The unit
 * is said once when all its counters share it. */
static void source_text(const char *source, char *buf, size_t cap)
{
    const char *common = NULL;
    size_t len;
    bool first = true;

    for (int i = 0; i < LEGEND_ENTRIES; i++) {
        const struct counter_def *d = counter_def(legend_id(i));
        if (strcmp(d->source, source) != 0)
            continue;
        if (!common)
            common = d->unit;
        else if (strcmp(common, d->unit) != 0)
            common = "";
    }
    len = (size_t)snprintf(buf, cap, "%s%s%s%s:", source, common && *common ? " (" : "",
                           common && *common ? common : "", common && *common ? ")" : "");
    for (int i = 0; i < LEGEND_ENTRIES && len < cap; i++) {
        enum counter_id id = legend_id(i);
        const struct counter_def *d = counter_def(id);
        const char *label = watchset_label(id), *field = watchset_field(id);

        if (strcmp(d->source, source) != 0)
            continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s %s", first ? "" : ";", label);
        if (strcmp(label, field) != 0)
            len += (size_t)snprintf(buf + len, cap - len, " = %s", field);
        if (common && !*common && len < cap)
            len += (size_t)snprintf(buf + len, cap - len, " (%s)", d->unit);
        first = false;
    }
}

/* A bulleted paragraph whose words before the first ':' are a heading; rows used. */
static int paragraph(int row, int last, int w, const char *text)
{
    const char *colon = strchr(text, ':');
    int used = draw_para(row, 3, last - row, w - 4, 0, text);
    char head[96];

    snprintf(head, sizeof head, "%.*s", colon ? (int)(colon - text) : 0, text);
    draw_text(row, 1, 1, theme_attr(R_HEADING), theme_glyphs()->bullet);
    draw_text_clip(row, 3, w - 4, theme_attr(R_HEADING), head);
    return used;
}

void watchview_legend(const struct watch_ui *ui, int y, int h, int w)
{
    const char *done[LEGEND_ENTRIES];
    int ndone = 0, row = y + 1, last = y + h - 2;
    char buf[1024];

    (void)ui;
    draw_text_clip(y, 1, w - 2, theme_attr(R_HEADING),
                   "Legend: each counter's source file, its field there, and its unit");
    for (int i = 0; i < LEGEND_ENTRIES && row < last; i++) {
        const char *src = counter_def(legend_id(i))->source;
        bool seen = false, psi = strncmp(src, PSI_DIR, strlen(PSI_DIR)) == 0;

        if (psi)
            src = PSI_DIR;  /* the three files in one paragraph */
        for (int k = 0; k < ndone; k++)
            seen |= strcmp(done[k], src) == 0;
        if (seen)
            continue;
        done[ndone++] = src;
        if (!psi)
            source_text(src, buf, sizeof buf);
        row += paragraph(row, last, w, psi ? psi_text : buf);
    }
    draw_text_clip(last, 1, w - 2, theme_attr(MS_DIM),
                   "PID: each -p process. A rate: the change between two samples, per "
                   "second. L closes.");
}

static const char *const help_lines[][2] = {
    { "Space", "pause or resume sampling" },
    { "+ -", "sample less often / more often (0.1 s to 1 hour)" },
    { "t", "take a sample now" },
    { "c", "clear the history of every sparkline" },
    { "L", "legend: the source file, field and unit of every counter" },
    { "? F1", "this help (any key closes it)" },
    { "Ctrl-L", "redraw the screen" },
    { "q F10", "quit" },
    { NULL, NULL },
    { NULL, "A value that changed since the previous sample is marked and highlighted." },
    { NULL, "n/a (why) stands where a value cannot be read; a rate needs two samples." },
    { NULL, "Sparklines: the recent samples, oldest left, scaled to their own range." },
    { NULL, "One column per sample; per second (the mean) when sampling more often." },
};

void watchview_help(int rows, int cols)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    int h = n + 3, w = 78, y0, x0;

    if (h > rows - 2)
        h = rows - 2;
    if (w > cols - 2)
        w = cols - 2;
    y0 = (rows - h) / 2;
    x0 = (cols - w) / 2;
    for (int i = 0; i < h; i++)
        draw_fill(y0 + i, 0, cols, 0);  /* the whole rows: nothing peeks out beside it */
    draw_box(y0, x0, h, w, theme_attr(R_BORDER), "Keys of oscope watch", theme_attr(R_HEADING));
    for (int i = 0; i < n && i < h - 2; i++) {
        int y = y0 + 1 + i;

        if (!help_lines[i][1])
            continue;
        if (!help_lines[i][0]) {
            draw_text_clip(y, x0 + 2, w - 4, theme_attr(MS_DIM), help_lines[i][1]);
            continue;
        }
        draw_text_clip(y, x0 + 3, 10, A_BOLD, help_lines[i][0]);
        draw_text_clip(y, x0 + 14, w - 16, 0, help_lines[i][1]);
    }
}
