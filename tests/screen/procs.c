/* procs.c — descendants of the test process, read from /proc/PID/stat (procs.h). */
#include "tests/screen/procs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

/* How long procs_reap_orphans keeps reaping what its kills re-parent here. */
#define PROCS_REAP_MAX_MS 2000

/* The fields of one /proc/PID/stat line that matter here. */
struct proc {
    pid_t pid, ppid;
    char state;         /* R, S, D, Z, ... */
    char comm[32];
};

void procs_become_subreaper(void)
{
    static bool done;

    if (!done && prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) == 0)
        done = true;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads /proc/pid/stat. False if the process is gone. */
static bool proc_read(pid_t pid, struct proc *p)
{
    char path[64], buf[512];
    const char *lp, *rp;
    ssize_t n;
    int fd, ppid;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    /* "pid (comm) S ppid ...": comm may hold spaces and parentheses, so use the last ')' */
    lp = strchr(buf, '(');
    rp = strrchr(buf, ')');
    if (!lp || !rp || rp < lp || sscanf(rp + 1, " %c %d", &p->state, &ppid) != 2)
        return false;
    p->pid = pid;
    p->ppid = ppid;
    snprintf(p->comm, sizeof p->comm, "%.*s", (int)(rp - lp - 1), lp + 1);
    return true;
}

/* Every process in /proc into *out (caller frees). Returns the count or -errno. */
static int proc_list(struct proc **out)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0, cap = 256;

    if (!d)
        return -errno;
    *out = xmalloc((size_t)cap * sizeof **out);
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end || pid <= 0)
            continue;
        if (n == cap) {
            cap *= 2;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        if (proc_read((pid_t)pid, &(*out)[n]))
            n++;
    }
    closedir(d);
    return n;
}

int procs_children_of(pid_t pid, pid_t *out, int cap)
{
    struct proc *all;
    int n = proc_list(&all), found = 0;

    if (n < 0)
        return n;
    for (int i = 0; i < n && found < cap; i++) {
        if (all[i].ppid == pid)
            out[found++] = all[i].pid;
    }
    free(all);
    return found;
}

/* Marks in mine[] the descendants of self that no owned child leads to. */
static void mark_strays(const struct proc *all, int n, bool *mine, bool (*is_owned)(pid_t))
{
    pid_t self = getpid();
    bool grew = true;

    while (grew) {              /* grow the set one generation at a time until it stops */
        grew = false;
        for (int i = 0; i < n; i++) {
            if (mine[i] || all[i].pid == self)
                continue;
            if (all[i].ppid == self) {
                mine[i] = grew = !is_owned(all[i].pid);
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (mine[j] && all[j].pid == all[i].ppid) {
                    mine[i] = grew = true;
                    break;
                }
            }
        }
    }
}

/* Kills and reaps our children not owned until none are left or time is up. Killing a
 * process re-parents its own children here, so this loops. */
static void reap_strays(bool (*is_owned)(pid_t))
{
    long long give_up = now_ms() + PROCS_REAP_MAX_MS;
    pid_t kids[64];
    int n;

    while ((n = procs_children_of(getpid(), kids, 64)) > 0 && now_ms() < give_up) {
        int strays = 0;

        for (int i = 0; i < n; i++) {
            if (is_owned(kids[i]))
                continue;
            strays++;
            kill(kids[i], SIGKILL);
            waitpid(kids[i], NULL, WNOHANG);
        }
        if (!strays)
            break;
        nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    }
}

int procs_reap_orphans(bool (*is_owned)(pid_t child))
{
    struct proc *all;
    int n = proc_list(&all), count = 0;
    bool *mine;

    if (n < 0)
        return n;
    mine = xcalloc((size_t)n, sizeof *mine);
    mark_strays(all, n, mine, is_owned);
    for (int i = 0; i < n; i++) {
        if (!mine[i])
            continue;
        count++;
        fprintf(stderr, "orphan left behind: pid %d (%s) state %c, parent %d\n", (int)all[i].pid,
                all[i].comm, all[i].state, (int)all[i].ppid);
        kill(all[i].pid, SIGKILL);
    }
    free(mine);
    free(all);
    reap_strays(is_owned);
    return count;
}
