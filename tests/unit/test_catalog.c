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
	assert_non_null(strstr(pgiam_buf_cstr(&b), "n.nspname = 'we''ird' UNION ALL"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "n.nspname = 'we''ird') x ORDER BY grp, name"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "reltuples"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "NOT c.relispartition"));
	/* no row is ever counted: the only count is of a table's partitions */
	assert_ptr_equal(strstr(pgiam_buf_cstr(&b), "count("),
		strstr(pgiam_buf_cstr(&b), "count(*) FROM pg_inherits"));
	pgiam_buf_clear(&b);
	/* issue 13 workbench: a partitioned table's partitions, by name, quoted */
	assert_int_equal(pgiam_catalog_partitions_sql(&b, "we'ird", "p'1"), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "pn.nspname = 'we''ird' AND p.relname = 'p''1')"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"));
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
		PGIAM_BROWSE_KEY_PK, 200, 10, NULL, 0, NULL, NULL };
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
		PGIAM_BROWSE_KEY_CTID, 50, 10, NULL, 0, NULL, NULL };
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
	pgiam_browse_table t = { "s", "t", cols, 3, pk, 2, PGIAM_BROWSE_KEY_PK, 200, 0,
		NULL, 0, NULL, NULL };
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

/* Sort: the sort value and the key lead each row; one direction on a NOT NULL column
 * is a row comparison (an index on the column serves it), a nullable column or mixed
 * directions the expanded form, where NULL is the largest value (ASC NULLS LAST, DESC
 * NULLS FIRST, PostgreSQL's defaults). */
#define SORT_HEAD "SELECT t.\"name\"::text, t.\"id\"::text, left(t.\"id\"::text, 11), " \
	"left(t.\"name\"::text, 11), left(t.\"v\"::text, 11) FROM \"s\".\"t\" AS t"

static void test_page_sorted(void **state)
{
	static const char *const c3[] = { "id", "name", "v" };
	static const char *const k1[] = { "id" };
	pgiam_browse_order asc[] = { { "name", 0, 0 } }, desc_null[] = { { "name", 1, 1 } };
	pgiam_browse_order mixed[] = { { "name", 0, 1 }, { "v", 1, 0 } };
	const char *const bob[] = { "bob", "7" }, *const nul[] = { NULL, "7" };
	const char *const three[] = { "bob", "x", "7" };
	const char *const badkey[] = { "bob", NULL };
	pgiam_browse_table t = { "s", "t", c3, 3, k1, 1, PGIAM_BROWSE_KEY_PK, 5, 10, asc, 1,
		NULL, NULL };
	pgiam_buf b = PGIAM_BUF_INIT;
	int rev = 0;

	(void)state;
	assert_int_equal((int)pgiam_catalog_page_keys(&t), 2);
	expect_page(&t, PGIAM_BROWSE_FIRST, NULL, SORT_HEAD
		" ORDER BY t.\"name\", t.\"id\" LIMIT 5", 0);
	expect_page(&t, PGIAM_BROWSE_NEXT, bob, SORT_HEAD
		" WHERE (t.\"name\", t.\"id\") > ('bob', '7') ORDER BY t.\"name\", t.\"id\" LIMIT 5", 0);
	expect_page(&t, PGIAM_BROWSE_PREV, bob, SORT_HEAD
		" WHERE (t.\"name\", t.\"id\") < ('bob', '7') ORDER BY t.\"name\" DESC, t.\"id\" DESC"
		" LIMIT 5", 1);
	expect_page(&t, PGIAM_BROWSE_LAST, NULL, SORT_HEAD
		" ORDER BY t.\"name\" DESC, t.\"id\" DESC LIMIT 5", 1);
	expect_page(&t, PGIAM_BROWSE_AT, bob, SORT_HEAD
		" WHERE (t.\"name\", t.\"id\") >= ('bob', '7') ORDER BY t.\"name\", t.\"id\" LIMIT 5", 0);
	/* one row: by its key alone */
	expect_page(&t, PGIAM_BROWSE_ROW, bob, SORT_HEAD
		" WHERE (t.\"id\") = ('7') ORDER BY t.\"name\", t.\"id\" LIMIT 1", 0);
	t.order = desc_null;
	expect_page(&t, PGIAM_BROWSE_NEXT, bob, SORT_HEAD
		" WHERE ((t.\"name\" < 'bob') OR (t.\"name\" = 'bob' AND t.\"id\" < '7'))"
		" ORDER BY t.\"name\" DESC, t.\"id\" DESC LIMIT 5", 0);
	/* descending, NULLs come first: after a NULL come the other NULLs, then the rest */
	expect_page(&t, PGIAM_BROWSE_NEXT, nul, SORT_HEAD
		" WHERE ((t.\"name\" IS NOT NULL) OR (t.\"name\" IS NULL AND t.\"id\" < '7'))"
		" ORDER BY t.\"name\" DESC, t.\"id\" DESC LIMIT 5", 0);
	expect_page(&t, PGIAM_BROWSE_PREV, nul, SORT_HEAD
		" WHERE ((FALSE) OR (t.\"name\" IS NULL AND t.\"id\" > '7'))"
		" ORDER BY t.\"name\", t.\"id\" LIMIT 5", 1);
	expect_page(&t, PGIAM_BROWSE_AT, nul, SORT_HEAD
		" WHERE ((t.\"name\" IS NOT NULL) OR (t.\"name\" IS NULL AND t.\"id\" < '7')"
		" OR (t.\"name\" IS NULL AND t.\"id\" = '7' AND TRUE))"
		" ORDER BY t.\"name\" DESC, t.\"id\" DESC LIMIT 5", 0);
	t.order = mixed;
	t.norder = 2;
	expect_page(&t, PGIAM_BROWSE_NEXT, three, "SELECT t.\"name\"::text, t.\"v\"::text, "
		"t.\"id\"::text, left(t.\"id\"::text, 11), left(t.\"name\"::text, 11), "
		"left(t.\"v\"::text, 11) FROM \"s\".\"t\" AS t"
		" WHERE (((t.\"name\" > 'bob' OR t.\"name\" IS NULL)) OR (t.\"name\" = 'bob' AND"
		" t.\"v\" < 'x') OR (t.\"name\" = 'bob' AND t.\"v\" = 'x' AND t.\"id\" < '7'))"
		" ORDER BY t.\"name\", t.\"v\" DESC, t.\"id\" DESC LIMIT 5", 0);
	/* a key value is never NULL; nine sort columns are too many */
	t.order = asc;
	t.norder = 1;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_NEXT, badkey),
		PGIAM_EINVAL);
	t.norder = PGIAM_BROWSE_ORDER_MAX + 1;
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, NULL),
		PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

/* The filter goes as written, on lines of its own inside parentheses (a "--" in it
 * ends at its end); the search is ILIKE on every column with % _ \ matched as
 * themselves; a view sorts with its OFFSET. */
static void test_page_filter_search(void **state)
{
	static const char *const c3[] = { "id", "name", "v" };
	static const char *const k1[] = { "id" };
	pgiam_browse_order asc[] = { { "name", 0, 0 } };
	const char *const seven[] = { "7" }, *const off[] = { "10" };
	pgiam_browse_table t = { "s", "t", c3, 3, k1, 1, PGIAM_BROWSE_KEY_PK, 5, 10, NULL, 0,
		"1=1); DROP TABLE x; --", "50%_a\\" };
	pgiam_buf b = PGIAM_BUF_INIT;
	int rev = 0;

	(void)state;
	expect_page(&t, PGIAM_BROWSE_NEXT, seven, "SELECT t.\"id\"::text, left(t.\"id\"::text, 11), "
		"left(t.\"name\"::text, 11), left(t.\"v\"::text, 11) FROM \"s\".\"t\" AS t"
		" WHERE (\n1=1); DROP TABLE x; --\n)"
		" AND (t.\"id\"::text ILIKE  E'%50\\\\%\\\\_a\\\\\\\\%' OR t.\"name\"::text ILIKE "
		" E'%50\\\\%\\\\_a\\\\\\\\%' OR t.\"v\"::text ILIKE  E'%50\\\\%\\\\_a\\\\\\\\%')"
		" AND (t.\"id\") > ('7') ORDER BY t.\"id\" LIMIT 5", 0);
	t.keykind = PGIAM_BROWSE_KEY_OFFSET;
	t.order = asc;
	t.norder = 1;
	t.where = " \n\t";   /* blank: no filter */
	t.search = "";
	assert_int_equal(pgiam_catalog_filter_blank(t.where), 1);
	assert_int_equal(pgiam_catalog_filter_blank("x"), 0);
	expect_page(&t, PGIAM_BROWSE_NEXT, off, "SELECT left(t.\"id\"::text, 11), "
		"left(t.\"name\"::text, 11), left(t.\"v\"::text, 11) FROM \"s\".\"t\" AS t"
		" ORDER BY t.\"name\" LIMIT 5 OFFSET 10", 0);
	t.where = "name = '\xC3('";
	assert_int_equal(pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_FIRST, off),
		PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
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
		cmocka_unit_test(test_page_sorted),
		cmocka_unit_test(test_page_filter_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
