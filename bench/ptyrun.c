/* ptyrun.c — a program on a pseudo-terminal, its output counted and emulated (ptyrun.h). */
#include "bench/ptyrun.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pr {
    VTerm *term;
    VTermScreen *screen;
    int master;             /* non-blocking, close-on-exec */
    pid_t pid;
    int rows, cols;
    bool hup;               /* every process has closed the terminal */
    bool reaped;
    int status;
    uint64_t bytes;         /* written by the program so far */
    double started, last;   /* pr_now() at spawn and at the last byte */
    char answer[256];       /* libvterm's replies (device attributes...), not sent yet */
    size_t answer_len;
};

double pr_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_output(const char *s, size_t len, void *user)
{
    struct pr *p = user;

    if (p->answer_len + len <= sizeof p->answer) {
        memcpy(p->answer + p->answer_len, s, len);
        p->answer_len += len;
    }
}

/* Writes what libvterm queued (answers, keys); false if the pty is gone. */
static bool flush(struct pr *p)
{
    size_t done = 0;
    double give_up = pr_now() + 2;

    while (done < p->answer_len && !p->hup) {
        ssize_t n = write(p->master, p->answer + done, p->answer_len - done);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EAGAIN && pr_now() < give_up) {
            pr_drain(p);
            poll(NULL, 0, 1);
        } else if (!(n < 0 && errno == EINTR)) {
            break;
        }
    }
    p->answer_len = 0;
    return !p->hup;
}

static _Noreturn void child(const char *const argv[], const char *const env[])
{
    union { const char *const *c; char *const *m; } args = { .c = argv };
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("ESCDELAY", "25", 1);
    unsetenv("LINES");
    unsetenv("COLUMNS");
    unsetenv("NO_COLOR");
    for (int i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        char name[128];

        if (!eq || eq == env[i] || (size_t)(eq - env[i]) >= sizeof name)
            continue;
        snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
        if (eq[1])
            setenv(name, eq + 1, 1);
        else
            unsetenv(name);
    }
    execvp(argv[0], args.m);
    dprintf(2, "ptyrun: cannot run %s: %s\r\n", argv[0], strerror(errno));
    _exit(127);
}

struct pr *pr_spawn(int rows, int cols, const char *const argv[], const char *const env[])
{
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    struct pr *p = calloc(1, sizeof *p);
    int master;
    pid_t pid;

    if (!p)
        return NULL;
    fflush(NULL);
    p->started = pr_now();
    pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        free(p);
        return NULL;
    }
    if (pid == 0)
        child(argv, env);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    p->master = master;
    p->pid = pid;
    p->rows = rows;
    p->cols = cols;
    p->term = vterm_new(rows, cols);
    vterm_set_utf8(p->term, 1);
    vterm_output_set_callback(p->term, on_output, p);
    p->screen = vterm_obtain_screen(p->term);
    vterm_screen_enable_altscreen(p->screen, 1);
    vterm_screen_reset(p->screen, 1);
    return p;
}

static bool reap(struct pr *p, int flags)
{
    if (!p->reaped) {
        pid_t r = waitpid(p->pid, &p->status, flags);
        if (r == p->pid || (r < 0 && errno == ECHILD))
            p->reaped = true;
    }
    return p->reaped;
}

void pr_free(struct pr *p)
{
    if (!p)
        return;
    if (!reap(p, WNOHANG)) {
        kill(p->pid, SIGKILL);
        reap(p, 0);
    }
    close(p->master);
    vterm_free(p->term);
    free(p);
}

long pr_drain(struct pr *p)
{
    char buf[16384];
    long total = 0;

    while (!p->hup) {
        ssize_t n = read(p->master, buf, sizeof buf);
        if (n > 0) {
            p->bytes += (uint64_t)n;
            p->last = pr_now();
            vterm_input_write(p->term, buf, (size_t)n);
            total += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            break;
        } else {
            p->hup = true;
        }
    }
    if (p->answer_len)
        flush(p);
    return p->hup && total == 0 ? -1 : total;
}

void pr_pump(struct pr *const *ps, int n, int timeout_ms)
{
    struct pollfd pf[16];
    int k = 0;

    for (int i = 0; i < n && k < 16; i++)
        if (!ps[i]->hup)
            pf[k++] = (struct pollfd){ .fd = ps[i]->master, .events = POLLIN };
    if (k == 0) {
        poll(NULL, 0, timeout_ms);
        return;
    }
    if (poll(pf, (nfds_t)k, timeout_ms) <= 0)
        return;
    for (int i = 0; i < n; i++)
        pr_drain(ps[i]);
}

double pr_settle(struct pr *p, int quiet_ms, int max_ms)
{
    double give_up = pr_now() + max_ms / 1000.0;

    while (pr_now() < give_up) {
        double before = p->last;
        pr_pump(&p, 1, quiet_ms);
        if (p->last == before)
            break;
    }
    return p->last;
}

/* Encodes one code point as UTF-8; returns the length. */
static size_t utf8_put(char *dst, uint32_t cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xc0 | cp >> 6);
        dst[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xe0 | cp >> 12);
        dst[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        dst[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    dst[0] = (char)(0xf0 | (cp >> 18 & 0x07));
    dst[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    dst[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    dst[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *pr_row(struct pr *p, int row, char *buf, size_t cap)
{
    size_t len = 0, keep = 0;

    if (cap == 0)
        return buf;
    for (int col = 0; col < p->cols; col++) {
        VTermScreenCell cell;
        char enc[VTERM_MAX_CHARS_PER_CELL * 4];
        size_t n = 0;

        if (!vterm_screen_get_cell(p->screen, (VTermPos){ .row = row, .col = col }, &cell))
            break;
        if (cell.chars[0] == (uint32_t)-1)
            continue;
        if (cell.chars[0] == 0)
            enc[n++] = ' ';
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
            n += utf8_put(enc + n, cell.chars[i]);
        if (len + n + 1 > cap)
            break;
        memcpy(buf + len, enc, n);
        len += n;
        if (n != 1 || enc[0] != ' ')
            keep = len;
    }
    buf[keep] = '\0';
    return buf;
}

bool pr_find(struct pr *p, const char *needle)
{
    char buf[4096];

    for (int r = 0; r < p->rows; r++)
        if (strstr(pr_row(p, r, buf, sizeof buf), needle))
            return true;
    return false;
}

bool pr_wait_text(struct pr *p, const char *needle, int timeout_ms)
{
    double give_up = pr_now() + timeout_ms / 1000.0;

    while (!pr_find(p, needle)) {
        if (p->hup || pr_now() >= give_up)
            return false;
        pr_pump(&p, 1, 20);
    }
    return true;
}

bool pr_key(struct pr *p, VTermKey key)
{
    pr_drain(p);
    vterm_keyboard_key(p->term, key, VTERM_MOD_NONE);
    return flush(p);
}

bool pr_char(struct pr *p, unsigned int codepoint)
{
    pr_drain(p);
    vterm_keyboard_unichar(p->term, codepoint, VTERM_MOD_NONE);
    return flush(p);
}

uint64_t pr_bytes(const struct pr *p) { return p->bytes; }
double pr_last_output(const struct pr *p) { return p->last; }
double pr_started(const struct pr *p) { return p->started; }
pid_t pr_pid(const struct pr *p) { return p->pid; }

int pr_finish(struct pr *p, int timeout_ms)
{
    double give_up = pr_now() + timeout_ms / 1000.0;

    while (!reap(p, WNOHANG)) {
        if (pr_now() >= give_up) {
            kill(p->pid, SIGKILL);
            reap(p, 0);
            p->status = -1;
            break;
        }
        pr_pump(&p, 1, 10);
    }
    return p->status;
}

double proc_cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long long ns, ut, st;
    const char *rp;
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    if ((f = fopen(path, "r"))) {
        ok = fscanf(f, "%llu", &ns) == 1;
        fclose(f);
        if (ok)
            return (double)ns / 1e9;
    }
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    /* after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime stime */
    if (!ok || !(rp = strrchr(buf, ')')) ||
        sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

long proc_hwm_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}
