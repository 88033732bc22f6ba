/* facts.c — a small name → text store for what a lab reports. */
#include "scenes/facts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void facts_clear(struct facts *fs)
{
    fs->n = 0;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n >= FACT_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static int find(const struct facts *fs, const char *name)
{
    for (int i = 0; i < fs->n; i++)
        if (strcmp(fs->f[i].name, name) == 0)
            return i;
    return -1;
}

int facts_set(struct facts *fs, const char *name, const char *value)
{
    struct fact *f;

    if (!name_ok(name))
        return -EINVAL;
    int i = find(fs, name);
    f = i >= 0 ? &fs->f[i] : NULL;
    if (!f) {
        if (fs->n >= FACTS_MAX)
            return -ENOSPC;
        f = &fs->f[fs->n++];
        snprintf(f->name, sizeof f->name, "%s", name);
    }
    snprintf(f->value, sizeof f->value, "%s", value ? value : "");
    return 0;
}

const char *facts_get(const struct facts *fs, const char *name)
{
    int i = find(fs, name);

    return i >= 0 ? fs->f[i].value : NULL;
}

bool facts_u64(const struct facts *fs, const char *name, uint64_t *out)
{
    const char *s = facts_get(fs, name);
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-')
        return false;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool facts_i64(const struct facts *fs, const char *name, int64_t *out)
{
    const char *s = facts_get(fs, name);
    char *end;
    long long v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtoll(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool facts_double(const struct facts *fs, const char *name, double *out)
{
    const char *s = facts_get(fs, name);
    char *end;
    double v;

    if (!s || !*s)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

uint64_t facts_u64_or(const struct facts *fs, const char *name, uint64_t dflt)
{
    uint64_t v;

    return facts_u64(fs, name, &v) ? v : dflt;
}
