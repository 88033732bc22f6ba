/* fragmentation.c — the lab of the scene "fragmentation": 1 KiB blocks, every second one
 * freed, a big request under an address-space budget and without it, the same churn in
 * two pools, malloc_trim, usable sizes. It reports its own map of the blocks as facts. */
#include "scenes/fragmentation.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procfile.h"
#include "probes/sysinfo.h"
#include "scenes/facts.h"

/* At FRAG_PEAK_PER_BLOCK bytes a block, 1/8 of MemAvailable holds cap blocks. */
unsigned long frag_blocks_for(uint64_t avail_kib, unsigned long wanted)
{
    uint64_t cap = avail_kib / 8 * 1024 / FRAG_PEAK_PER_BLOCK;

    if (wanted > FRAG_MAX)
        wanted = FRAG_MAX;
    if (cap > wanted)
        cap = wanted;
    cap &= ~(uint64_t)15;
    return cap < FRAG_MIN ? 0 : (unsigned long)cap;
}

static size_t nblocks(struct lab_ctx *lab);
static void lab_tick(struct lab_ctx *lab, size_t i, size_t n);
static _Noreturn void lab_out_of_memory(struct lab_ctx *lab, const char *what);
static rlim_t vm_bytes(void);

/* LAB-BEGIN */
#define KIB 1024

/* A pool: one block cut into
 * KIB-sized slots; the free
 * slots form a list through
 * themselves. */
struct pool {
    char *base;
    size_t n, used;
    void *free;
};

static void pool_init(
    struct pool *pl,
    char *base, size_t n)
{
    size_t i = n;

    pl->base = base;
    pl->n = n;
    pl->used = 0;
    pl->free = NULL;
    while (i-- > 0) {
        void **s = (void **)
          (base + i * KIB);
        *s = pl->free;
        pl->free = s;
    }
}

static void *pool_get(
    struct pool *pl)
{
    void **s = pl->free;

    if (s) {
        pl->free = *s;
        pl->used++;
    }
    return s;
}

static void pool_put(
    struct pool *pl,
    void *slot)
{
    *(void **)slot = pl->free;
    pl->free = slot;
    pl->used--;
}

/* An empty pool is one run of
 * free slots: carve b bytes
 * off its front. */
static void *pool_carve(
    struct pool *pl, size_t b)
{
    size_t k = (b + KIB - 1)
               / KIB;
    char *run = pl->base;

    if (pl->used || k > pl->n)
        return NULL;
    pl->base += k * KIB;
    pool_init(pl, pl->base,
              pl->n - k);
    return run;
}

/* free, and forget the
 * address */
static void drop(char **b)
{
    free(*b);
    *b = NULL;
}

static size_t usable(size_t n)
{
    void *x = malloc(n);
    size_t got =
        malloc_usable_size(x);

    free(x);
    return got;
}

void frag_lab_main(
    struct lab_ctx *lab)
{
    /* blocks=N; the lab keeps
     * its peak under 1/8 of
     * MemAvailable */
    size_t n = nblocks(lab);
    size_t i;
    if (n == 0) /*@hide*/
        return; /*@hide*/
    /* From 128 KiB, a request
     * gets its own mmap; pin
     * that (glibc moves it) */
    mallopt(M_MMAP_THRESHOLD,
            128 << 10);
    char **p = calloc(n,
        sizeof *p);
    if (!p) /*@hide*/
        lab_out_of_memory(lab, "calloc");
    frag_report_point(lab, "pt.0", NULL); /*@hide*/
    for (i = 0; i < n; i++) {
        p[i] = malloc(KIB);
        if (!p[i]) /*@hide*/
            lab_out_of_memory(lab, "malloc");
        memset(p[i], 1, KIB);
        lab_tick(lab, i, n);
    }
    frag_note_blocks(lab, p, n); /*@hide*/
    frag_report_point(lab, "pt.A", p); /*@hide*/
    frag_report_heap(lab, "grid.A", p); /*@hide*/
    lab_stop(lab, "alloc");
    for (i = 0; i < n; i += 2)
        drop(&p[i]);
    frag_report_point(lab, "pt.B", p); /*@hide*/
    frag_report_heap(lab, "grid.B", p); /*@hide*/
    frag_report_zoom(lab, p); /*@hide*/
    lab_stop(lab, "free");

    /* Ask for half the freed
     * bytes in one piece, the
     * address space capped at
     * current use + want/8 */
    size_t want = n / 4 * KIB;
    size_t little = want / 8;
    struct rlimit rl;
    getrlimit(RLIMIT_AS, &rl);
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur = vm_bytes()
                  + little;
    setrlimit(RLIMIT_AS, &rl);
    void *big = malloc(want);
    int err = errno;
    lab_fact(lab, "req", "%zu %zu %llu %llu", want, little, (unsigned long long)rl.rlim_cur, (unsigned long long)vm_bytes());
    lab_fact(lab, "big.C", "0x%" PRIxPTR " %s", (uintptr_t)big, big ? "-" : strerrorname_np(err));
    lab_stop(lab, "refused");
    rl.rlim_cur = was;
    setrlimit(RLIMIT_AS, &rl);
    big = malloc(want);
    lab_fact(lab, "big.D", "0x%" PRIxPTR " %llu", (uintptr_t)big, (unsigned long long)vm_bytes());
    lab_stop(lab, "mmap");
    free(big);

    /* The same churn in two
     * pools: objects that die
     * young in temp, the rest
     * in keep */
    size_t half = n / 2;
    char *area = mmap(NULL,
        n * KIB,
        PROT_READ |
        PROT_WRITE,
        MAP_PRIVATE |
        MAP_ANONYMOUS,
        -1, 0);
    void **q = calloc(n,
        sizeof *q);
    if (area == MAP_FAILED || !q) /*@hide*/
        lab_out_of_memory(lab, "mmap"); /*@hide*/
    struct pool temp, keep;
    pool_init(&temp, area,
              half);
    pool_init(&keep, area +
              half * KIB,
              n - half);
    for (i = 0; i < n; i++) {
        q[i] = pool_get(i % 2
            ? &keep : &temp);
        memset(q[i], 1, KIB);
    }
    for (i = 0; i < n; i += 2)
        pool_put(&temp, q[i]);
    rl.rlim_cur = vm_bytes()
                  + little;
    setrlimit(RLIMIT_AS, &rl);
    char *run = pool_carve(
        &temp, want);
    big = malloc(want);
    err = errno;
    lab_fact(lab, "big.P", "0x%" PRIxPTR " %s %llu %llu", (uintptr_t)big, big ? "-" : strerrorname_np(err), (unsigned long long)rl.rlim_cur, (unsigned long long)vm_bytes());
    frag_report_pools(lab, area, temp.free, keep.free, run, want); /*@hide*/
    lab_stop(lab, "pool");
    rl.rlim_cur = was;
    setrlimit(RLIMIT_AS, &rl);
    free(big); /*@hide*/
    munmap(area, n * KIB);
    free(q);

    frag_report_point(lab, "pt.T0", p); /*@hide*/
    int gave = malloc_trim(0);
    frag_report_point(lab, "pt.T1", p); /*@hide*/
    lab_fact(lab, "trim.T", "%d", gave);
    lab_stop(lab, "trim");
    /* keep 1 block in 16 */
    for (i = 1; i < n; i += 2)
        if (i % 16 != 15)
            drop(&p[i]);
    frag_report_point(lab, "pt.U0", p); /*@hide*/
    gave = malloc_trim(0);
    frag_report_point(lab, "pt.U1", p); /*@hide*/
    lab_fact(lab, "trim.U", "%d", gave);
    lab_stop(lab, "trim2");

    size_t ask[] = {
        1, 24, 25, 100, 1000,
        1024, 4000 };
    size_t u[7];
    for (i = 0; i < 7; i++)
        u[i] = usable(ask[i]);
    frag_report_usable(lab, ask, u, 7); /*@hide*/
    lab_stop(lab, "usable");
}
/* LAB-END */

_Static_assert(KIB == FRAG_BLOCK, "the listing's KIB is FRAG_BLOCK");

/* The markers, for a lab that cannot run its experiment but lets the user step through. */
static const char *const markers[] = { "alloc", "free", "refused", "mmap", "pool", "trim",
                                       "trim2", "usable" };

static void skip_all(struct lab_ctx *lab)
{
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        lab_stop(lab, markers[i]);
}

static _Noreturn void lab_out_of_memory(struct lab_ctx *lab, const char *what)
{
    lab_fact(lab, "oom", "%s failed: %s", what, strerror(errno));
    _exit(3);
}

/* True when malloc is glibc's: mallinfo2 sees a new block. A sanitizer's or another
 * allocator's malloc leaves glibc's counters alone. */
static bool glibc_malloc(void)
{
    struct mallinfo2 a = mallinfo2(), b;
    void *t = malloc(FRAG_BLOCK);

    b = mallinfo2();
    free(t);
    return t && b.uordblks > a.uordblks;
}

/* The block count: the option, bounded by MemAvailable. 0 (after stepping through every
 * marker) when the experiment cannot run here. */
static size_t nblocks(struct lab_ctx *lab)
{
    static char text[16384];
    const char *o = strstr(lab_option(lab), "blocks=");
    unsigned long asked = o ? strtoul(o + 7, NULL, 10) : FRAG_DEFAULT, n;
    struct sys_mem mem;

    if (procfile_read("/proc", "meminfo", text, sizeof text) < 0 ||
        sys_meminfo_parse(text, &mem) != 0) {
        lab_fact(lab, "skip", "/proc/meminfo is unreadable, so the lab cannot size itself");
        skip_all(lab);
        return 0;
    }
    lab_fact_u64(lab, "avail", mem.available);
    n = frag_blocks_for(mem.available, asked < FRAG_MIN ? FRAG_MIN : asked);
    if (n != asked)
        lab_fact(lab, "blocks.asked", "%lu", asked);
    if (n == 0) {
        lab_fact(lab, "skip", "MemAvailable is too low for even %u blocks", FRAG_MIN);
    } else if (!glibc_malloc()) {
        lab_fact(lab, "skip", "malloc in this build is not glibc's (a sanitizer build?)");
        n = 0;
    }
    if (n == 0)
        skip_all(lab);
    return n;
}

static void lab_tick(struct lab_ctx *lab, size_t i, size_t n)
{
    char text[64];

    if (n < 20 || (i + 1) % (n / 20) != 0)
        return;
    snprintf(text, sizeof text, "%zu of %zu blocks", i + 1, n);
    lab_progress(lab, (int)((i + 1) * 100 / n), text);
}

/* VmSize from /proc/self/status, bytes; 0 when unreadable. */
static rlim_t vm_bytes(void)
{
    struct pid_status st;

    memset(&st, 0, sizeof st);
    if (pid_status_read("/proc", getpid(), 0, &st) != 0)
        return 0;
    return (rlim_t)st.vm_size_kib * 1024;
}
