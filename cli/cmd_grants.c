/* cmd_grants.c - `pgiam grants --profile NAME [--schema S] [--json]`: what the IAM
 * database user may do and through which role, from the IAM role down to the column.
 * The core computes it (src/grants.h, one statement whatever the number of tables);
 * this file parses options, connects, and prints the core's text or JSON.
 *
 * Exit status: 0, 1 when connecting or the statement failed or --schema names no
 * schema (one line on stderr),
 * 2 for usage, or the session options' status (a profile that does not load).
 * --probe SCHEMA.TABLE hands over to the probe (cli_probe.h: tries the statements). */
#include "cli.h"
#include "cli_probe.h"
#include "cli_session.h"

#include "error.h"
#include "grants.h"
#include "session_profile.h"

#include <stdio.h>
#include <string.h>

static void grants_usage(FILE *out)
{
	pgiam_cli_printf(out,
		"usage: pgiam grants --profile NAME [--profiles DIR] [--schema S] [--json]\n"
		"  Shows what the profile's IAM database user may do, and through which role:\n"
		"  the IAM side (source credentials, caller, assumed role, external ID masked,\n"
		"  the rds-db:connect resource), then what bypasses grants, the role's\n"
		"  memberships as a tree, database and schema privileges, and per schema a\n"
		"  table x privilege matrix (column grants, row-level security), sequences and\n"
		"  functions. Held is the server's has_*_privilege; via names the roles the\n"
		"  ACL grants it through (a role, PUBLIC, owner).\n"
		"  --schema S   only schema S (default: every schema the role can see)\n"
		"  --json       the JSON document ({\"iam\": …, \"sql\": …}) instead of text\n"
		"usage: pgiam grants --profile NAME --probe SCHEMA.TABLE [--json]\n"
		"  --probe SCHEMA.TABLE   prove what the role may do to the table by trying,\n"
		"               changing nothing: SELECT … LIMIT 0, INSERT/UPDATE/DELETE … WHERE\n"
		"               false, each in BEGIN … ROLLBACK with small lock and statement\n"
		"               timeouts; TRUNCATE from the catalog. --json: {\"table\",\n"
		"               \"results\": [{statement, sql, allowed, sqlstate, message, source}]}\n");
	pgiam_cli_session_usage(out);
}

static void print_line(void *ctx, pgiam_grants_style style, const char *line)
{
	(void)ctx;
	(void)style;
	pgiam_cli_line(stdout, "%s", line);
}

/* Connects (the session's own messages on failure). 0 or 1. */
static int connect_session(pgiam_session *s)
{
	if (pgiam_session_connect(s) < 0 || pgiam_session_run(s, NULL, NULL) < 0 ||
	    pgiam_session_get_state(s) != PGIAM_SESSION_READY) {
		const pgiam_session_error *e = pgiam_session_last_error(s);

		pgiam_cli_error("grants", e && e->message[0] ? e->message : NULL);
		return 1;
	}
	return 0;
}

int pgiam_cmd_grants(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT;
	pgiam_grants_options go = PGIAM_GRANTS_OPTIONS_INIT;
	pgiam_session *s = NULL;
	pgiam_grants *g = NULL;
	pgiam_buf json = PGIAM_BUF_INIT;
	const char *probe = NULL;
	int as_json = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		int used = pgiam_cli_session_opt(&opts, argc, argv, i);

		if (used < 0)
			return 2;
		if (used > 0) {
			i += used - 1;
			continue;
		}
		if (!strcmp(argv[i], "--schema") && i + 1 < argc && argv[i + 1][0]) {
			go.schema = argv[++i];
		} else if (!strcmp(argv[i], "--probe") && i + 1 < argc) {
			probe = argv[++i];
		} else if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			grants_usage(stdout);
			return 0;
		} else {
			pgiam_cli_printf(stderr, "pgiam: grants: bad or incomplete option '%.40s' (see "
				"pgiam grants --help)\n", argv[i]);
			return 2;
		}
	}
	if (probe) {
		rc = pgiam_cli_probe(&opts, probe, as_json);
		goto cleanup;
	}
	if ((rc = pgiam_cli_session_open(&s, &opts)) != 0)
		goto cleanup;
	if ((rc = connect_session(s)) != 0)
		goto cleanup;
	/* the caller's ARN (GetCallerIdentity); without it the IAM side says "not asked" */
	if (pgiam_session_auth(s))
		pgiam_auth_whoami(pgiam_session_auth(s));
	if (pgiam_grants_fetch(&g, s, pgiam_cli_session_profile(&opts), &go) < 0) {
		pgiam_cli_error("grants", NULL);
		rc = 1;
		goto cleanup;
	}
	if (go.schema && !pgiam_grants_schema_count(g)) {
		pgiam_cli_printf(stderr, "pgiam: grants: no schema '%.80s' in this database (system "
			"schemas are left out)\n", go.schema);
		rc = 1;
		goto cleanup;
	}
	if (as_json) {
		if (pgiam_grants_json(&json, g, 0) < 0) {
			pgiam_cli_error("grants", NULL);
			rc = 1;
			goto cleanup;
		}
		pgiam_cli_print_json(stdout, pgiam_buf_cstr(&json));
	} else if (pgiam_grants_render(g, print_line, NULL) < 0) {
		pgiam_cli_error("grants", NULL);
		rc = 1;
	}

cleanup:
	pgiam_buf_dispose(&json);
	pgiam_grants_free(g);
	pgiam_session_free(s);
	pgiam_cli_session_opts_dispose(&opts);
	return rc;
}
