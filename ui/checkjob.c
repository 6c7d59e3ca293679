/* checkjob.c - the check in a thread (see checkjob.h). */
#include "checkjob.h"

#include "buf.h"
#include "check.h"
#include "error.h"
#include "profile.h"
#include "session_profile.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pgiam_checkjob {
	pthread_mutex_t lock;
	pgiam_check_step steps[PGIAM_CHECK__COUNT];  /* snapshot, under lock */
	int finished;                                /* under lock */
	int abandoned;                               /* under lock: the thread frees */
	int failed_step;
	char message[1024];
	long total_ms;
	char summary[128];
	int pipe[2];
	pthread_t thread;
	pgiam_profile *profile;
	pgiam_session_params params;
	pgiam_check_result result;    /* the thread's */
	int seen_finished;
	pgiam_cancel cancel;          /* set when the view closes before the end */
};

static void job_destroy(pgiam_checkjob *j)
{
	if (j->pipe[0] >= 0)
		close(j->pipe[0]);
	if (j->pipe[1] >= 0)
		close(j->pipe[1]);
	pgiam_check_result_dispose(&j->result);
	pgiam_profile_free(j->profile);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void wake(pgiam_checkjob *j)
{
	char c = 's';

	if (write(j->pipe[1], &c, 1) < 0) {
		/* a full pipe already wakes the loop */
	}
}

static void on_step(const pgiam_check_result *r, const pgiam_check_step *step, void *ctx)
{
	pgiam_checkjob *j = ctx;

	(void)step;
	pthread_mutex_lock(&j->lock);
	memcpy(j->steps, r->steps, sizeof(j->steps));
	pthread_mutex_unlock(&j->lock);
	wake(j);
}

static void *job_main(void *arg)
{
	pgiam_checkjob *j = arg;
	pgiam_check_options o = PGIAM_CHECK_OPTIONS_INIT;
	int rc = 0;
	int abandoned = 0;

	o.name = pgiam_profile_name(j->profile);
	o.params = &j->params;
	o.iam = 1;
	o.step_cb = on_step;
	o.ctx = j;
	o.profile = j->profile;
	o.cancel = &j->cancel;
	rc = pgiam_check_run(&j->result, &o);
	pthread_mutex_lock(&j->lock);
	memcpy(j->steps, j->result.steps, sizeof(j->steps));
	j->failed_step = rc < 0 ? -1 : j->result.failed_step;
	snprintf(j->message, sizeof(j->message), "%s", rc < 0 ? pgiam_error_last()
		: j->result.message);
	j->total_ms = j->result.total_ms;
	j->finished = 1;
	abandoned = j->abandoned;
	if (!abandoned)
		wake(j);  /* under the lock: the UI may free the job as soon as it is out */
	pthread_mutex_unlock(&j->lock);
	if (abandoned)
		job_destroy(j);
	return NULL;
}

int pgiam_checkjob_start(pgiam_checkjob **out, const char *dir, const char *name)
{
	pgiam_checkjob *j = calloc(1, sizeof(*j));
	int error = 0;

	*out = NULL;
	if (!j)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	pthread_mutex_init(&j->lock, NULL);
	j->pipe[0] = j->pipe[1] = -1;
	if ((error = pgiam_profile_load_named(&j->profile, dir, name)) < 0)
		goto cleanup;
	if ((error = pgiam_session_params_from_profile(&j->params, j->profile)) < 0)
		goto cleanup;
	if (pipe2(j->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		error = pgiam_error_set(PGIAM_EIO, "check: cannot create a pipe");
		goto cleanup;
	}
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		error = pgiam_error_set(PGIAM_ERROR, "check: cannot start a thread");
		goto cleanup;
	}
	pthread_detach(j->thread);
	*out = j;
	j = NULL;
cleanup:
	if (j)
		job_destroy(j);
	return error;
}

int pgiam_checkjob_fd(const pgiam_checkjob *j)
{
	return j->seen_finished ? -1 : j->pipe[0];
}

int pgiam_checkjob_update(pgiam_checkjob *j)
{
	char buf[64];
	int changed = 0;

	while (read(j->pipe[0], buf, sizeof(buf)) > 0)
		changed = 1;
	pthread_mutex_lock(&j->lock);
	if (j->finished && !j->seen_finished) {
		j->seen_finished = 1;
		changed = 1;
		if (j->failed_step > 0 && j->failed_step <= PGIAM_CHECK__COUNT)
			snprintf(j->summary, sizeof(j->summary), "FAIL %d %s", j->failed_step,
				j->steps[j->failed_step - 1].name ? j->steps[j->failed_step - 1].name : "");
		else if (j->failed_step < 0)
			snprintf(j->summary, sizeof(j->summary), "FAIL (not run)");
		else
			snprintf(j->summary, sizeof(j->summary), "ok %.2f s", (double)j->total_ms / 1000.0);
	}
	pthread_mutex_unlock(&j->lock);
	return changed;
}

int pgiam_checkjob_finished(const pgiam_checkjob *j)
{
	return j->seen_finished;
}

const char *pgiam_checkjob_summary(const pgiam_checkjob *j)
{
	return j->summary;
}

char *pgiam_checkjob_text(pgiam_checkjob *j)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char *out = NULL;

	pthread_mutex_lock(&j->lock);
	pgiam_buf_printf(&b, "# pgiam check %s\n", pgiam_profile_name(j->profile));
	for (int i = 0; i < PGIAM_CHECK__COUNT; i++) {
		const pgiam_check_step *st = &j->steps[i];
		const char *mark = "    ";

		switch (st->status) {
		case PGIAM_CHECK_PENDING:
			mark = "    ";
			break;
		case PGIAM_CHECK_RUNNING:
			mark = "..  ";
			break;
		case PGIAM_CHECK_PASS:
			mark = "ok  ";
			break;
		case PGIAM_CHECK_FAIL:
			mark = "FAIL";
			break;
		case PGIAM_CHECK_SKIP:
			mark = "skip";
			break;
		}
		pgiam_buf_printf(&b, "%s %2d %-20s %7ld ms  %s\n", mark, i + 1,
			st->name ? st->name : "", st->ms, st->detail);
	}
	if (j->finished) {
		if (j->failed_step > 0)
			pgiam_buf_printf(&b, "\nFAIL at step %d: %s\n", j->failed_step, j->message);
		else if (j->failed_step < 0)
			pgiam_buf_printf(&b, "\nerror: the check could not run: %s\n", j->message);
		else
			pgiam_buf_printf(&b, "\nok every step passed in %.2f s\n",
				(double)j->total_ms / 1000.0);
	} else {
		pgiam_buf_puts(&b, "\nchecking\xE2\x80\xA6 (Esc closes this view and stops the "
			"check)\n");
	}
	pthread_mutex_unlock(&j->lock);
	out = pgiam_buf_detach(&b);
	return out;
}

void pgiam_checkjob_free(pgiam_checkjob *j)
{
	int finished = 0;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	finished = j->finished;
	if (!finished) {
		j->abandoned = 1;
		/* nobody reads the result: the connect or catalog query in progress stops
		 * (the server is sent a cancel request), not left running to its end */
		pgiam_cancel_request(&j->cancel);
	}
	pthread_mutex_unlock(&j->lock);
	if (finished)
		job_destroy(j);
}
