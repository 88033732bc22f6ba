/* app.h — the interactive program: one poll() loop over keys, the lab's pipes, signals
 * and the refresh timer, switching between the menu and a scene. */
#ifndef OSCOPE_APP_H
#define OSCOPE_APP_H

#include <stdbool.h>

#include "scenes/session.h"
#include "scenes/tour.h"
#include "util/progress.h"
#include "tui/quiz.h"
#include "tui/strip.h"

struct app_opts {
    const char *scene;      /* open this scene first (NULL: the menu) */
    const char *option;     /* the scene's lab option, NULL for its default */
    const char *theme;      /* NULL: default */
    bool no_color;
    const struct tour *tour; /* a lecture tour to walk (NULL: none) */
};

enum app_screen { APP_MENU, APP_SCENE };

struct app {
    enum app_screen screen;
    bool help;                  /* the help overlay is up */
    bool quit;
    int exit_status;
    int menu_sel;
    struct session *sess;       /* the scene being walked (APP_SCENE) */
    const struct scene *scene;
    const char *option;
    struct quiz quiz;           /* the quiz after the last step */
    struct strip strip;
    int diagram_scroll;         /* -1: follow the accented item */
    bool dirty;                 /* something to draw */
    double next_sample;
    char message[256];          /* a transient line for the status bar */
    bool no_color;              /* from the command line */
    int theme;                  /* index into theme_names */
    bool focus;                 /* the diagram takes the whole screen */
    bool notes;                 /* the presenter notes pane is shown */
    bool autoplay;              /* steps advance by themselves */
    double autoplay_every;      /* seconds between steps */
    double next_auto;           /* when the next autoplay step is due */
    const struct tour *tour;    /* the tour being walked, NULL when none */
    bool touring;               /* Right/Left move through the tour's stops */
    int tour_pos;               /* the stop on screen */
    struct progress prog;       /* quiz scores per scene */
    char prog_path[512];        /* "" when there is nowhere to keep them */
    bool quiz_saved;            /* this quiz's score has been recorded */
    int predicting;             /* step whose prediction is being asked, -1 none */
    int guess[64];              /* per step: -1 not asked, -2 skipped, else the choice */
};

/* Runs until the user quits or a terminating signal arrives; returns the exit status. */
int app_run(const struct app_opts *o);

/* Opens a scene (closing any other); false when its lab could not start. */
bool app_open_scene(struct app *a, const struct scene *sc, double now);

/* Tour mode (tourmode.c). */
void tourmode_start(struct app *a, double now);
/* A key in a scene while touring; true when the tour used it. */
bool tourmode_key(struct app *a, int ch, double now);
/* Autoplay's next stop; false at the end of the tour. */
bool tourmode_next(struct app *a, double now);
/* The presenter note for the step on screen, or NULL. */
const char *app_note(const struct app *a);

/* Progress (learn.c): load at start, record a finished quiz. */
void learn_load(struct app *a);
void learn_quiz_done(struct app *a);

/* Views (sceneview.c, menu.c): draw the whole screen for the current state. */
void view_scene(struct app *a, double now);
void view_menu(struct app *a);
void view_help(const struct app *a);
void view_too_small(int rows, int cols);

#define APP_MIN_COLS 80
#define APP_MIN_ROWS 24

#endif
