/* ptyrun.h — the benchmark's terminal: runs a program on a pseudo-terminal of fixed size,
 * emulates the screen with libvterm, counts every byte the program writes and when it
 * wrote it, and reads the program's CPU time and peak memory from /proc. Several runs can
 * be pumped together so programs are measured side by side over the same seconds. */
#ifndef OSCOPE_BENCH_PTYRUN_H
#define OSCOPE_BENCH_PTYRUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <vterm.h>

struct pr;

/* Monotonic seconds. */
double pr_now(void);

/* Starts argv[0] (searched in PATH) on a rows x cols pty with TERM=xterm-256color,
 * LANG=LC_ALL=C.UTF-8, ESCDELAY=25, then env[] ("NAME=value", "NAME=" unsets; may be
 * NULL). NULL with errno when the pty cannot be made; the caller frees it (pr_free). */
struct pr *pr_spawn(int rows, int cols, const char *const argv[], const char *const env[]);
/* Kills the program if it still runs (SIGKILL), reaps it, frees everything. NULL ok. */
void pr_free(struct pr *p);

/* Reads whatever output is there now (never blocks). Returns bytes read, -1 once the
 * terminal is closed. */
long pr_drain(struct pr *p);
/* Waits up to timeout_ms for output from any of the n runs and drains them all. */
void pr_pump(struct pr *const *ps, int n, int timeout_ms);
/* Pumps one run until quiet_ms pass without output or max_ms pass. Returns the time of
 * the last byte seen (pr_now() clock), or 0 when none came. */
double pr_settle(struct pr *p, int quiet_ms, int max_ms);
/* Pumps until needle is on screen (true) or timeout_ms pass / the terminal closes. */
bool pr_wait_text(struct pr *p, const char *needle, int timeout_ms);
/* True when needle is on the screen now (UTF-8, within one row). */
bool pr_find(struct pr *p, const char *needle);
/* The UTF-8 text of one row into buf (trailing blanks cut). Returns buf. */
char *pr_row(struct pr *p, int row, char *buf, size_t cap);

/* Keys, encoded as the program's current keypad mode asks. False if the pty is gone. */
bool pr_key(struct pr *p, VTermKey key);
bool pr_char(struct pr *p, unsigned int codepoint);

/* Bytes written by the program so far, and when the last one arrived. */
uint64_t pr_bytes(const struct pr *p);
double pr_last_output(const struct pr *p);
double pr_started(const struct pr *p);
pid_t pr_pid(const struct pr *p);

/* Waits for the program to exit (pumping its output); its wait status, or -1 after
 * timeout_ms (then it is killed). */
int pr_finish(struct pr *p, int timeout_ms);

/* CPU time the process has used, in seconds: /proc/PID/schedstat (nanoseconds on CPU),
 * or /proc/PID/stat utime+stime (clock ticks) when schedstat is missing.
 * Negative when unreadable. */
double proc_cpu_s(pid_t pid);
/* Peak resident set, /proc/PID/status VmHWM in KiB; negative when unreadable. */
long proc_hwm_kib(pid_t pid);

#endif
