/* vt.c — screen-test harness: a child on a pseudo-terminal, emulated by libvterm (vt.h).
 * The master is non-blocking and is read before and while anything is written, so the
 * child never stalls on a full pty; what libvterm answers (cursor reports, device
 * attributes) is queued from its callback and written once the callback has returned. */
#include "tests/screen/vt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/screen/procs.h"
#include "util/xalloc.h"

/* Longest a settle keeps reading a child that never goes quiet. */
#define VT_SETTLE_MAX_MS 2000
/* Longest a write waits for the child to read its input. */
#define VT_WRITE_MAX_MS 5000
/* Bytes read per feed before control returns to the caller's deadline check. */
#define VT_FEED_MAX (256 * 1024)

struct vt {
    VTerm *term;
    VTermScreen *screen;
    int master;         /* pty master: non-blocking, close-on-exec */
    pid_t pid;          /* the child */
    int rows, cols;
    bool hup;           /* read gave EIO: no process has the terminal open any more */
    bool reaped;        /* the child has been waited for and status is final */
    int status;         /* its waitpid status, -1 when vt_finish had to kill it */
    char *out;          /* bytes for the child (keys, libvterm answers) not written yet */
    size_t out_len, out_cap;
    struct vt *next;    /* handles not freed yet, for vt_free_all and vt_orphans */
};

static struct vt *live;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

const char *vt_bin(void)
{
    static char path[4096];
    const char *bin = getenv("OSCOPE_BIN");

    if (!bin || !*bin)
        return "./oscope";
    if (strchr(bin, '/'))
        return bin;
    /* "oscope" alone would make execvp search PATH, not run the one just built */
    snprintf(path, sizeof path, "./%s", bin);
    return path;
}

/* Queues bytes for the child; they go out on the next flush. */
static void queue(struct vt *vt, const void *bytes, size_t n)
{
    if (vt->out_len + n > vt->out_cap) {
        vt->out_cap = (vt->out_len + n) * 2;
        vt->out = xrealloc(vt->out, vt->out_cap);
    }
    memcpy(vt->out + vt->out_len, bytes, n);
    vt->out_len += n;
}

/* libvterm's output callback: never writes from inside vterm_input_write. */
static void on_output(const char *s, size_t len, void *user)
{
    queue(user, s, len);
}

/* Reaps the child if it has exited. True once it has. */
static bool check_exit(struct vt *vt)
{
    pid_t r;

    if (vt->reaped)
        return true;
    r = waitpid(vt->pid, &vt->status, WNOHANG);
    if (r == vt->pid || (r < 0 && errno == ECHILD))
        vt->reaped = true;
    return vt->reaped;
}

/* Feeds all output available now to libvterm. Returns the bytes read; sets hup at EIO. */
static size_t feed_available(struct vt *vt)
{
    char buf[8192];
    size_t total = 0;

    while (!vt->hup && total < VT_FEED_MAX) {
        ssize_t n = read(vt->master, buf, sizeof buf);

        if (n > 0) {
            vterm_input_write(vt->term, buf, (size_t)n);
            total += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            vt->hup = true;     /* EIO: every process has closed the slave side */
        }
    }
    return total;
}

/* Writes the queued bytes, reading output whenever the child's input is full. False if
 * the terminal is gone or the child has not read them in VT_WRITE_MAX_MS (dropped). */
static bool flush(struct vt *vt)
{
    long long deadline = now_ms() + VT_WRITE_MAX_MS;
    size_t done = 0;
    bool ok;

    while (done < vt->out_len && !vt->hup) {
        ssize_t n = write(vt->master, vt->out + done, vt->out_len - done);

        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN && now_ms() < deadline) {
            struct pollfd p = { .fd = vt->master, .events = POLLIN | POLLOUT };

            if (poll(&p, 1, 100) > 0 && (p.revents & (POLLIN | POLLHUP)))
                feed_available(vt);     /* may queue more answers: appended at the end */
        } else {
            break;
        }
    }
    ok = done >= vt->out_len;
    vt->out_len = 0;
    return ok;
}

/* Waits up to timeout_ms for output and feeds it to libvterm. Returns the bytes read,
 * 0 on timeout, -1 when the terminal is closed and nothing more can come. */
static long pump(struct vt *vt, int timeout_ms)
{
    struct pollfd p = { .fd = vt->master, .events = POLLIN };
    size_t n;

    if (vt->hup) {
        check_exit(vt);
        return -1;
    }
    if (poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms) <= 0)
        return 0;
    n = feed_available(vt);
    flush(vt);
    if (vt->hup && n == 0) {
        check_exit(vt);
        return -1;
    }
    return (long)n;
}

/* Applies the harness's environment, then the caller's "NAME=value" / "NAME=" list. */
static void child_env(const char *const env_extra[])
{
    setenv("TERM", "xterm-256color", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("ESCDELAY", "25", 1);
    unsetenv("LINES");
    unsetenv("COLUMNS");
    unsetenv("NO_COLOR");
    for (size_t i = 0; env_extra && env_extra[i]; i++) {
        const char *eq = strchr(env_extra[i], '=');
        char *name;

        if (!eq || eq == env_extra[i])
            continue;
        name = strndup(env_extra[i], (size_t)(eq - env_extra[i]));
        if (!name)
            continue;
        if (eq[1])
            setenv(name, eq + 1, 1);
        else
            unsetenv(name);
        free(name);
    }
}

/* In the forked child: clean signal state and environment, then exec. */
static _Noreturn void child_exec(const char *const argv[], const char *const env_extra[])
{
    static const int sigs[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD,
                                SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGALRM };
    /* execvp's argv is char *const[] for historical reasons; it does not write to it. */
    union { const char *const *c; char *const *m; } args = { .c = argv };
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    child_env(env_extra);
    execvp(argv[0], args.m);
    dprintf(STDERR_FILENO, "vt: cannot run %s: %s\r\n", argv[0], strerror(errno));
    _exit(127);
}

struct vt *vt_spawn(int rows, int cols, const char *const argv[], const char *const env_extra[])
{
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    struct vt *vt;
    int master;
    pid_t pid;

    if (rows < 1 || cols < 1 || !argv || !argv[0]) {
        errno = EINVAL;
        return NULL;
    }
    procs_become_subreaper();
    fflush(NULL);               /* or the child could flush our buffers a second time */
    pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0)
        return NULL;
    if (pid == 0)
        child_exec(argv, env_extra);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);

    vt = xcalloc(1, sizeof *vt);
    vt->master = master;
    vt->pid = pid;
    vt->rows = rows;
    vt->cols = cols;
    vt->term = vterm_new(rows, cols);
    if (!vt->term)
        xfatal("vt: vterm_new failed");
    vterm_set_utf8(vt->term, 1);        /* before the reset, or it stays off */
    vterm_output_set_callback(vt->term, on_output, vt);
    vt->screen = vterm_obtain_screen(vt->term);
    vterm_screen_enable_altscreen(vt->screen, 1);
    vterm_screen_reset(vt->screen, 1);
    vt->next = live;
    live = vt;
    return vt;
}

void vt_free(struct vt *vt)
{
    if (!vt)
        return;
    if (!check_exit(vt)) {
        kill(vt->pid, SIGKILL);
        while (waitpid(vt->pid, &vt->status, 0) < 0 && errno == EINTR)
            ;
    }
    for (struct vt **p = &live; *p; p = &(*p)->next) {
        if (*p == vt) {
            *p = vt->next;
            break;
        }
    }
    close(vt->master);
    vterm_free(vt->term);
    free(vt->out);
    free(vt);
}

void vt_free_all(void)
{
    while (live)
        vt_free(live);
}

void vt_settle(struct vt *vt, int quiet_ms)
{
    long long give_up = now_ms() + VT_SETTLE_MAX_MS;

    while (pump(vt, quiet_ms) > 0 && now_ms() < give_up)
        ;
}

/* Pumps until needle's presence on screen is `present`, then settles. */
static bool wait_for(struct vt *vt, const char *needle, int timeout_ms, bool present)
{
    long long deadline = now_ms() + timeout_ms;

    for (;;) {
        long long left;

        if (vt_find(vt, needle, NULL, NULL) == present) {
            vt_settle(vt, VT_QUIET_MS);
            return true;
        }
        left = deadline - now_ms();
        if (left <= 0 || pump(vt, (int)left) < 0)
            return false;
    }
}

bool vt_wait_text(struct vt *vt, const char *needle, int timeout_ms)
{
    return wait_for(vt, needle, timeout_ms, true);
}

bool vt_wait_gone(struct vt *vt, const char *needle, int timeout_ms)
{
    return wait_for(vt, needle, timeout_ms, false);
}

bool vt_send_raw(struct vt *vt, const void *bytes, size_t n)
{
    feed_available(vt);
    queue(vt, bytes, n);
    return flush(vt);
}

bool vt_type(struct vt *vt, const char *s)
{
    return vt_send_raw(vt, s, strlen(s));
}

bool vt_key_char(struct vt *vt, unsigned int codepoint)
{
    feed_available(vt);         /* so the encoding follows the mode the child set last */
    vterm_keyboard_unichar(vt->term, codepoint, VTERM_MOD_NONE);
    return flush(vt);
}

bool vt_key_mod(struct vt *vt, VTermKey key, VTermModifier mod)
{
    feed_available(vt);
    vterm_keyboard_key(vt->term, key, mod);
    return flush(vt);
}

bool vt_key(struct vt *vt, VTermKey key)
{
    return vt_key_mod(vt, key, VTERM_MOD_NONE);
}

bool vt_key_fn(struct vt *vt, int n)
{
    if (n < 1 || n > VTERM_KEY_FUNCTION_MAX - VTERM_KEY_FUNCTION_0)
        return false;
    return vt_key(vt, (VTermKey)VTERM_KEY_FUNCTION(n));
}

/* Sends the control byte itself: libvterm would encode Ctrl-I/J/M as CSI u, which
 * curses does not read. */
bool vt_key_ctrl(struct vt *vt, char c)
{
    unsigned char b = (unsigned char)toupper((unsigned char)c);

    if (b < '@' || b > '_')
        return false;
    b &= 0x1f;
    return vt_send_raw(vt, &b, 1);
}

void vt_resize(struct vt *vt, int rows, int cols)
{
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

    feed_available(vt);         /* what was drawn for the old size lands on the old size */
    vterm_set_size(vt->term, rows, cols);
    vt->rows = rows;
    vt->cols = cols;
    ioctl(vt->master, TIOCSWINSZ, &ws);
}

int vt_rows(const struct vt *vt)
{
    return vt->rows;
}

int vt_cols(const struct vt *vt)
{
    return vt->cols;
}

pid_t vt_pid(const struct vt *vt)
{
    return vt->pid;
}

/* Encodes one code point as UTF-8 into dst (4 bytes room). Returns the length. */
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

/* Bytes a row's text can need, with its terminator. */
static size_t row_cap(const struct vt *vt)
{
    return (size_t)vt->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1;
}

/* Writes the text of row into buf (cap > 0, always terminated), trailing blanks cut.
 * If colof is non-NULL, colof[i] is set to the column of byte i. Returns the length. */
static size_t row_text(struct vt *vt, int row, char *buf, size_t cap, int *colof)
{
    size_t len = 0, keep = 0;

    for (int col = 0; col < vt->cols; col++) {
        VTermScreenCell cell;
        char enc[VTERM_MAX_CHARS_PER_CELL * 4];
        size_t n = 0;

        if (!vterm_screen_get_cell(vt->screen, (VTermPos){ .row = row, .col = col }, &cell))
            break;
        if (cell.chars[0] == (uint32_t)-1)
            continue;           /* right half of a double-width character */
        if (cell.chars[0] == 0)
            enc[n++] = ' ';
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
            n += utf8_put(enc + n, cell.chars[i]);
        if (len + n + 1 > cap)
            break;
        memcpy(buf + len, enc, n);
        for (size_t k = 0; colof && k < n; k++)
            colof[len + k] = col;
        len += n;
        if (n != 1 || enc[0] != ' ')
            keep = len;
    }
    buf[keep] = '\0';
    return keep;
}

char *vt_row(struct vt *vt, int row, char *buf, size_t cap)
{
    size_t need = row_cap(vt);
    char *tmp;

    if (cap == 0)
        return buf;
    tmp = xmalloc(need);
    row_text(vt, row, tmp, need, NULL);
    snprintf(buf, cap, "%s", tmp);
    free(tmp);
    return buf;
}

char *vt_screen(struct vt *vt)
{
    size_t cap = row_cap(vt), len = 0;
    char *all = xmalloc(cap * (size_t)vt->rows + 1);

    all[0] = '\0';
    for (int r = 0; r < vt->rows; r++) {
        len += row_text(vt, r, all + len, cap, NULL);
        if (r + 1 < vt->rows)
            all[len++] = '\n';
    }
    all[len] = '\0';
    return all;
}

bool vt_find(struct vt *vt, const char *needle, int *row, int *col)
{
    size_t cap = row_cap(vt);
    char *buf = xmalloc(cap);
    int *colof = xmalloc(cap * sizeof *colof);
    bool found = false;

    for (int r = 0; r < vt->rows && !found; r++) {
        char *hit;

        row_text(vt, r, buf, cap, colof);
        hit = strstr(buf, needle);
        if (hit) {
            found = true;
            if (row)
                *row = r;
            if (col)
                *col = *needle ? colof[hit - buf] : 0;
        }
    }
    free(colof);
    free(buf);
    return found;
}

/* -1 default, palette index, or -2 for a direct RGB colour. */
static int color_index(const VTermColor *c, bool fg)
{
    if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
        return -1;
    if (VTERM_COLOR_IS_INDEXED(c))
        return c->indexed.idx;
    return -2;
}

struct vt_attr vt_cell_attr(struct vt *vt, int row, int col)
{
    struct vt_attr a = { .fg = -1, .bg = -1 };
    VTermScreenCell cell;

    if (!vterm_screen_get_cell(vt->screen, (VTermPos){ .row = row, .col = col }, &cell))
        return a;
    a.bold = cell.attrs.bold;
    a.reverse = cell.attrs.reverse;
    a.underline = cell.attrs.underline != 0;
    a.fg = color_index(&cell.fg, true);
    a.bg = color_index(&cell.bg, false);
    return a;
}

void vt_cursor(struct vt *vt, int *row, int *col)
{
    VTermPos pos;

    vterm_state_get_cursorpos(vterm_obtain_state(vt->term), &pos);
    if (row)
        *row = pos.row;
    if (col)
        *col = pos.col;
}

void vt_dump(struct vt *vt, FILE *out)
{
    size_t cap = row_cap(vt);
    char *buf = xmalloc(cap);
    int crow, ccol;

    vt_cursor(vt, &crow, &ccol);
    fprintf(out, "--- vt screen %dx%d, cursor at row %d col %d, child %d ", vt->rows,
            vt->cols, crow, ccol, (int)vt->pid);
    if (!check_exit(vt))
        fprintf(out, "running");
    else if (vt->status == -1)
        fprintf(out, "killed after a timeout");
    else if (WIFEXITED(vt->status))
        fprintf(out, "exited with status %d", WEXITSTATUS(vt->status));
    else if (WIFSIGNALED(vt->status))
        fprintf(out, "killed by signal %d", WTERMSIG(vt->status));
    fprintf(out, " ---\n");
    for (int r = 0; r < vt->rows; r++) {
        row_text(vt, r, buf, cap, NULL);
        fprintf(out, "%3d|%s\n", r, buf);
    }
    fprintf(out, "--- end of screen ---\n");
    fflush(out);
    free(buf);
}

int vt_finish(struct vt *vt, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    while (!check_exit(vt)) {
        long long left = deadline - now_ms();

        if (left <= 0) {
            kill(vt->pid, SIGKILL);
            while (waitpid(vt->pid, NULL, 0) < 0 && errno == EINTR)
                ;
            vt->reaped = true;
            vt->status = -1;
            break;
        }
        if (pump(vt, left < 10 ? (int)left : 10) < 0 && !check_exit(vt))
            sleep_ms(left < 5 ? (int)left : 5);     /* terminal closed, child not gone */
    }
    feed_available(vt);         /* the last frame, if it is still in the pty */
    return vt->status;
}

int vt_children_of(pid_t pid, pid_t *out, int cap)
{
    return procs_children_of(pid, out, cap);
}

/* True for a child of a vt handle that has not been reaped: not an orphan. */
static bool is_vt_child(pid_t pid)
{
    for (const struct vt *vt = live; vt; vt = vt->next) {
        if (vt->pid == pid && !vt->reaped)
            return true;
    }
    return false;
}

int vt_orphans(void)
{
    return procs_reap_orphans(is_vt_child);
}
