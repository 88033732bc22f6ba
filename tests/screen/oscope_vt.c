/* oscope_vt.c — shortcuts for screen tests of oscope itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/screen/oscope_vt.h"

#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static struct vt *start(int rows, int cols, const char *const env[], const char *arg, va_list ap)
{
    const char *argv[10];
    int n = 0;

    argv[n++] = vt_bin();
    for (const char *a = arg; a && n < 9; a = va_arg(ap, const char *))
        argv[n++] = a;
    argv[n] = NULL;
    return vt_spawn(rows, cols, argv, env);
}

struct vt *os_start(int rows, int cols, const char *arg, ...)
{
    va_list ap;
    struct vt *vt;

    va_start(ap, arg);
    vt = start(rows, cols, NULL, arg, ap);
    va_end(ap);
    return vt;
}

struct vt *os_start_env(int rows, int cols, const char *const env[], const char *arg, ...)
{
    va_list ap;
    struct vt *vt;

    va_start(ap, arg);
    vt = start(rows, cols, env, arg, ap);
    va_end(ap);
    return vt;
}

bool os_expect(struct vt *vt, const char *text)
{
    if (vt_wait_text(vt, text, OS_WAIT_MS))
        return true;
    fprintf(stderr, "expected \"%s\" on the screen; it shows:\n", text);
    vt_dump(vt, stderr);
    return false;
}

pid_t os_lab_pid(struct vt *vt)
{
    char buf[1024];
    const char *p;

    vt_row(vt, vt_rows(vt) - 1, buf, sizeof buf);
    p = strstr(buf, "lab ");
    while (p && !(p[4] >= '0' && p[4] <= '9'))
        p = strstr(p + 4, "lab ");
    return p ? (pid_t)atoi(p + 4) : 0;
}

char *os_row_from(struct vt *vt, int row, int col, char *buf, size_t cap)
{
    char line[2048];
    const char *s = vt_row(vt, row, line, sizeof line);
    mbstate_t st;
    int c = 0;

    memset(&st, 0, sizeof st);
    while (*s && c < col) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            n = 1;
            memset(&st, 0, sizeof st);
        } else {
            int w = wcwidth(wc);
            c += w > 0 ? w : 1;
        }
        s += n;
    }
    snprintf(buf, cap, "%s", s);
    return buf;
}

bool os_wait_step(struct vt *vt, int k)
{
    char want[32];

    snprintf(want, sizeof want, "step %d/", k);
    return os_expect(vt, want);
}

bool os_alive(pid_t pid)
{
    char path[64], buf[512];
    FILE *f;
    char *p;
    bool alive = false;

    if (pid <= 0 || kill(pid, 0) != 0)
        return false;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return false;
    if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) && p[1] == ' ')
        alive = p[2] != 'Z' && p[2] != 'X';
    fclose(f);
    return alive;
}

bool os_next(struct vt *vt)
{
    if (!vt_key(vt, VTERM_KEY_RIGHT))
        return false;
    vt_settle(vt, 80);
    if (vt_find(vt, "predict, then see", NULL, NULL))
        return vt_key_char(vt, 's');
    return true;
}

void os_quit_clean(struct vt *vt, pid_t lab)
{
    int status;

    assert_true(vt_key_char(vt, 'q'));
    status = vt_finish(vt, OS_WAIT_MS);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_false(os_alive(lab));
    assert_int_equal(vt_orphans(), 0);
    vt_free(vt);
}

void os_quiz_and_quit(struct vt *vt, pid_t lab)
{
    assert_true(vt_key(vt, VTERM_KEY_RIGHT));
    assert_true(os_expect(vt, "Question 1 of"));
    os_quit_clean(vt, lab);
}

int os_teardown(void **state)
{
    (void)state;
    vt_free_all();
    vt_orphans(); /* after a failure: leave nothing to the next test */
    return 0;
}
