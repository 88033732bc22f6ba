/* watchview.h — drawing the watch dashboard, its legend and its help from one state. */
#ifndef OSCOPE_WATCHVIEW_H
#define OSCOPE_WATCHVIEW_H

#include <stdbool.h>

#include "probes/watchset.h"

/* What the dashboard shows besides the samples. */
struct watch_ui {
    const struct watchset *ws;
    double delay;            /* seconds between samples */
    bool paused;
    bool help;               /* the key help is up */
    bool legend;             /* the legend (sources and units) is up */
    const char *csv_path;    /* recording to this file, NULL when not */
    char message[160];       /* a transient line for the status bar, "" for none */
};

/* Draws the whole screen (or the too-small notice) and refreshes it. */
void watchview_draw(const struct watch_ui *ui);

/* Drawing helpers shared with the legend and help (watchlegend.c). */
void watchview_legend(const struct watch_ui *ui, int y, int h, int w);
void watchview_help(int rows, int cols);

#endif
