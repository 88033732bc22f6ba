/* learn.c — the learner's progress: quiz scores loaded at start, saved when a quiz ends. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"

void learn_load(struct app *a)
{
    char warn[256] = "";
    int rc;

    if (progress_path(a->prog_path, sizeof a->prog_path) != 0) {
        a->prog_path[0] = '\0';
        snprintf(a->message, sizeof a->message,
                 "quiz scores will not be kept: neither XDG_STATE_HOME nor HOME is set");
        return;
    }
    rc = progress_load(a->prog_path, &a->prog, warn, sizeof warn);
    if (rc == 1)
        snprintf(a->message, sizeof a->message, "%s", warn);
    else if (rc < 0)
        snprintf(a->message, sizeof a->message, "could not read %.100s: %s", a->prog_path,
                 strerror(-rc));
}

void learn_quiz_done(struct app *a)
{
    int rc;

    if (a->quiz_saved || !quiz_finished(&a->quiz))
        return;
    a->quiz_saved = true;
    progress_record(&a->prog, a->scene->id, a->quiz.score, a->scene->nquiz, (long long)time(NULL));
    if (!a->prog_path[0])
        return;
    rc = progress_save(a->prog_path, &a->prog);
    if (rc == 0)
        snprintf(a->message, sizeof a->message, "score %d/%d kept in %.100s", a->quiz.score,
                 a->scene->nquiz, a->prog_path);
    else
        snprintf(a->message, sizeof a->message, "could not save the score to %.100s: %s",
                 a->prog_path, strerror(-rc));
}
