/* app.c — the one loop: poll keys, the lab's pipes, the signal pipe and the sample timer;
 * draw only when something changed. */
#include "tui/app.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "scenes/lab.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "util/xalloc.h"

#define SAMPLE_PERIOD 0.25  /* seconds between counter samples */

static void close_scene(struct app *a)
{
    session_close(a->sess);
    a->sess = NULL;
    strip_free(&a->strip);
    a->quiz.active = false;
}

static void reset_guesses(struct app *a)
{
    a->predicting = -1;
    for (size_t i = 0; i < sizeof a->guess / sizeof a->guess[0]; i++)
        a->guess[i] = -1;
}

bool app_open_scene(struct app *a, const struct scene *sc, double now)
{
    int err = 0;

    close_scene(a);
    a->scene = sc;
    a->sess = session_open(sc, a->option, "/proc", &err);
    if (!a->sess) {
        snprintf(a->message, sizeof a->message, "could not start the lab of %s: %s", sc->id,
                 strerror(-err));
        a->screen = APP_MENU;
        return false;
    }
    a->screen = APP_SCENE;
    a->diagram_scroll = -1;
    reset_guesses(a);
    strip_init(&a->strip, sc->counters, sc->ncounters);
    a->next_sample = now;
    a->message[0] = '\0';
    return true;
}

static void open_scene(struct app *a, const struct scene *sc, double now)
{
    a->touring = false;
    app_open_scene(a, sc, now);
}

static void menu_key(struct app *a, int ch, double now)
{
    switch (ch) {
    case KEY_UP: case 'k':
        if (a->menu_sel > 0)
            a->menu_sel--;
        break;
    case KEY_DOWN: case 'j':
        if (a->menu_sel < scene_count - 1)
            a->menu_sel++;
        break;
    case KEY_HOME: case 'g':
        a->menu_sel = 0;
        break;
    case KEY_END: case 'G':
        a->menu_sel = scene_count - 1;
        break;
    case '\r': case '\n': case KEY_ENTER: case KEY_RIGHT: case 'l':
        if (scene_count > 0)
            open_scene(a, scene_table[a->menu_sel], now);
        break;
    default:
        if (ch >= '1' && ch <= '9' && ch - '1' < scene_count) {
            a->menu_sel = ch - '1';
            open_scene(a, scene_table[a->menu_sel], now);
        }
        return;
    }
}

/* The prediction box is up: a choice (or s to skip) lets the lab run the step. */
static bool predict_key(struct app *a, int ch, double now)
{
    const struct prediction *p = a->scene->steps[a->predicting].predict;
    int n = 0, pick = -1;

    while (n < 4 && p->choices[n])
        n++;
    if (ch >= '1' && ch <= '4')
        pick = ch - '1';
    else if (ch >= 'a' && ch <= 'd')
        pick = ch - 'a';
    if (pick >= n)
        return true;
    if (pick < 0 && ch != 's' && ch != KEY_RIGHT && ch != ' ') {
        if (ch == KEY_LEFT || ch == 27 || ch == 'h')
            a->predicting = -1;
        return ch == KEY_LEFT || ch == 27 || ch == 'h';
    }
    a->guess[a->predicting] = pick >= 0 ? pick : -2;
    a->predicting = -1;
    session_next(a->sess, now);
    a->diagram_scroll = -1;
    return true;
}

/* Before the lab runs a step that has a prediction, ask it (once per run). */
static bool wants_prediction(struct app *a)
{
    int next = session_view(a->sess) + 1;

    return next == session_recorded(a->sess) && next < a->scene->nsteps && next < 64 &&
           a->scene->steps[next].predict && a->guess[next] == -1 &&
           session_state(a->sess) == SESSION_STOPPED;
}

static void scene_key(struct app *a, int ch, double now)
{
    bool leave;

    a->message[0] = '\0';
    if (a->predicting >= 0 && predict_key(a, ch, now))
        return;
    if (a->quiz.active && quiz_key(&a->quiz, ch, &leave)) {
        if (leave)
            a->quiz.active = false;
        learn_quiz_done(a);
        return;
    }
    if (tourmode_key(a, ch, now))
        return;
    switch (ch) {
    case KEY_RIGHT: case 'l': case ' ': case 'n':
        if (wants_prediction(a)) {
            a->predicting = session_view(a->sess) + 1;
            break;
        }
        if (session_at_end(a->sess) && a->scene->nquiz > 0) {
            quiz_start(&a->quiz, a->scene);
            a->quiz_saved = false;
        }
        else if (!session_next(a->sess, now) && session_state(a->sess) == SESSION_FAILED)
            snprintf(a->message, sizeof a->message, "the lab has ended: press r to restart it");
        a->diagram_scroll = -1;
        break;
    case KEY_LEFT: case 'h': case 'p':
        session_prev(a->sess);
        a->diagram_scroll = -1;
        break;
    case KEY_HOME: case 'g':
        session_first(a->sess);
        a->diagram_scroll = -1;
        break;
    case KEY_END: case 'G':
        session_last(a->sess, now);
        a->diagram_scroll = -1;
        break;
    case KEY_UP: case 'k':
        a->diagram_scroll = a->diagram_scroll > 0 ? a->diagram_scroll - 1 : 0;
        break;
    case KEY_DOWN: case 'j':
        a->diagram_scroll = a->diagram_scroll < 0 ? 1 : a->diagram_scroll + 1;
        break;
    case KEY_PPAGE:
        a->diagram_scroll = a->diagram_scroll > 10 ? a->diagram_scroll - 10 : 0;
        break;
    case KEY_NPAGE:
        a->diagram_scroll = (a->diagram_scroll < 0 ? 0 : a->diagram_scroll) + 10;
        break;
    case 'r':
        a->quiz.active = false;
        reset_guesses(a);
        if (session_restart(a->sess) != 0)
            snprintf(a->message, sizeof a->message, "%s", session_problem(a->sess));
        strip_free(&a->strip);
        strip_init(&a->strip, a->scene->counters, a->scene->ncounters);
        a->diagram_scroll = -1;
        break;
    case 'o':
        if (a->scene->presets && a->scene->presets[0]) {
            const char *const *pr = a->scene->presets;
            const char *cur = session_option(a->sess);
            int k = 0;
            while (pr[k] && strcmp(pr[k], cur) != 0)
                k++;
            k = pr[k] && pr[k + 1] ? k + 1 : 0;
            a->quiz.active = false;
            reset_guesses(a);
            session_set_option(a->sess, pr[k]);
            snprintf(a->message, sizeof a->message, "lab restarted with %s", pr[k]);
            strip_free(&a->strip);
            strip_init(&a->strip, a->scene->counters, a->scene->ncounters);
            a->diagram_scroll = -1;
        } else {
            snprintf(a->message, sizeof a->message, "this scene has no options");
        }
        break;
    case 'm': case 27:
        close_scene(a);
        a->screen = APP_MENU;
        break;
    default:
        break;
    }
}

/* Keys for presenting, the same in every scene. True when the key was one of them. */
static bool presenter_key(struct app *a, int ch, double now)
{
    switch (ch) {
    case 'f':
        a->focus = !a->focus;
        snprintf(a->message, sizeof a->message, a->focus ? "focus: the diagram only (f again to leave)" : "focus off");
        return true;
    case 'N':
        a->notes = !a->notes;
        return true;
    case 'a':
        a->autoplay = !a->autoplay;
        a->next_auto = now + a->autoplay_every;
        snprintf(a->message, sizeof a->message, a->autoplay ? "autoplay: a step every %.1f s ([ slower, ] faster, a stops)"
                                                             : "autoplay off", a->autoplay_every);
        return true;
    case '[': case ']':
        a->autoplay_every *= ch == '[' ? 1.5 : 1 / 1.5;
        if (a->autoplay_every < 1)
            a->autoplay_every = 1;
        if (a->autoplay_every > 60)
            a->autoplay_every = 60;
        a->next_auto = now + a->autoplay_every;
        snprintf(a->message, sizeof a->message, "autoplay: a step every %.1f s", a->autoplay_every);
        return true;
    case 'T':
        a->theme = theme_names[a->theme + 1] ? a->theme + 1 : 0;
        theme_init(a->no_color, theme_ascii(), theme_names[a->theme]);
        clearok(curscr, TRUE);
        snprintf(a->message, sizeof a->message, "theme: %s", theme_names[a->theme]);
        return true;
    default:
        return false;
    }
}

/* Autoplay: the next step when it is due; predictions are skipped, the quiz ends it. */
static bool autoplay_tick(struct app *a, double now)
{
    int next;

    if (!a->autoplay || a->screen != APP_SCENE || now < a->next_auto || a->quiz.active ||
        a->predicting >= 0 || session_state(a->sess) == SESSION_RUNNING)
        return false;
    a->next_auto = now + a->autoplay_every;
    if ((!a->touring && session_at_end(a->sess)) || session_state(a->sess) == SESSION_FAILED) {
        a->autoplay = false;
        snprintf(a->message, sizeof a->message, "autoplay stopped at the last step");
        return true;
    }
    if (a->touring) {
        if (!tourmode_next(a, now)) {
            a->autoplay = false;
            snprintf(a->message, sizeof a->message, "autoplay stopped at the end of the tour");
        }
        return true;
    }
    next = session_view(a->sess) + 1;
    if (next >= 0 && next < 64 && a->guess[next] == -1)
        a->guess[next] = -2;
    session_next(a->sess, now);
    a->diagram_scroll = -1;
    return true;
}

static void handle_key(struct app *a, int ch, double now)
{
    if (ch == KEY_RESIZE || ch == ERR)
        return;
    if (ch == 12) { /* Ctrl-L */
        clearok(curscr, TRUE);
        return;
    }
    if (a->help) { /* any key closes help; q still quits */
        a->help = false;
        if (ch != 'q' && ch != KEY_F(10))
            return;
    }
    if (ch == '?' || ch == KEY_F(1)) {
        a->help = true;
        return;
    }
    if (ch == 'q' || ch == KEY_F(10)) {
        a->quit = true;
        return;
    }
    if (LINES < APP_MIN_ROWS || COLS < APP_MIN_COLS)
        return;
    if (a->screen == APP_MENU)
        menu_key(a, ch, now);
    else if (a->predicting >= 0 || a->quiz.active || !presenter_key(a, ch, now))
        scene_key(a, ch, now);
}

static void draw(struct app *a, double now)
{
    if (LINES < APP_MIN_ROWS || COLS < APP_MIN_COLS) {
        view_too_small(LINES, COLS);
    } else {
        if (a->screen == APP_MENU)
            view_menu(a);
        else
            view_scene(a, now);
        if (a->help)
            view_help(a);
    }
    refresh();
}

static int poll_timeout_ms(const struct app *a, double now)
{
    double t;

    if (a->screen != APP_SCENE)
        return 1000;
    t = a->next_sample - now;
    if (a->autoplay && a->next_auto - now < t)
        t = a->next_auto - now;
    if (t < 0)
        t = 0;
    return (int)(t * 1000) + 1;
}

static void fatal_hook(void)
{
    lab_kill_all();
    term_end();
}

int app_run(const struct app_opts *o)
{
    struct app a = { .screen = APP_MENU, .option = o->option, .no_color = o->no_color,
                     .autoplay_every = 4, .predicting = -1, .tour = o->tour };
    char err[256];
    int sigfd = term_signal_fd();
    int fatal_sig = 0;

    if (!term_start(err, sizeof err)) {
        fprintf(stderr, "oscope: %s\n", err);
        return 2;
    }
    xalloc_set_fatal_hook(fatal_hook);
    lab_sweep();
    theme_init(o->no_color, !term_utf8(), o->theme);
    for (int i = 0; o->theme && theme_names[i]; i++)
        if (strcmp(theme_names[i], o->theme) == 0)
            a.theme = i;
    learn_load(&a);
    if (a.tour)
        tourmode_start(&a, term_now());
    else if (o->scene)
        open_scene(&a, scene_find(o->scene), term_now());
    a.dirty = true;

    while (!a.quit) {
        struct pollfd pf[4];
        int nfd = 0, lab_fds[2], nlab = 0, ch;
        double now = term_now();

        if (a.dirty) {
            draw(&a, now);
            a.dirty = false;
        }
        pf[nfd++] = (struct pollfd){ .fd = 0, .events = POLLIN };
        pf[nfd++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
        if (a.sess)
            nlab = session_pollfds(a.sess, lab_fds);
        for (int i = 0; i < nlab; i++)
            pf[nfd++] = (struct pollfd){ .fd = lab_fds[i], .events = POLLIN };
        if (poll(pf, (nfds_t)nfd, poll_timeout_ms(&a, now)) < 0 && errno != EINTR)
            break;
        now = term_now();
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            fatal_sig = SIGHUP; /* the terminal went away */
            break;
        }
        if ((fatal_sig = term_read_signals(NULL)) != 0)
            break;
        /* Keys (and KEY_RESIZE, which ncurses makes from SIGWINCH). */
        while ((ch = getch()) != ERR) {
            handle_key(&a, ch, now);
            a.dirty = true;
        }
        if (a.sess && session_update(a.sess, now))
            a.dirty = true;
        if (autoplay_tick(&a, now))
            a.dirty = true;
        if (a.sess && now >= a.next_sample) {
            if (strip_sample(&a.strip, session_lab_pid(a.sess), now))
                a.dirty = true;
            if (session_sample(a.sess, now))
                a.dirty = true;
            if (session_state(a.sess) == SESSION_RUNNING)
                a.dirty = true; /* the waiting time on the status line moves */
            a.next_sample = now + SAMPLE_PERIOD;
        }
    }
    close_scene(&a);
    term_end();
    if (fatal_sig) {
        fprintf(stderr, "oscope: stopped by %s; every lab was stopped and removed\n",
                sigabbrev_np(fatal_sig) ? sigabbrev_np(fatal_sig) : "a signal");
        return 128 + fatal_sig;
    }
    return a.exit_status;
}
