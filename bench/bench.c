/* bench.c — shared by the benchmark programs (bench.h). */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin = "./oscope";
static char home[] = "/tmp/oscope-bench-home.XXXXXX";
static char home_env[64];
static const char *env_list[] = { home_env, "XDG_CONFIG_HOME=", "XDG_STATE_HOME=", NULL };

void bench_init(void)
{
    const char *b = getenv("OSCOPE_BIN");

    if (b && *b)
        bin = b;
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(home)) {
        perror("bench: mkdtemp");
        exit(1);
    }
    snprintf(home_env, sizeof home_env, "HOME=%s", home);
}

void bench_done(void)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", home);
}

const char *bench_bin(void)
{
    return bin;
}

int bench_scene_ids(char ids[][32], int cap)
{
    char cmd[600], line[512];
    FILE *f;
    int n = 0;

    snprintf(cmd, sizeof cmd, "'%s' --list", bin);
    if (!(f = popen(cmd, "r")))
        return 0;
    while (n < cap && fgets(line, sizeof line, f))
        if (sscanf(line, "%31s", ids[n]) == 1)
            n++;
    pclose(f);
    return n;
}

bool bench_watch_built(void)
{
    pid_t pid;
    int st;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execl(bin, bin, "watch", "-b", "-n", "1", "-d", "0.1", (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

struct pr *bench_spawn(int rows, int cols, const char *const argv[])
{
    struct pr *p = pr_spawn(rows, cols, argv, env_list);

    if (!p) {
        fprintf(stderr, "bench: cannot start %s: %s\n", argv[0], strerror(errno));
        exit(1);
    }
    return p;
}

void bench_quit(struct pr *p)
{
    pr_char(p, 'q');
    if (pr_finish(p, 3000) == -1)
        fprintf(stderr, "bench: pid %d did not quit on q; killed\n", (int)pr_pid(p));
    pr_free(p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
