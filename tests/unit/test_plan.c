/* test_plan.c - EXPLAIN in the core (src/plan.h): real plans captured from the
 * sandbox's PostgreSQL (tests/data/plan/: a nested loop with ANALYZE and BUFFERS, a
 * plain index scan, an INSERT's ANALYZE), exclusive times, misestimate and slowest
 * marks, the tree as text and JSON; hostile JSON refused with an error, never a crash;
 * which statements count as writing; the EXPLAIN built around one statement; the
 * queries of a run (BEGIN … ROLLBACK, a savepoint in the user's transaction). */
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
#include "plan.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static pgiam_plan *parse_file(const char *path)
{
	char *json = slurp(path);
	pgiam_plan *p = NULL;

	assert_int_equal(pgiam_plan_parse(&p, json, strlen(json)), 0);
	free(json);
	return p;
}

static int near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static void test_nested_loop(void **state)
{
	pgiam_plan *p = parse_file("data/plan/nested_loop_analyze.json");
	const pgiam_plan_node *n;
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_plan_count(p), 4);
	assert_true(pgiam_plan_analyzed(p));
	assert_true(near(pgiam_plan_planning_ms(p), 0.571));
	assert_true(near(pgiam_plan_execution_ms(p), 0.074));
	n = pgiam_plan_node_at(p, 0);
	assert_string_equal(n->type, "Nested Loop");
	assert_int_equal(n->depth, 0);
	assert_int_equal(n->nchildren, 2);
	assert_string_equal(n->filter_label, "Join Filter");
	assert_true(near(n->removed, 2));
	/* 0.023 inclusive − (0.005 × 1 + 0.004 × 3 loops) */
	assert_true(near(n->self_ms, 0.006));
	assert_int_equal(n->misestimate, -1);   /* 3040 estimated, 7 actual */
	assert_int_equal((int)n->factor, 434);
	n = pgiam_plan_node_at(p, 1);
	assert_string_equal(n->relation, "customers_ja");
	assert_string_equal(n->alias, "j");
	assert_int_equal(n->parent, 0);
	assert_false(n->last);
	n = pgiam_plan_node_at(p, 2);
	assert_string_equal(n->type, "Materialize");
	assert_true(n->last);
	assert_true(near(n->loops, 3));
	assert_true(near(n->time_ms, 0.012));
	assert_true(near(n->self_ms, 0.005));
	n = pgiam_plan_node_at(p, 3);
	assert_int_equal(n->depth, 2);
	assert_string_equal(n->filter, "(age > 20)");
	assert_true(n->buffers);
	assert_true(near(n->shared_hit, 1));
	/* the largest exclusive time: the inner Seq Scan (0.007 ms) */
	assert_int_equal(pgiam_plan_slowest(p), 3);
	assert_true(n->slowest);
	assert_false(pgiam_plan_node_at(p, 0)->slowest);
	assert_int_equal(pgiam_plan_misestimates(p), 4);

	assert_int_equal(pgiam_plan_render(&b, p), 0);
	assert_non_null(strstr(b.ptr, "Nested Loop  cost 0.00..160.67  rows 3040 \xE2\x86\x92 7  "
		"time 0.023 ms (self 0.006)  buffers hit 2 read 0  [rows 434x overestimated]\n"));
	assert_non_null(strstr(b.ptr, "\xE2\x94\x9C\xE2\x94\x80 Seq Scan on customers_ja j  "));
	assert_non_null(strstr(b.ptr, "\xE2\x94\x94\xE2\x94\x80 Materialize  cost 0.00..12.41  "
		"rows 57 \xE2\x86\x92 3 \xC3\x97" "3 loops"));
	assert_non_null(strstr(b.ptr, "   \xE2\x94\x94\xE2\x94\x80 Seq Scan on customers c  "));
	assert_non_null(strstr(b.ptr, "[rows 19x overestimated] [slowest]\n"));
	assert_non_null(strstr(b.ptr, "Filter: (age > 20) (removed 0)\n"));
	assert_non_null(strstr(b.ptr, "Execution time: 0.074 ms\n"));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_json(&b, p), 0);
	assert_non_null(strstr(b.ptr, "\"label\":\"Nested Loop\""));
	assert_non_null(strstr(b.ptr, "\"slowest\":true"));
	assert_non_null(strstr(b.ptr, "\"children\":[{\"label\":\"Seq Scan on customers c\""));
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_node_details(&b, p, 3), 0);
	assert_non_null(strstr(b.ptr, "Time exclusive (self): 0.007 ms\n"));
	assert_non_null(strstr(b.ptr, "Slowest node"));
	assert_non_null(strstr(b.ptr, "Misestimate: actual rows are 19x fewer than"));
	pgiam_buf_dispose(&b);
	pgiam_plan_free(p);
}

static void test_plain_and_insert(void **state)
{
	pgiam_plan *p = parse_file("data/plan/index_plain.json");
	const pgiam_plan_node *n = pgiam_plan_node_at(p, 0);
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_false(pgiam_plan_analyzed(p));
	assert_int_equal(pgiam_plan_slowest(p), PGIAM_PLAN_NONE);
	assert_int_equal(pgiam_plan_misestimates(p), 0);
	assert_string_equal(n->cond_label, "Index Cond");
	assert_int_equal(pgiam_plan_node_label(&b, n), 0);
	assert_string_equal(b.ptr, "Index Scan using customers_pkey on customers");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_render(&b, p), 0);
	assert_string_equal(b.ptr, "Index Scan using customers_pkey on customers  cost 0.14..8.16  "
		"rows 1 (est)\n     Index Cond: (customer_id = 2)\n");
	pgiam_plan_free(p);

	p = parse_file("data/plan/insert_analyze.json");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_node_label(&b, pgiam_plan_node_at(p, 0)), 0);
	assert_string_equal(b.ptr, "Insert on customers");
	assert_true(near(pgiam_plan_node_at(p, 1)->actual_rows, 1));
	assert_int_equal(pgiam_plan_node_at(p, 0)->misestimate, 0);
	pgiam_buf_dispose(&b);
	pgiam_plan_free(p);
}

/* An underestimate, a node never executed (no mark), labels of joins and aggregates. */
static void test_marks(void **state)
{
	const char *json = "[{\"Plan\": {\"Node Type\": \"Hash Join\", \"Join Type\": \"Left\","
		" \"Startup Cost\": 1, \"Total Cost\": 2, \"Plan Rows\": 1, \"Plan Width\": 4,"
		" \"Actual Startup Time\": 0.1, \"Actual Total Time\": 9.0, \"Actual Rows\": 50,"
		" \"Actual Loops\": 1, \"Hash Cond\": \"(a.id = b.id)\", \"Plans\": ["
		"{\"Node Type\": \"Aggregate\", \"Strategy\": \"Hashed\", \"Startup Cost\": 0,"
		" \"Total Cost\": 1, \"Plan Rows\": 10, \"Plan Width\": 4, \"Actual Startup Time\": 0,"
		" \"Actual Total Time\": 0, \"Actual Rows\": 0, \"Actual Loops\": 0},"
		"{\"Node Type\": \"Seq Scan\", \"Relation Name\": \"b\", \"Alias\": \"b\","
		" \"Startup Cost\": 0, \"Total Cost\": 1, \"Plan Rows\": 40, \"Plan Width\": 4,"
		" \"Actual Startup Time\": 0, \"Actual Total Time\": 1.5, \"Actual Rows\": 50,"
		" \"Actual Loops\": 2, \"Some Future Key\": [1, {\"x\": null}]}]}}]";
	pgiam_plan *p = NULL;
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_plan_parse(&p, json, strlen(json)), 0);
	assert_int_equal(pgiam_plan_node_at(p, 0)->misestimate, 1);
	assert_int_equal(pgiam_plan_node_at(p, 1)->misestimate, 0);
	assert_true(pgiam_plan_node_at(p, 1)->never_executed);
	assert_int_equal(pgiam_plan_node_at(p, 2)->misestimate, 0);   /* 40 vs 50 */
	assert_true(near(pgiam_plan_node_at(p, 0)->self_ms, 6.0));   /* 9 − 1.5 × 2 */
	assert_int_equal(pgiam_plan_slowest(p), 0);
	assert_int_equal(pgiam_plan_node_label(&b, pgiam_plan_node_at(p, 0)), 0);
	assert_string_equal(b.ptr, "Hash Left Join");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_node_label(&b, pgiam_plan_node_at(p, 1)), 0);
	assert_string_equal(b.ptr, "HashAggregate");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_plan_render(&b, p), 0);
	assert_non_null(strstr(b.ptr, "[rows 50x underestimated] [slowest]"));
	assert_non_null(strstr(b.ptr, "HashAggregate  cost 0.00..1.00  rows 10 \xE2\x86\x92 never "
		"executed\n"));
	assert_non_null(strstr(b.ptr, "\xE2\x94\x82    Hash Cond: (a.id = b.id)\n"));
	pgiam_buf_dispose(&b);
	pgiam_plan_free(p);
}

static void expect_refused(const char *json, const char *words)
{
	pgiam_plan *p = (pgiam_plan *)&p;

	assert_int_equal(pgiam_plan_parse(&p, json, strlen(json)), PGIAM_EINVAL);
	assert_null(p);
	if (!strstr(pgiam_error_last(), words))
		fail_msg("\"%s\": error \"%s\" lacks \"%s\"", json, pgiam_error_last(), words);
}

static char *nested(int levels)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	pgiam_buf_puts(&b, "[{\"Plan\": ");
	for (int i = 0; i < levels; i++)
		pgiam_buf_puts(&b, "{\"Node Type\": \"Result\", \"Plans\": [");
	pgiam_buf_puts(&b, "{\"Node Type\": \"Result\"}");
	for (int i = 0; i < levels; i++)
		pgiam_buf_puts(&b, "]}");
	pgiam_buf_puts(&b, "}]");
	return pgiam_buf_detach(&b);
}

static void test_hostile(void **state)
{
	char *deep, *wide;
	pgiam_buf b = PGIAM_BUF_INIT;
	pgiam_plan *p = NULL;

	(void)state;
	expect_refused("", "not EXPLAIN's JSON");
	expect_refused("QUERY PLAN", "not EXPLAIN's JSON");
	expect_refused("[]", "not an array of plans");
	expect_refused("{}", "not an array of plans");
	expect_refused("[1]", "no \"Plan\"");
	expect_refused("[{\"Plan\": 5}]", "not an object");
	expect_refused("[{\"Plan\": {}}]", "no \"Node Type\"");
	expect_refused("[{\"Plan\": {\"Node Type\": 7}}]", "no \"Node Type\"");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Total Cost\": \"1\"}}]", "not a number");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Total Cost\": -1}}]", "not a number");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Actual Rows\": NaN}}]", "");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Plans\": {}}}]", "not an array");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Plans\": [3]}}]", "not an object");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\", \"Alias\": []}}]", "not a string");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\"}}] trailing", "trailing data");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\"}, \"Execution Time\": true}]",
		"not a number");
	expect_refused("[{\"Plan\": {\"Node Type\": \"x\"", "not EXPLAIN's JSON");
	/* deeper than the tree allows, and deeper than json-c's own limit */
	deep = nested(PGIAM_PLAN_DEPTH_MAX + 1);
	expect_refused(deep, "deeper than");
	free(deep);
	deep = nested(5000);
	expect_refused(deep, "not EXPLAIN's JSON");
	free(deep);
	deep = nested(PGIAM_PLAN_DEPTH_MAX);
	assert_int_equal(pgiam_plan_parse(&p, deep, strlen(deep)), 0);
	assert_int_equal(pgiam_plan_render(&b, p), 0);
	pgiam_plan_free(p);
	free(deep);
	/* too many nodes */
	pgiam_buf_clear(&b);
	pgiam_buf_puts(&b, "[{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": [");
	for (int i = 0; i < PGIAM_PLAN_NODES_MAX; i++)
		pgiam_buf_printf(&b, "%s{\"Node Type\": \"Result\"}", i ? "," : "");
	pgiam_buf_puts(&b, "]}}]");
	wide = pgiam_buf_detach(&b);
	expect_refused(wide, "more than");
	free(wide);
	/* an embedded NUL ends the text */
	assert_int_equal(pgiam_plan_parse(&p, "[{\"Plan\": {\"Node Type\": \"x\"}}]\0junk", 36),
		PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

static void expect_kind(const char *sql, int writes, const char *why_words,
	const char *calls)
{
	pgiam_plan_kind k;

	pgiam_plan_classify(&k, sql, strlen(sql));
	if (k.writes != writes || !strstr(k.why, why_words) || strcmp(k.calls, calls))
		fail_msg("\"%s\": writes %d why \"%s\" calls \"%s\"", sql, k.writes, k.why, k.calls);
}

static void test_classify(void **state)
{
	(void)state;
	expect_kind("select * from customers", 0, "", "");
	expect_kind("  (select 1) union (select 2)", 0, "", "");
	expect_kind("VALUES (1), (2)", 0, "", "");
	expect_kind("table customers", 0, "", "");
	expect_kind("with c as (select 1) select * from c", 0, "", "");
	expect_kind("select 'delete from t', \"update\" from t -- insert\n", 0, "", "");
	expect_kind("select $$drop table t; delete$$", 0, "", "");
	expect_kind("select count(*), lower(name) from t", 0, "", "");
	expect_kind("select nextval('s')", 0, "", "nextval");
	expect_kind("select * from my_func(1) join t using (id)", 0, "", "my_func");
	expect_kind("insert into t (a, b) values (1, 2)", 1, "INSERT", "");
	expect_kind("with c(x) as (select 1) select x from c", 0, "", "");
	expect_kind("insert into t values (1)", 1, "INSERT writes rows", "");
	expect_kind("UPDATE t SET a = 1", 1, "UPDATE writes rows", "");
	expect_kind("delete from t", 1, "DELETE writes rows", "");
	expect_kind("merge into t using s on true when matched then delete", 1, "MERGE", "");
	expect_kind("select * into t2 from t", 1, "INTO creates a table", "");
	expect_kind("with d as (delete from t returning *) select * from d", 1,
		"WITH holds DELETE", "");
	expect_kind("with x as (select 1) insert into t select * from x", 1, "WITH holds INSERT", "");
	expect_kind("create table t2 as select 1", 1, "CREATE", "");
	expect_kind("execute p(1)", 1, "prepared statement", "p");
	expect_kind("declare c cursor for select 1", 1, "not a plain SELECT", "");
	expect_kind("select * from t for update", 1, "UPDATE", "");
	expect_kind("", 1, "cannot tell", "");
	expect_kind("-- only a comment", 1, "cannot tell", "");
	expect_kind("'text'", 1, "cannot tell", "");
}

static void expect_sql(const char *sql, int analyze, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_plan_sql(&b, sql, strlen(sql), analyze), 0);
	assert_string_equal(b.ptr, want);
	pgiam_buf_dispose(&b);
}

static void expect_sql_refused(const char *sql, const char *words)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_plan_sql(&b, sql, strlen(sql), 1), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), words));
	assert_int_equal(b.len, 0);
	pgiam_buf_dispose(&b);
}

static void test_sql(void **state)
{
	(void)state;
	expect_sql("select 1;", 0, "EXPLAIN (FORMAT JSON) select 1");
	expect_sql("\n  select ';' ;  -- done\n", 1,
		"EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) select ';' ");
	expect_sql("delete from t -- why\n", 1, "EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) delete "
		"from t -- why\n");
	expect_sql_refused("", "nothing to explain");
	expect_sql_refused(" ; -- x", "nothing to explain");
	expect_sql_refused("select 1; commit; delete from t", "one statement");
	expect_sql_refused("select 1; select 2", "one statement");
	expect_sql_refused("explain select 1", "EXPLAIN already");
}

/* The queries of one run, "|"-joined, with the EXPLAIN's outcome fed as given. */
static const char *run_queries(int analyze, int in_txn, int wrap_fails, int explain_fails,
	const char *row)
{
	static char out[2048];
	pgiam_plan_run *r = NULL;
	const char *q;
	size_t n = 0;

	assert_int_equal(pgiam_plan_run_new(&r, "delete from t;", 14, analyze, in_txn), 0);
	out[0] = '\0';
	while ((q = pgiam_plan_run_next_sql(r))) {
		int is_explain = !strncmp(q, "EXPLAIN", 7);
		int is_wrap = !strcmp(q, "BEGIN") || !strncmp(q, "SAVEPOINT", 9);

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? "|" : "", q);
		if (is_explain && row && !explain_fails)
			pgiam_plan_run_feed_row(r, 1, (const char *const *)&row);
		pgiam_plan_run_feed_end(r, (is_wrap && wrap_fails) || (is_explain && explain_fails),
			"42P01", "relation \"t\" does not exist");
	}
	assert_true(pgiam_plan_run_finished(r));
	if (!explain_fails && !wrap_fails && row && strstr(row, "Plan"))
		assert_non_null(pgiam_plan_run_plan(r));
	else
		assert_null(pgiam_plan_run_plan(r));
	pgiam_plan_run_free(r);
	return out;
}

static void test_run(void **state)
{
	const char *row = "[{\"Plan\": {\"Node Type\": \"ModifyTable\", \"Operation\": \"Delete\"}}]";
	pgiam_plan_run *r = NULL;

	(void)state;
	assert_string_equal(run_queries(0, 0, 0, 0, row), "EXPLAIN (FORMAT JSON) delete from t");
	assert_string_equal(run_queries(1, 0, 0, 0, row), "BEGIN|EXPLAIN (FORMAT JSON, ANALYZE, "
		"BUFFERS) delete from t|ROLLBACK");
	assert_string_equal(run_queries(1, 1, 0, 0, row), "SAVEPOINT pgiam_explain|EXPLAIN (FORMAT "
		"JSON, ANALYZE, BUFFERS) delete from t|ROLLBACK TO SAVEPOINT pgiam_explain|RELEASE "
		"SAVEPOINT pgiam_explain");
	/* a plain EXPLAIN in the user's transaction: a failure must not fail it */
	assert_string_equal(run_queries(0, 1, 0, 1, row), "SAVEPOINT pgiam_explain|EXPLAIN (FORMAT "
		"JSON) delete from t|ROLLBACK TO SAVEPOINT pgiam_explain|RELEASE SAVEPOINT "
		"pgiam_explain");
	/* a failed EXPLAIN is still rolled back; a failed BEGIN runs nothing */
	assert_string_equal(run_queries(1, 0, 0, 1, row), "BEGIN|EXPLAIN (FORMAT JSON, ANALYZE, "
		"BUFFERS) delete from t|ROLLBACK");
	assert_string_equal(run_queries(1, 1, 1, 0, row), "SAVEPOINT pgiam_explain");
	/* no row, or a row that is no plan: an error, still rolled back */
	assert_string_equal(run_queries(1, 0, 0, 0, NULL), "BEGIN|EXPLAIN (FORMAT JSON, ANALYZE, "
		"BUFFERS) delete from t|ROLLBACK");
	assert_string_equal(run_queries(1, 0, 0, 0, "garbage"), "BEGIN|EXPLAIN (FORMAT JSON, "
		"ANALYZE, BUFFERS) delete from t|ROLLBACK");

	/* the error names the server's answer */
	assert_int_equal(pgiam_plan_run_new(&r, "select 1", 8, 0, 0), 0);
	pgiam_plan_run_next_sql(r);
	pgiam_plan_run_feed_end(r, 1, "42601", "syntax error");
	assert_string_equal(pgiam_plan_run_error(r), "EXPLAIN failed: ERROR 42601: syntax error");
	assert_null(pgiam_plan_run_next_sql(r));
	pgiam_plan_run_free(r);

	/* stopped after the BEGIN: the EXPLAIN is not sent, the ROLLBACK is */
	assert_int_equal(pgiam_plan_run_new(&r, "delete from t", 13, 1, 0), 0);
	assert_string_equal(pgiam_plan_run_next_sql(r), "BEGIN");
	pgiam_plan_run_feed_end(r, 0, "", "");
	pgiam_plan_run_stop(r);
	assert_string_equal(pgiam_plan_run_next_sql(r), "ROLLBACK");
	pgiam_plan_run_feed_end(r, 0, "", "");
	assert_null(pgiam_plan_run_next_sql(r));
	assert_null(pgiam_plan_run_plan(r));
	pgiam_plan_run_free(r);
	/* stopped before anything: nothing at all */
	assert_int_equal(pgiam_plan_run_new(&r, "delete from t", 13, 1, 0), 0);
	pgiam_plan_run_stop(r);
	assert_null(pgiam_plan_run_next_sql(r));
	pgiam_plan_run_free(r);
	/* refused statements never make a run */
	assert_int_equal(pgiam_plan_run_new(&r, "select 1; commit", 16, 1, 1), PGIAM_EINVAL);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_loop),
		cmocka_unit_test(test_plain_and_insert),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_sql),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
