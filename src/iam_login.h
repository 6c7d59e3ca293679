/* iam_login.h - a session's login with IAM: credentials, then an RDS token signed for
 * the session's target, as the session's login callback (pg/session.h) wants them.
 *
 * Glue between the AWS layer (credentials, token) and the PostgreSQL layer (session),
 * which know nothing of each other. */
#ifndef PGIAM_IAM_LOGIN_H
#define PGIAM_IAM_LOGIN_H

#include "creds.h"
#include "session.h"

/* Gets credentials in the session's worker thread (may block on STS). */
typedef int (*pgiam_iam_creds_fn)(pgiam_creds *out, pgiam_session_progress *progress,
	void *ctx);

/* Calls creds(ctx), refuses credentials with a minute or less left, reports the source
 * credentials and token steps, and signs the token for target into *out (the session
 * wipes it). Negative with the last error set on failure. */
int pgiam_iam_login(pgiam_session_login *out, const pgiam_session_login_target *target,
	pgiam_session_progress *progress, pgiam_iam_creds_fn creds, void *ctx);

/* A pgiam_session_login_fn with the environment's static keys (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): the low-level mode without a profile. */
int pgiam_iam_login_env(pgiam_session_login *out, const pgiam_session_login_target *target,
	pgiam_session_progress *progress, void *ctx);

#endif
