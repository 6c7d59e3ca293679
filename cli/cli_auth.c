/* cli_auth.c - loading a profile for the commands that take --profile NAME. */
#include "cli_auth.h"

#include "cli.h"
#include "usage.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

int pgiam_cli_load_profile(pgiam_profile **out, const char *cmd, const char *dir_override,
	const char *name)
{
	pgiam_profile *p = NULL;
	pgiam_profile_problem problems[16];
	size_t count = 0;
	char *dir = NULL;
	int errors = 0;
	int status = 0;

	*out = NULL;
	if (pgiam_profile_dir(&dir, dir_override) < 0 ||
	    pgiam_profile_load_named(&p, dir, name) < 0) {
		pgiam_cli_error(cmd, NULL);
		status = PGIAM_EXIT_CONFIG;
		goto cleanup;
	}
	errors = pgiam_profile_validate(p, problems, sizeof(problems) / sizeof(problems[0]), &count);
	for (size_t i = 0; i < count; i++)
		if (problems[i].severity == PGIAM_PROBLEM_ERROR || errors == 0)
			pgiam_cli_line(stderr, "pgiam: %s: %s%s", cmd,
				problems[i].severity == PGIAM_PROBLEM_ERROR ? "" : "warning: ",
				problems[i].message);
	if (errors > 0) {
		status = PGIAM_EXIT_CONFIG;
		goto cleanup;
	}
	*out = p;
	p = NULL;

cleanup:
	pgiam_profile_free(p);
	free(dir);
	return status;
}
