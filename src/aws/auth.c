/* auth.c - source credentials + AssumeRole with caching and refresh for one profile. */
#include "auth.h"

#include "chain.h"
#include "credcache.h"
#include "error.h"
#include "secure.h"
#include "sts.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two locks: `lock` serialises get/refresh/whoami (held across STS calls) and guards
 * the working fields; `info_lock` guards only `info`, the copy readers get, and is
 * held just to copy it, so a reader never waits for the network. */
struct pgiam_auth {
	pthread_mutex_t lock;
	pthread_mutex_t info_lock;
	pgiam_auth_info info;        /* published state, under info_lock */
	char *region, *role_arn, *external_id, *session_name, *source_profile, *sts_endpoint;
	char *mfa_serial, *cache_dir, *source_id;
	char cache_key[PGIAM_CREDCACHE_KEY_LEN + 1];
	char cached_path[512];
	pgiam_mfa_code_fn mfa_code;
	void *mfa_ctx;
	int duration;
	int process_timeout;
	pgiam_creds source;          /* cached source credentials */
	pgiam_creds assumed;         /* cached assumed-role credentials */
	char *assumed_arn;
	char *caller_arn, *caller_account;
	char *source_desc;
	int assume_count;
	const pgiam_cancel *cancel;
	void (*event_cb)(void *ctx, const char *event);
	void *event_ctx;
};

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Makes the working state visible to pgiam_auth_info_get. Lock held. */
static void publish(pgiam_auth *a)
{
	pthread_mutex_lock(&a->info_lock);
	copy_str(a->info.source, sizeof(a->info.source), a->source_desc);
	copy_str(a->info.caller_arn, sizeof(a->info.caller_arn), a->caller_arn);
	copy_str(a->info.caller_account, sizeof(a->info.caller_account), a->caller_account);
	copy_str(a->info.assumed_arn, sizeof(a->info.assumed_arn), a->assumed_arn);
	a->info.session_expiry = a->role_arn ? a->assumed.expiration : a->source.expiration;
	a->info.assume_count = a->assume_count;
	copy_str(a->info.cached_path, sizeof(a->info.cached_path), a->cached_path);
	pthread_mutex_unlock(&a->info_lock);
}

static void emit(pgiam_auth *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(pgiam_auth *a, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!a->event_cb)
		return;
	publish(a); /* the callback may read the state the event is about */
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->event_cb(a->event_ctx, line);
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src && *src && !(*dst = pgiam_strdup(src)))
		return PGIAM_ENOMEM;
	return 0;
}

void pgiam_auth_cache_key(char out[65], const pgiam_auth_options *opts)
{
	pgiam_credcache_id id = { opts->source_id, opts->role_arn, opts->external_id,
		opts->session_name ? opts->session_name : "pgiam", opts->mfa_serial,
		opts->sts_endpoint };

	out[0] = '\0';
	if (opts->cache_dir && opts->role_arn)
		pgiam_credcache_key(out, &id);
}

int pgiam_auth_new_options(pgiam_auth **out, const pgiam_auth_options *opts)
{
	pgiam_auth *a = NULL;
	int error = 0;

	*out = NULL;
	if (!(a = calloc(1, sizeof(*a))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->info_lock, NULL);
	if ((error = dup_opt(&a->region, opts->region)) < 0 ||
	    (error = dup_opt(&a->role_arn, opts->role_arn)) < 0 ||
	    (error = dup_opt(&a->external_id, opts->external_id)) < 0 ||
	    (error = dup_opt(&a->session_name, opts->session_name ? opts->session_name : "pgiam")) < 0 ||
	    (error = dup_opt(&a->source_profile, opts->source_profile)) < 0 ||
	    (error = dup_opt(&a->sts_endpoint, opts->sts_endpoint)) < 0 ||
	    (error = dup_opt(&a->mfa_serial, opts->mfa_serial)) < 0 ||
	    (error = dup_opt(&a->cache_dir, opts->cache_dir)) < 0 ||
	    (error = dup_opt(&a->source_id, opts->source_id)) < 0)
		goto cleanup;
	a->duration = opts->duration > 0 ? opts->duration : 3600;
	a->process_timeout = opts->process_timeout;
	a->mfa_code = opts->mfa_code;
	a->mfa_ctx = opts->mfa_ctx;
	pgiam_auth_cache_key(a->cache_key, opts);
	*out = a;
	a = NULL;

cleanup:
	pgiam_auth_free(a);
	return error;
}

static void format_hhmm(char *out, size_t len, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%H:%M", &tm);
}

/* Source credentials valid for at least `margin` more seconds, cached. Lock held. */
static int ensure_source(pgiam_auth *a, time_t now, long margin)
{
	pgiam_chain_options copts = PGIAM_CHAIN_OPTIONS_INIT;
	pgiam_creds fresh = PGIAM_CREDS_INIT;
	int error = 0;

	if (a->source.access_key_id && pgiam_creds_seconds_left(&a->source, now) > margin)
		return 0;
	copts.aws_profile = a->source_profile;
	copts.region = a->region;
	copts.sts_endpoint = a->sts_endpoint;
	copts.cancel = a->cancel;
	copts.process_timeout = a->process_timeout;
	copts.mfa_code = a->mfa_code;
	copts.mfa_ctx = a->mfa_ctx;
	if ((error = pgiam_chain_resolve(&fresh, &copts)) < 0)
		return pgiam_error_classify(PGIAM_ECLASS_CREDENTIALS, error);
	if (fresh.expiration && pgiam_creds_seconds_left(&fresh, now) <= PGIAM_AUTH_MIN_LIFETIME) {
		pgiam_creds_dispose(&fresh);
		return pgiam_error_set_class(PGIAM_ECLASS_CREDENTIALS, PGIAM_EEXPIRED,
			"the source credentials (%s) expire within %d s: renew them",
			fresh.source ? fresh.source : "?", PGIAM_AUTH_MIN_LIFETIME);
	}
	pgiam_creds_dispose(&a->source);
	a->source = fresh;
	free(a->source_desc);
	a->source_desc = pgiam_strdup(a->source.source ? a->source.source : "unknown");
	return 0;
}

/* The cached session from disk when it lasts past the refresh margin; PGIAM_ENOTFOUND
 * otherwise. Lock held. */
static int from_disk(pgiam_auth *a, time_t now)
{
	pgiam_credcache_entry e;
	char until[16];

	if (!a->cache_key[0] || pgiam_credcache_load(&e, a->cache_dir, a->cache_key,
			now + PGIAM_AUTH_REFRESH_BEFORE) < 0) {
		pgiam_error_clear();
		return PGIAM_ENOTFOUND;
	}
	pgiam_creds_dispose(&a->assumed);
	a->assumed = e.creds;
	free(a->assumed_arn);
	a->assumed_arn = pgiam_strdup(e.assumed_arn);
	snprintf(a->cached_path, sizeof(a->cached_path), "%.511s", e.path);
	if (!a->source_desc)
		a->source_desc = pgiam_strdup(e.creds.source ? e.creds.source : "cached");
	format_hhmm(until, sizeof(until), a->assumed.expiration);
	emit(a, "using the cached session of role %s until %s (%s)", a->role_arn, until, e.path);
	return 0;
}

/* AssumeRole with the source credentials. Lock held. */
static int assume(pgiam_auth *a, time_t now, int refreshing,
	pgiam_auth_assume_fn on_assume, void *ctx)
{
	pgiam_sts_config cfg = PGIAM_STS_CONFIG_INIT;
	pgiam_sts_assume_params params = { a->role_arn, a->session_name, a->external_id,
		a->duration, NULL, NULL };
	pgiam_sts_assumed got = PGIAM_STS_ASSUMED_INIT;
	char until[16], code[16] = "";
	int error = 0;

	/* a session this user assumed before (another command, an MFA code ago) */
	if ((error = from_disk(a, now)) != PGIAM_ENOTFOUND)
		goto cleanup;
	error = 0;
	if ((error = ensure_source(a, now, PGIAM_AUTH_MIN_LIFETIME)) < 0)
		goto cleanup;
	if (a->mfa_serial) {
		if (!a->mfa_code) {
			error = pgiam_error_set_class(PGIAM_ECLASS_CREDENTIALS, PGIAM_EINVAL,
				"the role %s needs an MFA code for %s and none can be asked for here",
				a->role_arn, a->mfa_serial);
			goto cleanup;
		}
		if ((error = a->mfa_code(code, sizeof(code), a->mfa_serial, a->mfa_ctx)) < 0)
			goto cleanup;
		params.serial_number = a->mfa_serial;
		params.token_code = code;
	}
	if (on_assume)
		on_assume(ctx, a->source_desc);
	cfg.region = a->region;
	cfg.endpoint = a->sts_endpoint;
	cfg.cancel = a->cancel;
	a->assume_count++;
	if ((error = pgiam_sts_assume_role(&got, &cfg, &a->source, &params)) < 0) {
		/* temporary source credentials the server calls expired: drop them, so the
		 * next attempt resolves the chain again */
		if (error == PGIAM_EEXPIRED)
			pgiam_creds_dispose(&a->source);
		/* a trust policy with aws:MultiFactorAuthPresent refuses like any other */
		if (error == PGIAM_EDENIED && !a->mfa_serial) {
			char was[1024];
			snprintf(was, sizeof(was), "%s", pgiam_error_last());
			pgiam_error_set(error, "%s (if the role's trust policy requires MFA, set "
				"mfa_serial in the profile to the MFA device's ARN)", was);
		}
		pgiam_error_classify(PGIAM_ECLASS_STS, error);
		goto cleanup;
	}
	if (pgiam_creds_seconds_left(&got.creds, time(NULL)) <= PGIAM_AUTH_MIN_LIFETIME) {
		error = pgiam_error_set_class(PGIAM_ECLASS_STS, PGIAM_EEXPIRED,
			"STS returned credentials for %s that expire within %d s: check the local clock",
			a->role_arn, PGIAM_AUTH_MIN_LIFETIME);
		goto cleanup;
	}
	pgiam_creds_dispose(&a->assumed);
	a->assumed = got.creds;
	memset(&got.creds, 0, sizeof(got.creds));
	free(a->assumed_arn);
	a->assumed_arn = got.assumed_arn;
	got.assumed_arn = NULL;
	format_hhmm(until, sizeof(until), a->assumed.expiration);
	emit(a, "%s role %s until %s (source: %s)", refreshing ? "refreshed" : "assumed",
		a->role_arn, until, a->source_desc ? a->source_desc : "?");
	a->cached_path[0] = '\0';
	/* a cache that cannot be written costs the next command an AssumeRole, no more */
	if (a->cache_key[0] && pgiam_credcache_store(a->cache_dir, a->cache_key, &a->assumed,
			a->role_arn, a->session_name, a->assumed_arn) < 0)
		emit(a, "could not cache the session: %s", pgiam_error_last());

cleanup:
	pgiam_wipe(code, sizeof(code));
	pgiam_sts_assumed_dispose(&got);
	return error;
}

int pgiam_auth_get(pgiam_creds *out, pgiam_auth *auth, time_t now)
{
	return pgiam_auth_get_progress(out, auth, now, NULL, NULL);
}

int pgiam_auth_get_progress(pgiam_creds *out, pgiam_auth *auth, time_t now,
	pgiam_auth_assume_fn on_assume, void *ctx)
{
	int error = 0;

	pthread_mutex_lock(&auth->lock);
	if (!auth->role_arn) {
		/* temporary source creds are renewed on the same schedule as assumed ones */
		if ((error = ensure_source(auth, now, PGIAM_AUTH_REFRESH_BEFORE)) < 0)
			goto cleanup;
		error = pgiam_creds_copy(out, &auth->source);
		goto cleanup;
	}
	if (!auth->assumed.access_key_id ||
	    pgiam_creds_seconds_left(&auth->assumed, now) <= PGIAM_AUTH_REFRESH_BEFORE) {
		int refreshing = auth->assumed.access_key_id != NULL;
		error = assume(auth, now, refreshing, on_assume, ctx);
		/* a failed refresh still leaves usable creds while they have a minute left */
		if (error < 0 && !(refreshing &&
		    pgiam_creds_seconds_left(&auth->assumed, now) > PGIAM_AUTH_MIN_LIFETIME))
			goto cleanup;
		if (error < 0)
			emit(auth, "refresh of role %s failed, still using the current session: %s",
				auth->role_arn, pgiam_error_last());
		error = 0;
	}
	error = pgiam_creds_copy(out, &auth->assumed);

cleanup:
	publish(auth);
	pthread_mutex_unlock(&auth->lock);
	return error;
}

int pgiam_auth_refresh(pgiam_auth *auth)
{
	int error = 0;
	time_t now = time(NULL);

	pthread_mutex_lock(&auth->lock);
	pgiam_creds_dispose(&auth->source);
	if (auth->role_arn)
		error = assume(auth, now, auth->assumed.access_key_id != NULL, NULL, NULL);
	else if ((error = ensure_source(auth, now, PGIAM_AUTH_MIN_LIFETIME)) == 0)
		emit(auth, "refreshed source credentials (%s)", auth->source_desc);
	publish(auth);
	pthread_mutex_unlock(&auth->lock);
	return error;
}

int pgiam_auth_forget_session(pgiam_auth *auth, const char *why)
{
	int dropped = 0;

	pthread_mutex_lock(&auth->lock);
	if (auth->role_arn && auth->assumed.access_key_id) {
		pgiam_creds_dispose(&auth->assumed);
		if (auth->cache_key[0])
			pgiam_credcache_remove(auth->cache_dir, auth->cache_key);
		auth->cached_path[0] = '\0';
		dropped = 1;
		emit(auth, "the server refused a token signed with the cached session of role %s "
			"(%s): revoked or expired early? Dropped it; assuming the role again",
			auth->role_arn, why && *why ? why : "login refused");
	}
	publish(auth);
	pthread_mutex_unlock(&auth->lock);
	return dropped;
}

int pgiam_auth_whoami(pgiam_auth *auth)
{
	pgiam_sts_config cfg = PGIAM_STS_CONFIG_INIT;
	pgiam_sts_identity id = PGIAM_STS_IDENTITY_INIT;
	int error = 0;

	pthread_mutex_lock(&auth->lock);
	if ((error = ensure_source(auth, time(NULL), PGIAM_AUTH_MIN_LIFETIME)) < 0)
		goto cleanup;
	cfg.region = auth->region;
	cfg.endpoint = auth->sts_endpoint;
	cfg.cancel = auth->cancel;
	if ((error = pgiam_sts_get_caller_identity(&id, &cfg, &auth->source)) < 0)
		goto cleanup;
	free(auth->caller_arn);
	free(auth->caller_account);
	auth->caller_arn = id.arn;
	auth->caller_account = id.account;
	id.arn = id.account = NULL;

cleanup:
	pgiam_sts_identity_dispose(&id);
	publish(auth);
	pthread_mutex_unlock(&auth->lock);
	return error;
}

void pgiam_auth_info_get(pgiam_auth_info *out, pgiam_auth *auth)
{
	pthread_mutex_lock(&auth->info_lock);
	*out = auth->info;
	pthread_mutex_unlock(&auth->info_lock);
}

/* Set at creation and never changed, so no lock. */
const char *pgiam_auth_role_arn(const pgiam_auth *auth) { return auth->role_arn; }
const char *pgiam_auth_session_name(const pgiam_auth *auth) { return auth->session_name; }
const char *pgiam_auth_mfa_serial(const pgiam_auth *auth) { return auth->mfa_serial; }

void pgiam_auth_set_cancel(pgiam_auth *auth, const pgiam_cancel *flag)
{
	pthread_mutex_lock(&auth->lock);
	auth->cancel = flag;
	pthread_mutex_unlock(&auth->lock);
}

void pgiam_auth_set_event_cb(pgiam_auth *auth, void (*cb)(void *ctx, const char *event), void *ctx)
{
	pthread_mutex_lock(&auth->lock);
	auth->event_cb = cb;
	auth->event_ctx = ctx;
	pthread_mutex_unlock(&auth->lock);
}

void pgiam_auth_free(pgiam_auth *auth)
{
	if (!auth)
		return;
	pgiam_creds_dispose(&auth->source);
	pgiam_creds_dispose(&auth->assumed);
	free(auth->region);
	free(auth->role_arn);
	free(auth->external_id);
	free(auth->session_name);
	free(auth->source_profile);
	free(auth->mfa_serial);
	free(auth->cache_dir);
	free(auth->source_id);
	free(auth->sts_endpoint);
	free(auth->assumed_arn);
	free(auth->caller_arn);
	free(auth->caller_account);
	free(auth->source_desc);
	pthread_mutex_destroy(&auth->info_lock);
	pthread_mutex_destroy(&auth->lock);
	free(auth);
}
