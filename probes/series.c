/* series.c — the fixed ring of recent values behind a sparkline (declared in counters.h). */
#include "probes/counters.h"

void series_push(struct series *s, double v)
{
    if (s->head < 0 || s->head >= SERIES_CAP)
        s->head = 0;
    s->v[s->head] = v;
    s->head = (s->head + 1) % SERIES_CAP;
    if (s->n < SERIES_CAP)
        s->n++;
}

double series_back(const struct series *s, int i)
{
    int at;

    if (i < 0 || i >= s->n || i >= SERIES_CAP)
        return 0.0;
    at = (s->head - 1 - i) % SERIES_CAP;
    if (at < 0)
        at += SERIES_CAP;
    return s->v[at];
}

void series_add(struct series *s, double v, double t, double width)
{
    long slot;

    if (!(width > 0) || !(t >= 0)) {
        s->slot = 0;
        series_push(s, v);
        return;
    }
    slot = (long)(t / width) + 1;       /* + 1: slot 0 means "none yet" */
    if (slot == s->slot && s->n > 0) {
        int at = (s->head - 1 + SERIES_CAP) % SERIES_CAP;

        s->sum += v;
        s->count++;
        s->v[at] = s->sum / s->count;
        return;
    }
    series_push(s, v);
    s->slot = slot;
    s->sum = v;
    s->count = 1;
}

void series_clear(struct series *s)
{
    s->n = 0;
    s->head = 0;
    s->slot = 0;
    s->sum = 0;
    s->count = 0;
}
