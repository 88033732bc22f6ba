/* export.h — a scene as plain text for handouts: every step run for real, then printed
 * with its narrative, its code (the line just run and the next one marked) and its
 * diagram drawn by the same widgets as on screen. Needs no terminal. */
#ifndef OSCOPE_EXPORT_H
#define OSCOPE_EXPORT_H

#include <stdio.h>

#include "scenes/scene.h"

/* Runs the scene's lab through every step and writes the text to out, width columns
 * wide. Returns 0, or 1 when the lab failed part way (what was recorded is still written,
 * with what went wrong), or -errno when the lab could not start. */
int export_scene(const struct scene *sc, const char *opt, int width, FILE *out);

#endif
