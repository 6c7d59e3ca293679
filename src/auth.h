/* auth.h - credentials for one profile, as the session and the TUI use them.
 *
 * Resolves the source credentials (chain.h), assumes the profile's role when it has
 * one (sts.h), and keeps the assumed credentials: they are reused until 5 minutes
 * before they expire, and a caller is never handed credentials that expire within
 * 60 s. One pgiam_auth may be used from a worker thread (calls on one object are
 * serialised by its own lock); there is no global state besides libcurl's init.
 */
#ifndef PGIAM_AUTH_H
#define PGIAM_AUTH_H

#include "creds.h"
#include "profile.h"

#include <time.h>

#define PGIAM_AUTH_REFRESH_BEFORE 300   /* reuse assumed creds until this close to expiry */
#define PGIAM_AUTH_MIN_LIFETIME 60      /* never hand out creds expiring sooner */

typedef struct pgiam_auth pgiam_auth; /* opaque */

/* Everything pgiam_auth needs, for callers without a profile (tests, tools). */
typedef struct pgiam_auth_options {
	const char *region;
	const char *role_arn;        /* NULL: use the source credentials directly */
	const char *external_id;
	const char *session_name;
	int duration;                /* 0: 3600 */
	const char *source_profile;  /* AWS profile for the source credentials, or NULL */
	const char *sts_endpoint;    /* NULL: the regional endpoint / environment */
} pgiam_auth_options;

#define PGIAM_AUTH_OPTIONS_INIT { NULL, NULL, NULL, NULL, 0, NULL, NULL }

int pgiam_auth_new(pgiam_auth **out, const pgiam_profile *profile);
int pgiam_auth_new_options(pgiam_auth **out, const pgiam_auth_options *opts);

/* Credentials good for signing a token at `now`: copies into *out (caller disposes). */
int pgiam_auth_get(pgiam_creds *out, pgiam_auth *auth, time_t now);

/* Drops cached credentials and resolves/assumes again. */
int pgiam_auth_refresh(pgiam_auth *auth);

/* Calls GetCallerIdentity with the source credentials and remembers the caller ARN
 * (pgiam_auth_caller_arn) and account (pgiam_auth_caller_account). */
int pgiam_auth_whoami(pgiam_auth *auth);

/* Getters lend strings owned by auth, valid until the next call on it. */
const char *pgiam_auth_source(const pgiam_auth *auth);        /* "environment", …; NULL before resolving */
const char *pgiam_auth_caller_arn(const pgiam_auth *auth);    /* after whoami, may be NULL */
const char *pgiam_auth_caller_account(const pgiam_auth *auth);/* after whoami, may be NULL */
const char *pgiam_auth_assumed_arn(const pgiam_auth *auth);   /* NULL without role */
const char *pgiam_auth_role_arn(const pgiam_auth *auth);      /* configured role or NULL */
const char *pgiam_auth_session_name(const pgiam_auth *auth);
time_t pgiam_auth_session_expiry(const pgiam_auth *auth);     /* 0 if none */
int pgiam_auth_assume_count(const pgiam_auth *auth);          /* AssumeRole calls made */

/* Called by pgiam_auth_get_progress once the source credentials are ready and just
 * before AssumeRole is sent (not when cached credentials are returned), so a caller
 * can time the two steps apart. Same thread and lock rules as the event callback. */
typedef void (*pgiam_auth_assume_fn)(void *ctx, const char *source);

/* pgiam_auth_get, telling on_assume (may be NULL) when AssumeRole starts. */
int pgiam_auth_get_progress(pgiam_creds *out, pgiam_auth *auth, time_t now,
	pgiam_auth_assume_fn on_assume, void *ctx);

void pgiam_auth_set_cancel(pgiam_auth *auth, const volatile int *flag);
/* Events for the TUI's log ("assumed role X until HH:MM", "refreshed …"); no secrets.
 * Called on the thread that calls pgiam_auth_get/refresh, with the object's lock held:
 * the callback may read the getters but must not call get/refresh/whoami. */
void pgiam_auth_set_event_cb(pgiam_auth *auth, void (*cb)(void *ctx, const char *event), void *ctx);

void pgiam_auth_free(pgiam_auth *auth);

#endif
