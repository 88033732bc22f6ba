/* maputil.h — helpers shared by scenes that draw an address-space map from /proc/PID/maps. */
#ifndef OSCOPE_MAPUTIL_H
#define OSCOPE_MAPUTIL_H

#include <stdint.h>

#include "probes/maps.h"
#include "scenes/model.h"

/* Adds the regions of maps to mp, highest address first: the program's text, read-only
 * data, data, bss, the heap and the stack always; any other mapping only when one of mp's
 * variables lies in it; runs of the rest folded into one "N other mappings" line. Call it
 * after adding the variables, then map_place_vars. */
void maputil_add_regions(struct m_map *mp, const struct maps *maps);
/* The same, but only the mappings that hold one of mp's variables are shown: a map of
 * just the stack, or just the stack and the heap. */
void maputil_add_var_regions(struct m_map *mp, const struct maps *maps);
/* The variable whose bytes hold addr (start preferred), or -1. */
int maputil_var_at(const struct m_map *mp, uint64_t addr);

#endif
