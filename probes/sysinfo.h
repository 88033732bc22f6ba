/* sysinfo.h — system-wide counters from /proc/meminfo, /proc/vmstat, /proc/stat (through
 * libproc2's *_select calls, which re-read on every call) and
 * /proc/pressure/{cpu,memory,io}. */
#ifndef OSCOPE_SYSINFO_H
#define OSCOPE_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

struct sys_mem {           /* /proc/meminfo, KiB */
    uint64_t total, free, available, cached, dirty, writeback, anon, shmem, slab,
             swap_total, swap_free, active_file, inactive_file;
};
struct sys_vm {            /* /proc/vmstat, cumulative counts (pgpgin/pgpgout in KiB) */
    uint64_t pgfault, pgmajfault, pgpgin, pgpgout, pswpin, pswpout, nr_dirty, nr_writeback;
};
struct sys_stat {          /* /proc/stat */
    uint64_t ctxt, intr, processes; /* cumulative */
    uint64_t procs_running, procs_blocked;
};
struct sys_psi {           /* /proc/pressure/{cpu,memory,io}: avg10, percent */
    bool have;             /* false when the kernel has no PSI or it is unreadable */
    double some_avg10[3], full_avg10[3]; /* index 0 cpu, 1 memory, 2 io */
    bool full_have[3];     /* cpu "full" exists only on newer kernels */
};

/* Opaque reader: libproc2 handles (and kept-open fds) for repeated sampling. */
struct sysinfo;

/* Creates a reader for the given /proc root ("/proc" normally; libproc2 only supports
 * the real /proc, so a non-default root uses the plain parsers below). NULL with errno. */
struct sysinfo *sysinfo_new(const char *root);
void sysinfo_free(struct sysinfo *s);
/* Each returns 0 or -errno; the struct is untouched on error. */
int sysinfo_mem(struct sysinfo *s, struct sys_mem *out);
int sysinfo_vm(struct sysinfo *s, struct sys_vm *out);
int sysinfo_stat(struct sysinfo *s, struct sys_stat *out);
int sysinfo_psi(struct sysinfo *s, struct sys_psi *out);

/* Plain text parsers, used for fixtures and for non-default roots. 0 or -EINVAL. */
int sys_meminfo_parse(const char *text, struct sys_mem *out);
int sys_vmstat_parse(const char *text, struct sys_vm *out);
int sys_stat_parse(const char *text, struct sys_stat *out);
/* Parses one pressure file's text ("some avg10=..." / "full avg10=..."). */
int sys_psi_parse(const char *text, double *some_avg10, double *full_avg10, bool *full_have);

#endif
