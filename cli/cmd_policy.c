/* cmd_policy.c - `pgiam policy --profile NAME [--json] [--snowflake] [--offline]`:
 * what must exist on the AWS, database and (optionally) Snowflake side for a profile
 * to work, as in the reference walkthrough. The core builds it (src/policy.c); this
 * file parses the options, asks STS who the caller is unless --offline, and prints. */
#include "cli.h"
#include "cli_auth.h"

#include "error.h"
#include "policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void policy_usage(FILE *out)
{
	fprintf(out,
		"usage: pgiam policy --profile NAME [--profiles DIR] [--json] [--snowflake] [--offline]\n"
		"Prints the IAM policy (rds-db:connect), the role's trust policy (with an\n"
		"sts:ExternalId condition when the profile has external_id), and the SQL creating\n"
		"the IAM database user: with a read-only role when the profile says read_only =\n"
		"true, else with rds_iam only and the privileges as a template. --snowflake adds\n"
		"the Snowflake network rule, security integration, secret and external access\n"
		"integration. The source principal comes from GetCallerIdentity unless --offline.\n");
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
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "snowflake", no_argument, NULL, 's' },
		{ "offline", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *dir = NULL;
	int as_json = 0, snowflake = 0, offline = 0;
	pgiam_profile *profile = NULL;
	int status = 1;
	int c;

	optind = 1;
	opterr = 0;   /* our own one-line messages, named "pgiam policy" */
	while ((c = getopt_long(argc, argv, ":p:d:jsoh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': name = optarg; break;
		case 'd': dir = optarg; break;
		case 'j': as_json = 1; break;
		case 's': snowflake = 1; break;
		case 'o': offline = 1; break;
		case 'h': policy_usage(stdout); return 0;
		case ':':
			pgiam_cli_printf(stderr, "pgiam: policy: %s needs a value (see pgiam policy --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			pgiam_cli_printf(stderr, "pgiam: policy: unknown option '%.40s' (see pgiam policy --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		pgiam_cli_printf(stderr, "pgiam: policy: unexpected argument '%.40s' (see pgiam policy --help)\n",
			argv[optind]);
		return 2;
	}
	if (!name) {
		pgiam_cli_printf(stderr, "pgiam: policy: --profile NAME is required (see pgiam policy --help)\n");
		return 2;
	}
	if ((status = pgiam_cli_load_profile(&profile, "policy", dir, name)) == 0)
		status = print_policy(profile, as_json, snowflake, offline);
	pgiam_profile_free(profile);
	return status;
}
