/* livelock_scene.c — the scene "livelock" as registered: its steps, quiz, options and
 * limits. The lab is in livelock.c, the drawings in livelock_view.c and
 * livelock_trials.c. */
#include <stdint.h>

#include "scenes/livelock.h"
#include "scenes/optcheck.h"
#include "scenes/scene.h"

extern const struct scene_source scene_src_livelock;

const char *const ll_prefix[LL_NSTRAT] = { "fx", "db", "jt" };
const char *const ll_name[LL_NSTRAT] = { "fixed", "doubling", "jitter" };

static const struct prediction predict_doubling = {
    "Next: each doubles its wait after every bump (2, 4, 8... rounds). Will they get past?",
    { "yes: longer waits untangle them", "no: they stay in step, still stuck" },
    ll_doubling_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "meet", .title = "face to face", .build = ll_build_meet },
    { .marker = "fixed", .title = "fixed wait", .build = ll_build_fixed },
    { .marker = "doubling", .title = "doubling, no jitter", .build = ll_build_doubling,
      .predict = &predict_doubling },
    { .marker = "jitter", .title = "doubling + jitter", .build = ll_build_jitter },
    { .marker = "trials", .title = "trials", .build = ll_build_trials, .timeout_s = 30,
      .live = true },
};

static const struct quiz_question quiz[] = {
    { "During the fixed-wait run, what does /proc show for the two walker threads?",
      { "state S, CPU time frozen", "state R, CPU time climbing",
        "state D, waiting for the disk", "state Z, finished" }, 1,
      "A livelocked thread is never blocked: it spins, looks, steps aside and looks again, so "
      "the kernel keeps it runnable (R) and charges it CPU time. A deadlocked thread sleeps "
      "in the kernel (S) and costs nothing while it waits." },
    { "Doubling the wait after every bump did not help. Why?",
      { "both doubled the same way, so they stayed in step", "the window was too small",
        "the barrier slowed them down", "doubling only works with mutexes" }, 0,
      "Doubling changes how long they wait, not who moves first. Both drew the same wait, "
      "stepped aside in the same round and met again. Only a difference between them breaks "
      "the tie." },
    { "With random waits, how often did the very first step aside already solve it?",
      { "never", "about one time in ten", "about half the time", "always" }, 2,
      "The first window is 1..2 rounds: the two picks differ half the time, and then the one "
      "with the shorter wait moves first while the other still stands. Each bump doubles the "
      "window, so a tie gets ever less likely." },
    { "Which is worse for a server: a deadlock or a livelock of the same threads?",
      { "the deadlock: it burns the CPU", "neither costs anything", "they cost the same",
        "the livelock: no progress and busy cores" }, 3,
      "Both make no progress, but the livelocked threads also keep cores busy that other "
      "work could have used; the deadlocked ones only hold their locks and sleep." },
};

static int check_option(const char *opt, char *err, unsigned cap)
{
    /* the ranges the lab itself keeps to (livelock.c) */
    static const struct opt_key keys[] = { { "trials", 1, 1000 }, { "secs", 3, 30 } };

    return optcheck_ints(opt, keys, 2, err, cap);
}

static const char *const presets[] = { "trials=200", "trials=1000", "trials=50 secs=5", NULL };

static const char *default_option(void)
{
    return "trials=200";
}

const struct scene scene_livelock = {
    .id = "livelock",
    .title = "Busy, polite, and stuck",
    .summary = "two threads step aside for each other forever; random backoff lets them pass",
    .lab = livelock_lab,
    /* Threads: two walkers and a reporter. CPU: two stuck live runs of at most 30 s on
     * two threads (120 s), the jitter run (a moment), at most 1000 trials of each
     * strategy (about 45 s, most of it the doubling ones). */
    .limits = { .as_bytes = (uint64_t)1 << 30, .cpu_s = 180, .nproc_extra = 3 },
    .source = &scene_src_livelock,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_CPU, CTR_P_THREADS, CTR_P_NVCSW_RATE, CTR_P_VCSW_RATE },
    .ncounters = 4,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
    .default_option = default_option,
    .presets = presets,
    .check_option = check_option,
};
