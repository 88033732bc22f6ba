/* record.h — `oscope --record FILE.cast`: runs oscope again on a pseudo-terminal, as
 * script(1) does, passing keys through and copying its screen output both to the real
 * terminal and into an asciicast v2 file that `asciinema play` replays. */
#ifndef OSCOPE_RECORD_H
#define OSCOPE_RECORD_H

/* The environment variable set in the recorded program, so it never records again. */
#define RECORD_ENV "OSCOPE_RECORDING"

/* Records this program (/proc/self/exe) run with argv minus "--record FILE" (or
 * "--record=FILE") into cast_path. Prints its own one-line messages to stderr. Returns the
 * exit status for main: the recorded program's (128 + N when signal N ended it), or 2 when
 * recording could not start (no terminal, FILE already exists, nested recording). */
int record_run(const char *cast_path, int argc, char **argv);

/* The same for any program: exe run with argv (NULL-terminated). For tests. */
int record_run_cmd(const char *cast_path, const char *exe, char *const argv[]);

/* Copies argv into out (argc + 1 slots, NULL-terminated) leaving out the first
 * "--record FILE" or "--record=FILE"; returns the new count. The strings stay argv's. */
int record_strip_args(int argc, char **argv, char **out);

#endif
