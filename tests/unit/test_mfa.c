/* test_mfa.c - where an MFA code comes from (src/mfa.c): a given code is used once; with
 * no prompt allowed (the TUI) PGIAM_MFA_CODE is never taken, a missing code counts and
 * its error ends with the UI's hint; with a prompt allowed (the CLI) the variable is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mfa.h"

#define SERIAL "arn:aws:iam::123456789012:mfa/alice"

static void test_given_code_used_once(void **state)
{
	char out[16] = "";

	(void)state;
	unsetenv("PGIAM_MFA_CODE");
	pgiam_mfa_allow_prompt(0);
	assert_int_equal(pgiam_mfa_set_code("123456"), 0);
	assert_int_equal(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL), 0);
	assert_string_equal(out, "123456");
	/* used once: the next AssumeRole needs another */
	assert_true(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL) < 0);
	assert_true(pgiam_mfa_set_code("12ab56") < 0);
}

static void test_tui_never_takes_the_environment(void **state)
{
	char out[16] = "";
	unsigned before = 0;

	(void)state;
	pgiam_mfa_allow_prompt(0);
	pgiam_mfa_set_hint("F12 renews the role session with a code");
	setenv("PGIAM_MFA_CODE", "654321", 1);
	before = pgiam_mfa_missing_count();
	assert_true(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL) < 0);
	assert_int_equal(pgiam_mfa_missing_count(), before + 1);
	assert_string_equal(pgiam_error_last(), "the role needs an MFA code for " SERIAL
		": F12 renews the role session with a code");
	assert_null(strstr(pgiam_error_last(), "PGIAM_MFA_CODE"));
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CREDENTIALS);
	/* a code given after all: no miss */
	pgiam_mfa_set_code("111111");
	assert_int_equal(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL), 0);
	assert_int_equal(pgiam_mfa_missing_count(), before + 1);
	pgiam_mfa_set_hint(NULL);
	assert_true(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL) < 0);
	assert_non_null(strstr(pgiam_error_last(), "enter it when asked"));
	unsetenv("PGIAM_MFA_CODE");
}

static void test_cli_takes_the_environment(void **state)
{
	char out[16] = "";
	unsigned before = 0;

	(void)state;
	pgiam_mfa_allow_prompt(1);
	setenv("PGIAM_MFA_CODE", "654321", 1);
	before = pgiam_mfa_missing_count();
	assert_int_equal(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL), 0);
	assert_string_equal(out, "654321");
	setenv("PGIAM_MFA_CODE", "65432", 1);
	assert_true(pgiam_mfa_code(out, sizeof(out), SERIAL, NULL) < 0);
	assert_string_equal(pgiam_error_last(), "PGIAM_MFA_CODE is not six digits");
	assert_int_equal(pgiam_mfa_missing_count(), before);
	unsetenv("PGIAM_MFA_CODE");
	pgiam_mfa_allow_prompt(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_given_code_used_once),
		cmocka_unit_test(test_tui_never_takes_the_environment),
		cmocka_unit_test(test_cli_takes_the_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
