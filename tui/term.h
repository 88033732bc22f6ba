/* term.h — taking the terminal and always giving it back: ncurses set-up, the signal
 * self-pipe (SIGINT, SIGTERM, SIGHUP, SIGCHLD), and restoring on every way out. */
#ifndef OSCOPE_TERM_H
#define OSCOPE_TERM_H

#include <stdbool.h>

/* Starts full-screen mode. false (with a message in err) when the terminal cannot be
 * used (e.g. TERM=dumb or unknown). */
bool term_start(char *err, unsigned cap);
/* Leaves full-screen mode; safe to call twice and from the fatal hook. */
void term_end(void);
/* Installs handlers that write the signal number to a pipe; returns its read end. */
int term_signal_fd(void);
/* Reads pending signals from the pipe: returns the first terminating signal seen
 * (SIGINT/SIGTERM/SIGHUP) or 0; *chld is set when SIGCHLD arrived. */
int term_read_signals(bool *chld);
/* Monotonic time in seconds. */
double term_now(void);
/* True when the locale is UTF-8. */
bool term_utf8(void);

#endif
