/* lab.h — the lab: a forked child that runs a scene's real C code, stops at each step,
 * reports facts over a pipe and waits for "next". Parent side (start, read, next, kill)
 * and child side (lab_fact*, lab_stop) share this header.
 *
 * Protocol, one line per record, lab -> oscope:
 *   "F <name> <value>\n"   a fact (name: [A-Za-z0-9_.-]{1,31}, value: printable, < 200)
 *   "P <0-100> <text>\n"   progress of a long step
 *   "S <marker>\n"         stopped at a step; waits for a command
 *   "D\n"                  the lab's code has finished
 * oscope -> lab, one byte: 'n' continue, 'q' quit. Anything else from the lab is garbage:
 * the parent reports it and stops the lab. */
#ifndef OSCOPE_LAB_H
#define OSCOPE_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---------------- child side: used by lab code ---------------- */
struct lab_ctx;
/* Reports a fact; fmt formats the value. */
void lab_fact(struct lab_ctx *lab, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lab_fact_ptr(struct lab_ctx *lab, const char *name, const void *p);
void lab_fact_u64(struct lab_ctx *lab, const char *name, uint64_t v);
/* Async-signal-safe: usable from a signal handler (no stdio, no malloc). */
void lab_fact_u64_sigsafe(struct lab_ctx *lab, const char *name, uint64_t v);
void lab_stop_sigsafe(struct lab_ctx *lab, const char *marker);
void lab_progress(struct lab_ctx *lab, int percent, const char *text);
/* Stops at a step: sends "S marker", blocks until oscope says continue. If oscope says
 * quit or goes away, the lab exits at once (status 0). */
void lab_stop(struct lab_ctx *lab, const char *marker);
/* The lab's private temporary directory (removed by oscope when the lab ends). */
const char *lab_tmpdir(const struct lab_ctx *lab);
/* The scene's option string for this run (e.g. "blocks=100000"), "" when none. */
const char *lab_option(const struct lab_ctx *lab);

/* ---------------- parent side ---------------- */
struct lab_limits {
    uint64_t as_bytes;   /* RLIMIT_AS, 0 = default 1 GiB */
    unsigned cpu_s;      /* RLIMIT_CPU, 0 = default 120 s */
    unsigned nofile;     /* RLIMIT_NOFILE, 0 = default 64 */
    uint64_t fsize;      /* RLIMIT_FSIZE, 0 = default 64 MiB */
    uint64_t stack;      /* RLIMIT_STACK, 0 = inherit */
    unsigned nproc_extra;/* threads the lab may start (RLIMIT_NPROC is per user; advisory) */
};

typedef void (*lab_fn)(struct lab_ctx *lab);

struct lab;
enum lab_event_kind {
    LAB_EV_NONE = 0,     /* nothing complete yet */
    LAB_EV_FACT,         /* name, value */
    LAB_EV_PROGRESS,     /* percent, value = text */
    LAB_EV_STOP,         /* name = marker */
    LAB_EV_DONE,         /* the lab's code ran to its end */
    LAB_EV_GARBAGE,      /* a malformed record; value = the start of it */
    LAB_EV_EOF,          /* the fact pipe closed (the lab exited or died) */
};
struct lab_event {
    enum lab_event_kind kind;
    char name[32];
    char value[200];
    int percent;
};

/* Forks a lab running fn under limits, with option string opt (copied). Creates its
 * private directory under $TMPDIR (or /tmp). On success *out owns the lab; 0 or -errno. */
int lab_start(struct lab **out, lab_fn fn, const struct lab_limits *limits, const char *opt);
/* lab_start with the private directory made inside parent instead (made absolute first).
 * When parent is NULL, missing or not writable, the directory goes under $TMPDIR (or /tmp)
 * as with lab_start: the lab can tell from lab_tmpdir(). */
int lab_start_in(struct lab **out, lab_fn fn, const struct lab_limits *limits, const char *opt,
                 const char *parent);
pid_t lab_pid(const struct lab *l);
int lab_fd(const struct lab *l);      /* fact pipe, poll for POLLIN */
int lab_out_fd(const struct lab *l);  /* the lab's stdout+stderr, poll for POLLIN; -1 once closed */
/* Reads what is available (never blocks) and returns the next complete event in *ev.
 * Returns 1 with an event, 0 when none is complete yet, -errno on a read error. */
int lab_poll_event(struct lab *l, struct lab_event *ev);
/* Drains the lab's stdout/stderr into its output buffer (never blocks). */
void lab_drain_output(struct lab *l);
/* Everything the lab wrote to stdout/stderr so far (NUL-terminated, capped at 64 KiB). */
const char *lab_output(const struct lab *l);
/* Tells the lab to continue. 0 or -errno (-EPIPE when it is gone). */
int lab_next(struct lab *l);
/* Non-blocking reap: 1 and *status (waitpid form) when the lab has exited, 0 if alive. */
int lab_try_reap(struct lab *l, int *status);
bool lab_exited(const struct lab *l, int *status);
/* Kills the lab's process group (SIGKILL), reaps it, removes its directory, frees l. */
void lab_destroy(struct lab *l);
/* True in an AddressSanitizer build of oscope: labs then run without RLIMIT_AS (the
 * sanitizer's shadow memory fills the address space) and malloc is the sanitizer's. */
bool lab_sanitized(void);
/* Kills every lab still alive (for fatal paths and signal exits); async-signal-safe. */
void lab_kill_all(void);
/* Kills, reaps and removes the directories of every lab still alive (fatal paths). */
void lab_destroy_all(void);
/* Removes lab directories left in $TMPDIR by an oscope that was killed outright (its pid
 * is gone). Returns how many were removed. */
int lab_sweep(void);
/* The lab's private directory (removed by lab_destroy). */
const char *lab_dir(const struct lab *l);
/* True once the fact pipe is closed and every record has been read. */
bool lab_eof(const struct lab *l);
/* "lab stopped by signal 11 (SIGSEGV)" / "lab exited with status 3". Returns buf. */
char *lab_describe_status(int status, char *buf, unsigned cap);

#endif
