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

#include "cancel.h"

#include "creds.h"

#include <time.h>

#define PGIAM_AUTH_REFRESH_BEFORE 300   /* reuse assumed creds until this close to expiry */
#define PGIAM_AUTH_MIN_LIFETIME 60      /* never hand out creds expiring sooner */

typedef struct pgiam_auth pgiam_auth; /* opaque */

/* Everything pgiam_auth needs (profile_auth.h fills it from a pgiam profile: the AWS
 * layer knows no profile types). */
typedef struct pgiam_auth_options {
	const char *region;
	const char *role_arn;        /* NULL: use the source credentials directly */
	const char *external_id;
	const char *session_name;
	int duration;                /* 0: 3600 */
	const char *source_profile;  /* AWS profile for the source credentials, or NULL */
	const char *sts_endpoint;    /* NULL: the regional endpoint / environment */
	int process_timeout;         /* credential_process deadline in s, 0: the default */
	const char *mfa_serial;      /* the MFA device the role requires, or NULL */
	pgiam_mfa_code_fn mfa_code;  /* asked for its code at every AssumeRole (also for AWS
	                                config roles with mfa_serial); NULL: none */
	void *mfa_ctx;
	const char *cache_dir;       /* assumed sessions cached here (credcache.h); NULL: off */
	const char *source_id;       /* the source's identity for the cache key, in words */
} pgiam_auth_options;

#define PGIAM_AUTH_OPTIONS_INIT { NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, NULL, \
	NULL, NULL }

int pgiam_auth_new_options(pgiam_auth **out, const pgiam_auth_options *opts);

/* The name (credcache.h) of the cached session these options would use; "" without a
 * role or a cache directory. */
void pgiam_auth_cache_key(char out[65], const pgiam_auth_options *opts);

/* Credentials good for signing a token at `now`: copies into *out (caller disposes). */
int pgiam_auth_get(pgiam_creds *out, pgiam_auth *auth, time_t now);

/* Drops cached credentials and resolves/assumes again. */
int pgiam_auth_refresh(pgiam_auth *auth);

/* Drops the cached assumed-role credentials (not the source's), so the next get
 * assumes the role again: the server refused a token signed with them, which means
 * they were revoked or expired early. why goes into the event ("PAM authentication
 * failed"). Returns 1 when there were some to drop, 0 without a role or a cache. */
int pgiam_auth_forget_session(pgiam_auth *auth, const char *why);

/* Calls GetCallerIdentity with the source credentials and remembers the caller ARN
 * and account (in pgiam_auth_info). */
int pgiam_auth_whoami(pgiam_auth *auth);

#define PGIAM_AUTH_ARN_MAX 2048      /* IAM's limit for an ARN */

/* What pgiam_auth knows, as of one moment. Everything here changes on refresh (from
 * any thread), so it is only handed out as a copy. Strings are "" when unknown and
 * are truncated (still terminated) if longer than their buffer. */
typedef struct pgiam_auth_info {
	char source[256];                          /* "environment", …; "" before resolving */
	char caller_arn[PGIAM_AUTH_ARN_MAX + 1];   /* after whoami */
	char caller_account[32];                   /* after whoami */
	char assumed_arn[PGIAM_AUTH_ARN_MAX + 1];  /* "" without role */
	time_t session_expiry;                     /* assumed (or source) creds; 0 if none */
	int assume_count;                          /* AssumeRole calls made */
	char cached_path[512];                     /* the session came from this cache
	                                              file ("" when assumed by this process) */
} pgiam_auth_info;

/* Copies the current state into *out. Safe from any thread at any time, also while
 * another thread is inside get/refresh/whoami (it never waits for STS: the state is
 * published under a second, short-held lock), and from the event callback. */
void pgiam_auth_info_get(pgiam_auth_info *out, pgiam_auth *auth);

/* Configuration, set by pgiam_auth_new_options and never changed: safe to read without a
 * lock from any thread while auth lives. Nothing that changes has a getter. */
const char *pgiam_auth_role_arn(const pgiam_auth *auth);      /* configured role or NULL */
const char *pgiam_auth_session_name(const pgiam_auth *auth);
const char *pgiam_auth_mfa_serial(const pgiam_auth *auth);    /* MFA device or NULL */

/* Called by pgiam_auth_get_progress once the source credentials are ready and just
 * before AssumeRole is sent (not when cached credentials are returned), so a caller
 * can time the two steps apart. Same thread and lock rules as the event callback. */
typedef void (*pgiam_auth_assume_fn)(void *ctx, const char *source);

/* pgiam_auth_get, telling on_assume (may be NULL) when AssumeRole starts. */
int pgiam_auth_get_progress(pgiam_creds *out, pgiam_auth *auth, time_t now,
	pgiam_auth_assume_fn on_assume, void *ctx);

void pgiam_auth_set_cancel(pgiam_auth *auth, const pgiam_cancel *flag);
/* Events for the TUI's log ("assumed role X until HH:MM", "refreshed …"); no secrets.
 * Called on the thread that calls pgiam_auth_get/refresh, with the object's lock held:
 * the callback may call pgiam_auth_info_get but must not call get/refresh/whoami. */
void pgiam_auth_set_event_cb(pgiam_auth *auth, void (*cb)(void *ctx, const char *event), void *ctx);

void pgiam_auth_free(pgiam_auth *auth);

#endif
