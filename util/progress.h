/* progress.h — the learner's quiz results per scene, kept in a small text file under
 * $XDG_STATE_HOME/oscope/progress (or ~/.local/state/oscope/progress).
 *
 * The file, version 1 (written by progress_save, read by progress_load):
 *
 *     oscope-progress 1
 *     # id score total best when
 *     stack-heap 3 4 4 1718000000
 *
 * The first line is exactly "oscope-progress 1". Then one line per scene: its id
 * ([A-Za-z0-9_.-], 1 to 31 characters), the latest score, the number of questions it was
 * out of, the best score out of that same number, and the Unix time the latest quiz was
 * finished; fields are separated by spaces or tabs. Blank lines and lines whose first
 * non-blank character is '#' are ignored; CRLF line ends are accepted; every line ends
 * with a newline. The file is malformed when the header is wrong, the last line has no
 * newline (a truncated file), a line is longer than 255 bytes, a number is not a
 * plain decimal, negative or too large, a score or best exceeds total, an id has other
 * characters or appears twice, there are more than PROGRESS_MAX scenes or 1024 lines, the
 * file is larger than 64 KiB, or it holds a NUL byte. */
#ifndef OSCOPE_PROGRESS_H
#define OSCOPE_PROGRESS_H

#include <stddef.h>

struct progress_entry {
    char id[32];                 /* the scene's id */
    int score;                   /* right answers in the latest finished quiz */
    int total;                   /* questions in that quiz */
    int best;                    /* the best score out of the same total */
    long long when;              /* Unix time the latest quiz was finished */
};

#define PROGRESS_MAX 64
struct progress {
    struct progress_entry e[PROGRESS_MAX];
    int n;
};

/* Writes the file's path into buf: $XDG_STATE_HOME/oscope/progress when XDG_STATE_HOME is
 * an absolute path, else $HOME/.local/state/oscope/progress. 0, -ENOENT when neither is
 * set, -ENAMETOOLONG when buf is too small. */
int progress_path(char *buf, size_t cap);

/* Parses the file's text into p (emptied first). 0 or -EINVAL when malformed (p is then
 * left empty). */
int progress_parse(const char *text, struct progress *p);

/* Writes p in the file format into buf, NUL-terminated. Bytes written (without the NUL),
 * or -ENOSPC when buf is too small. */
int progress_format(const struct progress *p, char *buf, size_t cap);

/* Loads path into p. A missing file gives an empty p and 0. A malformed or unreadable file
 * (or something else than a file) is renamed to PATH.corrupt-YYYYmmdd-HHMMSS, p starts
 * empty, warn gets one line saying so and 1 is returned. -errno only when that cannot be
 * done (e.g. the directory is not writable); p is empty then too. */
int progress_load(const char *path, struct progress *p, char *warn, size_t cap);

/* Writes p to path atomically: creates the missing directories (mode 0700), writes
 * PATH.tmp-PID, fsyncs it, renames it over path, fsyncs the directory. 0 or -errno (and no
 * temporary file left behind). */
int progress_save(const char *path, const struct progress *p);

/* Records a finished quiz: the latest score replaces the previous one; best keeps the
 * highest score out of the same total (a quiz with a different number of questions starts
 * best afresh). When p is full the entry finished longest ago makes room. 0, or -EINVAL for
 * a bad id or numbers (nothing recorded). */
int progress_record(struct progress *p, const char *id, int score, int total, long long when);

/* The entry for id, or NULL. Points into p. */
const struct progress_entry *progress_get(const struct progress *p, const char *id);

/* Removes the file at path; 0 also when it did not exist, else -errno. */
int progress_reset(const char *path);

#endif
