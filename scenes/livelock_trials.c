/* livelock_trials.c — the last step of the scene "livelock": K real trials of each
 * strategy, as a table (passed, never passed, mean time to pass, CPU) and a histogram of
 * the steps aside that jitter needed. */
#include <stdio.h>
#include <string.h>

#include "scenes/livelock.h"
#include "util/fmt.h"

/* One strategy's trials: "done passed never pass_us pass_rounds all_us max_steps cpu_ms". */
struct trials {
    bool have;
    int done, passed, never, max_steps;
    double pass_us, pass_rounds, all_us, cpu_ms;
    int bins[LL_BINS];
};

static void parse_trials(const struct facts *f, int s, struct trials *t)
{
    const char *a, *h;
    char name[32];

    memset(t, 0, sizeof *t);
    snprintf(name, sizeof name, "tr.%s", ll_prefix[s]);
    a = facts_get(f, name);
    snprintf(name, sizeof name, "tr.%s.h", ll_prefix[s]);
    h = facts_get(f, name);
    t->have = a && sscanf(a, "%d %d %d %lf %lf %lf %d %lf", &t->done, &t->passed, &t->never,
                          &t->pass_us, &t->pass_rounds, &t->all_us, &t->max_steps,
                          &t->cpu_ms) == 8;
    if (h)
        sscanf(h, "%d %d %d %d %d %d", &t->bins[0], &t->bins[1], &t->bins[2], &t->bins[3],
               &t->bins[4], &t->bins[5]);
}

static void add_trial_table(struct model *m, const struct trials *tr)
{
    struct m_table *t = model_add_table(m, "trials per strategy (real runs)");
    static const char *const head[] = { "strategy", "passed", "never", "mean to pass", "CPU" };

    if (!t)
        return;
    t->ncols = 5;
    for (int c = 0; c < 5; c++) {
        snprintf(t->head[c], sizeof t->head[c], "%s", head[c]);
        t->right[c] = c >= 1;
    }
    for (int s = 0; s < LL_NSTRAT; s++) {
        char pass[24], never[24], mean[32], cpu[32];
        if (!tr[s].have) {
            table_row(t, MS_DIM, ll_name[s], "-", "-", "(not run yet)", "");
            continue;
        }
        snprintf(pass, sizeof pass, "%d/%d", tr[s].passed, tr[s].done);
        snprintf(never, sizeof never, "%d", tr[s].never);
        if (tr[s].passed)
            fmt_duration(mean, sizeof mean, tr[s].pass_us / 1e6, 1);
        else
            snprintf(mean, sizeof mean, "n/a (none)");
        fmt_duration(cpu, sizeof cpu, tr[s].cpu_ms / 1e3, 1);
        table_row(t, tr[s].passed == tr[s].done ? MS_GOOD : tr[s].passed ? MS_WARN : MS_BAD,
                  ll_name[s], pass, never, mean, cpu);
    }
}

static void add_trial_hist(struct model *m, const struct trials *jt)
{
    struct m_hist *h = model_add_hist(m, "jitter: steps aside needed (trials)");

    if (!h)
        return;
    for (int i = 0; i < LL_BINS; i++) {
        snprintf(h->label[i], sizeof h->label[0], i == LL_BINS - 1 ? "%d+" : "%d", i + 1);
        h->value[i] = jt->bins[i];
        h->style[i] = MS_GOOD;
    }
    snprintf(h->label[LL_BINS], sizeof h->label[0], "never");
    h->value[LL_BINS] = jt->never;
    h->style[LL_BINS] = MS_BAD;
    h->nbins = LL_BINS + 1;
}

void ll_build_trials(const struct step_view *v, struct model *m)
{
    struct trials tr[LL_NSTRAT];
    unsigned k = (unsigned)facts_u64_or(v->facts, "trials", 0);
    unsigned cap = (unsigned)facts_u64_or(v->facts, "cap", 64);
    char mean[32];
    int stuck = 0;

    for (int s = 0; s < LL_NSTRAT; s++)
        parse_trials(v->facts, s, &tr[s]);
    add_trial_table(m, tr);
    add_trial_hist(m, &tr[LL_JITTER]);
    for (int s = LL_FIXED; s < LL_JITTER; s++)
        stuck += tr[s].have ? tr[s].never : 0;
    if (v->live && !tr[LL_JITTER].have)
        model_headline(m, "Running %u trials of each strategy...", k);
    else if (tr[LL_JITTER].passed && !tr[LL_FIXED].passed && !tr[LL_DOUBLING].passed)
        model_headline(m, "Over %u trials each, only jitter ever got past", k);
    else
        model_headline(m, "Over %u trials each: who got past", k);
    if (tr[LL_JITTER].passed)
        fmt_duration(mean, sizeof mean, tr[LL_JITTER].pass_us / 1e6, 1);
    else
        snprintf(mean, sizeof mean, "n/a (none passed)");
    model_say(m, "Each trial runs A and B for real from face to face (a round: %u us of "
                 "spinning, two barrier waits) until they pass or give up after %u steps aside. "
                 "Fixed and doubling: %d trials never passed; in lockstep a tie cannot break. ",
              (unsigned)facts_u64_or(v->facts, "trial_us", 2), cap, stuck);
    if (tr[LL_JITTER].have)
        model_say(m, "Jitter: %d of %d passed at the first step aside; mean %s (%.1f rounds) "
                     "to pass.", tr[LL_JITTER].bins[0], tr[LL_JITTER].done, mean,
                  tr[LL_JITTER].pass_rounds);
    else
        model_say(m, "Jitter runs last.");
}
