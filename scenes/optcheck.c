/* optcheck.c — key=N option lists checked against their keys and ranges (optcheck.h). */
#include "scenes/optcheck.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "trials (1 to 1000), secs (3 to 30)" */
static void list_keys(const struct opt_key *keys, int n, char *buf, size_t cap)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && len < cap; i++) {
        int w = snprintf(buf + len, cap - len, "%s%s=N (%ld to %ld)", i ? ", " : "",
                         keys[i].name, keys[i].lo, keys[i].hi);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

int optcheck_ints(const char *opt, const struct opt_key *keys, int n, char *err, size_t cap)
{
    bool seen[16] = { false };
    char known[256];
    const char *p = opt ? opt : "";

    list_keys(keys, n, known, sizeof known);
    while (*p) {
        const char *name, *eq;
        size_t len;
        char *end;
        long v;
        int k;

        while (*p == ',' || *p == ' ')
            p++;
        if (!*p)
            break;
        name = p;
        while (*p && *p != ',' && *p != ' ' && *p != '=')
            p++;
        len = (size_t)(p - name);
        if (*p != '=') {
            snprintf(err, cap, "'%.*s' is not key=N; this scene takes %s", (int)len, name,
                     known);
            return -1;
        }
        eq = p;
        for (k = 0; k < n && k < 16; k++)
            if (strlen(keys[k].name) == len && strncmp(keys[k].name, name, len) == 0)
                break;
        if (k == n || k == 16) {
            snprintf(err, cap, "unknown key '%.*s'; this scene takes %s", (int)len, name, known);
            return -1;
        }
        if (seen[k]) {
            snprintf(err, cap, "%s= is given twice", keys[k].name);
            return -1;
        }
        seen[k] = true;
        errno = 0;
        v = strtol(eq + 1, &end, 10);
        if (end == eq + 1 || (*end && *end != ',' && *end != ' ') || eq[1] == ' ') {
            snprintf(err, cap, "%s= needs a whole number, got '%.*s'", keys[k].name,
                     (int)strcspn(eq + 1, ", "), eq + 1);
            return -1;
        }
        if (errno == ERANGE || v < keys[k].lo || v > keys[k].hi) {
            snprintf(err, cap, "%s=%.*s is out of range: %ld to %ld", keys[k].name,
                     (int)strcspn(eq + 1, ", "), eq + 1, keys[k].lo, keys[k].hi);
            return -1;
        }
        p = end;
    }
    return 0;
}
