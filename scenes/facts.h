/* facts.h — the named values a lab reports (addresses, values, timings), as text with a
 * numeric reading when they are numbers. A step keeps its own copy. */
#ifndef OSCOPE_FACTS_H
#define OSCOPE_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#define FACT_NAME_MAX 32
#define FACT_VALUE_MAX 200
#define FACTS_MAX 96

struct fact {
    char name[FACT_NAME_MAX];
    char value[FACT_VALUE_MAX];
};
struct facts {
    struct fact f[FACTS_MAX];
    int n;
};

void facts_clear(struct facts *fs);
/* Sets name to value (replacing an earlier value). -ENOSPC when full, -EINVAL for a bad name. */
int facts_set(struct facts *fs, const char *name, const char *value);
/* The value's text, or NULL when the lab did not report it. */
const char *facts_get(const struct facts *fs, const char *name);
/* Numeric readings: accept decimal, 0x-hex, and floating point for _double. */
bool facts_u64(const struct facts *fs, const char *name, uint64_t *out);
bool facts_i64(const struct facts *fs, const char *name, int64_t *out);
bool facts_double(const struct facts *fs, const char *name, double *out);
/* Convenience with a default when absent or not a number. */
uint64_t facts_u64_or(const struct facts *fs, const char *name, uint64_t dflt);

#endif
