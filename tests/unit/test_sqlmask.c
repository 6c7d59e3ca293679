/* test_sqlmask.c - password literals masked before a statement is kept (sqlmask.h):
 * ALTER/CREATE ROLE/USER … PASSWORD, ENCRYPTED PASSWORD, E'' strings with escaped
 * quotes, dollar quotes, continued literals, user mappings; a 'password' inside a
 * string, an identifier or a comment is left alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "sqlmask.h"

static const char *mask(const char *sql, size_t *n)
{
	static char out[4096];
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_sql_mask_passwords(&b, sql, strlen(sql), n), 0);
	snprintf(out, sizeof(out), "%s", pgiam_buf_cstr(&b));
	pgiam_buf_dispose(&b);
	return out;
}

static void test_roles(void **state)
{
	size_t n = 0;

	(void)state;
	assert_string_equal(mask("ALTER ROLE bob PASSWORD 's3cret'", &n),
		"ALTER ROLE bob PASSWORD ***");
	assert_int_equal(n, 1);
	assert_string_equal(mask("alter user bob with password 'x''y' valid until '2030-01-01';", &n),
		"alter user bob with password *** valid until '2030-01-01';");
	assert_string_equal(mask("CREATE ROLE r LOGIN ENCRYPTED PASSWORD 'md5abc'", &n),
		"CREATE ROLE r LOGIN ENCRYPTED PASSWORD ***");
	assert_string_equal(mask("create user u password/*c*/'p'", &n),
		"create user u password/*c*/***");
	/* NULL is no secret; nothing to mask */
	assert_string_equal(mask("ALTER ROLE bob PASSWORD NULL", &n), "ALTER ROLE bob PASSWORD NULL");
	assert_int_equal(n, 0);
}

static void test_quotes(void **state)
{
	size_t n = 0;

	(void)state;
	/* E'' takes backslash escapes: \' does not end it */
	assert_string_equal(mask("ALTER ROLE bob PASSWORD E'a\\'b;c' LOGIN", &n),
		"ALTER ROLE bob PASSWORD *** LOGIN");
	assert_string_equal(mask("ALTER ROLE bob PASSWORD $$it's$$", &n),
		"ALTER ROLE bob PASSWORD ***");
	assert_string_equal(mask("ALTER ROLE bob PASSWORD $pw$a$$b$pw$; select 1", &n),
		"ALTER ROLE bob PASSWORD ***; select 1");
	/* adjacent literals across a newline are one string to the server */
	assert_string_equal(mask("ALTER ROLE bob PASSWORD 'first'\n'second'", &n),
		"ALTER ROLE bob PASSWORD ***");
	assert_string_equal(mask("ALTER ROLE bob PASSWORD U&'d\\0061t'", &n),
		"ALTER ROLE bob PASSWORD ***");
	/* two statements, two secrets */
	assert_string_equal(mask("alter role a password 'x'; alter role b password 'y';", &n),
		"alter role a password ***; alter role b password ***;");
	assert_int_equal(n, 2);
	/* an unterminated literal is masked to the end */
	assert_string_equal(mask("alter role a password 'half", &n), "alter role a password ***");
}

static void test_not_passwords(void **state)
{
	size_t n = 0;

	(void)state;
	assert_string_equal(mask("select 'password ''x'''", &n), "select 'password ''x'''");
	assert_string_equal(mask("select \"password\" 'x'", &n), "select \"password\" 'x'");
	assert_string_equal(mask("-- password 'x'\nselect 1", &n), "-- password 'x'\nselect 1");
	assert_string_equal(mask("select passwords 'x'", &n), "select passwords 'x'");
	assert_int_equal(n, 0);
	assert_string_equal(mask("CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', "
		"password 'pw')", &n), "CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'bob', "
		"password ***)");
	assert_string_equal(mask("", &n), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_not_passwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
