/* dangling.h — the lab of the scene "dangling", whose code (a use-after-free, on purpose)
 * lives in unsafe_dangling.c so that it is built without sanitizers, and its listing. */
#ifndef OSCOPE_DANGLING_H
#define OSCOPE_DANGLING_H

#include "scenes/lab.h"
#include "scenes/scene.h"

/* The name of the same code built with AddressSanitizer, looked for next to oscope, in its
 * build tree (build/rel) and in ../libexec/oscope. */
#define DANGLING_ASAN_DEMO "oscope-uaf-asan"

/* Runs in the lab: malloc, alias, free, reuse by another owner, the stale write, then the
 * AddressSanitizer build of the same code. */
void dangling_lab(struct lab_ctx *lab);

extern const struct scene_source scene_src_unsafe_dangling;

/* Steps of the scene, shared between its files: the map after the stale write, and the
 * AddressSanitizer step (dangling_asan.c). */
void dangling_final_map(const struct step_view *v, struct model *m);
void dangling_step_asan(const struct step_view *v, struct model *m);

#endif
