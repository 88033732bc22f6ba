/* watchview.c — the watch dashboard: memory and rates side by side, tasks and pressure,
 * then the watched processes; every value with a change mark and a sparkline. */
#include "tui/watchview.h"

#include <curses.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"
#include "tui/draw.h"
#include "tui/theme.h"

#define LABEL_W 12   /* "Ctx switches" */
#define VALUE_W 14   /* "12,345,678 KiB" */
#define DETAIL_ROWS 6  /* a process in full: its heading and five rows of two counters */

/* The per-process counters in pairs, as indexes into watch_pid_ids. */
static const int pid_pairs[5][2] = { { 0, 1 }, { 2, 7 }, { 3, 4 }, { 5, 6 }, { 8, 9 } };


/* What each counter line last drew, so a line that would come out the same is not drawn
 * again: between two samples most values and every sparkline but the newest column stay
 * as they were, and drawing a line (UTF-8 to wide characters, cell by cell) costs more
 * than comparing a hash. Forgotten whenever the screen is erased. */
#define DRAWN_CAP 64
static struct drawn {
    int y, x, w;
    uint64_t key;
} drawn[DRAWN_CAP];
static int ndrawn;

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* True when the line at y, x, w was last drawn with this key; else remembers the key. */
static bool drawn_before(int y, int x, int w, uint64_t key)
{
    for (int i = 0; i < ndrawn; i++) {
        if (drawn[i].y != y || drawn[i].x != x)
            continue;
        if (drawn[i].w == w && drawn[i].key == key)
            return true;
        drawn[i].w = w;
        drawn[i].key = key;
        return false;
    }
    if (ndrawn < DRAWN_CAP)
        drawn[ndrawn++] = (struct drawn){ y, x, w, key };
    return false;
}

/* True when a value's text is a reason, not a number. */
static bool is_na(const struct watch_val *v)
{
    return strncmp(v->text, "n/a", 3) == 0 || !v->text[0];
}

/* One counter in w columns: change mark, label, sparkline, value (the newest bar next to
 * the newest value). dim: a value of a process that has exited (the last one read). */
static void counter_line(int y, int x, int w, enum counter_id id, const struct watch_val *v,
                         bool dim)
{
    int tw = draw_width(v->text), vw = tw > VALUE_W ? tw : VALUE_W;
    int sx = x + 1 + LABEL_W + 1, vx = x + w - 1 - vw;
    int attr = dim || is_na(v) ? theme_attr(MS_DIM) : v->changed ? theme_attr(MS_ACCENT) : 0;
    uint64_t key = 0xcbf29ce484222325ULL;   /* FNV-1a */
    int sw;

    if (vx < sx) { /* a long reason: it takes the sparkline's place */
        vx = sx;
        vw = x + w - 1 - sx;
    }
    sw = vx - 1 - sx;
    key = hash_bytes(key, v->text, strlen(v->text));
    key = hash_bytes(key, (int[]){ id, v->changed, dim, v->hist.n }, 4 * sizeof(int));
    for (int i = 0; i < sw && i < v->hist.n; i++) {
        double h = series_back(&v->hist, i);
        key = hash_bytes(key, &h, sizeof h);
    }
    if (drawn_before(y, x, w, key))
        return;
    draw_fill(y, x, w, 0);   /* the screen is not erased between samples (watchview_draw) */
    if (v->changed && !dim)
        draw_text(y, x, 1, theme_attr(MS_ACCENT), theme_marker(MS_ACCENT));
    draw_text_clip(y, x + 1, LABEL_W, 0, watchset_label(id));
    if (sw >= 3)
        draw_spark(&v->hist, y, sx, sw);
    draw_text_clip(y, vx + (tw < vw ? vw - tw : 0), vw, attr, v->text);
}

static void heading(int y, int x, int w, const char *title, const char *source)
{
    int used;

    draw_fill(y, x, w, 0);
    used = draw_text_clip(y, x + 1, w - 1, theme_attr(R_HEADING), title);

    if (source && used + 3 < w)
        draw_text_clip(y, x + used + 3, w - used - 3, theme_attr(MS_DIM), source);
}

static void title_bar(const struct watch_ui *ui, int w)
{
    const struct watchset *ws = ui->ws;
    char left[160], right[160], when[16] = "";
    struct tm tm;
    time_t t = ws->wall.tv_sec;

    if (ws->nsamples && localtime_r(&t, &tm))
        strftime(when, sizeof when, "%H:%M:%S", &tm);
    snprintf(left, sizeof left, " oscope %s watch %s every %g s %s sample %ld%s%s",
             theme_glyphs()->v, theme_glyphs()->v, ui->delay, theme_glyphs()->v, ws->nsamples,
             when[0] ? " at " : "", when);
    if (ui->paused)
        snprintf(right, sizeof right, "PAUSED (Space resumes) ");
    else if (ui->csv_path)
        snprintf(right, sizeof right, "recording to %s ", ui->csv_path);
    else
        right[0] = '\0';
    draw_fill(0, 0, w, theme_attr(R_TITLE));
    draw_text_clip(0, 0, w - draw_width(right) - 1, theme_attr(R_TITLE) | A_BOLD, left);
    draw_text_clip(0, w - draw_width(right), draw_width(right),
                   ui->paused ? theme_attr(R_KEY) : theme_attr(R_TITLE), right);
}

/* "key label" on the status bar; returns the next x. */
static int keyhint(int y, int x, int maxx, const char *key, const char *label)
{
    int used;

    if (x + draw_width(key) + draw_width(label) + 1 > maxx)
        return x;
    used = draw_text(y, x, maxx - x, theme_attr(R_KEY), key);
    used += draw_text(y, x + used, maxx - x - used, theme_attr(R_STATUS), label);
    return x + used + 1;
}

static void status_bar(const struct watch_ui *ui, int y, int w)
{
    int x = 1;

    draw_fill(y, 0, w, theme_attr(R_STATUS));
    if (ui->message[0]) {
        draw_text_clip(y, 1, w - 2, theme_attr(R_KEY), ui->message);
        return;
    }
    x = keyhint(y, x, w, "Space", ui->paused ? " resume" : " pause");
    x = keyhint(y, x, w, "+/-", " delay");
    x = keyhint(y, x, w, "t", " sample");
    x = keyhint(y, x, w, "c", " clear");
    x = keyhint(y, x, w, "L", " legend");
    x = keyhint(y, x, w, "?", " help");
    keyhint(y, x, w, "q", " quit");
}

/* Memory | rates, then tasks and pressure; returns the first free row. */
static int system_blocks(const struct watchset *ws, int y, int w)
{
    int cw = w / 2, rows = WATCH_MEM_N > WATCH_RATE_N ? WATCH_MEM_N : WATCH_RATE_N;

    heading(y, 0, cw, "Memory", "/proc/meminfo");
    heading(y, cw, w - cw, "Rates", "/proc/vmstat, /proc/stat");
    for (int i = 0; i < WATCH_MEM_N; i++)
        counter_line(y + 1 + i, 0, cw, watch_sys_ids[WATCH_MEM_FIRST + i],
                     &ws->sys_val[WATCH_MEM_FIRST + i], false);
    for (int i = 0; i < WATCH_RATE_N; i++)
        counter_line(y + 1 + i, cw, w - cw, watch_sys_ids[WATCH_RATE_FIRST + i],
                     &ws->sys_val[WATCH_RATE_FIRST + i], false);
    y += 1 + rows;
    heading(y, 0, w, "Tasks and pressure",
            "/proc/stat, /proc/pressure (% of the last 10 s stalled)");
    /* Running | Blocked, then each resource's "some" | "full". */
    for (int i = 0; i < 1 + WATCH_PSI_N / 2; i++) {
        int a = i == 0 ? WATCH_PROCS_FIRST : WATCH_PSI_FIRST + 2 * (i - 1);
        counter_line(y + 1 + i, 0, cw, watch_sys_ids[a], &ws->sys_val[a], false);
        counter_line(y + 1 + i, cw, w - cw, watch_sys_ids[a + 1], &ws->sys_val[a + 1], false);
    }
    return y + 2 + WATCH_PSI_N / 2;
}

/* What a state letter of /proc/PID/stat means. */
static const char *state_name(char s)
{
    switch (s) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "waiting for I/O";
    case 'T': return "stopped";
    case 't': return "stopped by a tracer";
    case 'Z': return "zombie";
    case 'X': return "dead";
    case 'I': return "idle";
    default: return "?";
    }
}

/* "PID 1234 sleep  S sleeping" or "PID 1234 sleep  x exited (seen 12:03:04)": the
 * process's title; brief leaves out the state's name. Returns the columns used. */
static int pid_title(const struct watch_pid *p, int y, int w, bool brief)
{
    char buf[96], when[16] = "?";
    struct tm tm;
    int used;

    snprintf(buf, sizeof buf, "PID %d %s", (int)p->pid, p->comm[0] ? p->comm : "?");
    draw_fill(y, 0, w, 0);
    used = 1 + draw_text_clip(y, 1, w - 1, theme_attr(R_HEADING), buf) + 2;
    if (p->exited) {
        time_t t = p->exited_wall.tv_sec;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%H:%M:%S", &tm);
        snprintf(buf, sizeof buf, brief ? "%s exited %s" : "%s exited (seen %s)",
                 theme_marker(MS_FREED), when);
        used += draw_text_clip(y, used, w - used, theme_attr(MS_BAD), buf);
        if (brief)
            return used;
        return used + draw_text_clip(y, used, w - used, theme_attr(MS_DIM),
                                     ", its last values kept");
    }
    snprintf(buf, sizeof buf, "%c%s%s", p->state ? p->state : '?', brief ? "" : " ",
             brief ? "" : state_name(p->state));
    return used + draw_text_clip(y, used, w - used, A_BOLD, buf);
}

/* A process in full: title and source, then five rows of two counters. */
static void pid_detail(const struct watch_pid *p, int y, int w)
{
    char src[64];
    int cw = w / 2, used = pid_title(p, y, w, false);

    snprintf(src, sizeof src, "/proc/%d/{stat,status,fd,io}", (int)p->pid);
    if (used + 3 < w && !p->exited)  /* once gone, its files are too */
        draw_text_clip(y, used + 3, w - used - 3, theme_attr(MS_DIM), src);
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 2; c++) {
            int k = pid_pairs[r][c];
            counter_line(y + 1 + r, c * cw, c ? w - cw : cw, watch_pid_ids[k], &p->val[k],
                         p->exited);
        }
}

/* "RSS 1,234 KiB" in a run of fields; returns the next x. */
static int field(int y, int x, int maxx, const char *name, const struct watch_val *v,
                 bool dim)
{
    int attr = dim || is_na(v) ? theme_attr(MS_DIM) : v->changed ? theme_attr(MS_ACCENT) : 0;

    if (x >= maxx)
        return x;
    if (v->changed && !dim)
        x += draw_text(y, x, 1, theme_attr(MS_ACCENT), theme_marker(MS_ACCENT));
    x += draw_text_clip(y, x, maxx - x, 0, name) + 1;
    return x + draw_text_clip(y, x, maxx - x, attr, v->text) + 1;
}

/* A process in two rows, when there is no room for all of them in full. */
static void pid_compact(const struct watch_pid *p, int y, int w)
{
    static const char *const names[WATCH_NPID] = {
        "Threads", "RSS", "Stack", "Faults", "maj", "Switches", "invol", "Fds", "Read",
        "write",
    };
    static const int row1[] = { 0, 1, 2, 7 }, row2[] = { 3, 4, 5, 6 };
    const struct watch_val *rd = &p->val[8], *wr = &p->val[9];
    int x = pid_title(p, y, w, true) + 2;

    for (size_t i = 0; i < sizeof row1 / sizeof row1[0]; i++)
        x = field(y, x, w, names[row1[i]], &p->val[row1[i]], p->exited) + 1;
    x = 2;
    draw_fill(y + 1, 0, w, 0);
    for (size_t i = 0; i < sizeof row2 / sizeof row2[0]; i++)
        x = field(y + 1, x, w, names[row2[i]], &p->val[row2[i]], p->exited) + i % 2;
    /* Both I/O values missing for one reason: say it once. */
    if (is_na(rd) && strcmp(rd->text, wr->text) == 0) {
        field(y + 1, x, w, "I/O", rd, p->exited);
    } else {
        x = field(y + 1, x, w, names[8], rd, p->exited);
        field(y + 1, x, w, names[9], wr, p->exited);
    }
}

static void pid_blocks(const struct watchset *ws, int y, int h, int w)
{
    bool detail = ws->npids * DETAIL_ROWS <= h;
    int per = detail ? DETAIL_ROWS : 2, fit = h / per;
    char buf[96];

    if (ws->npids == 0) {
        heading(y, 0, w, "Processes", "none: add -p PID to watch one (threads, memory, "
                "faults, switches, fds, disk I/O)");
        return;
    }
    if (fit < ws->npids)
        fit = (h - 1) / per; /* keep a row to say what is hidden */
    for (int i = 0; i < ws->npids && i < fit; i++) {
        if (detail)
            pid_detail(&ws->pids[i], y + i * per, w);
        else
            pid_compact(&ws->pids[i], y + i * per, w);
    }
    if (fit < ws->npids) {
        snprintf(buf, sizeof buf, "%d more process%s: make the window taller",
                 ws->npids - fit, ws->npids - fit == 1 ? "" : "es");
        draw_fill(y + fit * per, 0, w, 0);
        draw_text_clip(y + fit * per, 1, w - 1, theme_attr(MS_WARN), buf);
    }
}

void watchview_draw(const struct watch_ui *ui)
{
    static int last_h = -1, last_w = -1, last_npids = -1;
    static bool last_overlay;
    int H = LINES, W = COLS, y;

    if (H < APP_MIN_ROWS || W < APP_MIN_COLS) {
        last_h = -1;
        view_too_small(H, W);
        refresh();
        return;
    }
    /* The dashboard draws every row it uses in full, so between two samples of the same
     * layout the screen is not erased: curses then only compares the rows drawn, which
     * halves the drawing cost of a 0.1 s refresh. The legend and help are erased. */
    if (H != last_h || W != last_w || ui->ws->npids != last_npids || ui->legend ||
        ui->help || last_overlay) {
        erase();
        ndrawn = 0;
        last_h = H;
        last_w = W;
        last_npids = ui->ws->npids;
    }
    last_overlay = ui->legend || ui->help;
    title_bar(ui, W);
    if (ui->legend) {
        watchview_legend(ui, 1, H - 2, W);
    } else {
        y = system_blocks(ui->ws, 1, W);
        pid_blocks(ui->ws, y, H - 1 - y, W);
    }
    status_bar(ui, H - 1, W);
    if (ui->help)
        watchview_help(H, W);
    refresh();
}
