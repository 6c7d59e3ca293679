/* test_grants.c - the grants core without a server (src/grants.h): the statement's
 * filters (quoted literals, a hostile schema name), rows of the server's shape reshaped
 * into issue 11's JSON ({"SELECT": {"held", "via"}}), "via" filled for a privilege a
 * superuser or pg_read_all_data holds without an ACL entry, the held/unexplained rule,
 * one object's holds (column grants, RLS, a function) and the text form's lines. The
 * same statement runs against the sandbox in tests/integration/grants_sandbox.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "grants.h"

#include <json-c/json.h>

#define PRIV(p, h, via) "{\"p\": \"" p "\", \"held\": " h ", \"via\": " via ", \"grantable\": false}"

static const char ROLE_RO[] =
	"{\"current_user\": \"iam_ro_user\", \"session_user\": \"iam_ro_user\", \"database\": \"db\","
	" \"superuser\": false, \"bypassrls\": false, \"createrole\": false, \"createdb\": false,"
	" \"inherit\": true, \"login\": true, \"valid_until\": null,"
	" \"memberships\": [{\"role\": \"rds_iam\", \"member\": \"iam_ro_user\", \"depth\": 1,"
	"   \"inherit\": true, \"admin\": false, \"effective\": true},"
	"  {\"role\": \"readonly_role\", \"member\": \"iam_ro_user\", \"depth\": 1,"
	"   \"inherit\": true, \"admin\": false, \"effective\": true},"
	"  {\"role\": \"pg_read_all_data\", \"member\": \"readonly_role\", \"depth\": 2,"
	"   \"inherit\": true, \"admin\": false, \"effective\": true}],"
	" \"privileges\": [" PRIV("CONNECT", "true", "[\"PUBLIC\"]") "]}";

static const char SCHEMA_PUBLIC[] =
	"{\"name\": \"public\", \"owner\": \"pg_database_owner\","
	" \"privileges\": [" PRIV("USAGE", "true", "[\"readonly_role\"]") ","
	"   " PRIV("CREATE", "false", "[]") "],"
	" \"relations\": [{\"name\": \"customers\", \"kind\": \"r\", \"owner\": \"admin\","
	"   \"privileges\": [" PRIV("SELECT", "true", "[\"readonly_role\"]") ","
	"     " PRIV("INSERT", "false", "[]") "],"
	"   \"columns\": [{\"name\": \"salary\", \"privileges\": ["
	"     " PRIV("UPDATE", "true", "[\"iam_ro_user\"]") "]}],"
	"   \"rls\": {\"enabled\": true, \"forced\": false, \"active\": true, \"policies\": ["
	"     {\"name\": \"mine\", \"command\": \"SELECT\", \"permissive\": true,"
	"      \"roles\": [\"readonly_role\"], \"applies\": true, \"using\": \"(a = 1)\","
	"      \"with_check\": null}]}},"
	"  {\"name\": \"other\", \"kind\": \"v\", \"owner\": \"admin\","
	"   \"privileges\": [" PRIV("SELECT", "true", "[]") ","
	"     " PRIV("INSERT", "true", "[]") "], \"columns\": null, \"rls\": null}],"
	" \"functions\": [{\"name\": \"f\", \"arguments\": \"integer\", \"kind\": \"f\","
	"   \"owner\": \"admin\", \"privileges\": [" PRIV("EXECUTE", "true", "[\"PUBLIC\"]") "]}]}";

static const char SCHEMA_HIDDEN[] =
	"{\"name\": \"hidden\", \"owner\": \"admin\","
	" \"privileges\": [" PRIV("USAGE", "false", "[]") "," PRIV("CREATE", "false", "[]") "],"
	" \"relations\": [], \"functions\": []}";

static pgiam_grants *make(void)
{
	pgiam_grants *g = NULL;

	assert_int_equal(pgiam_grants_new(&g), 0);
	assert_int_equal(pgiam_grants_add_row(g, "role", ROLE_RO), 0);
	assert_int_equal(pgiam_grants_add_row(g, "schema", SCHEMA_PUBLIC), 0);
	assert_int_equal(pgiam_grants_add_row(g, "schema", SCHEMA_HIDDEN), 0);
	assert_int_equal(pgiam_grants_finish(g), 0);
	return g;
}

static void test_sql_filters(void **state)
{
	pgiam_grants_options o = { "we'ird\\", "t" };
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_grants_sql(&b, &o), 0);
	/* the schema as a literal (E'' with the backslash doubled), the object too */
	assert_non_null(strstr(pgiam_buf_cstr(&b), "AND n.nspname::text =  E'we''ird\\\\'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "AND c.relname::text = 't'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "AND p.proname::text = 't'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "aclexplode"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "has_table_privilege"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_grants_sql(&b, NULL), 0);
	assert_null(strstr(pgiam_buf_cstr(&b), "AND n.nspname::text ="));
	pgiam_buf_clear(&b);
	o.schema = "";
	assert_int_equal(pgiam_grants_sql(&b, &o), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

static void test_bad_rows(void **state)
{
	pgiam_grants *g = NULL;

	(void)state;
	assert_int_equal(pgiam_grants_new(&g), 0);
	assert_int_equal(pgiam_grants_add_row(g, "schema", "not json"), PGIAM_ESERVER);
	assert_int_equal(pgiam_grants_add_row(g, "what", "{}"), PGIAM_ESERVER);
	assert_int_equal(pgiam_grants_add_row(g, "schema", "{}"), PGIAM_ESERVER);
	assert_int_equal(pgiam_grants_finish(g), PGIAM_ESERVER);   /* no role row */
	pgiam_grants_free(g);
}

static json_object *doc_of(pgiam_grants *g)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	json_object *doc;

	assert_int_equal(pgiam_grants_json(&b, g, 0), 0);
	doc = json_tokener_parse(pgiam_buf_cstr(&b));
	assert_non_null(doc);
	pgiam_buf_dispose(&b);
	return doc;
}

static json_object *at(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			o = NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

/* The string at path; fails (not crashes) when there is none. */
static const char *s_at(json_object *doc, const char *path)
{
	json_object *o = at(doc, path);

	assert_non_null(o);
	return json_object_get_string(o);
}

static void test_json_shape(void **state)
{
	pgiam_grants *g = make();
	json_object *doc = doc_of(g);

	(void)state;
	assert_string_equal(s_at(doc, "sql.current_user"), "iam_ro_user");
	assert_string_equal(s_at(doc, "sql.tables.0.name"), "customers");
	assert_string_equal(s_at(doc, "sql.tables.0.kind"), "table");
	assert_true(json_object_get_boolean(at(doc, "sql.tables.0.privileges.SELECT.held")));
	assert_string_equal(s_at(doc, "sql.tables.0.privileges.SELECT.via.0"),
		"readonly_role");
	assert_int_equal(json_object_array_length(at(doc, "sql.tables.0.privileges.INSERT.via")), 0);
	assert_true(json_object_get_boolean(at(doc, "sql.tables.0.columns.salary.UPDATE.held")));
	assert_true(json_object_get_boolean(at(doc, "sql.tables.0.rls.enabled")));
	assert_string_equal(s_at(doc, "sql.tables.1.kind"), "view");
	/* SELECT held with no ACL entry: pg_read_all_data, inherited through readonly_role */
	assert_string_equal(s_at(doc, "sql.tables.1.privileges.SELECT.via.0"),
		"pg_read_all_data");
	/* INSERT held with nothing to explain it: the server's word, marked */
	assert_true(json_object_get_boolean(at(doc, "sql.tables.1.privileges.INSERT.unexplained")));
	assert_true(json_object_get_boolean(at(doc, "sql.attributes.pg_read_all_data")));
	assert_true(json_object_get_boolean(at(doc, "sql.bypasses_grants")));
	assert_true(json_object_get_boolean(at(doc, "sql.rds_iam")));
	assert_false(json_object_get_boolean(at(doc, "sql.schemas.1.usage")));
	assert_string_equal(s_at(doc, "sql.functions.0.privileges.EXECUTE.via.0"),
		"PUBLIC");
	assert_true(json_object_get_boolean(at(doc, "sql.database_privileges.CONNECT.held")));
	assert_null(at(doc, "iam"));   /* not set without a session */
	json_object_put(doc);
	pgiam_grants_free(g);
}

static void test_holds(void **state)
{
	pgiam_grants *g = make();
	pgiam_grants_holds h;
	const pgiam_grants_priv *p;

	(void)state;
	assert_int_equal(pgiam_grants_holds_of(&h, g, NULL, "customers"), 0);
	assert_true(h.found);
	assert_string_equal(h.schema, "public");
	assert_string_equal(h.kind, "table");
	assert_string_equal(h.current_user, "iam_ro_user");
	assert_true(h.schema_usage);
	assert_true(h.schema_usage_priv.held);
	p = pgiam_grants_holds_priv(&h, "select");
	assert_non_null(p);
	assert_true(p->held);
	assert_int_equal(p->nvia, 1);
	assert_string_equal(p->via[0], "readonly_role");
	assert_false(pgiam_grants_holds_priv(&h, "INSERT")->held);
	assert_null(pgiam_grants_holds_priv(&h, "EXECUTE"));
	assert_int_equal(h.ncolumns, 1);
	assert_string_equal(h.columns[0].name, "salary");
	assert_string_equal(h.columns[0].privs[0].name, "UPDATE");
	assert_true(h.rls_enabled && h.rls_active && !h.rls_forced);
	assert_int_equal(h.rls_policies_applying, 1);
	pgiam_grants_holds_dispose(&h);
	assert_int_equal(pgiam_grants_holds_of(&h, g, "public", "f"), 0);
	assert_true(h.found);
	assert_string_equal(h.kind, "function");
	assert_string_equal(pgiam_grants_holds_priv(&h, "EXECUTE")->via[0], "PUBLIC");
	pgiam_grants_holds_dispose(&h);
	assert_int_equal(pgiam_grants_holds_of(&h, g, "hidden", "customers"), 0);
	assert_false(h.found);
	pgiam_grants_free(g);
}

typedef struct lines {
	pgiam_buf text;
	int loud, warn, key;
} lines;

static void collect(void *ctx, pgiam_grants_style style, const char *line)
{
	lines *l = ctx;

	assert_null(strchr(line, '\n'));
	pgiam_buf_printf(&l->text, "%s\n", line);
	l->loud += style == PGIAM_GRANTS_LOUD;
	l->warn += style == PGIAM_GRANTS_WARN;
	l->key += style == PGIAM_GRANTS_KEY;
}

static void test_render(void **state)
{
	pgiam_grants *g = make();
	lines l = { PGIAM_BUF_INIT, 0, 0, 0 };
	const char *t;

	(void)state;
	assert_int_equal(pgiam_grants_render(g, collect, &l), 0);
	t = pgiam_buf_cstr(&l.text);
	assert_non_null(strstr(t, "r-       SELECT via readonly_role"));
	assert_non_null(strstr(t, "column salary"));
	assert_non_null(strstr(t, "row security: enabled, active for this role; 1 of 1 policy apply"));
	assert_non_null(strstr(t, "policy mine  SELECT permissive  to readonly_role  applies  USING ((a = 1))"));
	assert_non_null(strstr(t, "hidden               no USAGE"));
	assert_non_null(strstr(t, "+- rds_iam  INHERIT  <- IAM login"));
	assert_non_null(strstr(t, "  +- pg_read_all_data  INHERIT"));   /* depth 2 indents */
	assert_non_null(strstr(t, "f(integer)"));
	assert_non_null(strstr(t, "!! member of pg_read_all_data"));
	assert_int_equal(l.loud, 1);
	assert_true(l.key >= 1);
	assert_true(l.warn >= 2);
	pgiam_buf_dispose(&l.text);
	pgiam_grants_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_filters),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
