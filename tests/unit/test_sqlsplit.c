/* test_sqlsplit.c - statements split as the server reads them (sqlsplit.h): a ';'
 * inside strings, E'' escapes, quoted identifiers, dollar quotes, nested comments and
 * parentheses does not end a statement; psql's Enter rule; the statement under the
 * cursor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sqlsplit.h"

/* The statements of sql joined with '|' (blank ones as "<blank>"), each as its text. */
static const char *split(const char *sql)
{
	static char out[4096];
	pgiam_sql_stmt st;
	size_t pos = 0, n = 0, len = strlen(sql);

	out[0] = '\0';
	while (pgiam_sql_next(&st, sql, len, pos)) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.*s%s", n ? "|" : "",
			(int)(st.end - st.start), sql + st.start, st.blank ? "<blank>" : "");
		assert_true(st.end > pos);
		pos = st.end;
	}
	return out;
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(split("select 1; select 2;"), "select 1;|select 2;");
	assert_string_equal(split("  select 1;\n\nselect 2"), "select 1;|select 2");
	assert_string_equal(split(";;select 1;"), ";<blank>|;<blank>|select 1;");
	assert_string_equal(split(""), "");
	assert_string_equal(split("   \n"), "");
}

static void test_quotes(void **state)
{
	(void)state;
	assert_string_equal(split("select 'a;b'; select 2;"), "select 'a;b';|select 2;");
	assert_string_equal(split("select 'it''s;'; x;"), "select 'it''s;';|x;");
	/* standard strings take no backslash escapes: the quote after \ ends it */
	assert_string_equal(split("select 'a\\'; x;"), "select 'a\\';|x;");
	/* E'' strings do */
	assert_string_equal(split("select E'a\\';b'; x;"), "select E'a\\';b';|x;");
	assert_string_equal(split("select e'\\\\'; x;"), "select e'\\\\';|x;");
	/* a word ending in e is not an E prefix */
	assert_string_equal(split("select name'a\\'; x;"), "select name'a\\';|x;");
	assert_string_equal(split("select \"a;b\" from t; x;"), "select \"a;b\" from t;|x;");
	assert_string_equal(split("select \"a\"\";b\"; x;"), "select \"a\"\";b\";|x;");
	assert_string_equal(split("select U&'a;'; x;"), "select U&'a;';|x;");
	assert_string_equal(split("select 'open; x;"), "select 'open; x;");
}

static void test_dollar(void **state)
{
	const char *fn = "create function f() returns int as $fn$ begin; return 1; end $fn$ "
		"language plpgsql;";
	char sql[512];

	(void)state;
	snprintf(sql, sizeof(sql), "%s select f();", fn);
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "%s", "");
	assert_string_equal(split(sql), "create function f() returns int as $fn$ begin; return 1; "
		"end $fn$ language plpgsql;|select f();");
	assert_string_equal(split("select $$a;b$$; x;"), "select $$a;b$$;|x;");
	/* another tag inside is text */
	assert_string_equal(split("select $a$ $b$; $a$; x;"), "select $a$ $b$; $a$;|x;");
	/* $1 is a parameter, a$b$ an identifier: neither opens a quote */
	assert_string_equal(split("select $1; x;"), "select $1;|x;");
	assert_string_equal(split("select a$b$; x;"), "select a$b$;|x;");
	assert_string_equal(split("select $tag$ open; x;"), "select $tag$ open; x;");
}

static void test_comments_parens(void **state)
{
	(void)state;
	assert_string_equal(split("select 1 -- a;b\n; x;"), "select 1 -- a;b\n;|x;");
	assert_string_equal(split("select /* a; /* b; */ c; */ 1; x;"),
		"select /* a; /* b; */ c; */ 1;|x;");
	assert_string_equal(split("-- only a comment\n"), "-- only a comment\n<blank>");
	assert_string_equal(split("create rule r as on insert to t do (insert into u values (1); "
		"insert into v values (2)); x;"), "create rule r as on insert to t do (insert into "
		"u values (1); insert into v values (2));|x;");
	/* a stray ')' does not make the depth negative */
	assert_string_equal(split("select 1); x;"), "select 1);|x;");
}

static int complete(const char *sql)
{
	return pgiam_sql_complete(sql, strlen(sql));
}

static void test_complete(void **state)
{
	(void)state;
	assert_true(complete("select 1;"));
	assert_true(complete("select 1;  \n"));
	assert_true(complete("select 1; -- done"));
	assert_true(complete("select 1; /* c */"));
	assert_true(complete("select 1; select 2;"));
	assert_false(complete("select 1"));
	assert_false(complete("select 1; select 2"));
	assert_false(complete("select ';"));
	assert_false(complete("select $$;"));
	assert_false(complete("select (1;"));
	assert_false(complete("select 1 -- ;"));
	assert_false(complete("select 1; /* open"));
	assert_false(complete(";"));
	assert_false(complete(""));
	assert_false(complete("-- x;\n"));
}

static int needs_begin(const char *sql)
{
	return pgiam_sql_needs_begin(sql, strlen(sql));
}

/* autocommit off: a BEGIN before what does not manage transactions itself */
static void test_needs_begin(void **state)
{
	(void)state;
	assert_true(needs_begin("insert into t values (1);"));
	assert_true(needs_begin("  -- a comment\n/* and another */ update t set a = 1"));
	assert_true(needs_begin("select 1"));
	assert_true(needs_begin("(select 1)"));
	assert_true(needs_begin("create index i on t (a)"));
	assert_true(needs_begin("cluster t using i"));
	assert_true(needs_begin("prepare p as select 1"));
	assert_false(needs_begin("BEGIN"));
	assert_false(needs_begin("start transaction read only"));
	assert_false(needs_begin("commit;"));
	assert_false(needs_begin("End"));
	assert_false(needs_begin("rollback to savepoint a"));
	assert_false(needs_begin("abort"));
	assert_false(needs_begin("savepoint a"));
	assert_false(needs_begin("release a"));
	assert_false(needs_begin("prepare transaction 'x'"));
	assert_false(needs_begin("vacuum analyze t"));
	assert_false(needs_begin("cluster"));
	assert_false(needs_begin("create database d"));
	assert_false(needs_begin("drop tablespace s"));
	assert_false(needs_begin("create unique index concurrently i on t (a)"));
	assert_false(needs_begin("drop index concurrently i"));
	assert_false(needs_begin("reindex system d"));
	assert_false(needs_begin("alter system set work_mem = '1MB'"));
	assert_false(needs_begin("discard all"));
	assert_false(needs_begin(""));
	assert_false(needs_begin("  -- only a comment\n"));
	assert_false(needs_begin(";"));
}

static const char *at(const char *sql, size_t cursor)
{
	static char out[256];
	pgiam_sql_stmt st;

	if (!pgiam_sql_at_cursor(&st, sql, strlen(sql), cursor))
		return "<none>";
	snprintf(out, sizeof(out), "%.*s", (int)(st.end - st.start), sql + st.start);
	return out;
}

static void test_at_cursor(void **state)
{
	const char *sql = "select 1;\n\nselect 2;\n-- c\n;select 3";

	(void)state;
	assert_string_equal(at(sql, 0), "select 1;");
	assert_string_equal(at(sql, 8), "select 1;");
	assert_string_equal(at(sql, 9), "select 1;");    /* just after its ';' */
	assert_string_equal(at(sql, 10), "select 1;");   /* between: the one before */
	assert_string_equal(at(sql, 11), "select 2;");
	assert_string_equal(at(sql, strlen(sql)), "select 3");
	assert_string_equal(at(sql, strlen(sql) - 3), "select 3");
	assert_string_equal(at("  \n", 1), "<none>");
	assert_string_equal(at("  select 1", 0), "select 1");
}

static void test_tokens(void **state)
{
	const char *sql = "SELECT 'a', 1.5e-3, \"X\" /* c */ $$d$$ $1 foo;";
	pgiam_sql_token t;
	pgiam_sql_tok want[] = { PGIAM_SQL_TOK_WORD, PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_STRING,
		PGIAM_SQL_TOK_OTHER, PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_NUMBER, PGIAM_SQL_TOK_OTHER,
		PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_IDENT, PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_COMMENT,
		PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_DOLLAR, PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_PARAM,
		PGIAM_SQL_TOK_SPACE, PGIAM_SQL_TOK_WORD, PGIAM_SQL_TOK_SEMI };
	size_t pos = 0, n = 0, len = strlen(sql);

	(void)state;
	while (pos < len) {
		pos = pgiam_sql_token_at(&t, sql, len, pos);
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_int_equal(t.kind, want[n]);
		n++;
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_true(pgiam_sql_is_keyword("select", 6));
	assert_true(pgiam_sql_is_keyword("WHERE", 5));
	assert_false(pgiam_sql_is_keyword("foo", 3));
	assert_false(pgiam_sql_is_keyword("selectx", 7));
	for (size_t i = 1; pgiam_sql_keyword(i); i++)
		assert_true(strcmp(pgiam_sql_keyword(i - 1), pgiam_sql_keyword(i)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_dollar),
		cmocka_unit_test(test_comments_parens),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_needs_begin),
		cmocka_unit_test(test_at_cursor),
		cmocka_unit_test(test_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
