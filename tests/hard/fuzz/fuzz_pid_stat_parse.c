/* fuzz_pid_stat_parse.c — libFuzzer target: pid_stat_parse on any text (names with
 * spaces and parentheses, short lines, huge numbers). */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/pidinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pid_stat st;
    char *text = fuzz_text(data, size);
    int rc;

    memset(&st, 0x5a, sizeof st);
    rc = pid_stat_parse(text, &st);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    if (rc == 0)
        FUZZ_CHECK(fuzz_terminated(st.comm, sizeof st.comm));
    free(text);
    return 0;
}
