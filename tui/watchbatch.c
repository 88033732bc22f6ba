/* watchbatch.c — `oscope watch -b`: samples as CSV rows, no terminal. A terminating
 * signal ends the run between rows, so the file never ends in half a row. */
#include "tui/watch.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "probes/watchcsv.h"
#include "tui/term.h"

/* Waits until monotonic time `until`; false when a terminating signal came first. */
static bool wait_until(int sigfd, double until)
{
    for (;;) {
        struct pollfd pf = { .fd = sigfd, .events = POLLIN };
        double left = until - term_now();

        if (left <= 0)
            return true;
        if (poll(&pf, sigfd >= 0 ? 1 : 0, (int)(left * 1000.0) + 1) > 0 &&
            term_read_signals(NULL))
            return false;
    }
}

/* Flushes a row out; 0, or the exit status to stop with. */
static int flush_row(FILE *out)
{
    if (fflush(out) == 0 && !ferror(out))
        return 0;
    if (errno == EPIPE)
        return -1; /* the reader has gone (e.g. `| head`): nothing more to say */
    fprintf(stderr, "oscope watch: writing the CSV: %s\n", strerror(errno));
    return 1;
}

int watch_batch(const struct watch_opts *o, struct watchset *ws, FILE *out)
{
    int sigfd = term_signal_fd();
    double next;
    int rc;

    watchcsv_header(out, ws);  /* a write error shows in the flush */
    if ((rc = flush_row(out)) != 0)
        return rc < 0 ? 0 : rc;
    next = term_now();
    for (long n = 0; o->count == 0 || n < o->count; n++) {
        struct timespec wall;
        double now;

        if (n > 0 && !wait_until(sigfd, next))
            break;
        if (term_read_signals(NULL))
            break;
        now = term_now();
        clock_gettime(CLOCK_REALTIME, &wall);
        watchset_sample(ws, now, &wall);
        watchcsv_row(out, ws);
        if ((rc = flush_row(out)) != 0)
            return rc < 0 ? 0 : rc;
        /* Keep the cadence; after a stall (a suspended job) start again from now. */
        next += o->delay;
        if (next < now)
            next = now + o->delay;
    }
    return 0;
}
