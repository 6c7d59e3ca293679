/* test_policy.c - the policy generator (src/policy.c) from profiles built in memory:
 * the rds-db:connect resource, the principal, the SQL with hostile names, the JSON
 * document and the text report that `pgiam policy` and the TUI's view show. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "policy.h"
#include "profile.h"

#include <json-c/json.h>

static pgiam_profile *profile_of(const char *const *kv)
{
	pgiam_profile *p = NULL;

	assert_int_equal(pgiam_profile_new(&p, "demo"), 0);
	for (; kv[0]; kv += 2)
		assert_int_equal(pgiam_profile_set(p, kv[0], kv[1]), 0);
	return p;
}

static pgiam_policy *build(const char *const *kv, const char *caller, int offline)
{
	pgiam_profile *prof = profile_of(kv);
	pgiam_policy_options o = PGIAM_POLICY_OPTIONS_INIT;
	pgiam_policy *pol = NULL;

	o.caller_arn = caller;
	o.offline = offline;
	assert_int_equal(pgiam_policy_build(&pol, prof, &o), 0);
	pgiam_profile_free(prof);
	return pol;
}

static const char *const base[] = {
	"endpoint", "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com:5432",
	"database", "sample_db", "db_user", "iam_ro_user",
	"role_arn", "arn:aws:iam::123456789012:role/sf-udf-rds-auth-role",
	"external_id", "ext-1", "read_only", "true", NULL };

static void test_resource_and_principal(void **state)
{
	pgiam_policy *pol = build(base, "arn:aws:sts::111122223333:assumed-role/Admin/alice", 0);

	(void)state;
	assert_string_equal(pgiam_policy_resource(pol),
		"arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:*/iam_ro_user");
	/* a trust policy names the role behind an assumed-role session */
	assert_string_equal(pgiam_policy_principal(pol), "arn:aws:iam::111122223333:role/Admin");
	assert_null(pgiam_policy_principal_note(pol));
	assert_null(pgiam_policy_snowflake_sql(pol));
	assert_true(pgiam_policy_read_only(pol));
	pgiam_policy_free(pol);
	pol = build(base, NULL, 1);
	assert_string_equal(pgiam_policy_principal(pol), "<source-principal-arn>");
	assert_non_null(strstr(pgiam_policy_principal_note(pol), "offline"));
	pgiam_policy_free(pol);
	pol = build(base, NULL, 0);
	assert_non_null(strstr(pgiam_policy_principal_note(pol), "GetCallerIdentity failed"));
	pgiam_policy_free(pol);
}

/* The JSON document parses, and its parts are the accessors' */
static void test_json_document(void **state)
{
	pgiam_policy *pol = build(base, "arn:aws:iam::111122223333:user/alice", 0);
	json_object *doc = json_tokener_parse(pgiam_policy_json(pol)), *v = NULL, *st = NULL;

	(void)state;
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "resource", &v));
	assert_string_equal(json_object_get_string(v), pgiam_policy_resource(pol));
	assert_true(json_object_object_get_ex(doc, "trust_policy", &v));
	st = json_object_array_get_idx(json_object_object_get(v, "Statement"), 0);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_object_get(st, "Principal"), "AWS")), "arn:aws:iam::111122223333:user/alice");
	assert_string_equal(json_object_get_string(json_object_object_get(json_object_object_get(
		json_object_object_get(st, "Condition"), "StringEquals"), "sts:ExternalId")), "ext-1");
	assert_true(json_object_object_get_ex(doc, "sql", &v));
	assert_string_equal(json_object_get_string(v), pgiam_policy_sql(pol));
	assert_false(json_object_object_get_ex(doc, "source_principal_note", &v));
	json_object_put(doc);
	pgiam_policy_free(pol);
}

/* Names with quotes and backslashes stay inside their quotes; a backslash gives the
 * E'' form (the same under either standard_conforming_strings). */
static void test_hostile_names(void **state)
{
	static const char *const kv[] = { "endpoint", "db.x.us-east-1.rds.amazonaws.com:5432",
		"database", "Sales\"DB", "db_user", "o'neil\\a", NULL };
	pgiam_policy *pol = build(kv, NULL, 1);
	const char *sql = pgiam_policy_sql(pol);

	(void)state;
	assert_non_null(strstr(sql, "WHERE rolname = E'o''neil\\\\a') THEN"));
	assert_non_null(strstr(sql, "CREATE USER \"o'neil\\a\" WITH LOGIN;"));
	assert_non_null(strstr(sql, "GRANT CONNECT ON DATABASE \"Sales\"\"DB\" TO \"o'neil\\a\";"));
	pgiam_policy_free(pol);
}

/* A name that is not UTF-8 cannot be written as SQL: refused, the key named. */
static void test_not_utf8_refused(void **state)
{
	static const char *const kv[] = { "endpoint", "db.x.us-east-1.rds.amazonaws.com:5432",
		"database", "d", "db_user", "bad\xC3(", NULL };
	pgiam_profile *prof = profile_of(kv);
	pgiam_policy *pol = NULL;

	(void)state;
	assert_int_equal(pgiam_policy_build(&pol, prof, NULL), PGIAM_EINVAL);
	assert_null(pol);
	assert_non_null(strstr(pgiam_error_last(), "db_user cannot be written as SQL"));
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CONFIG);
	pgiam_profile_free(prof);
}

/* The text report: the headings in order, no trust policy without a role. */
static void test_text_report(void **state)
{
	static const char *const direct[] = { "endpoint", "db.x.us-east-1.rds.amazonaws.com:5432",
		"database", "d", "db_user", "u", NULL };
	pgiam_profile *prof = profile_of(base);
	pgiam_policy_options o = PGIAM_POLICY_OPTIONS_INIT;
	pgiam_policy *pol = NULL;
	const char *t = NULL, *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	(void)state;
	o.offline = 1;
	o.snowflake = 1;
	assert_int_equal(pgiam_policy_build(&pol, prof, &o), 0);
	t = pgiam_policy_text(pol);
	a = strstr(t, "# IAM policy to attach to arn:aws:iam::123456789012:role/sf-udf-rds-auth-role\n{");
	b = strstr(t, "\n# Trust policy of arn:aws:iam::123456789012:role/sf-udf-rds-auth-role -- offline");
	c = strstr(t, "\n# SQL for the database (read-only user");
	d = strstr(t, "\n# Snowflake objects\n-- The port must be in VALUE_LIST");
	assert_true(a == t && b > a && c > b && d > c);
	assert_non_null(strstr(pgiam_policy_snowflake_sql(pol), "NETWORK RULE pgiam_demo_rds_rule"));
	pgiam_policy_free(pol);
	pgiam_profile_free(prof);
	pol = build(direct, NULL, 1);
	assert_non_null(strstr(pgiam_policy_text(pol), "# No role_arn:"));
	assert_null(strstr(pgiam_policy_text(pol), "Trust policy"));
	pgiam_policy_free(pol);
}

/* issue 14: the resource id for each form of endpoint, and what the notes say */
static void test_endpoint_forms(void **state)
{
	static const struct {
		const char *host, *id, *resource_id;
		const char *note;       /* a note that must be there (NULL: no note at all) */
		const char *note2;      /* a second one, or NULL */
	} cases[] = {
		/* an instance with its id: exactly that id, nothing to say */
		{ "mydb.abc123.us-east-1.rds.amazonaws.com", "db-ABCDEFGHIJKL0123", "db-ABCDEFGHIJKL0123", NULL, NULL },
		/* no id: *, and the note says so */
		{ "mydb.abc123.us-east-1.rds.amazonaws.com", NULL, "*", "dbi_resource_id is not set, so the resource ID is *", NULL },
		/* Aurora: the cluster's id, for writer and reader endpoints */
		{ "aur.cluster-abc123.us-east-1.rds.amazonaws.com", "cluster-ABCDEFGHIJKL01234", "cluster-ABCDEFGHIJKL01234",
		  "Aurora cluster endpoint: rds-db:connect names the cluster's resource ID", NULL },
		{ "aur.cluster-ro-abc123.us-east-1.rds.amazonaws.com", "cluster-X1", "cluster-X1", "DbClusterResourceId", NULL },
		{ "AUR.Cluster-Custom-abc.US-EAST-1.RDS.amazonaws.com", NULL, "*", "Aurora cluster endpoint", "is not set" },
		/* RDS Proxy: the proxy's id, and its own role/secret for the database */
		{ "px.proxy-abc123.us-east-1.rds.amazonaws.com", "prx-0123456789abcdef0", "prx-0123456789abcdef0",
		  "the endpoint is an RDS Proxy", "its own IAM role" },
		{ "ro.endpoint.proxy-abc123.us-east-1.rds.amazonaws.com", "prx-0a", "prx-0a", "secretsmanager:GetSecretValue", NULL },
		/* an id of another kind than the endpoint: said, and the id kept as given */
		{ "px.proxy-abc123.us-east-1.rds.amazonaws.com", "db-ABC", "db-ABC",
		  "dbi_resource_id db-ABC is an instance's, but the endpoint is an RDS Proxy", NULL },
		{ "aur.cluster-abc.us-east-1.rds.amazonaws.com", "db-ABC", "db-ABC",
		  "is an instance's, but the endpoint is an Aurora cluster endpoint", NULL },
		{ "mydb.abc.us-east-1.rds.amazonaws.com", "prx-1", "prx-1", "is an RDS Proxy's, but the endpoint is an instance endpoint", NULL },
		/* not an RDS name (a tunnel's, an address): no guess about its kind */
		{ "127.0.0.1", "prx-1", "prx-1", NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char endpoint[256], want[256];
		const char *kv[] = { "endpoint", endpoint, "region", "us-east-1", "database", "d",
			"db_user", "u", "account_id", "123456789012",
			cases[i].id ? "dbi_resource_id" : NULL, cases[i].id, NULL };
		pgiam_policy *pol = NULL;
		int found = !cases[i].note, found2 = !cases[i].note2;

		snprintf(endpoint, sizeof(endpoint), "%s:5432", cases[i].host);
		snprintf(want, sizeof(want), "arn:aws:rds-db:us-east-1:123456789012:dbuser:%s/u",
			cases[i].resource_id);
		pol = build(kv, NULL, 1);
		assert_string_equal(pgiam_policy_resource(pol), want);
		for (size_t n = 0; n < pgiam_policy_note_count(pol); n++) {
			found |= cases[i].note && strstr(pgiam_policy_note(pol, n), cases[i].note) != NULL;
			found2 |= cases[i].note2 && strstr(pgiam_policy_note(pol, n), cases[i].note2) != NULL;
		}
		if (!cases[i].note && pgiam_policy_note_count(pol))
			fail_msg("%s: unexpected note %s", cases[i].host, pgiam_policy_note(pol, 0));
		if (!found || !found2)
			fail_msg("%s %s: note missing (%zu notes)", cases[i].host,
				cases[i].id ? cases[i].id : "-", pgiam_policy_note_count(pol));
		/* the notes are in the text after the IAM policy and in the JSON */
		if (pgiam_policy_note_count(pol)) {
			assert_non_null(strstr(pgiam_policy_text(pol), "\n# Note: "));
			assert_non_null(strstr(pgiam_policy_json(pol), "\"notes\": ["));
		} else
			assert_null(strstr(pgiam_policy_json(pol), "\"notes\""));
		pgiam_policy_free(pol);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resource_and_principal),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_not_utf8_refused),
		cmocka_unit_test(test_text_report),
		cmocka_unit_test(test_endpoint_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
