/* cmd_whoami.c - `pgiam whoami --profile NAME`: where the source credentials come
 * from, who they are (GetCallerIdentity), and the role session the profile assumes. */
#include "cli.h"
#include "cli_auth.h"

#include "auth.h"
#include "creds.h"
#include "error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void whoami_usage(FILE *out)
{
	fprintf(out,
		"usage: pgiam whoami --profile NAME [--profiles DIR]\n"
		"Shows the source credentials (provider and caller ARN), the assumed role ARN,\n"
		"the role session name and when the session expires. Never prints secrets.\n");
}

int pgiam_cmd_whoami(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *dir = NULL;
	pgiam_profile *profile = NULL;
	pgiam_auth *auth = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	char masked[64];
	int status = 1;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': name = optarg; break;
		case 'd': dir = optarg; break;
		case 'h': whoami_usage(stdout); return 0;
		default: whoami_usage(stderr); return 2;
		}
	}
	if (!name || optind < argc) {
		whoami_usage(stderr);
		return 2;
	}
	if ((status = pgiam_cli_load_profile(&profile, "whoami", dir, name)) != 0)
		goto cleanup;
	status = 1;
	if (pgiam_auth_new(&auth, profile) < 0 || pgiam_auth_whoami(auth) < 0) {
		pgiam_cli_error("whoami", NULL);
		goto cleanup;
	}
	printf("profile:       %s\n", name);
	printf("source:        %s\n", pgiam_auth_source(auth));
	printf("caller:        %s\n", pgiam_auth_caller_arn(auth));
	if (!pgiam_auth_role_arn(auth)) {
		printf("role:          (none: the profile uses the source credentials directly)\n");
		status = 0;
		goto cleanup;
	}
	printf("role:          %s\n", pgiam_auth_role_arn(auth));
	if (pgiam_auth_get(&creds, auth, time(NULL)) < 0) {
		pgiam_cli_error("whoami", NULL);
		goto cleanup;
	}
	{
		time_t exp = pgiam_auth_session_expiry(auth);
		struct tm tm;
		char when[64];
		long left = (long)(exp - time(NULL));
		gmtime_r(&exp, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		pgiam_creds_mask_akid(masked, sizeof(masked), creds.access_key_id);
		printf("assumed:       %s\n", pgiam_auth_assumed_arn(auth));
		printf("session name:  %s\n", pgiam_auth_session_name(auth));
		printf("access key:    %s\n", masked);
		printf("expires:       %s (in %ld min)\n", when, left / 60);
	}
	status = 0;

cleanup:
	pgiam_creds_dispose(&creds);
	pgiam_auth_free(auth);
	pgiam_profile_free(profile);
	return status;
}
