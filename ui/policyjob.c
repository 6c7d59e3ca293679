/* policyjob.c - the policy in a thread (see policyjob.h). */
#include "policyjob.h"

#include "buf.h"
#include "error.h"
#include "policy.h"
#include "profile.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pgiam_policyjob {
	pthread_mutex_t lock;
	int finished;          /* under lock */
	int abandoned;         /* under lock: the thread frees */
	pgiam_buf text;        /* under lock once the thread runs */
	int seen_finished;
	int pipe[2];
	pgiam_profile *profile;
};

static void job_destroy(pgiam_policyjob *j)
{
	if (j->pipe[0] >= 0)
		close(j->pipe[0]);
	if (j->pipe[1] >= 0)
		close(j->pipe[1]);
	pgiam_buf_dispose(&j->text);
	pgiam_profile_free(j->profile);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

/* The profile's problems, as `pgiam policy` prints them; the number of errors. */
static int load_profile(pgiam_policyjob *j, const char *dir, const char *name)
{
	pgiam_profile_problem problems[16];
	size_t count = 0;
	int errors = 0;

	if (pgiam_profile_load_named(&j->profile, dir, name) < 0) {
		pgiam_buf_printf(&j->text, "pgiam: policy: %s\n", pgiam_error_last());
		return 1;
	}
	errors = pgiam_profile_validate(j->profile, problems, sizeof(problems) / sizeof(problems[0]),
		&count);
	for (size_t i = 0; i < count; i++)
		if (problems[i].severity == PGIAM_PROBLEM_ERROR || errors == 0)
			pgiam_buf_printf(&j->text, "pgiam: policy: %s%s\n", problems[i].severity ==
				PGIAM_PROBLEM_ERROR ? "" : "warning: ", problems[i].message);
	return errors;
}

static void *job_main(void *arg)
{
	pgiam_policyjob *j = arg;
	pgiam_policy_options o = PGIAM_POLICY_OPTIONS_INIT;
	pgiam_policy *policy = NULL;
	pgiam_buf out = PGIAM_BUF_INIT;
	char caller[PGIAM_POLICY_ARN_MAX + 1];
	int abandoned = 0;
	char c = 'p';

	if (pgiam_policy_ask_caller(caller, sizeof(caller), j->profile) == 0)
		o.caller_arn = caller;
	else
		pgiam_buf_printf(&out, "pgiam: policy: warning: cannot ask STS who the source principal "
			"is (%s); using a placeholder\n", pgiam_error_last());
	if (pgiam_policy_build(&policy, j->profile, &o) == 0)
		pgiam_buf_puts(&out, pgiam_policy_text(policy));
	else
		pgiam_buf_printf(&out, "pgiam: policy: %s\n\nerror: no policy for this profile\n",
			pgiam_error_last());
	pgiam_policy_free(policy);
	pthread_mutex_lock(&j->lock);
	pgiam_buf_puts(&j->text, pgiam_buf_cstr(&out));
	j->finished = 1;
	abandoned = j->abandoned;
	if (!abandoned && write(j->pipe[1], &c, 1) < 0) {
		/* a full pipe already wakes the loop */
	}
	pthread_mutex_unlock(&j->lock);
	pgiam_buf_dispose(&out);
	if (abandoned)
		job_destroy(j);
	return NULL;
}

int pgiam_policyjob_start(pgiam_policyjob **out, const char *dir, const char *name)
{
	pgiam_policyjob *j = calloc(1, sizeof(*j));
	pthread_t thread;
	int error = 0;

	*out = NULL;
	if (!j)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	pthread_mutex_init(&j->lock, NULL);
	j->pipe[0] = j->pipe[1] = -1;
	if (load_profile(j, dir, name) > 0) {
		pgiam_buf_puts(&j->text, "\nerror: no policy for this profile\n");
		j->finished = j->seen_finished = 1;
		*out = j;
		return 0;
	}
	if (pipe2(j->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		error = pgiam_error_set(PGIAM_EIO, "policy: cannot create a pipe");
		goto cleanup;
	}
	if (pthread_create(&thread, NULL, job_main, j) != 0) {
		error = pgiam_error_set(PGIAM_ERROR, "policy: cannot start a thread");
		goto cleanup;
	}
	pthread_detach(thread);
	*out = j;
	j = NULL;
cleanup:
	if (j)
		job_destroy(j);
	return error;
}

int pgiam_policyjob_fd(const pgiam_policyjob *j)
{
	return j->seen_finished ? -1 : j->pipe[0];
}

int pgiam_policyjob_update(pgiam_policyjob *j)
{
	char buf[16];
	int changed = 0;

	if (j->seen_finished)
		return 0;
	while (read(j->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&j->lock);
	if (j->finished)
		changed = j->seen_finished = 1;
	pthread_mutex_unlock(&j->lock);
	return changed;
}

char *pgiam_policyjob_text(pgiam_policyjob *j)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	pthread_mutex_lock(&j->lock);
	pgiam_buf_puts(&b, pgiam_buf_cstr(&j->text));
	if (!j->finished)
		pgiam_buf_puts(&b, "\n\xE2\x80\xA6\n");
	pthread_mutex_unlock(&j->lock);
	return pgiam_buf_detach(&b);
}

void pgiam_policyjob_free(pgiam_policyjob *j)
{
	int finished = 0;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	finished = j->finished;
	if (!finished)
		j->abandoned = 1;
	pthread_mutex_unlock(&j->lock);
	if (finished)
		job_destroy(j);
}
