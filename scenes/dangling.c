/* dangling.c — the scene "dangling": a pointer that outlives its memory. The steps turn what
 * the lab reports (scenes/unsafe_dangling.c) into maps of p2, p3 and the block; the last one
 * reads AddressSanitizer's report of the same code from the lab's output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenes/dangling.h"
#include "scenes/maputil.h"
#include "scenes/scene.h"

enum stage { S_MALLOC, S_ALIAS, S_FREE, S_PEEK, S_NULL, S_REUSE, S_WRITE, S_ASAN };

/* What the facts say so far, read once per build. */
struct dstate {
    const struct facts *f;
    uint64_t p2a, p3a, minea;   /* where the pointers live; 0 before they exist */
    uint64_t p2, p3, mine, blk; /* what they hold; blk: the block malloc gave p2 */
    bool freed, reused;         /* reused: mine got the very block p3 points at */
};

static struct dstate read_state(const struct facts *f)
{
    struct dstate d = { .f = f };

    d.p2a = facts_u64_or(f, "p2.addr", 0);
    d.p3a = facts_u64_or(f, "p3.addr", 0);
    d.minea = facts_u64_or(f, "mine.addr", 0);
    d.p2 = facts_u64_or(f, "p2", 0);
    d.p3 = facts_u64_or(f, "p3", 0);
    d.mine = facts_u64_or(f, "mine", 0);
    d.blk = facts_u64_or(f, "blk", 0);
    d.freed = facts_get(f, "freed") != NULL;
    d.reused = d.minea && d.mine == d.blk;
    return d;
}

static const char *fact(const struct facts *f, const char *name)
{
    const char *s = facts_get(f, name);

    return s ? s : "?";
}

static bool glibc_malloc(const struct facts *f)
{
    return strncmp(fact(f, "malloc.from"), "libc.so", 7) == 0;
}

static void ptr_text(char *buf, size_t cap, uint64_t v)
{
    if (v)
        snprintf(buf, cap, "0x%llx", (unsigned long long)v);
    else
        snprintf(buf, cap, "NULL");
}

static int pointer_var(struct m_map *mp, const char *name, uint64_t at, uint64_t value, bool focus)
{
    char buf[32];

    ptr_text(buf, sizeof buf, value);
    return map_var(mp, name, "int *", at, 8, buf, focus ? MS_ACCENT : MS_NORMAL);
}

static void set_note(struct m_map *mp, int i, const char *note)
{
    if (i >= 0)
        snprintf(mp->vars[i].note, sizeof mp->vars[i].note, "%s", note);
}

/* At the peek: the dead block's first two words as the lab read them. */
static void add_words(const struct dstate *d, struct m_map *mp)
{
    bool g = glibc_malloc(d->f);
    int w0 = map_var(mp, "word 0", "uint64_t", d->blk, 8, fact(d->f, "raw0"), MS_FREED);
    int w1 = map_var(mp, "word 1", "uint64_t", d->blk + 8, 8, fact(d->f, "raw1"), MS_FREED);

    set_note(mp, w0, g ? "tcache next link (mangled)" : "the allocator's own data");
    /* A block on glibc's other small-block lists (fastbins) carries no key there. */
    set_note(mp, w1, !g ? "the allocator's own data"
                     : facts_u64_or(d->f, "raw1", 0) ? "tcache key" : "0: no tcache key");
}

/* The heap side: the block as it stands at this stage, and mine's block when it differs. */
static void add_blocks(const struct dstate *d, struct m_map *mp, enum stage st)
{
    int b;

    if (!d->freed) {
        b = map_var(mp, "heap int", "int", d->blk, 4, fact(d->f, "blk.val"), MS_ACCENT);
        set_note(mp, b, st == S_ALIAS ? "one int, two pointers" : "p2's, from malloc");
        return;
    }
    if (st == S_PEEK) {
        add_words(d, mp);
        return;
    }
    if (d->reused) {
        bool wrote = facts_get(d->f, "got") != NULL;
        b = map_var(mp, "*mine", "int", d->blk, 4, fact(d->f, wrote ? "got" : "mine.val"),
                    wrote ? MS_BAD : MS_GOOD);
        set_note(mp, b, wrote ? "mine stored 7; p3 wrote 50" : "mine's now: same address");
        return;
    }
    b = map_var(mp, "heap int", "int", d->blk, 4, "(freed)", MS_FREED);
    set_note(mp, b, facts_get(d->f, "got") ? "dead; p3 wrote 50 here" : "dead: the allocator's");
    if (d->minea) {
        b = map_var(mp, "*mine", "int", d->mine, 4,
                    fact(d->f, facts_get(d->f, "got") ? "got" : "mine.val"), MS_GOOD);
        set_note(mp, b, "a different block");
    }
}

static void pointer_arrow(const struct dstate *d, struct m_map *mp, int from, uint64_t to,
                          bool owner)
{
    if (from >= 0 && to)
        map_arrow(mp, from, maputil_var_at(mp, to), d->freed && !owner ? MS_DANGLING : MS_NORMAL);
}

/* The map every step shares: the pointers on the stack, the block(s) on the heap. */
static void add_map(const struct step_view *v, struct model *m, enum stage st)
{
    struct dstate d = read_state(v->facts);
    struct m_map *mp = model_add_map(m, "p2, p3 and the block (/proc/LAB/maps), high on top");
    int ip2, ip3 = -1, imine = -1;

    if (!mp)
        return;
    ip2 = pointer_var(mp, "p2", d.p2a, d.p2, st == S_MALLOC || st == S_FREE || st == S_NULL);
    if (d.p3a)
        ip3 = pointer_var(mp, "p3", d.p3a, d.p3, st == S_ALIAS || st == S_FREE || st == S_WRITE);
    if (d.minea)
        imine = pointer_var(mp, "mine", d.minea, d.mine, st == S_REUSE);
    add_blocks(&d, mp, st);
    pointer_arrow(&d, mp, ip2, d.p2, false);
    pointer_arrow(&d, mp, ip3, d.p3, false);
    pointer_arrow(&d, mp, imine, d.mine, true);
    if (d.freed && d.p3 && st != S_PEEK)
        set_note(mp, ip3, "dangling");
    if (d.freed && d.p2)
        set_note(mp, ip2, "dangling");
    maputil_add_var_regions(mp, v->maps);
    map_place_vars(mp);
}

static void step_malloc(const struct step_view *v, struct model *m)
{
    add_map(v, m, S_MALLOC);
    model_headline(m, "p2 = malloc(sizeof *p2): p2 on the stack, the int on the heap");
    model_say(m, "malloc handed out the block at %s and *p2 = 20 stored 20 in it. p2 itself "
                 "is 8 bytes on the stack at %s, holding that address.",
              fact(v->facts, "blk"), fact(v->facts, "p2.addr"));
}

static void step_alias(const struct step_view *v, struct model *m)
{
    add_map(v, m, S_ALIAS);
    model_headline(m, "int *p3 = p2 copies the address, not the int");
    model_say(m, "p2 and p3 both hold %s: two pointers, one heap int. Nothing links the two "
                 "boxes; each is a plain number that happens to be the same.",
              fact(v->facts, "p3"));
}

static void step_free(const struct step_view *v, struct model *m)
{
    struct dstate d = read_state(v->facts);
    bool same = d.p2 == d.blk && d.p3 == d.blk;

    add_map(v, m, S_FREE);
    model_headline(m, "free(p2): the block goes back, p2 and p3 do not change");
    model_say(m, "The block at %s belongs to the allocator again. The lab read p2 and p3 "
                 "after the free: %s. free only got a copy of the address; it cannot reach "
                 "the variables that hold it. Both now dangle (dashed arrows).",
              fact(v->facts, "blk"), same ? "both still hold that address"
                                          : "they changed, which free itself never does");
}

static void step_null(const struct step_view *v, struct model *m)
{
    add_map(v, m, S_NULL);
    model_headline(m, "p2 = NULL; but p3 still points at the dead block");
    model_say(m, "Setting p2 to NULL changed p2's 8 bytes on the stack and nothing else. p3 "
                 "was copied before the free and still holds %s: a dangling pointer. C keeps "
                 "no list of the copies of a pointer.", fact(v->facts, "p3"));
}

static void step_reuse(const struct step_view *v, struct model *m)
{
    struct dstate d = read_state(v->facts);

    add_map(v, m, S_REUSE);
    if (d.reused) {
        model_headline(m, "Another part of the program gets the very same block");
        model_say(m, "other_part() asked malloc for an int and got %s: the lab compared, it "
                     "is the address p3 still holds. It stored 7 there. The block is "
                     "rightfully mine's now; p3 does not know.", fact(v->facts, "mine"));
        return;
    }
    model_headline(m, "This time the allocator handed out a different block");
    model_say(m, "other_part()'s malloc returned %s, not %s where p3 points (the lab compared "
                 "the two). The allocator here, %s, did not reuse the freed block yet%s.",
              fact(v->facts, "mine"), fact(v->facts, "blk"), fact(v->facts, "malloc.from"),
              glibc_malloc(v->facts) ? "" : "; libasan holds freed blocks back on purpose");
}

static void step_write(const struct step_view *v, struct model *m)
{
    struct dstate d = read_state(v->facts);
    const char *got = fact(v->facts, "got");

    add_map(v, m, S_WRITE);
    if (d.reused && strcmp(got, "50") == 0) {
        model_headline(m, "*p3 = 50: the owner reads 50, not 7, and nothing crashed");
        model_say(m, "The write went through the stale p3 into the int that is mine's now. "
                     "other_part() stored 7 and reads back 50: silent corruption. The memory is "
                     "still mapped and writable, so neither the CPU nor the kernel objects.");
    } else if (d.reused) {
        model_headline(m, "*p3 = 50, yet the owner reads %s", got);
        model_say(m, "Same block, but the owner did not see the stale write: the compiler may "
                     "drop or reorder a use after free, since its result is undefined.");
    } else {
        model_headline(m, "*p3 = 50 landed in a dead block; the owner still reads %s", got);
        model_say(m, "The block was not reused, so the stale write hit freed memory nobody "
                     "owns right now. The bug is still there: with another allocator or another "
                     "order of calls the same line corrupts someone's data.");
    }
}


/* glibc's version as major * 100 + minor (236 for "2.36"); 0 when unknown. */
static int glibc_version(const struct facts *f)
{
    int major = 0, minor = 0;

    if (sscanf(fact(f, "libc.version"), "%d.%d", &major, &minor) != 2)
        return 0;
    return major * 100 + minor;
}

/* What word 0 of a glibc free block says: where the next free block of its size is. */
static void describe_link(const struct step_view *v, uint64_t link, char *buf, size_t cap)
{
    if (link == 0)
        snprintf(buf, cap, "0x0, no next block (end of the list)");
    else if ((link & 15) == 0 && v->maps->n && maps_find(v->maps, link) >= 0)
        snprintf(buf, cap, "0x%llx, the next free block of this size", (unsigned long long)link);
    else
        snprintf(buf, cap, "0x%llx, no block address: the block may sit on another list",
                 (unsigned long long)link);
}

/* Below the map, where there is room: how the two words were read. */
static void peek_details(const struct facts *f, uint64_t blk, int ver, const char *link_text,
                         struct model *m)
{
    struct m_text *t = model_add_text(m, "how oscope reads the two words (glibc)");
    uint64_t w0 = facts_u64_or(f, "raw0", 0);

    if (!t)
        return;
    text_line(t, MS_NORMAL, "word 0 = %s   as stored", fact(f, "raw0"));
    if (ver >= 232) {
        text_line(t, MS_DIM, "  block address >> 12 = 0x%llx (safe-linking, glibc 2.32+)",
                  (unsigned long long)(blk >> 12));
        text_line(t, MS_NORMAL, "  XOR of the two = %s", link_text);
    }
    if (facts_u64_or(f, "raw1", 0))
        text_line(t, MS_NORMAL, "word 1 = %s   tcache key: %s", fact(f, "raw1"),
                  ver >= 234 ? "a random number picked at start-up" : "the thread's tcache");
    else
        text_line(t, MS_NORMAL, "word 1 = 0: no tcache key, so not in the tcache");
    text_line(t, (w0 & 0xffffffffu) == 20 ? MS_NORMAL : MS_BAD,
              "bytes 0-3 held 20; now they hold %llu", (unsigned long long)(w0 & 0xffffffffu));
}

static void step_peek(const struct step_view *v, struct model *m)
{
    const struct facts *f = v->facts;
    struct dstate d = read_state(f);
    uint64_t w0 = facts_u64_or(f, "raw0", 0);
    int ver = glibc_version(f);
    char link[96];

    add_map(v, m, S_PEEK);
    if (!glibc_malloc(f)) {
        model_headline(m, "Inside the dead block: the allocator's bytes, not 20");
        model_say(m, "The lab read the freed block's first 16 bytes. malloc in this lab comes "
                     "from %s, not glibc: these are its own records, which oscope does not "
                     "decode. What matters: the block is no longer yours to read.",
                  fact(f, "malloc.from"));
        return;
    }
    describe_link(v, ver >= 232 ? w0 ^ (d.blk >> 12) : w0, link, sizeof link);
    model_headline(m, "Inside the dead block: glibc's free-list entry, not 20");
    model_say(m, "The lab read the freed block's first 16 bytes: %s. glibc's per-thread "
                 "cache (tcache) keeps its list inside free blocks. Word 0 links to the next "
                 "free block, mangled; it decodes to %s. %s",
              (w0 & 0xffffffffu) == 20 ? "the 20 is still in bytes 0-3" : "the 20 is gone", link,
              facts_u64_or(f, "raw1", 0) ? "Word 1, the tcache key, lets free() spot a double free."
                                         : "Word 1 is 0: no tcache key, another list.");
    peek_details(f, d.blk, ver, link, m);
}

/* The map as it stands after the stale write, for the last step. */
void dangling_final_map(const struct step_view *v, struct model *m)
{
    add_map(v, m, S_WRITE);
}

/* Asked before *p3 = 50 runs; the lab's "got" says what came true. */
static int write_outcome(const struct step_view *v)
{
    const char *got = facts_get(v->facts, "got");

    if (!got)
        return -1;
    return strcmp(got, "7") == 0 ? 0 : strcmp(got, "50") == 0 ? 1 : 3;
}

static const struct prediction predict_write = {
    "Next: *p3 = 50, then the owner reads its int. What will it read?",
    { "7, what it stored", "50, the stale write", "nothing: the program crashes",
      "something else" },
    write_outcome,
};

static const struct scene_step steps[] = {
    { .marker = "malloc", .title = "malloc", .build = step_malloc },
    { .marker = "alias", .title = "a second pointer", .build = step_alias },
    { .marker = "free", .title = "free", .build = step_free },
    { .marker = "peek", .title = "inside the dead block", .build = step_peek },
    { .marker = "null", .title = "p2 = NULL", .build = step_null },
    { .marker = "reuse", .title = "the block is reused", .build = step_reuse },
    { .marker = "write", .title = "write through p3", .build = step_write,
      .predict = &predict_write },
    { .marker = "asan", .title = "AddressSanitizer", .build = dangling_step_asan, .timeout_s = 30 },
};

static const struct quiz_question quiz[] = {
    { "Right after free(p2), what is in the variable p2?",
      { "NULL: free clears it", "the same address as before", "the value 20",
        "a new address chosen by free" }, 1,
      "free receives a copy of the address and cannot change your variable. p2 keeps the "
      "old number; only what is at that address changed owner." },
    { "p2 = NULL ran after the free. Is using p3 safe now?",
      { "yes: p2 and p3 are the same pointer", "yes: free cleared every copy",
        "no: p3 is its own copy and still holds the old address", "only if p3 is const" }, 2,
      "p3 was copied from p2 before the free. Clearing p2 touched p2's 8 bytes only; p3 still "
      "points into memory that now belongs to someone else." },
    { "*p3 = 50 did not crash. Why not?",
      { "the page is still mapped and writable; only malloc knows the block is free",
        "writes to freed memory are ignored by the CPU", "free returned the page to the kernel",
        "C checks pointers at run time" }, 0,
      "free keeps the memory inside the process for reuse. The MMU only checks pages, and the "
      "page is fine, so the stale write silently lands in the new owner's int." },
    { "How did AddressSanitizer catch the same bug?",
      { "the kernel sent it SIGSEGV",
        "it marks freed blocks as poisoned in shadow memory and checks every access",
        "it compares each pointer with a list of live pointers", "it runs the code twice" }, 1,
      "The compiler adds a shadow-memory check before each load and store; free poisons the "
      "block and keeps it out of reuse for a while, so the write is caught at once." },
};

const struct scene scene_dangling = {
    .id = "dangling",
    .title = "Pointers to freed memory",
    .summary = "free, a stale copy of the pointer, the block reused, a silent write; then ASan",
    .lab = dangling_lab,
    .limits = { .as_bytes = (uint64_t)1 << 30, .cpu_s = 20 },
    .source = &scene_src_unsafe_dangling,
    .steps = steps,
    .nsteps = (int)(sizeof steps / sizeof steps[0]),
    .counters = { CTR_P_RSS, CTR_P_MINFLT, CTR_MEM_AVAILABLE },
    .ncounters = 3,
    .quiz = quiz,
    .nquiz = (int)(sizeof quiz / sizeof quiz[0]),
};
