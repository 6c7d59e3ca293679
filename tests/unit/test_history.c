/* test_history.c - the SQL prompt's history: Up/Down walk accepted statements, the
 * draft and edits of recalled statements survive the walk, accepting forgets them,
 * empty statements and repeats are not kept, the oldest go past the limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "history.h"

static void test_walk_keeps_draft(void **state)
{
	pgiam_history h = PGIAM_HISTORY_INIT;

	(void)state;
	assert_null(pgiam_history_prev(&h, "typed"));
	assert_int_equal(pgiam_history_add(&h, "SELECT 1"), 0);
	assert_int_equal(pgiam_history_add(&h, "SELECT 2"), 0);
	/* the draft being typed survives a walk up and back down */
	assert_string_equal(pgiam_history_prev(&h, "SELECT dra"), "SELECT 2");
	assert_string_equal(pgiam_history_prev(&h, "SELECT 2"), "SELECT 1");
	assert_null(pgiam_history_prev(&h, "SELECT 1"));
	assert_string_equal(pgiam_history_next(&h, "SELECT 1"), "SELECT 2");
	assert_string_equal(pgiam_history_next(&h, "SELECT 2"), "SELECT dra");
	assert_null(pgiam_history_next(&h, "SELECT dra"));
	pgiam_history_dispose(&h);
	assert_int_equal(h.count, 0);
}

static void test_edits_survive_until_accepted(void **state)
{
	pgiam_history h = PGIAM_HISTORY_INIT;

	(void)state;
	pgiam_history_add(&h, "SELECT 1");
	pgiam_history_add(&h, "SELECT 2");
	assert_string_equal(pgiam_history_prev(&h, ""), "SELECT 2");
	/* an edit of a recalled statement is kept while walking */
	assert_string_equal(pgiam_history_prev(&h, "SELECT 22"), "SELECT 1");
	assert_string_equal(pgiam_history_next(&h, "SELECT 1"), "SELECT 22");
	assert_string_equal(pgiam_history_next(&h, "SELECT 22"), "");
	/* accepting the edit appends it; the original stays as it was */
	pgiam_history_add(&h, "SELECT 22");
	assert_int_equal(h.count, 3);
	assert_string_equal(pgiam_history_prev(&h, ""), "SELECT 22");
	assert_string_equal(pgiam_history_prev(&h, "SELECT 22"), "SELECT 2");
	assert_string_equal(pgiam_history_prev(&h, "SELECT 2"), "SELECT 1");
	pgiam_history_dispose(&h);
}

static void test_not_kept(void **state)
{
	pgiam_history h = PGIAM_HISTORY_INIT;
	char text[32];

	(void)state;
	pgiam_history_add(&h, "");
	assert_int_equal(h.count, 0);
	pgiam_history_add(&h, "SELECT 1");
	pgiam_history_add(&h, "SELECT 1");
	assert_int_equal(h.count, 1);
	/* after an accept the walk starts again from the (empty) draft */
	assert_string_equal(pgiam_history_prev(&h, "x"), "SELECT 1");
	pgiam_history_add(&h, "SELECT 1");
	assert_int_equal(h.pos, h.count);
	assert_string_equal(pgiam_history_prev(&h, ""), "SELECT 1");
	assert_string_equal(pgiam_history_next(&h, "SELECT 1"), "");
	for (int i = 0; i < PGIAM_HISTORY_MAX + 3; i++) {
		snprintf(text, sizeof(text), "SELECT %d", i);
		assert_int_equal(pgiam_history_add(&h, text), 0);
	}
	assert_int_equal(h.count, PGIAM_HISTORY_MAX);
	assert_string_equal(h.items[0], "SELECT 3");
	assert_string_equal(pgiam_history_prev(&h, ""), "SELECT 502");
	pgiam_history_dispose(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_keeps_draft),
		cmocka_unit_test(test_edits_survive_until_accepted),
		cmocka_unit_test(test_not_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
