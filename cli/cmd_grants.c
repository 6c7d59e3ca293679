/* cmd_grants.c - `pgiam grants --profile NAME [--schema S] [--json]`: what the IAM
 * database user may do and through which role, from the IAM role down to the column.
 * The core computes it (src/grants.h, one statement whatever the number of tables);
 * this file parses options, connects, and prints the core's text or JSON.
 *
 * Exit status (usage.h): 0, 1 when connecting or the statement failed or --schema
 * names no schema (one line on stderr), 2 for usage, 3 for a profile that does not
 * load. --probe SCHEMA.TABLE hands over to the probe (cli_probe.h: tries the statements,
 * changing nothing). */
#include "cli.h"
#include "cli_probe.h"
#include "cli_session.h"
#include "usage.h"

#include "error.h"
#include "grants.h"
#include "session_profile.h"

#include <stdio.h>

typedef struct grants_cli_opts {
	const char *schema;
	const char *probe;
	int as_json;
} grants_cli_opts;

enum { OPT_SCHEMA = 1 };

static const pgiam_cli_opt grants_options[] = {
	{ "schema", 0, "S", OPT_SCHEMA, "only schema S (default: every schema the role can see)" },
	{ "json", 0, NULL, PGIAM_CLI_FIELD(grants_cli_opts, as_json),
		"the JSON document ({\"iam\": ..., \"sql\": ...}) instead of text" },
	{ "probe", 0, "SCHEMA.TABLE", PGIAM_CLI_FIELD(grants_cli_opts, probe),
		"prove what the role may do to the table by trying, changing nothing: SELECT … "
		"LIMIT 0, INSERT/UPDATE/DELETE … WHERE false, each in BEGIN … ROLLBACK with small "
		"lock and statement timeouts; TRUNCATE from the catalog" },
	{ NULL, 0, NULL, 0, NULL },
};

static int on_option(const char *cmd, void *ctx, int id, const char *v)
{
	grants_cli_opts *o = ctx;

	if (id == OPT_SCHEMA) {
		if (!*v)
			return pgiam_cli_usage_error(cmd, "--schema needs a schema name");
		o->schema = v;
	}
	return PGIAM_CLI_GO_ON;
}

static int parse_options(grants_cli_opts *o, pgiam_cli_session_opts *opts, int argc, char **argv)
{
	const pgiam_cli_group groups[] = {
		{ "options", grants_options, on_option, o, NULL },
		PGIAM_CLI_SESSION_GROUPS(opts),
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "grants",
		"pgiam grants --profile NAME [--profiles DIR] [--schema S] [--json]",
		"Shows what the profile's IAM database user may do, and through which role:\n"
		"the IAM side (source credentials, caller, assumed role, external ID masked,\n"
		"the rds-db:connect resource), then what bypasses grants, the role's\n"
		"memberships as a tree, database and schema privileges, and per schema a\n"
		"table x privilege matrix (column grants, row-level security), sequences and\n"
		"functions. Held is the server's has_*_privilege; via names the roles the\n"
		"ACL grants it through (a role, PUBLIC, owner).",
		NULL, NULL, 0, groups };

	return pgiam_cli_parse(NULL, &spec, argc, argv);
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
		return PGIAM_EXIT_FAILURE;
	}
	return 0;
}

int pgiam_cmd_grants(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT("grants");
	pgiam_grants_options go = PGIAM_GRANTS_OPTIONS_INIT;
	grants_cli_opts o = { NULL, NULL, 0 };
	pgiam_session *s = NULL;
	pgiam_grants *g = NULL;
	pgiam_buf json = PGIAM_BUF_INIT;
	int rc;

	if ((rc = parse_options(&o, &opts, argc, argv)) != PGIAM_CLI_GO_ON) {
		pgiam_cli_session_opts_dispose(&opts);
		return rc;
	}
	if (o.probe) {
		rc = pgiam_cli_probe(&opts, o.probe, o.as_json);
		goto cleanup;
	}
	go.schema = o.schema;
	if ((rc = pgiam_cli_session_open(&s, &opts)) != 0)
		goto cleanup;
	if ((rc = connect_session(s)) != 0)
		goto cleanup;
	/* the caller's ARN (GetCallerIdentity); without it the IAM side says "not asked" */
	if (pgiam_session_auth(s))
		pgiam_auth_whoami(pgiam_session_auth(s));
	if (pgiam_grants_fetch(&g, s, pgiam_cli_session_profile(&opts), &go) < 0) {
		pgiam_cli_error("grants", NULL);
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	if (go.schema && !pgiam_grants_schema_count(g)) {
		pgiam_cli_printf(stderr, "pgiam: grants: no schema '%.80s' in this database (system "
			"schemas are left out)\n", go.schema);
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	if (o.as_json) {
		if (pgiam_grants_json(&json, g, 0) < 0) {
			pgiam_cli_error("grants", NULL);
			rc = PGIAM_EXIT_FAILURE;
			goto cleanup;
		}
		pgiam_cli_print_json(stdout, pgiam_buf_cstr(&json));
	} else if (pgiam_grants_render(g, print_line, NULL) < 0) {
		pgiam_cli_error("grants", NULL);
		rc = PGIAM_EXIT_FAILURE;
	}

cleanup:
	pgiam_buf_dispose(&json);
	pgiam_grants_free(g);
	pgiam_session_free(s);
	pgiam_cli_session_opts_dispose(&opts);
	return rc;
}
