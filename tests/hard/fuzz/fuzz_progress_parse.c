/* fuzz_progress_parse.c — libFuzzer target: progress_parse on any text. What it accepts
 * keeps the file's rules (scores within totals, valid ids), and formatting it then
 * parsing the result gives the same entries back. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "util/progress.h"

static int id_ok(const char *id)
{
    size_t n = strnlen(id, 32);

    if (n == 0 || n > 31)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", id[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct progress p, q;
    static char buf[80 * PROGRESS_MAX + 64];
    char *text = fuzz_text(data, size);
    int rc = progress_parse(text, &p);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    if (rc != 0)
        FUZZ_CHECK(p.n == 0);
    FUZZ_CHECK(p.n >= 0 && p.n <= PROGRESS_MAX);
    for (int i = 0; i < p.n; i++) {
        const struct progress_entry *e = &p.e[i];
        FUZZ_CHECK(id_ok(e->id));
        FUZZ_CHECK(e->score >= 0 && e->best >= 0 && e->total >= 0);
        FUZZ_CHECK(e->score <= e->total && e->best <= e->total);
        FUZZ_CHECK(progress_get(&p, e->id) == e);
    }
    if (rc == 0) {
        int n = progress_format(&p, buf, sizeof buf);
        FUZZ_CHECK(n >= 0);
        FUZZ_CHECK(progress_parse(buf, &q) == 0);
        FUZZ_CHECK(q.n == p.n);
        for (int i = 0; i < p.n; i++)
            FUZZ_CHECK(memcmp(&p.e[i], &q.e[i], sizeof p.e[i]) == 0 ||
                       (strcmp(p.e[i].id, q.e[i].id) == 0 && p.e[i].score == q.e[i].score &&
                        p.e[i].total == q.e[i].total && p.e[i].best == q.e[i].best &&
                        p.e[i].when == q.e[i].when));
    }
    free(text);
    return 0;
}
