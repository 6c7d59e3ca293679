/* cmd_policy.c - `pgiam policy --profile NAME [--json] [--snowflake] [--offline]`:
 * what must exist on the AWS, database and (optionally) Snowflake side for a profile
 * to work, as in the reference walkthrough. The core builds it (src/policy.c); this
 * file parses the options, asks STS who the caller is unless --offline, and prints. */
#include "cli.h"
#include "cli_auth.h"
#include "usage.h"

#include "error.h"
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct policy_opts {
	const char *name, *dir;
	int as_json, snowflake, offline;
} policy_opts;

static const pgiam_cli_opt policy_options[] = {
	{ "profile", 'p', "NAME", PGIAM_CLI_FIELD(policy_opts, name), "the profile (required)" },
	{ "profiles", 'd', "DIR", PGIAM_CLI_FIELD(policy_opts, dir), "the profile directory" },
	{ "json", 'j', NULL, PGIAM_CLI_FIELD(policy_opts, as_json), "one JSON document" },
	{ "snowflake", 's', NULL, PGIAM_CLI_FIELD(policy_opts, snowflake), "the Snowflake objects too" },
	{ "offline", 'o', NULL, PGIAM_CLI_FIELD(policy_opts, offline), "no GetCallerIdentity: the source principal as a placeholder" },
	{ NULL, 0, NULL, 0, NULL },
};

static int parse_options(policy_opts *o, int argc, char **argv)
{
	const pgiam_cli_group groups[] = {
		{ "options", policy_options, NULL, o, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "policy",
		"pgiam policy --profile NAME [--profiles DIR] [--json] [--snowflake] [--offline]",
		"Prints the IAM policy (rds-db:connect), the role's trust policy (with an\n"
		"sts:ExternalId condition when the profile has external_id), and the SQL creating\n"
		"the IAM database user: with a read-only role when the profile says read_only =\n"
		"true, else with rds_iam only and the privileges as a template. --snowflake adds\n"
		"the Snowflake network rule, security integration, secret and external access\n"
		"integration. The source principal comes from GetCallerIdentity unless --offline.",
		NULL, NULL, 0, groups };
	int status = pgiam_cli_parse(NULL, &spec, argc, argv);

	if (status == PGIAM_CLI_GO_ON && !o->name)
		status = pgiam_cli_usage_error("policy", "--profile NAME is required");
	return status;
}

/* The principal the role must trust: GetCallerIdentity for the profile's source
 * credentials, or a placeholder (with a warning) when STS cannot tell. */
static int print_policy(const pgiam_profile *profile, int as_json, int snowflake, int offline)
{
	pgiam_policy_options o = PGIAM_POLICY_OPTIONS_INIT;
	pgiam_policy *policy = NULL;
	char caller[PGIAM_POLICY_ARN_MAX + 1];
	int error = 0;

	o.offline = offline;
	o.snowflake = snowflake;
	if (!offline) {
		if (pgiam_policy_ask_caller(caller, sizeof(caller), profile) == 0)
			o.caller_arn = caller;
		else
			pgiam_cli_line(stderr, "pgiam: policy: warning: cannot ask STS who the source principal is (%s); "
				"using a placeholder", pgiam_error_last());
	}
	if ((error = pgiam_policy_build(&policy, profile, &o)) < 0) {
		pgiam_cli_error("policy", NULL);
		return 1;
	}
	if (as_json)
		pgiam_cli_print_json(stdout, pgiam_policy_json(policy));
	else
		pgiam_cli_printf(stdout, "%s", pgiam_policy_text(policy));
	pgiam_policy_free(policy);
	return 0;
}

int pgiam_cmd_policy(int argc, char **argv)
{
	policy_opts o = { NULL, NULL, 0, 0, 0 };
	pgiam_profile *profile = NULL;
	int status;

	if ((status = parse_options(&o, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	if ((status = pgiam_cli_load_profile(&profile, "policy", o.dir, o.name)) == 0)
		status = print_policy(profile, o.as_json, o.snowflake, o.offline);
	pgiam_profile_free(profile);
	return status;
}
