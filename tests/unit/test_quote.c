/* test_quote.c - the one SQL quoting module (src/pg/quote.c) with hostile names:
 * quotes, backslashes, control bytes, multi-byte UTF-8, keywords; compared with
 * libpq's own PQescapeIdentifier/PQescapeLiteral, and invalid UTF-8 refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "quote.h"

#include <libpq-fe.h>

static const char *const hostile[] = { "customers", "Mixed Case", "a\"b", "\"",
	"\"; DROP TABLE x; --", "it's", "O'Brien\\x", "\\", "\\\\'", "''", "\"\"",
	"a\\'; DROP TABLE t; --", "tab\there", "nl\nand\rcr", "bell\a esc\x1b[31m del\x7f",
	"\x01\x02\x1f", "e\xCC\x81", "顧客 テーブル", "emoji \xF0\x9F\x98\x80", "$$", "x$$y$pgiam$z",
	"E'x'", "user", "select", "U&\"d\\0061t\\+000061\"" };

static const char *quoted(int (*fn)(pgiam_buf *, const char *), const char *s, pgiam_buf *b)
{
	pgiam_buf_clear(b);
	assert_int_equal(fn(b, s), 0);
	return pgiam_buf_cstr(b);
}

/* The same text as libpq for every hostile sample (a connection object that never
 * connects: the escape functions need only its encoding, UTF8 here). */
static void test_same_as_libpq(void **state)
{
	PGconn *conn = PQconnectStart("host=/nonexistent-pgiam-test dbname=x client_encoding=UTF8");
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_non_null(conn);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *want = PQescapeIdentifier(conn, hostile[i], strlen(hostile[i]));

		assert_non_null(want);
		assert_string_equal(quoted(pgiam_sql_quote_ident, hostile[i], &b), want);
		PQfreemem(want);
		want = PQescapeLiteral(conn, hostile[i], strlen(hostile[i]));
		assert_non_null(want);
		assert_string_equal(quoted(pgiam_sql_quote_literal, hostile[i], &b), want);
		PQfreemem(want);
	}
	pgiam_buf_dispose(&b);
	PQfinish(conn);
}

static void test_literal_forms(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_string_equal(quoted(pgiam_sql_quote_literal, "O'Brien", &b), "'O''Brien'");
	/* a backslash: the E'' form, backslashes doubled, whatever the server's setting */
	assert_string_equal(quoted(pgiam_sql_quote_literal, "o'neil\\a", &b), " E'o''neil\\\\a'");
	assert_string_equal(quoted(pgiam_sql_quote_literal, "\\'", &b), " E'\\\\'''");
	assert_string_equal(quoted(pgiam_sql_quote_literal, "", &b), "''");
	/* control bytes stay inside the quotes, as they are */
	assert_string_equal(quoted(pgiam_sql_quote_literal, "a\nb\x1b", &b), "'a\nb\x1b'");
	pgiam_buf_dispose(&b);
}

static void test_ident_if_needed(void **state)
{
	static const struct { const char *name, *want; } cases[] = {
		{ "iam_ro_user", "iam_ro_user" }, { "_x$1", "_x$1" }, { "sample_db", "sample_db" },
		/* upper case, a leading digit or $, punctuation, non-ASCII: quoted */
		{ "IamUser", "\"IamUser\"" }, { "1abc", "\"1abc\"" }, { "$x", "\"$x\"" },
		{ "Sales-DB", "\"Sales-DB\"" }, { "a b", "\"a b\"" }, { "é", "\"é\"" },
		{ "a\"b", "\"a\"\"b\"" }, { "o'neil\\a", "\"o'neil\\a\"" },
		/* reserved words: CREATE USER user is a syntax error */
		{ "user", "\"user\"" }, { "order", "\"order\"" }, { "select", "\"select\"" },
		{ "current_user", "\"current_user\"" },
		/* unreserved keywords are fine bare */
		{ "role", "role" }, { "name", "name" },
	};
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(quoted(pgiam_sql_quote_ident_if_needed, cases[i].name, &b), cases[i].want);
	pgiam_buf_dispose(&b);
}

/* Invalid UTF-8 (a stray byte, a truncated sequence, an overlong form, a surrogate, a
 * code point above U+10FFFF), an empty identifier and NULL: refused with a message,
 * and the buffer keeps what it had. */
static void test_refused(void **state)
{
	static const char *const bad[] = { "\xFF", "bad\xC3(", "\xC3", "\xC0\xAF",
		"\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ok\xF5\x80\x80\x80" };
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	pgiam_buf_puts(&b, "x = ");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pgiam_sql_quote_ident(&b, bad[i]), PGIAM_EINVAL);
		assert_non_null(strstr(pgiam_error_last(), "identifier: not valid UTF-8"));
		assert_int_equal(pgiam_sql_quote_ident_if_needed(&b, bad[i]), PGIAM_EINVAL);
		assert_int_equal(pgiam_sql_quote_literal(&b, bad[i]), PGIAM_EINVAL);
		assert_non_null(strstr(pgiam_error_last(), "literal: not valid UTF-8"));
	}
	assert_int_equal(pgiam_sql_quote_ident(&b, ""), PGIAM_EINVAL);
	assert_int_equal(pgiam_sql_quote_ident_if_needed(&b, ""), PGIAM_EINVAL);
	assert_int_equal(pgiam_sql_quote_ident(&b, NULL), PGIAM_EINVAL);
	assert_int_equal(pgiam_sql_quote_literal(&b, NULL), PGIAM_EINVAL);
	assert_string_equal(pgiam_buf_cstr(&b), "x = ");
	pgiam_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_libpq),
		cmocka_unit_test(test_literal_forms),
		cmocka_unit_test(test_ident_if_needed),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
