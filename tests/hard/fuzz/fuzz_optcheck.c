/* fuzz_optcheck.c — libFuzzer target: optcheck_ints (a scene's --option, typed by a user)
 * on any text. It accepts or refuses; a refusal always says why in a terminated sentence,
 * and an accepted text never names a key outside the list. */
#include "tests/hard/fuzz/fuzz.h"

#include "scenes/optcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct opt_key keys[] = { { "trials", 1, 1000 }, { "secs", 3, 30 },
                                           { "blocks", 1024, 400000 } };
    char *text = fuzz_text(data, size);
    char err[96];
    int rc;

    memset(err, 0x5a, sizeof err);
    rc = optcheck_ints(text, keys, 3, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == -1)
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
    else
        FUZZ_CHECK(strchr(text, '=') != NULL || strspn(text, ", ") == strlen(text));
    free(text);
    return 0;
}
