/* cast.h — writing an asciicast v2 file (what `asciinema play` replays): a JSON header
 * line, then one JSON array per event, [seconds, "o", "text"] for output and
 * [seconds, "r", "COLSxROWS"] for a resize. Pure: no terminal, only the fd given. */
#ifndef OSCOPE_CAST_H
#define OSCOPE_CAST_H

#include <stddef.h>

struct cast;

/* Starts a cast on fd (owned from then on; closed by cast_close) and writes the header:
 * {"version": 2, "width": COLS, "height": ROWS, "timestamp": UNIX, "env": {"TERM": ...}}
 * (env left out when term is NULL). NULL with errno set when the header cannot be
 * written; fd is then left open for the caller. */
struct cast *cast_open_fd(int fd, int cols, int rows, double unix_time, const char *term);

/* Writes n bytes of terminal output as an "o" event at t seconds from the start (earlier
 * than the previous event: taken as the previous time, so times never go back). The text
 * is JSON-escaped; an incomplete UTF-8 sequence at the end is kept for the next call;
 * bytes that are not UTF-8 become U+FFFD. 0 or -errno (the first write error sticks). */
int cast_output(struct cast *c, double t, const char *data, size_t n);

/* Writes a resize event [t, "r", "COLSxROWS"]. 0 or -errno. */
int cast_resize(struct cast *c, double t, int cols, int rows);

/* Writes what is pending (a cut-short sequence becomes U+FFFD), closes the fd, frees c.
 * 0, or the first error of this cast as -errno. */
int cast_close(struct cast *c);

#endif
