/* cmd_token.c - `pgiam token`: print an RDS IAM auth token like
 * `aws rds generate-db-auth-token`, or describe one (--describe).
 *
 * Hidden, for tests and benchmarks only (documented in docs/token.md):
 *   PGIAM_TEST_TIME=UNIX-SECONDS  sign at (and describe relative to) that time;
 *   --bench N                     sign N tokens in this process, print tokens/s.
 */
#include "cli.h"
#include "cli_auth.h"

#include "profile_auth.h"
#include "creds.h"
#include "error.h"
#include "secure.h"
#include "token.h"

#include <errno.h>
#include <getopt.h>
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

static void usage(FILE *out)
{
	pgiam_cli_printf(out,
		"usage: pgiam token --hostname HOST --port PORT --username USER [--region REGION]\n"
		"       pgiam token --profile NAME [--profiles DIR]\n"
		"       pgiam token --describe TOKEN     (TOKEN '-' reads it from stdin)\n"
		"\n"
		"Prints an RDS IAM authentication token (valid 15 minutes) for HOST:PORT and the\n"
		"database user USER, signed for REGION, like `aws rds generate-db-auth-token`.\n"
		"The token is signed locally; nothing is sent over the network.\n"
		"\n"
		"options:\n"
		"  --hostname HOST   the RDS endpoint name (not a tunnel's local address)\n"
		"  --port PORT       the endpoint's port, 1..65535\n"
		"  --username USER   the database user (a role granted rds_iam)\n"
		"  --region REGION   the endpoint's region; default $AWS_REGION, $AWS_DEFAULT_REGION\n"
		"  --profile NAME    endpoint, user and region from profile NAME; source credentials\n"
		"                    from the AWS chain, then the profile's role_arn assumed with its\n"
		"                    external_id (see docs/credentials.md)\n"
		"  --profiles DIR    the profile directory (default $PGIAM_PROFILES, then\n"
		"                    $XDG_CONFIG_HOME/pgiam/profiles, ~/.config/pgiam/profiles)\n"
		"  --describe TOKEN  print for whom, where and until when TOKEN was signed;\n"
		"                    prefer '-' (stdin): other local users can read a command\n"
		"                    line (ps), and a live token lets them log in\n"
		"  --help            this text\n"
		"\n"
		"credentials without --profile: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and\n"
		"AWS_SESSION_TOKEN; with --profile: see docs/credentials.md\n");
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

int pgiam_cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "hostname", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "username", required_argument, NULL, 'u' },
		{ "region", required_argument, NULL, 'r' },
		{ "describe", required_argument, NULL, 'd' },
		{ "bench", required_argument, NULL, 'b' },
		{ "profile", required_argument, NULL, 'P' },
		{ "profiles", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	token_opts o;
	pgiam_profile *profile = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	pgiam_token_params params;
	char *tok = NULL;
	int c, error = 0, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&params, 0, sizeof(params));
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': o.host = optarg; break;
		case 'p': o.port = optarg; break;
		case 'u': o.user = optarg; break;
		case 'r': o.region = optarg; break;
		case 'd': o.describe = optarg; break;
		case 'b': {
			char *end = NULL;

			errno = 0;
			o.bench = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o.bench < 1) {
				pgiam_cli_error("token", "--bench needs a positive count");
				return 2;
			}
			break;
		}
		case 'P': o.profile_name = optarg; break;
		case 'D': o.profiles_dir = optarg; break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			pgiam_cli_printf(stderr, "pgiam: token: %s needs a value (see pgiam token --help)\n", argv[optind - 1]);
			return 2;
		default:
			pgiam_cli_printf(stderr, "pgiam: token: unknown option '%.40s' (see pgiam token --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		pgiam_cli_printf(stderr, "pgiam: token: unexpected argument '%.40s' (see pgiam token --help)\n", argv[optind]);
		return 2;
	}
	if (o.describe) {
		if (o.host || o.port || o.user || o.region || o.profile_name) {
			pgiam_cli_error("token", "--describe takes no other option");
			return 2;
		}
		if (run_describe(o.describe) < 0) {
			pgiam_cli_error("token", NULL);
			return 1;
		}
		return 0;
	}
	if (o.profile_name) {
		if (o.host || o.port || o.user || o.region) {
			pgiam_cli_error("token", "--profile takes the endpoint, user and region from the profile: "
				"give either --profile or --hostname/--port/--username/--region");
			return 2;
		}
		if ((status = pgiam_cli_load_profile(&profile, "token", o.profiles_dir, o.profile_name)) != 0)
			return status;
		status = 1;
		o.profile = profile;
		params.host = pgiam_profile_host(profile);
		params.port = pgiam_profile_port(profile);
		params.db_user = pgiam_profile_db_user(profile);
		params.region = pgiam_profile_region(profile);
		if (!params.db_user || !params.region) {
			error = pgiam_error_set(PGIAM_EINVAL, "profile %s has no %s", o.profile_name,
				!params.db_user ? "db_user" : "region");
			goto cleanup;
		}
		if ((error = test_time(&params.time)) < 0 ||
		    (error = acquire_credentials(&creds, &o)) < 0)
			goto cleanup;
		goto sign;
	}
	if (o.profiles_dir) {
		pgiam_cli_error("token", "--profiles needs --profile NAME");
		return 2;
	}
	if (!o.host || !o.port || !o.user) {
		pgiam_cli_error("token", "--hostname, --port and --username are required (see pgiam token --help)");
		return 2;
	}
	if (!o.region && !(o.region = getenv("AWS_REGION")) && !(o.region = getenv("AWS_DEFAULT_REGION"))) {
		pgiam_cli_error("token", "no region: give --region or set AWS_REGION");
		return 2;
	}
	params.host = o.host;
	params.db_user = o.user;
	params.region = o.region;
	if ((error = parse_port(&params.port, o.port)) < 0 ||
	    (error = test_time(&params.time)) < 0 ||
	    (error = acquire_credentials(&creds, &o)) < 0)
		goto cleanup;
sign:
	if (o.bench > 0) {
		if ((error = run_bench(&params, &creds, o.bench)) < 0)
			goto cleanup;
	} else {
		if ((error = pgiam_token_generate(&tok, &params, &creds)) < 0)
			goto cleanup;
		/* the token itself as it is: percent-encoded ASCII that pgiam made, and a
		 * secret, so not copied through the sanitiser's buffers */
		fputs(tok, stdout);
		fputc('\n', stdout);
	}
	if (fflush(stdout) != 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot write the token to standard output");
		goto cleanup;
	}
	status = 0;

cleanup:
	if (error < 0)
		pgiam_cli_error("token", NULL);
	pgiam_free_secret(tok);
	pgiam_creds_dispose(&creds);
	pgiam_profile_free(profile);
	return status;
}
