/* test_structure.c - a table's structure (structure.c): the statement quotes the
 * schema and table as literals, rows are parsed by their part's tag (unknown tags
 * skipped, no table row: not found), and the DDL is rebuilt from the parts: columns
 * with collation, identity, generated expression, default and NOT NULL, constraints,
 * PARTITION BY, indexes that back no constraint, triggers, comments quoted; a
 * partition as PARTITION OF; a view from its definition. The same against the
 * sandbox, with the DDL run: tests/integration/browse_structure.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "structure.h"

#define W (1 + PGIAM_STRUCTURE_FIELDS)
#define ROW10(a, b, c, d, e, f, g, h, i, j) a, b, c, d, e, f, g, h, i, j

static void test_sql(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_structure_sql(&b, "we'ird", "t\\x"), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "n.nspname = 'we''ird' AND c.relname =  E't\\\\x'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "aclexplode"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_structure_sql(&b, "s", "bad\xC0"), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

static void test_ddl_table(void **state)
{
	const char *cells[] = {
		ROW10("table", "p", "me", "8 kB", "10", "it's", NULL, NULL, "RANGE (d)", NULL),
		ROW10("column", "id", "integer", "false", NULL, "always", NULL, NULL, NULL, NULL),
		ROW10("column", "Code", "text", "true", "'x'::text", NULL, NULL, "\"C\"", "the code", NULL),
		ROW10("column", "d", "date", "false", NULL, NULL, NULL, NULL, NULL, NULL),
		ROW10("column", "two", "integer", "true", NULL, NULL, "(id * 2)", NULL, NULL, NULL),
		ROW10("bogus", "x", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		ROW10("index", "t_pkey", "CREATE UNIQUE INDEX t_pkey ON s.t USING btree (id, d)",
			"true", "true", "8 kB", "true", "t_pkey", NULL, NULL),
		ROW10("index", "t_code", "CREATE INDEX t_code ON ONLY s.t USING btree (\"Code\")",
			"false", "false", "8 kB", "true", NULL, NULL, NULL),
		ROW10("constraint", "t_pkey", "primary key", "PRIMARY KEY (id, d)", "id, d", NULL,
			NULL, NULL, NULL, NULL),
		ROW10("constraint", "pos", "check", "CHECK ((id > 0))", "id", NULL, NULL, NULL, NULL, NULL),
		ROW10("trigger", "tg", "CREATE TRIGGER tg BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE"
			" FUNCTION f()", "origin", NULL, NULL, NULL, NULL, NULL, NULL),
	};
	pgiam_structure st;
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_structure_parse(&st, "s", "t", cells, sizeof(cells) /
		sizeof(cells[0]) / W, W), 0);
	assert_int_equal((int)st.nrows, 10);   /* the bogus tag skipped */
	assert_int_equal(pgiam_structure_ddl(&b, &st), 0);
	assert_string_equal(pgiam_buf_cstr(&b),
		"CREATE TABLE \"s\".\"t\" (\n"
		"    \"id\" integer GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
		"    \"Code\" text COLLATE \"C\" DEFAULT 'x'::text,\n"
		"    \"d\" date NOT NULL,\n"
		"    \"two\" integer GENERATED ALWAYS AS ((id * 2)) STORED,\n"
		"    CONSTRAINT \"t_pkey\" PRIMARY KEY (id, d),\n"
		"    CONSTRAINT \"pos\" CHECK ((id > 0))\n"
		") PARTITION BY RANGE (d);\n"
		"CREATE INDEX t_code ON ONLY s.t USING btree (\"Code\");\n"
		"CREATE TRIGGER tg BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION f();\n"
		"COMMENT ON TABLE \"s\".\"t\" IS 'it''s';\n"
		"COMMENT ON COLUMN \"s\".\"t\".\"Code\" IS 'the code';\n");
	pgiam_buf_dispose(&b);
	pgiam_structure_dispose(&st);
}

static void test_ddl_partition_view(void **state)
{
	const char *part[] = {
		ROW10("table", "r", "me", "0", "0", NULL, NULL, NULL, NULL, NULL),
		ROW10("column", "id", "integer", "true", NULL, NULL, NULL, NULL, NULL, NULL),
		ROW10("parent", "s.p", "FOR VALUES IN (1)", NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	};
	const char *view[] = {
		ROW10("table", "v", "me", "0", "-1", NULL, NULL, NULL, NULL, " SELECT 1 AS one;"),
	};
	const char *none[] = {
		ROW10("column", "id", "integer", "true", NULL, NULL, NULL, NULL, NULL, NULL),
	};
	pgiam_structure st;
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_structure_parse(&st, "s", "c", part, 3, W), 0);
	assert_int_equal(pgiam_structure_ddl(&b, &st), 0);
	assert_string_equal(pgiam_buf_cstr(&b),
		"CREATE TABLE \"s\".\"c\" PARTITION OF s.p\n    FOR VALUES IN (1);\n");
	pgiam_structure_dispose(&st);
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_structure_parse(&st, "s", "v", view, 1, W), 0);
	assert_int_equal(pgiam_structure_ddl(&b, &st), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "CREATE VIEW \"s\".\"v\" AS\n SELECT 1 AS one;\n");
	pgiam_structure_dispose(&st);
	assert_int_equal(pgiam_structure_parse(&st, "s", "x", none, 1, W), PGIAM_ENOTFOUND);
	assert_int_equal(pgiam_structure_parse(&st, "s", "x", none, 1, W - 1), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql),
		cmocka_unit_test(test_ddl_table),
		cmocka_unit_test(test_ddl_partition_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
