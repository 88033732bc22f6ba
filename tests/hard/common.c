/* common.c — helpers of the robustness tests (common.h). */
#include "tests/hard/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Other places a scene may put its lab's directory (page-cache: dir=/var/tmp, /dev/shm). */
static const char *const shared_dirs[] = { "/var/tmp", "/dev/shm" };
#define BASELINE_MAX 256
static char baseline[BASELINE_MAX][64];
static int nbaseline;

int hard_scene_ids(char ids[][32], int cap)
{
    char cmd[4200], line[512];
    FILE *f;
    int n = 0;

    snprintf(cmd, sizeof cmd, "'%s' --list", vt_bin());
    if (!(f = popen(cmd, "r")))
        return 0;
    while (n < cap && fgets(line, sizeof line, f))
        if (sscanf(line, "%31s", ids[n]) == 1)
            n++;
    if (pclose(f) != 0 || n == 0) {
        /* a suite that found no scenes would pass without testing anything */
        fprintf(stderr, "FATAL: '%s --list' gave no scenes\n", vt_bin());
        exit(1);
    }
    return n;
}

bool hard_watch_built(void)
{
    static int known = -1;
    pid_t pid;
    int st;

    if (known >= 0)
        return known;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execl(vt_bin(), vt_bin(), "watch", "-b", "-n", "1", "-d", "0.1", (char *)NULL);
        _exit(127);
    }
    known = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return known;
}

static bool in_baseline(const char *name)
{
    for (int i = 0; i < nbaseline; i++)
        if (strcmp(baseline[i], name) == 0)
            return true;
    return false;
}

/* Calls fn on every oscope-lab.* entry of dir. */
static int each_lab_dir(const char *dir, void (*fn)(const char *dir, const char *name, int *n), int *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "oscope-lab.", 11) == 0)
            fn(dir, e->d_name, n);
    closedir(d);
    return *n;
}

static void remember(const char *dir, const char *name, int *n)
{
    (void)n;
    if (nbaseline < BASELINE_MAX)
        snprintf(baseline[nbaseline++], sizeof baseline[0], "%.20s/%.40s", dir, name);
}

static void report_new(const char *dir, const char *name, int *n)
{
    char key[64];

    snprintf(key, sizeof key, "%.20s/%.40s", dir, name);
    if (in_baseline(key))
        return;
    fprintf(stderr, "left behind: %s/%s\n", dir, name);
    ++*n;
}

/* Directories made by hard_dir_new and not freed yet (a failed test leaves them). */
#define LIVE_DIRS 16
static char live_dirs[LIVE_DIRS][128];

static void track_dir(const char *path, bool add)
{
    for (int i = 0; i < LIVE_DIRS; i++) {
        if (add && !live_dirs[i][0]) {
            snprintf(live_dirs[i], sizeof live_dirs[i], "%s", path);
            return;
        }
        if (!add && strcmp(live_dirs[i], path) == 0) {
            live_dirs[i][0] = '\0';
            return;
        }
    }
}

bool hard_dir_new(struct hard_dir *d)
{
    int unused = 0;

    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s/oscope-hard.XXXXXX",
             getenv("HARD_TMP") && *getenv("HARD_TMP") ? getenv("HARD_TMP") : "/tmp");
    if (!mkdtemp(d->path)) {
        fprintf(stderr, "hard: mkdtemp %s: %s\n", d->path, strerror(errno));
        return false;
    }
    snprintf(d->tmpdir_env, sizeof d->tmpdir_env, "TMPDIR=%s", d->path);
    snprintf(d->home_env, sizeof d->home_env, "HOME=%s", d->path);
    snprintf(d->state_env, sizeof d->state_env, "XDG_STATE_HOME=%s/state", d->path);
    d->env[0] = d->tmpdir_env;
    d->env[1] = d->home_env;
    d->env[2] = d->state_env;
    d->env[3] = NULL;
    track_dir(d->path, true);
    nbaseline = 0;
    for (size_t i = 0; i < sizeof shared_dirs / sizeof shared_dirs[0]; i++)
        each_lab_dir(shared_dirs[i], remember, &unused);
    return true;
}

int hard_dir_leftovers(const struct hard_dir *d)
{
    int n = 0;

    each_lab_dir(d->path, report_new, &n);
    for (size_t i = 0; i < sizeof shared_dirs / sizeof shared_dirs[0]; i++)
        each_lab_dir(shared_dirs[i], report_new, &n);
    return n;
}

/* Detaches every mount at or below dir (a test may mount a small tmpfs there). */
static void unmount_under(const char *dir)
{
    char line[1024], mnt[512];
    size_t n = strlen(dir);
    FILE *f = fopen("/proc/self/mounts", "r");

    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%*s %511s", mnt) == 1 && strncmp(mnt, dir, n) == 0 &&
            (mnt[n] == '/' || mnt[n] == '\0'))
            umount2(mnt, MNT_DETACH);
    fclose(f);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void hard_dir_free(struct hard_dir *d)
{
    if (d->path[0]) {
        unmount_under(d->path);
        nftw(d->path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        track_dir(d->path, false);
    }
    d->path[0] = '\0';
}

void hard_dir_free_all(void)
{
    for (int i = 0; i < LIVE_DIRS; i++) {
        struct hard_dir d;

        if (!live_dirs[i][0])
            continue;
        memcpy(d.path, live_dirs[i], sizeof d.path);    /* same size, terminated */
        hard_dir_free(&d);
    }
}

struct vt *hard_start(int rows, int cols, const char *const env[], const char *const args[])
{
    const char *argv[16];
    int n = 0;

    argv[n++] = vt_bin();
    for (int i = 0; args && args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return vt_spawn(rows, cols, argv, env);
}

void hard_pump(struct vt *vt, int ms)
{
    /* a needle no screen shows: vt_wait_text then just reads output until the deadline */
    vt_wait_text(vt, "\x01\x02", ms);
}

/* Waits up to ms for the screen to differ from before. */
static bool changed_within(struct vt *vt, const char *before, int ms)
{
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char *now;
        bool diff;
        long el;

        hard_pump(vt, 10);
        now = vt_screen(vt);
        diff = strcmp(now, before) != 0;
        free(now);
        if (diff)
            return true;
        clock_gettime(CLOCK_MONOTONIC, &t);
        el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (el >= ms || !os_alive(vt_pid(vt)))
            return false;
    }
}

/* Sends one key and checks the screen changes. */
static bool toggles(struct vt *vt, unsigned int key, int ms)
{
    char *before;
    bool ok;

    vt_settle(vt, 20);
    before = vt_screen(vt);
    vt_key_char(vt, key);
    ok = changed_within(vt, before, ms);
    free(before);
    return ok;
}

bool hard_answers(struct vt *vt, int ms)
{
    /* '?' opens help, and any key closes it: two presses change the screen twice
     * whichever way it was, and leave it as it was. A fuzzed Esc or a cut-short sequence
     * may have come last: wait out the terminal's ESCDELAY first, or curses reads the probe
     * as part of it (Alt-?) and the probe proves nothing. */
    hard_pump(vt, 150);
    if (toggles(vt, '?', ms) && toggles(vt, '?', ms))
        return true;
    fprintf(stderr, "oscope did not answer a key within %d ms%s; the screen:\n", ms,
            os_alive(vt_pid(vt)) ? "" : " (it is not running)");
    vt_dump(vt, stderr);
    return false;
}

int hard_extra_children(struct vt *vt)
{
    pid_t kids[16];
    int n = 0;

    for (int tries = 0; tries < 10; tries++) {
        n = vt_children_of(vt_pid(vt), kids, 16);
        if (n <= 1)
            return 0;
        hard_pump(vt, 50);
    }
    for (int i = 0; i < n; i++) {
        char path[64], buf[256] = "";
        FILE *f;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)kids[i]);
        if ((f = fopen(path, "r"))) {
            if (!fgets(buf, sizeof buf, f))
                buf[0] = '\0';
            fclose(f);
        }
        fprintf(stderr, "child of oscope: %s", buf);
    }
    return n - 1;
}

int hard_orphans(void)
{
    pid_t kids[64];
    int n = vt_children_of(getpid(), kids, 64), dead = 0;
    char names[160] = "";

    for (int i = 0; i < n; i++) {
        char path[64], buf[512], *p;
        FILE *f;
        bool zombie = false;

        snprintf(path, sizeof path, "/proc/%d/stat", (int)kids[i]);
        if ((f = fopen(path, "r"))) {
            zombie = fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) && p[1] == ' ' &&
                     p[2] == 'Z';
            fclose(f);
        }
        if (zombie && waitpid(kids[i], NULL, WNOHANG) == kids[i]) {
            const char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
            size_t len = strlen(names);
            if (lp && rp && len + 40 < sizeof names)
                snprintf(names + len, sizeof names - len, " %.*s", (int)(rp - lp + 1), lp);
            dead++;
        }
    }
    if (dead)
        fprintf(stderr, "note: %d descendant(s) had exited and were re-parented here (a lab or "
                        "a lab's child that died with its parent):%s; reaped, not counted\n",
                dead, names);
    return vt_orphans();
}

unsigned long hard_seed(const char *what)
{
    const char *s = getenv("HARD_SEED");
    unsigned long seed;

    if (s && *s)
        seed = strtoul(s, NULL, 0);
    else
        seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
    fprintf(stderr, "%s: seed %lu (repeat with HARD_SEED=%lu)\n", what, seed, seed);
    return seed;
}

int hard_teardown(void **state)
{
    (void)state;
    vt_free_all();
    vt_orphans();
    hard_dir_free_all();
    return 0;
}
