/* hard_keys.c — key fuzz: seeded random keys (printable, arrows, function keys, control
 * bytes, escape sequences, mouse reports, UTF-8, broken UTF-8) into the menu, every scene
 * and watch on a pty. After every batch oscope must answer a key within 1 s, have at most
 * one child (its lab), and at the end quit cleanly leaving no process and no lab directory.
 * HARD_SEED repeats a run; HARD_KEYS sets the total (default 20000), shared by the views;
 * HARD_ONLY="keys: NAME" runs one view (a pattern, for cmocka_set_test_filter);
 * HARD_TRACE=1 checks oscope after every key, so a failure names the key that caused it.
 * Keys that quit or signal on purpose (q, F10, Ctrl-C, Ctrl-Z, Ctrl-\) and XON/XOFF are
 * never sent: tests/hard/hard_signals.c covers those. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/hard/common.h"

#define BATCH 100
#define KEY_GAP_NS 2000000L     /* 2 ms between keys */
#define ANSWER_MS 1000
#define HISTORY 24

static unsigned long seed;
static uint64_t rng;
static char ids[HARD_MAX_SCENES][32];
static int nids;
static int keys_each;
static bool trace;              /* $HARD_TRACE: check after every key (slow) */
static char history[HISTORY][48];
static int nhist;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next_rand() % n);
}

static void remember(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void remember(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(history[nhist % HISTORY], sizeof history[0], fmt, ap);
    va_end(ap);
    nhist++;
}

static void print_history(void)
{
    int from = nhist > HISTORY ? nhist - HISTORY : 0;

    fprintf(stderr, "last keys sent (oldest first):");
    for (int i = from; i < nhist; i++)
        fprintf(stderr, " %s", history[i % HISTORY]);
    fprintf(stderr, "\n");
}

/* Sends raw bytes and records them escaped. */
static void send_bytes(struct vt *vt, const char *b, size_t n)
{
    char esc[48];
    size_t k = 0;

    for (size_t i = 0; i < n && k + 5 < sizeof esc; i++) {
        unsigned char c = (unsigned char)b[i];
        k += (size_t)snprintf(esc + k, sizeof esc - k, c >= 33 && c < 127 ? "%c" : "\\x%02x", c);
    }
    remember("%s", esc);
    vt_send_raw(vt, b, n);
}

/* A printable byte other than q. */
static char printable(void)
{
    char c;

    do
        c = (char)(' ' + pick(95));
    while (c == 'q');
    return c;
}

/* A control byte that neither signals (^C ^Z ^\), stops output (^S ^Q) nor quotes (^V). */
static char control(void)
{
    static const char ok[] = { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20,
                               21, 23, 24, 25, 27, 29, 30, 31, 127 };
    return ok[pick(sizeof ok)];
}

static void send_escape_sequence(struct vt *vt)
{
    char b[40];
    int n = 0;

    switch (pick(4)) {
    case 0:                     /* CSI with random parameters and final byte */
        b[n++] = 27;
        b[n++] = '[';
        for (int k = (int)pick(4); k > 0; k--)
            n += snprintf(b + n, sizeof b - (size_t)n, "%u%s", pick(40), k > 1 ? ";" : "");
        b[n++] = (char)('@' + pick(63));
        /* a final q is read as the key q when curses does not know the sequence, and
         * ESC [ 2 1 ~ is F10: both quit */
        if (b[n - 1] == 'q' || (n == 5 && memcmp(b, "\033[21~", 5) == 0))
            b[n - 1] = 'A';
        break;
    case 1:                     /* SS3 */
        b[n++] = 27;
        b[n++] = 'O';
        b[n++] = (char)('A' + pick(26));
        break;
    case 2:                     /* Alt + a key */
        b[n++] = 27;
        b[n++] = printable();
        break;
    default:                    /* a sequence cut short */
        b[n++] = 27;
        b[n++] = '[';
        if (pick(2))
            b[n++] = (char)('0' + pick(10));
        break;
    }
    send_bytes(vt, b, (size_t)n);
}

static void send_mouse(struct vt *vt)
{
    char b[40];
    int n;

    if (pick(2)) {              /* SGR report: ESC [ < button ; x ; y M|m */
        n = snprintf(b, sizeof b, "\033[<%u;%u;%u%c", pick(100), 1 + pick(300), 1 + pick(100),
                     pick(2) ? 'M' : 'm');
    } else {                    /* X10 report: ESC [ M then three bytes 32..255, never q */
        b[0] = 27;
        b[1] = '[';
        b[2] = 'M';
        for (int i = 3; i < 6; i++) {
            do
                b[i] = (char)(32 + pick(224));
            while (b[i] == 'q');
        }
        n = 6;
    }
    send_bytes(vt, b, (size_t)n);
}

static void send_special_key(struct vt *vt)
{
    static const VTermKey keys[] = {
        VTERM_KEY_UP, VTERM_KEY_DOWN, VTERM_KEY_LEFT, VTERM_KEY_RIGHT, VTERM_KEY_HOME,
        VTERM_KEY_END, VTERM_KEY_PAGEUP, VTERM_KEY_PAGEDOWN, VTERM_KEY_INS, VTERM_KEY_DEL,
        VTERM_KEY_ENTER, VTERM_KEY_TAB, VTERM_KEY_BACKSPACE, VTERM_KEY_ESCAPE,
    };
    static const char *const names[] = { "Up", "Down", "Left", "Right", "Home", "End", "PgUp",
                                         "PgDn", "Ins", "Del", "Enter", "Tab", "BS", "Esc" };
    unsigned i = pick(sizeof keys / sizeof keys[0]);

    remember("%s", names[i]);
    vt_key(vt, keys[i]);
}

/* One random key from the weighted classes. */
static void send_random_key(struct vt *vt)
{
    static const char meaningful[] = "lhnpgGjkro?m 1234abcdsxyz\r";
    unsigned r = pick(100);
    char c;

    if (r < 30) {
        c = meaningful[pick(sizeof meaningful - 1)];
        send_bytes(vt, &c, 1);
    } else if (r < 50) {
        c = printable();
        send_bytes(vt, &c, 1);
    } else if (r < 72) {
        send_special_key(vt);
    } else if (r < 78) {
        int f = 1 + (int)pick(12);
        if (f == 10)
            f = 11;
        remember("F%d", f);
        vt_key_fn(vt, f);
    } else if (r < 85) {
        c = control();
        send_bytes(vt, &c, 1);
    } else if (r < 92) {
        send_escape_sequence(vt);
    } else if (r < 95) {
        send_mouse(vt);
    } else if (r < 98) {
        static const char *const utf8[] = { "\xc3\xa9", "\xe2\x86\x92", "\xe6\x97\xa5",
                                            "\xf0\x9f\x98\x80" };
        const char *u = utf8[pick(4)];
        send_bytes(vt, u, strlen(u));
    } else {
        static const char broken[] = { (char)0xc3, (char)0xff, (char)0xe2, (char)0x80 };
        send_bytes(vt, &broken[pick(sizeof broken)], 1);
    }
}

static void gap(void)
{
    struct timespec ts = { 0, KEY_GAP_NS };

    nanosleep(&ts, NULL);
}

/* Fuzzes one view: oscope started with args (argv after the binary, NULL-terminated). */
static void fuzz_view(const char *name, const char *const args[])
{
    struct hard_dir dir;
    struct vt *vt;
    int status;

    assert_true(hard_dir_new(&dir));
    rng = seed ^ (uint64_t)strlen(name) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)name[0] << 32;
    if (!rng)
        rng = 1;
    vt = hard_start(24, 80, dir.env, args);
    assert_non_null(vt);
    hard_pump(vt, 300);
    nhist = 0;
    for (int sent = 0; sent < keys_each; sent += BATCH) {
        for (int k = 0; k < BATCH && sent + k < keys_each; k++) {
            send_random_key(vt);
            gap();
            if (trace && (hard_pump(vt, 20), !os_alive(vt_pid(vt))))
                break;          /* HARD_TRACE: stop at the key that ended it */
        }
        if (!os_alive(vt_pid(vt)) || !hard_answers(vt, ANSWER_MS) || hard_extra_children(vt)) {
            print_history();
            fprintf(stderr, "%s: failed after %d keys (seed %lu, HARD_SEED=%lu repeats it)\n",
                    name, sent + BATCH, seed, seed);
            if (!os_alive(vt_pid(vt))) {
                fprintf(stderr, "oscope exited: wait status 0x%x\n", (unsigned)vt_finish(vt, 2000));
                vt_dump(vt, stderr);
            }
            vt_free(vt);
            vt_orphans();
            hard_dir_free(&dir);
            fail();
        }
    }
    vt_key_char(vt, 'q');
    status = vt_finish(vt, 5000);
    if (status != 0) {
        vt_dump(vt, stderr);
        print_history();
        fprintf(stderr, "%s: q gave wait status %d (seed %lu)\n", name, status, seed);
    }
    vt_free(vt);
    assert_int_equal(status, 0);
    assert_int_equal(hard_orphans(), 0);
    assert_int_equal(hard_dir_leftovers(&dir), 0);
    hard_dir_free(&dir);
    fprintf(stderr, "%s: %d keys, answered, clean exit\n", name, keys_each);
}

static void test_menu(void **state)
{
    const char *const args[] = { NULL };

    (void)state;
    fuzz_view("menu", args);
}

static void test_scene(void **state)
{
    const char *id = *state;
    const char *const args[] = { id, NULL };

    fuzz_view(id, args);
}

static void test_watch(void **state)
{
    char self[32];
    const char *const args[] = { "watch", "-d", "0.2", "-p", self, NULL };

    (void)state;
    if (!hard_watch_built()) {
        fprintf(stderr, "watch: not built yet: skipped\n");
        skip();
    }
    snprintf(self, sizeof self, "%d", (int)getpid());     /* a process row too */
    fuzz_view("watch", args);
}

int main(void)
{
    static char names[HARD_MAX_SCENES][48];
    struct CMUnitTest tests[HARD_MAX_SCENES + 2];
    int n = 0, total = getenv("HARD_KEYS") ? atoi(getenv("HARD_KEYS")) : 20000;

    seed = hard_seed("hard_keys");
    trace = getenv("HARD_TRACE") != NULL;
    nids = hard_scene_ids(ids, HARD_MAX_SCENES);
    keys_each = total / (nids + 1 + (hard_watch_built() ? 1 : 0));
    if (keys_each < BATCH)
        keys_each = BATCH;
    tests[n++] = (struct CMUnitTest){ "keys: menu", test_menu, NULL, hard_teardown, NULL };
    for (int i = 0; i < nids; i++) {
        snprintf(names[i], sizeof names[i], "keys: %s", ids[i]);
        tests[n++] = (struct CMUnitTest){ names[i], test_scene, NULL, hard_teardown, ids[i] };
    }
    tests[n++] = (struct CMUnitTest){ "keys: watch", test_watch, NULL, hard_teardown, NULL };
    if (getenv("HARD_ONLY"))    /* e.g. HARD_ONLY="keys: recursion" with the seed of a failure */
        cmocka_set_test_filter(getenv("HARD_ONLY"));
    return _cmocka_run_group_tests("hard_keys", tests, (size_t)n, NULL, NULL);
}
