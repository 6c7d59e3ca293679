/* test_form.c - the profile form's model: validation as typed with the core's field
 * checks, the problem kept beside its field, nothing typed lost while fixing, save
 * refused with errors and atomic (mode 0600) without, masking of the external ID,
 * UTF-8 editing. Uses the real profile module and a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "form.h"
#include "profile.h"

typedef struct fixture {
	char dir[64];
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || !setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/pgiam-test-form-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void type(pgiam_form *f, const char *key, const char *text)
{
	pgiam_form_field *fl = pgiam_form_field_of(f, key);

	assert_non_null(fl);
	f->active = (size_t)(fl - f->fields);
	pgiam_form_end(f);
	/* one character at a time, as keys arrive */
	for (const char *p = text; *p; ) {
		size_t n = 1;

		while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		assert_int_equal(pgiam_form_insert(f, p, n), 0);
		p += n;
	}
}

static void fill_valid(pgiam_form *f, const char *name)
{
	type(f, "name", name);
	type(f, "endpoint", "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com:5432");
	type(f, "database", "sample_db");
	type(f, "db_user", "iam_ro_user");
	type(f, "role_arn", "arn:aws:iam::123456789012:role/demo-ro");
	type(f, "external_id", "ABC+/=x");
}

static void test_new_form_lists_keys_and_required_errors(void **state)
{
	pgiam_form f = PGIAM_FORM_INIT;
	size_t nkeys = 0;

	(void)state;
	pgiam_profile_keys(&nkeys);
	assert_int_equal(pgiam_form_init_add(&f), 0);
	assert_int_equal(f.count, nkeys + 1);
	assert_string_equal(f.fields[0].key, "name");
	/* An empty form cannot be saved: the required fields say so. */
	assert_true(pgiam_form_error_count(&f) > 0);
	assert_true(pgiam_form_field_of(&f, "endpoint")->status < 0);
	pgiam_form_dispose(&f);
}

static void test_endpoint_without_port_is_shown_then_fixed(void **state)
{
	fixture *fx = *state;
	pgiam_form f = PGIAM_FORM_INIT;
	pgiam_form_field *ep = NULL;
	char path[128];
	struct stat st;

	assert_int_equal(pgiam_form_init_add(&f), 0);
	fill_valid(&f, "fixme");
	assert_int_equal(pgiam_form_error_count(&f), 0);

	/* Remove the port: the endpoint field gets an error as it is typed. */
	ep = pgiam_form_field_of(&f, "endpoint");
	f.active = (size_t)(ep - f.fields);
	pgiam_form_end(&f);
	for (int i = 0; i < 5; i++)
		pgiam_form_backspace(&f);
	assert_string_equal(ep->value, "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com");
	assert_true(ep->status < 0);
	assert_non_null(strstr(ep->msg, "port"));
	assert_int_equal(pgiam_form_error_count(&f), 1);

	/* Saving is refused, nothing is written, and nothing typed is lost. */
	assert_true(pgiam_form_save(&f, fx->dir) < 0);
	assert_non_null(strstr(pgiam_error_last(), "error"));
	assert_false(pgiam_profile_exists(fx->dir, "fixme"));
	assert_string_equal(pgiam_form_field_of(&f, "db_user")->value, "iam_ro_user");
	assert_string_equal(pgiam_form_field_of(&f, "external_id")->value, "ABC+/=x");

	/* Fixed: saved, 0600, readable back with the same values. */
	type(&f, "endpoint", ":5432");
	assert_int_equal(ep->status, 0);
	assert_string_equal(ep->msg, "");
	assert_int_equal(pgiam_form_save(&f, fx->dir), 0);
	snprintf(path, sizeof(path), "%s/fixme.ini", fx->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	{
		pgiam_profile *p = NULL;

		assert_int_equal(pgiam_profile_load_named(&p, fx->dir, "fixme"), 0);
		assert_string_equal(pgiam_profile_external_id(p), "ABC+/=x");
		assert_int_equal(pgiam_profile_port(p), 5432);
		pgiam_profile_free(p);
	}
	pgiam_form_dispose(&f);
}

static void test_name_taken_and_rename(void **state)
{
	fixture *fx = *state;
	pgiam_form f = PGIAM_FORM_INIT;
	pgiam_form g = PGIAM_FORM_INIT;
	pgiam_profile *p = NULL;

	assert_int_equal(pgiam_form_init_add(&f), 0);
	fill_valid(&f, "one");
	assert_int_equal(pgiam_form_save(&f, fx->dir), 0);
	pgiam_form_dispose(&f);

	/* Adding another "one" is refused: no silent overwrite. */
	assert_int_equal(pgiam_form_init_add(&f), 0);
	fill_valid(&f, "one");
	assert_true(pgiam_form_save(&f, fx->dir) < 0);
	assert_non_null(strstr(pgiam_error_last(), "already exists"));
	pgiam_form_dispose(&f);

	/* Editing and renaming moves the file. */
	assert_int_equal(pgiam_profile_load_named(&p, fx->dir, "one"), 0);
	assert_int_equal(pgiam_form_init_edit(&g, p, 0), 0);
	pgiam_form_field_of(&g, "name")->cursor = 0;
	g.active = 0;
	pgiam_form_end(&g);
	type(&g, "name", "-two");
	assert_int_equal(pgiam_form_save(&g, fx->dir), 0);
	assert_true(pgiam_profile_exists(fx->dir, "one-two"));
	assert_false(pgiam_profile_exists(fx->dir, "one"));
	pgiam_form_dispose(&g);

	/* Duplicate: a new name, the same values. */
	assert_int_equal(pgiam_form_init_edit(&g, p, 1), 0);
	assert_string_equal(pgiam_form_field_of(&g, "name")->value, "one-copy");
	assert_string_equal(pgiam_form_field_of(&g, "db_user")->value, "iam_ro_user");
	assert_null(g.orig_name);
	pgiam_form_dispose(&g);
	pgiam_profile_free(p);
}

static void test_bad_name_and_masking(void **state)
{
	pgiam_form f = PGIAM_FORM_INIT;
	char shown[128];
	size_t ext = 0;

	(void)state;
	assert_int_equal(pgiam_form_init_add(&f), 0);
	type(&f, "name", "../evil");
	assert_true(pgiam_form_field_of(&f, "name")->status < 0);
	type(&f, "external_id", "s3cr");
	ext = (size_t)(pgiam_form_field_of(&f, "external_id") - f.fields);
	pgiam_form_display(&f, ext, shown, sizeof(shown));
	assert_string_equal(shown, "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
	f.reveal = 1;
	pgiam_form_display(&f, ext, shown, sizeof(shown));
	assert_string_equal(shown, "s3cr");
	pgiam_form_dispose(&f);
}

static void test_utf8_editing(void **state)
{
	pgiam_form f = PGIAM_FORM_INIT;
	pgiam_form_field *fl = NULL;

	(void)state;
	assert_int_equal(pgiam_form_init_add(&f), 0);
	type(&f, "session_name", "a\xE4\xBD\x9C\xE8\x80\x85" "b");   /* a作者b */
	fl = pgiam_form_field_of(&f, "session_name");
	pgiam_form_left(&f);
	pgiam_form_backspace(&f);   /* removes 者 whole */
	assert_string_equal(fl->value, "a\xE4\xBD\x9C" "b");
	pgiam_form_home(&f);
	pgiam_form_delete(&f);
	assert_string_equal(fl->value, "\xE4\xBD\x9C" "b");
	pgiam_form_clear_field(&f);
	assert_string_equal(fl->value, "");
	assert_true(f.dirty);
	pgiam_form_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_form_lists_keys_and_required_errors),
		cmocka_unit_test_setup_teardown(test_endpoint_without_port_is_shown_then_fixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_taken_and_rename, setup, teardown),
		cmocka_unit_test(test_bad_name_and_masking),
		cmocka_unit_test(test_utf8_editing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
