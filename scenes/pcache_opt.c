/* pcache_opt.c — the page-cache lab's options (size=, dir=) and how big its file may be:
 * never more than 1/8 of MemAvailable or 1 GiB, and only with twice that free on disk. */
#include "scenes/pcache_lab.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "probes/procfile.h"
#include "util/fmt.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#define RAMFS_MAGIC_ 0x858458f6

const char *const pcache_marker[PCS_END] = {
    "open", "write", "fsync", "evict", "cold", "warm", "mmap",
};

/* "64M", "1G", "512KiB", "1048576": bytes, or 0 when it is not a size. */
static uint64_t parse_size(const char *s)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (shift && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0))
        end += strlen(end);
    if (*end || v > (ULLONG_MAX >> shift))
        return 0;
    return (uint64_t)v << shift;
}

int pcache_parse(const char *opt, struct pcache_opt *o, char *err, size_t cap)
{
    char buf[256], *save = NULL;

    memset(o, 0, sizeof *o);
    snprintf(buf, sizeof buf, "%s", opt ? opt : "");
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strncmp(tok, "size=", 5) == 0) {
            if ((o->size = parse_size(tok + 5)) == 0) {
                snprintf(err, cap, "size=%s is not a size (try size=64M)", tok + 5);
                return -EINVAL;
            }
        } else if (strncmp(tok, "dir=", 4) == 0 && tok[4]) {
            snprintf(o->dir, sizeof o->dir, "%s", tok + 4);
        } else {
            snprintf(err, cap, "unknown option \"%s\" (try size=64M or dir=/var/tmp)", tok);
            return -EINVAL;
        }
    }
    return 0;
}

int pcache_check_option(const char *opt, char *err, unsigned cap)
{
    struct pcache_opt o;
    struct stat st;

    if (pcache_parse(opt, &o, err, cap) != 0)
        return -1;
    if (o.size > PCACHE_MAX_SIZE) {
        snprintf(err, cap, "size= is at most 1G here (the lab also keeps to 1/8 of "
                 "MemAvailable)");
        return -1;
    }
    if (o.dir[0] && (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        snprintf(err, cap, "dir=%s is not a directory", o.dir);
        return -1;
    }
    return 0;
}

const char *pcache_lab_parent(const char *opt, char *buf, unsigned cap)
{
    struct pcache_opt o;
    char err[160];

    if (pcache_parse(opt, &o, err, sizeof err) != 0 || !o.dir[0])
        return NULL;
    snprintf(buf, cap, "%s", o.dir);
    return buf;
}

/* The filesystem's name from statfs's f_type (statfs cannot tell ext2, 3 and 4 apart). */
static const char *fs_name(long type, char *buf, size_t cap)
{
    static const struct { long magic; const char *name; } known[] = {
        { 0xEF53, "ext2/3/4" }, { TMPFS_MAGIC, "tmpfs" }, { 0x58465342, "xfs" },
        { (long)0x9123683E, "btrfs" }, { 0x794c7630, "overlay" }, { 0x6969, "nfs" },
        { (long)0xF2F52010, "f2fs" }, { 0x2fc12fc1, "zfs" }, { RAMFS_MAGIC_, "ramfs" },
        { 0x65735546, "fuse" }, { (long)0xFE534D42, "smb2" }, { (long)0xFF534D42, "cifs" },
        { (long)0xca451a4e, "bcachefs" }, { 0x4d44, "vfat" }, { 0x2011BAB0, "exfat" },
    };

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if ((known[i].magic & 0xffffffffL) == (type & 0xffffffffL))
            return known[i].name;
    snprintf(buf, cap, "f_type 0x%lx", type & 0xffffffffL);
    return buf;
}

/* Is the lab's private directory inside the directory the user asked for? */
static bool check_dir(struct pcache *pc, const char *want)
{
    char *abs = realpath(want, NULL);
    size_t n = abs ? strlen(abs) : 0;
    const char *mine = lab_tmpdir(pc->lab);
    bool ok = abs && strncmp(mine, abs, n) == 0 && (mine[n] == '/' || n == 1);

    pc->err_kind = "dir";
    if (!abs)
        snprintf(pc->err, sizeof pc->err, "cannot use dir=%.100s: %.60s", want, strerror(errno));
    else if (!ok)
        snprintf(pc->err, sizeof pc->err, "cannot use dir=%.100s: %.60s", want,
                 access(abs, W_OK | X_OK) != 0 ? strerror(errno) : "no private directory there");
    free(abs);
    return ok;
}

/* Reports where the file goes and what is under it. */
static void report_place(struct pcache *pc)
{
    struct statfs sf;
    char buf[32], path[300];
    long long expire;

    snprintf(path, sizeof path, "%s/%s", lab_tmpdir(pc->lab), PCACHE_FILE);
    lab_fact(pc->lab, "path", "%.190s", path);
    if (statfs(".", &sf) == 0) {
        lab_fact(pc->lab, "fs", "%s", fs_name((long)sf.f_type, buf, sizeof buf));
        lab_fact(pc->lab, "tmpfs", "%d", sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC_);
    }
    if (procfile_read("/proc", "sys/vm/dirty_expire_centisecs", buf, sizeof buf) > 0 &&
        sscanf(buf, "%lld", &expire) == 1)
        lab_fact(pc->lab, "expire", "%lld", expire);
}

/* The size to use, from the option and MemAvailable; 0 with pc->err when too little. */
static uint64_t pick(struct pcache *pc, uint64_t asked)
{
    char b1[24], mem[8192];
    struct sys_mem m;
    uint64_t cap, size;

    if (procfile_read("/proc", "meminfo", mem, sizeof mem) < 0 || sys_meminfo_parse(mem, &m) != 0) {
        snprintf(pc->err, sizeof pc->err, "cannot read MemAvailable from /proc/meminfo");
        pc->err_kind = "memory";
        return 0;
    }
    lab_fact_u64(pc->lab, "avail", m.available);
    cap = m.available * 1024 / 8;
    if (cap > PCACHE_MAX_SIZE)
        cap = PCACHE_MAX_SIZE;
    cap &= ~(uint64_t)(PCACHE_CHUNK - 1);
    lab_fact_u64(pc->lab, "cap", cap);
    if (cap < PCACHE_CHUNK) {
        snprintf(pc->err, sizeof pc->err, "MemAvailable is only %s: 1/8 of it is less than "
                 "1 MiB", fmt_kib(b1, sizeof b1, (double)m.available));
        pc->err_kind = "memory";
        return 0;
    }
    size = asked ? (asked + PCACHE_CHUNK - 1) & ~(uint64_t)(PCACHE_CHUNK - 1)
                 : PCACHE_DEFAULT_SIZE;
    if (size > cap) {
        lab_fact_u64(pc->lab, "asked", asked ? asked : size);
        size = cap;
    }
    return size;
}

/* Twice the file size must be free where it goes. */
static bool room_for(struct pcache *pc, uint64_t size)
{
    struct statvfs sv;
    char b1[24], b2[24];
    uint64_t free_b;

    if (statvfs(".", &sv) != 0) {
        snprintf(pc->err, sizeof pc->err, "statvfs failed: %s", strerror(errno));
        return false;
    }
    free_b = (uint64_t)sv.f_bavail * sv.f_frsize;
    lab_fact_u64(pc->lab, "free", free_b);
    pc->err_kind = "space";
    if (free_b / 2 < size) {
        snprintf(pc->err, sizeof pc->err, "only %s free here (statvfs), the lab wants twice "
                 "the file's %s", fmt_bytes(b1, sizeof b1, (double)free_b),
                 fmt_bytes(b2, sizeof b2, (double)size));
        return false;
    }
    return true;
}

uint64_t pcache_size(struct lab_ctx *lab, struct pcache *pc)
{
    struct pcache_opt o;
    struct rlimit rl;
    uint64_t size;

    memset(pc, 0, sizeof *pc);
    pc->lab = lab;
    pc->fd = -1;
    pc->pagesz = (uint64_t)sysconf(_SC_PAGESIZE);
    report_place(pc);
    pc->err_kind = "option";
    if (pcache_parse(lab_option(lab), &o, pc->err, sizeof pc->err) != 0)
        return 0;
    if (o.dir[0] && !check_dir(pc, o.dir))
        return 0;
    if ((size = pick(pc, o.size)) == 0 || !room_for(pc, size))
        return 0;
    /* A write past the limit then fails with EFBIG instead of killing the lab. */
    signal(SIGXFSZ, SIG_IGN);
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && (rl.rlim_max == RLIM_INFINITY ||
                                              size + PCACHE_CHUNK <= rl.rlim_max)) {
        rl.rlim_cur = size + PCACHE_CHUNK;
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    pc->size = size;
    pc->pages = size / pc->pagesz;
    lab_fact_u64(lab, "size", size);
    lab_fact_u64(lab, "pages", pc->pages);
    lab_fact_u64(lab, "pagesz", pc->pagesz);
    lab_fact_u64(lab, "cells", PCACHE_CELLS);
    return size;
}
