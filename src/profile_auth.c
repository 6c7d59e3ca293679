/* profile_auth.c - pgiam_auth options from a profile (see profile_auth.h). */
#include "profile_auth.h"

#include "mfa.h"

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

int pgiam_profile_auth_new(pgiam_auth **out, const pgiam_profile *profile)
{
	pgiam_auth_options opts;

	pgiam_profile_auth_options(&opts, profile);
	return pgiam_auth_new_options(out, &opts);
}
