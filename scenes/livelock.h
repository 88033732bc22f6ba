/* livelock.h — the scene "livelock": the facts its lab reports (written in livelock.c and
 * livelock_report.c, read by the drawings in livelock_view.c and livelock_trials.c), the
 * lab function and the step builders. */
#ifndef OSCOPE_LIVELOCK_H
#define OSCOPE_LIVELOCK_H

#include "scenes/model.h"
#include "scenes/scene.h"

/* How a walker waits before stepping aside again. */
enum ll_strategy { LL_FIXED, LL_DOUBLING, LL_JITTER, LL_NSTRAT };

#define LL_TRACK 32      /* rounds in a reported track ("fx.track") */
#define LL_WAITS 8       /* last waits reported per walker ("fx.wA") */
#define LL_BINS 6        /* trial histogram: 1..5 steps aside, then 6 or more */

/* Fact prefix of each strategy's live run and trials: "fx", "db", "jt".
 * Live run facts, reported about 5 times a second while its step is on screen:
 *   P.tids   "tidA tidB tidReporter"      P.round  rounds both have looked
 *   P.tries  "stepsA stepsB"              P.track  "LLRR.../LLRR..." last rounds, A/B
 *   P.wA     "n w..." waits drawn by A: n in all, then the last ones (rounds); P.wB
 *   P.end    running | passed | time-up     P.ms  wall time of the run so far
 *   P.err    why the walkers could not start
 * Trials: tr.P "done passed never pass_us pass_rounds all_us max_steps cpu_ms",
 *         tr.P.h "c1 .. c6" trials that passed after 1..5, 6+ steps aside. */
extern const char *const ll_prefix[LL_NSTRAT];
extern const char *const ll_name[LL_NSTRAT];

/* The lab: runs in the forked lab process (livelock.c). */
void livelock_lab(struct lab_ctx *lab);

/* Step builders (pure: facts and samples in, model out). */
void ll_build_meet(const struct step_view *v, struct model *m);
void ll_build_fixed(const struct step_view *v, struct model *m);
void ll_build_doubling(const struct step_view *v, struct model *m);
void ll_build_jitter(const struct step_view *v, struct model *m);
void ll_build_trials(const struct step_view *v, struct model *m);
/* The prediction before the doubling run: 0 they got past, 1 still stuck after two
 * bumps each, -1 too early to say. */
int ll_doubling_outcome(const struct step_view *v);

#endif
