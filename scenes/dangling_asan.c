/* dangling_asan.c — the last step of the scene "dangling": the same use-after-free built
 * with AddressSanitizer, its report read from the lab's output, or plainly why it could not
 * run here. */
#include <stdio.h>
#include <string.h>

#include "scenes/asan_report.h"
#include "scenes/dangling.h"

static const char *fact(const struct facts *f, const char *name)
{
    const char *s = facts_get(f, name);

    return s ? s : "?";
}

/* The report as ASan printed it (tidied), first, so it gets the room. */
static void report_block(const struct asan_report *r, struct model *m)
{
    struct m_text *t = model_add_text(m, "AddressSanitizer's report (oscope-uaf-asan, stderr)");

    for (int i = 0; t && i < r->nlines; i++)
        text_line(t, i == 0 ? MS_BAD : strstr(r->lines[i], " of size ") ? MS_ACCENT : MS_NORMAL,
                  "%s", r->lines[i]);
}

/* The last lines the lab printed, when there is no report to show. */
static void output_tail(const char *out, struct model *m)
{
    struct m_text *t = model_add_text(m, "what the lab printed (last lines)");
    const char *s = out ? out + strlen(out) : NULL;
    int n = 0;

    if (!t || !s)
        return;
    while (s > out && n < 6)
        if (*--s == '\n' && s[1])
            n++;
    while (s && *s && t->nlines < 6) {
        int len = (int)strcspn(s, "\n");
        if (len)
            text_line(t, MS_DIM, "%.*s", len, s);
        s += len;
        s += *s == '\n';
    }
}

void dangling_step_asan(const struct step_view *v, struct model *m)
{
    const struct facts *f = v->facts;
    struct asan_report r;
    char lib[64];

    if (strcmp(fact(f, "asan.found"), "1") != 0) {
        model_headline(m, "AddressSanitizer is not installed here");
        model_say(m, "AddressSanitizer is not installed here: %s, the same code built with "
                     "-fsanitize=address, is neither next to oscope nor in ../libexec/oscope. "
                     "make builds it where the compiler has the sanitizer (gcc needs libasan).",
                  DANGLING_ASAN_DEMO);
        dangling_final_map(v, m);
        return;
    }
    if (asan_report_missing_runtime(v->output, lib, sizeof lib)) {
        model_headline(m, "AddressSanitizer is not installed here");
        model_say(m, "AddressSanitizer is not installed here: its runtime library %s is "
                     "missing, so %s could not start (%s).", lib, DANGLING_ASAN_DEMO,
                  fact(f, "asan.status"));
        output_tail(v->output, m);
        return;
    }
    asan_report_parse(v->output, &r);
    if (!r.found) {
        model_headline(m, "The AddressSanitizer build ran, but printed no report");
        model_say(m, "%s ended with %s and no \"ERROR: AddressSanitizer\" line. Its last "
                     "output is below.", DANGLING_ASAN_DEMO, fact(f, "asan.status"));
        output_tail(v->output, m);
        return;
    }
    report_block(&r, m);
    dangling_final_map(v, m);
    model_headline(m, "With AddressSanitizer the same code stops at the stale write");
    model_say(m, "ASan reports %s: a %s at %s (in the demo's own process), at %s. It poisons "
                 "freed blocks and holds them back, and the compiler checks the poison before "
                 "every load and store. The demo ended with %s; the lab and oscope go on.",
              r.kind, r.access[0] ? r.access : "bad access", r.addr, r.where[0] ? r.where : "?",
              fact(f, "asan.status"));
}
