/* model.h — what one step of a scene looks like, as plain data: a headline, the narrative,
 * the code lines to mark, and up to MODEL_MAX_BLOCKS diagram blocks. Scenes build it,
 * tui draws it; nothing here knows about terminals. */
#ifndef OSCOPE_MODEL_H
#define OSCOPE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* How a thing is meant to look; tui maps each to colour AND a monochrome/ASCII marker. */
enum mstyle {
    MS_NORMAL = 0,
    MS_DIM,        /* context, not the point */
    MS_ACCENT,     /* the thing this step is about */
    MS_GOOD,       /* progress, success, resident page, used block */
    MS_BAD,        /* failure, corruption, fault */
    MS_WARN,       /* attention: waiting, contention */
    MS_FREED,      /* memory given back, not to be used */
    MS_DANGLING,   /* a pointer to freed memory */
    MS_STYLE_COUNT
};

/* ---- address-space map: regions in address order, variables inside, arrows ---- */
#define MAP_MAX_REGIONS 24
#define MAP_MAX_VARS 40
#define MAP_MAX_ARROWS 24
struct m_region {
    char name[32];       /* "stack", "heap", "read-only data" */
    char detail[64];     /* "rw-p  [heap]", path tail, size */
    uint64_t lo, hi;
    enum mstyle style;
    bool collapsed;      /* a run of uninteresting mappings shown as one line */
};
struct m_var {
    int region;          /* index into regions, or -1 when its address is in no region */
    char name[32];       /* "local", "arr[1]", "*p (heap int)" */
    char type[24];       /* "int", "int *", "char[6]" */
    uint64_t addr;
    unsigned size;       /* sizeof, bytes */
    char value[48];      /* as printed: "42", "0x5581...", "\"hello\"" */
    char note[48];       /* "freed", "allocator bookkeeping", "" */
    enum mstyle style;
};
struct m_arrow {
    int from;            /* var index (the pointer) */
    int to;              /* var index (the target), or -1: points at an address with no var */
    enum mstyle style;   /* MS_NORMAL or MS_DANGLING */
};
struct m_map {
    struct m_region regions[MAP_MAX_REGIONS];
    int nregions;
    struct m_var vars[MAP_MAX_VARS];
    int nvars;
    struct m_arrow arrows[MAP_MAX_ARROWS];
    int narrows;
};

/* ---- grid of cells (heap map, page residency) ---- */
#define GRID_MAX_CELLS 8192
struct m_grid {
    int ncells;
    unsigned char cell[GRID_MAX_CELLS]; /* index into legend */
    char legend[4][24];                  /* "used", "free", "mixed" */
    enum mstyle legend_style[4];
    int nlegend;
    char caption[96];                    /* "one cell = 64 KiB of [heap]" */
};

/* ---- table (thread table, key/value stats) ---- */
#define TABLE_MAX_COLS 8
#define TABLE_MAX_ROWS 32
struct m_table {
    int ncols, nrows;
    char head[TABLE_MAX_COLS][16];
    bool right[TABLE_MAX_COLS];          /* right-align numbers */
    char cell[TABLE_MAX_ROWS][TABLE_MAX_COLS][40];
    enum mstyle row_style[TABLE_MAX_ROWS];
};

/* ---- histogram / bars ---- */
#define HIST_MAX_BINS 32
struct m_hist {
    int nbins;
    char label[HIST_MAX_BINS][16];
    double value[HIST_MAX_BINS];
    enum mstyle style[HIST_MAX_BINS];
    char unit[16];
};

/* ---- preformatted text lines (graphs, reports, tracks) ---- */
#define TEXT_MAX_LINES 40
struct m_text {
    int nlines;
    char line[TEXT_MAX_LINES][160];      /* UTF-8; keep to ASCII when a block may be drawn with LANG=C, or give ascii[] */
    enum mstyle style[TEXT_MAX_LINES];
};

enum mblock_kind { MB_MAP, MB_GRID, MB_TABLE, MB_HIST, MB_TEXT };
struct m_block {
    enum mblock_kind kind;
    char title[64];
    union {
        struct m_map *map;
        struct m_grid *grid;
        struct m_table *table;
        struct m_hist *hist;
        struct m_text *text;
    } u;                                  /* owned by the block */
};

#define MODEL_MAX_BLOCKS 4
struct model {
    char headline[96];                    /* "The pointer lives on the stack" */
    char narrative[1200];                 /* plain words: what happened, why it matters */
    int ran_line;                         /* 1-based listing line just executed, 0 none */
    int next_line;                        /* 1-based listing line about to run, 0 none */
    struct m_block blocks[MODEL_MAX_BLOCKS];
    int nblocks;
};

/* Initialises an empty model. */
void model_init(struct model *m);
/* Frees the blocks the model owns (the struct itself belongs to the caller). */
void model_free(struct model *m);
/* Appends a block of the kind and returns its zeroed payload; owned by the model.
 * NULL when MODEL_MAX_BLOCKS are already used. */
struct m_map *model_add_map(struct model *m, const char *title);
struct m_grid *model_add_grid(struct model *m, const char *title);
struct m_table *model_add_table(struct model *m, const char *title);
struct m_hist *model_add_hist(struct model *m, const char *title);
struct m_text *model_add_text(struct model *m, const char *title);

/* printf into the narrative / headline (replacing) and append to the narrative. */
void model_headline(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void model_say(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Small builders; each returns the new index or -1 when full. */
int map_region(struct m_map *mp, const char *name, const char *detail, uint64_t lo,
               uint64_t hi, enum mstyle st);
int map_var(struct m_map *mp, const char *name, const char *type, uint64_t addr,
            unsigned size, const char *value, enum mstyle st);
int map_arrow(struct m_map *mp, int from, int to, enum mstyle st);
/* Places each var in the region that holds its address (region = -1 when none). */
void map_place_vars(struct m_map *mp);
int table_row(struct m_table *t, enum mstyle st, ...);   /* ncols const char * cells */
int text_line(struct m_text *t, enum mstyle st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
