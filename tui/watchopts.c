/* watchopts.c — the command line of `oscope watch` and the safe creation of its CSV file.
 * No terminal here: everything is reported in err for the caller to print. */
#include "tui/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void watch_usage(FILE *f)
{
    fprintf(f,
            "usage: oscope watch [-d SECONDS] [-p PID]... [-b] [-n COUNT] [--csv FILE [--force]]\n"
            "\n"
            "Live kernel counters from /proc while you experiment: memory, paging and\n"
            "scheduler rates, running and blocked tasks, pressure stall information, and for\n"
            "each -p PID its threads, memory, faults, context switches, open fds and disk I/O.\n"
            "\n"
            "options:\n"
            "  -d, --delay SECONDS  time between samples, 0.1 to 3600 (default 1)\n"
            "  -p, --pid PID        also watch this process (repeat for more, up to %d)\n"
            "  -b, --batch          no dashboard: CSV on stdout, a header then one row a sample\n"
            "  -n, --count COUNT    stop after COUNT samples\n"
            "      --csv FILE       record every sample to FILE as CSV (with -b: instead of\n"
            "                       stdout); an existing FILE is never replaced...\n"
            "      --force          ...unless --force is given\n"
            "      --no-color       no colours (also when NO_COLOR is set)\n"
            "      --theme NAME     default, contrast or light\n"
            "  -h, --help           this text\n"
            "\n"
            "keys: Space pause, + - delay, t sample now, c clear history, L legend, ? help,\n"
            "q quit. In the CSV an empty field means no value: a rate on the first row, not\n"
            "permitted, not in this kernel, or the process exited (pidN_state is \"exited\").\n",
            WATCH_MAX_PIDS);
}

/* A number of seconds within the allowed range. */
static bool parse_delay(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return false;
    /* 0.1 given as text is a hair above or below 0.1 in binary: allow for it. */
    if (v < WATCH_MIN_DELAY - 1e-9 || v > WATCH_MAX_DELAY)
        return false;
    *out = v < WATCH_MIN_DELAY ? WATCH_MIN_DELAY : v;
    return true;
}

/* A positive whole number up to max. */
static bool parse_positive(const char *s, long max, long *out)
{
    char *end;
    long v;

    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end || errno || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

/* Adds -p PID unless it is there already. */
static int add_pid(struct watch_opts *o, const char *arg, char *err, size_t cap)
{
    long v;

    if (!parse_positive(arg, INT_MAX, &v)) {
        snprintf(err, cap, "-p needs a process id (a whole number above 0), got '%s'", arg);
        return -1;
    }
    for (int i = 0; i < o->npids; i++)
        if (o->pids[i] == (pid_t)v)
            return 0;
    if (o->npids >= WATCH_MAX_PIDS) {
        snprintf(err, cap, "at most %d processes (-p) at a time", WATCH_MAX_PIDS);
        return -1;
    }
    o->pids[o->npids++] = (pid_t)v;
    return 0;
}

enum { OPT_CSV = 256, OPT_FORCE, OPT_NO_COLOR, OPT_THEME };

static const struct option longopts[] = {
    { "delay", required_argument, NULL, 'd' },
    { "pid", required_argument, NULL, 'p' },
    { "batch", no_argument, NULL, 'b' },
    { "count", required_argument, NULL, 'n' },
    { "csv", required_argument, NULL, OPT_CSV },
    { "force", no_argument, NULL, OPT_FORCE },
    { "no-color", no_argument, NULL, OPT_NO_COLOR },
    { "no-colour", no_argument, NULL, OPT_NO_COLOR },
    { "theme", required_argument, NULL, OPT_THEME },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* The option getopt stopped at, as the user wrote it. */
static const char *bad_option(char **argv)
{
    static char buf[8];

    if (optopt > ' ' && optopt < 127) {
        snprintf(buf, sizeof buf, "-%c", optopt);
        return buf;
    }
    return argv[optind - 1];
}

/* Applies one option getopt returned. 0 or -1 with err. */
static int apply(struct watch_opts *o, int c, const char *arg, char *err, size_t cap)
{
    switch (c) {
    case 'd':
        if (!parse_delay(arg, &o->delay)) {
            snprintf(err, cap, "-d needs seconds from 0.1 to 3600 (like 0.5), got '%s'", arg);
            return -1;
        }
        return 0;
    case 'p':
        return add_pid(o, arg, err, cap);
    case 'b':
        o->batch = true;
        return 0;
    case 'n':
        if (!parse_positive(arg, LONG_MAX, &o->count)) {
            snprintf(err, cap, "-n needs a number of samples (1 or more), got '%s'", arg);
            return -1;
        }
        return 0;
    case OPT_CSV:
        if (!*arg) {
            snprintf(err, cap, "--csv needs a file name");
            return -1;
        }
        o->csv = arg;
        return 0;
    case OPT_FORCE:
        o->force = true;
        return 0;
    case OPT_NO_COLOR:
        o->no_color = true;
        return 0;
    case OPT_THEME:
        if (strcmp(arg, "default") && strcmp(arg, "contrast") && strcmp(arg, "light")) {
            snprintf(err, cap, "unknown theme '%s' (themes: default, contrast, light)", arg);
            return -1;
        }
        o->theme = arg;
        return 0;
    case 'h':
        o->help = true;
        return 0;
    default:
        return -1;
    }
}

int watch_opts_parse(int argc, char **argv, struct watch_opts *o, char *err, size_t cap)
{
    int c;

    memset(o, 0, sizeof *o);
    o->delay = WATCH_DEFAULT_DELAY;
    err[0] = '\0';
    optind = 0;     /* a full reset of GNU getopt, so tests may parse again */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:d:p:bn:h", longopts, NULL)) != -1) {
        if (c == '?') {
            snprintf(err, cap, "unknown option '%s' (see oscope watch --help)",
                     bad_option(argv));
            return -1;
        }
        if (c == ':') {
            snprintf(err, cap, "%s needs a value (see oscope watch --help)", argv[optind - 1]);
            return -1;
        }
        if (apply(o, c, optarg, err, cap) != 0)
            return -1;
    }
    if (optind < argc) {
        snprintf(err, cap, "unexpected argument '%s' (see oscope watch --help)", argv[optind]);
        return -1;
    }
    return 0;
}

FILE *watch_csv_create(const char *path, bool force, char *err, size_t cap)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, 0666);
    FILE *f;

    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, cap, "%s already exists; not replacing it (--force would)", path);
        else
            snprintf(err, cap, "cannot create %s: %s", path, strerror(errno));
        return NULL;
    }
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, cap, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    return f;
}
