/* recursion.c — the scene "recursion": every call is an allocation. The steps draw the
 * frames the lab (scenes/unsafe_recursion.c) reports on its real stack, the overflow when
 * the stack may grow no more, and the same depth run as a loop. */
#include <stdio.h>
#include <string.h>

#include "scenes/maputil.h"
#include "scenes/recursion.h"
#include "scenes/scene.h"
#include "util/fmt.h"

/* One frame of recursive(), as the lab reported it. */
struct frame {
    uint64_t at;         /* __builtin_frame_address(0) */
    uint64_t n_at, data_at;
    char n[16];
};

static const char *fact(const struct facts *f, const char *name)
{
    const char *s = facts_get(f, name);

    return s ? s : "?";
}

static uint64_t depth_fact(const struct facts *f, int d, const char *what)
{
    char name[FACT_NAME_MAX];

    snprintf(name, sizeof name, "d%d.%s", d, what);
    return facts_u64_or(f, name, 0);
}

/* The frames reported so far, depth 1 first; returns how many. */
static int read_frames(const struct facts *f, struct frame *fr)
{
    int k = 0;

    while (k < RECURSION_STEPS && depth_fact(f, k + 1, "frame")) {
        char name[FACT_NAME_MAX];
        fr[k].at = depth_fact(f, k + 1, "frame");
        fr[k].n_at = depth_fact(f, k + 1, "n.addr");
        fr[k].data_at = depth_fact(f, k + 1, "data.addr");
        snprintf(name, sizeof name, "d%d.n", k + 1);
        snprintf(fr[k].n, sizeof fr[k].n, "%s", fact(f, name));
        k++;
    }
    return k;
}

/* Bytes from one frame to the next: what one call of recursive() takes. 0 when unknown. */
static uint64_t frame_bytes(const struct facts *f)
{
    uint64_t a = depth_fact(f, 1, "frame"), b = depth_fact(f, 2, "frame");

    return a > b && b ? a - b : 0;
}

/* "136 kB" from /proc/LAB/status, or why not. */
static void vmstk_text(const struct step_view *v, char *buf, size_t cap)
{
    if (v->status_err == 0 && (v->status->have & PIDST_HAVE_VMSTK))
        snprintf(buf, cap, "%llu kB", (unsigned long long)v->status->vm_stk_kib);
    else
        snprintf(buf, cap, "n/a (%s)", v->live ? "lab running" : "status unreadable");
}

static struct m_map *stack_map(struct model *m)
{
    return model_add_map(m, "the lab's stack (/proc/LAB/maps), high addresses on top");
}

/* Frames 1..k: the frame address, then its n and its data; the deepest one is running. */
static void add_frames(struct m_map *mp, const struct frame *fr, int k, uint64_t size)
{
    for (int d = 1; d <= k; d++) {
        const struct frame *x = &fr[d - 1];
        bool run = d == k;
        enum mstyle st = run ? MS_ACCENT : MS_NORMAL;
        char name[32], note[48];
        int i;

        snprintf(name, sizeof name, "frame %d", d);
        i = map_var(mp, name, "frame", x->at, (unsigned)size, run ? "running" : "waiting",
                    run ? MS_ACCENT : MS_WARN);
        if (run)
            snprintf(note, sizeof note, "recursive(%d)", d);
        else
            snprintf(note, sizeof note, "recursive(%d) waits for recursive(%d)", d, d + 1);
        if (i >= 0)
            snprintf(mp->vars[i].note, sizeof mp->vars[i].note, "%s", note);
        map_var(mp, "n", "int", x->n_at, 4, x->n, st);
        map_var(mp, "data", "int", x->data_at, 4, "10", st);
    }
}

static void step_depth(const struct step_view *v, struct model *m)
{
    struct frame fr[RECURSION_STEPS];
    int k = read_frames(v->facts, fr);
    uint64_t size = frame_bytes(v->facts);
    struct m_map *mp = stack_map(m);
    char stk[48];

    if (mp) {
        add_frames(mp, fr, k, size);
        maputil_add_var_regions(mp, v->maps);
        map_place_vars(mp);
    }
    vmstk_text(v, stk, sizeof stk);
    if (k <= 1) {
        model_headline(m, "recursive(1): the call gets a frame on the stack");
        model_say(m, "The frame of recursive(1) is at %s. In it: n = 1 at %s and data = 10 at "
                     "%s. The frame exists only while the call runs. VmStk (/proc/LAB/status): "
                     "%s.", fact(v->facts, "d1.frame"), fact(v->facts, "d1.n.addr"),
                  fact(v->facts, "d1.data.addr"), stk);
        return;
    }
    model_headline(m, "recursive(%d): a new frame, with its own n and its own data", k);
    model_say(m, "Frame %d is %llu bytes below frame %d (measured: the distance between the "
                 "two frame addresses). Its data is another int at another address. %d "
                 "frame%s wait%s for the call below to return. VmStk: %s (/proc/LAB/status).",
              k, (unsigned long long)size, k - 1, k - 1, k - 1 == 1 ? "" : "s",
              k - 1 == 1 ? "s" : "", stk);
}

/* The lab's [stack] at this stop, or NULL. */
static const struct maps_region *stack_region(const struct step_view *v)
{
    for (int i = 0; i < v->maps->n; i++)
        if (v->maps->r[i].kind == MAPS_STACK)
            return &v->maps->r[i];
    return NULL;
}

/* Adds [lo, hi) to the map drawn right below the region starting at above_lo. */
static void region_below(struct m_map *mp, uint64_t above_lo, const char *name,
                         const char *detail, uint64_t lo, uint64_t hi)
{
    int r = map_region(mp, name, detail, lo, hi, MS_BAD), above = -1;
    struct m_region tmp;

    for (int i = 0; i < mp->nregions; i++)
        if (mp->regions[i].lo == above_lo && !mp->regions[i].collapsed)
            above = i;
    if (r < 0 || above < 0 || above + 1 == r)
        return;
    tmp = mp->regions[r];
    memmove(&mp->regions[above + 2], &mp->regions[above + 1],
            (size_t)(r - above - 1) * sizeof tmp);
    mp->regions[above + 1] = tmp;
}

static void set_note(struct m_map *mp, int i, const char *note)
{
    if (i >= 0)
        snprintf(mp->vars[i].note, sizeof mp->vars[i].note, "%s", note);
}

/* Where there is room: the overflow's numbers, each with where it comes from. */
static void overflow_numbers(const struct step_view *v, const struct maps_region *stk,
                             uint64_t fault, struct model *m)
{
    struct m_text *t = model_add_text(m, "the numbers, and where they come from");
    uint64_t depth = facts_u64_or(v->facts, "ovf.depth", 0), size = frame_bytes(v->facts);
    uint64_t limit, frame1 = depth_fact(v->facts, 1, "frame");
    char a[24], b[24], n[24], sum[24], vm[48];

    if (!t)
        return;
    if (stk) {
        fmt_bytes(a, sizeof a, (double)(stk->hi - stk->lo));
        text_line(t, MS_NORMAL, "[stack] %llx-%llx = %s   /proc/LAB/maps",
                  (unsigned long long)stk->lo, (unsigned long long)stk->hi, a);
    }
    vmstk_text(v, vm, sizeof vm);
    text_line(t, MS_NORMAL, "VmStk %s   /proc/LAB/status", vm);
    if (facts_u64(v->facts, "stack.limit", &limit)) {
        fmt_bytes(a, sizeof a, (double)limit);
        text_line(t, MS_NORMAL, "RLIMIT_STACK %s   getrlimit() in the lab", a);
    }
    if (stk && fault < stk->lo)
        text_line(t, MS_BAD, "si_addr %llx, %llu B below [stack]   the SIGSEGV",
                  (unsigned long long)fault, (unsigned long long)(stk->lo - fault));
    if (stk && frame1 && frame1 < stk->hi) {
        fmt_count(n, sizeof n, depth);
        fmt_bytes(a, sizeof a, (double)(depth * size));
        fmt_bytes(b, sizeof b, (double)(stk->hi - frame1));
        fmt_bytes(sum, sizeof sum, (double)(depth * size + stk->hi - frame1));
        text_line(t, MS_NORMAL, "%s frames x %llu B = %s, + %s above frame 1 = %s", n,
                  (unsigned long long)size, a, b, sum);
    }
}

static void step_overflow(const struct step_view *v, struct model *m)
{
    const struct facts *f = v->facts;
    const struct maps_region *stk = stack_region(v);
    uint64_t fault, depth = facts_u64_or(f, "ovf.depth", 0), size = frame_bytes(f);
    struct m_map *mp;
    uint64_t limit;
    char note[48], total[24], lim[24], calls[24];
    int i;

    if (!facts_u64(f, "ovf.addr", &fault)) {
        model_headline(m, "The lab stopped without reporting the fault");
        model_say(m, "The SIGSEGV handler did not report a fault address.");
        return;
    }
    if ((mp = stack_map(m))) {
        i = map_var(mp, "data", "int", depth_fact(f, 1, "data.addr"), 4, "10", MS_DIM);
        set_note(mp, i, "recursive(1)'s");
        fmt_count(calls, sizeof calls, depth);
        snprintf(note, sizeof note, "depth %s", calls);
        i = map_var(mp, "data", "int", facts_u64_or(f, "ovf.low", 0), 4, note, MS_ACCENT);
        set_note(mp, i, "the deepest frame's");
        i = map_var(mp, "here", "int", facts_u64_or(f, "ovf.here", 0), 0, "on alt[]", MS_GOOD);
        set_note(mp, i, "the handler's local");
        maputil_add_var_regions(mp, v->maps);
        if (stk && fault < stk->lo && stk->lo - fault < ((uint64_t)1 << 20))
            region_below(mp, stk->lo, "no mapping", "si_addr is in here", fault,
                         stk->lo);
        map_place_vars(mp);
    }
    overflow_numbers(v, stk, fault, m);
    fmt_bytes(total, sizeof total, (double)(depth * size));
    fmt_count(calls, sizeof calls, depth);
    if (facts_u64(f, "stack.limit", &limit))
        fmt_bytes(lim, sizeof lim, (double)limit);
    else
        snprintf(lim, sizeof lim, "%s", fact(f, "stack.limit"));
    model_headline(m, "Stack overflow at depth %s: the stack may grow no further", calls);
    model_say(m, "%s calls of %llu B = %s, near the %s limit. The next call touched 0x%llx, "
                 "below the stack's lowest page: no mapping, so SIGSEGV. The handler runs on "
                 "alt[], its own stack; oscope goes on.",
              calls, (unsigned long long)size, total, lim, (unsigned long long)fault);
}

static void step_loop(const struct step_view *v, struct model *m)
{
    const struct facts *f = v->facts;
    struct m_map *mp = stack_map(m);
    char note[48], rounds[24], where[64];
    uint64_t first, d1;
    int i;

    if (mp) {
        i = map_var(mp, "data", "int", facts_u64_or(f, "loop.first", 0), 4, "10", MS_ACCENT);
        snprintf(note, sizeof note, "looped(): every round");
        set_note(mp, i, note);
        i = map_var(mp, "data", "int", depth_fact(f, 1, "data.addr"), 4, "10", MS_DIM);
        set_note(mp, i, "recursive(1)'s, gone");
        snprintf(note, sizeof note, "recursive(%s)'s, gone", fact(f, "ovf.depth"));
        i = map_var(mp, "data", "int", facts_u64_or(f, "ovf.low", 0), 4, "10", MS_DIM);
        set_note(mp, i, note);
        maputil_add_var_regions(mp, v->maps);
        map_place_vars(mp);
    }
    fmt_count(rounds, sizeof rounds, facts_u64_or(f, "loop.rounds", 0));
    first = facts_u64_or(f, "loop.first", 0);
    d1 = depth_fact(f, 1, "data.addr");
    if (first == d1)
        snprintf(where, sizeof where, "the very address recursive(1)'s data had");
    else
        snprintf(where, sizeof where, "%lld B from recursive(1)'s data",
                 (long long)(first - d1));
    model_headline(m, "The same %s rounds as a loop: one frame, one data", rounds);
    model_say(m, "siglongjmp left the handler and all %s frames at once: the lab lives on. "
                 "looped() ran %s rounds with data at 0x%llx in every one (moved %s times), %s. "
                 "VmStk: %s kB before, %s kB after; a stack does not shrink.",
              rounds, rounds, (unsigned long long)first, fact(f, "loop.moved"), where,
              fact(f, "loop.vmstk0"), fact(f, "loop.vmstk1"));
}

/* Asked before the recursion without an end; the handler's report says what came true. */
static int overflow_outcome(const struct step_view *v)
{
    return facts_get(v->facts, "ovf.addr") ? 1 : -1;
}

static const struct prediction predict_overflow = {
    "Next: recursive(1) with no end. What will stop it?",
    { "nothing: it runs until you quit", "a SIGSEGV: the stack may not grow past its limit",
      "malloc runs out of memory", "the kernel kills oscope" },
    overflow_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "depth", .title = "depth 1", .build = step_depth },
    { .marker = "depth", .title = "depth 2", .build = step_depth },
    { .marker = "depth", .title = "depth 3", .build = step_depth },
    { .marker = "depth", .title = "depth 4", .build = step_depth },
    { .marker = "depth", .title = "depth 5", .build = step_depth },
    { .marker = "overflow", .title = "run to overflow", .build = step_overflow,
      .timeout_s = 20, .predict = &predict_overflow },
    { .marker = "loop", .title = "the same as a loop", .build = step_loop, .timeout_s = 20 },
};

static const struct quiz_question quiz[] = {
    { "While recursive(5) runs, how many ints named data are on the stack?",
      { "one: they share a name", "five: one in each frame", "none: data is in a register",
        "ten" }, 1,
      "Each call gets its own frame with its own data; the lab showed five addresses, one "
      "frame size apart. The name is the same, the bytes are not." },
    { "What stopped the recursion that had no end?",
      { "the compiler turned it into a loop", "malloc returned NULL",
        "the kernel refused to grow the stack past RLIMIT_STACK, so the access faulted",
        "the CPU counts calls" }, 2,
      "The stack grows a page at a time when a call touches the page below it. At the limit "
      "the kernel does not map one more; the access hits no mapping and the kernel sends "
      "SIGSEGV." },
    { "How could the SIGSEGV handler run at all?",
      { "it ran on a stack of its own, set up with sigaltstack", "handlers run in the kernel",
        "the kernel frees some stack first", "it needs no stack" }, 0,
      "A handler needs stack for its own frame, and the normal stack was full. With "
      "sigaltstack and SA_ONSTACK the kernel switches to alt[] before calling it." },
    { "The loop ran as many rounds as the recursion had calls. Why did it not overflow?",
      { "loops get a bigger stack", "every round reuses the same frame and the same data",
        "the loop ran on the heap", "it was stopped early" }, 1,
      "A loop stays in one call of looped(): one frame, with data at one address in every "
      "round, so it needs no more stack however many rounds it runs." },
};

const struct scene scene_recursion = {
    .id = "recursion",
    .title = "Each call is an allocation",
    .summary = "stack frames of a real recursion, a stack overflow at the limit, then a loop",
    .lab = recursion_lab,
    .limits = { .as_bytes = (uint64_t)1 << 30, .cpu_s = 20, .stack = (uint64_t)1 << 20 },
    .source = &scene_src_unsafe_recursion,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_VMSTK, CTR_P_MINFLT, CTR_P_RSS },
    .ncounters = 3,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
};
