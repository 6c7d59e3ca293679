/* policyjob.c - the policy as a background job (job.h; see policyjob.h). */
#include "policyjob.h"

#include "buf.h"
#include "error.h"
#include "job.h"
#include "policy.h"
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgiam_policyjob {
	pgiam_buf problems;    /* the profile's problems: written before the job starts */
	pgiam_buf report;      /* the job's; read only once the job is done (job.h) */
	int seen_finished;
	pgiam_job *job;        /* NULL when nothing was started (the profile has errors) */
	pgiam_profile *profile;
};

static void job_destroy(void *arg)
{
	pgiam_policyjob *j = arg;

	pgiam_buf_dispose(&j->problems);
	pgiam_buf_dispose(&j->report);
	pgiam_profile_free(j->profile);
	free(j);
}

/* The profile's problems, as `pgiam policy` prints them; the number of errors. */
static int load_profile(pgiam_policyjob *j, const char *dir, const char *name)
{
	pgiam_profile_problem problems[16];
	size_t count = 0;
	int errors = 0;

	if (pgiam_profile_load_named(&j->profile, dir, name) < 0) {
		pgiam_buf_printf(&j->problems, "pgiam: policy: %s\n", pgiam_error_last());
		return 1;
	}
	errors = pgiam_profile_validate(j->profile, problems, sizeof(problems) / sizeof(problems[0]),
		&count);
	for (size_t i = 0; i < count; i++)
		if (problems[i].severity == PGIAM_PROBLEM_ERROR || errors == 0)
			pgiam_buf_printf(&j->problems, "pgiam: policy: %s%s\n", problems[i].severity ==
				PGIAM_PROBLEM_ERROR ? "" : "warning: ", problems[i].message);
	return errors;
}

static void job_main(pgiam_job *self, void *arg)
{
	pgiam_policyjob *j = arg;
	pgiam_policy_options o = PGIAM_POLICY_OPTIONS_INIT;
	pgiam_policy *policy = NULL;
	char caller[PGIAM_POLICY_ARN_MAX + 1];

	(void)self;
	if (pgiam_policy_ask_caller(caller, sizeof(caller), j->profile) == 0)
		o.caller_arn = caller;
	else
		pgiam_buf_printf(&j->report, "pgiam: policy: warning: cannot ask STS who the source "
			"principal is (%s); using a placeholder\n", pgiam_error_last());
	if (pgiam_policy_build(&policy, j->profile, &o) == 0)
		pgiam_buf_puts(&j->report, pgiam_policy_text(policy));
	else
		pgiam_buf_printf(&j->report, "pgiam: policy: %s\n\nerror: no policy for this profile\n",
			pgiam_error_last());
	pgiam_policy_free(policy);
}

int pgiam_policyjob_start(pgiam_policyjob **out, const char *dir, const char *name)
{
	pgiam_policyjob *j = calloc(1, sizeof(*j));
	int error = 0;

	*out = NULL;
	if (!j)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (load_profile(j, dir, name) > 0) {
		pgiam_buf_puts(&j->problems, "\nerror: no policy for this profile\n");
		j->seen_finished = 1;
		*out = j;
		return 0;
	}
	if ((error = pgiam_job_start(&j->job, job_main, j, job_destroy)) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", pgiam_error_last());
		error = pgiam_error_set(error, "policy: %s", why);
		goto cleanup;
	}
	*out = j;
	j = NULL;
cleanup:
	if (j)
		job_destroy(j);
	return error;
}

int pgiam_policyjob_fd(const pgiam_policyjob *j)
{
	return j->seen_finished ? -1 : pgiam_job_fd(j->job);
}

int pgiam_policyjob_update(pgiam_policyjob *j)
{
	if (j->seen_finished || !pgiam_job_poll(j->job))
		return 0;
	j->seen_finished = 1;
	return 1;
}

char *pgiam_policyjob_text(pgiam_policyjob *j)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	pgiam_buf_puts(&b, pgiam_buf_cstr(&j->problems));
	if (j->seen_finished && j->job)
		pgiam_buf_puts(&b, pgiam_buf_cstr(&j->report));
	else if (!j->seen_finished)
		pgiam_buf_puts(&b, "\n\xE2\x80\xA6\n");
	return pgiam_buf_detach(&b);
}

void pgiam_policyjob_free(pgiam_policyjob *j)
{
	if (!j)
		return;
	if (!j->job)
		job_destroy(j);
	/* the job frees j (job_destroy): at once when it has ended, else when the STS
	 * call in progress returns */
	else if (pgiam_job_done(j->job))
		pgiam_job_free(j->job);
	else
		pgiam_job_abandon(j->job);
}
