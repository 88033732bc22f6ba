/* fuzz_sys_meminfo_parse.c — libFuzzer target: sys_meminfo_parse on any text. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/sysinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sys_mem v;
    char *text = fuzz_text(data, size);
    int rc = sys_meminfo_parse(text, &v);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    free(text);
    return 0;
}
