/* fuzz_maps_parse.c — libFuzzer target: maps_parse on any text, with and without the
 * executable's path; regions stay within the table and their strings terminated. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct maps m;
    char *text = fuzz_text(data, size);
    const char *exe = size && (data[0] & 1) ? "/usr/bin/oscope" : NULL;
    int rc = maps_parse(text, exe, &m);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    FUZZ_CHECK(m.n >= 0 && m.n <= MAPS_MAX);
    for (int i = 0; i < m.n; i++) {
        FUZZ_CHECK(fuzz_terminated(m.r[i].path, sizeof m.r[i].path));
        FUZZ_CHECK(fuzz_terminated(m.r[i].perms, sizeof m.r[i].perms));
        FUZZ_CHECK(maps_kind_name(m.r[i].kind) != NULL);
    }
    if (m.n > 0)
        maps_find(&m, m.r[0].lo);
    free(text);
    return 0;
}
