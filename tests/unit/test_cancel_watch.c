/* test_cancel_watch.c - what a cancel request's outcome is said to be (cancel_watch.h): only the
 * events after the request settle it, and a statement that completed says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cancel_watch.h"

static pgiam_session_event ev(pgiam_session_event_kind kind, const char *text)
{
	pgiam_session_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.text = text;
	return e;
}

static pgiam_cancel_outcome feed(pgiam_cancel_watch *w, char *out, pgiam_session_event e,
	const pgiam_session_error *err)
{
	return pgiam_cancel_watch_event(w, out, 200, &e, err);
}

static void test_no_request_no_outcome(void **state)
{
	pgiam_cancel_watch w = { 0, "" };
	char out[200] = "";

	(void)state;
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_DONE, ""), NULL), PGIAM_CANCEL_NONE);
	assert_string_equal(out, "");
}

static void test_completed_write_says_so(void **state)
{
	pgiam_cancel_watch w = { 0, "" };
	char out[200] = "";

	(void)state;
	pgiam_cancel_watch_request(&w);
	assert_true(pgiam_cancel_watch_pending(&w));
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_COMMAND, "UPDATE 1"), NULL), PGIAM_CANCEL_NONE);
	assert_true(pgiam_cancel_watch_pending(&w));
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_DONE, ""), NULL), PGIAM_CANCEL_COMPLETED);
	assert_string_equal(out, "not cancelled: UPDATE 1 completed");
	assert_false(pgiam_cancel_watch_pending(&w));
}

static void test_confirmed_and_other_failures(void **state)
{
	pgiam_cancel_watch w = { 0, "" };
	pgiam_session_error err;
	char out[200] = "";

	(void)state;
	memset(&err, 0, sizeof(err));
	pgiam_cancel_watch_request(&w);
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_CANCELLED, "query cancelled"), NULL),
		PGIAM_CANCEL_CONFIRMED);
	assert_string_equal(out, "cancelled");

	strcpy(err.sqlstate, "57014");
	pgiam_cancel_watch_request(&w);
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_ERROR, "x"), &err), PGIAM_CANCEL_CONFIRMED);

	strcpy(err.sqlstate, "42501");
	pgiam_cancel_watch_request(&w);
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_ERROR, "x"), &err), PGIAM_CANCEL_FAILED);
	assert_string_equal(out, "not cancelled: the statement failed first (ERROR 42501)");

	pgiam_cancel_watch_request(&w);
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_COMMAND, "INSERT 0 1"), NULL), PGIAM_CANCEL_NONE);
	assert_int_equal(feed(&w, out, ev(PGIAM_SEV_LOST, "gone"), NULL), PGIAM_CANCEL_UNKNOWN);
	assert_non_null(strstr(out, "connection was lost after INSERT 0 1 completed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_request_no_outcome),
		cmocka_unit_test(test_completed_write_says_so),
		cmocka_unit_test(test_confirmed_and_other_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
