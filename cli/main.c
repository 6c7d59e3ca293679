/* main.c - the pgiam binary: with a command, the command-line front end; without
 * one, the ncurses front end. */
#include "cli.h"
#include "mfa.h"
#include "tui.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static void usage(FILE *out)
{
	pgiam_cli_printf(out,
		"usage: pgiam [--profiles DIR] [--profile NAME]      open the terminal UI\n"
		"       pgiam COMMAND [OPTIONS]                      run one command\n"
		"       pgiam COMMAND --help                         help on a command\n"
		"\ncommands:\n");
	for (const pgiam_cli_command *c = pgiam_cli_commands; c->name; c++)
		pgiam_cli_printf(out, "  %-10s %s\n", c->name, c->summary);
	pgiam_cli_printf(out, "\nterminal UI options:\n");
	pgiam_tui_options_usage(out);
	pgiam_cli_printf(out, "\noptions:\n"
		"  --help       this text\n"
		"  --version    print the version\n"
		"\nexit status (every command):\n");
	pgiam_cli_exit_help(out);
	pgiam_cli_printf(out, "  %d+N  check and sql: step N of the chain failed (see pgiam check --help)\n"
		"  psql: psql's own status once it runs; %d when it cannot be run\n",
		PGIAM_EXIT_STEP, PGIAM_EXIT_NO_PSQL);
}

/* Secret keys, session tokens and auth tokens live in this process's memory: a crash
 * must not write them to a core file (systemd-coredump and apport honour the limit
 * too). Only the soft limit, so a user can still raise it for a child they debug. */
static void no_core_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &rl);
	}
}

/* `pgiam --profiles DIR check --all` reads naturally: when the terminal UI's options
 * come before a command, move the command to the front (its options follow it) rather
 * than calling the command an unknown option. Returns the command's index, or 0. */
static int command_after_options(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (argv[i][0] == '-') {
			if (!strcmp(argv[i], "--profiles") || !strcmp(argv[i], "--profile"))
				i++;
			continue;
		}
		return pgiam_cli_command_find(argv[i]) ? i : 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const pgiam_cli_command *c = NULL;
	int cmd = 0;

	no_core_files();
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return PGIAM_EXIT_OK;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		pgiam_cli_printf(stdout, "pgiam %s\n", PGIAM_VERSION);
		return PGIAM_EXIT_OK;
	}
	if (argc >= 3 && argv[1][0] == '-' && (cmd = command_after_options(argc, argv)) > 1) {
		char *name = argv[cmd];

		memmove(&argv[2], &argv[1], (size_t)(cmd - 1) * sizeof(*argv));
		argv[1] = name;
	}
	if (argc >= 2 && argv[1][0] != '-') {
		/* a command may ask for an MFA code on the terminal; the TUI never does */
		pgiam_mfa_allow_prompt(1);
		if ((c = pgiam_cli_command_find(argv[1])))
			return c->run(argc - 1, argv + 1);
		pgiam_cli_line(stderr, "pgiam: unknown command '%.40s' (see pgiam --help)", argv[1]);
		return PGIAM_EXIT_USAGE;
	}
	return pgiam_tui_main(argc, argv);
}
