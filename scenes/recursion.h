/* recursion.h — the lab of the scene "recursion", whose code (a stack overflow, on purpose)
 * lives in unsafe_recursion.c so that it is built without sanitizers, and its listing. */
#ifndef OSCOPE_RECURSION_H
#define OSCOPE_RECURSION_H

#include "scenes/lab.h"
#include "scenes/scene.h"

/* Depths the lab stops at, one step each, before the recursion without an end. */
#define RECURSION_STEPS 5

/* Runs in the lab: recursive(1..5) stopping in every frame, then recursion until the stack
 * limit (SIGSEGV caught on an alternate stack), then the same depth as a loop. */
void recursion_lab(struct lab_ctx *lab);

extern const struct scene_source scene_src_unsafe_recursion;

#endif
