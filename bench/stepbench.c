/* stepbench.c — key to updated screen for every step of every scene `oscope --list`
 * prints, at 80x24: Right is sent and the time runs until the title shows the next step
 * and the frame that carries it is written. A step that runs an experiment needs only
 * its first feedback to be quick. Prints a Markdown table (bench/run.sh puts it into
 * bench/README.md) and each step's times on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "scenes/scene.h"

/* The step number k in "step k/N" on the title row, or 0; N into *n. */
static int step_on_screen(struct pr *p, int *n)
{
    char buf[1024];
    const char *s;
    int k = 0, total = 0;

    pr_row(p, 0, buf, sizeof buf);
    s = strstr(buf, "step ");
    if (!s || sscanf(s, "step %d/%d", &k, &total) != 2)
        return 0;
    if (n)
        *n = total;
    return k;
}

/* Sends Right and pumps until the title says step `want` (or a prediction box asks):
 * key to first output, and key to the last byte of the burst that shows it. */
struct latency {
    double first, settled;  /* seconds from the key; negative: never */
    bool predict;           /* a prediction box came up instead of the step */
};

static struct latency press_right(struct pr *p, int want, double timeout_s, bool may_ask)
{
    struct latency l = { -1, -1, false };
    uint64_t b0 = pr_bytes(p);
    double t0 = pr_now(), give_up = t0 + timeout_s;

    pr_key(p, VTERM_KEY_RIGHT);
    while (pr_now() < give_up) {
        pr_pump(&p, 1, 5);
        if (l.first < 0 && pr_bytes(p) > b0)
            l.first = pr_last_output(p) - t0;
        if (step_on_screen(p, NULL) == want || (may_ask && pr_find(p, "predict, then see"))) {
            l.predict = step_on_screen(p, NULL) != want;
            l.settled = pr_settle(p, 8, 2000) - t0;   /* the rest of that frame */
            break;
        }
    }
    return l;
}

struct step_stats {
    double lat[64];         /* key to settled, steps that run no experiment */
    int n;
    double exp_first_max, exp_run_max;
    int nexp, failures;
    double slowest;         /* the slowest step that runs no experiment */
    int slowest_step;
};

static bool is_experiment(const struct scene *sc, int i)
{
    return sc && i < sc->nsteps && (sc->steps[i].timeout_s > 5 || sc->steps[i].live);
}

static void walk_scene(const char *id, struct step_stats *st)
{
    const char *argv[] = { bench_bin(), id, NULL };
    const struct scene *sc = scene_find(id);
    struct pr *p = bench_spawn(24, 80, argv);
    int total = 0;

    memset(st, 0, sizeof *st);
    if (!pr_wait_text(p, "step 1/", 20000)) {
        st->failures++;
        bench_quit(p);
        return;
    }
    pr_settle(p, 100, 2000);
    step_on_screen(p, &total);
    for (int k = 2; k <= total && k <= 64; k++) {
        double limit = sc && sc->steps[k - 1].timeout_s > 0 ? sc->steps[k - 1].timeout_s + 5 : 10;
        bool exp = is_experiment(sc, k - 1);
        struct latency l = press_right(p, k, limit, true);

        if (l.predict) {        /* the box is a screen of its own: then skip to run the step */
            if (st->n < 64)
                st->lat[st->n++] = l.settled;
            l = press_right(p, k, limit, false);
        }
        if (l.settled < 0 || step_on_screen(p, NULL) != k) {
            fprintf(stderr, "tuibench: %s: step %d never came\n", id, k);
            st->failures++;
            break;
        }
        fprintf(stderr, "tuibench:   %s step %d: first output %.1f ms, settled %.1f ms%s\n", id, k,
                l.first * 1000, l.settled * 1000, exp ? " (experiment)" : "");
        /* An experiment (so marked, or running long with the lab's status shown at
         * once): only its first feedback must be quick. */
        if (exp || (l.settled > 0.1 && l.first >= 0 && l.first <= 0.016)) {
            st->nexp++;
            if (l.first > st->exp_first_max)
                st->exp_first_max = l.first;
            if (l.settled > st->exp_run_max)
                st->exp_run_max = l.settled;
        } else if (st->n < 64) {
            if (l.settled > st->slowest)
                st->slowest = l.settled, st->slowest_step = k;
            st->lat[st->n++] = l.settled;
        }
    }
    bench_quit(p);
}

int main(void)
{
    char ids[BENCH_MAX_SCENES][32];
    int nsc = bench_scene_ids(ids, BENCH_MAX_SCENES);

    bench_init();
    printf("| scene | steps timed | max key to screen | median | experiment steps: first "
           "feedback max / run max | verdict |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < nsc; i++) {
        struct step_stats st;
        double mx = 0, tmp[64], med;
        char exp[96], verdict[160];

        fprintf(stderr, "tuibench: steps of %s\n", ids[i]);
        walk_scene(ids[i], &st);
        for (int k = 0; k < st.n; k++)
            mx = st.lat[k] > mx ? st.lat[k] : mx;
        memcpy(tmp, st.lat, sizeof tmp);
        med = bench_median(tmp, st.n);
        if (st.nexp)
            snprintf(exp, sizeof exp, "%d: %.1f ms / %.2f s", st.nexp, st.exp_first_max * 1000,
                     st.exp_run_max);
        else
            snprintf(exp, sizeof exp, "none");
        if (st.failures)
            snprintf(verdict, sizeof verdict, "GAP: the walk stopped (see the log)");
        else if (mx <= 0.016 && (!st.nexp || st.exp_first_max <= 0.016))
            snprintf(verdict, sizeof verdict, "PASS (target: <= 16 ms)");
        else
            snprintf(verdict, sizeof verdict, "GAP (target: <= 16 ms; slowest: step %d)",
                     st.slowest_step);
        printf("| `%s` | %d | %.1f ms | %.1f ms | %s | %s |\n", ids[i], st.n, mx * 1000,
               med < 0 ? 0 : med * 1000, exp, verdict);
    }
    bench_done();
    return 0;
}
