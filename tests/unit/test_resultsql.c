/* test_resultsql.c - issue 12: which statements are read through a cursor (plain
 * SELECTs only: never one that writes, locks or creates), the cursor statements in
 * autocommit and inside the user's transaction, the MOVE tag's count, and the column
 * types' kinds (pgtype.c). The same statements run against the sandbox in
 * tests/tui/test_results.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "pgtype.h"
#include "resultsql.h"

static void test_plain_select(void **state)
{
	static const char *const yes[] = {
		"select * from big_table", "SELECT 1;", "  -- hi\n select 1 ; -- bye\n",
		"/* a /* nested */ comment */ select 1", "with x as (select 1) select * from x",
		"values (1), (2)", "table customers", "select 'insert into t', \"delete\" from t",
		"select $$ update t set x = 1 $$", "select E'it\\'s; update' as x",
		"select * from t order by id for", /* a column named "for"? still no lock */
		"SELECT a FROM t WHERE b IN (SELECT c FROM u)", "select 1;;", "(select 1)",
	};
	static const char *const no[] = {
		"", "   ", "-- only a comment", "insert into t values (1) returning *",
		"update t set x = 1 returning x", "delete from t returning *",
		"with d as (delete from t returning *) select * from d",
		"with u as (update t set x=1 returning *) select 1",
		"select * into newtable from t", "select 1; select 2", "select 1; delete from t",
		"select * from t for update", "select * from t for share",
		"select * from t for no key update", "select * from t for key share",
		"show search_path", "explain select 1", "begin", "merge into t using u on true "
		"when matched then delete", "copy t to stdout",
		"select 1 ; x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!pgiam_resultsql_is_plain_select(yes[i]))
			fail_msg("should be plain: %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (pgiam_resultsql_is_plain_select(no[i]))
			fail_msg("should not be plain: %s", no[i]);
	assert_int_equal(pgiam_resultsql_is_plain_select(NULL), 0);
}

static void expect_open(const char *sql, int in_txn, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_resultsql_open(&b, sql, in_txn, 500), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void test_open(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect_open("select * from big_table;", 0, "BEGIN; DECLARE pgiam_result SCROLL CURSOR "
		"FOR select * from big_table\n; FETCH FORWARD 500 FROM pgiam_result");
	expect_open(" -- c\nselect 1 -- trailing\n ;  ", 1, "SAVEPOINT pgiam_result; DECLARE "
		"pgiam_result SCROLL CURSOR FOR select 1 -- trailing\n; FETCH FORWARD 500 FROM "
		"pgiam_result; RELEASE SAVEPOINT pgiam_result");
	expect_open("select ';' as semi", 0, "BEGIN; DECLARE pgiam_result SCROLL CURSOR FOR "
		"select ';' as semi\n; FETCH FORWARD 500 FROM pgiam_result");
	assert_int_equal(pgiam_resultsql_open(&b, "delete from t returning *", 0, 500),
		PGIAM_EINVAL);
	assert_int_equal(pgiam_resultsql_open(&b, "select 1", 0, 0), PGIAM_EINVAL);
	assert_int_equal((int)b.len, 0);
	pgiam_buf_dispose(&b);
}

static void expect(int rc, pgiam_buf *b, const char *want)
{
	assert_int_equal(rc, 0);
	assert_string_equal(pgiam_buf_cstr(b), want);
	pgiam_buf_clear(b);
}

static void test_fetch_end_close(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect(pgiam_resultsql_fetch(&b, 0, 200, 0), &b, "MOVE ABSOLUTE 0 FROM pgiam_result; "
		"FETCH FORWARD 200 FROM pgiam_result");
	expect(pgiam_resultsql_fetch(&b, 9999800ULL, 200, 1), &b, "SAVEPOINT pgiam_fetch; MOVE "
		"ABSOLUTE 9999800 FROM pgiam_result; FETCH FORWARD 200 FROM pgiam_result; "
		"RELEASE SAVEPOINT pgiam_fetch");
	expect(pgiam_resultsql_end(&b, 500, 200, 0), &b, "MOVE ABSOLUTE 500 FROM pgiam_result; "
		"MOVE ALL FROM pgiam_result; FETCH BACKWARD 200 FROM pgiam_result");
	expect(pgiam_resultsql_close(&b, 0), &b, "CLOSE pgiam_result; COMMIT");
	expect(pgiam_resultsql_close(&b, 1), &b, "CLOSE pgiam_result");
	expect(pgiam_resultsql_recover(&b, 0, 1), &b, "ROLLBACK");
	expect(pgiam_resultsql_recover(&b, 1, 1), &b, "ROLLBACK TO SAVEPOINT pgiam_result; "
		"RELEASE SAVEPOINT pgiam_result");
	expect(pgiam_resultsql_recover(&b, 1, 0), &b, "ROLLBACK TO SAVEPOINT pgiam_fetch; "
		"RELEASE SAVEPOINT pgiam_fetch");
	assert_int_equal(pgiam_resultsql_fetch(&b, 0, 0, 0), PGIAM_EINVAL);
	assert_int_equal(pgiam_resultsql_move_count("MOVE 9999500"), 9999500);
	assert_int_equal(pgiam_resultsql_move_count("MOVE 0"), 0);
	assert_int_equal(pgiam_resultsql_move_count("FETCH 3"), -1);
	assert_int_equal(pgiam_resultsql_move_count("MOVE x"), -1);
	assert_int_equal(pgiam_resultsql_move_count(NULL), -1);
	pgiam_buf_dispose(&b);
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(pgiam_pgtype_name(23), "int4");
	assert_string_equal(pgiam_pgtype_name(3802), "jsonb");
	assert_string_equal(pgiam_pgtype_name(1007), "int4[]");
	assert_string_equal(pgiam_pgtype_name(999999), "");
	assert_int_equal(pgiam_pgtype_kind_of(1700), PGIAM_PGTYPE_NUMBER);
	assert_int_equal(pgiam_pgtype_kind_of(25), PGIAM_PGTYPE_OTHER);
	assert_int_equal(pgiam_pgtype_kind_of(17), PGIAM_PGTYPE_BYTEA);
	assert_int_equal(pgiam_pgtype_kind_of_name("integer"), PGIAM_PGTYPE_NUMBER);
	assert_int_equal(pgiam_pgtype_kind_of_name("numeric(10,2)"), PGIAM_PGTYPE_NUMBER);
	assert_int_equal(pgiam_pgtype_kind_of_name("double precision"), PGIAM_PGTYPE_NUMBER);
	assert_int_equal(pgiam_pgtype_kind_of_name("integer[]"), PGIAM_PGTYPE_ARRAY);
	assert_int_equal(pgiam_pgtype_kind_of_name("interval"), PGIAM_PGTYPE_OTHER);
	assert_int_equal(pgiam_pgtype_kind_of_name("int4range"), PGIAM_PGTYPE_OTHER);
	assert_int_equal(pgiam_pgtype_kind_of_name("timestamp with time zone"),
		PGIAM_PGTYPE_OTHER);
	assert_int_equal(pgiam_pgtype_kind_of_name("jsonb"), PGIAM_PGTYPE_JSON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_select),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_fetch_end_close),
		cmocka_unit_test(test_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
