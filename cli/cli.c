/* cli.c - the table of commands and the one place errors are printed. */
#include "cli.h"

#include "error.h"

const pgiam_cli_command pgiam_cli_commands[] = {
	{ "token",    "print an RDS IAM auth token, or describe one (--describe)", pgiam_cmd_token },
	{ "profiles", "list connection profiles and their validation errors",     pgiam_cmd_profiles },
	{ "whoami",   "show source credentials, assumed role and session expiry", pgiam_cmd_whoami },
	{ "policy",   "print the IAM policy, trust policy and SQL a profile needs", pgiam_cmd_policy },
	{ "check",    "run the whole connection chain step by step",              pgiam_cmd_check },
	{ "psql",     "start psql with a fresh token",                            pgiam_cmd_psql },
	{ "sql",      "run SQL through a session, events as JSON lines (scripts, tests)", pgiam_cmd_sql },
	{ "browse",   "list schemas, tables, columns or a keyset page of rows as JSON lines", pgiam_cmd_browse },
	{ NULL, NULL, NULL },
};

void pgiam_cli_error(const char *context, const char *msg)
{
	if (!msg)
		msg = pgiam_error_last();
	if (!*msg)
		msg = "unknown error";
	if (context && *context)
		fprintf(stderr, "pgiam: %s: %s\n", context, msg);
	else
		fprintf(stderr, "pgiam: %s\n", msg);
}
