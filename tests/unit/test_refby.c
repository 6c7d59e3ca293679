/* test_refby.c - "referenced by" (refby.c): the catalog statement quotes the schema
 * and table as literals; its rows are grouped into keys (a two-column key in its
 * order); binding a row decides per key: counted on an index or by scanning a small
 * table, estimated from the statistics without an index, unknown without statistics
 * or without SELECT, 0 for a NULL key, unknown for a value the page cut; the count
 * statement counts only those, each capped (LIMIT 1001), with quoted names and
 * values; counts over the cap read "1000+". Against the sandbox, through the TUI and
 * the CLI: tests/tui/test_browse_refby.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "refby.h"

#define W PGIAM_REFBY_SQL_COLS

static void test_sql(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_refby_sql(&b, "we'ird", "t\\x"), 0);
	assert_non_null(strstr(pgiam_buf_cstr(&b), "n.nspname = 'we''ird' AND c.relname =  E't\\\\x'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "k.contype = 'f'"));
	assert_non_null(strstr(pgiam_buf_cstr(&b), "<= 1048576"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_refby_sql(&b, "s", "bad\xC0"), PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

/* kids (indexed), pair (two columns, small), noidx (stats), nostats, secret (no SELECT) */
static const char *rows[] = {
	"kids_fk", "s", "kids", "1", "parent_id", "id", "t", "f", "t", "5000", "2.4",
	"pair_fk", "s", "pair", "1", "a\"b", "id", "f", "t", "t", "10", NULL,
	"pair_fk", "s", "pair", "2", "code", "code", "f", "t", "t", "10", NULL,
	"noidx_fk", "s", "noidx", "1", "pcode", "code", "f", "f", "t", "20000", "4000",
	"nostats_fk", "s", "nostats", "1", "pcode", "code", "f", "f", "t", "-1", NULL,
	"secret_fk", "s", "secret", "1", "parent_id", "id", "t", "t", "f", "3", NULL,
};

static void parse(pgiam_refby *rb)
{
	assert_int_equal(pgiam_refby_parse(rb, rows, sizeof(rows) / sizeof(rows[0]) / W, W), 0);
	assert_int_equal((int)rb->nfks, 5);
}

static void test_parse(void **state)
{
	pgiam_refby rb;

	(void)state;
	parse(&rb);
	assert_string_equal(rb.fks[1].name, "pair_fk");
	assert_int_equal((int)rb.fks[1].ncols, 2);
	assert_string_equal(rb.fks[1].cols[0], "a\"b");
	assert_string_equal(rb.fks[1].refcols[1], "code");
	assert_true(rb.fks[0].indexed && rb.fks[1].small && !rb.fks[4].can_select);
	assert_true(rb.fks[2].per_value == 4000 && rb.fks[4].rows_estimate == 3 && rb.fks[3].per_value < 0);
	assert_false(rb.cut);
	pgiam_refby_dispose(&rb);
	assert_int_equal(pgiam_refby_parse(&rb, rows, 1, W - 1), PGIAM_EINVAL);
}

static void test_bind_count(void **state)
{
	static const char *const names[] = { "id", "code", "name" };
	static const char *const vals[] = { "3", "it's", NULL };
	const char *counts[] = { "12", "1001" };
	pgiam_refby rb;
	pgiam_buf b = PGIAM_BUF_INIT;
	char label[32];
	int any = 0;

	(void)state;
	parse(&rb);
	assert_int_equal(pgiam_refby_bind(&rb, names, vals, 3, 2000), 0);
	assert_true(rb.fks[0].countable && rb.fks[1].countable);
	assert_non_null(strstr(rb.fks[0].why, "counted on the index on (parent_id)"));
	assert_non_null(strstr(rb.fks[1].why, "a small table"));
	assert_false(rb.fks[2].countable);
	assert_int_equal(rb.fks[2].how, PGIAM_REFBY_ESTIMATE);
	assert_int_equal((int)rb.fks[2].count, 4000);
	assert_non_null(strstr(rb.fks[2].why, "no index on (pcode)"));
	assert_non_null(strstr(rb.fks[2].why, "~20000 rows"));
	assert_int_equal(rb.fks[3].how, PGIAM_REFBY_UNKNOWN);
	assert_non_null(strstr(rb.fks[3].why, "never analysed"));
	assert_int_equal(rb.fks[4].how, PGIAM_REFBY_UNKNOWN);
	assert_string_equal(rb.fks[4].why, "no SELECT on the table");

	assert_int_equal(pgiam_refby_count_sql(&b, &any, &rb), 0);
	assert_true(any);
	assert_string_equal(pgiam_buf_cstr(&b),
		"SELECT (SELECT count(*) FROM (SELECT 1 FROM \"s\".\"kids\" AS t WHERE "
		"t.\"parent_id\" = '3' LIMIT 1001) AS x)::text, (SELECT count(*) FROM (SELECT 1 "
		"FROM \"s\".\"pair\" AS t WHERE t.\"a\"\"b\" = '3' AND t.\"code\" = 'it''s' "
		"LIMIT 1001) AS x)::text");
	assert_int_equal(pgiam_refby_take_counts(&rb, counts, 1), PGIAM_EINVAL);
	assert_int_equal(pgiam_refby_take_counts(&rb, counts, 2), 0);
	pgiam_refby_count_label(label, sizeof(label), &rb.fks[0]);
	assert_string_equal(label, "12");
	pgiam_refby_count_label(label, sizeof(label), &rb.fks[1]);
	assert_string_equal(label, "1000+");
	pgiam_refby_count_label(label, sizeof(label), &rb.fks[2]);
	assert_string_equal(label, "~4000");
	pgiam_refby_count_label(label, sizeof(label), &rb.fks[4]);
	assert_string_equal(label, "?");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_refby_filter_sql(&b, &rb.fks[1]), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "t.\"a\"\"b\" = '3' AND t.\"code\" = 'it''s'");
	pgiam_buf_dispose(&b);
	pgiam_refby_dispose(&rb);
}

static void test_bind_null_and_cut(void **state)
{
	static const char *const names[] = { "id", "code" };
	static const char *const nul[] = { NULL, "c" };
	static const char *const cut[] = { "3", "abcdef" };
	pgiam_refby rb;
	pgiam_buf b = PGIAM_BUF_INIT;
	char label[32];
	int any = 1;

	(void)state;
	parse(&rb);
	assert_int_equal(pgiam_refby_bind(&rb, names, nul, 2, 2000), 0);
	assert_false(rb.fks[0].countable);
	assert_int_equal(rb.fks[0].how, PGIAM_REFBY_EXACT);
	pgiam_refby_count_label(label, sizeof(label), &rb.fks[0]);
	assert_string_equal(label, "0");
	assert_non_null(strstr(rb.fks[0].why, "NULL"));
	assert_int_equal(pgiam_refby_filter_sql(&b, &rb.fks[0]), PGIAM_EINVAL);
	/* a value longer than the page keeps (5 characters here) is not matched */
	assert_int_equal(pgiam_refby_bind(&rb, names, cut, 2, 5), 0);
	assert_true(rb.fks[0].countable);
	assert_false(rb.fks[1].countable);
	assert_int_equal(rb.fks[1].how, PGIAM_REFBY_UNKNOWN);
	assert_non_null(strstr(rb.fks[1].why, "longer than the page keeps"));
	assert_int_equal(pgiam_refby_filter_sql(&b, &rb.fks[1]), PGIAM_EINVAL);
	/* no column of that name in the row */
	assert_int_equal(pgiam_refby_bind(&rb, names, cut, 1, 2000), 0);
	assert_false(rb.fks[1].countable);
	assert_non_null(strstr(rb.fks[1].why, "no column code"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_refby_bind(&rb, names, nul, 2, 2000), 0);
	rb.fks[1].countable = 0;
	assert_int_equal(pgiam_refby_count_sql(&b, &any, &rb), 0);
	assert_false(any);
	assert_string_equal(pgiam_buf_cstr(&b), "");
	pgiam_buf_dispose(&b);
	pgiam_refby_dispose(&rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bind_count),
		cmocka_unit_test(test_bind_null_and_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
