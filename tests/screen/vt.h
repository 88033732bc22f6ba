/* vt.h — screen-test harness: runs a program on a pseudo-terminal, emulates the terminal
 * with libvterm, sends keys and reads the screen back cell by cell.
 *
 * Typical use in a test:
 *     const char *const argv[] = { vt_bin(), NULL };
 *     struct vt *vt = vt_spawn(24, 80, argv, NULL);
 *     if (!vt_wait_text(vt, "Memory", 5000)) vt_dump(vt, stderr);
 *     vt_key_char(vt, 'q');
 *     int status = vt_finish(vt, 5000);
 *     vt_free(vt);
 *     assert_int_equal(vt_orphans(), 0);
 *
 * Nothing says "the program has finished drawing": every wait takes a deadline, and once
 * what it waits for is there it keeps reading until the output has been quiet for a while.
 * Rows and columns count from 0. Not thread-safe (one test thread drives everything). */
#ifndef OSCOPE_TESTS_VT_H
#define OSCOPE_TESTS_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <vterm.h>

struct vt;

/* Milliseconds of silence that count as "done drawing" after a wait succeeds. */
#define VT_QUIET_MS 50

/* The oscope binary to test: $OSCOPE_BIN if set and non-empty (with "./" put in front of
 * a bare name, so it is not looked up in PATH), else "./oscope". */
const char *vt_bin(void);

/* Starts argv[0] (searched in PATH) on a new rows x cols pty. The child gets
 * TERM=xterm-256color, LANG=LC_ALL=C.UTF-8, ESCDELAY=25 and no LINES, COLUMNS or
 * NO_COLOR; then each env_extra entry (NULL-terminated list, may be NULL) is applied:
 * "NAME=value" sets, "NAME=" unsets. If exec fails the child exits with status 127.
 * Makes this process a child subreaper first (see vt_orphans). Returns NULL with errno
 * set if the pty cannot be made; the caller owns the result (vt_free). */
struct vt *vt_spawn(int rows, int cols, const char *const argv[], const char *const env_extra[]);

/* Kills the child if it is still running (SIGKILL), reaps it, frees everything. NULL ok. */
void vt_free(struct vt *vt);

/* vt_free on every handle not freed yet — for a teardown after a failed assertion. */
void vt_free_all(void);

/* Reads output until needle (UTF-8, within one row) is on screen, then until VT_QUIET_MS
 * of silence. False after timeout_ms, or at once when the child has exited and closed
 * the terminal without showing it. */
bool vt_wait_text(struct vt *vt, const char *needle, int timeout_ms);

/* Reads output until needle is on no row any more, then settles as vt_wait_text. */
bool vt_wait_gone(struct vt *vt, const char *needle, int timeout_ms);

/* Reads output until quiet_ms pass with none (gives up after 2 s of steady output). */
void vt_settle(struct vt *vt, int quiet_ms);

/* Keys, encoded as xterm does in the current keypad/cursor mode. False if the terminal is
 * gone. vt_key_char takes a Unicode code point; vt_key_ctrl a letter or one of @[\]^_
 * and sends the control byte (Ctrl-L is 0x0c); vt_key_fn takes 1..12 for F1..F12. */
bool vt_key_char(struct vt *vt, unsigned int codepoint);
bool vt_key(struct vt *vt, VTermKey key);
bool vt_key_mod(struct vt *vt, VTermKey key, VTermModifier mod);
bool vt_key_fn(struct vt *vt, int n);
bool vt_key_ctrl(struct vt *vt, char c);
/* Sends bytes as typed, unchanged. */
bool vt_send_raw(struct vt *vt, const void *bytes, size_t n);
/* Sends a string as typed (same as vt_send_raw of its bytes). */
bool vt_type(struct vt *vt, const char *s);

/* Resizes the emulated screen, then the pty (the child gets SIGWINCH). */
void vt_resize(struct vt *vt, int rows, int cols);

int vt_rows(const struct vt *vt);
int vt_cols(const struct vt *vt);
pid_t vt_pid(const struct vt *vt);

/* The UTF-8 text of one row, trailing blanks removed, into buf (always terminated,
 * truncated to cap). Returns buf. A row out of range reads as empty. */
char *vt_row(struct vt *vt, int row, char *buf, size_t cap);

/* The whole screen, rows joined by '\n' (no final newline). The caller frees it. */
char *vt_screen(struct vt *vt);

/* Finds needle on the screen, top row first. Stores its row and its column in cells
 * (not bytes) where the pointers are non-NULL. */
bool vt_find(struct vt *vt, const char *needle, int *row, int *col);

/* What one cell looks like. Colours: -1 the terminal default, 0..255 a palette index,
 * -2 a direct RGB colour. fg and bg are as the program set them, not swapped by reverse. */
struct vt_attr {
    bool bold, reverse, underline;
    int fg, bg;
};
struct vt_attr vt_cell_attr(struct vt *vt, int row, int col);

/* Cursor position as the emulator has it. */
void vt_cursor(struct vt *vt, int *row, int *col);

/* Prints the screen in a frame with row numbers, the cursor and the child's state — call
 * it before failing an assertion so the log shows what the user would have seen. */
void vt_dump(struct vt *vt, FILE *out);

/* Waits for the child to exit, reading its output meanwhile (the screen keeps its last
 * frame). Returns the waitpid status, or -1 after timeout_ms (the child is then killed
 * with SIGKILL and reaped). Calling it again returns the same status. */
int vt_finish(struct vt *vt, int timeout_ms);

/* Processes whose parent is pid, from /proc: up to cap of them stored in out. Returns how
 * many were stored, or -errno if /proc cannot be read. */
int vt_children_of(pid_t pid, pid_t *out, int cap);

/* Counts the processes left behind under this one — descendants re-parented here by the
 * subreaper, alive or zombie, not counting running vt children — prints each to stderr,
 * then kills and reaps them all so the next test starts clean. 0 means nothing leaked. */
int vt_orphans(void);

#endif
