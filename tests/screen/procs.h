/* procs.h — the test process's view of its descendants, from /proc: children of a pid,
 * and the orphans a child subreaper collects when a program under test leaves processes
 * behind. Linux only. */
#ifndef OSCOPE_TESTS_PROCS_H
#define OSCOPE_TESTS_PROCS_H

#include <stdbool.h>
#include <sys/types.h>

/* Makes this process a child subreaper (PR_SET_CHILD_SUBREAPER): a descendant whose
 * parent exits is re-parented here instead of to init. Idempotent. */
void procs_become_subreaper(void);

/* Processes whose parent is pid: up to cap of them stored in out. Returns how many were
 * stored, or -errno if /proc cannot be read. */
int procs_children_of(pid_t pid, pid_t *out, int cap);

/* Counts this process's descendants, alive or zombie, except children for which
 * is_owned returns true (and what they own); prints each to stderr; kills them with
 * SIGKILL and reaps whatever is re-parented here as they die (for up to 2 s).
 * Returns the count, or -errno if /proc cannot be read. */
int procs_reap_orphans(bool (*is_owned)(pid_t child));

#endif
