/* cmd_whoami.c - `pgiam whoami --profile NAME`: where the source credentials come
 * from, who they are (GetCallerIdentity), and the role session the profile assumes. */
#include "cli.h"
#include "cli_auth.h"
#include "cli_session.h"
#include "usage.h"

#include "profile_auth.h"
#include "creds.h"
#include "error.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct whoami_opts {
	const char *name, *dir;
	int as_json;
} whoami_opts;

static const pgiam_cli_opt whoami_options[] = {
	{ "profile", 'p', "NAME", PGIAM_CLI_FIELD(whoami_opts, name), "the profile (required)" },
	{ "profiles", 'd', "DIR", PGIAM_CLI_FIELD(whoami_opts, dir), "the profile directory" },
	{ "json", 'j', NULL, PGIAM_CLI_FIELD(whoami_opts, as_json), "one JSON document" },
	{ NULL, 0, NULL, 0, NULL },
};

static void format_expiry(char *out, size_t len, time_t exp, const char *fmt)
{
	struct tm tm;

	gmtime_r(&exp, &tm);
	strftime(out, len, fmt, &tm);
}

static void print_text(const char *name, pgiam_auth *auth, const char *masked)
{
	pgiam_auth_info info;
	time_t exp;
	char when[64];

	pgiam_auth_info_get(&info, auth);
	exp = info.session_expiry;

	pgiam_cli_line(stdout, "profile:       %s", name);
	pgiam_cli_line(stdout, "source:        %s", info.source);
	pgiam_cli_line(stdout, "caller:        %s", info.caller_arn);
	if (!pgiam_auth_role_arn(auth)) {
		pgiam_cli_line(stdout, "role:          (none: the profile uses the source credentials directly)");
		return;
	}
	format_expiry(when, sizeof(when), exp, "%Y-%m-%d %H:%M:%S UTC");
	pgiam_cli_line(stdout, "role:          %s", pgiam_auth_role_arn(auth));
	pgiam_cli_line(stdout, "assumed:       %s", info.assumed_arn);
	pgiam_cli_line(stdout, "session name:  %s", pgiam_auth_session_name(auth));
	if (pgiam_auth_mfa_serial(auth))
		pgiam_cli_line(stdout, "mfa device:    %s", pgiam_auth_mfa_serial(auth));
	pgiam_cli_line(stdout, "access key:    %s", masked);
	pgiam_cli_line(stdout, "expires:       %s (in %ld min)", when, (long)(exp - time(NULL)) / 60);
	if (info.cached_path[0])
		pgiam_cli_line(stdout, "cached:        yes, the session from %s", info.cached_path);
}

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static void print_json(const char *name, pgiam_auth *auth, const char *masked)
{
	json_object *doc = json_object_new_object();
	int role = pgiam_auth_role_arn(auth) != NULL;
	pgiam_auth_info info;
	char when[64];

	pgiam_auth_info_get(&info, auth);

	json_object_object_add(doc, "profile", json_object_new_string(name));
	json_object_object_add(doc, "source", str_or_null(info.source));
	json_object_object_add(doc, "caller_arn", str_or_null(info.caller_arn));
	json_object_object_add(doc, "account", str_or_null(info.caller_account));
	json_object_object_add(doc, "role_arn", str_or_null(pgiam_auth_role_arn(auth)));
	json_object_object_add(doc, "assumed_arn", role ? str_or_null(info.assumed_arn) : NULL);
	json_object_object_add(doc, "session_name", role ? str_or_null(pgiam_auth_session_name(auth)) : NULL);
	json_object_object_add(doc, "mfa_serial", str_or_null(pgiam_auth_mfa_serial(auth)));
	json_object_object_add(doc, "access_key", role ? json_object_new_string(masked) : NULL);
	if (role) {
		format_expiry(when, sizeof(when), info.session_expiry, "%Y-%m-%dT%H:%M:%SZ");
		json_object_object_add(doc, "expires", json_object_new_string(when));
		json_object_object_add(doc, "cached_session", str_or_null(info.cached_path));
	} else
		json_object_object_add(doc, "expires", NULL);
	pgiam_cli_print_json(stdout, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

int pgiam_cmd_whoami(int argc, char **argv)
{
	whoami_opts o = { NULL, NULL, 0 };
	const pgiam_cli_group groups[] = {
		{ "options", whoami_options, NULL, &o, NULL },
		{ "MFA", pgiam_cli_conn_opts, pgiam_cli_session_on_opt, NULL, pgiam_cli_conn_mfa_ids },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "whoami", "pgiam whoami --profile NAME [--profiles DIR] [--json]",
		"Shows the source credentials (provider and caller ARN), the assumed role ARN,\n"
		"the role session name and when the session expires. Never prints secrets.",
		NULL, NULL, 0, groups };
	const char *name = NULL;
	pgiam_profile *profile = NULL;
	pgiam_auth *auth = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	char masked[64] = "";
	int status;

	if ((status = pgiam_cli_parse(NULL, &spec, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	if (!(name = o.name))
		return pgiam_cli_usage_error("whoami", "--profile NAME is required");
	if ((status = pgiam_cli_load_profile(&profile, "whoami", o.dir, name)) != 0)
		goto cleanup;
	status = PGIAM_EXIT_FAILURE;
	if (pgiam_profile_auth_new(&auth, profile) < 0 || pgiam_auth_whoami(auth) < 0) {
		pgiam_cli_error("whoami", NULL);
		goto cleanup;
	}
	if (pgiam_auth_role_arn(auth) && pgiam_auth_get(&creds, auth, time(NULL)) < 0) {
		pgiam_cli_error("whoami", NULL);
		goto cleanup;
	}
	if (creds.access_key_id)
		pgiam_creds_mask_akid(masked, sizeof(masked), creds.access_key_id);
	if (o.as_json)
		print_json(name, auth, masked);
	else
		print_text(name, auth, masked);
	status = PGIAM_EXIT_OK;

cleanup:
	pgiam_creds_dispose(&creds);
	pgiam_auth_free(auth);
	pgiam_profile_free(profile);
	return status;
}
