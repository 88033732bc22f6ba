/* labio.c — the parent's end of a lab's pipes: records parsed into events, the lab's
 * stdout/stderr kept, "next" sent, and how a lab ended put into words. */
#include "scenes/lab.h"
#include "scenes/lab_priv.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/xalloc.h"

/* Parses one complete line (without '\n') into ev. */
static void parse_line(char *line, struct lab_event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (line[0] == 'D' && line[1] == '\0') {
        ev->kind = LAB_EV_DONE;
        return;
    }
    if (line[0] == 'S' && line[1] == ' ' && line[2] && strlen(line + 2) < sizeof ev->name &&
        !strchr(line + 2, ' ')) {
        ev->kind = LAB_EV_STOP;
        snprintf(ev->name, sizeof ev->name, "%s", line + 2);
        return;
    }
    if (line[0] == 'F' && line[1] == ' ') {
        char *sp = strchr(line + 2, ' ');
        size_t nlen = sp ? (size_t)(sp - (line + 2)) : 0;
        if (sp && nlen > 0 && nlen < sizeof ev->name && strlen(sp + 1) < sizeof ev->value) {
            ev->kind = LAB_EV_FACT;
            memcpy(ev->name, line + 2, nlen);
            snprintf(ev->value, sizeof ev->value, "%s", sp + 1);
            return;
        }
    }
    if (line[0] == 'P' && line[1] == ' ') {
        char *end;
        long pct = strtol(line + 2, &end, 10);
        if (end != line + 2 && pct >= 0 && pct <= 100 && (*end == ' ' || *end == '\0')) {
            ev->kind = LAB_EV_PROGRESS;
            ev->percent = (int)pct;
            snprintf(ev->value, sizeof ev->value, "%s", *end ? end + 1 : "");
            return;
        }
    }
    ev->kind = LAB_EV_GARBAGE;
    snprintf(ev->value, sizeof ev->value, "%.60s", line);
    for (char *p = ev->value; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p == 127)
            *p = '?';
}

int lab_poll_event(struct lab *l, struct lab_event *ev)
{
    for (;;) {
        char *nl = memchr(l->rbuf, '\n', l->rlen);
        ssize_t r;

        if (nl) {
            *nl = '\0';
            parse_line(l->rbuf, ev);
            l->rlen -= (size_t)(nl + 1 - l->rbuf);
            memmove(l->rbuf, nl + 1, l->rlen);
            return 1;
        }
        if (l->rlen == sizeof l->rbuf) { /* a "line" longer than any record */
            memset(ev, 0, sizeof *ev);
            ev->kind = LAB_EV_GARBAGE;
            snprintf(ev->value, sizeof ev->value, "a record of more than %zu bytes",
                     sizeof l->rbuf);
            l->rlen = 0;
            return 1;
        }
        if (l->eof) {
            memset(ev, 0, sizeof *ev);
            if (l->rlen) { /* a last line without '\n' */
                l->rbuf[l->rlen] = '\0';
                ev->kind = LAB_EV_GARBAGE;
                snprintf(ev->value, sizeof ev->value, "%.60s", l->rbuf);
                l->rlen = 0;
                return 1;
            }
            ev->kind = LAB_EV_EOF;
            return 0;
        }
        r = read(l->fact_fd, l->rbuf + l->rlen, sizeof l->rbuf - 1 - l->rlen);
        if (r > 0) {
            l->rlen += (size_t)r;
            continue;
        }
        if (r == 0) {
            l->eof = true;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return -errno;
    }
}

bool lab_eof(const struct lab *l)
{
    return l->eof && l->rlen == 0;
}

void lab_drain_output(struct lab *l)
{
    char buf[4096];

    while (l->out_fd >= 0) {
        ssize_t r = read(l->out_fd, buf, sizeof buf);
        if (r > 0) {
            size_t keep = (size_t)r;
            if (l->outlen + keep > LAB_OUT_CAP)
                keep = LAB_OUT_CAP - l->outlen;
            if (keep) {
                l->out = xrealloc(l->out, l->outlen + keep + 1);
                memcpy(l->out + l->outlen, buf, keep);
                l->outlen += keep;
                l->out[l->outlen] = '\0';
            }
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(l->out_fd); /* EOF or error: nothing more will come */
        l->out_fd = -1;
    }
}

const char *lab_output(const struct lab *l)
{
    return l->out;
}

int lab_next(struct lab *l)
{
    ssize_t w = write(l->cmd_fd, "n", 1);

    return w == 1 ? 0 : -errno;
}

char *lab_describe_status(int status, char *buf, unsigned cap)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *abbr = sigabbrev_np(sig);
        snprintf(buf, cap, "lab stopped by signal %d (SIG%s)%s", sig, abbr ? abbr : "?",
                 WCOREDUMP(status) ? ", core dumped" : "");
    } else if (WIFEXITED(status)) {
        snprintf(buf, cap, "lab exited with status %d", WEXITSTATUS(status));
    } else {
        snprintf(buf, cap, "lab ended (wait status 0x%x)", (unsigned)status);
    }
    return buf;
}
