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
	char big[PGIAM_EVENTLOG_TEXT + 500];
	const char *text = NULL;
	size_t len;

	(void)state;
	assert_non_null(log);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pgiam_eventlog_add(log, "%s", big);
	text = pgiam_eventlog_at(log, 0)->text;
	len = strlen(text);
	assert_int_equal(len, PGIAM_EVENTLOG_TEXT - 1);
	assert_string_equal(text + len - 3, "\xE2\x80\xA6");   /* said to be cut */
	/* cut inside a character: the ellipsis goes before it, never half of it */
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big + PGIAM_EVENTLOG_TEXT - 5, "\xE4\xBD\x9C", 3);   /* 作 */
	pgiam_eventlog_add(log, "%s", big);
	text = pgiam_eventlog_at(log, 1)->text;
	assert_string_equal(text + PGIAM_EVENTLOG_TEXT - 5, "\xE2\x80\xA6");
	free(log);
}

static void test_connect_failure_kept_whole(void **state)
{
	/* a connect failure and its numbered causes (about 800 bytes) is kept whole:
	 * 240 bytes cut it before its fix */
	pgiam_eventlog *log = calloc(1, sizeof(*log));
	char failure[900];

	(void)state;
	assert_non_null(log);
	memset(failure, 'c', sizeof(failure) - 1);
	failure[sizeof(failure) - 1] = '\0';
	memcpy(failure + sizeof(failure) - 9, "the fix.", 8);
	pgiam_eventlog_add(log, "connect failed: %s", failure);
	assert_int_equal(strlen(pgiam_eventlog_at(log, 0)->text), strlen("connect failed: ") +
		strlen(failure));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ring),
		cmocka_unit_test(test_long_text_is_cut),
		cmocka_unit_test(test_connect_failure_kept_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
