/* test_countdown.c - how the status bar writes and colours remaining lifetimes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "countdown.h"

typedef struct format_case {
	long seconds;
	const char *text;
	pgiam_countdown_level level;
} format_case;

static void test_format_and_level(void **state)
{
	static const format_case cases[] = {
		{ 900, "15:00", PGIAM_COUNTDOWN_OK },
		{ 872, "14:32", PGIAM_COUNTDOWN_OK },
		{ 301, "05:01", PGIAM_COUNTDOWN_OK },
		{ 300, "05:00", PGIAM_COUNTDOWN_WARN },
		{ 61, "01:01", PGIAM_COUNTDOWN_WARN },
		{ 60, "01:00", PGIAM_COUNTDOWN_CRIT },
		{ 9, "00:09", PGIAM_COUNTDOWN_CRIT },
		{ 1, "00:01", PGIAM_COUNTDOWN_CRIT },
		{ 0, "expired", PGIAM_COUNTDOWN_EXPIRED },
		{ -5, "expired", PGIAM_COUNTDOWN_EXPIRED },
		{ 3599, "59:59", PGIAM_COUNTDOWN_OK },
		{ 3600, "1:00:00", PGIAM_COUNTDOWN_OK },
		{ 3661, "1:01:01", PGIAM_COUNTDOWN_OK },
		{ 43200, "12:00:00", PGIAM_COUNTDOWN_OK },
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgiam_countdown_format(out, sizeof(out), cases[i].seconds);
		if (strcmp(out, cases[i].text))
			fail_msg("%ld s: \"%s\", expected \"%s\"", cases[i].seconds, out, cases[i].text);
		if (pgiam_countdown_level_of(cases[i].seconds) != cases[i].level)
			fail_msg("%ld s: level %d, expected %d", cases[i].seconds,
				(int)pgiam_countdown_level_of(cases[i].seconds), (int)cases[i].level);
	}
}

static void test_small_buffer(void **state)
{
	char out[4];

	(void)state;
	pgiam_countdown_format(out, sizeof(out), 872);
	assert_string_equal(out, "14:");
	pgiam_countdown_format(NULL, 0, 5);  /* no crash */
}

static void test_token_text(void **state)
{
	char out[160];
	time_t now = 1700000000;

	(void)state;
	pgiam_countdown_token_text(out, sizeof(out), now + 872, 0, 1, now);
	assert_string_equal(out, "token 14:32");
	pgiam_countdown_token_text(out, sizeof(out), 0, 0, 1, now);
	assert_string_equal(out, "token -");
	/* Expired while connected: the connection stays open, say so. */
	pgiam_countdown_token_text(out, sizeof(out), now - 1, 0, 1, now);
	assert_non_null(strstr(out, "token expired"));
	assert_non_null(strstr(out, "connection stays open"));
	assert_non_null(strstr(out, "next connection signs a new one"));
	/* No connection (lost): no countdown for a token nobody uses. */
	pgiam_countdown_token_text(out, sizeof(out), now + 300, 0, 0, now);
	assert_string_equal(out, "token: the next connection signs a new one");
	pgiam_countdown_token_text(out, sizeof(out), now - 5, 0, 0, now);
	assert_null(strstr(out, "stays open"));
	/* The STS session ends before the token's 15 minutes: the bar says which limits it. */
	pgiam_countdown_token_text(out, sizeof(out), now + 252, 1, 1, now);
	assert_string_equal(out, "token 04:12 (session ends first)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_and_level),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_token_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
