/* fuzz_sys_stat_parse.c — libFuzzer target: sys_stat_parse on any text. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/sysinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sys_stat v;
    char *text = fuzz_text(data, size);
    int rc = sys_stat_parse(text, &v);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    free(text);
    return 0;
}
