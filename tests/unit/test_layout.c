/* test_layout.c - sharing the terminal's width between columns: whole columns when
 * they fit, spare width to the columns that need it (not to a fixed favourite),
 * columns dropped in their order on narrow terminals, the form's box and message;
 * and the number of lines a wrapped text takes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>

#include "layout.h"
#include "width.h"

static void test_share_all_fit(void **state)
{
	int min[3] = { 4, 8, 4 }, want[3] = { 10, 30, 6 }, w[3];

	(void)state;
	assert_int_equal(pgiam_layout_share(w, min, want, 3, 46), 1);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 30);
	assert_int_equal(w[2], 6);
	/* more room than wanted: nobody grows past its want */
	assert_int_equal(pgiam_layout_share(w, min, want, 3, 100), 1);
	assert_int_equal(w[1], 30);
}

static void test_share_by_need(void **state)
{
	/* the home list: a long endpoint and a role that needs 20; the
	 * endpoint must not take the room the role needs */
	int min[2] = { 16, 10 }, want[2] = { 59, 20 }, w[2];

	(void)state;
	assert_int_equal(pgiam_layout_share(w, min, want, 2, 60), 0);
	assert_int_equal(w[1], 20);          /* the short one whole */
	assert_int_equal(w[0], 40);          /* the long one gets the rest */
	/* both short: equal shares of what is left above the minimums */
	assert_int_equal(pgiam_layout_share(w, min, want, 2, 36), 0);
	assert_int_equal(w[0], 21);
	assert_int_equal(w[1], 15);
	/* an odd column left over goes to one of them, never lost */
	assert_int_equal(pgiam_layout_share(w, min, want, 2, 37), 0);
	assert_int_equal(w[0] + w[1], 37);
}

static void test_share_too_narrow(void **state)
{
	int min[2] = { 16, 10 }, want[2] = { 59, 20 }, w[2];

	(void)state;
	assert_int_equal(pgiam_layout_share(w, min, want, 2, 20), -1);
	assert_int_equal(w[0], 16);
	assert_int_equal(w[1], 10);
	/* a minimum above the want is the want */
	{
		int m[1] = { 12 }, wa[1] = { 2 }, x[1];

		assert_int_equal(pgiam_layout_share(x, m, wa, 1, 5), 1);
		assert_int_equal(x[0], 2);
	}
}

static void test_columns_drop_in_order(void **state)
{
	/* name, endpoint, region (dropped first), role (second) */
	pgiam_layout_col cols[4] = { { 10, 10, 0, 0 }, { 40, 16, 0, 0 }, { 14, 9, 1, 0 },
		{ 20, 10, 2, 0 } };
	int w[4];

	(void)state;
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 87, 1), 1);
	assert_int_equal(w[0] + w[1] + w[2] + w[3] + 3, 87);
	/* 10+16+9+10 + 3 gaps = 48: all shown, shorter */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 48, 1), 0);
	assert_int_equal(w[2], 9);
	/* one less: the region goes first */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 47, 1), 0);
	assert_int_equal(w[2], 0);
	assert_true(w[3] >= 10);
	assert_int_equal(w[0] + w[1] + w[3] + 2, 47);
	/* then the role */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 30, 1), 0);
	assert_int_equal(w[2], 0);
	assert_int_equal(w[3], 0);
	assert_int_equal(w[0] + w[1] + 1, 30);
	/* nothing more to drop: the widest minimum gives way first, down to 4 */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 21, 1), 0);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 10);
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 15, 1), 0);
	assert_int_equal(w[0], 7);
	assert_int_equal(w[1], 7);
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 5, 1), 0);
	assert_int_equal(w[0], 4);
	assert_int_equal(w[1], 4);
}

static void test_columns_fill_last(void **state)
{
	/* the home list at 100 columns: name, endpoint (fills), role, check;
	 * the role and the check whole before the endpoint grows past its minimum */
	pgiam_layout_col cols[4] = { { 19, 20, 0, 0 }, { 59, 16, 0, 1 }, { 20, 10, 0, 0 },
		{ 17, 10, 0, 0 } };
	int w[4];

	(void)state;
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 80, 1), 0);
	assert_int_equal(w[0], 19);
	assert_int_equal(w[2], 20);
	assert_int_equal(w[3], 17);
	assert_int_equal(w[1], 80 - 3 - 19 - 20 - 17);
	/* not enough for the others: the endpoint stays at its minimum */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 70, 1), 0);
	assert_int_equal(w[1], 16);
	assert_int_equal(w[0] + w[2] + w[3], 70 - 3 - 16);
	/* room for all: everything whole */
	assert_int_equal(pgiam_layout_columns(w, cols, 4, 200, 1), 1);
	assert_int_equal(w[1], 59);
}

static void test_box(void **state)
{
	int box, msg;

	(void)state;
	/* 140 columns: a long value whole, the message gets the rest */
	pgiam_layout_box(&box, &msg, 115, 1, 81, 38, 16);
	assert_int_equal(box, 81);
	assert_int_equal(msg, 33);
	/* short values: the box keeps its usual size, the message more */
	pgiam_layout_box(&box, &msg, 115, 1, 12, 38, 16);
	assert_int_equal(box, 38);
	assert_int_equal(msg, 76);
	/* 100 columns: the value as far as the message's minimum allows */
	pgiam_layout_box(&box, &msg, 75, 1, 81, 38, 16);
	assert_int_equal(box, 58);
	assert_int_equal(msg, 16);
	/* 60 columns: no room for both, the box alone */
	pgiam_layout_box(&box, &msg, 35, 1, 81, 38, 16);
	assert_int_equal(box, 35);
	assert_int_equal(msg, 0);
}

static void test_wrap_lines(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_int_equal(pgiam_width_wrap_lines("", 20, 2), 0);
	assert_int_equal(pgiam_width_wrap_lines("short", 20, 2), 1);
	assert_int_equal(pgiam_width_wrap_lines("one\ntwo", 20, 2), 2);
	/* 30 columns of words in 20: two lines */
	assert_int_equal(pgiam_width_wrap_lines("aaaa bbbb cccc dddd eeee ffff", 20, 2), 2);
	/* 12 CJK characters are 24 columns: two lines of 20 */
	assert_int_equal(pgiam_width_wrap_lines("\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E"
		"\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E\xE5\xB1\xB1\xE7\x94\xB0"
		"\xE5\xA4\xAA\xE9\x83\x8E", 20, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_all_fit),
		cmocka_unit_test(test_share_by_need),
		cmocka_unit_test(test_share_too_narrow),
		cmocka_unit_test(test_columns_drop_in_order),
		cmocka_unit_test(test_columns_fill_last),
		cmocka_unit_test(test_box),
		cmocka_unit_test(test_wrap_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
