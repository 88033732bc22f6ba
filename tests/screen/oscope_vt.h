/* oscope_vt.h — shortcuts for screen tests of oscope itself: start it, wait for text (and
 * print the screen when it never comes), find the lab's pid, read screen columns. */
#ifndef OSCOPE_TESTS_OSCOPE_VT_H
#define OSCOPE_TESTS_OSCOPE_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tests/screen/vt.h"

#define OS_WAIT_MS 8000

/* Starts ./oscope (vt_bin()) with up to 6 arguments (NULL-terminated) at rows x cols. */
struct vt *os_start(int rows, int cols, const char *arg, ...);
/* Like os_start with extra environment ("NAME=value" or "NAME=" to unset). */
struct vt *os_start_env(int rows, int cols, const char *const env[], const char *arg, ...);
/* Waits for text; on timeout prints what it waited for and the screen, returns false. */
bool os_expect(struct vt *vt, const char *text);
/* The lab's pid as the status line shows it ("lab 1234 ..."), or 0. */
pid_t os_lab_pid(struct vt *vt);
/* The text of a row from display column col on (UTF-8 aware); returns buf. */
char *os_row_from(struct vt *vt, int row, int col, char *buf, size_t cap);
/* Waits until the title bar says "step k/" (1-based); false on timeout. */
bool os_wait_step(struct vt *vt, int k);
/* Next step: Right, and when the scene asks for a prediction first, s to skip it. */
bool os_next(struct vt *vt);
/* At the last step: Right opens the quiz, q quits; oscope must exit 0, and the lab
 * (pid lab) and every other descendant must be gone. Frees vt. Asserts (cmocka). */
/* q: oscope exits with status 0, the lab is gone and nothing is left behind; frees vt. */
void os_quit_clean(struct vt *vt, pid_t lab);
void os_quiz_and_quit(struct vt *vt, pid_t lab);
/* A cmocka teardown: frees every terminal and reaps what a failed test left behind. */
int os_teardown(void **state);
/* True when a process exists (not a zombie). */
bool os_alive(pid_t pid);

#endif
