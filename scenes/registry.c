/* registry.c — every scene, in menu order. Adding a scene: one file and one line here. */
#include <string.h>

#include "scenes/scene.h"

extern const struct scene scene_stack_heap;
extern const struct scene scene_dangling;
extern const struct scene scene_recursion;
extern const struct scene scene_fragmentation;
extern const struct scene scene_page_cache;
extern const struct scene scene_locks;
extern const struct scene scene_livelock;

const struct scene *const scene_table[] = {
    &scene_stack_heap,
    &scene_dangling,
    &scene_fragmentation,
    &scene_recursion,
    &scene_page_cache,
    &scene_locks,
    &scene_livelock,
};
const int scene_count = (int)(sizeof scene_table / sizeof scene_table[0]);

const struct scene *scene_find(const char *id)
{
    for (int i = 0; i < scene_count; i++)
        if (strcmp(scene_table[i]->id, id) == 0)
            return scene_table[i];
    return NULL;
}
