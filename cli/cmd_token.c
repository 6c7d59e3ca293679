/* cmd_token.c - `pgiam token`: print an RDS IAM auth token like
 * `aws rds generate-db-auth-token`, or describe one (--describe).
 *
 * Hidden, for tests and benchmarks only (documented in docs/token.md):
 *   PGIAM_TEST_TIME=UNIX-SECONDS  sign at (and describe relative to) that time;
 *   --bench N                     sign N tokens in this process, print tokens/s.
 */
#include "cli.h"
#include "cli_auth.h"
#include "cli_session.h"
#include "usage.h"

#include "profile_auth.h"
#include "creds.h"
#include "error.h"
#include "secure.h"
#include "token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* more than pgiam_token_describe() accepts, so an overlong line is refused there */
#define STDIN_TOKEN_MAX 16384

typedef struct token_opts {
	const char *host;
	const char *port;
	const char *user;
	const char *region;
	const char *describe;
	long bench;
	const char *profile_name;   /* --profile NAME */
	const char *profiles_dir;   /* --profiles DIR */
	const pgiam_profile *profile;
} token_opts;

enum { OPT_HOSTNAME = 1, OPT_PORT, OPT_USERNAME, OPT_REGION, OPT_DESCRIBE, OPT_BENCH,
	OPT_PROFILE, OPT_PROFILES };

static const pgiam_cli_opt token_options[] = {
	{ "hostname", 0, "HOST", OPT_HOSTNAME, "the RDS endpoint name (not a tunnel's local address)" },
	{ "port", 0, "PORT", OPT_PORT, "the endpoint's port, 1..65535" },
	{ "username", 0, "USER", OPT_USERNAME, "the database user (a role granted rds_iam)" },
	{ "region", 0, "REGION", OPT_REGION, "the endpoint's region; default $AWS_REGION, $AWS_DEFAULT_REGION" },
	{ "profile", 0, "NAME", OPT_PROFILE, "endpoint, user and region from profile NAME; source credentials\n"
		"from the AWS chain, then the profile's role_arn assumed with its\n"
		"external_id (see docs/credentials.md)" },
	{ "profiles", 0, "DIR", OPT_PROFILES, "the profile directory (default $PGIAM_PROFILES, then\n"
		"$XDG_CONFIG_HOME/pgiam/profiles, ~/.config/pgiam/profiles)" },
	{ "describe", 0, "TOKEN", OPT_DESCRIBE, "print for whom, where and until when TOKEN was signed;\n"
		"prefer '-' (stdin): other local users can read a command\n"
		"line (ps), and a live token lets them log in" },
	{ "bench", 0, "N", OPT_BENCH, NULL },   /* hidden: docs/token.md */
	{ NULL, 0, NULL, 0, NULL },
};

static int on_option(const char *cmd, void *ctx, int id, const char *v)
{
	token_opts *o = ctx;

	switch (id) {
	case OPT_HOSTNAME: o->host = v; break;
	case OPT_PORT: o->port = v; break;
	case OPT_USERNAME: o->user = v; break;
	case OPT_REGION: o->region = v; break;
	case OPT_DESCRIBE: o->describe = v; break;
	case OPT_PROFILE: o->profile_name = v; break;
	case OPT_PROFILES: o->profiles_dir = v; break;
	case OPT_BENCH:
		if (pgiam_cli_int(&o->bench, v, 1, 1000000000L) < 0)
			return pgiam_cli_usage_error(cmd, "--bench needs a positive count");
		break;
	}
	return PGIAM_CLI_GO_ON;
}

/* Where the signing credentials come from: the one place to extend (profiles, chain). */
static int acquire_credentials(pgiam_creds *out, const token_opts *o)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	pgiam_auth *auth = NULL;
	int error = 0;

	if (o->profile) {
		/* the chain, then AssumeRole with the profile's role and external ID */
		if ((error = pgiam_profile_auth_new(&auth, o->profile)) == 0)
			error = pgiam_auth_get(out, auth, time(NULL));
		pgiam_auth_free(auth);
		return error;
	}
	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN"); /* the legacy name botocore still reads */
	if ((!akid || !*akid) && (!secret || !*secret))
		return pgiam_error_set(PGIAM_EINVAL, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
	if (!akid || !*akid)
		return pgiam_error_set(PGIAM_EINVAL, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
	if (!secret || !*secret)
		return pgiam_error_set(PGIAM_EINVAL, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
	return pgiam_creds_set(out, akid, secret, token, 0, "environment");
}

/* PGIAM_TEST_TIME: a fixed clock for tests; 0 (now) when unset. */
static int test_time(time_t *out)
{
	const char *s = getenv("PGIAM_TEST_TIME");
	char *end = NULL;
	long long v;

	*out = 0;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return pgiam_error_set(PGIAM_EINVAL, "PGIAM_TEST_TIME is not a positive number of seconds");
	*out = (time_t)v;
	return 0;
}

static int parse_port(int *out, const char *s)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = s && *s ? strtol(s, &end, 10) : -1;
	if (!s || !*s || errno || *end)
		return pgiam_error_set(PGIAM_EINVAL, "port '%.20s' is not a number", s ? s : "");
	if (v < 1 || v > 65535)
		return pgiam_error_set(PGIAM_EINVAL, "port %ld is outside 1..65535", v);
	*out = (int)v;
	return 0;
}

/* A decoded token field is untrusted: pgiam_cli_printf shows it in its safe form
 * (the field on one line: a newline in it is shown as ^J). */
static void print_field(const char *label, const char *s)
{
	pgiam_cli_line(stdout, "%-15s%s", label, s);
}

static void print_time(const char *label, time_t t)
{
	struct tm tm;
	char buf[32] = "?";

	if (gmtime_r(&t, &tm))
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	print_field(label, buf);
}

/* The first line of standard input, read with read(2) into one allocation: getline's
 * reallocations and stdin's buffer would leave copies of the token in freed memory.
 * A line longer than a token is cut and then refused by pgiam_token_describe(). */
static int read_stdin_token(char **out)
{
	size_t cap = STDIN_TOKEN_MAX + 2, n = 0;
	char *line = malloc(cap), *nl = NULL;
	ssize_t got;

	*out = NULL;
	if (!line)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	while (n < cap - 1 && !nl) {
		if ((got = read(STDIN_FILENO, line + n, cap - 1 - n)) == 0)
			break;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int saved = errno;
			pgiam_wipe(line, n);
			free(line);
			return pgiam_error_set(PGIAM_EIO, "cannot read standard input: %s", strerror(saved));
		}
		nl = memchr(line + n, '\n', (size_t)got);
		n += (size_t)got;
	}
	if (nl)
		n = (size_t)(nl - line);
	line[n] = '\0';
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
	if (!n) {
		pgiam_free_secret(line);
		return pgiam_error_set(PGIAM_EINVAL, "no token on standard input");
	}
	*out = line;
	return 0;
}

static int run_describe(const char *arg)
{
	pgiam_token_info info;
	char *from_stdin = NULL;
	const char *tok = arg;
	time_t now = 0;
	char left[64];
	int error;

	if (!strcmp(arg, "-")) {
		if ((error = read_stdin_token(&from_stdin)) < 0)
			goto cleanup;
		tok = from_stdin;
	}
	if ((error = test_time(&now)) < 0)
		goto cleanup;
	if (!now)
		now = time(NULL);
	if ((error = pgiam_token_describe(&info, tok, now)) < 0)
		goto cleanup;
	print_field("host:", info.host);
	pgiam_cli_printf(stdout, "%-15s%d\n", "port:", info.port);
	print_field("user:", info.db_user);
	print_field("region:", info.region);
	print_field("access key id:", info.access_key_masked);
	print_field("session token:", info.has_session_token ? "yes (temporary credentials)" : "no (long-term keys)");
	print_time("signed at:", info.signed_at);
	print_time("expires at:", info.expires_at);
	if (info.seconds_left > 0)
		snprintf(left, sizeof(left), "%ld (valid)", info.seconds_left);
	else
		snprintf(left, sizeof(left), "%ld (EXPIRED %ld s ago)", info.seconds_left, -info.seconds_left);
	print_field("seconds left:", left);

cleanup:
	pgiam_free_secret(from_stdin);
	return error;
}

static int run_bench(const pgiam_token_params *p, const pgiam_creds *creds, long n)
{
	struct timespec t0, t1;
	double secs;
	int error = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n && !error; i++) {
		char *tok = NULL;

		error = pgiam_token_generate(&tok, p, creds);
		pgiam_free_secret(tok);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (error)
		return error;
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	pgiam_cli_printf(stdout, "%ld tokens in %.3f s: %.0f tokens/s\n", n, secs, secs > 0 ? (double)n / secs : 0.0);
	return 0;
}

/* --profile NAME: the profile's endpoint, user and region; credentials through its
 * role. 0, or an exit status after printing why. */
static int params_from_profile(pgiam_token_params *params, pgiam_creds *creds,
	pgiam_profile **profile, token_opts *o)
{
	int status;

	if (o->host || o->port || o->user || o->region)
		return pgiam_cli_usage_error("token", "--profile takes the endpoint, user and region "
			"from the profile: give either --profile or --hostname/--port/--username/--region");
	if ((status = pgiam_cli_load_profile(profile, "token", o->profiles_dir, o->profile_name)) != 0)
		return status;
	o->profile = *profile;
	params->host = pgiam_profile_host(*profile);
	params->port = pgiam_profile_port(*profile);
	params->db_user = pgiam_profile_db_user(*profile);
	params->region = pgiam_profile_region(*profile);
	if (!params->db_user || !params->region) {
		pgiam_cli_line(stderr, "pgiam: token: profile %s has no %s", o->profile_name,
			!params->db_user ? "db_user" : "region");
		return PGIAM_EXIT_CONFIG;
	}
	if (test_time(&params->time) < 0 || acquire_credentials(creds, o) < 0) {
		pgiam_cli_error("token", NULL);
		return PGIAM_EXIT_FAILURE;
	}
	return 0;
}

/* --hostname, --port, --username [--region]: credentials from the environment. */
static int params_from_options(pgiam_token_params *params, pgiam_creds *creds, token_opts *o)
{
	if (o->profiles_dir)
		return pgiam_cli_usage_error("token", "--profiles needs --profile NAME");
	if (!o->host || !o->port || !o->user)
		return pgiam_cli_usage_error("token", "--hostname, --port and --username are required");
	if (!o->region && !(o->region = getenv("AWS_REGION")) &&
	    !(o->region = getenv("AWS_DEFAULT_REGION")))
		return pgiam_cli_usage_error("token", "no region: give --region or set AWS_REGION");
	params->host = o->host;
	params->db_user = o->user;
	params->region = o->region;
	if (parse_port(&params->port, o->port) < 0 || test_time(&params->time) < 0 ||
	    acquire_credentials(creds, o) < 0) {
		pgiam_cli_error("token", NULL);
		return PGIAM_EXIT_FAILURE;
	}
	return 0;
}

/* Signs the token and prints it (or, with --bench, signs many and prints the rate). */
static int sign_and_print(const pgiam_token_params *params, const pgiam_creds *creds, long bench)
{
	char *tok = NULL;
	int error = 0;

	if (bench > 0) {
		error = run_bench(params, creds, bench);
	} else if ((error = pgiam_token_generate(&tok, params, creds)) == 0) {
		/* the token itself as it is: percent-encoded ASCII that pgiam made, and a
		 * secret, so not copied through the sanitiser's buffers */
		fputs(tok, stdout);
		fputc('\n', stdout);
	}
	if (!error && fflush(stdout) != 0)
		error = pgiam_error_set(PGIAM_EIO, "cannot write the token to standard output");
	pgiam_free_secret(tok);
	if (error < 0) {
		pgiam_cli_error("token", NULL);
		return PGIAM_EXIT_FAILURE;
	}
	return PGIAM_EXIT_OK;
}

int pgiam_cmd_token(int argc, char **argv)
{
	token_opts o;
	const pgiam_cli_group groups[] = {
		{ "options", token_options, on_option, &o, NULL },
		{ "MFA", pgiam_cli_conn_opts, pgiam_cli_session_on_opt, NULL, pgiam_cli_conn_mfa_ids },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "token",
		"pgiam token --hostname HOST --port PORT --username USER [--region REGION]\n"
		"pgiam token --profile NAME [--profiles DIR]\n"
		"pgiam token --describe TOKEN     (TOKEN '-' reads it from stdin)",
		"Prints an RDS IAM authentication token (valid 15 minutes) for HOST:PORT and the\n"
		"database user USER, signed for REGION, like `aws rds generate-db-auth-token`.\n"
		"The token is signed locally; nothing is sent over the network.",
		"credentials without --profile: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and\n"
		"AWS_SESSION_TOKEN; with --profile: see docs/credentials.md",
		NULL, 0, groups };
	pgiam_profile *profile = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	pgiam_token_params params;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&params, 0, sizeof(params));
	if ((status = pgiam_cli_parse(NULL, &spec, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	if (o.describe) {
		if (o.host || o.port || o.user || o.region || o.profile_name)
			return pgiam_cli_usage_error("token", "--describe takes no other option");
		if (run_describe(o.describe) < 0) {
			pgiam_cli_error("token", NULL);
			return PGIAM_EXIT_FAILURE;
		}
		return PGIAM_EXIT_OK;
	}
	status = o.profile_name ? params_from_profile(&params, &creds, &profile, &o) :
		params_from_options(&params, &creds, &o);
	if (status == 0)
		status = sign_and_print(&params, &creds, o.bench);
	pgiam_creds_dispose(&creds);
	pgiam_profile_free(profile);
	return status;
}
