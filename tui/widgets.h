/* widgets.h — drawing the blocks of a model (map, grid, table, histogram, text) into a
 * rectangle of the screen. Each returns the rows its content needs, so the caller can
 * lay blocks out and scroll. */
#ifndef OSCOPE_WIDGETS_H
#define OSCOPE_WIDGETS_H

#include "scenes/model.h"

struct rect {
    int y, x, h, w;
};

/* Rows a block needs at width w. */
int widget_rows(const struct m_block *b, int w);
/* Draws the block's content (no border) in r, starting at content row `scroll`; returns
 * the scroll actually used (clamped; a map scrolls its accented item into view when
 * scroll < 0). */
int widget_draw(const struct m_block *b, struct rect r, int scroll);

/* The address-space map. */
int wmap_rows(const struct m_map *mp, int w);
int wmap_draw(const struct m_map *mp, struct rect r, int scroll);
/* The other kinds. */
int wblock_rows(const struct m_block *b, int w);
void wblock_draw(const struct m_block *b, struct rect r, int scroll);

#endif
