/* bench.h — what the benchmark programs share: the oscope binary under test, an empty
 * HOME for every program run (htop and top then start from their defaults), the scene
 * list, whether watch is built, starting and quitting a program on a pty, medians. */
#ifndef OSCOPE_BENCH_BENCH_H
#define OSCOPE_BENCH_BENCH_H

#include <stdbool.h>

#include "bench/ptyrun.h"

#define BENCH_MAX_SCENES 32

/* Sets up: $OSCOPE_BIN (default ./oscope) and a private empty HOME. Exits on failure. */
void bench_init(void);
/* Removes the private HOME. */
void bench_done(void);
/* The oscope binary under test. */
const char *bench_bin(void);

/* Scene ids as `oscope --list` prints them (first word of each line); returns how many. */
int bench_scene_ids(char ids[][32], int cap);
/* True when `oscope watch -b -n 1` runs and exits 0. */
bool bench_watch_built(void);

/* Starts argv on a rows x cols pty with the private HOME; exits when it cannot. */
struct pr *bench_spawn(int rows, int cols, const char *const argv[]);
/* Sends q, waits up to 3 s for the exit (else kills it, saying so), frees it. */
void bench_quit(struct pr *p);

/* The median of v[0..n) (sorts v); -1 for n <= 0. */
double bench_median(double *v, int n);

#endif
