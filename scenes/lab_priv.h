/* lab_priv.h — the parent's view of a lab, shared by lab.c (fork, limits, reaping) and
 * labio.c (the pipe protocol and the lab's output). Not for other modules. */
#ifndef OSCOPE_LAB_PRIV_H
#define OSCOPE_LAB_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define LAB_RBUF 4096
#define LAB_OUT_CAP (64 * 1024)
#define LAB_MAX_LIVE 16

struct lab {
    pid_t pid;
    int fact_fd;              /* read end: records from the lab */
    int cmd_fd;               /* write end: 'n' / 'q' to the lab */
    int out_fd;               /* read end: the lab's stdout+stderr, -1 once closed */
    char tmpdir[256];
    char rbuf[LAB_RBUF];      /* unparsed bytes from fact_fd */
    size_t rlen;
    bool eof;
    char *out;                /* what the lab printed, NUL-terminated */
    size_t outlen;
    bool reaped;
    int status;
};

#endif
