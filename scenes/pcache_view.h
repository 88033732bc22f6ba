/* pcache_view.h — the page-cache scene's steps: recorded facts in, model out (pure). */
#ifndef OSCOPE_PCACHE_VIEW_H
#define OSCOPE_PCACHE_VIEW_H

#include "scenes/scene.h"

void pcache_view_open(const struct step_view *v, struct model *m);
void pcache_view_write(const struct step_view *v, struct model *m);
void pcache_view_fsync(const struct step_view *v, struct model *m);
void pcache_view_evict(const struct step_view *v, struct model *m);
void pcache_view_cold(const struct step_view *v, struct model *m);
void pcache_view_warm(const struct step_view *v, struct model *m);
void pcache_view_mmap(const struct step_view *v, struct model *m);
/* For the prediction before the warm read: 0 about as fast as the cold read, 1 at least
 * 1.5x faster, 2 slower; -1 when the times are missing. */
int pcache_warm_outcome(const struct step_view *v);

/* Shared by the step files: the residency grid, the text block with the file's path,
 * and the failure model. pcache_view_failed returns true when it built the step. */
void pcache_view_grid(const struct step_view *v, struct model *m);
struct m_text *pcache_view_text(const struct step_view *v, struct model *m, const char *title);
bool pcache_view_failed(const struct step_view *v, struct model *m);
/* A fact's text, or "n/a" when the lab did not report it. */
const char *pcache_fact(const struct step_view *v, const char *name);
/* "1,234" or "n/a" for a numeric fact. Returns buf. */
char *pcache_count(const struct step_view *v, const char *name, char *buf, size_t cap);
/* A fact in nanoseconds as a duration ("412 ms"), or "n/a". Returns buf. */
char *pcache_duration(const struct step_view *v, const char *name, char *buf, size_t cap);
/* MiB/s for the file's size over the nanoseconds in fact ns; < 0 when unknown. */
double pcache_rate(const struct step_view *v, const char *ns);
bool pcache_tmpfs(const struct step_view *v);
/* "written so far: 12.0 MiB of 256.0 MiB" from the bytes-done fact of a live step. */
void pcache_progress_line(const struct step_view *v, struct m_text *t, const char *what,
                          const char *fact);
/* "read() 256.0 MiB in 131 ms = 1,954 MiB/s" from the nanoseconds in fact ns. */
void pcache_speed_line(const struct step_view *v, struct m_text *t, const char *call,
                       const char *ns);

#endif
