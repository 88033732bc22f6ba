/* fmt.h — numbers for people: sizes, rates and durations with their units. */
#ifndef OSCOPE_FMT_H
#define OSCOPE_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "12.0 KiB", "3.4 MiB", "1.20 GiB". Returns buf. */
char *fmt_bytes(char *buf, size_t cap, double bytes);
/* The same with KiB as input (what /proc/meminfo uses). */
char *fmt_kib(char *buf, size_t cap, double kib);
/* "950 ns", "12.3 µs"/"12.3 us" (ascii), "4.1 ms", "2.35 s". */
char *fmt_duration(char *buf, size_t cap, double seconds, int ascii);
/* "1,234,567": thousands separators for counts. */
char *fmt_count(char *buf, size_t cap, uint64_t n);

#endif
