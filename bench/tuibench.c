/* tuibench.c — oscope beside htop and top on pseudo-terminals of fixed size: CPU time
 * per refresh rate, bytes written to the terminal, time to the first complete frame and
 * peak memory. Prints Markdown table rows (bench/run.sh puts them into bench/README.md).
 *
 *   tuibench refresh SECONDS REPS     CPU, bytes/s at 80x24 and 200x50, peak RSS
 *   tuibench start RUNS               exec to first complete frame
 *
 * $OSCOPE_BIN names the binary (default ./oscope). Exit status 0 unless the harness
 * itself fails (a gap is a result, not an error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

#define WARMUP_S 2.0

/* ---------------- refresh: CPU, bytes, RSS ---------------- */

/* Each program of a refresh round: oscope (NULL, filled in) and htop and top, fast and
 * slow. htop's -d counts tenths of a second. */
enum { P_OS_FAST, P_HTOP_FAST, P_TOP_FAST, P_OS_SLOW, P_HTOP_SLOW, P_TOP_SLOW, NPROG };
static const char *const prog_argv[NPROG][6] = {
    [P_OS_FAST] = { NULL, "watch", "-d", "0.1", NULL },
    [P_HTOP_FAST] = { "htop", "-d", "1", NULL },
    [P_TOP_FAST] = { "top", "-d", "0.1", NULL },
    [P_OS_SLOW] = { NULL, "watch", "-d", "1", NULL },
    [P_HTOP_SLOW] = { "htop", "-d", "10", NULL },
    [P_TOP_SLOW] = { "top", "-d", "1", NULL },
};

struct sample_set {
    double cpu[NPROG][8];       /* percent of one core, per repetition */
    double bps[NPROG][8];       /* bytes per second */
    long hwm[NPROG];            /* KiB, from the last repetition */
};

/* Runs the programs side by side on rows x cols for secs after a warm-up. */
static void refresh_round(int rows, int cols, double secs, bool with_watch, int rep,
                          struct sample_set *out)
{
    struct pr *ps[NPROG];
    int idx[NPROG], n = 0;
    double cpu0[NPROG], t0, t1, end;
    uint64_t b0[NPROG];

    for (int i = 0; i < NPROG; i++) {
        const char *argv[6];
        if (!prog_argv[i][0] && !with_watch)
            continue;
        memcpy(argv, prog_argv[i], sizeof argv);
        if (!argv[0])
            argv[0] = bench_bin();
        idx[n] = i;
        ps[n++] = bench_spawn(rows, cols, argv);
    }
    end = pr_now() + WARMUP_S;
    while (pr_now() < end)
        pr_pump(ps, n, 50);
    t0 = pr_now();
    for (int k = 0; k < n; k++) {
        cpu0[k] = proc_cpu_s(pr_pid(ps[k]));
        b0[k] = pr_bytes(ps[k]);
    }
    end = t0 + secs;
    while (pr_now() < end)
        pr_pump(ps, n, 50);
    t1 = pr_now();
    for (int k = 0; k < n; k++) {
        double c = proc_cpu_s(pr_pid(ps[k]));
        int i = idx[k];
        out->cpu[i][rep] = c >= 0 && cpu0[k] >= 0 ? (c - cpu0[k]) / (t1 - t0) * 100 : -1;
        out->bps[i][rep] = (double)(pr_bytes(ps[k]) - b0[k]) / (t1 - t0);
        out->hwm[i] = proc_hwm_kib(pr_pid(ps[k]));
    }
    for (int k = 0; k < n; k++)
        bench_quit(ps[k]);
}

/* "v unit" with dec decimals, or "n/a" for a negative v. */
static void fmt_val(char *buf, size_t cap, double v, int dec, const char *unit)
{
    if (v < 0)
        snprintf(buf, cap, "n/a");
    else
        snprintf(buf, cap, "%.*f %s", dec, v, unit);
}

/* One table row: target | oscope | htop | top | ratio | verdict. */
static void row(const char *target, const char *os, const char *htop, const char *top,
                const char *ratio, const char *verdict)
{
    printf("| %s | %s | %s | %s | %s | %s |\n", target, os, htop, top, ratio, verdict);
}

static void cpu_row(const char *target, const struct sample_set *s, int reps, int o, int h,
                    int t, bool with_watch, bool slow)
{
    double v[3], tmp[8];
    char a[32], b[32], c[32], r[48], verdict[200];

    for (int k = 0; k < 3; k++) {
        int i = k == 0 ? o : k == 1 ? h : t;
        memcpy(tmp, s->cpu[i], sizeof tmp);
        v[k] = bench_median(tmp, reps);
    }
    if (!with_watch) {
        fmt_val(b, sizeof b, v[1], 2, "%");
        fmt_val(c, sizeof c, v[2], 2, "%");
        row(target, "not built yet", b, c, "-", "SKIP: `oscope watch` is not built yet");
        return;
    }
    fmt_val(a, sizeof a, v[0], 3, "%");
    fmt_val(b, sizeof b, v[1], 2, "%");
    fmt_val(c, sizeof c, v[2], 2, "%");
    if (v[0] < 0 || v[1] <= 0) {
        row(target, a, b, c, "n/a", "GAP: CPU time unreadable");
        return;
    }
    snprintf(r, sizeof r, "%.2f of htop", v[0] / v[1]);
    if (slow)
        snprintf(verdict, sizeof verdict, "%s (target: under 0.2 %% of one core)",
                 v[0] < 0.2 ? "PASS" : "GAP");
    else
        snprintf(verdict, sizeof verdict, "%s (target: <= 1/4 of htop and below top)",
                 v[0] <= v[1] / 4 && (v[2] < 0 || v[0] < v[2]) ? "PASS" : "GAP");
    row(target, a, b, c, r, verdict);
}

static void bytes_row(const char *target, const struct sample_set *s, int reps, int o, int h,
                      int t, bool with_watch)
{
    double v[3], tmp[8];
    char a[32], b[32], c[32], r[48];

    for (int k = 0; k < 3; k++) {
        int i = k == 0 ? o : k == 1 ? h : t;
        memcpy(tmp, s->bps[i], sizeof tmp);
        v[k] = bench_median(tmp, reps);
    }
    fmt_val(b, sizeof b, v[1], 0, "B/s");
    fmt_val(c, sizeof c, v[2], 0, "B/s");
    if (!with_watch) {
        row(target, "not built yet", b, c, "-", "SKIP: `oscope watch` is not built yet");
        return;
    }
    fmt_val(a, sizeof a, v[0], 0, "B/s");
    snprintf(r, sizeof r, "%.2f of htop", v[1] > 0 ? v[0] / v[1] : 0);
    row(target, a, b, c, r, v[0] <= v[1] ? "PASS (target: <= htop)" : "GAP (target: <= htop)");
}

static void hwm_row(const char *target, long os, long htop, long top)
{
    char a[32], b[32], c[32], r[48];

    fmt_val(a, sizeof a, (double)os, 0, "KiB");
    fmt_val(b, sizeof b, (double)htop, 0, "KiB");
    fmt_val(c, sizeof c, (double)top, 0, "KiB");
    if (os < 0 || htop <= 0) {
        row(target, os < 0 ? "not built yet" : a, b, c, "-", os < 0 ? "SKIP" : "GAP: unreadable");
        return;
    }
    snprintf(r, sizeof r, "%.2f of htop", (double)os / (double)htop);
    row(target, a, b, c, r, os <= htop ? "PASS (target: <= htop)" : "GAP (target: <= htop)");
}

static int cmd_refresh(double secs, int reps)
{
    static struct sample_set small, big;
    bool w = bench_watch_built();

    if (reps < 1 || reps > 8)
        reps = 3;
    for (int r = 0; r < reps; r++) {
        fprintf(stderr, "tuibench: refresh round %d/%d at 80x24 (%.0f s)\n", r + 1, reps, secs);
        refresh_round(24, 80, secs, w, r, &small);
    }
    for (int r = 0; r < reps; r++) {
        fprintf(stderr, "tuibench: refresh round %d/%d at 200x50 (%.0f s)\n", r + 1, reps, secs / 2);
        refresh_round(50, 200, secs / 2, w, r, &big);
    }
    printf("<!-- refresh: %d x %.0f s at 80x24, %d x %.0f s at 200x50, medians -->\n", reps, secs,
           reps, secs / 2);
    cpu_row("CPU, refresh 0.1 s (`watch -d 0.1`, `htop -d 1`, `top -d 0.1`), 80x24", &small, reps,
            P_OS_FAST, P_HTOP_FAST, P_TOP_FAST, w, false);
    cpu_row("CPU, refresh 1 s (`watch -d 1`, `htop -d 10`, `top -d 1`), 80x24", &small, reps,
            P_OS_SLOW, P_HTOP_SLOW, P_TOP_SLOW, w, true);
    bytes_row("Bytes to the terminal, refresh 0.1 s, 80x24", &small, reps, P_OS_FAST, P_HTOP_FAST,
              P_TOP_FAST, w);
    bytes_row("Bytes to the terminal, refresh 1 s, 80x24", &small, reps, P_OS_SLOW, P_HTOP_SLOW,
              P_TOP_SLOW, w);
    bytes_row("Bytes to the terminal, refresh 0.1 s, 200x50", &big, reps, P_OS_FAST, P_HTOP_FAST,
              P_TOP_FAST, w);
    bytes_row("Bytes to the terminal, refresh 1 s, 200x50", &big, reps, P_OS_SLOW, P_HTOP_SLOW,
              P_TOP_SLOW, w);
    hwm_row("Peak RSS (VmHWM) after the 80x24 run, refresh 0.1 s", w ? small.hwm[P_OS_FAST] : -1,
            small.hwm[P_HTOP_FAST], small.hwm[P_TOP_FAST]);
    return 0;
}

/* ---------------- start: exec to first complete frame ---------------- */

/* Time from fork to the last byte of the first frame: the screen shows `needle` (or
 * anything, when NULL) and then stays quiet for 150 ms. Negative on timeout. With hwm,
 * the peak RSS after it has run a second more. */
static double first_frame(const char *const argv[], const char *needle, long *hwm)
{
    struct pr *p = bench_spawn(24, 80, argv);
    double t = -1;

    if (needle ? pr_wait_text(p, needle, 15000) : pr_settle(p, 150, 15000) > 0) {
        double last = pr_settle(p, 150, 3000);
        t = last - pr_started(p);
    }
    if (hwm) {
        double end = pr_now() + 1;
        while (pr_now() < end)
            pr_pump(&p, 1, 50);
        *hwm = proc_hwm_kib(pr_pid(p));
    }
    bench_quit(p);
    return t;
}

static double start_bench_median(const char *const argv[], const char *needle, int runs, long *hwm)
{
    double v[16];

    if (runs > 16)
        runs = 16;
    for (int i = 0; i < runs; i++)
        v[i] = first_frame(argv, needle, i == runs - 1 ? hwm : NULL);
    for (int i = 0; i < runs; i++)
        if (v[i] < 0)
            return -1;
    return bench_median(v, runs);
}

static int cmd_start(int runs)
{
    char ids[BENCH_MAX_SCENES][32];
    int nsc = bench_scene_ids(ids, BENCH_MAX_SCENES);
    const char *menu[] = { bench_bin(), NULL };
    const char *scene[] = { bench_bin(), nsc ? ids[0] : "stack-heap", NULL };
    const char *watch[] = { bench_bin(), "watch", "-d", "1", NULL };
    const char *htop[] = { "htop", "-d", "10", NULL };
    const char *top[] = { "top", "-d", "1", NULL };
    long hm = -1, hs = -1, hh = -1, ht = -1, hw = -1;
    double tm, ts, tw = -1, th, tt;
    char a[32], b[32], c[32], r[48], name[96];
    bool w = bench_watch_built();

    fprintf(stderr, "tuibench: start to first frame, %d runs each\n", runs);
    th = start_bench_median(htop, "Quit", runs, &hh);
    tt = start_bench_median(top, "PID", runs, &ht);
    tm = start_bench_median(menu, "Scenes", runs, &hm);
    ts = start_bench_median(scene, "step 1/", runs, &hs);
    if (w)
        tw = start_bench_median(watch, NULL, runs, &hw);

    printf("<!-- start: median of %d runs; first frame = the known text is on screen and "
           "150 ms pass with no output -->\n", runs);
    fmt_val(b, sizeof b, th * 1000, 1, "ms");
    fmt_val(c, sizeof c, tt * 1000, 1, "ms");
    for (int k = 0; k < 3; k++) {
        double t = k == 0 ? tm : k == 1 ? ts : tw;
        snprintf(name, sizeof name, "Start to first frame: %s", k == 0 ? "menu" : "watch");
        if (k == 1)
            snprintf(name, sizeof name, "Start to first frame: scene `%s` (lab at step 1)", scene[1]);
        if (k == 2 && !w) {
            row(name, "not built yet", b, c, "-", "SKIP: `oscope watch` is not built yet");
            continue;
        }
        fmt_val(a, sizeof a, t * 1000, 1, "ms");
        snprintf(r, sizeof r, t > 0 && th > 0 ? "%.2f of htop" : "n/a", t / th);
        row(name, a, b, c, r,
            t >= 0 && th > 0 && t <= th ? "PASS (target: <= htop)" : "GAP (target: <= htop)");
    }
    hwm_row("Peak RSS (VmHWM): menu, 1 s after start", hm, hh, ht);
    snprintf(name, sizeof name, "Peak RSS (VmHWM): scene `%s`, oscope only (not its lab)", scene[1]);
    hwm_row(name, hs, hh, ht);
    if (w)
        hwm_row("Peak RSS (VmHWM): watch -d 1, 1 s after start", hw, hh, ht);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;

    bench_init();
    if (argc >= 2 && strcmp(argv[1], "refresh") == 0)
        rc = cmd_refresh(argc > 2 ? atof(argv[2]) : 20, argc > 3 ? atoi(argv[3]) : 3);
    else if (argc >= 2 && strcmp(argv[1], "start") == 0)
        rc = cmd_start(argc > 2 ? atoi(argv[2]) : 5);
    else
        fprintf(stderr, "usage: tuibench refresh [SECONDS [REPS]] | start [RUNS]\n");
    bench_done();
    return rc;
}
