/* scene.h — a scene as one const struct: id, title, summary, the lab code, its steps (each
 * a stop of the lab and a function from what was recorded to a model), the counters of
 * its live strip, and its quiz. scenes/registry.c lists them all. */
#ifndef OSCOPE_SCENE_H
#define OSCOPE_SCENE_H

#include <stdbool.h>
#include <sys/types.h>

#include "probes/counters.h"
#include "probes/maps.h"
#include "probes/pidinfo.h"
#include "scenes/facts.h"
#include "scenes/lab.h"
#include "scenes/model.h"

/* The lab's source as shown in the code pane, extracted at build time from the scene's
 * file (between LAB-BEGIN and LAB-END comments; lines that only talk to oscope, lab_*(),
 * are left out), with where each lab_stop() falls. Generated: build/gen/NAME_src.c. */
struct src_mark {
    const char *marker;  /* the lab_stop() marker */
    int ran;             /* 1-based listing line just before the stop (0 none) */
    int next;            /* 1-based listing line just after the stop (0 none) */
};
struct scene_source {
    const char *file;            /* "scenes/stack_heap.c" */
    const char *const *lines;
    int nlines;
    const struct src_mark *marks;
    int nmarks;
};
/* The mark for a marker, or NULL. */
const struct src_mark *scene_source_mark(const struct scene_source *src, const char *marker);

/* What a step's build function gets: everything recorded when the lab stopped there. */
struct step_view {
    int index;                   /* 0-based step */
    const struct facts *facts;   /* cumulative: this step's and all earlier ones */
    const struct maps *maps;     /* /proc/LAB/maps when the lab stopped (n == 0: unreadable) */
    int maps_err;                /* -errno when maps could not be read */
    const struct pid_status *status; /* /proc/LAB/status when the lab stopped */
    int status_err;
    const char *output;          /* the lab's stdout/stderr so far */
    pid_t pid;                   /* the lab's pid */
};

struct scene_step {
    const char *marker;          /* the lab_stop() marker this step waits for */
    const char *title;           /* short, for the status line and --export */
    /* Builds the model from what was recorded (pure: no I/O). */
    void (*build)(const struct step_view *v, struct model *m);
    double timeout_s;            /* how long the lab may take to reach it (0 = 5 s) */
};

struct quiz_question {
    const char *question;
    const char *choices[4];      /* NULL-terminated when fewer than 4 */
    int answer;                  /* index of the right choice */
    const char *why;             /* the explanation shown after answering */
};

#define SCENE_MAX_COUNTERS 8
struct scene {
    const char *id;              /* "stack-heap" */
    const char *title;
    const char *summary;         /* one line */
    lab_fn lab;
    struct lab_limits limits;
    const struct scene_source *source;
    const struct scene_step *steps;
    int nsteps;
    enum counter_id counters[SCENE_MAX_COUNTERS];
    int ncounters;
    const struct quiz_question *quiz;
    int nquiz;
    /* Option string default for the lab (may be computed; NULL for none). Returns a
     * static buffer. */
    const char *(*default_option)(void);
};

/* The registry: every scene, in menu order. */
extern const struct scene *const scene_table[];
extern const int scene_count;
/* The scene with this id, or NULL. */
const struct scene *scene_find(const char *id);

#endif
