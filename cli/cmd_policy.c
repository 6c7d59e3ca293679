/* cmd_policy.c - `pgiam policy --profile NAME [--json] [--snowflake] [--offline]`:
 * what must exist on the AWS, database and (optionally) Snowflake side for a profile
 * to work, as in the reference walkthrough. Unknown values become <placeholders>. */
#include "cli.h"
#include "cli_auth.h"
#include "usage.h"

#include "arn.h"
#include "profile_auth.h"
#include "buf.h"
#include "error.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READONLY_ROLE "readonly_role"

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
		{ "options", policy_options, NULL, o },
		{ NULL, NULL, NULL, NULL },
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

/* PostgreSQL 15's reserved keywords and those that cannot name a database
 * (type_func_name): as identifiers they must be quoted (CREATE USER "user"). */
static int pg_keyword(const char *s)
{
	static const char *const words[] = { "all", "analyse", "analyze", "and", "any",
		"array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case",
		"cast", "check", "collate", "collation", "column", "concurrently", "constraint",
		"create", "cross", "current_catalog", "current_date", "current_role",
		"current_schema", "current_time", "current_timestamp", "current_user", "default",
		"deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
		"for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
		"in", "initially", "inner", "intersect", "into", "is", "isnull", "join",
		"lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
		"natural", "not", "notnull", "null", "offset", "on", "only", "or", "order",
		"outer", "overlaps", "placing", "primary", "references", "returning", "right",
		"select", "session_user", "similar", "some", "symmetric", "table", "tablesample",
		"then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
		"verbose", "when", "where", "window", "with" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return 1;
	return 0;
}

/* A PostgreSQL identifier, quoted only when needed. */
static void sql_ident(pgiam_buf *b, const char *s)
{
	int plain = *s && (islower((unsigned char)*s) || *s == '_') && !pg_keyword(s);

	for (const char *p = s; *p && plain; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '$'))
			plain = 0;
	if (plain) {
		pgiam_buf_puts(b, s);
		return;
	}
	pgiam_buf_putc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			pgiam_buf_putc(b, '"');
		pgiam_buf_putc(b, *p);
	}
	pgiam_buf_putc(b, '"');
}

static void sql_literal(pgiam_buf *b, const char *s)
{
	pgiam_buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			pgiam_buf_putc(b, '\'');
		pgiam_buf_putc(b, *p);
	}
	pgiam_buf_putc(b, '\'');
}

/* A dollar-quote tag for a DO body that holds user: "$$", or "$pgiam$", "$pgiam1$"…
 * when the name itself contains it (a name is not trusted to keep the body closed). */
static void dollar_tag(char *out, size_t outlen, const char *user)
{
	snprintf(out, outlen, "$$");
	for (int i = 0; strstr(user, out); i++)
		snprintf(out, outlen, i ? "$pgiam%d$" : "$pgiam$", i);
}

/* The DO block that creates the IAM user (and readonly_role, when asked) only when
 * missing, so the script can be run again. */
static void sql_create(pgiam_buf *b, const char *user, int with_readonly_role)
{
	char tag[32];

	dollar_tag(tag, sizeof(tag), user);
	pgiam_buf_printf(b, "DO %s\nBEGIN\n", tag);
	if (with_readonly_role) {
		pgiam_buf_puts(b, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ");
		sql_literal(b, READONLY_ROLE);
		pgiam_buf_puts(b, ") THEN\n    CREATE ROLE " READONLY_ROLE ";\n  END IF;\n");
	}
	pgiam_buf_puts(b, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ");
	sql_literal(b, user);
	pgiam_buf_puts(b, ") THEN\n    CREATE USER ");
	sql_ident(b, user);
	pgiam_buf_printf(b, " WITH LOGIN;\n  END IF;\nEND\n%s;\n", tag);
}

/* read_only = true: the reference walkthrough's read-only user (readonly_role). */
static void build_sql_read_only(pgiam_buf *b, const char *database, const char *user)
{
	pgiam_buf_printf(b, "-- Run as the RDS master user, connected to database %s.\n", database);
	pgiam_buf_puts(b, "-- The profile says read_only = true: a read-only user. readonly_role holds\n"
		"-- CONNECT and SELECT on the tables of schema public; nothing here grants a write.\n");
	sql_create(b, user, 1);
	pgiam_buf_puts(b, "GRANT CONNECT ON DATABASE ");
	sql_ident(b, database);
	pgiam_buf_puts(b, " TO " READONLY_ROLE ";\n"
		"GRANT USAGE ON SCHEMA public TO " READONLY_ROLE ";\n"
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO " READONLY_ROLE ";\n"
		"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " READONLY_ROLE ";\n"
		"-- with rds_iam the user can only log in with an IAM token (no password)\n"
		"GRANT rds_iam TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\nGRANT " READONLY_ROLE " TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n");
}

/* Without read_only = true pgiam cannot know what the user may do: it creates the
 * user with rds_iam and CONNECT only, and leaves the table privileges as a commented
 * template (a read-write user gets no read-only role it would then lack writes in). */
static void build_sql_template(pgiam_buf *b, const char *database, const char *user)
{
	pgiam_buf_printf(b, "-- Run as the RDS master user, connected to database %s.\n", database);
	pgiam_buf_puts(b, "-- The profile does not say read_only = true: this grants only rds_iam (IAM\n"
		"-- token login) and CONNECT, no table privileges. Uncomment and adapt the\n"
		"-- privileges the user needs below; until then it can log in but read no table.\n");
	sql_create(b, user, 0);
	pgiam_buf_puts(b, "-- with rds_iam the user can only log in with an IAM token (no password)\n"
		"GRANT rds_iam TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\nGRANT CONNECT ON DATABASE ");
	sql_ident(b, database);
	pgiam_buf_puts(b, " TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n-- GRANT USAGE ON SCHEMA public TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n-- GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n-- GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n-- ALTER DEFAULT PRIVILEGES IN SCHEMA public\n"
		"--   GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ");
	sql_ident(b, user);
	pgiam_buf_puts(b, ";\n");
}

static void snowflake_name(char *out, size_t len, const char *profile, const char *suffix)
{
	size_t j = 0;

	j = (size_t)snprintf(out, len, "pgiam_");
	for (const char *p = profile; *p && j + 1 < len; p++)
		out[j++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	out[j] = '\0';
	snprintf(out + j, len - j, "_%s", suffix);
}

static void build_snowflake(pgiam_buf *b, const char *profile, const char *host, int port,
	const char *role_arn)
{
	char rule[128], integ[128], secret[128], access[128];

	snowflake_name(rule, sizeof(rule), profile, "rds_rule");
	snowflake_name(integ, sizeof(integ), profile, "aws_iam");
	snowflake_name(secret, sizeof(secret), profile, "aws_secret");
	snowflake_name(access, sizeof(access), profile, "access");
	pgiam_buf_printf(b,
		"-- The port must be in VALUE_LIST: without it the rule means port 443.\n"
		"CREATE OR REPLACE NETWORK RULE %s\n"
		"  MODE = EGRESS\n"
		"  TYPE = PRIVATE_HOST_PORT\n"
		"  VALUE_LIST = ('%s:%d');\n"
		"CREATE OR REPLACE SECURITY INTEGRATION %s\n"
		"  TYPE = API_AUTHENTICATION\n"
		"  AUTH_TYPE = AWS_IAM\n"
		"  ENABLED = TRUE\n"
		"  AWS_ROLE_ARN = '%s';\n"
		"-- DESC SECURITY INTEGRATION %s; gives API_AWS_IAM_USER_ARN and API_AWS_EXTERNAL_ID:\n"
		"-- add a statement for them to the role's trust policy (Principal, and a\n"
		"-- StringEquals sts:ExternalId condition: Snowflake always sends its external ID).\n"
		"CREATE OR REPLACE SECRET %s\n"
		"  TYPE = CLOUD_PROVIDER_TOKEN\n"
		"  API_AUTHENTICATION = %s;\n"
		"CREATE OR REPLACE EXTERNAL ACCESS INTEGRATION %s\n"
		"  ALLOWED_NETWORK_RULES = (%s)\n"
		"  ALLOWED_AUTHENTICATION_SECRETS = (%s)\n"
		"  ENABLED = TRUE;\n",
		rule, host, port, integ, role_arn, integ, secret, integ, access, rule, secret);
}

static json_object *iam_policy(const char *resource)
{
	json_object *doc = json_object_new_object();
	json_object *stmts = json_object_new_array();
	json_object *st = json_object_new_object();
	json_object *actions = json_object_new_array();
	json_object *resources = json_object_new_array();

	json_object_array_add(actions, json_object_new_string("rds-db:connect"));
	json_object_array_add(resources, json_object_new_string(resource));
	json_object_object_add(st, "Effect", json_object_new_string("Allow"));
	json_object_object_add(st, "Action", actions);
	json_object_object_add(st, "Resource", resources);
	json_object_array_add(stmts, st);
	json_object_object_add(doc, "Version", json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", stmts);
	return doc;
}

/* external_id NULL (the profile has none): no condition at all, since pgiam then
 * sends no ExternalId and a condition on one would refuse every AssumeRole. */
static json_object *trust_policy(const char *principal, const char *external_id)
{
	json_object *doc = json_object_new_object();
	json_object *stmts = json_object_new_array();
	json_object *st = json_object_new_object();
	json_object *pr = json_object_new_object();

	json_object_object_add(pr, "AWS", json_object_new_string(principal));
	json_object_object_add(st, "Effect", json_object_new_string("Allow"));
	json_object_object_add(st, "Principal", pr);
	json_object_object_add(st, "Action", json_object_new_string("sts:AssumeRole"));
	if (external_id) {
		json_object *cond = json_object_new_object();
		json_object *eq = json_object_new_object();

		json_object_object_add(eq, "sts:ExternalId", json_object_new_string(external_id));
		json_object_object_add(cond, "StringEquals", eq);
		json_object_object_add(st, "Condition", cond);
	}
	json_object_array_add(stmts, st);
	json_object_object_add(doc, "Version", json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", stmts);
	return doc;
}

int pgiam_cmd_policy(int argc, char **argv)
{
	policy_opts o = { NULL, NULL, 0, 0, 0 };
	const char *name = NULL, *dir = NULL;
	int as_json = 0, snowflake = 0, offline = 0;
	pgiam_profile *profile = NULL;
	pgiam_auth *auth = NULL;
	json_object *out = NULL, *iam = NULL, *trust = NULL;
	pgiam_buf sql = PGIAM_BUF_INIT, sf = PGIAM_BUF_INIT;
	char account[32] = "", resource[1024], principal[PGIAM_AUTH_ARN_MAX + 1];
	const char *region = NULL, *role_arn = NULL, *user = NULL, *database = NULL;
	const char *principal_note = NULL;
	int status = 1, read_only = 0;

	if ((status = parse_options(&o, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	name = o.name, dir = o.dir, as_json = o.as_json, snowflake = o.snowflake, offline = o.offline;
	if ((status = pgiam_cli_load_profile(&profile, "policy", dir, name)) != 0)
		goto cleanup;
	status = 1;

	region = pgiam_profile_region(profile);
	role_arn = pgiam_profile_role_arn(profile);
	user = pgiam_profile_db_user(profile) ? pgiam_profile_db_user(profile) : "<db-user>";
	database = pgiam_profile_database(profile) ? pgiam_profile_database(profile) : "<database>";
	if (role_arn)
		pgiam_arn_field(account, sizeof(account), role_arn, 4);
	if (pgiam_profile_account_id(profile))
		snprintf(account, sizeof(account), "%s", pgiam_profile_account_id(profile));
	{
		pgiam_arn_rds_db db = { role_arn, region, account[0] ? account : NULL,
			pgiam_profile_dbi_resource_id(profile), user,
			"<region>", "<account-id>", "<dbi-resource-id>", "<db-user>" };

		if (pgiam_arn_rds_db_resource(resource, sizeof(resource), &db) < 0) {
			pgiam_cli_error("policy", NULL);
			goto cleanup;
		}
	}

	snprintf(principal, sizeof(principal), "<source-principal-arn>");
	principal_note = offline ? "offline: replace with the ARN of the principal that assumes the role" :
		NULL;
	if (!offline) {
		if (pgiam_profile_auth_new(&auth, profile) == 0 && pgiam_auth_whoami(auth) == 0) {
			pgiam_auth_info info;

			pgiam_auth_info_get(&info, auth);
			pgiam_arn_role_of_caller(principal, sizeof(principal), info.caller_arn);
		} else {
			pgiam_cli_line(stderr, "pgiam: policy: warning: cannot ask STS who the source principal is (%s); "
				"using a placeholder", pgiam_error_last());
			principal_note = "GetCallerIdentity failed: replace with the ARN of the principal that assumes the role";
		}
	}
	iam = iam_policy(resource);
	if (role_arn)
		trust = trust_policy(principal, pgiam_profile_external_id(profile));
	read_only = pgiam_profile_read_only(profile);
	if (read_only)
		build_sql_read_only(&sql, database, user);
	else
		build_sql_template(&sql, database, user);
	if (snowflake)
		build_snowflake(&sf, name, pgiam_profile_host(profile) ? pgiam_profile_host(profile) : "<endpoint>",
			pgiam_profile_port(profile), role_arn ? role_arn : "<role-arn>");

	if (as_json) {
		out = json_object_new_object();
		json_object_object_add(out, "profile", json_object_new_string(name));
		json_object_object_add(out, "role_arn", role_arn ? json_object_new_string(role_arn) : NULL);
		json_object_object_add(out, "resource", json_object_new_string(resource));
		json_object_object_add(out, "iam_policy", json_object_get(iam));
		json_object_object_add(out, "trust_policy", trust ? json_object_get(trust) : NULL);
		json_object_object_add(out, "source_principal", json_object_new_string(principal));
		if (principal_note)
			json_object_object_add(out, "source_principal_note", json_object_new_string(principal_note));
		json_object_object_add(out, "sql", json_object_new_string(pgiam_buf_cstr(&sql)));
		/* what the SQL grants beyond rds_iam: "read-only", or a template to fill */
		json_object_object_add(out, "sql_privileges", json_object_new_string(
			read_only ? "read-only" : "template"));
		if (snowflake)
			json_object_object_add(out, "snowflake_sql", json_object_new_string(pgiam_buf_cstr(&sf)));
		pgiam_cli_print_json(stdout, json_object_to_json_string_ext(out,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		pgiam_cli_printf(stdout, "# IAM policy to attach to %s\n", role_arn ? role_arn : "the source principal");
		pgiam_cli_print_json(stdout, json_object_to_json_string_ext(iam, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
		if (trust) {
			pgiam_cli_printf(stdout, "\n# Trust policy of %s%s%s\n", role_arn,
				principal_note ? " -- " : "", principal_note ? principal_note : "");
			pgiam_cli_print_json(stdout, json_object_to_json_string_ext(trust, JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
			pgiam_cli_printf(stdout, "\n");
		} else
			pgiam_cli_printf(stdout, "\n# No role_arn: the profile signs with the source credentials directly, no trust policy needed.\n\n");
		pgiam_cli_printf(stdout, "# SQL for the database (%s)\n%s", read_only ? "read-only "
			"user, as the profile says read_only = true" : "rds_iam and CONNECT only: fill "
			"in the privileges", pgiam_buf_cstr(&sql));
		if (snowflake)
			pgiam_cli_printf(stdout, "\n# Snowflake objects\n%s", pgiam_buf_cstr(&sf));
	}
	status = 0;

cleanup:
	if (out)
		json_object_put(out);
	if (iam)
		json_object_put(iam);
	if (trust)
		json_object_put(trust);
	pgiam_buf_dispose(&sql);
	pgiam_buf_dispose(&sf);
	pgiam_auth_free(auth);
	pgiam_profile_free(profile);
	return status;
}
