/* maps.c — /proc/PID/maps lines into regions, and each region named for a learner. */
#include "probes/maps.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/procfile.h"
#include "probes/scan.h"

/* Room for MAPS_MAX lines with long paths; a bigger file is cut at a line boundary. */
#define MAPS_READ_CAP (256u * 1024u)

/* Parses one line [p, end) into r; the whole path text is returned in path/path_len so the
 * executable's path can be compared before r->path truncates it. */
static int parse_line(const char *p, const char *end, struct maps_region *r,
                      const char **path, size_t *path_len)
{
    uint64_t dev;
    size_t n;

    memset(r, 0, sizeof *r);
    if (!scan_hex64(&p, end, &r->lo) || p == end || *p++ != '-')
        return -EINVAL;
    if (!scan_hex64(&p, end, &r->hi) || r->hi <= r->lo)
        return -EINVAL;
    if (end - p < 6 || *p++ != ' ')
        return -EINVAL;
    for (int i = 0; i < 4; i++, p++) {
        static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };
        if (*p != allowed[i][0] && *p != allowed[i][1])
            return -EINVAL;
        r->perms[i] = *p;
    }
    r->perms[4] = '\0';
    if (p == end || *p++ != ' ' || !scan_hex64(&p, end, &r->offset))
        return -EINVAL;
    /* Device "fe:00" (major:minor in hex); its value is not kept. */
    if (p == end || *p++ != ' ' || !scan_hex64(&p, end, &dev))
        return -EINVAL;
    if (p == end || *p++ != ':' || !scan_hex64(&p, end, &dev))
        return -EINVAL;
    if (p == end || *p != ' ' || !scan_u64(&p, end, &r->inode))
        return -EINVAL;
    if (p < end && *p != ' ')
        return -EINVAL;
    /* The kernel pads to a column; the path is the rest of the line, spaces included. */
    p = scan_blanks(p, end);
    *path = p;
    *path_len = (size_t)(end - p);
    n = *path_len < sizeof r->path - 1 ? *path_len : sizeof r->path - 1;
    memcpy(r->path, p, n);
    r->path[n] = '\0';
    return 0;
}

static bool is_file(const struct maps_region *r)
{
    return r->path[0] == '/';
}

/* Everything but the executable's own regions and the bss after them. */
static enum maps_kind classify_other(const struct maps_region *r)
{
    const char *p = r->path;

    if (strcmp(p, "[heap]") == 0)
        return MAPS_HEAP;
    if (strcmp(p, "[stack]") == 0)
        return MAPS_STACK;
    if (strcmp(p, "[vdso]") == 0 || strncmp(p, "[vvar", 5) == 0 ||
        strcmp(p, "[vsyscall]") == 0)
        return MAPS_VDSO;
    if (strcmp(r->perms, "---p") == 0)
        return MAPS_GUARD;
    if (is_file(r))
        return strstr(p, ".so") ? MAPS_LIB : MAPS_FILE;
    if (p[0] == '\0' || strncmp(p, "[anon", 5) == 0 || strncmp(p, "[stack:", 7) == 0)
        return MAPS_ANON;
    return MAPS_OTHER;
}

/* The executable's regions by permission: header, text, rodata, data. */
static enum maps_kind classify_exe(const struct maps_region *r, bool *seen_text)
{
    if (strcmp(r->perms, "---p") == 0)
        return MAPS_GUARD;
    if (r->perms[2] == 'x') {
        *seen_text = true;
        return MAPS_TEXT;
    }
    if (r->perms[1] == 'w')
        return MAPS_DATA;
    return *seen_text ? MAPS_RODATA : MAPS_EXE_HEADER;
}

/* A second read-only mapping of the executable that ends where its data begins is the
 * RELRO part: written by the loader, then protected. */
static void mark_relro(struct maps *out, const struct maps_region *r)
{
    struct maps_region *prev;
    int rodata = 0;

    if (r->kind != MAPS_DATA || out->n < 2)
        return;
    prev = &out->r[out->n - 1];
    if (prev->kind != MAPS_RODATA || prev->hi != r->lo || strcmp(prev->path, r->path) != 0)
        return;
    for (int i = 0; i < out->n; i++)
        if (out->r[i].kind == MAPS_RODATA && strcmp(out->r[i].path, r->path) == 0)
            rodata++;
    if (rodata >= 2)
        prev->kind = MAPS_RELRO;
}

int maps_parse(const char *text, const char *exe, struct maps *out)
{
    const char *p, *end;
    const char *path;
    size_t path_len, exe_len = 0;
    char first_file[sizeof out->r[0].path];
    bool seen_text = false;
    int rc = 0;

    out->n = 0;
    out->truncated = false;
    if (!text)
        return -EINVAL;
    if (exe && exe[0])
        exe_len = strlen(exe);
    first_file[0] = '\0';
    p = text;
    end = text + strlen(text);
    while (p < end) {
        const char *eol = scan_line_end(p, end);
        struct maps_region *r;
        bool mine;

        if (eol == p) { /* blank line */
            p++;
            continue;
        }
        if (out->n == MAPS_MAX) {
            out->truncated = true;
            break;
        }
        r = &out->r[out->n];
        rc = parse_line(p, eol, r, &path, &path_len);
        if (rc < 0)
            break;
        if (exe_len == 0 && !first_file[0] && is_file(r))
            memcpy(first_file, r->path, sizeof first_file);
        if (exe_len)
            mine = path_len == exe_len && memcmp(path, exe, exe_len) == 0;
        else
            mine = first_file[0] && strcmp(r->path, first_file) == 0;
        if (mine) {
            r->kind = classify_exe(r, &seen_text);
            mark_relro(out, r);
        } else if (out->n > 0 && r->path[0] == '\0' && strcmp(r->perms, "rw-p") == 0 &&
                   (out->r[out->n - 1].kind == MAPS_DATA) && out->r[out->n - 1].hi == r->lo) {
            r->kind = MAPS_BSS;
        } else {
            r->kind = classify_other(r);
        }
        out->n++;
        p = eol < end ? eol + 1 : end;
    }
    return rc;
}

int maps_read(const char *root, pid_t pid, struct maps *out)
{
    char rel[64], path[512], exe[PATH_MAX];
    char *buf, *cut;
    ssize_t n, len;
    int rc;

    out->n = 0;
    out->truncated = false;
    /* Unreadable (another user's process): maps_parse falls back to the first file. */
    snprintf(path, sizeof path, "%s/%d/exe", root ? root : "/proc", (int)pid);
    len = readlink(path, exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    buf = malloc(MAPS_READ_CAP);
    if (!buf)
        return -ENOMEM;
    snprintf(rel, sizeof rel, "%d/maps", (int)pid);
    n = procfile_read(root, rel, buf, MAPS_READ_CAP);
    if (n < 0) {
        free(buf);
        return (int)n;
    }
    /* A full buffer means the file went on: keep whole lines only. */
    cut = (size_t)n == MAPS_READ_CAP - 1 ? strrchr(buf, '\n') : NULL;
    if (cut)
        cut[1] = '\0';
    rc = maps_parse(buf, exe[0] ? exe : NULL, out);
    if (cut)
        out->truncated = true;
    free(buf);
    return rc;
}

int maps_find(const struct maps *m, uint64_t addr)
{
    /* A linear scan: at most MAPS_MAX regions, and correct even for unsorted input. */
    for (int i = 0; i < m->n && i < MAPS_MAX; i++)
        if (addr >= m->r[i].lo && addr < m->r[i].hi)
            return i;
    return -1;
}

const char *maps_kind_name(enum maps_kind k)
{
    static const char *const names[] = {
        [MAPS_OTHER] = "other",
        [MAPS_EXE_HEADER] = "ELF header",
        [MAPS_TEXT] = "text (code)",
        [MAPS_RODATA] = "read-only data",
        [MAPS_DATA] = "data",
        [MAPS_BSS] = "bss",
        [MAPS_HEAP] = "heap",
        [MAPS_ANON] = "mmap (anonymous)",
        [MAPS_LIB] = "shared library",
        [MAPS_FILE] = "file mapping",
        [MAPS_STACK] = "stack",
        [MAPS_VDSO] = "kernel-provided",
        [MAPS_GUARD] = "guard",
        [MAPS_RELRO] = "RELRO (read-only after loading)",
    };
    if ((unsigned)k >= sizeof names / sizeof names[0] || !names[k])
        return "other";
    return names[k];
}
