/* cmd_logout.c - `pgiam logout [--profile NAME]`: deletes the assumed-role sessions pgiam
 * cached on disk (all of them, or those of the profile's role), so that the next command
 * assumes the role again (and asks for an MFA code when the role needs one). */
#include "cli.h"
#include "cli_auth.h"
#include "usage.h"

#include "error.h"
#include "profile_auth.h"

#include <stdio.h>

typedef struct logout_opts {
	const char *name, *dir;
} logout_opts;

static const pgiam_cli_opt logout_options[] = {
	{ "profile", 'p', "NAME", PGIAM_CLI_FIELD(logout_opts, name), "only this profile's role sessions" },
	{ "profiles", 'd', "DIR", PGIAM_CLI_FIELD(logout_opts, dir), "where profiles live" },
	{ NULL, 0, NULL, 0, NULL },
};

int pgiam_cmd_logout(int argc, char **argv)
{
	logout_opts o = { NULL, NULL };
	const pgiam_cli_group groups[] = {
		{ "options", logout_options, NULL, &o, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "logout", "pgiam logout [--profile NAME] [--profiles DIR]",
		"Deletes the assumed-role sessions cached in $XDG_CACHE_HOME/pgiam (or\n"
		"~/.cache/pgiam): every one, or with --profile those of its role.",
		NULL, NULL, 0, groups };
	const char *name = NULL, *dir = NULL;
	pgiam_profile *profile = NULL;
	int removed = 0, status;

	if ((status = pgiam_cli_parse(NULL, &spec, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	name = o.name;
	dir = o.dir;
	if (name && (status = pgiam_cli_load_profile(&profile, "logout", dir, name)) != 0)
		goto cleanup;
	if (pgiam_profile_logout(&removed, profile) < 0) {
		pgiam_cli_error("logout", NULL);
		status = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	pgiam_cli_printf(stdout, "removed %d cached session%s%s%s\n", removed,
		removed == 1 ? "" : "s", name ? " of profile " : "", name ? name : "");
	status = PGIAM_EXIT_OK;

cleanup:
	pgiam_profile_free(profile);
	return status;
}
