/* cmd_whoami.c - `pgiam whoami --profile NAME`: where the source credentials come
 * from, who they are (GetCallerIdentity), and the role session the profile assumes. */
#include "cli.h"
#include "cli_auth.h"

#include "profile_auth.h"
#include "creds.h"
#include "error.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void whoami_usage(FILE *out)
{
	pgiam_cli_printf(out,
		"usage: pgiam whoami --profile NAME [--profiles DIR] [--json]\n"
		"Shows the source credentials (provider and caller ARN), the assumed role ARN,\n"
		"the role session name and when the session expires. Never prints secrets.\n");
}

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
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profiles", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *dir = NULL;
	pgiam_profile *profile = NULL;
	pgiam_auth *auth = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	char masked[64] = "";
	int as_json = 0;
	int status = 1;
	int c;

	optind = 1;
	opterr = 0;   /* our own one-line messages, named "pgiam whoami" */
	while ((c = getopt_long(argc, argv, ":p:d:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': name = optarg; break;
		case 'j': as_json = 1; break;
		case 'd': dir = optarg; break;
		case 'h': whoami_usage(stdout); return 0;
		case ':':
			pgiam_cli_printf(stderr, "pgiam: whoami: %s needs a value (see pgiam whoami --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			pgiam_cli_printf(stderr, "pgiam: whoami: unknown option '%.40s' (see pgiam whoami --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		pgiam_cli_printf(stderr, "pgiam: whoami: unexpected argument '%.40s' (see pgiam whoami --help)\n",
			argv[optind]);
		return 2;
	}
	if (!name) {
		pgiam_cli_printf(stderr, "pgiam: whoami: --profile NAME is required (see pgiam whoami --help)\n");
		return 2;
	}
	if ((status = pgiam_cli_load_profile(&profile, "whoami", dir, name)) != 0)
		goto cleanup;
	status = 1;
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
	if (as_json)
		print_json(name, auth, masked);
	else
		print_text(name, auth, masked);
	status = 0;

cleanup:
	pgiam_creds_dispose(&creds);
	pgiam_auth_free(auth);
	pgiam_profile_free(profile);
	return status;
}
