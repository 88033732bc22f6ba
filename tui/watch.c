/* watch.c — `oscope watch`: checks the command line and the processes before touching the
 * terminal, then runs the batch writer or the dashboard's poll loop (keys, signals and the
 * sample timer; drawing only after something changed). */
#include "tui/watch.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/watchcsv.h"
#include "tui/app.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/watchview.h"
#include "util/xalloc.h"

/* The delays + and - step through. */
static const double delays[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 1800, 3600 };
#define NDELAYS ((int)(sizeof delays / sizeof delays[0]))

struct dash {
    const struct watch_opts *o;
    struct watchset *ws;
    struct watch_ui ui;
    FILE *csv;               /* recording, NULL when not (or no more) */
    double last_sample;      /* monotonic */
    double next_sample;
    bool quit;
    bool dirty;              /* something to draw */
};

/* The next delay up (dir > 0) or down the ladder from d. */
static double step_delay(double d, int dir)
{
    if (dir > 0) {
        for (int i = 0; i < NDELAYS; i++)
            if (delays[i] > d + 1e-9)
                return delays[i];
        return delays[NDELAYS - 1];
    }
    for (int i = NDELAYS - 1; i >= 0; i--)
        if (delays[i] < d - 1e-9)
            return delays[i];
    return delays[0];
}

/* Samples now, records the row, and plans the next sample. */
static void take_sample(struct dash *d, double now)
{
    struct timespec wall;

    clock_gettime(CLOCK_REALTIME, &wall);
    /* Faster than once a second, a sparkline column is a second (the mean of its samples):
     * the time axis stays readable and the terminal is not redrawn 10 times a second. */
    d->ws->spark_s = d->ui.delay < 1 ? 1.0 : 0;
    watchset_sample(d->ws, now, &wall);
    d->last_sample = now;
    d->next_sample = now + d->ui.delay;
    d->dirty = true;
    if (!d->csv)
        return;
    watchcsv_row(d->csv, d->ws);
    if (fflush(d->csv) != 0 || ferror(d->csv)) {
        snprintf(d->ui.message, sizeof d->ui.message, "recording stopped: %s: %s",
                 d->o->csv, strerror(errno));
        d->csv = NULL; /* the caller closes it */
        d->ui.csv_path = NULL;
    }
}

static void set_delay(struct dash *d, double delay, double now)
{
    d->ui.delay = delay;
    d->next_sample = d->last_sample + delay;
    if (d->next_sample < now)
        d->next_sample = now;
}

static void dash_key(struct dash *d, int ch, double now)
{
    if (ch == 12) { /* Ctrl-L */
        clearok(curscr, TRUE);
        return;
    }
    if (d->ui.help) { /* any key closes help; q still quits */
        d->ui.help = false;
        if (ch != 'q' && ch != KEY_F(10))
            return;
    }
    if (ch == 'q' || ch == KEY_F(10)) {
        d->quit = true;
        return;
    }
    if (LINES < APP_MIN_ROWS || COLS < APP_MIN_COLS)
        return;
    d->ui.message[0] = '\0';
    switch (ch) {
    case '?': case KEY_F(1):
        d->ui.help = true;
        break;
    case 'L': case 'l':
        d->ui.legend = !d->ui.legend;
        break;
    case ' ':
        d->ui.paused = !d->ui.paused;
        if (!d->ui.paused)
            d->next_sample = now;
        break;
    case '+': case '=':
        set_delay(d, step_delay(d->ui.delay, 1), now);
        break;
    case '-': case '_':
        set_delay(d, step_delay(d->ui.delay, -1), now);
        break;
    case 't':
        if (!d->o->count || d->ws->nsamples < d->o->count)
            take_sample(d, now);
        break;
    case 'c':
        watchset_clear_history(d->ws);
        snprintf(d->ui.message, sizeof d->ui.message, "history cleared");
        break;
    default:
        break;
    }
}

static int timeout_ms(const struct dash *d, double now)
{
    double t = d->next_sample - now;

    if (d->ui.paused)
        return -1;
    return t <= 0 ? 0 : (int)(t * 1000.0) + 1;
}

static void fatal_hook(void)
{
    term_end();
}

int watch_dashboard(const struct watch_opts *o, struct watchset *ws, FILE *csv)
{
    struct dash d = { .o = o, .ws = ws, .csv = csv };
    int sigfd = term_signal_fd(), fatal_sig = 0, ch;
    char err[256];

    d.ui.ws = ws;
    d.ui.delay = o->delay;
    d.ui.csv_path = csv ? o->csv : NULL;
    if (csv && (watchcsv_header(csv, ws) != 0 || fflush(csv) != 0)) {
        fprintf(stderr, "oscope watch: writing %s: %s\n", o->csv, strerror(errno));
        return 1;
    }
    if (!term_start(err, sizeof err)) {
        fprintf(stderr, "oscope watch: %s\n", err);
        return 2;
    }
    xalloc_set_fatal_hook(fatal_hook);
    theme_init(o->no_color, !term_utf8(), o->theme);
    take_sample(&d, term_now());
    while (!d.quit) {
        struct pollfd pf[2] = { { .fd = 0, .events = POLLIN },
                                { .fd = sigfd, .events = POLLIN } };
        double now;

        if (d.dirty) {
            watchview_draw(&d.ui);
            d.dirty = false;
        }
        if (poll(pf, sigfd >= 0 ? 2 : 1, timeout_ms(&d, term_now())) < 0 && errno != EINTR)
            break;
        now = term_now();
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            fatal_sig = SIGHUP; /* the terminal went away */
            break;
        }
        if ((fatal_sig = term_read_signals(NULL)) != 0)
            break;
        while ((ch = getch()) != ERR) {
            if (ch != KEY_RESIZE)
                dash_key(&d, ch, now);
            d.dirty = true;
        }
        if (!d.ui.paused && now >= d.next_sample) {
            if (o->count && ws->nsamples >= o->count)
                d.quit = true; /* the last sample has been shown for one delay */
            else
                take_sample(&d, now);
        }
    }
    term_end();
    if (fatal_sig) {
        fprintf(stderr, "oscope watch: stopped by %s\n",
                sigabbrev_np(fatal_sig) ? sigabbrev_np(fatal_sig) : "a signal");
        return 128 + fatal_sig;
    }
    return 0;
}

/* Starts watching each -p process; a process that does not exist is the user's error. */
static int add_pids(const struct watch_opts *o, struct watchset *ws)
{
    for (int i = 0; i < o->npids; i++) {
        int rc = watchset_add_pid(ws, o->pids[i]);

        if (rc == -ESRCH) {
            fprintf(stderr, "oscope watch: no process with id %d (-p %d)\n", (int)o->pids[i],
                    (int)o->pids[i]);
            return 2;
        }
        if (rc < 0 && rc != -EEXIST) {
            fprintf(stderr, "oscope watch: cannot watch process %d: %s\n", (int)o->pids[i],
                    strerror(-rc));
            return 2;
        }
    }
    return 0;
}

int watch_main(int argc, char **argv)
{
    struct watch_opts o;
    struct watchset *ws;
    FILE *csv = NULL;
    char err[320];
    int rc;

    if (watch_opts_parse(argc, argv, &o, err, sizeof err) != 0) {
        fprintf(stderr, "oscope watch: %s\n", err);
        return 2;
    }
    if (o.help) {
        watch_usage(stdout);
        return 0;
    }
    if (!o.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "oscope watch: the dashboard needs a terminal on stdin and stdout; "
                        "-b writes CSV to stdout without one\n");
        return 2;
    }
    ws = watchset_new("/proc");
    if (!ws) {
        fprintf(stderr, "oscope watch: cannot read /proc: %s\n", strerror(errno));
        return 1;
    }
    rc = add_pids(&o, ws);
    if (rc == 0 && o.csv && !(csv = watch_csv_create(o.csv, o.force, err, sizeof err))) {
        fprintf(stderr, "oscope watch: %s\n", err);
        rc = 2;
    }
    if (rc == 0)
        rc = o.batch ? watch_batch(&o, ws, csv ? csv : stdout) : watch_dashboard(&o, ws, csv);
    if (csv && fclose(csv) != 0 && rc == 0) {
        fprintf(stderr, "oscope watch: writing %s: %s\n", o.csv, strerror(errno));
        rc = 1;
    }
    watchset_free(ws);
    return rc;
}
