/* fuzz_pid_io_parse.c — libFuzzer target: pid_io_parse on any text. */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "probes/pidinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pid_io io;
    char *text = fuzz_text(data, size);
    int rc = pid_io_parse(text, &io);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    free(text);
    return 0;
}
