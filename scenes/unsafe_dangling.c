/* unsafe_dangling.c — the lab of the scene "dangling": a pointer kept after free, the block
 * handed to another owner, a write through the stale pointer. The use-after-free is on
 * purpose, so this file is built without sanitizers; the same code built with
 * AddressSanitizer (scenes/asan/uaf_demo.c) is run by the last step. */
#include "scenes/dangling.h"

#include <dlfcn.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wuse-after-free" /* the lesson of this file */
#endif

#define DEMO_WAIT_MS 15000

/* Which library the malloc in use comes from ("libc.so.6", or "libasan.so.8" in a sanitizer
 * build of oscope), so the scene knows whose bookkeeping it is looking at. */
static void lab_report_allocator(struct lab_ctx *lab)
{
    Dl_info info;
    const char *lib = "unknown";

    if (dladdr((const void *)(uintptr_t)malloc, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        lib = slash ? slash + 1 : info.dli_fname;
    }
    lab_fact(lab, "malloc.from", "%s", lib);
    lab_fact(lab, "libc.version", "%s", gnu_get_libc_version());
}

/* The AddressSanitizer build of the lab code: next to this program (build/san/oscope), in the
 * build tree of a top-level ./oscope, or installed in ../libexec/oscope. 0 or -ENOENT. */
static int find_demo(char *path, size_t cap)
{
    static const char *const where[] = { "", "/build/rel", "/../libexec/oscope" };
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return -errno;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        snprintf(path, cap, "%s%s/%s", exe, where[i], DANGLING_ASAN_DEMO);
        if (access(path, X_OK) == 0)
            return 0;
    }
    return -ENOENT;
}

/* In the demo's child: no address-space cap (ASan reserves terabytes of shadow it never
 * touches; CPU time and the wait below still bound it), die with the lab, exec. */
static void exec_demo(const char *path)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_AS, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_AS, &rl);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setenv("ASAN_OPTIONS", "color=never:detect_leaks=0", 1);
    execl(path, DANGLING_ASAN_DEMO, (char *)NULL);
    dprintf(2, "%s: cannot run it: %s\n", DANGLING_ASAN_DEMO, strerror(errno));
    _exit(127);
}

/* Waits for the demo up to DEMO_WAIT_MS, then kills it. Its waitpid status, or -1. */
static int wait_demo(pid_t pid)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    int status;

    for (int ms = 0; ms < DEMO_WAIT_MS; ms += 10) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* Runs the AddressSanitizer build with its stderr on the lab's output (where oscope reads
 * the report) and reports how it ended. */
static void run_asan_demo(struct lab_ctx *lab)
{
    char path[PATH_MAX + 64];
    pid_t pid;
    int status;

    if (find_demo(path, sizeof path) != 0) {
        lab_fact(lab, "asan.found", "0");
        return;
    }
    lab_fact(lab, "asan.found", "1");
    pid = fork();
    if (pid < 0) {
        lab_fact(lab, "asan.status", "fork failed: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        exec_demo(path);
    status = wait_demo(pid);
    if (status == -1)
        lab_fact(lab, "asan.status", "stopped after %d s", DEMO_WAIT_MS / 1000);
    else if (WIFEXITED(status))
        lab_fact(lab, "asan.status", "exit %d", WEXITSTATUS(status));
    else
        lab_fact(lab, "asan.status", "signal %d", WTERMSIG(status));
}

/* LAB-BEGIN */
/* Another part of the program,
 * which wants an int of its own. */
__attribute__((noinline))
static int *other_part(void)
{
    int *mine = malloc(sizeof *mine);
    if (!mine)
        exit(1);
    *mine = 7;
    return mine;
}

void dangling_lab(struct lab_ctx *lab)
{
    lab_report_allocator(lab);
    int *p2 = malloc(sizeof *p2);
    if (!p2)
        return;
    *p2 = 20;
    lab_fact_ptr(lab, "p2.addr", &p2);
    lab_fact_ptr(lab, "p2", p2);
    lab_fact_ptr(lab, "blk", p2);
    lab_fact(lab, "blk.val", "%d", *p2);
    lab_stop(lab, "malloc");
    int *p3 = p2;
    lab_fact_ptr(lab, "p3.addr", &p3);
    lab_fact_ptr(lab, "p3", p3);
    lab_stop(lab, "alias");
    free(p2);
    lab_fact_ptr(lab, "p2", p2);
    lab_fact_ptr(lab, "p3", p3);
    lab_fact(lab, "freed", "1");
    lab_stop(lab, "free");
    /* peek at the dead block */
    volatile uint64_t *raw =
        (volatile uint64_t *)p3;
    uint64_t word0 = raw[0];
    uint64_t word1 = raw[1];
    lab_fact(lab, "raw0", "0x%016llx", (unsigned long long)word0);
    lab_fact(lab, "raw1", "0x%016llx", (unsigned long long)word1);
    lab_stop(lab, "peek");
    p2 = NULL;
    lab_fact_ptr(lab, "p2", p2);
    lab_stop(lab, "null");
    int *mine = other_part();
    lab_fact_ptr(lab, "mine.addr", &mine);
    lab_fact_ptr(lab, "mine", mine);
    lab_fact(lab, "mine.val", "%d", *mine);
    lab_stop(lab, "reuse");
    *p3 = 50;
    int got = *mine;
    lab_fact(lab, "got", "%d", got);
    lab_stop(lab, "write");
    /* the same code, built with
     * -fsanitize=address */
    run_asan_demo(lab);
    lab_stop(lab, "asan");
}
/* LAB-END */
