/* fuzz_tour.c — libFuzzer entry point for the tour parser: any bytes must give a tour or
 * an error, never a crash, a leak or undefined behaviour. Not part of `make check`; the
 * parser's own files are compiled here so the fuzzer sees their coverage:
 *   clang -std=c17 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined \
 *         tests/fuzz/fuzz_tour.c scenes/tour.c util/utf8.c build/rel/liboscope.a \
 *         -lncursesw -ltinfo -lproc2 -lpthread -lm -o build/fuzz_tour
 *   build/fuzz_tour -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>

#include "scenes/tour.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tour t;
    char err[256];

    if (tour_parse_mem((const char *)data, size, "fuzz", &t, err, sizeof err) == 0)
        tour_free(&t);
    return 0;
}
