/* test_job.c - the one background-job helper (job.h): the function runs in its thread,
 * its wake-ups and its end make the pipe readable, what it wrote is seen once done,
 * the cancel flag reaches it, free waits, and an abandoned job frees itself and its
 * context when the function returns (also when that is after the owner let go). Run
 * under ThreadSanitizer by tools/test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "job.h"

typedef struct ctx {
	atomic_int go;           /* the test lets the function go on */
	int result;              /* written by the function, read once done */
	int saw_cancel;
	atomic_int *freed;       /* set by ctx_free */
} ctx;

static int readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1;
}

static void wake_then_wait(pgiam_job *job, void *arg)
{
	ctx *c = arg;

	pgiam_job_wake(job);
	while (!atomic_load(&c->go) && !pgiam_cancel_requested(pgiam_job_cancel_flag(job)))
		poll(NULL, 0, 1);
	c->saw_cancel = pgiam_cancel_requested(pgiam_job_cancel_flag(job));
	c->result = 42;
}

static void ctx_free(void *arg)
{
	ctx *c = arg;

	atomic_store(c->freed, 1);
	free(c);
}

static void test_progress_then_done(void **state)
{
	ctx c = { 0 };
	pgiam_job *j = NULL;

	(void)state;
	assert_int_equal(pgiam_job_start(&j, wake_then_wait, &c, NULL), 0);
	assert_true(readable(pgiam_job_fd(j), 5000));      /* the wake-up */
	assert_int_equal(pgiam_job_drain(j), 1);
	assert_int_equal(pgiam_job_done(j), 0);             /* still waiting for go */
	atomic_store(&c.go, 1);
	while (!pgiam_job_poll(j))
		assert_true(readable(pgiam_job_fd(j), 5000));  /* the end wakes too */
	assert_int_equal(c.result, 42);
	assert_int_equal(c.saw_cancel, 0);
	pgiam_job_free(j);
}

static void test_cancel_reaches_fn(void **state)
{
	ctx c = { 0 };
	pgiam_job *j = NULL;

	(void)state;
	assert_int_equal(pgiam_job_start(&j, wake_then_wait, &c, NULL), 0);
	pgiam_job_cancel(j);
	pgiam_job_free(j);                                  /* waits for the function */
	assert_int_equal(c.result, 42);
	assert_int_equal(c.saw_cancel, 1);
}

static void test_abandon_frees_when_fn_returns(void **state)
{
	atomic_int freed = 0;
	ctx *c = calloc(1, sizeof(*c));
	pgiam_job *j = NULL;

	(void)state;
	assert_non_null(c);
	c->freed = &freed;
	assert_int_equal(pgiam_job_start(&j, wake_then_wait, c, ctx_free), 0);
	assert_true(readable(pgiam_job_fd(j), 5000));      /* the function is running */
	pgiam_job_abandon(j);                              /* cancels; never waits */
	for (int i = 0; i < 5000 && !atomic_load(&freed); i++)
		poll(NULL, 0, 1);
	assert_int_equal(atomic_load(&freed), 1);
}

static void quick(pgiam_job *job, void *arg)
{
	(void)job;
	((ctx *)arg)->result = 7;
}

static void test_abandon_after_the_end(void **state)
{
	atomic_int freed = 0;
	ctx *c = calloc(1, sizeof(*c));
	pgiam_job *j = NULL;

	(void)state;
	assert_non_null(c);
	c->freed = &freed;
	assert_int_equal(pgiam_job_start(&j, quick, c, ctx_free), 0);
	while (!pgiam_job_poll(j))
		assert_true(readable(pgiam_job_fd(j), 5000));
	pgiam_job_abandon(j);          /* whichever lets go last frees: never a wait */
	for (int i = 0; i < 5000 && !atomic_load(&freed); i++)
		poll(NULL, 0, 1);
	assert_int_equal(atomic_load(&freed), 1);
	pgiam_job_free(NULL);
	pgiam_job_abandon(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_then_done),
		cmocka_unit_test(test_cancel_reaches_fn),
		cmocka_unit_test(test_abandon_frees_when_fn_returns),
		cmocka_unit_test(test_abandon_after_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
