/* test_eventlog.c - the event log's ring: order, the oldest dropped when full, the
 * timestamped line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"

static void test_order_and_ring(void **state)
{
	pgiam_eventlog *log = calloc(1, sizeof(*log));
	char line[PGIAM_EVENTLOG_TEXT + 16];

	(void)state;
	assert_non_null(log);
	assert_null(pgiam_eventlog_at(log, 0));
	pgiam_eventlog_add(log, "assumed role %s", "r");
	pgiam_eventlog_add(log, "token signed, expires %s", "10:00:00");
	assert_int_equal(log->count, 2);
	assert_string_equal(pgiam_eventlog_at(log, 0)->text, "assumed role r");
	for (int i = 0; i < PGIAM_EVENTLOG_MAX + 5; i++)
		pgiam_eventlog_add(log, "event %d", i);
	assert_int_equal(log->count, PGIAM_EVENTLOG_MAX);
	/* the oldest went first: the first kept is event 5 */
	assert_string_equal(pgiam_eventlog_at(log, 0)->text, "event 5");
	assert_string_equal(pgiam_eventlog_at(log, PGIAM_EVENTLOG_MAX - 1)->text,
		"event 516");
	assert_null(pgiam_eventlog_at(log, PGIAM_EVENTLOG_MAX));
	pgiam_eventlog_format(line, sizeof(line), pgiam_eventlog_at(log, 0));
	/* "HH:MM:SS  event 5" */
	assert_int_equal(strlen(line), 8 + 2 + strlen("event 5"));
	assert_int_equal(line[2], ':');
	assert_int_equal(line[5], ':');
	assert_string_equal(line + 10, "event 5");
	free(log);
}

static void test_long_text_is_cut(void **state)
{
	pgiam_eventlog *log = calloc(1, sizeof(*log));
	char big[1000];

	(void)state;
	assert_non_null(log);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pgiam_eventlog_add(log, "%s", big);
	assert_int_equal(strlen(pgiam_eventlog_at(log, 0)->text), PGIAM_EVENTLOG_TEXT - 1);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ring),
		cmocka_unit_test(test_long_text_is_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
