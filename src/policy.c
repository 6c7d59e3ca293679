/* policy.c - the IAM policy, trust policy, SQL and Snowflake objects for a profile
 * (see policy.h). Glue: it reads a profile, and asks STS through the profile's auth. */
#include "policy.h"

#include "arn.h"
#include "auth.h"
#include "buf.h"
#include "error.h"
#include "profile_auth.h"
#include "quote.h"
#include "sanitize.h"

#include <ctype.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READONLY_ROLE "readonly_role"
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

struct pgiam_policy {
	char resource[1024];
	char principal[PGIAM_AUTH_ARN_MAX + 1];
	const char *principal_note;
	int read_only;
	pgiam_buf sql, snowflake, text, json;
	int has_snowflake;
	char notes[PGIAM_POLICY_MAX_NOTES][640];
	size_t nnotes;
};

/* SQL text with a sticky error: the builders below write many small pieces and the
 * only failure left once the names were checked (policy_build) is out of memory. */
typedef struct sqlw {
	pgiam_buf *b;
	int error;
} sqlw;

static void w_puts(sqlw *w, const char *s)
{
	if (!w->error)
		w->error = pgiam_buf_puts(w->b, s);
}

static void w_ident(sqlw *w, const char *name)
{
	if (!w->error)
		w->error = pgiam_sql_quote_ident_if_needed(w->b, name);
}

/* The E'' form comes with a leading space (as libpq writes it); after our own space
 * one is enough. */
static void w_literal(sqlw *w, const char *value)
{
	size_t at = w->b->len;

	if (w->error || (w->error = pgiam_sql_quote_literal(w->b, value)) < 0)
		return;
	if (at > 0 && w->b->ptr[at - 1] == ' ' && w->b->ptr[at] == ' ') {
		memmove(w->b->ptr + at, w->b->ptr + at + 1, w->b->len - at);
		w->b->len--;
	}
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
static void sql_create(sqlw *w, const char *user, int with_readonly_role)
{
	char tag[32];

	dollar_tag(tag, sizeof(tag), user);
	w_puts(w, "DO ");
	w_puts(w, tag);
	w_puts(w, "\nBEGIN\n");
	if (with_readonly_role) {
		w_puts(w, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ");
		w_literal(w, READONLY_ROLE);
		w_puts(w, ") THEN\n    CREATE ROLE " READONLY_ROLE ";\n  END IF;\n");
	}
	w_puts(w, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ");
	w_literal(w, user);
	w_puts(w, ") THEN\n    CREATE USER ");
	w_ident(w, user);
	w_puts(w, " WITH LOGIN;\n  END IF;\nEND\n");
	w_puts(w, tag);
	w_puts(w, ";\n");
}

static void sql_header(sqlw *w, const char *database)
{
	w_puts(w, "-- Run as the RDS master user, connected to database ");
	w_puts(w, database);
	w_puts(w, ".\n");
}

/* read_only = true: the reference walkthrough's read-only user (readonly_role). */
static void sql_read_only(sqlw *w, const char *database, const char *user)
{
	sql_header(w, database);
	w_puts(w, "-- The profile says read_only = true: a read-only user. readonly_role holds\n"
		"-- CONNECT and SELECT on the tables of schema public; nothing here grants a write.\n");
	sql_create(w, user, 1);
	w_puts(w, "GRANT CONNECT ON DATABASE ");
	w_ident(w, database);
	w_puts(w, " TO " READONLY_ROLE ";\n"
		"GRANT USAGE ON SCHEMA public TO " READONLY_ROLE ";\n"
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO " READONLY_ROLE ";\n"
		"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " READONLY_ROLE ";\n"
		"-- with rds_iam the user can only log in with an IAM token (no password)\n"
		"GRANT rds_iam TO ");
	w_ident(w, user);
	w_puts(w, ";\nGRANT " READONLY_ROLE " TO ");
	w_ident(w, user);
	w_puts(w, ";\n");
}

/* Without read_only = true pgiam cannot know what the user may do: it creates the
 * user with rds_iam and CONNECT only, and leaves the table privileges as a commented
 * template (a read-write user gets no read-only role it would then lack writes in). */
static void sql_template(sqlw *w, const char *database, const char *user)
{
	static const char *const template[] = {
		";\n-- GRANT USAGE ON SCHEMA public TO ",
		";\n-- GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ",
		";\n-- GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ",
		";\n-- ALTER DEFAULT PRIVILEGES IN SCHEMA public\n"
		"--   GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ",
	};

	sql_header(w, database);
	w_puts(w, "-- The profile does not say read_only = true: this grants only rds_iam (IAM\n"
		"-- token login) and CONNECT, no table privileges. Uncomment and adapt the\n"
		"-- privileges the user needs below; until then it can log in but read no table.\n");
	sql_create(w, user, 0);
	w_puts(w, "-- with rds_iam the user can only log in with an IAM token (no password)\n"
		"GRANT rds_iam TO ");
	w_ident(w, user);
	w_puts(w, ";\nGRANT CONNECT ON DATABASE ");
	w_ident(w, database);
	w_puts(w, " TO ");
	w_ident(w, user);
	for (size_t i = 0; i < sizeof(template) / sizeof(template[0]); i++) {
		w_puts(w, template[i]);
		w_ident(w, user);
	}
	w_puts(w, ";\n");
}

/* pgiam_PROFILE_SUFFIX with the profile name folded to Snowflake's plain identifiers. */
static void snowflake_name(char *out, size_t len, const char *profile, const char *suffix)
{
	size_t j = 0;

	j = (size_t)snprintf(out, len, "pgiam_");
	for (const char *p = profile; *p && j + 1 < len; p++)
		out[j++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	out[j] = '\0';
	snprintf(out + j, len - j, "_%s", suffix);
}

/* The host and role ARN are checked by the profile's validation (a host name, an
 * IAM role ARN): neither can hold a quote. */
static int build_snowflake(pgiam_buf *b, const char *profile, const char *host, int port,
	const char *role_arn)
{
	char rule[128], integ[128], secret[128], access[128];

	snowflake_name(rule, sizeof(rule), profile, "rds_rule");
	snowflake_name(integ, sizeof(integ), profile, "aws_iam");
	snowflake_name(secret, sizeof(secret), profile, "aws_secret");
	snowflake_name(access, sizeof(access), profile, "access");
	return pgiam_buf_printf(b,
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

/* Pretty JSON with control characters in its strings escaped (as `pgiam policy`
 * has always printed it), then a newline. */
static int put_json(pgiam_buf *b, json_object *doc)
{
	int error = pgiam_text_json_escape(b, json_object_to_json_string_ext(doc, JSON_FLAGS));

	return error < 0 ? error : pgiam_buf_putc(b, '\n');
}

/* The report, as `pgiam policy` prints it and the TUI shows it. */
static int render_text(pgiam_policy *p, const pgiam_profile *profile, json_object *iam,
	json_object *trust)
{
	const char *role_arn = pgiam_profile_role_arn(profile);
	pgiam_buf *b = &p->text;
	int error = 0;

	if ((error = pgiam_buf_printf(b, "# IAM policy to attach to %s\n",
			role_arn ? role_arn : "the source principal")) < 0 || (error = put_json(b, iam)) < 0)
		return error;
	for (size_t i = 0; i < p->nnotes; i++)
		if ((error = pgiam_buf_printf(b, "# Note: %s\n", p->notes[i])) < 0)
			return error;
	if (trust) {
		if ((error = pgiam_buf_printf(b, "\n# Trust policy of %s%s%s\n", role_arn,
				p->principal_note ? " -- " : "", p->principal_note ? p->principal_note : "")) < 0 ||
		    (error = put_json(b, trust)) < 0 || (error = pgiam_buf_putc(b, '\n')) < 0)
			return error;
	} else if ((error = pgiam_buf_puts(b, "\n# No role_arn: the profile signs with the source "
			"credentials directly, no trust policy needed.\n\n")) < 0)
		return error;
	if ((error = pgiam_buf_printf(b, "# SQL for the database (%s)\n%s", p->read_only ?
			"read-only user, as the profile says read_only = true" : "rds_iam and CONNECT "
			"only: fill in the privileges", pgiam_buf_cstr(&p->sql))) < 0)
		return error;
	if (p->has_snowflake)
		error = pgiam_buf_printf(b, "\n# Snowflake objects\n%s", pgiam_buf_cstr(&p->snowflake));
	return error;
}

/* The --json document. */
static int render_json(pgiam_policy *p, const pgiam_profile *profile, json_object *iam,
	json_object *trust)
{
	const char *role_arn = pgiam_profile_role_arn(profile);
	json_object *out = json_object_new_object();
	int error = 0;

	json_object_object_add(out, "profile", json_object_new_string(pgiam_profile_name(profile)));
	json_object_object_add(out, "role_arn", role_arn ? json_object_new_string(role_arn) : NULL);
	json_object_object_add(out, "resource", json_object_new_string(p->resource));
	if (p->nnotes) {
		json_object *notes = json_object_new_array();

		for (size_t i = 0; i < p->nnotes; i++)
			json_object_array_add(notes, json_object_new_string(p->notes[i]));
		json_object_object_add(out, "notes", notes);
	}
	json_object_object_add(out, "iam_policy", json_object_get(iam));
	json_object_object_add(out, "trust_policy", trust ? json_object_get(trust) : NULL);
	json_object_object_add(out, "source_principal", json_object_new_string(p->principal));
	if (p->principal_note)
		json_object_object_add(out, "source_principal_note",
			json_object_new_string(p->principal_note));
	json_object_object_add(out, "sql", json_object_new_string(pgiam_buf_cstr(&p->sql)));
	/* what the SQL grants beyond rds_iam: "read-only", or a template to fill */
	json_object_object_add(out, "sql_privileges", json_object_new_string(
		p->read_only ? "read-only" : "template"));
	if (p->has_snowflake)
		json_object_object_add(out, "snowflake_sql",
			json_object_new_string(pgiam_buf_cstr(&p->snowflake)));
	error = pgiam_buf_puts(&p->json, json_object_to_json_string_ext(out, JSON_FLAGS));
	json_object_put(out);
	return error;
}

static void add_note(pgiam_policy *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(pgiam_policy *p, const char *fmt, ...)
{
	va_list ap;

	if (p->nnotes == PGIAM_POLICY_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(p->notes[p->nnotes++], sizeof(p->notes[0]), fmt, ap);
	va_end(ap);
}

/* What the resource id must name for the endpoint (an Aurora cluster, an RDS Proxy),
 * and what the profile's dbi_resource_id says: said as notes, never guessed. */
static void endpoint_notes(pgiam_policy *p, const pgiam_profile *profile)
{
	const char *id = pgiam_profile_dbi_resource_id(profile);
	pgiam_arn_rds_kind host = pgiam_arn_rds_endpoint_kind(pgiam_profile_host(profile));
	pgiam_arn_rds_kind kind = pgiam_arn_rds_id_kind(id);

	if (!id)
		add_note(p, "dbi_resource_id is not set, so the resource ID is * (this user on every "
			"database and proxy of the account in the region); set dbi_resource_id (db-... of "
			"an instance, cluster-... of an Aurora cluster, prx-... of an RDS Proxy) to allow "
			"this one only");
	if (host == PGIAM_ARN_RDS_CLUSTER)
		add_note(p, "the endpoint is an Aurora cluster endpoint: rds-db:connect names the "
			"cluster's resource ID (DbClusterResourceId, cluster-...: aws rds "
			"describe-db-clusters), which covers its writer and reader endpoints");
	if (host == PGIAM_ARN_RDS_PROXY)
		add_note(p, "the endpoint is an RDS Proxy: rds-db:connect names the proxy's resource ID "
			"(prx-..., the end of its DBProxyArn: aws rds describe-db-proxies). End-to-end "
			"IAM needs the proxy's side too: the proxy reaches the database with its own IAM "
			"role, which needs secretsmanager:GetSecretValue on the Secrets Manager secret "
			"with this user's database credentials (or, with the proxy's end-to-end IAM "
			"authentication, rds-db:connect on the database's resource ID); this policy "
			"covers the client's side only");
	if (id && host != PGIAM_ARN_RDS_UNKNOWN && kind != host)
		add_note(p, "dbi_resource_id %s is %s, but the endpoint is %s: the token is checked "
			"against the resource ID of what the client connects to (%s)", id,
			kind == PGIAM_ARN_RDS_PROXY ? "an RDS Proxy's" : kind == PGIAM_ARN_RDS_CLUSTER ?
			"an Aurora cluster's" : "an instance's",
			host == PGIAM_ARN_RDS_PROXY ? "an RDS Proxy" : host == PGIAM_ARN_RDS_CLUSTER ?
			"an Aurora cluster endpoint" : "an instance endpoint",
			host == PGIAM_ARN_RDS_PROXY ? "prx-..." : host == PGIAM_ARN_RDS_CLUSTER ?
			"cluster-..." : "db-...");
}

/* The rds-db:connect resource: the account from account_id, else the role ARN; the
 * resource id from dbi_resource_id, else * (said in a note: a placeholder there made
 * a policy IAM takes but that never matches); <placeholders> for what is unknown. */
static int build_resource(pgiam_policy *p, const pgiam_profile *profile, const char *user)
{
	const char *role_arn = pgiam_profile_role_arn(profile);
	char account[32] = "";

	if (role_arn)
		pgiam_arn_field(account, sizeof(account), role_arn, 4);
	if (pgiam_profile_account_id(profile))
		snprintf(account, sizeof(account), "%s", pgiam_profile_account_id(profile));
	{
		pgiam_arn_rds_db db = { role_arn, pgiam_profile_region(profile),
			account[0] ? account : NULL, pgiam_profile_dbi_resource_id(profile), user,
			"<region>", "<account-id>", "*", "<db-user>" };

		return pgiam_arn_rds_db_resource(p->resource, sizeof(p->resource), &db);
	}
}

/* A name the SQL cannot hold (not UTF-8) is refused before any SQL is written, with
 * the key named. */
static int check_name(const char *key, const char *value)
{
	pgiam_buf scratch = PGIAM_BUF_INIT;
	int error = pgiam_sql_quote_literal(&scratch, value);

	pgiam_buf_dispose(&scratch);
	if (error < 0)
		return pgiam_error_set_class(PGIAM_ECLASS_CONFIG, error, "the profile's %s cannot be "
			"written as SQL (%s)", key, pgiam_error_last());
	return 0;
}

static int build_sql(pgiam_policy *p, const char *database, const char *user)
{
	sqlw w = { &p->sql, 0 };
	int error = 0;

	if ((error = check_name("db_user", user)) < 0 || (error = check_name("database", database)) < 0)
		return error;
	if (p->read_only)
		sql_read_only(&w, database, user);
	else
		sql_template(&w, database, user);
	return w.error;
}

static void set_principal(pgiam_policy *p, const pgiam_policy_options *o)
{
	if (o->caller_arn) {
		pgiam_arn_role_of_caller(p->principal, sizeof(p->principal), o->caller_arn);
		return;
	}
	snprintf(p->principal, sizeof(p->principal), "<source-principal-arn>");
	p->principal_note = o->offline ?
		"offline: replace with the ARN of the principal that assumes the role" :
		"GetCallerIdentity failed: replace with the ARN of the principal that assumes the role";
}

int pgiam_policy_build(pgiam_policy **out, const pgiam_profile *profile,
	const pgiam_policy_options *opts)
{
	static const pgiam_policy_options defaults = PGIAM_POLICY_OPTIONS_INIT;
	const pgiam_policy_options *o = opts ? opts : &defaults;
	const char *role_arn = pgiam_profile_role_arn(profile);
	const char *user = pgiam_profile_db_user(profile) ? pgiam_profile_db_user(profile) : "<db-user>";
	const char *database = pgiam_profile_database(profile) ? pgiam_profile_database(profile) :
		"<database>";
	pgiam_policy *p = calloc(1, sizeof(*p));
	json_object *iam = NULL, *trust = NULL;
	int error = 0;

	*out = NULL;
	if (!p)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if ((error = build_resource(p, profile, user)) < 0)
		goto cleanup;
	endpoint_notes(p, profile);
	set_principal(p, o);
	p->read_only = pgiam_profile_read_only(profile);
	if ((error = build_sql(p, database, user)) < 0)
		goto cleanup;
	p->has_snowflake = o->snowflake;
	if (o->snowflake && (error = build_snowflake(&p->snowflake, pgiam_profile_name(profile),
			pgiam_profile_host(profile) ? pgiam_profile_host(profile) : "<endpoint>",
			pgiam_profile_port(profile), role_arn ? role_arn : "<role-arn>")) < 0)
		goto cleanup;
	iam = iam_policy(p->resource);
	if (role_arn)
		trust = trust_policy(p->principal, pgiam_profile_external_id(profile));
	if ((error = render_text(p, profile, iam, trust)) < 0 ||
	    (error = render_json(p, profile, iam, trust)) < 0)
		goto cleanup;
	*out = p;
	p = NULL;
cleanup:
	if (iam)
		json_object_put(iam);
	if (trust)
		json_object_put(trust);
	pgiam_policy_free(p);
	return error;
}

void pgiam_policy_free(pgiam_policy *p)
{
	if (!p)
		return;
	pgiam_buf_dispose(&p->sql);
	pgiam_buf_dispose(&p->snowflake);
	pgiam_buf_dispose(&p->text);
	pgiam_buf_dispose(&p->json);
	free(p);
}

int pgiam_policy_ask_caller(char *out, size_t outlen, const pgiam_profile *profile)
{
	pgiam_auth *auth = NULL;
	pgiam_auth_info info;
	int error = 0;

	if (outlen)
		out[0] = '\0';
	if ((error = pgiam_profile_auth_new(&auth, profile)) < 0 || (error = pgiam_auth_whoami(auth)) < 0)
		goto cleanup;
	pgiam_auth_info_get(&info, auth);
	snprintf(out, outlen, "%s", info.caller_arn);
cleanup:
	pgiam_auth_free(auth);
	return error;
}

const char *pgiam_policy_resource(const pgiam_policy *p) { return p->resource; }
const char *pgiam_policy_principal(const pgiam_policy *p) { return p->principal; }
const char *pgiam_policy_principal_note(const pgiam_policy *p) { return p->principal_note; }
const char *pgiam_policy_sql(const pgiam_policy *p) { return pgiam_buf_cstr(&p->sql); }
int pgiam_policy_read_only(const pgiam_policy *p) { return p->read_only; }
const char *pgiam_policy_text(const pgiam_policy *p) { return pgiam_buf_cstr(&p->text); }
const char *pgiam_policy_json(const pgiam_policy *p) { return pgiam_buf_cstr(&p->json); }

size_t pgiam_policy_note_count(const pgiam_policy *p) { return p->nnotes; }

const char *pgiam_policy_note(const pgiam_policy *p, size_t i)
{
	return i < p->nnotes ? p->notes[i] : NULL;
}

const char *pgiam_policy_snowflake_sql(const pgiam_policy *p)
{
	return p->has_snowflake ? pgiam_buf_cstr(&p->snowflake) : NULL;
}
