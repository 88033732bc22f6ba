/* labctx.h — the lab's own end of the pipes (child side); lab code sees it as opaque. */
#ifndef OSCOPE_LABCTX_H
#define OSCOPE_LABCTX_H

#include "scenes/lab.h"

struct lab_ctx {
    int fact_fd;        /* write end: records to oscope */
    int cmd_fd;         /* read end: commands from oscope */
    char tmpdir[256];
    char option[128];
};

/* Sends "D" and waits until oscope says quit (or goes away), so the lab stays readable
 * in /proc while its last step is on screen. Never returns. */
_Noreturn void labctx_finish(struct lab_ctx *lab);

#endif
