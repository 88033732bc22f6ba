/* record.c — recording a session: a pseudo-terminal between the real terminal and a
 * second run of the program, every byte of its output also written to a cast file. */
#include "tui/record.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui/cast.h"
#include "util/xalloc.h"

/* Signals the recorder handles: forwarded to the program, or acted on. */
static const int handled[] = { SIGWINCH, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NHANDLED (sizeof handled / sizeof handled[0])

static int sig_pipe[2] = { -1, -1 };
static struct termios saved_tty;     /* the real terminal's settings, while it is raw */
static bool tty_raw;

/* One recording. */
struct rec {
    int master;                  /* the pseudo-terminal's master side */
    pid_t child;
    struct cast *cast;
    struct timespec t0;          /* when the recording started */
    char in[4096];               /* keys read, not yet taken by the pty */
    size_t inlen;
    bool stdin_open;
    bool master_open;
    bool stdout_ok;              /* false once the real terminal is gone */
    bool reaped;
    int status;                  /* the child's wait status, once reaped */
    int cast_err;                /* first error writing the cast, -errno */
};

/* Gives the real terminal its settings back; also run before an out-of-memory exit. */
static void tty_restore(void)
{
    if (tty_raw)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tty);
    tty_raw = false;
}

/* Puts the real terminal in raw mode: every key goes to the program as it is. */
static void tty_make_raw(void)
{
    struct termios raw = saved_tty;

    cfmakeraw(&raw);
    xalloc_set_fatal_hook(tty_restore);
    tty_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;

    if (write(sig_pipe[1], &c, 1) < 0) {
        /* the pipe is full: the loop has signals to read already */
    }
    errno = saved;
}

/* Installs the handlers, keeping the old ones in old. 0 or -errno. */
static int signals_take(struct sigaction *old)
{
    struct sigaction sa;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -errno;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &sa, &old[i]);
    return 0;
}

static void signals_give_back(const struct sigaction *old)
{
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &old[i], NULL);
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
}

static double since_start(const struct rec *r)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - r->t0.tv_sec) + (double)(now.tv_nsec - r->t0.tv_nsec) / 1e9;
}

/* Writes all of buf to fd (blocking). false on error. */
static bool write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads what the program wrote, to the real terminal and into the cast. false when
 * there was nothing to read right now. */
static bool pump_output(struct rec *r)
{
    char buf[65536];
    ssize_t n = read(r->master, buf, sizeof buf);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return false;
    if (n <= 0) {                /* EIO: the program's side is closed and all read */
        r->master_open = false;
        return false;
    }
    if (r->stdout_ok)
        r->stdout_ok = write_all(STDOUT_FILENO, buf, (size_t)n);
    if (!r->cast_err)
        r->cast_err = cast_output(r->cast, since_start(r), buf, (size_t)n);
    return true;
}

/* Passes keys on to the program, as much as the pty takes now. */
static void pump_input(struct rec *r, bool readable)
{
    ssize_t n;

    if (readable && r->inlen == 0) {
        n = read(STDIN_FILENO, r->in, sizeof r->in);
        if (n > 0)
            r->inlen = (size_t)n;
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            r->stdin_open = false;
    }
    if (r->inlen == 0 || !r->master_open)
        return;
    n = write(r->master, r->in, r->inlen);
    if (n > 0) {
        memmove(r->in, r->in + n, r->inlen - (size_t)n);
        r->inlen -= (size_t)n;
    } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
        r->inlen = 0;            /* the program no longer reads: drop the keys */
    }
}

/* Acts on the signals that arrived: resize, forward, reap. */
static void handle_signals(struct rec *r)
{
    unsigned char sig[32];
    struct winsize ws;
    ssize_t n;

    while ((n = read(sig_pipe[0], sig, sizeof sig)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (sig[i] == SIGWINCH) {
                if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row &&
                    ioctl(r->master, TIOCSWINSZ, &ws) == 0 && !r->cast_err)
                    r->cast_err = cast_resize(r->cast, since_start(r), ws.ws_col, ws.ws_row);
            } else if (sig[i] != SIGCHLD && !r->reaped) {
                kill(r->child, sig[i]);
                if (sig[i] == SIGHUP)
                    r->stdout_ok = false;
            }
        }
    if (!r->reaped && waitpid(r->child, &r->status, WNOHANG) == r->child)
        r->reaped = true;
}

/* Copies between the terminal and the program until it has exited and its last output
 * is read (until the pty reports its other side closed, or, when something the program
 * started still holds that side, until it has been quiet for a moment). */
static void relay(struct rec *r)
{
    while (!r->reaped || r->master_open) {
        struct pollfd pf[3] = {
            { .fd = sig_pipe[0], .events = POLLIN },
            { .fd = r->master_open ? r->master : -1,
              .events = (short)(POLLIN | (r->inlen && !r->reaped ? POLLOUT : 0)) },
            { .fd = r->stdin_open && !r->inlen && r->master_open && !r->reaped ? STDIN_FILENO : -1,
              .events = POLLIN },
        };
        int n = poll(pf, 3, r->reaped ? 500 : -1);

        if (n < 0 && errno != EINTR)
            break;
        if (n == 0) {            /* reaped, and nothing more came */
            r->master_open = false;
            break;
        }
        /* Signals first: a resize that came before a key is applied before the key. */
        handle_signals(r);
        if (pf[1].revents & (POLLIN | POLLHUP | POLLERR))
            pump_output(r);
        if (!r->reaped)
            pump_input(r, pf[2].revents & (POLLIN | POLLHUP | POLLERR));
    }
}

/* The child's side of forkpty(): runs the program. */
static _Noreturn void run_child(const char *exe, char *const argv[], const struct sigaction *old)
{
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &old[i], NULL);
    setenv(RECORD_ENV, "1", 1);
    execv(exe, argv);
    dprintf(STDERR_FILENO, "oscope: cannot run %s: %s\r\n", exe, strerror(errno));
    _exit(127);
}

/* After the relay: reaps the program, closes the cast, says how it went. The exit status
 * for main. */
static int finish(struct rec *r, const char *cast_path)
{
    int rc, err;

    close(r->master);
    if (!r->reaped && waitpid(r->child, &r->status, 0) == r->child)
        r->reaped = true;
    rc = !r->reaped ? 1 : WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status)
                                                 : WEXITSTATUS(r->status);
    err = cast_close(r->cast);
    err = r->cast_err ? r->cast_err : err;
    if (err < 0) {
        fprintf(stderr, "oscope: the recording in %s is incomplete: %s\n", cast_path,
                strerror(-err));
        return rc ? rc : 1;
    }
    fprintf(stderr, "oscope: recorded to %s; play it with: asciinema play %s\n", cast_path,
            cast_path);
    return rc;
}

/* Creates the cast file, refusing to replace one; fd or -1 (message printed). */
static int create_cast(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);

    if (fd < 0 && errno == EEXIST)
        fprintf(stderr, "oscope: %s already exists; --record never overwrites a file "
                        "(choose another name or remove it)\n", path);
    else if (fd < 0)
        fprintf(stderr, "oscope: cannot create %s: %s\n", path, strerror(errno));
    return fd;
}

int record_run_cmd(const char *cast_path, const char *exe, char *const argv[])
{
    struct rec r = { .stdin_open = true, .master_open = true, .stdout_ok = true };
    struct sigaction old[NHANDLED];
    struct termios child_tty;
    struct winsize ws = { .ws_col = 80, .ws_row = 24 };
    int fd, rc = 2;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty)) {
        fprintf(stderr, "oscope: --record needs a terminal on stdin and stdout\n");
        return 2;
    }
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || !ws.ws_col || !ws.ws_row)
        ws = (struct winsize){ .ws_col = 80, .ws_row = 24 };
    if ((fd = create_cast(cast_path)) < 0)
        return 2;
    if (!(r.cast = cast_open_fd(fd, ws.ws_col, ws.ws_row, (double)time(NULL), getenv("TERM")))) {
        fprintf(stderr, "oscope: cannot write %s: %s\n", cast_path, strerror(errno));
        close(fd);
        goto out_unlink;
    }
    if (signals_take(old) < 0) {
        fprintf(stderr, "oscope: cannot record: %s\n", strerror(errno));
        goto out_cast;
    }
    /* The program's terminal starts like the real one, but without a suspend key: with no
     * shell in there, nothing could bring a stopped program back. */
    child_tty = saved_tty;
    child_tty.c_cc[VSUSP] = _POSIX_VDISABLE;
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.child = forkpty(&r.master, NULL, &child_tty, &ws);
    if (r.child < 0) {
        fprintf(stderr, "oscope: cannot open a pseudo-terminal: %s\n", strerror(errno));
        goto out_signals;
    }
    if (r.child == 0)
        run_child(exe, argv, old);
    fcntl(r.master, F_SETFL, fcntl(r.master, F_GETFL) | O_NONBLOCK);
    fcntl(r.master, F_SETFD, FD_CLOEXEC);
    tty_make_raw();
    relay(&r);
    tty_restore();
    xalloc_set_fatal_hook(NULL);
    signals_give_back(old);
    return finish(&r, cast_path);
out_signals:
    signals_give_back(old);
out_cast:
    cast_close(r.cast);
out_unlink:
    unlink(cast_path);
    return rc;
}

int record_strip_args(int argc, char **argv, char **out)
{
    int n = 0;
    bool done = false;

    for (int i = 0; i < argc; i++) {
        if (!done && i > 0 && strcmp(argv[i], "--record") == 0) {
            done = true;
            i++;                 /* and its FILE */
            continue;
        }
        if (!done && i > 0 && strncmp(argv[i], "--record=", 9) == 0) {
            done = true;
            continue;
        }
        out[n++] = argv[i];
    }
    out[n] = NULL;
    return n;
}

int record_run(const char *cast_path, int argc, char **argv)
{
    char **args;
    int rc;

    if (getenv(RECORD_ENV)) {
        fprintf(stderr, "oscope: this session is being recorded already (%s is set)\n",
                RECORD_ENV);
        return 2;
    }
    args = xcalloc((size_t)argc + 1, sizeof *args);
    record_strip_args(argc, argv, args);
    rc = record_run_cmd(cast_path, "/proc/self/exe", args);
    free(args);
    return rc;
}
