/* strip.c — the live counter strip. */
#include "tui/strip.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "util/fmt.h"

#define CELL_MIN 40

void strip_init(struct strip *s, const enum counter_id *ids, int n)
{
    memset(s, 0, sizeof *s);
    s->n = n < STRIP_MAX ? n : STRIP_MAX;
    memcpy(s->ids, ids, (size_t)s->n * sizeof *ids);
}

void strip_free(struct strip *s)
{
    counters_free(s->smp);
    s->smp = NULL;
}

void strip_value_text(const struct counter_def *d, const struct counter_val *v, char *buf,
                      unsigned cap)
{
    char num[32];

    if (!v->ok) {
        snprintf(buf, cap, "n/a (%s)", counter_err_text(v->err));
        return;
    }
    if (strcmp(d->unit, "KiB") == 0 || strcmp(d->unit, "count") == 0) {
        fmt_count(num, sizeof num, (uint64_t)(v->v + 0.5));
        snprintf(buf, cap, "%s%s%s", num, strcmp(d->unit, "KiB") == 0 ? " " : "",
                 strcmp(d->unit, "KiB") == 0 ? "KiB" : "");
    } else if (strcmp(d->unit, "%") == 0) {
        snprintf(buf, cap, "%.1f %%", v->v);
    } else {
        snprintf(buf, cap, "%.1f %s", v->v, d->unit);
    }
}

bool strip_sample(struct strip *s, pid_t pid, double now)
{
    bool changed = false;

    if (!s->smp || pid != s->pid) {
        counters_free(s->smp);
        s->smp = counters_new("/proc", pid);
        s->pid = pid;
        for (int i = 0; i < s->n; i++)
            series_clear(&s->hist[i]);
    }
    if (!s->smp)
        return false;
    counters_sample(s->smp, s->ids, s->n, now, s->val);
    for (int i = 0; i < s->n; i++) {
        char text[48];
        const struct counter_def *d = counter_def(s->ids[i]);

        if (d->per_pid && pid == 0) {
            s->val[i].ok = false;
            s->val[i].err = -ESRCH;
        }
        if (s->val[i].ok)
            series_push(&s->hist[i], s->val[i].v);
        strip_value_text(d, &s->val[i], text, sizeof text);
        if (strcmp(text, s->shown[i]) != 0) {
            snprintf(s->shown[i], sizeof s->shown[i], "%s", text);
            changed = true;
        }
    }
    return changed;
}

int strip_rows(const struct strip *s, int w)
{
    int per = w / CELL_MIN > 0 ? w / CELL_MIN : 1;

    return s->n ? (s->n + per - 1) / per : 0;
}


void strip_draw(const struct strip *s, struct rect r)
{
    int per = r.w / CELL_MIN > 0 ? r.w / CELL_MIN : 1;
    int cw = r.w / per;

    for (int row = 0; row < r.h; row++)
        draw_fill(r.y + row, r.x, r.w, 0);
    for (int i = 0; i < s->n; i++) {
        const struct counter_def *d = counter_def(s->ids[i]);
        int y = r.y + i / per, x = r.x + (i % per) * cw, col = x;
        char src[64];
        const char *pidpos;

        if (y >= r.y + r.h)
            break;
        col += draw_text(y, col, cw, theme_attr(R_HEADING), d->label) + 1;
        col += draw_text(y, col, x + cw - col, s->val[i].ok ? theme_attr(MS_ACCENT) : theme_attr(MS_WARN),
                         s->shown[i]) + 1;
        /* The source, with the real pid so the reader can look for themselves. */
        pidpos = strstr(d->source, "PID");
        if (pidpos && s->pid > 0)
            snprintf(src, sizeof src, "%.*s%d%s", (int)(pidpos - d->source), d->source,
                     (int)s->pid, pidpos + 3);
        else
            snprintf(src, sizeof src, "%s", d->source);
        {
            int srcw = draw_width(src);
            int room = x + cw - 1 - col - srcw - 1;
            if (room >= 4) {
                draw_spark(&s->hist[i], y, col, room > 8 ? 8 : room);
                col += (room > 8 ? 8 : room) + 1;
            }
            draw_text_clip(y, col, x + cw - 1 - col, theme_attr(MS_DIM), src);
        }
    }
}
