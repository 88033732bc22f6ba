/* fragmentation_map.c — the lab's own map of its blocks for the scene "fragmentation":
 * their addresses sorted, the free runs between them, the heap and the pools as cells,
 * reported as facts. Runs inside the lab; keeps its arrays out of the heap it measures. */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probes/pidinfo.h"
#include "probes/procfile.h"
#include "scenes/facts.h"
#include "scenes/fragmentation.h"

/* The lab's own record of its blocks, kept in mmap'd arrays so that keeping it does not
 * touch the heap it describes. */
static struct {
    uintptr_t *addr;     /* each block's address, in allocation order */
    size_t *order;       /* block indices sorted by address */
    unsigned char *slot; /* scratch: one state per pool slot */
    size_t n, usable, stride;
} bm;

static void *map_array(size_t bytes)
{
    void *a = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return a == MAP_FAILED ? NULL : a;
}

static bool addr_less(size_t a, size_t b)
{
    return bm.addr[a] < bm.addr[b];
}

/* Heapsort of bm.order by address: qsort may malloc, and the heap is what we measure. */
static void sift(size_t *v, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && addr_less(v[child], v[child + 1]))
            child++;
        if (!addr_less(v[root], v[child]))
            return;
        size_t t = v[root];
        v[root] = v[child];
        v[child] = t;
    }
}

static void sort_by_address(size_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift(v, i, n);
    for (size_t end = n; end-- > 1;) {
        size_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift(v, 0, end);
    }
}

void frag_note_blocks(struct lab_ctx *lab, char **p, size_t n)
{
    size_t adjacent = 0;

    bm.addr = map_array(n * sizeof *bm.addr);
    bm.order = map_array(n * sizeof *bm.order);
    bm.slot = map_array(n);
    if (!bm.addr || !bm.order || !bm.slot) {
        lab_fact(lab, "oom", "mmap failed: %s", strerror(errno));
        _exit(3);
    }
    bm.n = n;
    bm.usable = malloc_usable_size(p[0]);
    for (size_t i = 0; i < n; i++) {
        bm.addr[i] = (uintptr_t)p[i];
        bm.order[i] = i;
    }
    bm.stride = bm.addr[n / 2 + 1] - bm.addr[n / 2];
    for (size_t i = 1; i < n; i++)
        adjacent += bm.addr[i] - bm.addr[i - 1] == bm.stride;
    sort_by_address(bm.order, n);
    lab_fact(lab, "blocks", "%zu %zu %zu %zu", n, bm.usable, bm.stride, adjacent);
    lab_fact_ptr(lab, "p1", p[1]);
    lab_fact_ptr(lab, "plast", p[n - 1]);
}

/* [heap] from /proc/self/maps; 0, 0 when there is none. After fork the kernel lists the
 * heap the lab inherited and the part it grew since as two [heap] lines: take both. */
static void heap_range(uint64_t *lo, uint64_t *hi)
{
    static char text[1 << 18];
    const char *h = text, *line;
    uint64_t a, b;

    *lo = *hi = 0;
    if (procfile_read("/proc", "self/maps", text, sizeof text) < 0)
        return;
    while ((h = strstr(h, "[heap]"))) {
        for (line = h; line > text && line[-1] != '\n'; line--)
            ;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64, &a, &b) == 2) {
            *lo = *lo == 0 || a < *lo ? a : *lo;
            *hi = b > *hi ? b : *hi;
        }
        h += 6;
    }
}

/* The end of the highest live block, or 0. */
static uint64_t live_top(char **p)
{
    for (size_t k = bm.n; k-- > 0;)
        if (p[bm.order[k]])
            return bm.addr[bm.order[k]] + bm.usable;
    return 0;
}

/* The largest free run in the heap by the lab's own map: freed blocks that lie exactly
 * a stride apart join into one run; the space above the highest live block is one too. */
static uint64_t largest_run(char **p, uint64_t heap_hi)
{
    uint64_t best = 0, cur = 0, top = live_top(p);
    uintptr_t prev = 0;

    for (size_t k = 0; k < bm.n; k++) {
        size_t i = bm.order[k];
        if (p[i]) {
            cur = 0;
        } else {
            cur = cur && bm.addr[i] == prev + bm.stride ? cur + bm.stride : bm.stride;
            best = cur > best ? cur : best;
        }
        prev = bm.addr[i];
    }
    if (top && heap_hi > top && heap_hi - top > best)
        best = heap_hi - top;
    return best;
}

/* "uordblks fordblks arena VmRSS-KiB VmSize-KiB heap-lo heap-hi largest-run|-" */
void frag_report_point(struct lab_ctx *lab, const char *name, char **p)
{
    struct mallinfo2 mi = mallinfo2();
    struct pid_status st;
    uint64_t lo, hi;
    char run[24] = "-";

    memset(&st, 0, sizeof st);
    pid_status_read("/proc", getpid(), 0, &st);
    heap_range(&lo, &hi);
    if (p)
        snprintf(run, sizeof run, "%" PRIu64, largest_run(p, hi));
    lab_fact(lab, name, "%zu %zu %zu %" PRIu64 " %" PRIu64 " 0x%" PRIx64 " 0x%" PRIx64 " %s",
             mi.uordblks, mi.fordblks, mi.arena, st.vm_rss_kib, st.vm_size_kib, lo, hi, run);
}

static void mark(unsigned char *cells, uint64_t lo, uint64_t cell, uint64_t a, uint64_t b,
                 unsigned char bit)
{
    for (uint64_t c = (a - lo) / cell; c <= (b - 1 - lo) / cell && c < FRAG_CELLS; c++)
        cells[c] |= bit;
}

static void send_cells(struct lab_ctx *lab, const char *name, uint64_t lo, uint64_t hi,
                       const unsigned char *cells)
{
    char hex[FRAG_CELLS + 1];

    for (int c = 0; c < FRAG_CELLS; c++)
        hex[c] = "0123456789abcdef"[cells[c] & 15];
    hex[FRAG_CELLS] = '\0';
    lab_fact(lab, name, "0x%" PRIx64 " 0x%" PRIx64 " %s", lo, hi, hex);
}

/* The heap as FRAG_CELLS cells, each a hex digit: bit 1 holds a live block's bytes, bit 2
 * a freed block's or the free space above the last live block; 0 neither. */
void frag_report_heap(struct lab_ctx *lab, const char *name, char **p)
{
    unsigned char cells[FRAG_CELLS] = { 0 };
    uint64_t lo, hi, cell, top = live_top(p);

    heap_range(&lo, &hi);
    if (hi <= lo)
        return;
    cell = (hi - lo + FRAG_CELLS - 1) / FRAG_CELLS;
    for (size_t i = 0; i < bm.n; i++)
        if (bm.addr[i] >= lo && bm.addr[i] + bm.usable <= hi)
            mark(cells, lo, cell, bm.addr[i], bm.addr[i] + bm.usable, p[i] ? 1 : 2);
    if (top >= lo && top < hi)
        mark(cells, lo, cell, top, hi, 2);
    send_cells(lab, name, lo, hi, cells);
}

/* FRAG_ZOOM blocks from the middle, one character each (1 live, 0 freed), with the first
 * one's address and how many lie a stride after the one before. */
void frag_report_zoom(struct lab_ctx *lab, char **p)
{
    size_t m = (bm.n / 2) & ~(size_t)1, adj = 0;
    char bits[FRAG_ZOOM + 1];

    for (size_t k = 0; k < FRAG_ZOOM; k++) {
        bits[k] = p[m + k] ? '1' : '0';
        adj += k > 0 && bm.addr[m + k] == bm.addr[m + k - 1] + bm.stride;
    }
    bits[FRAG_ZOOM] = '\0';
    lab_fact(lab, "zoom", "0x%" PRIxPTR " %zu %s", bm.addr[m], adj, bits);
}

/* The pools' region as cells: bit 1 an object's slot, bit 2 a free slot, bit 4 the big
 * buffer carved out. Also "area slots carved-bytes run". */
void frag_report_pools(struct lab_ctx *lab, char *area, void *temp_free, void *keep_free,
                       const char *run, size_t bytes)
{
    void *heads[2] = { temp_free, keep_free };
    unsigned char cells[FRAG_CELLS] = { 0 };
    size_t n = bm.n, k = (bytes + FRAG_BLOCK - 1) / FRAG_BLOCK;

    memset(bm.slot, 1, n);
    for (int i = 0; i < 2; i++)
        for (void *const *s = heads[i]; s; s = *s)
            bm.slot[((const char *)s - area) / FRAG_BLOCK] = 2;
    for (size_t j = 0; run && j < k; j++)
        bm.slot[(size_t)(run - area) / FRAG_BLOCK + j] = 4;
    for (size_t i = 0; i < n; i++)
        cells[i * FRAG_CELLS / n] |= bm.slot[i];
    lab_fact(lab, "pool", "0x%" PRIxPTR " %zu %zu 0x%" PRIxPTR, (uintptr_t)area, n,
             run ? k * FRAG_BLOCK : 0, (uintptr_t)run);
    send_cells(lab, "grid.P", (uint64_t)(uintptr_t)area,
               (uint64_t)(uintptr_t)area + n * FRAG_BLOCK, cells);
}

/* Reports "usable": "asked:usable" pairs. */
void frag_report_usable(struct lab_ctx *lab, const size_t *ask, const size_t *got, size_t n)
{
    char list[FACT_VALUE_MAX] = "";
    size_t len = 0;

    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%zu:%zu", i ? " " : "", ask[i],
                                got[i]);
    lab_fact(lab, "usable", "%s", list);
}
