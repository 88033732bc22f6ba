/* fuzz_tour_parse.c — libFuzzer target: tour_parse_mem on any bytes. A tour it accepts
 * names real steps of real scenes with terminated texts; a refusal leaves the tour empty
 * and says where ("tour:LINE: reason"). */
#include "tests/hard/fuzz/fuzz.h"

#include <errno.h>

#include "scenes/tour.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tour t;
    char err[256] = "";
    int rc;

    memset(&t, 0x5a, sizeof t);
    rc = tour_parse_mem((const char *)data, size, NULL, &t, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL);
    if (rc == 0) {
        FUZZ_CHECK(t.n >= 1 && t.n <= TOUR_MAX_STOPS);
        FUZZ_CHECK(fuzz_terminated(t.title, sizeof t.title));
        for (int i = 0; i < t.n; i++) {
            FUZZ_CHECK(t.stops[i].scene != NULL);
            FUZZ_CHECK(t.stops[i].step >= 0 && t.stops[i].step < t.stops[i].scene->nsteps);
            FUZZ_CHECK(fuzz_terminated(t.stops[i].note, sizeof t.stops[i].note));
        }
    } else {
        FUZZ_CHECK(t.n == 0);
        FUZZ_CHECK(strncmp(err, "tour", 4) == 0);
    }
    tour_free(&t);
    return 0;
}
