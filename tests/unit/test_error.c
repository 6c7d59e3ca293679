/* test_error.c - the error model, the buffer and credential helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "buf.h"
#include "creds.h"
#include "error.h"
#include "secure.h"

static void test_set_returns_code_and_message(void **state)
{
	(void)state;
	assert_int_equal(pgiam_error_set(PGIAM_EINVAL, "port %d is out of range", 70000), PGIAM_EINVAL);
	assert_string_equal(pgiam_error_last(), "port 70000 is out of range");
	assert_int_equal(pgiam_error_last_code(), PGIAM_EINVAL);
	pgiam_error_clear();
	assert_string_equal(pgiam_error_last(), "");
	assert_int_equal(pgiam_error_last_code(), 0);
}

static void test_message_is_one_line(void **state)
{
	(void)state;
	pgiam_error_set(PGIAM_ESERVER, "first\nsecond\r\nthird");
	assert_null(strchr(pgiam_error_last(), '\n'));
	assert_null(strchr(pgiam_error_last(), '\r'));
}

/* Callers add context to a lower-level message by passing pgiam_error_last() back in
 * (profile load_named and save, auth); the formatter must not read the buffer it writes. */
static void test_set_can_quote_last_message(void **state)
{
	(void)state;
	pgiam_error_set(PGIAM_EINVAL, "the profile name is empty");
	pgiam_error_set(PGIAM_EINVAL, "profile \"%s\": %s", "x", pgiam_error_last());
	assert_string_equal(pgiam_error_last(), "profile \"x\": the profile name is empty");
	pgiam_error_set(PGIAM_EIO, "%s", pgiam_error_last());
	assert_string_equal(pgiam_error_last(), "profile \"x\": the profile name is empty");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pgiam_error_name(PGIAM_ENOMEM), "ENOMEM");
	assert_string_equal(pgiam_error_text(PGIAM_ENET), "network error");
	assert_string_equal(pgiam_error_name(-999), "EUNKNOWN");
}

/* The class says which part failed; the place of the failure names it, and a
 * module boundary's classify does not overwrite that. */
static void test_classes(void **state)
{
	(void)state;
	pgiam_error_set(PGIAM_EINVAL, "x");
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_NONE);
	assert_int_equal(pgiam_error_classify(PGIAM_ECLASS_CONFIG, PGIAM_EINVAL), PGIAM_EINVAL);
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CONFIG);
	pgiam_error_classify(PGIAM_ECLASS_STS, PGIAM_EINVAL);
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CONFIG);

	assert_int_equal(pgiam_error_set_class(PGIAM_ECLASS_CREDENTIALS, PGIAM_EEXPIRED,
		"expired %d", 1), PGIAM_EEXPIRED);
	assert_string_equal(pgiam_error_last(), "expired 1");
	pgiam_error_classify(PGIAM_ECLASS_STS, PGIAM_EEXPIRED);
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CREDENTIALS);

	/* a new error forgets the old class; some codes carry their own */
	pgiam_error_set(PGIAM_ECANCELLED, "stop");
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CANCELLED);
	pgiam_error_set(PGIAM_ENET, "down");
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_NETWORK);
	pgiam_error_clear();
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_NONE);
	assert_string_equal(pgiam_error_class_name(PGIAM_ECLASS_CREDENTIALS), "source credentials");
	assert_string_equal(pgiam_error_class_name((pgiam_error_class)99), "unclassified");
}

/* Whole or nothing: the file appears with its mode and content, a failure names the
 * place and leaves no temporary file. */
static void test_atomic_file(void **state)
{
	char dir[] = "/tmp/pgiam-test-atomic-XXXXXX";
	char path[256], sub[128], got[16] = "";
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	assert_int_equal(pgiam_file_mkdir_p(sub, "the test directory"), 0);
	assert_int_equal(pgiam_file_write_atomic(sub, "x.txt", "hello", 5, 0640), 0);
	snprintf(path, sizeof(path), "%s/x.txt", sub);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "hello");
	/* into a directory that is not there: EIO, naming it */
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(pgiam_file_write_atomic(path, "y.txt", "x", 1, 0600), PGIAM_EIO);
	assert_non_null(strstr(pgiam_error_last(), path));
	snprintf(path, sizeof(path), "%s/x.txt", sub);
	unlink(path);
	assert_int_equal(rmdir(sub), 0);   /* empty: no temporary file was left */
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
}

static void test_buf(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char *s;

	(void)state;
	assert_string_equal(pgiam_buf_cstr(&b), "");
	for (int i = 0; i < 100; i++)
		assert_int_equal(pgiam_buf_printf(&b, "%d,", i), 0);
	assert_int_equal(strncmp(pgiam_buf_cstr(&b), "0,1,2,", 6), 0);
	assert_int_equal(b.len, strlen(b.ptr));
	pgiam_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(pgiam_buf_puts(&b, "abc"), 0);
	s = pgiam_buf_detach(&b);
	assert_string_equal(s, "abc");
	assert_null(b.ptr);
	free(s);
	s = pgiam_buf_detach(&b); /* an empty buffer detaches as "", never NULL */
	assert_string_equal(s, "");
	free(s);
	pgiam_buf_dispose(&b);

	/* clear keeps the memory but wipes what it held (a buffer may hold a secret) */
	assert_int_equal(pgiam_buf_puts(&b, "secret"), 0);
	pgiam_buf_clear(&b);
	assert_non_null(b.ptr);
	for (size_t i = 0; i < b.cap; i++)
		assert_int_equal(b.ptr[i], 0);
	/* growing moves the contents to a new block without losing them */
	for (int i = 0; i < 200; i++)
		assert_int_equal(pgiam_buf_putc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 200);
	assert_int_equal(b.ptr[199], 'a' + 199 % 26);
	assert_int_equal(b.ptr[200], '\0');
	pgiam_buf_dispose(&b);
	assert_null(b.ptr);
}

static void test_creds_mask_and_copy(void **state)
{
	pgiam_creds a = PGIAM_CREDS_INIT, b = PGIAM_CREDS_INIT;
	char masked[64];

	(void)state;
	assert_int_equal(pgiam_creds_set(&a, "AKIDEXAMPLE12345", "secret", "tok", 100, "environment"), 0);
	assert_int_equal(pgiam_creds_copy(&b, &a), 0);
	assert_string_equal(b.session_token, "tok");
	assert_int_equal(pgiam_creds_seconds_left(&b, 40), 60);
	pgiam_creds_mask_akid(masked, sizeof(masked), a.access_key_id);
	assert_string_equal(masked, "AKID…2345");
	assert_null(strstr(masked, "EXAMPLE"));
	assert_int_equal(pgiam_creds_set(&a, "", "x", NULL, 0, NULL), PGIAM_EINVAL);
	pgiam_creds_dispose(&a);
	pgiam_creds_dispose(&b);
	assert_null(b.secret_access_key);
	assert_true(pgiam_secure_streq("abc", "abc"));
	assert_false(pgiam_secure_streq("abc", "abd"));
	assert_false(pgiam_secure_streq("abc", "ab"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_code_and_message),
		cmocka_unit_test(test_message_is_one_line),
		cmocka_unit_test(test_set_can_quote_last_message),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_atomic_file),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_creds_mask_and_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
