/* session_profile.c - credentials for a profile's session through pgiam_auth, with
 * the steps (source credentials, AssumeRole) reported as the worker thread runs them.
 * Uses only the session's public API: the login callback and its context. */
#include "session_profile.h"

#include "error.h"
#include "iam_login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct profile_ctx {
	pgiam_auth *auth;
	int has_role;
	int used_cached;       /* the last connect signed with cached assumed credentials */
	int reassume_pending;  /* the server refused those: the next connect assumes again */
	int reassumed;         /* the last connect's credentials came from that */
} profile_ctx;

int pgiam_session_params_from_profile(pgiam_session_params *out, const pgiam_profile *profile)
{
	pgiam_profile_problem problem;
	size_t count = 0;
	pgiam_session_params p = PGIAM_SESSION_PARAMS_INIT;

	if (pgiam_profile_validate(profile, &problem, 1, &count) > 0)
		return pgiam_error_set(PGIAM_EINVAL, "%s", count ? problem.message :
			"the profile has errors (see pgiam profiles)");
	p.host = pgiam_profile_host(profile);
	p.port = pgiam_profile_port(profile);
	p.connect_host = pgiam_profile_connect_host(profile);
	p.connect_port = pgiam_profile_connect_port(profile);
	p.dbname = pgiam_profile_database(profile);
	p.user = pgiam_profile_db_user(profile);
	p.region = pgiam_profile_region(profile);
	p.sslmode = pgiam_profile_sslmode(profile);
	p.sslrootcert = pgiam_profile_ca_bundle(profile);
	p.read_only = pgiam_profile_read_only(profile);
	p.read_only_origin = p.read_only ? "the profile's read_only = true" : NULL;
	p.iam_role = pgiam_profile_role_arn(profile);
	p.account_id = pgiam_profile_account_id(profile);
	p.dbi_resource_id = pgiam_profile_dbi_resource_id(profile);
	*out = p;
	return 0;
}

static void fmt_until(char *out, size_t outlen, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* When AssumeRole was sent: the credentials step ends and the AssumeRole step
 * begins there, so each shows its own time. Reported only once pgiam_auth returns,
 * because a failure there may still be the source credentials' (expired). */
static void on_assume(void *arg, const char *source)
{
	(void)source;
	*(long long *)arg = pgiam_session_progress_clock_ms();
}

static void note_cached(profile_ctx *c, int cached);

/* Runs in the session's worker thread. */
static int profile_creds(pgiam_creds *out, pgiam_session_progress *progress, void *arg)
{
	profile_ctx *c = arg;
	long long assume_at = 0;
	pgiam_auth_info info; /* a copy: a UI's background refresh may change auth meanwhile */
	int before;
	int error;
	char detail[PGIAM_AUTH_ARN_MAX + 128], until[32];

	pgiam_auth_info_get(&info, c->auth);
	before = info.assume_count;

	/* The flag belongs to this connect attempt: a cancel that comes before this
	 * thread gets here is not lost. */
	pgiam_auth_set_cancel(c->auth, pgiam_session_progress_cancel_flag(progress));
	/* pgiam_auth resolves the source and assumes the role in one call; on_assume
	 * notes when AssumeRole was sent (never, when the credentials were cached). */
	error = pgiam_auth_get_progress(out, c->auth, pgiam_session_progress_now(progress),
		on_assume, &assume_at);
	/* Other users of the auth (a UI's background refresh) must not see this
	 * attempt's cancel flag. */
	pgiam_auth_set_cancel(c->auth, NULL);
	pgiam_auth_info_get(&info, c->auth);
	if (error < 0) {
		/* Expired source credentials show up at AssumeRole; they are the source's fault. */
		int source_fault = !c->has_role || !info.source[0] ||
			pgiam_error_last_class() == PGIAM_ECLASS_CREDENTIALS;
		if (!source_fault) {
			pgiam_session_progress_report_at(progress, PGIAM_STEP_CREDENTIALS, 1,
				info.source, assume_at);
			pgiam_session_progress_report_at(progress, PGIAM_STEP_ASSUME_ROLE, 0,
				pgiam_auth_role_arn(c->auth), assume_at);
		}
		return error;
	}
	pgiam_session_progress_report_at(progress, PGIAM_STEP_CREDENTIALS, 1,
		info.source, assume_at);
	if (c->has_role) {
		pgiam_session_progress_report_at(progress, PGIAM_STEP_ASSUME_ROLE, 0,
			pgiam_auth_role_arn(c->auth), assume_at);
		/* the expiry of the credentials this attempt got, even if a refresh came since */
		fmt_until(until, sizeof(until), out->expiration ? out->expiration : info.session_expiry);
		note_cached(c, info.assume_count == before);
		snprintf(detail, sizeof(detail), "%s until %s%s",
			info.assumed_arn[0] ? info.assumed_arn : "?", until,
			c->used_cached ? " (cached)" : c->reassumed ? " (assumed again: the server "
			"refused the cached session's token)" : "");
		pgiam_session_progress_report(progress, PGIAM_STEP_ASSUME_ROLE, 1, detail);
	}
	return 0;
}

/* What the connect's credentials were: cached, or assumed (again, after a refusal).
 * Worker thread; the main thread reads these only after joining it. */
static void note_cached(profile_ctx *c, int cached)
{
	c->used_cached = cached;
	c->reassumed = !cached && c->reassume_pending;
	c->reassume_pending = 0;
}

/* The server refused a token (PAM). When it was signed with cached assumed-role
 * credentials, drop them (the next connect assumes the role again) and say so with 1;
 * 0 otherwise (no role, or they were just assumed). Caller's thread, worker joined. */
static int profile_refused(void *arg, const char *why)
{
	profile_ctx *c = arg;

	if (!c->has_role || !c->used_cached)
		return 0;
	c->used_cached = 0;
	if (!pgiam_auth_forget_session(c->auth, why))
		return 0;
	c->reassume_pending = 1;
	return 1;
}

/* Runs in the session's worker thread. */
static int profile_login(pgiam_session_login *out, const pgiam_session_login_target *target,
	pgiam_session_progress *progress, void *arg)
{
	profile_ctx *c = arg;
	int error = pgiam_iam_login(out, target, progress, profile_creds, c);

	out->reassumed = c->reassumed;
	return error;
}

static void profile_ctx_free(void *arg)
{
	profile_ctx *c = arg;

	if (!c)
		return;
	pgiam_auth_free(c->auth);
	free(c);
}

int pgiam_session_new_profile(pgiam_session **out, const pgiam_profile *profile,
	const pgiam_session_params *params)
{
	pgiam_session_params p;
	profile_ctx *c = NULL;
	int error = 0;

	*out = NULL;
	if (params)
		p = *params;
	else if ((error = pgiam_session_params_from_profile(&p, profile)) < 0)
		return error;
	if (!(c = calloc(1, sizeof(*c))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if ((error = pgiam_profile_auth_new(&c->auth, profile)) < 0)
		goto cleanup;
	c->has_role = pgiam_profile_role_arn(profile) != NULL;
	p.login = profile_login;
	p.login_ctx = c;
	p.login_cancel = NULL;  /* the progress's cancel flag reaches pgiam_auth */
	p.login_refused = profile_refused;
	p.login_ctx_free = profile_ctx_free;
	p.password = NULL;
	if ((error = pgiam_session_new(out, &p)) < 0)
		goto cleanup;
	c = NULL;  /* the session's now */

cleanup:
	profile_ctx_free(c);
	return error;
}

static profile_ctx *ctx_of(const pgiam_session *s)
{
	return pgiam_session_login_ctx(s, profile_login);
}

pgiam_auth *pgiam_session_auth(const pgiam_session *s)
{
	profile_ctx *c = ctx_of(s);

	return c ? c->auth : NULL;
}
