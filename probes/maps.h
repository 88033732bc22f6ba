/* maps.h — /proc/PID/maps parsed into regions, each named the way a learner knows it
 * (text, read-only data, data, bss, heap, stack, mmap, shared library...). */
#ifndef OSCOPE_MAPS_H
#define OSCOPE_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum maps_kind {
    MAPS_OTHER = 0,
    MAPS_EXE_HEADER, /* the executable's first read-only mapping (ELF headers, symbols) */
    MAPS_TEXT,       /* the executable's r-x mapping: machine code */
    MAPS_RODATA,     /* the executable's read-only mapping after its code: string literals */
    MAPS_DATA,       /* the executable's writable file mapping: .data, .got, maybe .bss */
    MAPS_BSS,        /* anonymous writable mapping right after the executable's data */
    MAPS_HEAP,       /* [heap]: memory from brk */
    MAPS_ANON,       /* anonymous mapping (mmap, thread stacks, big malloc) */
    MAPS_LIB,        /* a shared library's mapping */
    MAPS_FILE,       /* another file mapping */
    MAPS_STACK,      /* [stack] of the main thread */
    MAPS_VDSO,       /* [vdso], [vvar], [vsyscall] */
    MAPS_GUARD,      /* ---p mapping (guard page, reserved) */
    MAPS_RELRO,      /* the executable's read-only mapping just below its data: relocated,
                        then made read-only (.got, .data.rel.ro: "RELRO") */
};

struct maps_region {
    uint64_t lo, hi;       /* [lo, hi) */
    char perms[5];         /* "r-xp" */
    uint64_t offset;
    uint64_t inode;
    char path[160];        /* "" for anonymous, "[heap]", "/usr/lib/..." */
    enum maps_kind kind;
};

#define MAPS_MAX 512

struct maps {
    struct maps_region r[MAPS_MAX];
    int n;                 /* regions, in address order as the kernel lists them */
    bool truncated;        /* more than MAPS_MAX lines */
};

/* Parses maps text. EXE is the path of the process's executable (from /proc/PID/exe,
 * may be NULL: then the first file mapping is taken as the executable). Returns 0, or
 * -EINVAL when a line is malformed (out->n holds the regions parsed before it). */
int maps_parse(const char *text, const char *exe, struct maps *out);
/* Reads and parses ROOT/PID/maps (and ROOT/PID/exe for the executable's path). 0 or -errno. */
int maps_read(const char *root, pid_t pid, struct maps *out);
/* Index of the region holding addr, or -1. */
int maps_find(const struct maps *m, uint64_t addr);
/* A short human name for a kind: "text", "read-only data", "heap", "stack"... */
const char *maps_kind_name(enum maps_kind k);

#endif
