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
#include "probes/sysinfo.h"
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

/* One thread of the lab, sampled from /proc/LAB/task/TID/{stat,status}. */
struct task_sample {
    pid_t tid;
    struct pid_stat st;          /* state, utime/stime (ticks), faults */
    struct pid_status status;    /* voluntary / involuntary context switches */
};
#define STEP_MAX_TASKS 16

/* What a step's build function gets: everything recorded when the lab stopped there.
 * On the newest step the samples (tasks, mem) are refreshed about 4 times a second while
 * it is on screen, so a thread table or a counter in the diagram stays live. */
struct step_view {
    int index;                   /* 0-based step */
    const struct facts *facts;   /* cumulative: this step's and all earlier ones */
    const struct maps *maps;     /* /proc/LAB/maps when the lab stopped (n == 0: unreadable) */
    int maps_err;                /* -errno when maps could not be read */
    const struct pid_status *status; /* /proc/LAB/status when the lab stopped */
    int status_err;
    const char *output;          /* the lab's stdout/stderr so far */
    pid_t pid;                   /* the lab's pid */
    const struct task_sample *tasks; /* the lab's threads, ascending tid */
    int ntasks;                  /* -errno when they could not be read */
    const struct sys_mem *mem;   /* /proc/meminfo */
    int mem_err;
    double clk_tck;              /* ticks per second, for utime/stime */
    bool live;                   /* built while the lab runs toward this step: maps and
                                    status are empty, facts are those reported so far */
};

/* Predict, then reveal: asked before the lab runs a step whose outcome is the lesson;
 * after the step, the real outcome is shown beside the guess. */
struct prediction {
    const char *question;
    const char *choices[4];      /* NULL-terminated when fewer than 4 */
    /* The choice that came true, read from what was recorded at the step; -1 when the
     * facts do not say (then the reveal says so instead of judging). */
    int (*outcome)(const struct step_view *v);
};

struct scene_step {
    const char *marker;          /* the lab_stop() marker this step waits for */
    const char *title;           /* short, for the status line and --export */
    /* Builds the model from what was recorded (pure: no I/O). */
    void (*build)(const struct step_view *v, struct model *m);
    double timeout_s;            /* how long the lab may take to reach it (0 = 5 s) */
    bool live;                   /* while the lab runs toward this step, draw it from the
                                    facts reported so far (long experiments) */
    const struct prediction *predict; /* ask before running this step (NULL: no) */
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
    /* Options the key o cycles through (each restarts the lab), NULL-terminated or NULL. */
    const char *const *presets;
    /* Checks an --option text before any lab runs: 0, or -1 with a sentence in err.
     * NULL: anything is passed to the lab. */
    int (*check_option)(const char *opt, char *err, unsigned cap);
    /* Where the lab's private directory goes for option opt: a directory written into buf
     * and returned, or NULL for the default ($TMPDIR or /tmp). Pure: it only reads opt.
     * NULL for scenes that do not care. */
    const char *(*lab_parent)(const char *opt, char *buf, unsigned cap);
};

/* The registry: every scene, in menu order. */
extern const struct scene *const scene_table[];
extern const int scene_count;
/* The scene with this id, or NULL. */
const struct scene *scene_find(const char *id);

#endif
