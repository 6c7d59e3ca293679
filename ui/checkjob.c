/* checkjob.c - the check as a background job (job.h; see checkjob.h). */
#include "checkjob.h"

#include "buf.h"
#include "check.h"
#include "error.h"
#include "job.h"
#include "profile.h"
#include "session_profile.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgiam_checkjob {
	pthread_mutex_t lock;
	pgiam_check_step steps[PGIAM_CHECK__COUNT];  /* snapshot, under lock */
	int finished;                                /* under lock */
	int failed_step;
	char message[1024];
	long total_ms;
	char summary[128];
	pgiam_job *job;               /* runs the check; frees this struct (ctx_free) */
	pgiam_profile *profile;
	pgiam_session_params params;
	pgiam_check_result result;    /* the job's */
	int seen_finished;
};

/* What the check's step callback needs: the job (to wake the loop) is the thread's own
 * handle, never read from j->job, which the UI writes once the job has started. */
typedef struct run_ctx {
	pgiam_checkjob *j;
	pgiam_job *self;
} run_ctx;

static void job_destroy(void *arg)
{
	pgiam_checkjob *j = arg;

	pgiam_check_result_dispose(&j->result);
	pgiam_profile_free(j->profile);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static void on_step(const pgiam_check_result *r, const pgiam_check_step *step, void *ctx)
{
	run_ctx *rc = ctx;

	(void)step;
	pthread_mutex_lock(&rc->j->lock);
	memcpy(rc->j->steps, r->steps, sizeof(rc->j->steps));
	pthread_mutex_unlock(&rc->j->lock);
	pgiam_job_wake(rc->self);
}

static void job_main(pgiam_job *self, void *arg)
{
	pgiam_checkjob *j = arg;
	pgiam_check_options o = PGIAM_CHECK_OPTIONS_INIT;
	run_ctx ctx = { j, self };
	int rc = 0;

	o.name = pgiam_profile_name(j->profile);
	o.params = &j->params;
	o.iam = 1;
	o.step_cb = on_step;
	o.ctx = &ctx;
	o.profile = j->profile;
	/* set when the view closes before the end (pgiam_job_abandon): the connect or
	 * catalog query in progress stops (the server is sent a cancel request) */
	o.cancel = pgiam_job_cancel_flag(self);
	rc = pgiam_check_run(&j->result, &o);
	pthread_mutex_lock(&j->lock);
	memcpy(j->steps, j->result.steps, sizeof(j->steps));
	j->failed_step = rc < 0 ? -1 : j->result.failed_step;
	snprintf(j->message, sizeof(j->message), "%s", rc < 0 ? pgiam_error_last()
		: j->result.message);
	j->total_ms = j->result.total_ms;
	j->finished = 1;
	pthread_mutex_unlock(&j->lock);
}

int pgiam_checkjob_start(pgiam_checkjob **out, const char *dir, const char *name)
{
	pgiam_checkjob *j = calloc(1, sizeof(*j));
	int error = 0;

	*out = NULL;
	if (!j)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	pthread_mutex_init(&j->lock, NULL);
	if ((error = pgiam_profile_load_named(&j->profile, dir, name)) < 0)
		goto cleanup;
	if ((error = pgiam_session_params_from_profile(&j->params, j->profile)) < 0)
		goto cleanup;
	if ((error = pgiam_job_start(&j->job, job_main, j, job_destroy)) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", pgiam_error_last());
		error = pgiam_error_set(error, "check: %s", why);
		goto cleanup;
	}
	*out = j;
	j = NULL;
cleanup:
	if (j)
		job_destroy(j);
	return error;
}

int pgiam_checkjob_fd(const pgiam_checkjob *j)
{
	return j->seen_finished ? -1 : pgiam_job_fd(j->job);
}

int pgiam_checkjob_update(pgiam_checkjob *j)
{
	int changed = pgiam_job_drain(j->job);   /* a step was reported, or the end */

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
	if (!j)
		return;
	/* the job frees j (job_destroy): at once when the check has ended, else when it
	 * has stopped, told to by the cancel flag */
	if (pgiam_job_done(j->job))
		pgiam_job_free(j->job);
	else
		pgiam_job_abandon(j->job);
}
