/* optcheck.h — checking a scene's --option text ("trials=200,secs=5") before a lab runs,
 * so a typo is refused on the command line instead of quietly becoming a default. */
#ifndef OSCOPE_OPTCHECK_H
#define OSCOPE_OPTCHECK_H

#include <stddef.h>

struct opt_key {
    const char *name;     /* "trials" */
    long lo, hi;          /* the whole numbers it takes */
};

/* opt: key=N pairs separated by commas or spaces; every key one of keys[0..n), each at
 * most once, each N within its range. 0, or -1 with a sentence in err. */
int optcheck_ints(const char *opt, const struct opt_key *keys, int n, char *err, size_t cap);

#endif
