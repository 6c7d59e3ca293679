/* test_actions.c - the key table every screen, the help screen and docs/tui.md come
 * from: each action has help and a key, no key means two things in one scope, the
 * scope order of a screen picks the intended action, and key names read well. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"

static void test_every_action_has_help_and_a_key(void **state)
{
	(void)state;
	assert_null(pgiam_action_get(PGIAM_ACTION_NONE));
	for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++) {
		const pgiam_action_info *info = pgiam_action_get((pgiam_action)a);

		assert_non_null(info);
		if (!info->help[0] || !info->keys[0])
			fail_msg("action %s lacks help or a key", info->name);
	}
}

static void test_no_key_twice_in_a_scope(void **state)
{
	(void)state;
	for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++) {
		const pgiam_action_info *x = pgiam_action_get((pgiam_action)a);

		for (int b = a + 1; b < PGIAM_ACTION__COUNT; b++) {
			const pgiam_action_info *y = pgiam_action_get((pgiam_action)b);

			if (x->scope != y->scope)
				continue;
			for (int i = 0; i < 4; i++)
				for (int j = 0; j < 4; j++)
					if (x->keys[i] && x->keys[i] == y->keys[j])
						fail_msg("key %d means both %s and %s", x->keys[i], x->name,
							y->name);
		}
	}
}

typedef struct lookup_case {
	int key;
	pgiam_scope scopes[3];
	size_t n;
	pgiam_action expect;
} lookup_case;

static void test_lookup_by_screen_scopes(void **state)
{
	static const lookup_case cases[] = {
		/* home screen */
		{ 'q', { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, 2, PGIAM_ACTION_QUIT },
		{ '\n', { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, 2, PGIAM_ACTION_CONNECT },
		{ KEY_DC, { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, 2, PGIAM_ACTION_DELETE },
		{ KEY_DOWN, { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, 2, PGIAM_ACTION_DOWN },
		{ 'x', { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, 2, PGIAM_ACTION_NONE },
		/* form: arrows move between fields, F1 still helps */
		{ KEY_DOWN, { PGIAM_SCOPE_FORM, PGIAM_SCOPE_EDIT }, 2, PGIAM_ACTION_FIELD_NEXT },
		{ KEY_F(1), { PGIAM_SCOPE_FORM, PGIAM_SCOPE_EDIT }, 2, PGIAM_ACTION_HELP },
		{ PGIAM_CTRL('s'), { PGIAM_SCOPE_FORM, PGIAM_SCOPE_EDIT }, 2, PGIAM_ACTION_SAVE },
		{ KEY_DC, { PGIAM_SCOPE_FORM, PGIAM_SCOPE_EDIT }, 2, PGIAM_ACTION_DEL_FWD },
		/* SQL: Home edits the prompt, PgDn scrolls the rows, Esc goes back */
		{ KEY_HOME, { PGIAM_SCOPE_SQL, PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST }, 3,
		  PGIAM_ACTION_LINE_START },
		{ KEY_NPAGE, { PGIAM_SCOPE_SQL, PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST }, 3,
		  PGIAM_ACTION_PAGE_DOWN },
		{ PGIAM_KEY_ESC, { PGIAM_SCOPE_SQL, PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST }, 3,
		  PGIAM_ACTION_BACK },
		{ PGIAM_CTRL('c'), { PGIAM_SCOPE_CONNECT }, 1, PGIAM_ACTION_CANCEL },
		{ 'y', { PGIAM_SCOPE_CONFIRM }, 1, PGIAM_ACTION_YES },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgiam_action got = pgiam_action_lookup(cases[i].key, cases[i].scopes, cases[i].n);

		if (got != cases[i].expect)
			fail_msg("case %zu: key %d gave action %d, expected %d", i, cases[i].key,
				(int)got, (int)cases[i].expect);
	}
}

static void test_labels(void **state)
{
	char out[64];

	(void)state;
	pgiam_key_label(out, sizeof(out), PGIAM_CTRL('s'));
	assert_string_equal(out, "Ctrl-S");
	pgiam_key_label(out, sizeof(out), KEY_F(10));
	assert_string_equal(out, "F10");
	pgiam_key_label(out, sizeof(out), PGIAM_KEY_ESC);
	assert_string_equal(out, "Esc");
	pgiam_key_label(out, sizeof(out), 'a');
	assert_string_equal(out, "a");
	/* three codes for Enter show once */
	pgiam_action_keys_label(out, sizeof(out), PGIAM_ACTION_CONNECT);
	assert_string_equal(out, "Enter");
	pgiam_action_keys_label(out, sizeof(out), PGIAM_ACTION_DEL_BACK);
	assert_string_equal(out, "Backspace, Ctrl-H");
}

static void test_markdown_lists_every_action(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	pgiam_actions_print_markdown(f);
	fclose(f);
	for (int s = 0; s < PGIAM_SCOPE__COUNT; s++)
		assert_non_null(strstr(text, pgiam_scope_title((pgiam_scope)s)));
	for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++)
		if (!strstr(text, pgiam_action_get((pgiam_action)a)->help))
			fail_msg("the key reference lacks %s", pgiam_action_get((pgiam_action)a)->name);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_action_has_help_and_a_key),
		cmocka_unit_test(test_no_key_twice_in_a_scope),
		cmocka_unit_test(test_lookup_by_screen_scopes),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_markdown_lists_every_action),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
