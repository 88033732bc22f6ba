/* fuzz_sys_psi_parse.c — libFuzzer target: sys_psi_parse on any text; a value it accepts
 * is a percentage, never NaN or negative. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "probes/sysinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    double some = -1, full = -1;
    bool full_have = false;
    char *text = fuzz_text(data, size);
    int rc = sys_psi_parse(text, &some, &full, &full_have);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    if (rc == 0) {
        FUZZ_CHECK(!isnan(some) && some >= 0);
        if (full_have)
            FUZZ_CHECK(!isnan(full) && full >= 0);
    }
    free(text);
    return 0;
}
