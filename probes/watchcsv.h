/* watchcsv.h — `oscope watch` samples as CSV: one header line, then one row per sample.
 *
 * Columns: time (ISO-8601 wall clock, UTC, milliseconds), mono_s (CLOCK_MONOTONIC
 * seconds), the system counters (watchset_csv_name, e.g. dirty_kib, ctxt_per_s), then for
 * each watched process pidN_comm, pidN_state (the state letter, or "exited") and its
 * counters (pidN_rss_kib, ...). An EMPTY field means no value: a rate on the first row,
 * "not permitted" (e.g. another user's /proc/PID/io), "not in this kernel" (e.g. no PSI),
 * or the process has exited (then pidN_state says "exited"). Never a made-up 0. */
#ifndef OSCOPE_WATCHCSV_H
#define OSCOPE_WATCHCSV_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "probes/watchset.h"

/* Writes the header line for ws's processes. 0, or -EIO when f has an error. */
int watchcsv_header(FILE *f, const struct watchset *ws);
/* Writes the row of ws's newest sample. 0, or -EIO when f has an error. */
int watchcsv_row(FILE *f, const struct watchset *ws);
/* "2026-11-22T02:19:50.123Z" into buf. Returns buf. */
char *watchcsv_time(const struct timespec *wall, char *buf, size_t cap);
/* One value as a CSV field: empty when !v->ok; whole numbers for KiB and counts, two
 * decimals for rates and percentages. Returns buf. */
char *watchcsv_value(enum counter_id id, const struct counter_val *v, char *buf,
                     size_t cap);

#endif
