/* watchcsv.c — the CSV form of watch's samples (see watchcsv.h for the columns). */
#include "probes/watchcsv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

char *watchcsv_time(const struct timespec *wall, char *buf, size_t cap)
{
    struct tm tm;
    time_t t = wall->tv_sec;
    char head[32];

    if (!gmtime_r(&t, &tm) || strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        head[0] = '\0';
    snprintf(buf, cap, "%s.%03ldZ", head, wall->tv_nsec / 1000000);
    return buf;
}

char *watchcsv_value(enum counter_id id, const struct counter_val *v, char *buf,
                     size_t cap)
{
    const struct counter_def *d = counter_def(id);

    if (!d || !v->ok)
        snprintf(buf, cap, "%s", "");
    else if (d->rate || strcmp(d->unit, "%") == 0)
        snprintf(buf, cap, "%.2f", v->v);
    else
        snprintf(buf, cap, "%.0f", v->v);
    return buf;
}

/* A text field, quoted when it holds a comma, a quote or a line break (RFC 4180);
 * control characters become '?'. */
static void put_text(FILE *f, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputs("\"\"", f);
        else
            fputc((unsigned char)*s < 32 ? '?' : *s, f);
    }
    if (quote)
        fputc('"', f);
}

int watchcsv_header(FILE *f, const struct watchset *ws)
{
    fputs("time,mono_s", f);
    for (int k = 0; k < WATCH_NSYS; k++)
        fprintf(f, ",%s", watchset_csv_name(watch_sys_ids[k]));
    for (int i = 0; i < ws->npids; i++) {
        int pid = (int)ws->pids[i].pid;

        fprintf(f, ",pid%d_comm,pid%d_state", pid, pid);
        for (int k = 0; k < WATCH_NPID; k++)
            fprintf(f, ",pid%d_%s", pid, watchset_csv_name(watch_pid_ids[k]));
    }
    fputc('\n', f);
    return ferror(f) ? -EIO : 0;
}

int watchcsv_row(FILE *f, const struct watchset *ws)
{
    char buf[64];

    fprintf(f, "%s,%.3f", watchcsv_time(&ws->wall, buf, sizeof buf), ws->mono);
    for (int k = 0; k < WATCH_NSYS; k++)
        fprintf(f, ",%s", watchcsv_value(watch_sys_ids[k], &ws->sys_val[k].now, buf,
                                         sizeof buf));
    for (int i = 0; i < ws->npids; i++) {
        const struct watch_pid *p = &ws->pids[i];

        fputc(',', f);
        put_text(f, p->comm);
        if (p->exited)
            fputs(",exited", f);
        else if (p->state)
            fprintf(f, ",%c", p->state);
        else
            fputc(',', f);
        for (int k = 0; k < WATCH_NPID; k++)
            fprintf(f, ",%s", watchcsv_value(watch_pid_ids[k], &p->val[k].now, buf,
                                             sizeof buf));
    }
    fputc('\n', f);
    return ferror(f) ? -EIO : 0;
}
