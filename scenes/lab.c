/* lab.c — forking, feeding and reaping labs (parent side). The child side, what lab code
 * calls, is in labctx.c. */
#include "scenes/lab.h"
#include "scenes/labctx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/xalloc.h"

#include "scenes/lab_priv.h"

/* Live lab pids, for lab_kill_all from signal handlers and fatal paths. */
static volatile pid_t live[LAB_MAX_LIVE];
static struct lab *live_labs[LAB_MAX_LIVE];

static void track(struct lab *l)
{
    for (int i = 0; i < LAB_MAX_LIVE; i++)
        if (!live[i]) {
            live[i] = l->pid;
            live_labs[i] = l;
            return;
        }
}

static void untrack(const struct lab *l)
{
    for (int i = 0; i < LAB_MAX_LIVE; i++)
        if (live_labs[i] == l) {
            live[i] = 0;
            live_labs[i] = NULL;
        }
}

void lab_kill_all(void)
{
    for (int i = 0; i < LAB_MAX_LIVE; i++) {
        pid_t p = live[i];
        if (p > 0) {
            kill(-p, SIGKILL);
            kill(p, SIGKILL);
        }
    }
}

void lab_destroy_all(void)
{
    for (int i = 0; i < LAB_MAX_LIVE; i++)
        if (live_labs[i])
            lab_destroy(live_labs[i]);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    if (dir[0])
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void set_limit(int res, uint64_t v)
{
    struct rlimit rl;

    if (getrlimit(res, &rl) != 0)
        return;
    if (rl.rlim_max != RLIM_INFINITY && v > rl.rlim_max)
        v = rl.rlim_max;
    rl.rlim_cur = v; /* the soft limit only: a lab may tighten its own further */
    setrlimit(res, &rl);
}

#if defined(__SANITIZE_ADDRESS__)
#define LAB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LAB_SANITIZED 1
#endif
#endif
#ifndef LAB_SANITIZED
#define LAB_SANITIZED 0
#endif

bool lab_sanitized(void)
{
    return LAB_SANITIZED;
}

static void apply_limits(const struct lab_limits *lim)
{
    /* AddressSanitizer reserves terabytes of shadow address space up front, so an
     * address-space limit would stop it from mapping anything: sanitizer builds (for
     * testing oscope itself) run labs without RLIMIT_AS. */
    if (!lab_sanitized())
        set_limit(RLIMIT_AS, lim && lim->as_bytes ? lim->as_bytes : (uint64_t)1 << 30);
    set_limit(RLIMIT_CPU, lim && lim->cpu_s ? lim->cpu_s : 120);
    set_limit(RLIMIT_NOFILE, lim && lim->nofile ? lim->nofile : 64);
    set_limit(RLIMIT_FSIZE, lim && lim->fsize ? lim->fsize : (uint64_t)64 << 20);
    set_limit(RLIMIT_CORE, 0);
    if (lim && lim->stack)
        set_limit(RLIMIT_STACK, lim->stack);
}

/* In the child: everything the lab must not inherit from oscope. */
static void child_setup(pid_t parent, int fact_w, int cmd_r, int out_w, const char *dir)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGCHLD,
                                SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM, SIGSEGV,
                                SIGBUS, SIGUSR1, SIGUSR2 };
    sigset_t none;
    int devnull;

    setpgid(0, 0); /* its own group: terminal signals go to oscope, which ends the lab */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    dup2(out_w, 1);
    dup2(out_w, 2);
    /* Close every other descriptor (oscope's terminal, its other labs' pipes). */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != fact_w && fd != cmd_r)
            close(fd);
    if (chdir(dir) != 0)
        _exit(127);
    setenv("TMPDIR", dir, 1);
}

/* Makes the lab's private directory in l->tmpdir: inside want when given and usable,
 * else under $TMPDIR or /tmp. 0 or -errno. */
static int make_private_dir(struct lab *l, const char *want)
{
    const char *tmp = getenv("TMPDIR");
    char *abs = want && *want ? realpath(want, NULL) : NULL;

    if (abs) {
        snprintf(l->tmpdir, sizeof l->tmpdir, "%s/oscope-lab.%d.XXXXXX", abs, (int)getpid());
        free(abs);
        if (strlen(l->tmpdir) < sizeof l->tmpdir - 1 && mkdtemp(l->tmpdir))
            return 0;
    }
    if (!tmp || !*tmp || access(tmp, W_OK) != 0)
        tmp = "/tmp";
    /* Named after oscope's pid, so a later oscope can tell a stale one (see lab_sweep). */
    snprintf(l->tmpdir, sizeof l->tmpdir, "%s/oscope-lab.%d.XXXXXX", tmp, (int)getpid());
    return mkdtemp(l->tmpdir) ? 0 : -errno;
}

int lab_start(struct lab **out, lab_fn fn, const struct lab_limits *limits, const char *opt)
{
    return lab_start_in(out, fn, limits, opt, NULL);
}

int lab_start_in(struct lab **out, lab_fn fn, const struct lab_limits *limits, const char *opt,
                 const char *parent_dir)
{
    /* Writing "next" to a lab that just died must be an error to report, not SIGPIPE
     * ending oscope (or --export, which has no other handlers). */
    signal(SIGPIPE, SIG_IGN);
    int fpipe[2], cpipe[2], opipe[2];
    pid_t parent = getpid(), pid;
    struct lab *l = xcalloc(1, sizeof *l);
    int err;

    if ((err = make_private_dir(l, parent_dir)) != 0) {
        free(l);
        return err;
    }
    if (pipe2(fpipe, O_CLOEXEC) != 0)
        goto out_rmdir;
    if (pipe2(cpipe, O_CLOEXEC) != 0)
        goto out_close_f;
    if (pipe2(opipe, O_CLOEXEC) != 0)
        goto out_close_c;

    pid = fork();
    if (pid < 0)
        goto out_close_o;
    if (pid == 0) {
        struct lab_ctx ctx = { .fact_fd = fpipe[1], .cmd_fd = cpipe[0] };

        close(fpipe[0]);
        close(cpipe[1]);
        close(opipe[0]);
        child_setup(parent, fpipe[1], cpipe[0], opipe[1], l->tmpdir);
        close(opipe[1]);
        snprintf(ctx.tmpdir, sizeof ctx.tmpdir, "%s", l->tmpdir);
        snprintf(ctx.option, sizeof ctx.option, "%s", opt ? opt : "");
        apply_limits(limits);
        fn(&ctx);
        labctx_finish(&ctx);
        _exit(0);
    }
    close(fpipe[1]);
    close(cpipe[0]);
    close(opipe[1]);
    l->pid = pid;
    l->fact_fd = fpipe[0];
    l->cmd_fd = cpipe[1];
    l->out_fd = opipe[0];
    fcntl(l->fact_fd, F_SETFL, O_NONBLOCK);
    fcntl(l->out_fd, F_SETFL, O_NONBLOCK);
    l->out = xcalloc(1, 1);
    track(l);
    *out = l;
    return 0;

out_close_o:
    err = -errno;
    close(opipe[0]);
    close(opipe[1]);
    errno = -err;
out_close_c:
    err = -errno;
    close(cpipe[0]);
    close(cpipe[1]);
    errno = -err;
out_close_f:
    err = -errno;
    close(fpipe[0]);
    close(fpipe[1]);
    errno = -err;
out_rmdir:
    err = -errno;
    rmdir(l->tmpdir);
    free(l);
    return err;
}

int lab_sweep(void)
{
    const char *tmp = getenv("TMPDIR");
    DIR *d;
    struct dirent *e;
    int removed = 0;

    if (!tmp || !*tmp || access(tmp, W_OK) != 0)
        tmp = "/tmp";
    d = opendir(tmp);
    if (!d)
        return 0;
    while ((e = readdir(d))) {
        char path[512];
        struct stat sb;
        int pid;

        if (sscanf(e->d_name, "oscope-lab.%d.", &pid) != 1 || pid <= 0)
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH)
            continue; /* its oscope is alive (or not ours to judge) */
        snprintf(path, sizeof path, "%s/%s", tmp, e->d_name);
        if (lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != getuid())
            continue;
        remove_tree(path);
        removed++;
    }
    closedir(d);
    return removed;
}

pid_t lab_pid(const struct lab *l)
{
    return l->pid;
}

int lab_fd(const struct lab *l)
{
    return l->eof ? -1 : l->fact_fd;
}

int lab_out_fd(const struct lab *l)
{
    return l->out_fd;
}

const char *lab_dir(const struct lab *l)
{
    return l->tmpdir;
}

int lab_try_reap(struct lab *l, int *status)
{
    if (!l->reaped) {
        pid_t r = waitpid(l->pid, &l->status, WNOHANG);
        if (r == 0)
            return 0;
        if (r < 0 && errno != ECHILD)
            return 0;
        l->reaped = true;
        untrack(l);
        /* Anything it started in its group goes with it. */
        kill(-l->pid, SIGKILL);
    }
    if (status)
        *status = l->status;
    return 1;
}

bool lab_exited(const struct lab *l, int *status)
{
    if (l->reaped && status)
        *status = l->status;
    return l->reaped;
}

void lab_destroy(struct lab *l)
{
    if (!l)
        return;
    if (!l->reaped) {
        kill(-l->pid, SIGKILL);
        kill(l->pid, SIGKILL);
        while (waitpid(l->pid, &l->status, 0) < 0 && errno == EINTR)
            ;
        l->reaped = true;
    }
    untrack(l);
    close(l->fact_fd);
    close(l->cmd_fd);
    if (l->out_fd >= 0)
        close(l->out_fd);
    remove_tree(l->tmpdir);
    free(l->out);
    free(l);
}
