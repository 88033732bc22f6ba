/* unsafe_recursion.c — the lab of the scene "recursion": one real stack frame per call, then
 * a recursion with no end until the kernel refuses to grow the stack (a stack overflow on
 * purpose, caught by a SIGSEGV handler running on a stack of its own), then the same depth
 * as a loop. Built without sanitizers. */
#include "scenes/recursion.h"

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static struct lab_ctx *g_lab;
static bool g_stepping;            /* the first run stops in every frame */
static uintptr_t g_loop_first, g_loop_last;
static unsigned long g_loop_moved; /* rounds whose data was not where round 1's was */

/* Where one frame of recursive() keeps n and data, and the frame's own address. */
__attribute__((noinline))
static void lab_frame(int n, const int *np, const int *dp, const void *frame)
{
    char name[FACT_NAME_MAX];

    snprintf(name, sizeof name, "d%d.n", n);
    lab_fact(g_lab, name, "%d", *np);
    snprintf(name, sizeof name, "d%d.n.addr", n);
    lab_fact_ptr(g_lab, name, np);
    snprintf(name, sizeof name, "d%d.data", n);
    lab_fact(g_lab, name, "%d", *dp);
    snprintf(name, sizeof name, "d%d.data.addr", n);
    lab_fact_ptr(g_lab, name, dp);
    snprintf(name, sizeof name, "d%d.frame", n);
    lab_fact_ptr(g_lab, name, frame);
    lab_fact(g_lab, "depth", "%d", n);
}

/* Remembers where the loop's data was, without reporting every round. */
static void lab_loop_round(int n, const int *dp)
{
    if (n == 1)
        g_loop_first = (uintptr_t)dp;
    else if ((uintptr_t)dp != g_loop_first)
        g_loop_moved++;
    g_loop_last = (uintptr_t)dp;
}

/* VmStk of this process in KiB, from /proc/self/status; 0 when unreadable. */
static unsigned long lab_vmstk_kib(void)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    const char *s;

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    s = strstr(buf, "\nVmStk:");
    return s ? strtoul(s + 7, NULL, 10) : 0;
}

static void lab_report_limit(struct lab_ctx *lab)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lab_fact_u64(lab, "stack.limit", (uint64_t)rl.rlim_cur);
    else
        lab_fact(lab, "stack.limit", "unlimited");
}

/* LAB-BEGIN */
static int depth_max = 5;
static volatile int depth_now;
static volatile uintptr_t low;

__attribute__((noinline))
static int recursive(int n)
{
    int data = 10;
    depth_now = n;
    low = (uintptr_t)&data;
    if (g_stepping) { /*@hide*/
        lab_frame(n, &n, &data, __builtin_frame_address(0));
        lab_stop(g_lab, "depth");
    } /*@hide*/
    if (n == depth_max)
        return data;
    return recursive(n + 1) + data;
}

__attribute__((noinline))
static int looped(int last)
{
    int total = 0;
    for (int n = 1; n <= last; n++) {
        int data = 10;
        lab_loop_round(n, &data);
        total += data;
    }
    return total;
}

static char alt[64 * 1024];
static sigjmp_buf back;

static void on_segv(int sig,
        siginfo_t *si, void *uc)
{
    (void)sig; /*@hide*/
    (void)uc; /*@hide*/
    int here; /* inside alt[] */
    lab_fact_u64_sigsafe(g_lab, "ovf.addr", (uint64_t)(uintptr_t)si->si_addr);
    lab_fact_u64_sigsafe(g_lab, "ovf.code", (uint64_t)si->si_code);
    lab_fact_u64_sigsafe(g_lab, "ovf.depth", (uint64_t)depth_now);
    lab_fact_u64_sigsafe(g_lab, "ovf.low", (uint64_t)low);
    lab_fact_u64_sigsafe(g_lab, "ovf.here", (uint64_t)(uintptr_t)&here);
    lab_stop_sigsafe(g_lab, "overflow");
    siglongjmp(back, 1);
}

void recursion_lab(struct lab_ctx *lab)
{
    g_lab = lab; /*@hide*/
    lab_report_limit(lab);
    g_stepping = true; /*@hide*/
    recursive(1);
    g_stepping = false; /*@hide*/

    /* no end: to the stack limit */
    stack_t ss = { 0 };
    ss.ss_sp = alt;
    ss.ss_size = sizeof alt;
    sigaltstack(&ss, NULL);
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO
                | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(back, 1) == 0) {
        depth_max = INT_MAX;
        recursive(1);
    }

    /* same depth, as a loop */
    lab_fact_u64(lab, "loop.vmstk0", lab_vmstk_kib());
    looped(depth_now);
    lab_fact_u64(lab, "loop.rounds", (uint64_t)depth_now);
    lab_fact_ptr(lab, "loop.first", (const void *)g_loop_first);
    lab_fact_ptr(lab, "loop.last", (const void *)g_loop_last);
    lab_fact_u64(lab, "loop.moved", g_loop_moved);
    lab_fact_u64(lab, "loop.vmstk1", lab_vmstk_kib());
    lab_stop(lab, "loop");
}
/* LAB-END */
