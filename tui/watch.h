/* watch.h — `oscope watch`: live kernel counters while you experiment, as a dashboard
 * (watch.c, watchview.c) or as CSV on stdout (watchbatch.c); options in watchopts.c. */
#ifndef OSCOPE_WATCH_H
#define OSCOPE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "probes/watchset.h"

#define WATCH_MIN_DELAY 0.1     /* seconds */
#define WATCH_MAX_DELAY 3600.0
#define WATCH_DEFAULT_DELAY 1.0

struct watch_opts {
    double delay;               /* seconds between samples */
    pid_t pids[WATCH_MAX_PIDS]; /* -p, in the order given, without repeats */
    int npids;
    bool batch;                 /* -b: CSV, no terminal */
    long count;                 /* -n: stop after this many samples; 0 = never */
    const char *csv;            /* --csv FILE, NULL for none */
    bool force;                 /* --force: --csv may replace an existing file */
    bool no_color;
    const char *theme;          /* NULL: default */
    bool help;                  /* -h: print usage, do nothing else */
};

/* The whole subcommand; argv[0] is "watch". Returns the exit status. */
int watch_main(int argc, char **argv);

/* Parses the options into o. 0, or -1 with one line (no "oscope watch: " prefix, no
 * newline) in err. */
int watch_opts_parse(int argc, char **argv, struct watch_opts *o, char *err, size_t cap);
/* The usage text of watch. */
void watch_usage(FILE *f);
/* Opens path for the CSV: never replaces an existing file unless force. A stream, or
 * NULL with the reason in err. */
FILE *watch_csv_create(const char *path, bool force, char *err, size_t cap);

/* Writes CSV to out until the count is reached or a terminating signal arrives (the
 * current row is finished first). Returns the exit status. */
int watch_batch(const struct watch_opts *o, struct watchset *ws, FILE *out);
/* The full-screen dashboard; csv (may be NULL) records every sample. Exit status. */
int watch_dashboard(const struct watch_opts *o, struct watchset *ws, FILE *csv);

#endif
