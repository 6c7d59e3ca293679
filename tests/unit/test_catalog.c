/* test_catalog.c - the browser's SQL builders (catalog_browse.c): identifier and
 * literal quoting with hostile names (the same text as libpq's PQescapeIdentifier and
 * PQescapeLiteral), and keyset page queries in every direction.
 * Pure string building; the same statements run against the sandbox in
 * tests/tui/test_browse.py. Key columns are always qualified (t."id"): in ORDER BY a bare
 * "id" would name the output column, the key as text, and page in text order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "quote.h"
#include "error.h"

#include <libpq-fe.h>

static void expect_ident(const char *name, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_sql_quote_ident(&b, name), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void expect_literal(const char *value, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_sql_quote_literal(&b, value), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void test_quote_ident(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect_ident("customers", "\"customers\"");
	expect_ident("Mixed Case", "\"Mixed Case\"");
	expect_ident("a\"b", "\"a\"\"b\"");
	expect_ident("\"; DROP TABLE x; --", "\"\"\"; DROP TABLE x; --\"");
	expect_ident("顧客 テーブル", "\"顧客 テーブル\"");
	expect_ident("it's", "\"it's\"");
	assert_int_equal(pgiam_sql_quote_ident(&b, ""), PGIAM_EINVAL);
	assert_int_equal(pgiam_sql_quote_ident(&b, "bad\xC3("), PGIAM_EINVAL);
	assert_int_equal(pgiam_sql_quote_ident(&b, "\xED\xA0\x80"), PGIAM_EINVAL);
	assert_int_equal((int)b.len, 0);
	pgiam_buf_dispose(&b);
}

static void test_quote_literal(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect_literal("42", "'42'");
	expect_literal("O'Brien", "'O''Brien'");
	expect_literal("a\\'; DROP TABLE t; --", " E'a\\\\''; DROP TABLE t; --'");
	expect_literal("(0,1)", "'(0,1)'");
	expect_literal("", "''");
	expect_literal("山田", "'山田'");
	assert_int_equal(pgiam_sql_quote_literal(&b, "\xFF"), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

/* The quoting is libpq's: the same text as PQescapeIdentifier and PQescapeLiteral
 * (on a connection object that never connects: a socket directory that does not
 * exist; the escape functions need only its encoding settings). */
static void test_same_as_libpq(void **state)
{
	static const char *const samples[] = { "customers", "Mixed Case", "a\"b",
		"\"; DROP TABLE x; --", "顧客 テーブル", "it's", "O'Brien\\x", "\\", "''",
		"\"\"", "e\xCC\x81", "tab\there", "emoji \xF0\x9F\x98\x80" };
	PGconn *conn = PQconnectStart("host=/nonexistent-pgiam-test dbname=x");

	(void)state;
	assert_non_null(conn);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		pgiam_buf b = PGIAM_BUF_INIT;
		char *want = PQescapeIdentifier(conn, samples[i], strlen(samples[i]));

		assert_non_null(want);
		assert_int_equal(pgiam_sql_quote_ident(&b, samples[i]), 0);
		assert_string_equal(pgiam_buf_cstr(&b), want);
		PQfreemem(want);
		pgiam_buf_clear(&b);
		want = PQescapeLiteral(conn, samples[i], strlen(samples[i]));
		assert_non_null(want);
		assert_int_equal(pgiam_sql_quote_literal(&b, samples[i]), 0);
		assert_string_equal(pgiam_buf_cstr(&b), want);
		PQfreemem(want);
		pgiam_buf_dispose(&b);
	}
	PQfinish(conn);
}

static void test_listing_sql(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_catalog_schemas_sql(&b), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "has_schema_privilege"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_catalog_tables_sql(&b, "we'ird"), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "n.nspname = 'we''ird' ORDER BY"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "reltuples"));
	assert_null(strstr(pgiam_buf_cstr(&b), "count("));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_catalog_columns_sql(&b, "public", "a\\b"), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "c.relname =  E'a\\\\b'"));
	pgiam_buf_dispose(&b);
}

static const char *const cols[] = { "id", "Name \"x\"", "メモ" };
static const char *const pk[] = { "tenant", "id" };

static void expect_page(const pgiam_browse_table *t, pgiam_browse_dir dir,
	const char *const *bound, const char *want, int want_reversed)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int reversed = -1;

	assert_int_equal(pgiam_catalog_page_sql(&b, &reversed, t, dir, bound), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	assert_int_equal(reversed, want_reversed);
	pgiam_buf_dispose(&b);
}

#define SELECT_COLS "left(t.\"id\"::text, 11), left(t.\"Name \"\"x\"\"\"::text, 11), " \
	"left(t.\"メモ\"::text, 11) FROM \"my schema\".\"T\"\"1\" AS t"

static void test_page_pk(void **state)
{
	pgiam_browse_table t = { "my schema", "T\"1", cols, 3, pk, 2,
		PGIAM_BROWSE_KEY_PK, 200, 10 };
	const char *const last[] = { "a'b", "7" };

	(void)state;
	assert_int_equal((int)pgiam_catalog_page_keys(&t), 2);
	expect_page(&t, PGIAM_BROWSE_FIRST, NULL,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" ORDER BY t.\"tenant\", t.\"id\" LIMIT 200", 0);
	expect_page(&t, PGIAM_BROWSE_NEXT, last,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" WHERE (t.\"tenant\", t.\"id\") > ('a''b', '7') ORDER BY t.\"tenant\", t.\"id\" LIMIT 200", 0);
	expect_page(&t, PGIAM_BROWSE_PREV, last,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" WHERE (t.\"tenant\", t.\"id\") < ('a''b', '7') ORDER BY t.\"tenant\" DESC, t.\"id\" DESC"
		" LIMIT 200", 1);
	expect_page(&t, PGIAM_BROWSE_LAST, NULL,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" ORDER BY t.\"tenant\" DESC, t.\"id\" DESC LIMIT 200", 1);
	expect_page(&t, PGIAM_BROWSE_AT, last,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" WHERE (t.\"tenant\", t.\"id\") >= ('a''b', '7') ORDER BY t.\"tenant\", t.\"id\""
		" LIMIT 200", 0);
	expect_page(&t, PGIAM_BROWSE_ROW, last,
		"SELECT t.\"tenant\"::text, t.\"id\"::text, " SELECT_COLS
		" WHERE (t.\"tenant\", t.\"id\") = ('a''b', '7') ORDER BY t.\"tenant\", t.\"id\""
		" LIMIT 1", 0);
}

static void test_page_ctid_offset(void **state)
{
	pgiam_browse_table t = { "my schema", "T\"1", cols, 3, NULL, 0,
		PGIAM_BROWSE_KEY_CTID, 50, 10 };
	const char *const tid[] = { "(3,14)" };
	const char *const off[] = { "400" };

	(void)state;
	expect_page(&t, PGIAM_BROWSE_NEXT, tid, "SELECT t.ctid::text, " SELECT_COLS
		" WHERE (t.ctid) > ('(3,14)') ORDER BY t.ctid LIMIT 50", 0);
	expect_page(&t, PGIAM_BROWSE_LAST, NULL, "SELECT t.ctid::text, " SELECT_COLS
		" ORDER BY t.ctid DESC LIMIT 50", 1);
	t.keykind = PGIAM_BROWSE_KEY_OFFSET;
	assert_int_equal((int)pgiam_catalog_page_keys(&t), 0);
	expect_page(&t, PGIAM_BROWSE_NEXT, off, "SELECT " SELECT_COLS " LIMIT 50 OFFSET 400", 0);
}

static void test_page_refused(void **state)
{
	pgiam_browse_table t = { "s", "t", cols, 3, pk, 2, PGIAM_BROWSE_KEY_PK, 200, 0 };
	const char *const nullkey[] = { "x", NULL };
	const char *const badoff[] = { "1; DROP TABLE t" };
	pgiam_buf b = PGIAM_BUF_INIT;
	int rev = 0;

	(void)state;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_NEXT, NULL), PGIAM_EINVAL);
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_NEXT, nullkey), PGIAM_EINVAL);
	t.limit = 201;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), PGIAM_EINVAL);
	t.limit = 0;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), PGIAM_EINVAL);
	t.limit = 10;
	t.nkeys = 0;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), PGIAM_EINVAL);
	t.keykind = PGIAM_BROWSE_KEY_OFFSET;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_LAST, NULL), PGIAM_EINVAL);
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_ROW, badoff), PGIAM_EINVAL);
	t.keykind = PGIAM_BROWSE_KEY_PK;
	t.nkeys = 2;
	t.cell_max = PGIAM_BROWSE_RECORD_MAX + 1;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), PGIAM_EINVAL);
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_ROW, NULL), PGIAM_EINVAL);
	t.cell_max = 0;
	t.nkeys = 0;
	t.keykind = PGIAM_BROWSE_KEY_OFFSET;
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_NEXT, badoff), PGIAM_EINVAL);
	t.keykind = PGIAM_BROWSE_KEY_PK;
	t.nkeys = 2;
	t.table = "bad\xC0";
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
	/* the default cell width: one more character than kept, to see a cut value */
	t.table = "t";
	t.cell_max = 0;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "::text, 2001)"));
	pgiam_buf_dispose(&b);
	assert_int_equal((int)pgiam_catalog_utf8_chars("山田a"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_ident),
		cmocka_unit_test(test_quote_literal),
		cmocka_unit_test(test_same_as_libpq),
		cmocka_unit_test(test_listing_sql),
		cmocka_unit_test(test_page_pk),
		cmocka_unit_test(test_page_ctid_offset),
		cmocka_unit_test(test_page_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
