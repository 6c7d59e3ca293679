/* test_chain.c - the source-credential chain without network: the AWS shared files as
 * iniparser reads them, the environment provider, credential_process (command
 * splitting, running, JSON), and the order of the chain. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "awsfiles.h"
#include "chain.h"
#include "creds.h"
#include "error.h"

static char tmpdir[] = "/tmp/pgiam-test-chain-XXXXXX";
static char config_path[256], creds_path[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char config_text[] =
	"[default]\n"
	"region = us-east-1\n"
	"\n"
	"[profile Dev]\n"
	"aws_access_key_id = AKIDCONFIGDEV\n"
	"aws_secret_access_key = secretconfigdev\n"
	"s3 =\n"
	"  max_concurrent_requests = 20\n"
	"\n"
	"[profile proc]\n"
	"credential_process = /bin/echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s3cr3t\", \"SessionToken\": \"tok\", \"Expiration\": \"2999-01-01T00:00:00Z\"}'\n"
	"\n"
	"[profile quoted]\n"
	"credential_process = /bin/echo \"a b\" 'c d'\n"
	"comment_cut = value ; a comment\n"
	"\n"
	"[profile badproc]\n"
	"credential_process = /bin/false\n"
	"\n"
	"[profile both]\n"
	"aws_access_key_id = AKIDCONFIGBOTH\n"
	"aws_secret_access_key = fromconfig\n"
	"\n"
	"[profile loop]\n"
	"role_arn = arn:aws:iam::123456789012:role/x\n"
	"source_profile = loop2\n"
	"[profile loop2]\n"
	"role_arn = arn:aws:iam::123456789012:role/y\n"
	"source_profile = loop\n"
	"\n"
	"[profile noboth]\n"
	"role_arn = arn:aws:iam::123456789012:role/x\n"
	"\n"
	"[profile sso]\n"
	"sso_session = corp\n"
	"\n"
	"[profile half]\n"
	"aws_access_key_id = AKIDHALF\n";

static const char creds_text[] =
	"[both]\n"
	"aws_access_key_id = AKIDCREDSBOTH\n"
	"aws_secret_access_key = fromcreds\n"
	"aws_session_token = tokcreds\n"
	"\n"
	"[plain]\n"
	"aws_access_key_id = AKIDPLAIN\n"
	"aws_secret_access_key = plainsecret+/=\n";

static void clear_env(void)
{
	static const char *vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" };
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	/* never reach for the real instance metadata address from a test */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", config_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(config_path, sizeof(config_path), "%s/config", tmpdir);
	snprintf(creds_path, sizeof(creds_path), "%s/credentials", tmpdir);
	write_file(config_path, config_text);
	write_file(creds_path, creds_text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(config_path);
	unlink(creds_path);
	rmdir(tmpdir);
	return 0;
}

static void test_awsfiles_sections_and_keys(void **state)
{
	pgiam_awsfiles *f = NULL;

	(void)state;
	clear_env();
	assert_int_equal(pgiam_awsfiles_load(&f), 0);
	assert_string_equal(pgiam_awsfiles_get(f, "default", "region"), "us-east-1");
	/* "[profile Dev]": a section name with a space; iniparser lowercases names and keys */
	assert_string_equal(pgiam_awsfiles_get(f, "dev", "aws_access_key_id"), "AKIDCONFIGDEV");
	assert_string_equal(pgiam_awsfiles_get(f, "Dev", "AWS_ACCESS_KEY_ID"), "AKIDCONFIGDEV");
	/* nested (indented) sub-settings read as keys of the section */
	assert_string_equal(pgiam_awsfiles_get(f, "dev", "max_concurrent_requests"), "20");
	/* credentials file sections have no "profile " prefix and win over the config file */
	assert_string_equal(pgiam_awsfiles_get(f, "both", "aws_access_key_id"), "AKIDCREDSBOTH");
	assert_string_equal(pgiam_awsfiles_get_in(f, PGIAM_AWSFILE_CONFIG, "both", "aws_access_key_id"),
		"AKIDCONFIGBOTH");
	assert_string_equal(pgiam_awsfiles_get(f, "plain", "aws_secret_access_key"), "plainsecret+/=");
	/* a plain [plain] in the config file would not be a profile; "[profile x]" in the
	 * credentials file is not either */
	assert_null(pgiam_awsfiles_get_in(f, PGIAM_AWSFILE_CONFIG, "plain", "aws_access_key_id"));
	/* iniparser: an unquoted value keeps inner quotes; ';' starts a comment */
	assert_string_equal(pgiam_awsfiles_get(f, "quoted", "credential_process"), "/bin/echo \"a b\" 'c d'");
	assert_string_equal(pgiam_awsfiles_get(f, "quoted", "comment_cut"), "value");
	assert_true(pgiam_awsfiles_has_profile(f, "proc"));
	assert_true(pgiam_awsfiles_has_profile(f, "plain"));
	assert_false(pgiam_awsfiles_has_profile(f, "nosuch"));
	assert_null(pgiam_awsfiles_get(f, "a:b", "x"));
	pgiam_awsfiles_free(f);
}

static void test_awsfiles_missing_files_are_empty(void **state)
{
	pgiam_awsfiles *f = NULL;

	(void)state;
	assert_int_equal(pgiam_awsfiles_load_paths(&f, "/nonexistent/config", "/nonexistent/creds"), 0);
	assert_false(pgiam_awsfiles_has_profile(f, "default"));
	pgiam_awsfiles_free(f);
	assert_int_equal(pgiam_awsfiles_load_paths(&f, "/", NULL), PGIAM_EIO);
	assert_non_null(strstr(pgiam_error_last(), "not a regular file"));
}

static void test_split_command(void **state)
{
	static const struct { const char *in; const char *want[6]; } cases[] = {
		{ "/bin/tool", { "/bin/tool" } },
		{ "  tool   a  b ", { "tool", "a", "b" } },
		{ "tool \"a b\" 'c d'", { "tool", "a b", "c d" } },
		{ "tool a\\ b", { "tool", "a b" } },
		{ "tool 'it''s'", { "tool", "its" } },
		{ "tool \"say \\\"hi\\\" \\$HOME \\n\"", { "tool", "say \"hi\" $HOME \\n" } },
		{ "tool '$HOME' * ~", { "tool", "$HOME", "*", "~" } },   /* nothing is expanded */
		{ "tool \"\" x", { "tool", "", "x" } },
		{ "aws configure export-credentials --profile p --format process",
		  { "aws", "configure", "export-credentials", "--profile", "p", "--format" } },
	};
	char **argv = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pgiam_chain_split_command(&argv, cases[i].in), 0);
		for (size_t j = 0; j < 6 && cases[i].want[j]; j++) {
			assert_non_null(argv[j]);
			assert_string_equal(argv[j], cases[i].want[j]);
		}
		pgiam_chain_argv_free(argv);
	}
	assert_int_equal(pgiam_chain_split_command(&argv, "tool 'open"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "unbalanced single quote"));
	assert_int_equal(pgiam_chain_split_command(&argv, "tool \"open"), PGIAM_EINVAL);
	assert_int_equal(pgiam_chain_split_command(&argv, "   "), PGIAM_EINVAL);
	assert_null(argv);
}

static int pj(pgiam_creds *c, const char *json, int format, const char *what)
{
	return pgiam_chain_parse_json(c, json, strlen(json), format, what);
}

static void test_parse_json(void **state)
{
	static const char ok[] = "{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"S\","
		" \"SessionToken\": \"T\", \"Expiration\": \"2999-01-01T00:00:00.5Z\"}";
	static const char container[] = "{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"S\","
		" \"Token\": \"T\", \"Expiration\": \"2999-01-01T00:00:00Z\", \"Code\": \"Success\"}";
	pgiam_creds c = PGIAM_CREDS_INIT;

	(void)state;
	assert_int_equal(pgiam_chain_parse_json(&c, ok, strlen(ok), 0, "x"), 0);
	assert_string_equal(c.session_token, "T");
	assert_int_equal(c.expiration, 32472144000);
	pgiam_creds_dispose(&c);
	assert_int_equal(pgiam_chain_parse_json(&c, container, strlen(container), 1, "x"), 0);
	assert_string_equal(c.session_token, "T");
	pgiam_creds_dispose(&c);

	assert_int_equal(pj(&c, "{\"Version\": 2, \"AccessKeyId\": \"A\", "
		"\"SecretAccessKey\": \"S\"}", 0, "proc"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "\"Version\": 1"));
	assert_int_equal(pj(&c, "not json", 0, "proc"), PGIAM_EINVAL);
	assert_int_equal(pj(&c, "{\"Version\": 1}", 0, "proc"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "AccessKeyId"));
	assert_int_equal(pj(&c, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
		"\"SecretAccessKey\": \"S\", \"Expiration\": \"2001-01-01T00:00:00Z\"}", 0, "proc"),
		PGIAM_EEXPIRED);
	assert_int_equal(pj(&c, "{\"Code\": \"Failure\", \"AccessKeyId\": \"A\"}", 1, "imds"),
		PGIAM_EAUTH);
	assert_null(c.access_key_id);
}

static void test_run_process(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;

	(void)state;
	clear_env();
	assert_int_equal(pgiam_chain_run_process(&c,
		"/bin/sh -c 'echo \"first line of trouble\" >&2; echo second >&2; exit 3'", "profile p via credential_process",
		0, NULL), PGIAM_EAUTH);
	assert_non_null(strstr(pgiam_error_last(), "exit status 3: first line of trouble"));
	assert_null(strstr(pgiam_error_last(), "second"));
	/* a hostile or noisy helper: terminal escapes, a C1 CSI, a line far too long, cut
	 * inside a UTF-8 sequence */
	assert_int_equal(pgiam_chain_run_process(&c, "/bin/sh -c 'printf \"\\033]0;t\\007\\033[31mred"
		"\\302\\2332J\\tx\\177 %0176d\\303\\251tail\\n\" 0 >&2; exit 1'", "p", 0, NULL),
		PGIAM_EAUTH);
	{
		const char *m = strstr(pgiam_error_last(), "exit status 1: ");
		assert_non_null(m);
		m += strlen("exit status 1: ");
		for (const unsigned char *p = (const unsigned char *)m; *p; p++) {
			assert_true(*p >= 0x20 && *p != 0x7F);
			assert_false(p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F);
		}
		assert_true(strlen(m) < 200);
		assert_non_null(strstr(m, "red"));
		assert_null(strstr(m, "tail"));
		assert_int_not_equal((unsigned char)m[strlen(m) - 1], 0xC3);
	}
	assert_int_equal(pgiam_chain_run_process(&c, "/nonexistent/tool --x", "p", 0, NULL), PGIAM_ENOTFOUND);
	assert_non_null(strstr(pgiam_error_last(), "cannot run '/nonexistent/tool'"));
	assert_int_equal(pgiam_chain_run_process(&c, "/bin/echo not-json", "p", 0, NULL), PGIAM_EINVAL);
	assert_null(c.access_key_id);
}

/* issue 10: botocore's json.loads refuses trailing content, and parses Expiration as a
 * string only (a number would make credentials that never expire). */
static void test_parse_json_strict(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;
	static const char *const bad[] = {
		"{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"} garbage {",
		"{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}{}",
		"{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}\n}",
	};
	static const char nul_after[] =
		"{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}\0x";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pj(&c, bad[i], 0, "proc"), PGIAM_EINVAL);
		assert_non_null(strstr(pgiam_error_last(), "after its JSON object"));
	}
	assert_int_equal(pj(&c, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"} x", 1, "imds"),
		PGIAM_EINVAL);
	/* a NUL after the object is content too */
	assert_int_equal(pgiam_chain_parse_json(&c, nul_after, sizeof(nul_after) - 1, 0, "proc"),
		PGIAM_EINVAL);
	assert_int_equal(pj(&c, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
		"\"Expiration\": 32472144000}", 0, "proc"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "Expiration that is not a string"));
	assert_int_equal(pj(&c, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
		"\"Expiration\": true}", 1, "imds"), PGIAM_EINVAL);
	assert_null(c.access_key_id);
	/* white space after it is fine, and a null Expiration is no expiration (botocore) */
	assert_int_equal(pj(&c, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
		"\"Expiration\": null}\n \r\n\t", 0, "proc"), 0);
	assert_int_equal(c.expiration, 0);
	pgiam_creds_dispose(&c);
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether process pid is gone: no such process, or a zombie its new parent has not
 * reaped yet. */
static int pid_gone(pid_t pid)
{
	char path[64], stat[512] = "";
	FILE *f = NULL;
	char *paren = NULL;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(f = fopen(path, "r")))
		return 1;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	paren = strrchr(stat, ')');
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* Waits (up to 10 s) until both processes are gone. */
static int both_gone(pid_t a, pid_t b)
{
	for (int i = 0; i < 1000; i++) {
		if (pid_gone(a) && pid_gone(b))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* The helper's pid, its process group and its child's pid, as it wrote them. */
static void read_pids(const char *path, pid_t *pid, pid_t *pgrp, pid_t *child)
{
	FILE *f = fopen(path, "r");
	long a = 0, b = 0, c = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld %ld", &a, &b, &c), 3);
	fclose(f);
	*pid = (pid_t)a, *pgrp = (pid_t)b, *child = (pid_t)c;
}

/* issue 10: a helper that closes its output and keeps running (with a child of its
 * own) is stopped at the deadline, the whole process group with it; a cancel stops it. */
static void test_run_process_deadline_and_cancel(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;
	char cmd[1200], pidfile[200];
	pgiam_cancel cancel = 0;
	pid_t pid = 0, pgrp = 0, child = 0;
	long t0 = 0, took = 0;

	(void)state;
	clear_env();
	snprintf(pidfile, sizeof(pidfile), "%s/helper.pids", tmpdir);
	/* ps -o pgid= of itself: the helper's process group */
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'exec >&- 2>&-; sleep 300 & "
		"echo $$ $(ps -o pgid= -p $$) $! > %s.tmp; mv %s.tmp %s; wait'", pidfile, pidfile, pidfile);
	t0 = ms_now();
	assert_int_equal(pgiam_chain_run_process(&c, cmd, "profile p via credential_process", 1, NULL),
		PGIAM_ENET);
	took = ms_now() - t0;
	assert_true(took >= 1000 && took < 5000);
	assert_non_null(strstr(pgiam_error_last(), "did not finish within 1 s (credential_process_timeout)"));
	assert_null(strchr(pgiam_error_last(), '\n'));
	read_pids(pidfile, &pid, &pgrp, &child);
	assert_true(pid > 1 && child > 1);
	assert_int_equal(pgrp, pid);      /* a process group of its own */
	assert_true(both_gone(pid, child));  /* its child went with it */
	assert_null(c.access_key_id);

	/* cancel: stops it long before the (default, 60 s) deadline */
	unlink(pidfile);
	pgiam_cancel_request(&cancel);
	t0 = ms_now();
	assert_int_equal(pgiam_chain_run_process(&c, cmd, "p", 0, &cancel), PGIAM_ECANCELLED);
	assert_true(ms_now() - t0 < 5000);
	assert_non_null(strstr(pgiam_error_last(), "cancelled"));
	if (access(pidfile, F_OK) == 0) {
		read_pids(pidfile, &pid, &pgrp, &child);
		assert_true(both_gone(pid, child));
	}
	unlink(pidfile);
}

static void test_env_provider(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;

	(void)state;
	clear_env();
	assert_int_equal(pgiam_chain_from_env(&c), PGIAM_ENOTFOUND);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	assert_int_equal(pgiam_chain_from_env(&c), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "AWS_SECRET_ACCESS_KEY is not"));
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SECURITY_TOKEN", "legacy", 1);
	assert_int_equal(pgiam_chain_from_env(&c), 0);
	assert_string_equal(c.session_token, "legacy");
	assert_string_equal(c.source, "environment");
	pgiam_creds_dispose(&c);
	setenv("AWS_SESSION_TOKEN", "modern", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z", 1);
	assert_int_equal(pgiam_chain_from_env(&c), PGIAM_EEXPIRED);
	clear_env();
}

static int resolve(pgiam_creds *c, const char *profile)
{
	pgiam_chain_options o = PGIAM_CHAIN_OPTIONS_INIT;

	o.aws_profile = profile;
	o.region = "us-east-1";
	return pgiam_chain_resolve(c, &o);
}

static void test_chain_order(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;

	(void)state;
	clear_env();
	/* nothing anywhere ([default] has only a region): one line listing what was tried */
	assert_int_equal(resolve(&c, NULL), PGIAM_ENOTFOUND);
	assert_non_null(strstr(pgiam_error_last(), "no AWS source credentials found"));
	assert_non_null(strstr(pgiam_error_last(), "disabled by AWS_EC2_METADATA_DISABLED"));

	/* the environment comes first ... */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_PROFILE", "plain", 1);
	assert_int_equal(resolve(&c, NULL), 0);
	assert_string_equal(c.access_key_id, "AKIDENV");
	assert_string_equal(c.source, "environment");
	/* ... unless a profile is named explicitly (source_profile) */
	assert_int_equal(resolve(&c, "both"), 0);
	assert_string_equal(c.access_key_id, "AKIDCREDSBOTH");
	assert_string_equal(c.session_token, "tokcreds");
	assert_string_equal(c.source, "profile both (credentials file)");
	clear_env();

	setenv("AWS_PROFILE", "plain", 1);
	assert_int_equal(resolve(&c, NULL), 0);
	assert_string_equal(c.access_key_id, "AKIDPLAIN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_DEFAULT_PROFILE", "dev", 1);
	assert_int_equal(resolve(&c, NULL), 0);
	assert_string_equal(c.source, "profile dev (config file)");
	unsetenv("AWS_DEFAULT_PROFILE");

	assert_int_equal(resolve(&c, "proc"), 0);
	assert_string_equal(c.access_key_id, "AKIDPROC");
	assert_string_equal(c.source, "profile proc via credential_process");
	assert_int_equal(c.expiration, 32472144000);
	pgiam_creds_dispose(&c);

	assert_int_equal(resolve(&c, "badproc"), PGIAM_EAUTH);
	assert_non_null(strstr(pgiam_error_last(), "profile badproc via credential_process: '/bin/false' failed with exit status 1"));
	assert_int_equal(resolve(&c, "nosuch"), PGIAM_ENOTFOUND);
	assert_non_null(strstr(pgiam_error_last(), "AWS profile 'nosuch' is in neither"));
	setenv("AWS_PROFILE", "nosuch", 1);
	assert_int_equal(resolve(&c, NULL), PGIAM_ENOTFOUND);
	unsetenv("AWS_PROFILE");
	assert_int_equal(resolve(&c, "loop"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "a loop?"));
	assert_int_equal(resolve(&c, "noboth"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "neither source_profile nor credential_source"));
	/* IAM Identity Center is read now (issue 14): a session without its section is said so */
	assert_int_equal(resolve(&c, "sso"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "an [sso-session corp] section"));
	assert_int_equal(resolve(&c, "half"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "no aws_secret_access_key"));
	assert_null(c.access_key_id);
}

static void test_container_full_uri_rules(void **state)
{
	pgiam_creds c = PGIAM_CREDS_INIT;

	(void)state;
	clear_env();
	assert_int_equal(pgiam_chain_from_container(&c, NULL), PGIAM_ENOTFOUND);
	/* plain http to a non-loopback host is refused before any connection */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds", 1);
	assert_int_equal(pgiam_chain_from_container(&c, NULL), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "must be https, a loopback address"));
	/* a token with a line break is refused before any connection */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1", 1);
	assert_int_equal(pgiam_chain_from_container(&c, NULL), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "line break"));
	clear_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_awsfiles_sections_and_keys),
		cmocka_unit_test(test_awsfiles_missing_files_are_empty),
		cmocka_unit_test(test_split_command),
		cmocka_unit_test(test_parse_json),
		cmocka_unit_test(test_run_process),
		cmocka_unit_test(test_parse_json_strict),
		cmocka_unit_test(test_run_process_deadline_and_cancel),
		cmocka_unit_test(test_env_provider),
		cmocka_unit_test(test_chain_order),
		cmocka_unit_test(test_container_full_uri_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
