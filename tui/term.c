/* term.c — ncurses set-up and restoring the terminal; signals into a pipe. */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenes/lab.h"

static bool active;
static int sigpipe_fd[2] = { -1, -1 };

bool term_start(char *err, unsigned cap)
{
    const char *t = getenv("TERM");
    SCREEN *scr;

    if (!t || !*t || strcmp(t, "dumb") == 0) {
        snprintf(err, cap, "this terminal (TERM=%s) cannot show a full-screen program; "
                           "try TERM=xterm-256color, or use --list, --export or watch -b",
                 t && *t ? t : "unset");
        return false;
    }
    scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        snprintf(err, cap, "cannot use the terminal type TERM=%s (no terminfo entry?)", t);
        return false;
    }
    set_term(scr);
    active = true;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    mouseinterval(0);
    /* No typeahead check while the screen is written: oscope reads keys in its own poll()
     * loop, and the check made curses flush its output in a write() per changed row. */
    typeahead(-1);
    /* Leave and re-enter once: curses then counts as running, and moving the cursor no
     * longer flushes its output at once, so a frame leaves in one write(), not one per
     * changed row. */
    endwin();
    refresh();
    return true;
}

void term_end(void)
{
    if (!active)
        return;
    active = false;
    curs_set(1);
    endwin();
    fflush(stdout);
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;

    if (write(sigpipe_fd[1], &c, 1) < 0) {
        /* pipe full: the loop already has signals to read */
    }
    errno = saved;
}

int term_signal_fd(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
    struct sigaction sa;

    if (sigpipe_fd[0] >= 0)
        return sigpipe_fd[0];
    if (pipe2(sigpipe_fd, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return sigpipe_fd[0];
}

int term_read_signals(bool *chld)
{
    unsigned char buf[64];
    int fatal = 0;
    ssize_t n;

    while ((n = read(sigpipe_fd[0], buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == SIGCHLD) {
                if (chld)
                    *chld = true;
            } else if (!fatal) {
                fatal = buf[i];
            }
        }
    return fatal;
}

double term_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool term_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
