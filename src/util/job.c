/* job.c - one background job in a thread (see job.h). The job is shared by its owner
 * and its thread and freed by whichever lets go last, so an abandoned job never
 * makes the owner wait. */
#include "job.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pgiam_job {
	pgiam_job_fn fn;
	void *ctx;
	void (*ctx_free)(void *);
	pthread_t thread;
	int pipe[2];
	atomic_int done;
	pgiam_cancel cancel;
	atomic_int refs;          /* the owner's and the thread's */
};

static void release(pgiam_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	close(j->pipe[0]);
	close(j->pipe[1]);
	if (j->ctx_free)
		j->ctx_free(j->ctx);
	free(j);
}

static void *job_main(void *arg)
{
	pgiam_job *j = arg;

	j->fn(j, j->ctx);
	atomic_store(&j->done, 1);
	pgiam_job_wake(j);
	release(j);
	return NULL;
}

int pgiam_job_start(pgiam_job **out, pgiam_job_fn fn, void *ctx, void (*ctx_free)(void *))
{
	pgiam_job *j = calloc(1, sizeof(*j));
	int error;

	*out = NULL;
	if (!j)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory starting a job");
	j->fn = fn;
	j->ctx = ctx;
	j->ctx_free = ctx_free;
	atomic_init(&j->done, 0);
	atomic_init(&j->cancel, 0);
	atomic_init(&j->refs, 2);
	if (pipe2(j->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot create a pipe: %s", strerror(errno));
		free(j);
		return error;
	}
	if ((error = pthread_create(&j->thread, NULL, job_main, j)) != 0) {
		close(j->pipe[0]);
		close(j->pipe[1]);
		free(j);
		return pgiam_error_set(PGIAM_ERROR, "cannot start a thread: %s", strerror(error));
	}
	*out = j;
	return 0;
}

int pgiam_job_fd(const pgiam_job *j)
{
	return j->pipe[0];
}

void pgiam_job_wake(pgiam_job *j)
{
	char c = 'j';

	if (write(j->pipe[1], &c, 1) < 0) {
		/* EAGAIN: the pipe is full, which wakes the owner already */
	}
}

int pgiam_job_drain(pgiam_job *j)
{
	char buf[64];
	int woken = 0;

	while (read(j->pipe[0], buf, sizeof(buf)) > 0)
		woken = 1;
	return woken;
}

int pgiam_job_poll(pgiam_job *j)
{
	pgiam_job_drain(j);
	return pgiam_job_done(j);
}

int pgiam_job_done(const pgiam_job *j)
{
	return atomic_load(&j->done);
}

void pgiam_job_cancel(pgiam_job *j)
{
	pgiam_cancel_request(&j->cancel);
}

pgiam_cancel *pgiam_job_cancel_flag(pgiam_job *j)
{
	return &j->cancel;
}

void pgiam_job_free(pgiam_job *j)
{
	if (!j)
		return;
	pthread_join(j->thread, NULL);
	release(j);
}

void pgiam_job_abandon(pgiam_job *j)
{
	if (!j)
		return;
	pgiam_job_cancel(j);
	pthread_detach(j->thread);
	release(j);
}
