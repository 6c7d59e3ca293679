/* chain.c - resolving source credentials: the environment, the AWS shared files
 * (with role chaining and credential_process), then the container and instance
 * metadata providers (chain_metadata.c). */
#include "chain.h"

#include "ascii.h"
#include "awsfiles.h"
#include "error.h"
#include "http.h"
#include "secure.h"
#include "sso.h"
#include "sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROLE_CHAIN 5

int pgiam_chain_from_env(pgiam_creds *out)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
	time_t expiration = 0;

	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN");  /* the old name, still honoured by botocore */
	if ((!akid || !*akid) && (!secret || !*secret))
		return PGIAM_ENOTFOUND;
	if (!akid || !*akid)
		return pgiam_error_set(PGIAM_EINVAL,
			"AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both or neither");
	if (!secret || !*secret)
		return pgiam_error_set(PGIAM_EINVAL,
			"AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both or neither");
	if (exp && *exp && pgiam_sts_parse_time(&expiration, exp) < 0)
		return pgiam_error_set(PGIAM_EINVAL,
			"AWS_CREDENTIAL_EXPIRATION '%.40s' is not an ISO 8601 time", exp);
	if (expiration && expiration <= time(NULL))
		return pgiam_error_set(PGIAM_EEXPIRED,
			"the credentials in the environment expired at %s (AWS_CREDENTIAL_EXPIRATION): renew them",
			exp);
	return pgiam_creds_set(out, akid, secret, token, expiration, "environment");
}

static int static_keys(pgiam_creds *out, const pgiam_awsfiles *f, pgiam_awsfile which,
	const char *name)
{
	const char *akid = pgiam_awsfiles_get_in(f, which, name, "aws_access_key_id");
	const char *secret = pgiam_awsfiles_get_in(f, which, name, "aws_secret_access_key");
	const char *token = pgiam_awsfiles_get_in(f, which, name, "aws_session_token");
	const char *file = which == PGIAM_AWSFILE_CREDENTIALS ?
		pgiam_awsfiles_credentials_path(f) : pgiam_awsfiles_config_path(f);
	char what[400];

	if (!akid || !*akid)
		return PGIAM_ENOTFOUND;
	if (!secret || !*secret)
		return pgiam_error_set(PGIAM_EINVAL,
			"%s: profile %s has aws_access_key_id but no aws_secret_access_key", file, name);
	if (!token || !*token)
		token = pgiam_awsfiles_get_in(f, which, name, "aws_security_token");
	snprintf(what, sizeof(what), "profile %s (%s file)", name,
		which == PGIAM_AWSFILE_CREDENTIALS ? "credentials" : "config");
	return pgiam_creds_set(out, akid, secret, token, 0, what);
}

static int from_profile(pgiam_creds *out, const pgiam_awsfiles *f, const char *name,
	const pgiam_chain_options *opts, int depth);

static int parse_duration(int *out, const pgiam_awsfiles *f, const char *name)
{
	const char *d = pgiam_awsfiles_get(f, name, "duration_seconds");
	char *end = NULL;
	long v = 0;

	*out = 3600;
	if (!d || !*d)
		return 0;
	v = strtol(d, &end, 10);
	if (*end || v < 900 || v > 43200)
		return pgiam_error_set(PGIAM_EINVAL,
			"AWS profile %s: duration_seconds '%s' is not a number of seconds from 900 to 43200",
			name, d);
	*out = (int)v;
	return 0;
}

/* role_arn with source_profile or credential_source: get the source, then AssumeRole. */
static int assume_profile_role(pgiam_creds *out, const pgiam_awsfiles *f, const char *name,
	const char *role_arn, const pgiam_chain_options *opts, int depth)
{
	const char *src_profile = pgiam_awsfiles_get(f, name, "source_profile");
	const char *cred_source = pgiam_awsfiles_get(f, name, "credential_source");
	const char *region = pgiam_awsfiles_get(f, name, "region");
	const char *session = pgiam_awsfiles_get(f, name, "role_session_name");
	pgiam_creds source = PGIAM_CREDS_INIT;
	pgiam_sts_config cfg = PGIAM_STS_CONFIG_INIT;
	pgiam_sts_assume_params params = { NULL, NULL, NULL, 0, NULL, NULL };
	pgiam_sts_assumed assumed = PGIAM_STS_ASSUMED_INIT;
	char session_buf[64], code[16] = "";
	char *what = NULL;
	int error = 0;

	if ((src_profile && *src_profile) == (cred_source && *cred_source)) {
		error = pgiam_error_set(PGIAM_EINVAL,
			"AWS profile %s has role_arn but %s: give exactly one of source_profile and credential_source",
			name, src_profile && *src_profile ? "both source_profile and credential_source" :
			"neither source_profile nor credential_source");
		goto cleanup;
	}
	if (depth >= MAX_ROLE_CHAIN) {
		error = pgiam_error_set(PGIAM_EINVAL,
			"AWS profile %s: source_profile chain longer than %d (a loop?)", name, MAX_ROLE_CHAIN);
		goto cleanup;
	}
	if (src_profile && *src_profile) {
		/* a profile naming itself takes its own static keys as the source (botocore) */
		if (pgiam_ascii_casecmp(src_profile, name) == 0) {
			error = static_keys(&source, f, PGIAM_AWSFILE_CREDENTIALS, name);
			if (error == PGIAM_ENOTFOUND)
				error = static_keys(&source, f, PGIAM_AWSFILE_CONFIG, name);
			if (error == PGIAM_ENOTFOUND)
				error = pgiam_error_set(PGIAM_EINVAL,
					"AWS profile %s is its own source_profile but has no static keys", name);
		} else
			error = from_profile(&source, f, src_profile, opts, depth + 1);
	} else if (strcmp(cred_source, "Environment") == 0)
		error = pgiam_chain_from_env(&source);
	else if (strcmp(cred_source, "Ec2InstanceMetadata") == 0)
		error = pgiam_chain_from_imds(&source, opts->cancel);
	else if (strcmp(cred_source, "EcsContainer") == 0)
		error = pgiam_chain_from_container(&source, opts->cancel);
	else {
		error = pgiam_error_set(PGIAM_EINVAL,
			"AWS profile %s: credential_source '%s' is not Environment, Ec2InstanceMetadata or EcsContainer",
			name, cred_source);
		goto cleanup;
	}
	if (error == PGIAM_ENOTFOUND && !*pgiam_error_last())
		error = pgiam_error_set(PGIAM_ENOTFOUND, "AWS profile %s: its credential_source %s has no credentials",
			name, cred_source ? cred_source : "");
	if (error < 0)
		goto cleanup;

	if (!session || !*session) {
		snprintf(session_buf, sizeof(session_buf), "pgiam-%ld", (long)time(NULL));
		session = session_buf;
	}
	if ((error = parse_duration(&params.duration, f, name)) < 0)
		goto cleanup;
	params.role_arn = role_arn;
	params.session_name = session;
	params.external_id = pgiam_awsfiles_get(f, name, "external_id");
	if ((params.serial_number = pgiam_awsfiles_get(f, name, "mfa_serial")) &&
	    *params.serial_number) {
		if (!opts->mfa_code) {
			error = pgiam_error_set(PGIAM_EINVAL, "AWS profile %s: its role needs an MFA "
				"code for %s and none can be asked for here", name, params.serial_number);
			goto cleanup;
		}
		if ((error = opts->mfa_code(code, sizeof(code), params.serial_number,
				opts->mfa_ctx)) < 0)
			goto cleanup;
		params.token_code = code;
	}
	cfg.region = region && *region ? region : opts->region;
	cfg.endpoint = opts->sts_endpoint;
	cfg.cancel = opts->cancel;
	if ((error = pgiam_sts_assume_role(&assumed, &cfg, &source, &params)) < 0) {
		char prefix[300];
		snprintf(prefix, sizeof(prefix), "AWS profile %s", name);
		error = pgiam_http_error_prefix(error, prefix);
		goto cleanup;
	}
	if (!(what = malloc(strlen(name) + strlen(role_arn) + strlen(source.source ? source.source : "") + 40))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	sprintf(what, "profile %s via role %s (from %s)", name, role_arn,
		source.source ? source.source : "?");
	free(assumed.creds.source);
	assumed.creds.source = what;
	what = NULL;
	error = pgiam_creds_copy(out, &assumed.creds);

cleanup:
	pgiam_wipe(code, sizeof(code));
	free(what);
	pgiam_sts_assumed_dispose(&assumed);
	pgiam_creds_dispose(&source);
	return error;
}

static int from_profile(pgiam_creds *out, const pgiam_awsfiles *f, const char *name,
	const pgiam_chain_options *opts, int depth)
{
	const char *role_arn = NULL, *process = NULL;
	char what[300];
	int error = 0;

	if (!pgiam_awsfiles_has_profile(f, name))
		return pgiam_error_set(PGIAM_ENOTFOUND,
			"AWS profile '%s' is in neither %s nor %s: check the name (source_profile / AWS_PROFILE)",
			name, pgiam_awsfiles_config_path(f), pgiam_awsfiles_credentials_path(f));
	/* role_arn with web_identity_token_file is a web identity, not a role chain (botocore) */
	if ((error = pgiam_chain_from_web_identity(out, f, name, opts, 0)) != PGIAM_ENOTFOUND)
		return error;
	if ((role_arn = pgiam_awsfiles_get(f, name, "role_arn")) && *role_arn)
		return assume_profile_role(out, f, name, role_arn, opts, depth);
	/* IAM Identity Center, in botocore's position: after roles, before the keys */
	if (pgiam_sso_configured(f, name))
		return pgiam_sso_credentials(out, f, name, opts->cancel);
	if ((error = static_keys(out, f, PGIAM_AWSFILE_CREDENTIALS, name)) != PGIAM_ENOTFOUND)
		return error;
	if ((process = pgiam_awsfiles_get(f, name, "credential_process")) && *process) {
		snprintf(what, sizeof(what), "profile %s via credential_process", name);
		return pgiam_chain_run_process(out, process, what, opts->process_timeout,
			opts->cancel);
	}
	if ((error = static_keys(out, f, PGIAM_AWSFILE_CONFIG, name)) != PGIAM_ENOTFOUND)
		return error;
	return pgiam_error_set(PGIAM_ENOTFOUND,
		"AWS profile %s has no credentials (no keys, credential_process or role_arn)", name);
}

/* A profile with role_arn and a source (source_profile or credential_source) and no
 * web identity token file: botocore's assume-role provider takes it first. */
static int chains_roles(const pgiam_awsfiles *f, const char *name)
{
	const char *role = pgiam_awsfiles_get(f, name, "role_arn");
	const char *src = pgiam_awsfiles_get(f, name, "source_profile");
	const char *cs = pgiam_awsfiles_get(f, name, "credential_source");
	const char *web = pgiam_awsfiles_get(f, name, "web_identity_token_file");

	return role && *role && ((src && *src) || (cs && *cs)) && !(web && *web);
}

int pgiam_chain_resolve(pgiam_creds *out, const pgiam_chain_options *opts)
{
	pgiam_chain_options defaults = PGIAM_CHAIN_OPTIONS_INIT;
	pgiam_awsfiles *files = NULL;
	const char *name = NULL;
	int explicit_profile = 0, named_by_env = 0;
	char tried[400] = "";
	int error = 0;

	if (!opts)
		opts = &defaults;
	explicit_profile = opts->aws_profile && *opts->aws_profile;
	pgiam_error_clear();

	/* 1. environment (not when a profile is named explicitly: the user asked for it) */
	if (!explicit_profile && (error = pgiam_chain_from_env(out)) != PGIAM_ENOTFOUND)
		goto cleanup;

	/* 2. the shared files */
	if ((error = pgiam_awsfiles_load(&files)) < 0)
		goto cleanup;
	name = explicit_profile ? opts->aws_profile : pgiam_awsfiles_default_profile();
	named_by_env = !explicit_profile && strcmp(name, "default") != 0;
	/* the environment's web identity comes after a profile that chains roles from a
	 * source (botocore's assume-role provider) and before the profile's keys; an
	 * explicitly named profile ignores it, as botocore does */
	if (!explicit_profile && !chains_roles(files, name) &&
	    (error = pgiam_chain_from_web_identity(out, files, name, opts, 1)) != PGIAM_ENOTFOUND)
		goto cleanup;
	error = from_profile(out, files, name, opts, 0);
	/* a named profile must work; a missing [default], or one with only a region,
	 * falls through to the next providers */
	if (error != PGIAM_ENOTFOUND || explicit_profile || named_by_env)
		goto cleanup;

	/* 3. container credentials */
	pgiam_error_clear();
	if ((error = pgiam_chain_from_container(out, opts->cancel)) != PGIAM_ENOTFOUND)
		goto cleanup;

	/* 4. instance metadata */
	if ((error = pgiam_chain_from_imds(out, opts->cancel)) != PGIAM_ENOTFOUND ||
	    *pgiam_error_last())
		goto cleanup;

	snprintf(tried, sizeof(tried), "instance metadata (%s)",
		getenv("AWS_EC2_METADATA_DISABLED") &&
		pgiam_ascii_casecmp(getenv("AWS_EC2_METADATA_DISABLED"), "true") == 0 ?
		"disabled by AWS_EC2_METADATA_DISABLED" : "no answer");
	error = pgiam_error_set(PGIAM_ENOTFOUND,
		"no AWS source credentials found: tried the environment, AWS profile '%s' in %s and %s, "
		"container credentials (not configured) and %s; set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
		"AWS_PROFILE or the profile's source_profile",
		name, pgiam_awsfiles_config_path(files), pgiam_awsfiles_credentials_path(files), tried);

cleanup:
	pgiam_awsfiles_free(files);
	return error;
}
