/* xalloc.h — allocation that never returns NULL: on out-of-memory it runs the hook the
 * program registered (tui restores the terminal there), prints one line and aborts. */
#ifndef OSCOPE_XALLOC_H
#define OSCOPE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Registers the function run before aborting (NULL for none). */
void xalloc_set_fatal_hook(void (*hook)(void));
/* Runs the hook (tui restores the terminal), prints "oscope: MSG" to stderr, exits 2. */
_Noreturn void xfatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
