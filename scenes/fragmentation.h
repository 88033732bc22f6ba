/* fragmentation.h — what the scene "fragmentation" shares between its lab
 * (fragmentation.c), its steps (fragmentation_view.c) and its tests. */
#ifndef OSCOPE_FRAGMENTATION_H
#define OSCOPE_FRAGMENTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenes/lab.h"

#define FRAG_BLOCK 1024u         /* bytes asked for each block */
#define FRAG_DEFAULT 100000u     /* blocks, when the machine has room */
#define FRAG_MIN 1024u           /* fewer and the lesson drowns in noise */
#define FRAG_MAX 400000u         /* what scene.limits.as_bytes is sized for */
/* What one block costs the lab at its peak, in bytes: the heap chunk (1040), its pool
 * slot (1024), two pointers, and its share of the big request (256), rounded up. */
#define FRAG_PEAK_PER_BLOCK 2400u
#define FRAG_CELLS 90            /* cells of a heap or pool map */
#define FRAG_ZOOM 90             /* blocks in the close-up */

/* How many blocks the lab may use when /proc/meminfo says MemAvailable is avail_kib:
 * at most `wanted`, a multiple of 16, and at its peak never more than 1/8 of what is
 * available. 0 when even FRAG_MIN blocks would not fit. */
unsigned long frag_blocks_for(uint64_t avail_kib, unsigned long wanted);

/* The lab. */
void frag_lab_main(struct lab_ctx *lab);

/* ---- the lab's own map of its blocks (fragmentation_map.c), reported as facts ---- */
/* Records the blocks p[0..n) (all live) and reports "blocks" (n usable stride adjacent),
 * "p1" and "plast" (the addresses of p[1] and p[n-1]). Exits the lab when its arrays
 * cannot be mapped. */
void frag_note_blocks(struct lab_ctx *lab, char **p, size_t n);
/* Reports a moment as fact name (see struct frag_point); p NULL: no blocks yet. */
void frag_report_point(struct lab_ctx *lab, const char *name, char **p);
/* Reports the heap as FRAG_CELLS cells: "lo hi hexcells" (bit 1 live, 2 free). */
void frag_report_heap(struct lab_ctx *lab, const char *name, char **p);
/* Reports "zoom": FRAG_ZOOM blocks from the middle, "addr adjacent 1010...". */
void frag_report_zoom(struct lab_ctx *lab, char **p);
/* Reports the pools' region as "grid.P" (bit 1 object, 2 free slot, 4 carved) and "pool"
 * (area slots carved-bytes run), from the two pools' free lists. */
void frag_report_pools(struct lab_ctx *lab, char *area, void *temp_free, void *keep_free,
                       const char *run, size_t bytes);
/* Reports "usable": the pairs "asked:usable" of ask[0..n) and got[0..n). */
void frag_report_usable(struct lab_ctx *lab, const size_t *ask, const size_t *got, size_t n);

/* ---- shared by the step builders (fragmentation_view.c, fragmentation_scene.c) ---- */
struct facts;
struct m_grid;
struct m_table;
struct model;
struct step_view;

/* One moment as the lab measured it (fact "pt.X"): mallinfo2, /proc/self/status, [heap]
 * from /proc/self/maps, and the largest free run of its own map. */
struct frag_point {
    uint64_t inuse, free, arena;   /* mallinfo2 uordblks, fordblks, arena: bytes */
    uint64_t rss_kib, vm_kib;      /* VmRSS, VmSize */
    uint64_t heap_lo, heap_hi;     /* [heap]; 0 when there was none */
    uint64_t run;                  /* largest free run, bytes (when have_run) */
    bool have_run;
};
bool frag_point(const struct facts *f, const char *name, struct frag_point *pt);
/* Decodes a grid fact ("lo hi hexcells") into g with its legend: heap cells (used, free,
 * mixed, not ours) or pool cells (object, free slot, mixed, big buffer). */
bool frag_grid(const struct facts *f, const char *name, bool pool, struct m_grid *g,
               uint64_t *lo, uint64_t *hi);
/* "want little budget vmsize" of the big request; "address errno|-" of a malloc. */
bool frag_request(const struct facts *f, uint64_t *want, uint64_t *little, uint64_t *budget,
                  uint64_t *vm);
bool frag_result(const struct facts *f, const char *name, uint64_t *addr, char *err, size_t cap);
char *frag_bytes(char *buf, size_t cap, uint64_t bytes);
/* "n usable stride adjacent" of the lab's blocks. */
bool frag_blocks(const struct facts *f, unsigned long *n, unsigned long *usable,
                 unsigned long *stride, unsigned long *adjacent);
/* A two-column table whose heading row is the first label and value. */
struct m_table *frag_pairs(struct model *m, const char *title, const char *label,
                           const char *value);
/* When the lab could not run the experiment, says why in m and returns true. */
bool frag_skipped(const struct step_view *v, struct model *m);
/* [heap] size and VmRSS (KiB) as recorded at this stop, else as the lab measured them. */
uint64_t frag_heap_now(const struct step_view *v, const struct frag_point *pt);
uint64_t frag_rss_now(const struct step_view *v, const struct frag_point *pt);
/* Three columns: a row label, moment a, moment b (b is this stop). */
void frag_compare(struct m_table *t, const struct step_view *v, const char *h1,
                  const struct frag_point *a, unsigned long live_a, const char *h2,
                  const struct frag_point *b, unsigned long live_b);

void frag_step_alloc(const struct step_view *v, struct model *m);
void frag_step_free(const struct step_view *v, struct model *m);
void frag_step_refused(const struct step_view *v, struct model *m);
void frag_step_mmap(const struct step_view *v, struct model *m);

#endif
