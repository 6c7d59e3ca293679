/* profile_auth.c - pgiam_auth options from a profile (see profile_auth.h). */
#include "profile_auth.h"

#include "credcache.h"
#include "error.h"
#include "mfa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Where the source credentials will come from, in words, without resolving them: the
 * cached session's key includes it, so that another source never gets this one's. */
static void source_identity(char *out, size_t len, const pgiam_profile *profile)
{
	const char *sp = pgiam_profile_source_profile(profile);
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *web = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *env_profile = getenv("AWS_PROFILE");
	const char *files[] = { getenv("AWS_CONFIG_FILE"), getenv("AWS_SHARED_CREDENTIALS_FILE") };

	if (!env_profile || !*env_profile)
		env_profile = getenv("AWS_DEFAULT_PROFILE");
	if (sp)
		snprintf(out, len, "aws profile %s", sp);
	else if (akid && *akid)
		snprintf(out, len, "environment %s", akid);
	else if (web && *web)
		snprintf(out, len, "web identity %s for %s", web, getenv("AWS_ROLE_ARN") ?
			getenv("AWS_ROLE_ARN") : "");
	else
		snprintf(out, len, "aws profile %s", env_profile && *env_profile ? env_profile :
			"default");
	/* the same profile name in other AWS files is another identity */
	snprintf(out + strlen(out), len - strlen(out), " (%s, %s)", files[0] ? files[0] : "",
		files[1] ? files[1] : "");
}

void pgiam_profile_auth_options(pgiam_auth_options *out, const pgiam_profile *profile)
{
	pgiam_auth_options opts = PGIAM_AUTH_OPTIONS_INIT;

	opts.region = pgiam_profile_region(profile);
	opts.role_arn = pgiam_profile_role_arn(profile);
	opts.external_id = pgiam_profile_external_id(profile);
	opts.session_name = pgiam_profile_session_name(profile);
	opts.duration = pgiam_profile_duration(profile);
	opts.source_profile = pgiam_profile_source_profile(profile);
	opts.sts_endpoint = pgiam_profile_sts_endpoint(profile);
	opts.process_timeout = pgiam_profile_credential_process_timeout(profile);
	opts.mfa_serial = pgiam_profile_mfa_serial(profile);
	opts.mfa_code = pgiam_mfa_code;  /* also for AWS config roles with mfa_serial */
	*out = opts;
}

static int cache_enabled(const pgiam_profile *profile)
{
	const char *off = getenv("PGIAM_NO_CREDENTIAL_CACHE");

	return pgiam_profile_cache_credentials(profile) && !(off && *off);
}

/* The options with the cache's directory and source identity filled in (lent by dir and
 * source) when the profile caches. */
static void options_with_cache(pgiam_auth_options *opts, char *dir, size_t dirlen,
	char *source, size_t sourcelen, const pgiam_profile *profile)
{
	pgiam_profile_auth_options(opts, profile);
	if (cache_enabled(profile) && pgiam_credcache_dir(dir, dirlen) == 0) {
		source_identity(source, sourcelen, profile);
		opts->cache_dir = dir;
		opts->source_id = source;
	}
	pgiam_error_clear();
}

int pgiam_profile_auth_new(pgiam_auth **out, const pgiam_profile *profile)
{
	pgiam_auth_options opts;
	char dir[1024], source[1024];

	options_with_cache(&opts, dir, sizeof(dir), source, sizeof(source), profile);
	return pgiam_auth_new_options(out, &opts);
}

int pgiam_profile_mfa_needed(const pgiam_profile *profile)
{
	pgiam_auth_options opts;
	pgiam_credcache_entry e;
	char dir[1024], source[1024], key[PGIAM_CREDCACHE_KEY_LEN + 1];
	int found;

	if (!pgiam_profile_mfa_serial(profile) || !pgiam_profile_role_arn(profile))
		return 0;
	options_with_cache(&opts, dir, sizeof(dir), source, sizeof(source), profile);
	if (!opts.cache_dir)
		return 1;
	pgiam_auth_cache_key(key, &opts);
	found = pgiam_credcache_load(&e, opts.cache_dir, key,
		time(NULL) + PGIAM_AUTH_REFRESH_BEFORE) == 0;
	if (found)
		pgiam_creds_dispose(&e.creds);
	pgiam_error_clear();
	return !found;
}

int pgiam_profile_logout(int *removed, const pgiam_profile *profile)
{
	char dir[1024];
	int error;

	*removed = 0;
	if ((error = pgiam_credcache_dir(dir, sizeof(dir))) < 0)
		return error;
	if (profile && !pgiam_profile_role_arn(profile))
		return 0;  /* no role: nothing of it is ever cached */
	return pgiam_credcache_clear(removed, dir, profile ? pgiam_profile_role_arn(profile) : NULL,
		profile ? pgiam_profile_session_name(profile) : NULL);
}
