/* cmd_logout.c - `pgiam logout [--profile NAME]`: deletes the assumed-role sessions pgiam
 * cached on disk (all of them, or those of the profile's role), so that the next command
 * assumes the role again (and asks for an MFA code when the role needs one). */
#include "cli.h"
#include "cli_auth.h"

#include "error.h"
#include "profile_auth.h"

#include <getopt.h>
#include <stdio.h>

static void logout_usage(FILE *out)
{
	pgiam_cli_printf(out,
		"usage: pgiam logout [--profile NAME] [--profiles DIR]\n"
		"Deletes the assumed-role sessions cached in $XDG_CACHE_HOME/pgiam (or\n"
		"~/.cache/pgiam): every one, or with --profile those of its role.\n"
		"  --profile NAME    only this profile's role sessions\n"
		"  --profiles DIR    where profiles live\n"
		"  --help            this text\n");
}

int pgiam_cmd_logout(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *dir = NULL;
	pgiam_profile *profile = NULL;
	int removed = 0, status = 1, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': name = optarg; break;
		case 'd': dir = optarg; break;
		case 'h': logout_usage(stdout); return 0;
		case ':':
			pgiam_cli_printf(stderr, "pgiam: logout: %s needs a value (see pgiam logout --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			pgiam_cli_printf(stderr, "pgiam: logout: unknown option '%.40s' (see pgiam logout --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		pgiam_cli_printf(stderr, "pgiam: logout: unexpected argument '%.40s' (see pgiam logout --help)\n",
			argv[optind]);
		return 2;
	}
	if (name && (status = pgiam_cli_load_profile(&profile, "logout", dir, name)) != 0)
		goto cleanup;
	if (pgiam_profile_logout(&removed, profile) < 0) {
		pgiam_cli_error("logout", NULL);
		status = 1;
		goto cleanup;
	}
	pgiam_cli_printf(stdout, "removed %d cached session%s%s%s\n", removed,
		removed == 1 ? "" : "s", name ? " of profile " : "", name ? name : "");
	status = 0;

cleanup:
	pgiam_profile_free(profile);
	return status;
}
