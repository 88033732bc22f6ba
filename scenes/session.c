/* session.c — walking a scene: the lab runs forward, every stop is recorded (facts, maps,
 * status, output), and the view moves over the records. Real code cannot be un-run, so
 * going back shows a record; going past the newest record lets the lab continue. */
#include "scenes/session_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

static void free_recs(struct session *s)
{
    for (int i = 0; i < s->nrecs; i++) {
        free(s->recs[i].maps);
        free(s->recs[i].output);
    }
    s->nrecs = 0;
}

/* Records what went wrong; the message ends with where: " (step K of N)". */
static void fail(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct session *s, const char *fmt, ...)
{
    va_list ap;
    size_t len;

    s->pending = 0;
    va_start(ap, fmt);
    vsnprintf(s->problem, sizeof s->problem, fmt, ap);
    va_end(ap);
    len = strlen(s->problem);
    snprintf(s->problem + len, sizeof s->problem - len, " at step %d of %d",
             s->nrecs + 1 > s->sc->nsteps ? s->sc->nsteps : s->nrecs + 1, s->sc->nsteps);
    s->state = SESSION_FAILED;
    s->follow = false;
    s->run_to = -1;
}

static int start_lab(struct session *s)
{
    char pbuf[256];
    const char *parent = s->sc->lab_parent ? s->sc->lab_parent(s->opt, pbuf, sizeof pbuf) : NULL;
    int err = lab_start_in(&s->lab, s->sc->lab, &s->sc->limits, s->opt, parent);

    if (err) {
        s->lab = NULL;
        snprintf(s->problem, sizeof s->problem, "could not start the lab: %s", strerror(-err));
        s->state = SESSION_FAILED;
        return err;
    }
    s->state = SESSION_RUNNING;
    s->follow = true;
    s->run_to = -1;
    s->pending = 0;
    s->run_since = -1; /* set on the first update */
    s->progress = -1;
    s->problem[0] = '\0';
    facts_clear(&s->cur);
    return 0;
}

struct session *session_open(const struct scene *sc, const char *opt, const char *proc_root,
                             int *err)
{
    struct session *s = xcalloc(1, sizeof *s);
    int e;

    s->sc = sc;
    if (!opt && sc->default_option)
        opt = sc->default_option();
    snprintf(s->opt, sizeof s->opt, "%s", opt ? opt : "");
    snprintf(s->root, sizeof s->root, "%s", proc_root ? proc_root : "/proc");
    s->recs = xcalloc((size_t)(sc->nsteps > 0 ? sc->nsteps : 1), sizeof *s->recs);
    s->view = -1;
    e = start_lab(s);
    if (e && err)
        *err = e;
    if (e) {
        free(s->recs);
        free(s);
        return NULL;
    }
    return s;
}

void session_close(struct session *s)
{
    if (!s)
        return;
    lab_destroy(s->lab);
    free_recs(s);
    free(s->recs);
    sysinfo_free(s->sys);
    free(s);
}

int session_restart(struct session *s)
{
    lab_destroy(s->lab);
    s->lab = NULL;
    free_recs(s);
    s->view = -1;
    return start_lab(s);
}

int session_pollfds(const struct session *s, int fds[2])
{
    int n = 0;

    if (!s->lab)
        return 0;
    if (lab_fd(s->lab) >= 0)
        fds[n++] = lab_fd(s->lab);
    if (lab_out_fd(s->lab) >= 0)
        fds[n++] = lab_out_fd(s->lab);
    return n;
}

static void lab_ended(struct session *s);

static void tell_continue(struct session *s, double now)
{
    if (lab_next(s->lab) != 0) {
        /* It died: say how, once it can be reaped (it is already gone or going). */
        for (int i = 0; i < 200 && !lab_try_reap(s->lab, NULL); i++) {
            struct timespec ts = { 0, 5 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        if (lab_exited(s->lab, NULL))
            lab_ended(s);
        else
            fail(s, "the lab went away");
        return;
    }
    s->state = SESSION_RUNNING;
    s->run_since = now;
    s->progress = -1;
}

/* The lab stopped at marker: record everything as it is now. */
static void record_stop(struct session *s, const char *marker, double now)
{
    const struct scene_step *want;
    struct step_rec *r;
    pid_t pid = lab_pid(s->lab);

    if (s->nrecs >= s->sc->nsteps) {
        fail(s, "the lab stopped at \"%s\" after its last step", marker);
        return;
    }
    want = &s->sc->steps[s->nrecs];
    if (strcmp(want->marker, marker) != 0) {
        fail(s, "the lab stopped at \"%s\", not at \"%s\"", marker, want->marker);
        return;
    }
    r = &s->recs[s->nrecs];
    r->facts = s->cur;
    r->maps = xcalloc(1, sizeof *r->maps);
    r->maps_err = maps_read(s->root, pid, r->maps);
    if (r->maps_err)
        r->maps->n = 0;
    r->status_err = pid_status_read(s->root, pid, 0, &r->status);
    session_take_samples(s, pid, &r->smp);
    lab_drain_output(s->lab);
    r->output = xstrdup(lab_output(s->lab));
    s->nrecs++;
    s->state = SESSION_STOPPED;
    s->progress = -1;
    if (s->follow || s->run_to >= 0)
        s->view = s->nrecs - 1;
    s->follow = false;
    /* Queued presses stop before a step that asks for a prediction; End runs through. */
    if (s->pending > 0 && s->nrecs < s->sc->nsteps && s->sc->steps[s->nrecs].predict)
        s->pending = 0;
    if ((s->run_to >= s->nrecs || s->pending > 0) && s->nrecs < s->sc->nsteps) {
        if (s->pending > 0)
            s->pending--;
        s->follow = true;
        tell_continue(s, now);
    } else {
        s->run_to = -1;
        s->pending = 0;
    }
}

/* What a dying lab said last: its "error" (or "oom") fact, else the last line it printed,
 * as ": ..." to follow its exit status; "" when it said nothing. */
static const char *last_words(struct session *s)
{
    static char buf[120];
    const char *e = facts_get(&s->cur, "error");
    const char *out;
    size_t end;

    if (!e)
        e = facts_get(&s->cur, "oom");
    if (e) {
        snprintf(buf, sizeof buf, " (%.100s)", e);
        return buf;
    }
    lab_drain_output(s->lab);
    out = lab_output(s->lab);
    end = strlen(out);
    while (end > 0 && (out[end - 1] == '\n' || out[end - 1] == ' '))
        end--;
    if (end == 0)
        return "";
    size_t start = end;
    while (start > 0 && out[start - 1] != '\n')
        start--;
    snprintf(buf, sizeof buf, " (it printed: %.*s)", (int)(end - start > 90 ? 90 : end - start),
             out + start);
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 32)
            *c = '?';
    return buf;
}

static void lab_ended(struct session *s)
{
    int status = 0;
    char why[96];

    if (!lab_try_reap(s->lab, &status))
        return;
    if (s->state == SESSION_FAILED)
        return;
    if (s->state == SESSION_DONE && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    lab_describe_status(status, why, sizeof why);
    fail(s, "%s%s", why, last_words(s));
}

bool session_update(struct session *s, double now)
{
    struct lab_event ev;
    bool changed = false;
    int r;

    if (!s->lab)
        return false;
    if (s->run_since < 0)
        s->run_since = now;
    lab_drain_output(s->lab);
    while (s->state != SESSION_FAILED && (r = lab_poll_event(s->lab, &ev)) == 1) {
        changed = true;
        switch (ev.kind) {
        case LAB_EV_FACT:
            if (facts_set(&s->cur, ev.name, ev.value) != 0)
                fail(s, "the lab reported a bad fact \"%s\"", ev.name);
            break;
        case LAB_EV_PROGRESS:
            s->progress = ev.percent;
            snprintf(s->progress_text, sizeof s->progress_text, "%s", ev.value);
            s->run_since = now; /* progress shows it is alive */
            break;
        case LAB_EV_STOP:
            record_stop(s, ev.name, now);
            break;
        case LAB_EV_DONE:
            s->state = SESSION_DONE;
            if (s->nrecs < s->sc->nsteps)
                fail(s, "the lab finished its code early");
            break;
        case LAB_EV_GARBAGE:
            fail(s, "the lab sent garbage (\"%s\")", ev.value);
            kill(-lab_pid(s->lab), SIGKILL); /* reaped below or on close */
            kill(lab_pid(s->lab), SIGKILL);
            break;
        default:
            break;
        }
    }
    if (s->state == SESSION_FAILED) {
        lab_try_reap(s->lab, NULL);
        return true;
    }
    if (lab_eof(s->lab) || lab_try_reap(s->lab, NULL)) {
        if (lab_eof(s->lab)) {
            /* The pipe closed: the lab is gone or going. Wait for it briefly. */
            for (int i = 0; i < 200 && !lab_try_reap(s->lab, NULL); i++) {
                struct timespec ts = { 0, 5 * 1000 * 1000 };
                nanosleep(&ts, NULL);
            }
        }
        if (lab_exited(s->lab, NULL)) {
            enum session_state before = s->state;
            lab_ended(s);
            changed |= s->state != before || s->state == SESSION_FAILED;
        }
    }
    if (s->state == SESSION_RUNNING && s->nrecs < s->sc->nsteps) {
        double limit = s->sc->steps[s->nrecs].timeout_s > 0 ? s->sc->steps[s->nrecs].timeout_s : 5;
        if (now - s->run_since > limit) {
            fail(s, "the lab did not answer within %.0f s and was stopped (SIGKILL)", limit);
            kill(-lab_pid(s->lab), SIGKILL);
            kill(lab_pid(s->lab), SIGKILL);
            changed = true;
        }
    }
    return changed;
}

bool session_next(struct session *s, double now)
{
    if (s->view < s->nrecs - 1) {
        s->view++;
        return true;
    }
    if (s->state == SESSION_STOPPED && s->nrecs < s->sc->nsteps) {
        s->follow = true;
        tell_continue(s, now);
        return true;
    }
    if (s->state == SESSION_RUNNING && s->nrecs + 1 + s->pending < s->sc->nsteps) {
        s->pending++; /* taken when the lab reaches its next stop */
        return true;
    }
    return false;
}

bool session_prev(struct session *s)
{
    s->follow = false;
    s->pending = 0;
    if (s->view > 0) {
        s->view--;
        return true;
    }
    return false;
}

bool session_first(struct session *s)
{
    s->follow = false;
    if (s->view > 0) {
        s->view = 0;
        return true;
    }
    return false;
}

bool session_run_to(struct session *s, int k, double now)
{
    if (k >= s->sc->nsteps)
        k = s->sc->nsteps - 1;
    if (k < s->nrecs) {
        bool changed = s->view != k;
        s->view = k;
        s->follow = false;
        return changed;
    }
    s->view = s->nrecs - 1;
    if (s->state == SESSION_FAILED || s->state == SESSION_DONE)
        return false;
    s->run_to = k;
    s->follow = true;
    if (s->state == SESSION_STOPPED)
        tell_continue(s, now);
    return true;
}

bool session_last(struct session *s, double now)
{
    return session_run_to(s, s->sc->nsteps - 1, now);
}

const struct scene *session_scene(const struct session *s) { return s->sc; }
enum session_state session_state(const struct session *s) { return s->state; }
int session_view(const struct session *s) { return s->view; }
int session_recorded(const struct session *s) { return s->nrecs; }
const char *session_problem(const struct session *s) { return s->problem; }

bool session_at_end(const struct session *s)
{
    return s->nrecs == s->sc->nsteps && s->view == s->nrecs - 1;
}

pid_t session_lab_pid(const struct session *s)
{
    if (!s->lab || lab_exited(s->lab, NULL))
        return 0;
    return lab_pid(s->lab);
}

int session_progress(const struct session *s, const char **text)
{
    if (text)
        *text = s->progress_text;
    return s->state == SESSION_RUNNING ? s->progress : -1;
}

double session_waiting(const struct session *s, double now)
{
    return s->state == SESSION_RUNNING && s->run_since >= 0 ? now - s->run_since : 0;
}

const char *session_output(const struct session *s)
{
    return s->lab ? lab_output(s->lab) : "";
}

const char *session_option(const struct session *s)
{
    return s->opt;
}

int session_set_option(struct session *s, const char *opt)
{
    snprintf(s->opt, sizeof s->opt, "%s", opt ? opt : "");
    return session_restart(s);
}

