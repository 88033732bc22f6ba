/* main.c — the command line: what to open, or what to print without a terminal. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenes/scene.h"
#include "tui/app.h"
#include "tui/export.h"
#include "tui/record.h"
#include "util/progress.h"
#include "tui/theme.h"
#include "tui/watch.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oscope [OPTIONS] [SCENE]\n"
            "       oscope --list | --help | --version\n"
            "       oscope watch [-d SECONDS] [-p PID]... [-b] [-n COUNT] [--csv FILE [--force]]\n"
            "\n"
            "oscope steps through scenes that show how programs meet the operating system.\n"
            "Each scene runs its real C code in a lab process and reads /proc while it runs.\n"
            "Without SCENE it opens the scene menu.\n"
            "\n"
            "options:\n"
            "  --list             print every scene: id, title, summary\n"
            "  --no-color         no colours (also when NO_COLOR is set)\n"
            "  --theme NAME       default, contrast (projectors) or light (light terminals)\n"
            "  --option SPEC      an option for the scene's lab, e.g. blocks=50000\n"
            "  --export           print every step of SCENE as plain text (no terminal needed)\n"
            "  --tour FILE        walk a lecture tour: scenes, steps and presenter notes\n"
            "  --record FILE      record the session as an asciicast v2 file (asciinema)\n"
            "  --reset-progress   forget every quiz score\n"
            "  --help             this text\n"
            "  --version          the version\n"
            "\n"
            "keys: Right/Left step, r restart, m menu, ? help, q quit. See oscope(1).\n"
            "watch: live /proc counters (oscope watch --help); keys: Space pause, +/- delay,\n"
            "t sample now, c clear history, L legend, ? help, q quit.\n");
}

static void list_scenes(void)
{
    for (int i = 0; i < scene_count; i++)
        printf("%-14s %-28s %s\n", scene_table[i]->id, scene_table[i]->title, scene_table[i]->summary);
}

static void scene_ids(char *buf, size_t cap)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < scene_count && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", scene_table[i]->id);
}

static int reset_progress(void)
{
    char path[512];
    int rc = progress_path(path, sizeof path);

    if (rc != 0) {
        fprintf(stderr, "oscope: no place for progress: neither XDG_STATE_HOME nor HOME is set\n");
        return 2;
    }
    rc = progress_reset(path);
    if (rc != 0) {
        fprintf(stderr, "oscope: could not remove %s: %s\n", path, strerror(-rc));
        return 1;
    }
    printf("oscope: every quiz score forgotten (%s removed)\n", path);
    return 0;
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "oscope: %s '%s' (valid: --list, --help, --version, --no-color, --theme NAME, "
                    "--option SPEC, --export, --tour FILE, --record FILE, --reset-progress, or a scene id; "
                    "see oscope --help)\n", what, arg);
    return 2;
}

static const char *value_of(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int main(int argc, char **argv)
{
    struct app_opts o = { 0 };
    char ids[512];
    const char *v;
    bool export = false;
    const char *record = NULL, *tour_path = NULL;
    static struct tour tour;

    setlocale(LC_ALL, "");
    if (argc > 1 && strcmp(argv[1], "watch") == 0)
        return watch_main(argc - 1, argv + 1);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("oscope %s\n", OSCOPE_VERSION);
            return 0;
        } else if (strcmp(a, "--list") == 0) {
            list_scenes();
            return 0;
        } else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
            o.no_color = true;
        } else if (strncmp(a, "--theme", 7) == 0 && (a[7] == '\0' || a[7] == '=')) {
            if (!(v = value_of(argc, argv, &i, "--theme")))
                return bad_usage("--theme needs a name: default, contrast or light; got", "");
            bool known = false;
            for (int k = 0; theme_names[k]; k++)
                known |= strcmp(theme_names[k], v) == 0;
            if (!known) {
                fprintf(stderr, "oscope: unknown theme '%s' (themes: default, contrast, light)\n", v);
                return 2;
            }
            o.theme = v;
        } else if (strncmp(a, "--option", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
            if (!(v = value_of(argc, argv, &i, "--option")))
                return bad_usage("--option needs a value like blocks=50000; got", "");
            o.option = v;
        } else if (strcmp(a, "--export") == 0) {
            export = true;
        } else if (strcmp(a, "--reset-progress") == 0) {
            return reset_progress();
        } else if (strncmp(a, "--tour", 6) == 0 && (a[6] == '\0' || a[6] == '=')) {
            if (!(tour_path = value_of(argc, argv, &i, "--tour")))
                return bad_usage("--tour needs a file; got", "");
        } else if (strncmp(a, "--record", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
            if (!(record = value_of(argc, argv, &i, "--record")))
                return bad_usage("--record needs a file name, e.g. talk.cast; got", "");
        } else if (a[0] == '-') {
            return bad_usage("unknown option", a);
        } else if (o.scene) {
            return bad_usage("only one scene at a time; extra argument", a);
        } else {
            if (!scene_find(a)) {
                scene_ids(ids, sizeof ids);
                fprintf(stderr, "oscope: unknown scene '%s' (scenes: %s)\n", a, ids);
                return 2;
            }
            o.scene = a;
        }
    }
    if (o.option && o.scene) {
        const struct scene *sc = scene_find(o.scene);
        char msg[320];

        if (!sc->presets && !sc->default_option) {
            fprintf(stderr, "oscope: the scene %s takes no --option\n", sc->id);
            return 2;
        }
        if (sc->check_option && sc->check_option(o.option, msg, sizeof msg) != 0) {
            fprintf(stderr, "oscope: --option %s for %s: %s\n", o.option, sc->id, msg);
            return 2;
        }
    }
    if (tour_path) {
        char err[512];
        if (o.scene || export) {
            fprintf(stderr, "oscope: --tour chooses its own scenes; give either --tour FILE or a scene\n");
            return 2;
        }
        if (tour_load(tour_path, &tour, err, sizeof err) != 0) {
            fprintf(stderr, "oscope: %s\n", err);
            return 2;
        }
        o.tour = &tour;
    }
    if (record && !export)
        return record_run(record, argc, argv);
    if (export) {
        int rc;
        if (!o.scene) {
            scene_ids(ids, sizeof ids);
            fprintf(stderr, "oscope: --export needs a scene (scenes: %s)\n", ids);
            return 2;
        }
        rc = export_scene(scene_find(o.scene), o.option, 78, stdout);
        if (rc < 0) {
            fprintf(stderr, "oscope: could not start the lab: %s\n", strerror(-rc));
            return 1;
        }
        return rc;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "oscope: the interactive mode needs a terminal on stdin and stdout; "
                        "--list, --help and --version work anywhere\n");
        return 2;
    }
    return app_run(&o);
}
