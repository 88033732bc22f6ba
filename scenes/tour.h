/* tour.h — a lecture tour: a plain-text file naming scenes, which of their steps to show,
 * and presenter notes per step, read into one list of stops in tour order.
 *
 * The file (UTF-8 text, at most 1 MiB, lines of at most 1024 bytes, LF or CRLF):
 *
 *     # Blank lines and lines starting with '#' are ignored.
 *     title Memory in twenty minutes
 *     scene stack-heap              # a section: the scene's id (see oscope --list)
 *     steps 1-5                     # optional; 1-based: "3", "1-5", "3-" (to the end),
 *                                   # "2,4,7", "1-3,6-"; going forward only; default all
 *     note 3 Ask the room: where do p's own 8 bytes live?
 *     note 3 Then show the map.     # notes for one step join with a space
 *     scene dangling
 *     note 5 Pause here: what will the owner read?
 *
 * Directives: `title TEXT` (at most once, at most 95 bytes), `scene ID` (starts a
 * section; a scene may come back in a later section), `steps RANGE` (at most once per
 * section), `note STEP TEXT` (the step must be among the section's steps; the notes of
 * one step at most 479 bytes together). The text of title and note runs to the end of the
 * line, '#' included; on scene and steps lines a word starting with '#' begins a comment.
 * Control characters other than TAB are refused (a TAB in a note becomes a space). A tour
 * names at least one scene and yields at most TOUR_MAX_STOPS stops. Nothing in a tour is
 * ever run or opened: it only selects steps of the built-in scenes. */
#ifndef OSCOPE_TOUR_H
#define OSCOPE_TOUR_H

#include <stddef.h>

#include "scenes/scene.h"

#define TOUR_NOTE_MAX 480
#define TOUR_TITLE_MAX 96
#define TOUR_MAX_STOPS 1000
#define TOUR_FILE_MAX (1024 * 1024)

struct tour_stop {
    const struct scene *scene;   /* from the registry */
    int step;                    /* 0-based step of that scene */
    char note[TOUR_NOTE_MAX];    /* the presenter's note for it, "" for none */
};

struct tour {
    char title[TOUR_TITLE_MAX];  /* "" when the file has no title line */
    struct tour_stop *stops;     /* in tour order, across scenes; owned, tour_free() */
    int n;
};

/* Parses a tour from text (NUL-terminated). 0, or -EINVAL with err = "FILE:LINE: reason"
 * (filename NULL: "tour") and t empty. t needs no set-up; free it with tour_free(). */
int tour_parse(const char *text, const char *filename, struct tour *t, char *err, size_t errcap);

/* The same for len bytes of any content (a NUL byte is an error at its line): the entry
 * point for fuzzing. */
int tour_parse_mem(const char *text, size_t len, const char *filename, struct tour *t,
                   char *err, size_t errcap);

/* Reads and parses the file at path (a regular file of at most 1 MiB). 0, or -errno /
 * -EFBIG / -EINVAL with err = "PATH: reason" or "PATH:LINE: reason". */
int tour_load(const char *path, struct tour *t, char *err, size_t errcap);

/* Frees the stops and empties t; safe on an empty or failed tour. */
void tour_free(struct tour *t);

#endif
