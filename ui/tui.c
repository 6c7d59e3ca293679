/* tui.c - entry point of the ncurses front end: arguments, locale, then the loop.
 *
 *   pgiam [--profiles DIR] [--profile NAME] [--token-age SECONDS]
 *
 * Without --profile the home screen (the profile manager) opens; with it pgiam
 * connects at once. `--help-keys` prints the key table as Markdown (the source of
 * docs/tui.md, so the documentation cannot drift from the code).
 */
#include "tui.h"

#include "app.h"
#include "error.h"
#include "exitcode.h"
#include "mfa.h"
#include "sanitize.h"
#include "profile.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

void pgiam_tui_options_usage(FILE *out)
{
	fprintf(out,
		"  --profiles DIR   the profile directory (default $PGIAM_PROFILES, then\n"
		"                   ~/.config/pgiam/profiles)\n"
		"  --profile NAME   connect with this profile at once, skipping the home screen\n"
		"  --help-keys      print every key of the terminal UI (Markdown) and exit\n");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: pgiam [--profiles DIR] [--profile NAME]\n");
	pgiam_tui_options_usage(out);
	/* a demonstration (and test) aid, so not in `pgiam --help`: docs/tui.md */
	fprintf(out,
		"  --token-age S    sign tokens as if S seconds old (0..899): watch a token\n"
		"                   expire while the connection stays open\n"
		"  --demo           the read-only demo (tools/run, docs/demo.md): the reference\n"
		"                   INSERT is in the SQL prompt's history (Up), and a hint says so\n");
}

/* Takes "--opt VALUE" or "--opt=VALUE"; returns the value or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (!strcmp(argv[*i], opt)) {
		if (*i + 1 >= argc)
			return NULL;
		return argv[++*i];
	}
	return NULL;
}

/* A terminal that cannot move the cursor (TERM=dumb, an Emacs shell buffer) or that
 * terminfo does not know would get a blank screen or ncurses' own exit; say why and
 * what to do instead. */
static int terminal_usable(void)
{
	const char *term = getenv("TERM");
	int err = 0;
	char *cup = NULL;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "pgiam: the terminal type TERM=%s is unknown to terminfo; set TERM "
			"to one it knows (e.g. xterm-256color), or use a command (see pgiam --help)\n",
			term && *term ? term : "(unset)");
		return 0;
	}
	cup = tigetstr("cup");
	del_curterm(cur_term);
	if (!cup || cup == (char *)-1) {
		fprintf(stderr, "pgiam: the terminal TERM=%s cannot move the cursor, which the "
			"terminal UI needs; use a full-screen terminal (e.g. TERM=xterm-256color), or "
			"a command (see pgiam --help)\n", term ? term : "");
		return 0;
	}
	return 1;
}

/* The profile directory, as `pgiam profiles` finds it: one that cannot be found
 * (HOME unset) or read (not a directory, no permission) is a configuration error
 * (exit 3), said before the screen opens. One that does not exist yet is fine: the
 * home screen offers to create a profile, which creates it. */
static int profile_dir_usable(char **out, const char *override)
{
	char **names = NULL;
	size_t count = 0;
	int error = 0;

	if ((error = pgiam_profile_dir(out, override)) < 0)
		return error;
	error = pgiam_profile_list(&names, &count, *out);
	if (error < 0 && pgiam_error_last_code() == PGIAM_ENOTFOUND)
		error = 0;
	pgiam_profile_names_free(names, count);
	if (error < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

int pgiam_tui_main(int argc, char **argv)
{
	pgiam_app *app = NULL;
	const char *dir = NULL, *profile = NULL;
	long token_age = 0;
	int demo = 0;
	int status = 0;

	setlocale(LC_ALL, "");
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;

		if (!strcmp(argv[i], "--help-keys")) {
			pgiam_actions_print_markdown(stdout);
			return PGIAM_EXIT_OK;
		}
		if (!strncmp(argv[i], "--profiles", 10) && (argv[i][10] == '\0' || argv[i][10] == '=')) {
			if (!(v = option_value(argc, argv, &i, "--profiles"))) {
				fprintf(stderr, "pgiam: --profiles needs a directory\n");
				return PGIAM_EXIT_USAGE;
			}
			dir = v;
			continue;
		}
		if (!strncmp(argv[i], "--profile", 9) && (argv[i][9] == '\0' || argv[i][9] == '=')) {
			if (!(v = option_value(argc, argv, &i, "--profile")) || !*v) {
				fprintf(stderr, "pgiam: --profile needs a profile name\n");
				return PGIAM_EXIT_USAGE;
			}
			profile = v;
			continue;
		}
		if (!strncmp(argv[i], "--token-age", 11) && (argv[i][11] == '\0' || argv[i][11] == '=')) {
			char *end = NULL;

			v = option_value(argc, argv, &i, "--token-age");
			token_age = v ? strtol(v, &end, 10) : -1;
			if (!v || !*v || *end || token_age < 0 || token_age > 899) {
				fprintf(stderr, "pgiam: --token-age needs seconds in 0..899\n");
				return PGIAM_EXIT_USAGE;
			}
			continue;
		}
		if (!strcmp(argv[i], "--demo")) {
			demo = 1;
			continue;
		}
		fputs("pgiam: unknown option '", stderr);
		pgiam_text_fputs(stderr, argv[i], 0);
		fputs("'\n", stderr);
		usage(stderr);
		return PGIAM_EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "pgiam: the terminal UI needs a terminal; for scripts use a "
			"command (see pgiam --help)\n");
		return PGIAM_EXIT_USAGE;
	}
	if (!terminal_usable())
		return PGIAM_EXIT_USAGE;
	/* a role that needs a new MFA code says how to give one here (also in a check or a
	 * policy view, where no dialog is open: connecting opens it) */
	pgiam_mfa_set_hint("enter it in the MFA dialog (connecting opens it; F12 while "
		"connected)");
	app = pgiam_xcalloc(1, sizeof(*app));
	if (profile_dir_usable(&app->profiles_dir, dir) < 0) {
		fputs("pgiam: ", stderr);
		pgiam_text_fputs(stderr, pgiam_error_last(), 0);
		fputc('\n', stderr);
		free(app);
		return PGIAM_EXIT_CONFIG;
	}
	app->start_profile = profile ? pgiam_xstrdup(profile) : NULL;
	app->token_age = token_age;
	app->demo = demo;
	status = pgiam_loop_run(app);
	if (app->conn)
		pgiam_conn_free(app->conn);
	free(app->profiles_dir);
	free(app->start_profile);
	free(app);
	return status;
}
