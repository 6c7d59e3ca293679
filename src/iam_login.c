/* iam_login.c - credentials + RDS token for a session's connect (see iam_login.h). */
#include "iam_login.h"

#include "error.h"
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fmt_time(char *out, size_t outlen, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%H:%M:%SZ", &tm);
}

/* The token is signed here, in the worker, right after the credentials: they are never
 * handed to the session, which only sees the token. */
static int sign(pgiam_session_login *out, const pgiam_session_login_target *t,
	pgiam_session_progress *progress, const pgiam_creds *creds)
{
	pgiam_token_params tp = { t->host, t->port, t->user, t->region, time(NULL) + t->time_offset };
	char detail[512], at[16];
	int error;

	pgiam_session_progress_report(progress, PGIAM_STEP_TOKEN, 0, "");
	if ((error = pgiam_token_generate(&out->password, &tp, creds)) < 0)
		return error;
	out->signed_at = tp.time;
	out->expires_at = pgiam_token_expiry(tp.time, creds->expiration, &out->expiry_by_creds);
	fmt_time(at, sizeof(at), out->expires_at);
	snprintf(detail, sizeof(detail), "signed for %s:%d as %s in %s, expires at %s%s",
		t->host, t->port, t->user, t->region, at, out->expiry_by_creds ?
		" (when the credentials that signed it expire, before its 15 minutes)" : "");
	pgiam_session_progress_report(progress, PGIAM_STEP_TOKEN, 1, detail);
	return 0;
}

int pgiam_iam_login(pgiam_session_login *out, const pgiam_session_login_target *target,
	pgiam_session_progress *progress, pgiam_iam_creds_fn creds, void *ctx)
{
	pgiam_creds c = PGIAM_CREDS_INIT;
	int error;

	if ((error = creds(&c, progress, ctx)) < 0)
		goto cleanup;
	if (pgiam_creds_seconds_left(&c, time(NULL)) <= 60) {
		error = pgiam_error_set(PGIAM_EEXPIRED, "source credentials: the credentials "
			"expire in %lds; a token needs credentials with more than a minute left",
			pgiam_creds_seconds_left(&c, time(NULL)));
		goto cleanup;
	}
	pgiam_session_progress_report(progress, PGIAM_STEP_CREDENTIALS, 1, c.source);
	out->creds_expiration = c.expiration;
	snprintf(out->creds_source, sizeof(out->creds_source), "%s", c.source ? c.source : "");
	error = sign(out, target, progress, &c);

cleanup:
	pgiam_creds_dispose(&c);
	return error;
}

static int env_creds(pgiam_creds *out, pgiam_session_progress *progress, void *ctx)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	int error;

	(void)ctx;
	if (!akid || !secret)
		return pgiam_error_set(PGIAM_ENOTFOUND, "source credentials: AWS_ACCESS_KEY_ID "
			"and AWS_SECRET_ACCESS_KEY are not set");
	error = pgiam_creds_set(out, akid, secret, getenv("AWS_SESSION_TOKEN"), 0, "environment");
	if (!error)
		pgiam_session_progress_report(progress, PGIAM_STEP_CREDENTIALS, 1, "environment");
	return error;
}

int pgiam_iam_login_env(pgiam_session_login *out, const pgiam_session_login_target *target,
	pgiam_session_progress *progress, void *ctx)
{
	return pgiam_iam_login(out, target, progress, env_creds, ctx);
}
