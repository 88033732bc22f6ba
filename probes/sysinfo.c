/* sysinfo.c — system-wide memory, VM, scheduler and pressure counters: libproc2 for the
 * real /proc, plain parsers for any other root (fixtures) and for /proc/pressure. */
#include "probes/sysinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libproc2/meminfo.h>
#include <libproc2/stat.h>
#include <libproc2/vmstat.h>

#include "probes/procfile.h"
#include "probes/scan.h"

/* /proc/vmstat is about 6 KiB on 6.x kernels; /proc/stat grows with CPUs and IRQs. */
#define SYS_TEXT_CAP 65536

struct sysinfo {
    char root[256];
    bool live;                     /* root is the real /proc: use libproc2 */
    struct meminfo_info *mem;      /* created on first use */
    struct vmstat_info *vm;
    struct stat_info *st;
    struct procfile psi[3];        /* pressure/cpu, memory, io; kept open */
    bool psi_opened;
    char *buf;                     /* SYS_TEXT_CAP bytes, for the plain parsers */
};

/* ---------------- plain parsers ---------------- */

/* A key, where its number goes, and (optionally) a flag set when it was found. */
struct kv { const char *key; uint64_t *dst; bool *seen; };

/* For each line starting with one of keys, reads the number after it. Counts hits. */
static int scan_keys(const char *text, const struct kv *keys, size_t nkeys)
{
    const char *p, *end;
    int hits = 0;

    if (!text)
        return 0;
    end = text + strlen(text);
    for (p = text; p < end;) {
        const char *eol = scan_line_end(p, end);
        for (size_t i = 0; i < nkeys; i++) {
            const char *v = scan_prefix(p, eol, keys[i].key);
            if (v && v < eol && (*v == ' ' || *v == '\t') && scan_u64(&v, eol, keys[i].dst)) {
                if (keys[i].seen)
                    *keys[i].seen = true;
                hits++;
                break;
            }
        }
        p = eol < end ? eol + 1 : end;
    }
    return hits;
}

int sys_meminfo_parse(const char *text, struct sys_mem *out)
{
    struct sys_mem m = { 0 };
    bool have_total = false;
    const struct kv keys[] = {
        { "MemTotal:", &m.total, &have_total }, { "MemFree:", &m.free, NULL },
        { "MemAvailable:", &m.available, NULL }, { "Cached:", &m.cached, NULL },
        { "Dirty:", &m.dirty, NULL }, { "Writeback:", &m.writeback, NULL },
        { "AnonPages:", &m.anon, NULL }, { "Shmem:", &m.shmem, NULL },
        { "Slab:", &m.slab, NULL }, { "SwapTotal:", &m.swap_total, NULL },
        { "SwapFree:", &m.swap_free, NULL }, { "Active(file):", &m.active_file, NULL },
        { "Inactive(file):", &m.inactive_file, NULL },
    };
    scan_keys(text, keys, sizeof keys / sizeof keys[0]);
    if (!have_total)
        return -EINVAL;
    *out = m;
    return 0;
}

int sys_vmstat_parse(const char *text, struct sys_vm *out)
{
    struct sys_vm v = { 0 };
    const struct kv keys[] = {
        { "pgfault", &v.pgfault, NULL }, { "pgmajfault", &v.pgmajfault, NULL },
        { "pgpgin", &v.pgpgin, NULL }, { "pgpgout", &v.pgpgout, NULL },
        { "pswpin", &v.pswpin, NULL }, { "pswpout", &v.pswpout, NULL },
        { "nr_dirty", &v.nr_dirty, NULL }, { "nr_writeback", &v.nr_writeback, NULL },
    };
    if (scan_keys(text, keys, sizeof keys / sizeof keys[0]) == 0)
        return -EINVAL;
    *out = v;
    return 0;
}

int sys_stat_parse(const char *text, struct sys_stat *out)
{
    struct sys_stat s = { 0 };
    bool have_ctxt = false;
    const struct kv keys[] = {
        { "ctxt", &s.ctxt, &have_ctxt }, { "intr", &s.intr, NULL },
        { "processes", &s.processes, NULL }, { "procs_running", &s.procs_running, NULL },
        { "procs_blocked", &s.procs_blocked, NULL },
    };
    scan_keys(text, keys, sizeof keys / sizeof keys[0]);
    if (!have_ctxt)
        return -EINVAL;
    *out = s;
    return 0;
}

int sys_psi_parse(const char *text, double *some_avg10, double *full_avg10, bool *full_have)
{
    const char *p, *end;
    double some = 0, full = 0;
    bool have_some = false, have_full = false;

    if (!text)
        return -EINVAL;
    end = text + strlen(text);
    for (p = text; p < end;) {
        const char *eol = scan_line_end(p, end);
        const char *v;
        if ((v = scan_prefix(p, eol, "some avg10=")))
            have_some = scan_fixed(&v, eol, &some);
        else if ((v = scan_prefix(p, eol, "full avg10=")))
            have_full = scan_fixed(&v, eol, &full);
        p = eol < end ? eol + 1 : end;
    }
    if (!have_some)
        return -EINVAL;
    *some_avg10 = some;
    *full_avg10 = have_full ? full : 0;
    *full_have = have_full;
    return 0;
}

/* ---------------- the reader ---------------- */

struct sysinfo *sysinfo_new(const char *root)
{
    struct sysinfo *s;

    if (!root)
        root = "/proc";
    if (strlen(root) >= sizeof s->root) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->buf = malloc(SYS_TEXT_CAP);
    if (!s->buf) {
        free(s);
        errno = ENOMEM;
        return NULL;
    }
    strcpy(s->root, root);
    /* libproc2 reads fixed paths under /proc, so only that root can use it. */
    s->live = strcmp(root, "/proc") == 0 || strcmp(root, "/proc/") == 0;
    for (int i = 0; i < 3; i++)
        s->psi[i].fd = -1;
    return s;
}

void sysinfo_free(struct sysinfo *s)
{
    if (!s)
        return;
    if (s->mem)
        procps_meminfo_unref(&s->mem);
    if (s->vm)
        procps_vmstat_unref(&s->vm);
    if (s->st)
        procps_stat_unref(&s->st);
    for (int i = 0; i < 3; i++)
        procfile_close(&s->psi[i]);
    free(s->buf);
    free(s);
}

/* Reads ROOT/REL into s->buf. 0 or -errno. */
static int read_text(struct sysinfo *s, const char *rel)
{
    ssize_t n = procfile_read(s->root, rel, s->buf, SYS_TEXT_CAP);
    return n < 0 ? (int)n : 0;
}

int sysinfo_mem(struct sysinfo *s, struct sys_mem *out)
{
    enum meminfo_item items[] = {
        MEMINFO_MEM_TOTAL, MEMINFO_MEM_FREE, MEMINFO_MEM_AVAILABLE, MEMINFO_MEM_CACHED,
        MEMINFO_MEM_DIRTY, MEMINFO_MEM_WRITEBACK, MEMINFO_MEM_ANON, MEMINFO_MEM_SHARED,
        MEMINFO_MEM_SLAB, MEMINFO_SWAP_TOTAL, MEMINFO_SWAP_FREE, MEMINFO_MEM_ACTIVE_FILE,
        MEMINFO_MEM_INACTIVE_FILE,
    };
    struct meminfo_stack *stk;
    int rc;

    if (!s->live) {
        rc = read_text(s, "meminfo");
        return rc < 0 ? rc : sys_meminfo_parse(s->buf, out);
    }
    if (!s->mem && (rc = procps_meminfo_new(&s->mem)) < 0) {
        s->mem = NULL;
        return rc;
    }
    /* _select re-reads the file; _get would serve a copy up to a second old. */
    errno = 0;
    stk = procps_meminfo_select(s->mem, items, (int)(sizeof items / sizeof items[0]));
    if (!stk)
        return errno ? -errno : -EIO;
    /* The stack belongs to s->mem and the next call overwrites it: copy out now. */
    out->total = MEMINFO_VAL(0, ul_int, stk, s->mem);
    out->free = MEMINFO_VAL(1, ul_int, stk, s->mem);
    out->available = MEMINFO_VAL(2, ul_int, stk, s->mem);
    out->cached = MEMINFO_VAL(3, ul_int, stk, s->mem);
    out->dirty = MEMINFO_VAL(4, ul_int, stk, s->mem);
    out->writeback = MEMINFO_VAL(5, ul_int, stk, s->mem);
    out->anon = MEMINFO_VAL(6, ul_int, stk, s->mem);
    out->shmem = MEMINFO_VAL(7, ul_int, stk, s->mem);
    out->slab = MEMINFO_VAL(8, ul_int, stk, s->mem);
    out->swap_total = MEMINFO_VAL(9, ul_int, stk, s->mem);
    out->swap_free = MEMINFO_VAL(10, ul_int, stk, s->mem);
    out->active_file = MEMINFO_VAL(11, ul_int, stk, s->mem);
    out->inactive_file = MEMINFO_VAL(12, ul_int, stk, s->mem);
    return 0;
}

int sysinfo_vm(struct sysinfo *s, struct sys_vm *out)
{
    enum vmstat_item items[] = {
        VMSTAT_PGFAULT, VMSTAT_PGMAJFAULT, VMSTAT_PGPGIN, VMSTAT_PGPGOUT,
        VMSTAT_PSWPIN, VMSTAT_PSWPOUT, VMSTAT_NR_DIRTY, VMSTAT_NR_WRITEBACK,
    };
    struct vmstat_stack *stk;
    int rc;

    if (!s->live) {
        rc = read_text(s, "vmstat");
        return rc < 0 ? rc : sys_vmstat_parse(s->buf, out);
    }
    if (!s->vm && (rc = procps_vmstat_new(&s->vm)) < 0) {
        s->vm = NULL;
        return rc;
    }
    errno = 0;
    stk = procps_vmstat_select(s->vm, items, (int)(sizeof items / sizeof items[0]));
    if (!stk)
        return errno ? -errno : -EIO;
    out->pgfault = VMSTAT_VAL(0, ul_int, stk, s->vm);
    out->pgmajfault = VMSTAT_VAL(1, ul_int, stk, s->vm);
    out->pgpgin = VMSTAT_VAL(2, ul_int, stk, s->vm);
    out->pgpgout = VMSTAT_VAL(3, ul_int, stk, s->vm);
    out->pswpin = VMSTAT_VAL(4, ul_int, stk, s->vm);
    out->pswpout = VMSTAT_VAL(5, ul_int, stk, s->vm);
    out->nr_dirty = VMSTAT_VAL(6, ul_int, stk, s->vm);
    out->nr_writeback = VMSTAT_VAL(7, ul_int, stk, s->vm);
    return 0;
}

int sysinfo_stat(struct sysinfo *s, struct sys_stat *out)
{
    enum stat_item items[] = {
        STAT_SYS_CTX_SWITCHES, STAT_SYS_INTERRUPTS, STAT_SYS_PROC_CREATED,
        STAT_SYS_PROC_RUNNING, STAT_SYS_PROC_BLOCKED,
    };
    struct stat_stack *stk;
    int rc;

    if (!s->live) {
        rc = read_text(s, "stat");
        return rc < 0 ? rc : sys_stat_parse(s->buf, out);
    }
    if (!s->st && (rc = procps_stat_new(&s->st)) < 0) {
        s->st = NULL;
        return rc;
    }
    errno = 0;
    stk = procps_stat_select(s->st, items, (int)(sizeof items / sizeof items[0]));
    if (!stk)
        return errno ? -errno : -EIO;
    out->ctxt = STAT_VAL(0, ul_int, stk, s->st);
    out->intr = STAT_VAL(1, ul_int, stk, s->st);
    out->processes = STAT_VAL(2, ul_int, stk, s->st);
    out->procs_running = STAT_VAL(3, ul_int, stk, s->st);
    out->procs_blocked = STAT_VAL(4, ul_int, stk, s->st);
    return 0;
}

int sysinfo_psi(struct sysinfo *s, struct sys_psi *out)
{
    static const char *const rel[3] = { "pressure/cpu", "pressure/memory", "pressure/io" };
    struct sys_psi p = { 0 };
    char buf[512];

    if (!s->psi_opened) {
        for (int i = 0; i < 3; i++)
            procfile_open(&s->psi[i], s->root, rel[i]);
        s->psi_opened = true;
    }
    p.have = true;
    for (int i = 0; i < 3; i++) {
        ssize_t n = procfile_pread(&s->psi[i], buf, sizeof buf);
        /* Absent (no CONFIG_PSI) or switched off (psi=0: reads fail EOPNOTSUPP). */
        if (n == -ENOENT || n == -EOPNOTSUPP) {
            p.have = false;
            continue;
        }
        if (n < 0)
            return (int)n;
        if (sys_psi_parse(buf, &p.some_avg10[i], &p.full_avg10[i], &p.full_have[i]) < 0)
            return -EINVAL;
    }
    if (!p.have)
        memset(&p, 0, sizeof p);
    *out = p;
    return 0;
}
