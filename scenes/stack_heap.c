/* stack_heap.c — the scene "stack-heap": where a local, a pointer, a heap int, globals, a
 * string literal and an array really live, drawn from the lab's own /proc/PID/maps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/lab.h"
#include "scenes/maputil.h"
#include "scenes/scene.h"

/* Ends of the program's sections, defined by the linker. */
extern char etext, edata, end;
extern const struct scene_source scene_src_stack_heap;

/* LAB-BEGIN */
int g_init = 7;  /* has a value */
int g_zero;      /* has none */

static void lab_main(struct lab_ctx *lab)
{
    lab_fact_ptr(lab, "fn.addr", (const void *)(uintptr_t)lab_main);
    lab_fact_ptr(lab, "g_init.addr", &g_init);
    lab_fact(lab, "g_init", "%d", g_init);
    lab_fact_ptr(lab, "g_zero.addr", &g_zero);
    lab_fact(lab, "g_zero", "%d", g_zero);
    lab_fact_ptr(lab, "etext", &etext);
    lab_fact_ptr(lab, "edata", &edata);
    lab_fact_ptr(lab, "end", &end);
    lab_stop(lab, "start");
    int local = 42;
    lab_fact_ptr(lab, "local.addr", &local);
    lab_fact(lab, "local", "%d", local);
    lab_stop(lab, "local");
    int *p = &local;
    lab_fact_ptr(lab, "p.addr", &p);
    lab_fact_ptr(lab, "p", p);
    lab_fact(lab, "p.size", "%zu", sizeof p);
    lab_stop(lab, "ptr");
    int *hp = malloc(sizeof *hp);
    lab_fact_ptr(lab, "hp.addr", &hp);
    lab_fact_ptr(lab, "hp", hp);
    lab_stop(lab, "malloc");
    if (!hp)
        return;
    *hp = 99;
    lab_fact(lab, "hp.val", "%d", *hp);
    lab_stop(lab, "store");
    const char *s = "hello";
    lab_fact_ptr(lab, "s.addr", &s);
    lab_fact_ptr(lab, "s", s);
    lab_fact(lab, "s.text", "%s", s);
    lab_stop(lab, "literal");
    int arr[3] = {5, 6, 7};
    lab_fact_ptr(lab, "arr.addr", arr);
    lab_fact(lab, "arr.size", "%zu", sizeof arr);
    lab_fact(lab, "arr", "%d %d %d", arr[0], arr[1], arr[2]);
    lab_stop(lab, "array");
    int *ap = arr;
    lab_fact_ptr(lab, "ap.addr", &ap);
    lab_fact_ptr(lab, "ap", ap);
    lab_fact(lab, "ap.size", "%zu", sizeof ap);
    lab_stop(lab, "decay");
    free(hp);
    lab_fact(lab, "freed", "1");
    lab_stop(lab, "free");
}
/* LAB-END */

/* Which section the linker put a global in, from its marks etext, edata and end. */
static const char *section_of(const struct facts *f, uint64_t a)
{
    uint64_t et, ed, en;

    if (!facts_u64(f, "etext", &et) || !facts_u64(f, "edata", &ed) || !facts_u64(f, "end", &en))
        return NULL;
    if (a < et)
        return "text";
    if (a < ed)
        return ".data";
    if (a < en)
        return ".bss";
    return NULL;
}

static void section_note(const struct facts *f, struct m_map *mp, int i)
{
    const char *sec = i >= 0 ? section_of(f, mp->vars[i].addr) : NULL;

    if (sec)
        snprintf(mp->vars[i].note, sizeof mp->vars[i].note, "in %s", sec);
}

static enum mstyle focus_style(const char *focus, const char *name)
{
    return strcmp(focus, name) == 0 ? MS_ACCENT : MS_NORMAL;
}

/* Adds every variable the lab has reported so far; the one named `focus` is accented. */
static void add_vars(const struct step_view *v, struct m_map *mp, const char *focus)
{
    const struct facts *f = v->facts;
    uint64_t a, val;
    int from, to;
    char buf[48];

    if (facts_u64(f, "fn.addr", &a))
        map_var(mp, "lab_main", "code", a, 0, "(the function)", MS_DIM);
    if (facts_u64(f, "g_init.addr", &a)) {
        int i = map_var(mp, "g_init", "int", a, 4, facts_get(f, "g_init"), focus_style(focus, "globals"));
        section_note(f, mp, i);
    }
    if (facts_u64(f, "g_zero.addr", &a)) {
        int i = map_var(mp, "g_zero", "int", a, 4, facts_get(f, "g_zero"), focus_style(focus, "globals"));
        section_note(f, mp, i);
    }
    if (facts_u64(f, "local.addr", &a))
        map_var(mp, "local", "int", a, 4, facts_get(f, "local"), focus_style(focus, "local"));
    if (facts_u64(f, "p.addr", &a)) {
        from = map_var(mp, "p", "int *", a, 8, facts_get(f, "p"), focus_style(focus, "p"));
        to = maputil_var_at(mp, facts_u64_or(f, "p", 0));
        map_arrow(mp, from, to, MS_NORMAL);
    }
    if (facts_u64(f, "hp.addr", &a) && facts_u64(f, "hp", &val)) {
        bool freed = facts_get(f, "freed") != NULL;
        const char *hv = facts_get(f, "hp.val");
        from = map_var(mp, "hp", "int *", a, 8, facts_get(f, "hp"), focus_style(focus, "hp"));
        to = map_var(mp, "*hp", "int", val, 4, freed ? "(freed)" : hv ? hv : "(not set yet)",
                      freed ? MS_FREED : focus_style(focus, "*hp"));
        if (freed && to >= 0)
            snprintf(mp->vars[to].note, sizeof mp->vars[to].note, "freed: not ours any more");
        map_arrow(mp, from, to, freed ? MS_DANGLING : MS_NORMAL);
    }
    if (facts_u64(f, "s.addr", &a) && facts_u64(f, "s", &val)) {
        from = map_var(mp, "s", "const char *", a, 8, facts_get(f, "s"), focus_style(focus, "s"));
        snprintf(buf, sizeof buf, "\"%s\"", facts_get(f, "s.text") ? facts_get(f, "s.text") : "");
        to = map_var(mp, "\"hello\"", "char[6]", val, 6, buf, focus_style(focus, "s"));
        map_arrow(mp, from, to, MS_NORMAL);
    }
    if (facts_u64(f, "arr.addr", &a)) {
        int e[3] = { 0, 0, 0 };
        const char *txt = facts_get(f, "arr");
        if (txt)
            sscanf(txt, "%d %d %d", &e[0], &e[1], &e[2]);
        for (int i = 0; i < 3; i++) {
            char name[16], value[16];
            snprintf(name, sizeof name, "arr[%d]", i);
            snprintf(value, sizeof value, "%d", e[i]);
            map_var(mp, name, "int", a + 4u * (unsigned)i, 4, value, focus_style(focus, "arr"));
        }
    }
    if (facts_u64(f, "ap.addr", &a)) {
        from = map_var(mp, "ap", "int *", a, 8, facts_get(f, "ap"), focus_style(focus, "ap"));
        to = maputil_var_at(mp, facts_u64_or(f, "ap", 0));
        map_arrow(mp, from, to, MS_NORMAL);
    }
}

/* The map every step shares: the lab's regions, then its variables placed in them. */
static struct m_map *base_map(const struct step_view *v, struct model *m, const char *focus)
{
    char title[64];
    struct m_map *mp;

    snprintf(title, sizeof title, "/proc/%d/maps, high addresses on top", (int)v->pid);
    mp = model_add_map(m, title);

    if (!mp)
        return NULL;
    add_vars(v, mp, focus);
    maputil_add_regions(mp, v->maps);
    map_place_vars(mp);
    return mp;
}

static const char *region_of(const struct step_view *v, const char *fact)
{
    uint64_t a;
    int i;

    if (!facts_u64(v->facts, fact, &a) || v->maps->n == 0)
        return "an unreadable region";
    i = maps_find(v->maps, a);
    return i < 0 ? "no mapping at all" : maps_kind_name(v->maps->r[i].kind);
}

static void step_start(const struct step_view *v, struct model *m)
{
    uint64_t z = facts_u64_or(v->facts, "g_zero.addr", 0);
    const char *zsec = section_of(v->facts, z);

    base_map(v, m, "globals");
    model_headline(m, "Before the function runs, its code and globals are already mapped");
    model_say(m, "The program file was mapped at start-up: lab_main's code in %s, g_init "
                 "(it has a value, stored in the file) in .data. g_zero has none, so the "
                 "file only records its size: it is in %s, past the linker's mark edata "
                 "(%s), in zero-filled memory of the %s mapping.",
              region_of(v, "fn.addr"), zsec ? zsec : "an unknown section",
              facts_get(v->facts, "edata") ? facts_get(v->facts, "edata") : "?",
              region_of(v, "g_zero.addr"));
}

static void step_local(const struct step_view *v, struct model *m)
{
    base_map(v, m, "local");
    model_headline(m, "A local variable lives in the function's stack frame");
    model_say(m, "local = 42 was written into this call's frame, at %s in the %s. The stack "
                 "sits near the top of the address space and grows down; the frame goes "
                 "away when the function returns.",
              facts_get(v->facts, "local.addr"), region_of(v, "local.addr"));
}

static void step_ptr(const struct step_view *v, struct model *m)
{
    base_map(v, m, "p");
    model_headline(m, "A pointer is a variable that holds an address");
    model_say(m, "p is another local: its own %s bytes are on the stack at %s, and what it "
                 "holds is the address of local (%s). The arrow is that number, nothing more.",
              facts_get(v->facts, "p.size"), facts_get(v->facts, "p.addr"),
              facts_get(v->facts, "p"));
}

static void step_malloc(const struct step_view *v, struct model *m)
{
    base_map(v, m, "hp");
    model_headline(m, "malloc: the pointer is on the stack, its target on the heap");
    model_say(m, "malloc found 4 bytes in the %s and returned their address, %s. hp itself "
                 "is still a local variable on the stack; only the int it points to lives "
                 "on the heap, and it stays there until someone calls free.",
              region_of(v, "hp"), facts_get(v->facts, "hp"));
}

static void step_store(const struct step_view *v, struct model *m)
{
    base_map(v, m, "*hp");
    model_headline(m, "*hp = 99 writes through the pointer into the heap");
    model_say(m, "The store went to the address hp holds, %s, in the %s. hp did not change; "
                 "the heap int did.", facts_get(v->facts, "hp"), region_of(v, "hp"));
}

static void step_literal(const struct step_view *v, struct model *m)
{
    base_map(v, m, "s");
    model_headline(m, "A string literal lives in read-only data, not on the heap");
    model_say(m, "The six bytes of \"hello\" (five letters and a NUL) are part of the "
                 "program file, mapped at %s in the %s. Writing to them would fault. s is a "
                 "local pointer on the stack holding that address.",
              facts_get(v->facts, "s"), region_of(v, "s"));
}

static void step_array(const struct step_view *v, struct model *m)
{
    base_map(v, m, "arr");
    model_headline(m, "An array is its elements: three boxes, no pointer");
    model_say(m, "arr occupies %s bytes of the stack from %s: three ints side by side, 4 "
                 "bytes apart. There is no box holding arr's address; the name arr simply "
                 "means that block.", facts_get(v->facts, "arr.size"),
              facts_get(v->facts, "arr.addr"));
}

static void step_decay(const struct step_view *v, struct model *m)
{
    base_map(v, m, "ap");
    model_headline(m, "int *ap = arr: the array decays to a pointer to its first element");
    model_say(m, "sizeof arr is %s (three ints) but sizeof ap is %s: ap is one address, %s, "
                 "the address of arr[0]. Every pointer here is 8 bytes, whatever it points to.",
              facts_get(v->facts, "arr.size"), facts_get(v->facts, "ap.size"),
              facts_get(v->facts, "ap"));
}

static void step_free(const struct step_view *v, struct model *m)
{
    base_map(v, m, "hp");
    model_headline(m, "free(hp) gives the block back, but hp still holds its address");
    model_say(m, "The heap block at %s now belongs to the allocator again. hp was not "
                 "touched: it still holds the old address, a dangling pointer. Using it now "
                 "is a bug (see the scene \"dangling\").", facts_get(v->facts, "hp"));
}

/* The prediction before malloc: which region will the new int be in? */
static int malloc_outcome(const struct step_view *v)
{
    uint64_t a;
    int i;

    if (!facts_u64(v->facts, "hp", &a) || v->maps->n == 0 || (i = maps_find(v->maps, a)) < 0)
        return -1;
    switch (v->maps->r[i].kind) {
    case MAPS_STACK: return 0;
    case MAPS_HEAP: return 1;
    case MAPS_RODATA: return 2;
    case MAPS_ANON: return 3;
    default: return -1;
    }
}

static const struct prediction predict_malloc = {
    "malloc(sizeof *hp) is about to run. Where will the new int live?",
    { "on the stack, next to hp", "in the heap", "in read-only data",
      "in an anonymous mmap region" },
    malloc_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "start", .title = "code and globals", .build = step_start },
    { .marker = "local", .title = "a local", .build = step_local },
    { .marker = "ptr", .title = "a pointer", .build = step_ptr },
    { .marker = "malloc", .title = "malloc", .build = step_malloc, .predict = &predict_malloc },
    { .marker = "store", .title = "store through it", .build = step_store },
    { .marker = "literal", .title = "a string literal", .build = step_literal },
    { .marker = "array", .title = "an array", .build = step_array },
    { .marker = "decay", .title = "array to pointer", .build = step_decay },
    { .marker = "free", .title = "free", .build = step_free },
};

static const struct quiz_question quiz[] = {
    { "hp holds the address of a heap int. Where are hp's own 8 bytes?",
      { "on the stack", "on the heap", "in read-only data", "in .bss" }, 0,
      "hp is a local variable of the function, so it sits in the function's stack frame. "
      "malloc put only the int it points to on the heap." },
    { "sizeof arr is 12 but sizeof ap is 8. Why?",
      { "the compiler pads arrays to 12", "arr is the three ints; ap is one address",
        "arr holds a hidden pointer plus data", "ints are 6 bytes on the stack" }, 1,
      "An array is its elements laid side by side: 3 x 4 bytes. A pointer is one address, "
      "8 bytes on a 64-bit machine, whatever it points to." },
    { "Where do the bytes of the literal \"hello\" live?",
      { "on the heap", "on the stack, inside s", "in the program's read-only data",
        "in .bss" }, 2,
      "Literals are part of the program file and are mapped read-only. s on the stack only "
      "holds their address; writing through it would fault." },
};

const struct scene scene_stack_heap = {
    .id = "stack-heap",
    .title = "Where variables live",
    .summary = "locals, pointers, malloc, globals, literals and arrays at their real addresses",
    .lab = lab_main,
    .limits = { .as_bytes = (uint64_t)1 << 30, .cpu_s = 10 },
    .source = &scene_src_stack_heap,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_RSS, CTR_P_VMSTK, CTR_P_MINFLT, CTR_MEM_AVAILABLE },
    .ncounters = 4,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
};
