/* quiz.h — the questions at the end of a scene: ask, take an answer, explain. */
#ifndef OSCOPE_QUIZ_H
#define OSCOPE_QUIZ_H

#include <stdbool.h>

#include "scenes/scene.h"
#include "tui/widgets.h"

struct quiz {
    bool active;
    const struct scene *sc;
    int q;          /* question on screen; == nquiz: the summary */
    int chosen;     /* the answer given to q, -1 none yet */
    int score;
    int answered;
};

void quiz_start(struct quiz *z, const struct scene *sc);
/* A key while the quiz is up; true when it was used. *leave is set when the learner
 * steps back out of the quiz (Left on the first question). */
bool quiz_key(struct quiz *z, int key, bool *leave);
bool quiz_finished(const struct quiz *z);
void quiz_draw(const struct quiz *z, struct rect r);

#endif
