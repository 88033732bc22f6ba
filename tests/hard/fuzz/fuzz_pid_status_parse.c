/* fuzz_pid_status_parse.c — libFuzzer target: pid_status_parse on any text. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/pidinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pid_status st;
    char *text = fuzz_text(data, size);
    int rc;

    memset(&st, 0x5a, sizeof st);
    rc = pid_status_parse(text, &st);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    if (rc == 0 && (st.have & PIDST_HAVE_NAME))
        FUZZ_CHECK(fuzz_terminated(st.name, sizeof st.name));
    free(text);
    return 0;
}
