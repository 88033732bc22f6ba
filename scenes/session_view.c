/* session_view.c — a session's steps as models: each recorded stop built by its step's
 * function, the step being run drawn live, and the live samples of the newest step. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scenes/session_priv.h"

/* Samples the lab's threads and /proc/meminfo. */
void session_take_samples(struct session *s, pid_t pid, struct samples *out)
{
    pid_t tids[STEP_MAX_TASKS];
    int n = pid > 0 ? pid_tasks(s->root, pid, tids, STEP_MAX_TASKS) : -ESRCH;

    out->ntasks = n < 0 ? n : 0;
    for (int i = 0; i < n; i++) {
        struct task_sample *t = &out->tasks[out->ntasks];
        memset(t, 0, sizeof *t);
        t->tid = tids[i];
        if (pid_stat_read(s->root, pid, tids[i], &t->st) == 0) {
            pid_status_read(s->root, pid, tids[i], &t->status);
            out->ntasks++;
        }
    }
    if (!s->sys)
        s->sys = sysinfo_new(s->root);
    out->mem_err = s->sys ? sysinfo_mem(s->sys, &out->mem) : -errno;
}

static void build(const struct session *s, int i, const struct step_view *v, struct model *m)
{
    const struct scene_step *st = &s->sc->steps[i];
    const struct src_mark *mk;

    st->build(v, m);
    mk = s->sc->source ? scene_source_mark(s->sc->source, st->marker) : NULL;
    if (mk && !v->live) {
        m->ran_line = mk->ran;
        m->next_line = mk->next;
    } else if (mk) {
        m->next_line = mk->ran; /* still running the line before the stop */
    }
}

static void view_of(const struct session *s, int i, struct step_view *v)
{
    const struct step_rec *r = &s->recs[i];

    *v = (struct step_view){
        .index = i, .facts = &r->facts, .maps = r->maps, .maps_err = r->maps_err,
        .status = &r->status, .status_err = r->status_err, .output = r->output,
        .pid = s->lab ? lab_pid(s->lab) : 0,
        .tasks = r->smp.tasks, .ntasks = r->smp.ntasks, .mem = &r->smp.mem,
        .mem_err = r->smp.mem_err, .clk_tck = (double)sysconf(_SC_CLK_TCK),
    };
}

int session_outcome(const struct session *s, int i)
{
    const struct prediction *p;
    struct step_view v;

    if (i < 0 || i >= s->nrecs || !(p = s->sc->steps[i].predict) || !p->outcome)
        return -1;
    view_of(s, i, &v);
    return p->outcome(&v);
}

bool session_build_step(const struct session *s, int i, struct model *m)
{
    struct step_view v;

    if (i < 0 || i >= s->nrecs)
        return false;
    view_of(s, i, &v);
    build(s, i, &v, m);
    return true;
}

static bool build_live_wanted(const struct session *s)
{
    int i = s->nrecs;

    return s->state == SESSION_RUNNING && i < s->sc->nsteps && s->sc->steps[i].live &&
           s->view == s->nrecs - 1 && (s->follow || s->run_to >= 0);
}

/* While the lab runs toward a live step, that step drawn from the facts so far. */
static bool build_live(const struct session *s, struct model *m)
{
    static const struct maps no_maps;
    static const struct pid_status no_status;
    struct step_view v;
    int i = s->nrecs;

    if (!build_live_wanted(s))
        return false;
    v = (struct step_view){
        .index = i, .facts = &s->cur, .maps = &no_maps, .maps_err = -EAGAIN,
        .status = &no_status, .status_err = -EAGAIN, .output = lab_output(s->lab),
        .pid = lab_pid(s->lab), .tasks = s->live.tasks, .ntasks = s->live.ntasks,
        .mem = &s->live.mem, .mem_err = s->live.mem_err,
        .clk_tck = (double)sysconf(_SC_CLK_TCK), .live = true,
    };
    build(s, i, &v, m);
    return true;
}

bool session_sample(struct session *s, double now)
{
    pid_t pid = session_lab_pid(s);

    (void)now;
    if (build_live_wanted(s)) {
        session_take_samples(s, pid, &s->live);
        return true;
    }
    /* A record shows its stop: once the lab runs on toward the next one, its threads
     * are no longer the ones the record's facts describe, so sampling pauses. */
    if (s->nrecs > 0 && s->view == s->nrecs - 1 && pid > 0 && s->state != SESSION_RUNNING) {
        struct step_rec *r = &s->recs[s->nrecs - 1];
        session_take_samples(s, pid, &r->smp);
        /* A lab's threads may go on reporting while its main thread waits at the stop:
         * the step shows their newest facts, taken at the same moment as the samples. */
        if (s->state == SESSION_STOPPED)
            r->facts = s->cur;
        return r->smp.ntasks > 1 || s->sc->steps[s->view].live;
    }
    return false;
}

void session_build(const struct session *s, struct model *m)
{
    if (build_live(s, m))
        return;
    if (session_build_step(s, s->view, m))
        return;
    if (s->state == SESSION_FAILED) {
        model_headline(m, "The lab could not reach its first step");
        model_say(m, "%s. Press r to start a fresh lab.", s->problem);
    } else {
        model_headline(m, "Starting the lab...");
        model_say(m, "oscope has forked a lab process that runs this scene's code; it stops "
                     "at the first step and reports what it sees.");
    }
}

const struct src_mark *scene_source_mark(const struct scene_source *src, const char *marker)
{
    for (int i = 0; i < src->nmarks; i++)
        if (strcmp(src->marks[i].marker, marker) == 0)
            return &src->marks[i];
    return NULL;
}
