/* strip.h — the live counter strip under a scene: a few counters sampled about four times
 * a second, each with its value, unit, a sparkline of its recent past and its source. */
#ifndef OSCOPE_STRIP_H
#define OSCOPE_STRIP_H

#include <stdbool.h>
#include <sys/types.h>

#include "probes/counters.h"
#include "tui/widgets.h"

#define STRIP_MAX 8
struct strip {
    enum counter_id ids[STRIP_MAX];
    int n;
    pid_t pid;                      /* the process the per-process counters read */
    struct counters *smp;           /* owned sampler, NULL until the first sample */
    struct counter_val val[STRIP_MAX];
    struct series hist[STRIP_MAX];
    char shown[STRIP_MAX][48];      /* the text last drawn, to know when it changed */
};

void strip_init(struct strip *s, const enum counter_id *ids, int n);
void strip_free(struct strip *s);
/* Samples now for process pid (0: none alive; per-process counters then say so).
 * True when any value's text changed. */
bool strip_sample(struct strip *s, pid_t pid, double now);
/* Rows needed at width w, and drawing. */
int strip_rows(const struct strip *s, int w);
void strip_draw(const struct strip *s, struct rect r);
/* The value's text as shown: "3,412 KiB", "12.5/s", "n/a (process exited)". */
void strip_value_text(const struct counter_def *d, const struct counter_val *v, char *buf,
                      unsigned cap);

#endif
