/* test_profile.c - profiles: directory resolution, loading, every validation rule and
 * its message, defaults, atomic save, and round trips of hostile values through
 * iniparser. Uses real files in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <locale.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "profile.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pgiam-test-profile-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_non_null(buf);
	fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

#define REF_ENDPOINT "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com:5432"
#define REF_XID "Ab+cD/eF=gH1=="

static const char ref_ini[] =
	"; the reference setup\n"
	"[profile]\n"
	"endpoint = " REF_ENDPOINT "\n"
	"region = ap-northeast-1\n"
	"database = sample_db\n"
	"db_user = iam_ro_user\n"
	"role_arn = arn:aws:iam::123456789012:role/sf-udf-rds-auth-role\n"
	"external_id = " REF_XID "\n"
	"read_only = true\n"
	"ca_bundle = ap-northeast-1-bundle.pem\n";

/* A valid profile in memory, for the table-driven rule tests. */
static pgiam_profile *base_profile(void)
{
	pgiam_profile *p = NULL;

	write_file("base.ini", ref_ini);
	write_file("ap-northeast-1-bundle.pem", "not really a PEM\n");
	{
		char path[512];
		snprintf(path, sizeof(path), "%s/base.ini", tmpdir);
		assert_int_equal(pgiam_profile_load(&p, path), 0);
	}
	assert_int_equal(pgiam_profile_validate(p, NULL, 0, NULL), 0);
	return p;
}

/* --- directory and names -------------------------------------------------------------- */

static void test_dir_resolution_order(void **state)
{
	char *dir = NULL;
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	(void)state;
	setenv("PGIAM_PROFILES", "/env/profiles", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(pgiam_profile_dir(&dir, "/override"), 0);
	assert_string_equal(dir, "/override");
	free(dir);
	assert_int_equal(pgiam_profile_dir(&dir, NULL), 0);
	assert_string_equal(dir, "/env/profiles");
	free(dir);
	setenv("PGIAM_PROFILES", "", 1); /* empty counts as unset */
	assert_int_equal(pgiam_profile_dir(&dir, ""), 0);
	assert_string_equal(dir, "/xdg/pgiam/profiles");
	free(dir);
	unsetenv("PGIAM_PROFILES");
	setenv("XDG_CONFIG_HOME", "relative/ignored", 1); /* the XDG spec: ignore relative */
	assert_int_equal(pgiam_profile_dir(&dir, NULL), 0);
	assert_string_equal(dir, "/home/someone/.config/pgiam/profiles");
	free(dir);
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(pgiam_profile_dir(&dir, NULL), 0);
	assert_string_equal(dir, "/home/someone/.config/pgiam/profiles");
	free(dir);
	if (home)
		setenv("HOME", home, 1);
	free(home);
}

static void test_name_check(void **state)
{
	static const char *const good[] = { "reference-ro", "a", "A.b_c-9", "x.ini" };
	static const char *const bad[] = { "", ".hidden", "..", "../etc/passwd", "a/b",
		"with space", "tab\there", "ünï",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };
	char msg[256];
	pgiam_profile *p = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_int_equal(pgiam_profile_name_check(good[i], msg, sizeof(msg)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(pgiam_profile_name_check(bad[i], msg, sizeof(msg)), PGIAM_EINVAL);
		assert_non_null(strstr(msg, "expected"));
	}
	/* a bad name can neither be loaded, saved nor deleted outside the directory */
	assert_int_equal(pgiam_profile_load_named(&p, tmpdir, "../etc/passwd"), PGIAM_EINVAL);
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CONFIG);
	assert_null(p);
	assert_int_equal(pgiam_profile_delete(tmpdir, "../x"), PGIAM_EINVAL);
	p = base_profile();
	assert_int_equal(pgiam_profile_set_name(p, "../escape"), 0);
	assert_int_equal(pgiam_profile_save(p, tmpdir), PGIAM_EINVAL);
	assert_int_equal(access("/tmp/escape.ini", F_OK), -1);
	pgiam_profile_free(p);
}

/* --- loading and accessors --------------------------------------------------------------- */

static void test_load_reference_and_defaults(void **state)
{
	pgiam_profile *p = base_profile();
	char expect[512];
	struct passwd *pw = getpwuid(geteuid());

	(void)state;
	assert_string_equal(pgiam_profile_name(p), "base");
	assert_string_equal(pgiam_profile_host(p), "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com");
	assert_int_equal(pgiam_profile_port(p), 5432);
	assert_string_equal(pgiam_profile_region(p), "ap-northeast-1");
	assert_string_equal(pgiam_profile_database(p), "sample_db");
	assert_string_equal(pgiam_profile_db_user(p), "iam_ro_user");
	assert_string_equal(pgiam_profile_role_arn(p), "arn:aws:iam::123456789012:role/sf-udf-rds-auth-role");
	assert_string_equal(pgiam_profile_external_id(p), REF_XID);
	assert_true(pgiam_profile_read_only(p));
	assert_false(pgiam_profile_allow_unverified_tls(p));
	/* defaults */
	assert_int_equal(pgiam_profile_duration(p), 3600);
	assert_string_equal(pgiam_profile_sslmode(p), "verify-full");
	assert_true(pgiam_profile_tls_verified(p));
	assert_null(pgiam_profile_connect_host(p));
	assert_int_equal(pgiam_profile_connect_port(p), 0);
	assert_null(pgiam_profile_source_profile(p));
	assert_null(pgiam_profile_sts_endpoint(p));
	assert_null(pgiam_profile_account_id(p));
	assert_non_null(pw);
	assert_int_equal(strncmp(pgiam_profile_session_name(p), "pgiam-", 6), 0);
	assert_true(strlen(pgiam_profile_session_name(p)) <= 64);
	/* relative ca_bundle is taken from the profile's directory */
	snprintf(expect, sizeof(expect), "%s/ap-northeast-1-bundle.pem", tmpdir);
	assert_string_equal(pgiam_profile_ca_bundle(p), expect);
	/* "~/" is $HOME, an absolute path stays as it is */
	{
		char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

		setenv("HOME", "/home/someone", 1);
		assert_int_equal(pgiam_profile_set(p, "ca_bundle", "~/certs/b.pem"), 0);
		assert_string_equal(pgiam_profile_ca_bundle(p), "/home/someone/certs/b.pem");
		assert_int_equal(pgiam_profile_set(p, "ca_bundle", "/etc/b.pem"), 0);
		assert_string_equal(pgiam_profile_ca_bundle(p), "/etc/b.pem");
		if (home)
			setenv("HOME", home, 1);
		else
			unsetenv("HOME");
		free(home);
		assert_int_equal(pgiam_profile_set(p, "ca_bundle", "ap-northeast-1-bundle.pem"), 0);
	}
	/* region derived from an RDS endpoint when unset */
	assert_int_equal(pgiam_profile_set(p, "region", NULL), 0);
	assert_string_equal(pgiam_profile_region(p), "ap-northeast-1");
	assert_int_equal(pgiam_profile_validate(p, NULL, 0, NULL), 0);
	/* explicit values */
	assert_int_equal(pgiam_profile_set(p, "duration", "900"), 0);
	assert_int_equal(pgiam_profile_duration(p), 900);
	assert_int_equal(pgiam_profile_credential_process_timeout(p), 60);
	assert_int_equal(pgiam_profile_set(p, "credential_process_timeout", "5"), 0);
	assert_int_equal(pgiam_profile_credential_process_timeout(p), 5);
	assert_int_equal(pgiam_profile_set(p, "credential_process_timeout", "9999"), 0);
	assert_int_equal(pgiam_profile_credential_process_timeout(p), 60);
	assert_int_equal(pgiam_profile_set(p, "credential_process_timeout", NULL), 0);
	assert_int_equal(pgiam_profile_set(p, "connect_host", "[::1]:15432"), 0);
	assert_string_equal(pgiam_profile_connect_host(p), "::1");
	assert_int_equal(pgiam_profile_connect_port(p), 15432);
	assert_int_equal(pgiam_profile_set(p, "session_name", "my-session"), 0);
	assert_string_equal(pgiam_profile_session_name(p), "my-session");
	pgiam_profile_free(p);
}

static void test_keys_case_insensitive_values_keep_case(void **state)
{
	pgiam_profile *p = NULL;
	char path[512];

	(void)state;
	write_file("case.ini", "[Profile]\nENDPOINT = MyDB.Example.COM:5432\nRegion = us-east-1\n"
		"Database = Sample_DB\nDB_USER = IAM_User\n");
	snprintf(path, sizeof(path), "%s/case.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_string_equal(pgiam_profile_get(p, "endpoint"), "MyDB.Example.COM:5432");
	assert_string_equal(pgiam_profile_get(p, "DB_User"), "IAM_User");
	assert_string_equal(pgiam_profile_database(p), "Sample_DB");
	assert_int_equal(pgiam_profile_validate(p, NULL, 0, NULL), 0);
	pgiam_profile_free(p);
}

/* Switches LC_CTYPE to tr_TR.UTF-8 (where tolower('I') is 'I'), generating it with
 * localedef into tmpdir when the system has not; 0 when that is not possible. */
static int turkish_ctype(void)
{
	char cmd[1200], locpath[300];

	if (setlocale(LC_CTYPE, "tr_TR.UTF-8"))
		return 1;
	snprintf(locpath, sizeof(locpath), "%s/locales", tmpdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && localedef -i tr_TR -f UTF-8 '%s/tr_TR.UTF-8' "
		">/dev/null 2>&1", locpath, locpath);
	if (system(cmd) != 0)
		return 0;
	setenv("LOCPATH", locpath, 1);
	return setlocale(LC_CTYPE, "tr_TR.UTF-8") != NULL;
}

/* The TUI runs under the user's locale; keys and sections still fold as ASCII there. */
static void test_keys_case_insensitive_in_turkish_locale(void **state)
{
	pgiam_profile *p = NULL;
	char path[512];
	int errors;

	(void)state;
	if (!turkish_ctype())
		skip();
	write_file("tr.ini", "[PROFILE]\nENDPOINT = " REF_ENDPOINT "\nREGION = ap-northeast-1\n"
		"DATABASE = sample_db\nDB_USER = iam_ro_user\n"
		"ROLE_ARN = arn:aws:iam::123456789012:role/r\nEXTERNAL_ID = " REF_XID "\n"
		"SESSION_NAME = mine\nREAD_ONLY = TRUE\n");
	snprintf(path, sizeof(path), "%s/tr.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	errors = pgiam_profile_validate(p, NULL, 0, NULL);
	setlocale(LC_CTYPE, "C");
	assert_int_equal(errors, 0);
	assert_string_equal(pgiam_profile_external_id(p), REF_XID);
	assert_string_equal(pgiam_profile_session_name(p), "mine");
	assert_string_equal(pgiam_profile_get(p, "EXTERNAL_ID"), REF_XID);
	assert_true(pgiam_profile_read_only(p));
	pgiam_profile_free(p);
}

static void test_load_failures(void **state)
{
	pgiam_profile *p = NULL;
	char path[512];
	char line[1200];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), PGIAM_ENOTFOUND);
	assert_non_null(strstr(pgiam_error_last(), "missing.ini"));
	assert_int_equal(pgiam_profile_load_named(&p, tmpdir, "missing"), PGIAM_ENOTFOUND);
	assert_int_equal(pgiam_error_last_class(), PGIAM_ECLASS_CONFIG);
	assert_non_null(strstr(pgiam_error_last(), tmpdir));
	assert_int_equal(pgiam_profile_load(&p, tmpdir), PGIAM_EIO); /* a directory */

	write_file("syntax.ini", "[profile]\nendpoint = h:1\nthis line has no equals sign\n");
	snprintf(path, sizeof(path), "%s/syntax.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), PGIAM_EINVAL);
	assert_null(p);
	assert_non_null(strstr(pgiam_error_last(), "syntax.ini"));
	assert_non_null(strstr(pgiam_error_last(), "syntax error"));

	/* issue 10: the offending line is quoted for the user's own file ... */
	write_file("secret-target.ini", "[profile]\nendpoint = h:1\nTOPSECRET line without equals\n");
	snprintf(path, sizeof(path), "%s/secret-target.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "TOPSECRET"));
	/* ... but not through a link to another user's file (pgiam with more rights than
	 * the link's author: here root, the only one who can make such a file) */
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
		char link[512];

		snprintf(link, sizeof(link), "%s/borrowed.ini", tmpdir);
		assert_int_equal(symlink(path, link), 0);
		assert_int_equal(pgiam_profile_load(&p, link), PGIAM_EINVAL);
		assert_null(strstr(pgiam_error_last(), "TOPSECRET"));
		assert_non_null(strstr(pgiam_error_last(), "syntax error"));
		assert_non_null(strstr(pgiam_error_last(), "not quoted"));
		unlink(link);
	} else
		print_message("not root: the link-to-another-user's-file case is not run\n");
	unlink(path);

	write_file("bom.ini", "\xef\xbb\xbf[profile]\nendpoint = h:1\n");
	snprintf(path, sizeof(path), "%s/bom.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "byte-order mark"));

	/* Windows line ends are fine */
	write_file("crlf.ini", "[profile]\r\nendpoint = h.example.com:5432\r\nregion = us-east-1\r\n"
		"database = d\r\ndb_user = u\r\nexternal_id = \"x y\"\r\n");
	snprintf(path, sizeof(path), "%s/crlf.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_string_equal(pgiam_profile_get(p, "db_user"), "u");
	assert_string_equal(pgiam_profile_get(p, "external_id"), "x y");
	assert_int_equal(pgiam_profile_port(p), 5432);
	pgiam_profile_free(p);
	p = NULL;

	/* iniparser 4.1 refuses lines over 1022 characters */
	memset(line, 'a', sizeof(line));
	memcpy(line, "[profile]\nexternal_id = ", 24);
	line[sizeof(line) - 1] = '\0';
	write_file("long.ini", line);
	snprintf(path, sizeof(path), "%s/long.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "too long"));
}

/* --- validation rules ----------------------------------------------------------------------- */

typedef struct {
	const char *key;
	const char *value;   /* NULL removes the key */
	int expect;          /* 0 ok, 1 warning, 2 error (for problem_key) */
	const char *problem_key;
	const char *needle;  /* in the message */
} rule_case;

static const rule_case rules[] = {
	{ "endpoint", "mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com", 2, "endpoint", "no port" },
	{ "endpoint", "[::1]:5432", 0, "endpoint", NULL },
	{ "endpoint", "127.0.0.1:5432", 0, "endpoint", NULL },
	{ "endpoint", "::1:5432", 2, "endpoint", "brackets" },
	{ "endpoint", "[::1]", 2, "endpoint", "no port" },
	{ "endpoint", "[nothex]:5432", 2, "endpoint", "IPv6" },
	{ "endpoint", "host:0", 2, "endpoint", "1 to 65535" },
	{ "endpoint", "host:65536", 2, "endpoint", "1 to 65535" },
	{ "endpoint", "host:54x", 2, "endpoint", "1 to 65535" },
	{ "endpoint", "host:", 2, "endpoint", "1 to 65535" },
	{ "endpoint", ":5432", 2, "endpoint", "no host" },
	{ "endpoint", "postgres://host:5432", 2, "endpoint", "scheme" },
	{ "endpoint", "bad_host!:5432", 2, "endpoint", "host name" },
	{ "endpoint", ".host:5432", 2, "endpoint", "host name" },
	{ "endpoint", "-host:5432", 2, "endpoint", "host name" },
	{ "endpoint", "a..b:5432", 2, "endpoint", "host name" },
	{ "endpoint", NULL, 2, "endpoint", "missing" },
	{ "region", "us-east-1", 1, "region", "PAM authentication failed" },
	{ "region", "Tokyo", 2, "region", "region" },
	{ "region", "us-gov-west-1", 1, "region", "expected region = ap-northeast-1" },
	{ "database", NULL, 2, "database", "missing" },
	{ "database", "a234567890123456789012345678901234567890123456789012345678901234", 2, "database", "63" },
	{ "db_user", NULL, 2, "db_user", "missing" },
	{ "role_arn", "arn:aws:iam::12345:role/x", 2, "role_arn", "12-digit" },
	{ "role_arn", "arn:aws:iam::123456789012:user/someone", 2, "role_arn", "role/" },
	{ "role_arn", "arn:aws:iam::123456789012:role/", 2, "role_arn", "role ARN" },
	{ "role_arn", "arn:aws:iam::123456789012:role/path/sub/name", 0, "role_arn", NULL },
	{ "role_arn", "arn:aws-cn:iam::123456789012:role/r", 0, "role_arn", NULL },
	{ "role_arn", "arn:aws:iam::123456789012:role/a b", 2, "role_arn", "role ARN" },
	{ "external_id", "a", 2, "external_id", "2 to 1224" },
	{ "external_id", "has space", 2, "external_id", "_ + = , . @ : / -" },
	{ "external_id", "Ab_+=,.@:/-9", 0, "external_id", NULL },
	{ "session_name", "a", 2, "session_name", "2 to 64" },
	{ "session_name", "no/slash", 2, "session_name", "2 to 64" },
	{ "session_name", "a2345678901234567890123456789012345678901234567890123456789012345", 2, "session_name", "2 to 64" },
	{ "session_name", "ok_name+=,.@-", 0, "session_name", NULL },
	{ "duration", "899", 2, "duration", "900 to 43200" },
	{ "duration", "43201", 2, "duration", "900 to 43200" },
	{ "duration", "3600s", 2, "duration", "900 to 43200" },
	{ "duration", "-1000", 2, "duration", "900 to 43200" },
	{ "duration", "43200", 0, "duration", NULL },
	{ "source_profile", "dev", 0, "source_profile", NULL },
	{ "source_profile", "has space", 2, "source_profile", "AWS profile" },
	{ "sts_endpoint", "https://sts.ap-northeast-1.amazonaws.com", 0, "sts_endpoint", NULL },
	{ "sts_endpoint", "http://127.0.0.1:8080", 0, "sts_endpoint", NULL },
	{ "sts_endpoint", "http://[::1]:8080/", 0, "sts_endpoint", NULL },
	{ "sts_endpoint", "http://localhost:8080", 0, "sts_endpoint", NULL },
	{ "sts_endpoint", "http://sts.amazonaws.com", 2, "sts_endpoint", "expected https" },
	{ "sts_endpoint", "http://127.0.0.1.example.com/", 2, "sts_endpoint", "expected https" },
	{ "sts_endpoint", "ftp://127.0.0.1/", 2, "sts_endpoint", "https URL" },
	{ "sts_endpoint", "not a url", 2, "sts_endpoint", "not a URL" },
	{ "ca_bundle", "does-not-exist.pem", 1, "ca_bundle", "cannot be read" },
	{ "sslmode", "verify-ca", 0, "sslmode", NULL },
	{ "sslmode", "require", 2, "sslmode", "allow_unverified_tls" },
	{ "sslmode", "disable", 2, "sslmode", "without TLS" },
	{ "sslmode", "prefer", 2, "sslmode", "without TLS" },
	{ "sslmode", "verify_full", 2, "sslmode", "not an sslmode" },
	{ "connect_host", "127.0.0.1", 2, "connect_host", "no port" },
	{ "connect_host", "127.0.0.1:15432", 0, "connect_host", NULL },
	{ "read_only", "maybe", 2, "read_only", "true or false" },
	{ "read_only", "no", 0, "read_only", NULL },
	{ "allow_unverified_tls", "sure", 2, "allow_unverified_tls", "true or false" },
	{ "account_id", "12345", 2, "account_id", "12 digits" },
	{ "account_id", "123456789012", 0, "account_id", NULL },
	{ "dbi_resource_id", "ABC", 2, "dbi_resource_id", "db-" },
	{ "dbi_resource_id", "db-", 2, "dbi_resource_id", "db-" },
	{ "dbi_resource_id", "db-ABCDEFGHIJ0123", 0, "dbi_resource_id", NULL },
	/* issue 14: an Aurora cluster's and an RDS Proxy's resource ids */
	{ "dbi_resource_id", "cluster-ABCDEFGHIJKL01234", 0, "dbi_resource_id", NULL },
	{ "dbi_resource_id", "prx-0123456789abcdef0", 0, "dbi_resource_id", NULL },
	{ "dbi_resource_id", "prx-", 2, "dbi_resource_id", "prx-" },
	{ "dbi_resource_id", "cluster-ab/c", 2, "dbi_resource_id", "cluster-" },
	{ "dbi_resource_id", "proxy-abc", 2, "dbi_resource_id", "db-" },
	{ "colour", "blue", 1, "colour", "not a pgiam key" },
	/* issue 10: the credential_process deadline; names that are not plain text */
	{ "credential_process_timeout", "0", 2, "credential_process_timeout", "1 to 3600" },
	{ "credential_process_timeout", "3601", 2, "credential_process_timeout", "1 to 3600" },
	{ "credential_process_timeout", "5s", 2, "credential_process_timeout", "1 to 3600" },
	{ "credential_process_timeout", "-5", 2, "credential_process_timeout", "1 to 3600" },
	{ "credential_process_timeout", "00005", 2, "credential_process_timeout", "1 to 3600" },
	{ "credential_process_timeout", "5", 0, "credential_process_timeout", NULL },
	{ "db_user", "iam\xc2\x9b" "31muser", 2, "db_user", "not valid UTF-8" },
	{ "db_user", "iam\xff", 2, "db_user", "not valid UTF-8" },
	{ "db_user", "iam\xe2\x80\xae" "user", 2, "db_user", "control" },
	{ "db_user", "ユーザー_é", 0, "db_user", NULL },
	{ "database", "db\xc2\x85", 2, "database", "control" },
};

static void test_rules(void **state)
{
	pgiam_profile_problem problems[32];

	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
		const rule_case *c = &rules[i];
		pgiam_profile *p = base_profile();
		size_t n = 0;
		int errors;
		const pgiam_profile_problem *found = NULL;

		print_message("case %zu: %s = %s\n", i, c->key, c->value ? c->value : "(unset)");
		assert_int_equal(pgiam_profile_set(p, c->key, c->value), 0);
		errors = pgiam_profile_validate(p, problems, 32, &n);
		for (size_t k = 0; k < n; k++)
			if (!strcmp(problems[k].key, c->problem_key))
				found = &problems[k];
		if (c->expect == 0) {
			assert_int_equal(errors, 0);
			assert_null(found);
		} else {
			assert_non_null(found);
			assert_int_equal(errors, c->expect == 2 ? 1 : 0);
			assert_int_equal(found->severity, c->expect == 2 ? PGIAM_PROBLEM_ERROR :
				PGIAM_PROBLEM_WARNING);
			/* every message names the file, the key and what is expected */
			assert_non_null(strstr(found->message, "base.ini"));
			assert_non_null(strstr(found->message, c->problem_key));
			assert_non_null(strstr(found->message, "expected"));
			assert_non_null(strstr(found->message, c->needle));
		}
		pgiam_profile_free(p);
	}
}

static void test_region_required_unless_rds(void **state)
{
	pgiam_profile *p = base_profile();
	pgiam_profile_problem pr[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(pgiam_profile_set(p, "endpoint", "127.0.0.1:5432"), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 0); /* region still set */
	assert_int_equal(pgiam_profile_set(p, "region", NULL), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 1);
	assert_string_equal(pr[0].key, "region");
	assert_non_null(strstr(pr[0].message, "expected"));
	assert_null(pgiam_profile_region(p));
	pgiam_profile_free(p);
}

static void test_role_only_keys_warn_without_role(void **state)
{
	pgiam_profile *p = base_profile();
	pgiam_profile_problem pr[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(pgiam_profile_set(p, "role_arn", NULL), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pr[0].key, "external_id");
	assert_int_equal(pr[0].severity, PGIAM_PROBLEM_WARNING);
	assert_non_null(strstr(pr[0].message, "role_arn"));
	assert_null(pgiam_profile_role_arn(p));
	pgiam_profile_free(p);
}

static void test_unverified_tls_allowed_as_warning(void **state)
{
	pgiam_profile *p = base_profile();
	pgiam_profile_problem pr[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(pgiam_profile_set(p, "sslmode", "require"), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 1);
	assert_int_equal(pgiam_profile_set(p, "allow_unverified_tls", "true"), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pr[0].severity, PGIAM_PROBLEM_WARNING);
	assert_non_null(strstr(pr[0].message, "unverified"));
	assert_false(pgiam_profile_tls_verified(p));
	assert_true(pgiam_profile_allow_unverified_tls(p));
	/* no TLS at all stays refused */
	assert_int_equal(pgiam_profile_set(p, "sslmode", "disable"), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 1);
	pgiam_profile_free(p);
}

static void test_messages_without_file_and_counts(void **state)
{
	pgiam_profile *p = NULL;
	pgiam_profile_problem pr[2];
	size_t n = 0;

	(void)state;
	assert_int_equal(pgiam_profile_new(&p, "fresh"), 0);
	/* endpoint, region, database, db_user missing: 4 errors, only 2 stored */
	assert_int_equal(pgiam_profile_validate(p, pr, 2, &n), 4);
	assert_int_equal(n, 2);
	assert_non_null(strstr(pr[0].message, "profile fresh: "));
	assert_null(pgiam_profile_path(p));
	pgiam_profile_free(p);
}

static void test_long_message_whole(void **state)
{
	/* a 90-byte value quoted in a 240-byte explanation, after "profile NAME:
	 * role_arn: ": more than 256 bytes, which cut the example at its end */
	pgiam_profile *p = NULL;
	pgiam_profile_problem pr[8];
	char arn[100];
	size_t n = 0, len;
	int found = 0;

	(void)state;
	snprintf(arn, sizeof(arn), "arn:aws:iam::12345:role/%066d", 0);
	assert_int_equal(pgiam_profile_new(&p, "a-profile-with-a-long-name"), 0);
	assert_int_equal(pgiam_profile_set(p, "role_arn", arn), 0);
	pgiam_profile_validate(p, pr, 8, &n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(pr[i].key, "role_arn"))
			continue;
		found = 1;
		len = strlen(pr[i].message);
		assert_true(len > 256);
		assert_non_null(strstr(pr[i].message, arn));
		assert_string_equal(pr[i].message + len - strlen("sf-udf-rds-auth-role"),
			"sf-udf-rds-auth-role");
	}
	assert_true(found);
	pgiam_profile_free(p);
}

static void test_check_field(void **state)
{
	pgiam_profile *p = base_profile();
	char msg[256];

	(void)state;
	assert_true(pgiam_profile_check_field(p, "endpoint", "h.example.com", msg, sizeof(msg)) < 0);
	assert_non_null(strstr(msg, "no port"));
	assert_int_equal(pgiam_profile_check_field(p, "endpoint", "h.example.com:5432", msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	/* the region against the endpoint, and the endpoint against the region */
	assert_int_equal(pgiam_profile_check_field(p, "region", "eu-west-1", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "PAM authentication failed"));
	assert_int_equal(pgiam_profile_check_field(p, "endpoint",
		"db.x.eu-west-1.rds.amazonaws.com:5432", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "eu-west-1"));
	assert_true(pgiam_profile_check_field(p, "name", "../x", msg, sizeof(msg)) < 0);
	assert_true(pgiam_profile_check_field(NULL, "external_id", "x\ny", msg, sizeof(msg)) < 0);
	assert_int_equal(pgiam_profile_check_field(NULL, "duration", "1200", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "role_arn"));
	/* the context is not changed */
	assert_string_equal(pgiam_profile_get(p, "endpoint"), REF_ENDPOINT);
	pgiam_profile_free(p);
}

static void test_keys_table(void **state)
{
	size_t n = 0;
	const pgiam_profile_key *k = pgiam_profile_keys(&n);
	static const char *const expected[] = { "endpoint", "region", "database", "db_user",
		"role_arn", "external_id", "session_name", "duration", "source_profile",
		"sts_endpoint", "ca_bundle", "sslmode", "allow_unverified_tls", "connect_host",
		"read_only", "account_id", "dbi_resource_id", "credential_process_timeout",
		"cache_credentials", "mfa_serial" };

	(void)state;
	assert_int_equal(n, sizeof(expected) / sizeof(*expected));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(k[i].key, expected[i]);
		assert_true(strlen(k[i].description) > 10);
		assert_true(pgiam_profile_key_known(expected[i]));
	}
	assert_false(pgiam_profile_key_known("colour"));
}

/* --- saving ---------------------------------------------------------------------------------- */

static void test_save_atomic_mode_and_others_untouched(void **state)
{
	pgiam_profile *p = base_profile();
	pgiam_profile *q = NULL;
	char path[512], other[512];
	struct stat st, before, after;
	char *text = NULL;
	DIR *d = NULL;
	struct dirent *de = NULL;

	(void)state;
	write_file("other.ini", "[profile]\nendpoint = o:1\n; a comment kept in other.ini\n");
	snprintf(other, sizeof(other), "%s/other.ini", tmpdir);
	assert_int_equal(stat(other, &before), 0);

	assert_int_equal(pgiam_profile_set(p, "colour", "blue"), 0);
	assert_int_equal(pgiam_profile_set_name(p, "saved"), 0);
	assert_int_equal(pgiam_profile_save(p, tmpdir), 0);
	snprintf(path, sizeof(path), "%s/saved.ini", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* the other profile is the same file with the same contents */
	assert_int_equal(stat(other, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);
	text = read_file(other);
	assert_non_null(strstr(text, "a comment kept"));
	free(text);

	/* no temporary file is left behind */
	assert_non_null(d = opendir(tmpdir));
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, "XXXX") ? de->d_name : strstr(de->d_name, ".saved.ini."));
	closedir(d);

	/* unknown key kept, values identical */
	assert_int_equal(pgiam_profile_load(&q, path), 0);
	assert_string_equal(pgiam_profile_get(q, "colour"), "blue");
	assert_string_equal(pgiam_profile_external_id(q), REF_XID);
	assert_int_equal(pgiam_profile_entry_count(q), pgiam_profile_entry_count(p));
	for (size_t i = 0; i < pgiam_profile_entry_count(p); i++) {
		const char *k1, *v1, *k2, *v2;
		assert_int_equal(pgiam_profile_entry(&k1, &v1, p, i), 0);
		assert_int_equal(pgiam_profile_entry(&k2, &v2, q, i), 0);
		assert_string_equal(k1, k2);
		assert_string_equal(v1, v2);
	}
	pgiam_profile_free(q);

	/* overwriting keeps mode 0600 even if the old file was 0644 */
	chmod(path, 0644);
	assert_int_equal(pgiam_profile_set(p, "database", "other_db"), 0);
	assert_int_equal(pgiam_profile_save(p, tmpdir), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* a profile with errors is refused and the saved file stays as it was */
	assert_int_equal(pgiam_profile_set(p, "endpoint", "no-port.example.com"), 0);
	assert_int_equal(pgiam_profile_save(p, tmpdir), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "no port"));
	assert_int_equal(pgiam_profile_load(&q, path), 0);
	assert_string_equal(pgiam_profile_get(q, "endpoint"), REF_ENDPOINT);
	assert_string_equal(pgiam_profile_database(q), "other_db");
	pgiam_profile_free(q);
	pgiam_profile_free(p);
}

static void test_save_creates_dir(void **state)
{
	pgiam_profile *p = base_profile();
	char dir[512], path[600];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/new/nested", tmpdir);
	assert_int_equal(pgiam_profile_save(p, dir), 0);
	snprintf(path, sizeof(path), "%s/base.ini", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_true(pgiam_profile_exists(dir, "base"));
	assert_int_equal(pgiam_profile_delete(dir, "base"), 0);
	assert_false(pgiam_profile_exists(dir, "base"));
	assert_int_equal(pgiam_profile_delete(dir, "base"), PGIAM_ENOTFOUND);
	/* an empty directory is refused, not taken as "/" */
	assert_int_equal(pgiam_profile_save(p, ""), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "no profile directory"));
	assert_int_equal(pgiam_profile_delete("", "base"), PGIAM_EINVAL);
	pgiam_profile_free(p);
}

static void test_round_trip_hostile_values(void **state)
{
	static const char *const hostile[] = {
		"Ab+cD/eF=gH1==", "a;b", "a # not a comment", "x = y = z", "\"quoted\"",
		"'single'", "it's", "  spaces around  ", "ends with backslash\\", "[section]",
		"; leading semicolon", "# leading hash", "日本語の値", "=", "\\", "\"", "'",
		"%s%n", "", "tab\there", "esc\x1b[31mred", "del\x7f",
	};
	pgiam_profile *p = base_profile();
	pgiam_profile *q = NULL;
	char key[32], path[512];
	char longv[1100];

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
		snprintf(key, sizeof(key), "x_hostile_%zu", i);
		assert_int_equal(pgiam_profile_set(p, key, hostile[i]), 0);
	}
	assert_int_equal(pgiam_profile_set(p, "external_id", "Zz+/=Zz+/==:@,.-_"), 0);
	/* the longest value that fits on one of iniparser's lines */
	memset(longv, 'a', sizeof(longv));
	longv[1022 - 5 - strlen("external_id")] = '\0';
	assert_int_equal(pgiam_profile_set(p, "external_id", longv), 0);
	assert_int_equal(pgiam_profile_save(p, tmpdir), 0);
	snprintf(path, sizeof(path), "%s/base.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&q, path), 0);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
		snprintf(key, sizeof(key), "x_hostile_%zu", i);
		assert_non_null(pgiam_profile_get(q, key));
		assert_string_equal(pgiam_profile_get(q, key), hostile[i]);
	}
	assert_string_equal(pgiam_profile_external_id(q), longv);
	pgiam_profile_free(q);

	/* values that cannot be written back identically are refused by set */
	longv[1022 - 5 - strlen("external_id")] = 'a';
	longv[1023 - 5 - strlen("external_id")] = '\0';
	assert_int_equal(pgiam_profile_set(p, "external_id", longv), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "too long"));
	assert_int_equal(pgiam_profile_set(p, "x", "both ' and \""), PGIAM_EINVAL);
	assert_int_equal(pgiam_profile_set(p, "x", "new\nline"), PGIAM_EINVAL);
	assert_int_equal(pgiam_profile_set(p, "x", "cr\rhere"), PGIAM_EINVAL);
	assert_int_equal(pgiam_profile_set(p, "bad key", "v"), PGIAM_EINVAL);
	assert_int_equal(pgiam_profile_set(p, "a:b", "v"), PGIAM_EINVAL);
	pgiam_profile_free(p);
}

static void test_other_sections_kept(void **state)
{
	pgiam_profile *p = NULL, *q = NULL;
	pgiam_profile_problem pr[8];
	size_t n = 0;
	char path[512];

	(void)state;
	write_file("sect.ini", "stray = top\n[profile]\nendpoint = h.example.com:5432\n"
		"region = us-east-1\ndatabase = d\ndb_user = u\n[extra]\nnote = \"kept; here\"\n");
	snprintf(path, sizeof(path), "%s/sect.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(pr[0].severity, PGIAM_PROBLEM_WARNING);
	assert_null(pgiam_profile_get(p, "note"));
	assert_int_equal(pgiam_profile_save(p, tmpdir), 0);
	assert_int_equal(pgiam_profile_load(&q, path), 0);
	assert_int_equal(pgiam_profile_validate(q, pr, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(pr[0].message, "stray: is outside any section"));
	assert_non_null(strstr(pr[1].message, "[extra]"));
	pgiam_profile_free(p);
	pgiam_profile_free(q);

	/* a value iniparser read but that cannot be written back is an error, so that a
	 * profile without errors can always be saved */
	write_file("unwritable.ini", "[profile]\nendpoint = h.example.com:5432\nregion = us-east-1\n"
		"database = d\ndb_user = u\nnote = it's \"both\"\n");
	snprintf(path, sizeof(path), "%s/unwritable.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_string_equal(pgiam_profile_get(p, "note"), "it's \"both\"");
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 1);
	assert_string_equal(pr[0].key, "note");
	assert_non_null(strstr(pr[0].message, "cannot be written back"));
	assert_int_equal(pgiam_profile_save(p, tmpdir), PGIAM_EINVAL);
	pgiam_profile_free(p);

	/* values are quoted in messages with terminal control characters made harmless */
	write_file("esc.ini", "[profile]\nendpoint = h.example.com:5432\nregion = us-east-1\n"
		"database = d\ndb_user = u\nrole_arn = \"\x1b]0;owned\x07\"\n");
	snprintf(path, sizeof(path), "%s/esc.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_int_equal(pgiam_profile_validate(p, pr, 8, &n), 1);
	assert_null(strchr(pr[0].message, '\x1b'));
	assert_null(strchr(pr[0].message, '\x07'));
	assert_non_null(strstr(pr[0].message, "^[]0;owned^G"));  /* carets, as everywhere */
	pgiam_profile_free(p);

	write_file("nosect.ini", "endpoint = h:1\n");
	snprintf(path, sizeof(path), "%s/nosect.ini", tmpdir);
	assert_int_equal(pgiam_profile_load(&p, path), 0);
	assert_true(pgiam_profile_validate(p, pr, 8, &n) > 0);
	assert_string_equal(pr[0].key, "section");
	pgiam_profile_free(p);
}

static void test_list_and_dup(void **state)
{
	char **names = NULL;
	size_t n = 0;
	char missing[512];
	pgiam_profile *p = base_profile(), *c = NULL;

	(void)state;
	write_file("zeta.ini", "[profile]\n");
	write_file("Alpha.ini", "[profile]\n");
	write_file(".hidden.ini", "[profile]\n");
	write_file("bad name.ini", "[profile]\n");
	write_file("notes.txt", "x\n");
	write_file(".zeta.ini.Ab12Cd", "[profile]\n"); /* a save's temporary file */
	assert_int_equal(pgiam_profile_list(&names, &n, tmpdir), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "Alpha");
	assert_string_equal(names[1], "base");
	assert_string_equal(names[2], "zeta");
	pgiam_profile_names_free(names, n);

	snprintf(missing, sizeof(missing), "%s/none", tmpdir);
	assert_int_equal(pgiam_profile_list(&names, &n, missing), PGIAM_ENOTFOUND);
	assert_non_null(strstr(pgiam_error_last(), missing));

	assert_int_equal(pgiam_profile_dup(&c, p, "copy"), 0);
	assert_string_equal(pgiam_profile_name(c), "copy");
	assert_null(pgiam_profile_path(c));
	assert_string_equal(pgiam_profile_ca_bundle(c), pgiam_profile_ca_bundle(p));
	assert_int_equal(pgiam_profile_set(c, "database", "changed"), 0);
	assert_string_equal(pgiam_profile_database(p), "sample_db");
	pgiam_profile_free(c);
	pgiam_profile_free(p);
}

static void test_session_name_default_sanitised(void **state)
{
	pgiam_profile *p = NULL;
	const char *s;

	(void)state;
	assert_int_equal(pgiam_profile_new(&p, "x"), 0);
	s = pgiam_profile_session_name(p);
	assert_int_equal(strncmp(s, "pgiam-", 6), 0);
	assert_true(strlen(s) >= 7 && strlen(s) <= 64);
	for (const char *c = s; *c; c++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789_+=,.@-", *c));
	pgiam_profile_free(p);
}

/* `pgiam check --all` loads profiles from parallel threads: iniparser's error hook and
 * the thread-local messages must not mix (run under ASan by tools/test). */
static void *load_many(void *arg)
{
	char good[512], broken[512];
	long failures = 0;

	(void)arg;
	snprintf(good, sizeof(good), "%s/base.ini", tmpdir);
	snprintf(broken, sizeof(broken), "%s/broken.ini", tmpdir);
	for (int i = 0; i < 200; i++) {
		pgiam_profile *p = NULL;
		if (pgiam_profile_load(&p, good) != 0 || pgiam_profile_validate(p, NULL, 0, NULL) != 0)
			failures++;
		pgiam_profile_free(p);
		p = NULL;
		if (pgiam_profile_load(&p, broken) != PGIAM_EINVAL ||
				!strstr(pgiam_error_last(), "broken.ini (2)"))
			failures++;
	}
	return (void *)failures;
}

static void test_parallel_loads(void **state)
{
	pthread_t t[4];
	pgiam_profile *p = base_profile();

	(void)state;
	pgiam_profile_free(p);
	write_file("broken.ini", "[profile]\nnot a key value line\n");
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r = NULL;
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_int_equal((long)r, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_resolution_order),
		cmocka_unit_test_setup_teardown(test_name_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_reference_and_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_case_insensitive_values_keep_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_case_insensitive_in_turkish_locale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_required_unless_rds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_only_keys_warn_without_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unverified_tls_allowed_as_warning, setup, teardown),
		cmocka_unit_test(test_messages_without_file_and_counts),
		cmocka_unit_test_setup_teardown(test_check_field, setup, teardown),
		cmocka_unit_test(test_keys_table),
		cmocka_unit_test_setup_teardown(test_save_atomic_mode_and_others_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_creates_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_hostile_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_sections_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_and_dup, setup, teardown),
		cmocka_unit_test(test_session_name_default_sanitised),
		cmocka_unit_test(test_long_message_whole),
		cmocka_unit_test_setup_teardown(test_parallel_loads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
