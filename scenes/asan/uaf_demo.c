/* uaf_demo.c — the use-after-free of the scene "dangling" on its own, built with
 * AddressSanitizer (-fsanitize=address -g) into oscope-uaf-asan. The scene's last step runs
 * it: ASan stops it at the bad write and prints its report on stderr. It is the lab code of
 * scenes/unsafe_dangling.c without the stops. */
#include <stdio.h>
#include <stdlib.h>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wuse-after-free" /* the bug is the point */
#endif

/* Another part of the program,
 * which wants an int of its own. */
__attribute__((noinline))
static int *other_part(void)
{
    int *mine = malloc(sizeof *mine);
    if (!mine)
        exit(1);
    *mine = 7;
    return mine;
}

int main(void)
{
    int *p2 = malloc(sizeof *p2);
    if (!p2)
        return 1;
    *p2 = 20;
    int *p3 = p2;
    free(p2);
    p2 = NULL;
    int *mine = other_part();
    *p3 = 50;
    int got = *mine;
    printf("the owner reads %d\n", got);
    return 0;
}
