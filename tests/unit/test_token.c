/* test_token.c - the RDS auth token: known answers, input validation, describe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "creds.h"
#include "error.h"
#include "secure.h"
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST "prod-instance.us-east-1.rds.amazonaws.com"

/* 2016-11-07T17:39:33Z, 2024-08-26T22:00:00Z, 2025-01-01T00:00:01Z */
#define T2016 1478540373
#define T2024 1724709600
#define T2025 1735689601

static const struct known {
	const char *akid, *secret, *token;
	time_t time;
	const char *user, *region;
	const char *expect;
} known[] = {
	{ "akid", "skid", NULL, T2016, "someusername", "us-east-1",
	  HOST ":3306/?Action=connect&DBUser=someusername&X-Amz-Algorithm=AWS4-HMAC-SHA256"
	  "&X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
	  "&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
	  "&X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61" },
	{ "akid", "secret", NULL, T2024, "peccy", "us-east-1",
	  HOST ":3306/?Action=connect&DBUser=peccy&X-Amz-Algorithm=AWS4-HMAC-SHA256"
	  "&X-Amz-Credential=akid%2F20240826%2Fus-east-1%2Frds-db%2Faws4_request"
	  "&X-Amz-Date=20240826T220000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
	  "&X-Amz-Signature=dd0cba843009474347af724090233265628ace491ea17ce3eb3da098b983ad89" },
	{ "AKIA", "SECRET", "SESSION", T2025, "mysqlUser", "us-west-2",
	  HOST ":3306/?Action=connect&DBUser=mysqlUser&X-Amz-Algorithm=AWS4-HMAC-SHA256"
	  "&X-Amz-Credential=AKIA%2F20250101%2Fus-west-2%2Frds-db%2Faws4_request"
	  "&X-Amz-Date=20250101T000001Z&X-Amz-Expires=900&X-Amz-Security-Token=SESSION"
	  "&X-Amz-SignedHeaders=host"
	  "&X-Amz-Signature=4e4ce10c7b3710decae757df60ba2519348dcb4db802f15646dce1bf5e17c3ed" },
};

static char *generate(const char *host, int port, const char *user, const char *region,
	const char *akid, const char *secret, const char *token, time_t t, int expect_error)
{
	pgiam_creds creds = PGIAM_CREDS_INIT;
	pgiam_token_params p = { host, port, user, region, t };
	char *out = NULL;

	if (akid)
		assert_int_equal(pgiam_creds_set(&creds, akid, secret, token, 0, NULL), 0);
	assert_int_equal(pgiam_token_generate(&out, &p, &creds), expect_error);
	if (expect_error)
		assert_null(out);
	pgiam_creds_dispose(&creds);
	return out;
}

static void test_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char *tok = generate(HOST, 3306, known[i].user, known[i].region, known[i].akid,
			known[i].secret, known[i].token, known[i].time, 0);

		assert_string_equal(tok, known[i].expect);
		pgiam_free_secret(tok);
	}
}

/* The signed host is lowercased, so case in the given host does not change the
 * signature; the token keeps the host as given (as botocore does). */
static void test_host_case_and_port_443(void **state)
{
	char *lower, *upper, *p443, *p444;
	const char *sig_lower, *sig_upper;

	(void)state;
	lower = generate(HOST, 3306, "peccy", "us-east-1", "akid", "secret", NULL, T2024, 0);
	upper = generate("Prod-Instance.US-EAST-1.rds.amazonaws.com", 3306, "peccy", "us-east-1",
		"akid", "secret", NULL, T2024, 0);
	sig_lower = strstr(lower, "X-Amz-Signature=");
	sig_upper = strstr(upper, "X-Amz-Signature=");
	assert_string_equal(sig_lower, sig_upper);
	assert_memory_equal(upper, "Prod-Instance.US-EAST-1.rds.amazonaws.com:3306/?", 48);

	/* 443 is dropped from the signed host header only, so it signs like no port */
	p443 = generate(HOST, 443, "peccy", "us-east-1", "akid", "secret", NULL, T2024, 0);
	p444 = generate(HOST, 444, "peccy", "us-east-1", "akid", "secret", NULL, T2024, 0);
	assert_memory_equal(p443, HOST ":443/?", strlen(HOST) + 6);
	assert_string_not_equal(strstr(p443, "X-Amz-Signature="), strstr(p444, "X-Amz-Signature="));
	/* botocore 1.29 (Python signer) for this input, port 443 */
	assert_string_equal(strstr(p443, "X-Amz-Signature=") + 16,
		"e0856b66de3ba85a2c79cdc511360aeb0538194f2001455c842551a7199708a4");
	pgiam_free_secret(lower);
	pgiam_free_secret(upper);
	pgiam_free_secret(p443);
	pgiam_free_secret(p444);
}

static void test_user_encoding(void **state)
{
	char *tok;

	(void)state;
	tok = generate(HOST, 5432, "a b@c/\xc3\xa9+=&", "eu-west-1", "akid", "secret", "t/+=", T2024, 0);
	assert_non_null(strstr(tok, "&DBUser=a%20b%40c%2F%C3%A9%2B%3D%26&"));
	assert_non_null(strstr(tok, "&X-Amz-Security-Token=t%2F%2B%3D&"));
	pgiam_free_secret(tok);
}

static void test_bad_input(void **state)
{
	static const struct { const char *host; int port; const char *user, *region; const char *msg; } bad[] = {
		{ "", 5432, "u", "us-east-1", "host name is empty" },
		{ NULL, 5432, "u", "us-east-1", "host name is empty" },
		{ "https://h.example.com", 5432, "u", "us-east-1", "without a scheme" },
		{ "h.example.com:5432", 5432, "u", "us-east-1", "only letters" },
		{ "h example", 5432, "u", "us-east-1", "only letters" },
		{ "h", 0, "u", "us-east-1", "port 0 is outside 1..65535" },
		{ "h", 65536, "u", "us-east-1", "port 65536 is outside 1..65535" },
		{ "h", -1, "u", "us-east-1", "outside 1..65535" },
		{ "h", 5432, "", "us-east-1", "user name is empty" },
		{ "h", 5432, NULL, "us-east-1", "user name is empty" },
		{ "h", 5432, "a\nb", "us-east-1", "control character" },
		{ "h", 5432, "a\x1f", "us-east-1", "control character" },
		{ "h", 5432, "a\x7f", "us-east-1", "control character" },
		/* issue 10: not UTF-8, or a C1 control (U+009B is a CSI on its own) */
		{ "h", 5432, "a\xff", "us-east-1", "not valid UTF-8" },
		{ "h", 5432, "a\xc3", "us-east-1", "not valid UTF-8" },
		{ "h", 5432, "a\xc0\xaf", "us-east-1", "not valid UTF-8" },  /* overlong '/' */
		{ "h", 5432, "a\xc2\x9b" "31mb", "us-east-1", "control character" },
		{ "h", 5432, "a\xc2\x85", "us-east-1", "control character" },
		{ "h", 5432, "u", "", "not a region name" },
		{ "h", 5432, "u", NULL, "not a region name" },
		{ "h", 5432, "u", "US-EAST-1", "not a region name" },
		{ "h", 5432, "u", "us-east-", "not a region name" },
		{ "h", 5432, "u", "useast1", "not a region name" },
		{ "h", 5432, "u", "us/east-1", "not a region name" },
		{ "h", 5432, "u", "us-east-1 ", "not a region name" },
		{ "h", 5432, "u", "us-aaaaaaaaaaaaaaaaaaaaaaaaaaaa-1", "not a region name" }, /* 33 */
	};
	char longhost[300], longuser[70];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		generate(bad[i].host, bad[i].port, bad[i].user, bad[i].region, "akid", "secret", NULL, T2024, PGIAM_EINVAL);
		if (!strstr(pgiam_error_last(), bad[i].msg))
			fail_msg("case %zu: '%s' does not say '%s'", i, pgiam_error_last(), bad[i].msg);
		assert_null(strchr(pgiam_error_last(), '\n'));
	}
	memset(longhost, 'a', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	generate(longhost, 5432, "u", "us-east-1", "akid", "secret", NULL, T2024, PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "at most 253"));
	longhost[253] = '\0';
	pgiam_free_secret(generate(longhost, 5432, "u", "us-east-1", "akid", "secret", NULL, T2024, 0));
	memset(longuser, 'u', sizeof(longuser) - 1);
	longuser[sizeof(longuser) - 1] = '\0';
	generate("h", 5432, longuser, "us-east-1", "akid", "secret", NULL, T2024, PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "at most 63"));

	/* missing credentials */
	generate("h", 5432, "u", "us-east-1", NULL, NULL, NULL, T2024, PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "missing credentials"));
	{
		pgiam_token_params p = { "h", 5432, "u", "us-east-1", T2024 };
		char *out = (char *)"untouched";

		assert_int_equal(pgiam_token_generate(&out, &p, NULL), PGIAM_EINVAL);
		assert_null(out);
	}
}

static void test_describe(void **state)
{
	pgiam_token_info info;

	(void)state;
	assert_int_equal(pgiam_token_describe(&info, known[2].expect, T2025 + 100), 0);
	assert_string_equal(info.host, HOST);
	assert_int_equal(info.port, 3306);
	assert_string_equal(info.db_user, "mysqlUser");
	assert_string_equal(info.region, "us-west-2");
	assert_string_equal(info.access_key_masked, "****");
	assert_int_equal(info.has_session_token, 1);
	assert_int_equal(info.signed_at, T2025);
	assert_int_equal(info.expires_at, T2025 + 900);
	assert_int_equal(info.seconds_left, 800);

	assert_int_equal(pgiam_token_describe(&info, known[0].expect, T2016 + 1000), 0);
	assert_int_equal(info.has_session_token, 0);
	assert_int_equal(info.seconds_left, -100);
	assert_string_equal(info.db_user, "someusername");

	/* encoded user, real-looking key id, port 443, scheme pasted along */
	{
		pgiam_creds creds = PGIAM_CREDS_INIT;
		pgiam_token_params p = { "Db.Example.com", 443, "a b@c/\xc3\xa9", "eu-west-1", T2024 };
		char *tok = NULL, *url = NULL;

		assert_int_equal(pgiam_creds_set(&creds, "AKIAIOSFODNN7EXAMPLE", "s", NULL, 0, NULL), 0);
		assert_int_equal(pgiam_token_generate(&tok, &p, &creds), 0);
		assert_int_equal(pgiam_token_describe(&info, tok, T2024), 0);
		assert_string_equal(info.host, "Db.Example.com");
		assert_int_equal(info.port, 443);
		assert_string_equal(info.db_user, "a b@c/\xc3\xa9");
		assert_string_equal(info.access_key_masked, "AKIA…MPLE");
		assert_int_equal(info.seconds_left, 900);
		assert_int_not_equal(asprintf(&url, "https://%s", tok), -1);
		assert_int_equal(pgiam_token_describe(&info, url, T2024), 0);
		free(url);
		pgiam_free_secret(tok);
		pgiam_creds_dispose(&creds);
	}
}

static void test_describe_rejects(void **state)
{
	static const struct { const char *token; const char *msg; } bad[] = {
		{ "", "empty" },
		{ "hello", "no query string" },
		{ "h:1/?x", "no Action" },
		{ "not a token", "spaces" },
		{ "h/?Action=connect", "no port" },
		{ "h:0/?Action=connect", "port" },
		{ "h:99999/?Action=connect", "" },
		{ "h:5432/x?Action=connect", "path is not '/'" },
		{ "u@h:5432/?Action=connect", "user name or fragment" },
		{ "h:5432/?Action=connect#f", "user name or fragment" },
		{ "h:5432/?Action=connect&Action=connect", "appears twice" },
		{ "h:5432/?Action=login", "no DBUser" },
	};
	pgiam_token_info info;
	char tok[1024];
	const char *base = known[1].expect;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pgiam_token_describe(&info, bad[i].token, 0), PGIAM_EINVAL);
		if (!strstr(pgiam_error_last(), "not an RDS auth token") || !strstr(pgiam_error_last(), bad[i].msg))
			fail_msg("case %zu: '%s' does not say '%s'", i, pgiam_error_last(), bad[i].msg);
	}
	/* one field at a time broken in a real token */
	static const struct { const char *from, *to, *msg; } edits[] = {
		{ "Action=connect", "Action=kill", "Action is not 'connect'" },
		{ "rds-db", "s3", "signed for service 's3'" },
		{ "20240826T220000Z", "20240830T220000Z", "differs from X-Amz-Date" },
		{ "20240826T220000Z", "20240826T250000Z", "X-Amz-Date" },
		{ "20240826T220000Z", "20240230T220000Z", "not a YYYYMMDDTHHMMSSZ" },
		{ "20240826T220000Z", "20240800T220000Z", "not a YYYYMMDDTHHMMSSZ" },
		{ "X-Amz-Expires=900", "X-Amz-Expires=-1", "X-Amz-Expires" },
		{ "X-Amz-Expires=900", "X-Amz-Expires=9000000", "X-Amz-Expires" },
		{ "X-Amz-Expires=900", "X-Amz-Expires=604801", "X-Amz-Expires" },
		{ "X-Amz-Expires=900", "X-Amz-Expires=0", "X-Amz-Expires" },
		{ "X-Amz-Expires=900", "X-Amz-Expires=+900", "X-Amz-Expires" },
		{ "&X-Amz-Signature=dd0c", "&X-Amz-Signature=DD0C", "64 hex" },
		{ "&X-Amz-Signature=", "&X-Amz-Nope=", "no X-Amz-Signature" },
		{ "DBUser=peccy", "DBUser=pe%00cy", "NUL" },
		{ "akid%2F", "akid%2Fx%2F", "KEY/DATE/REGION/SERVICE" },
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *at = strstr(base, edits[i].from);

		assert_non_null(at);
		snprintf(tok, sizeof(tok), "%.*s%s%s", (int)(at - base), base, edits[i].to, at + strlen(edits[i].from));
		assert_int_equal(pgiam_token_describe(&info, tok, 0), PGIAM_EINVAL);
		if (!strstr(pgiam_error_last(), edits[i].msg))
			fail_msg("edit %zu: '%s' does not say '%s'", i, pgiam_error_last(), edits[i].msg);
	}
	/* the bounds themselves are accepted: 1 second and the SigV4 maximum of 7 days */
	{
		static const char *const ok[] = { "X-Amz-Expires=1&", "X-Amz-Expires=604800&" };
		const char *at = strstr(base, "X-Amz-Expires=900&");

		assert_non_null(at);
		for (size_t i = 0; i < 2; i++) {
			snprintf(tok, sizeof(tok), "%.*s%s%s", (int)(at - base), base, ok[i], at + 18);
			assert_int_equal(pgiam_token_describe(&info, tok, 0), 0);
			assert_int_equal(info.expires_at - info.signed_at, i ? 604800 : 1);
		}
	}
}

/* A token ends after 15 minutes or with its credentials, whichever is first. */
static void test_expiry_is_the_earlier_end(void **state)
{
	int by_creds = -1;
	(void)state;

	assert_int_equal(pgiam_token_expiry(1000, 0, &by_creds), 1900);  /* long-term keys */
	assert_int_equal(by_creds, 0);
	assert_int_equal(pgiam_token_expiry(1000, 5000, &by_creds), 1900);
	assert_int_equal(by_creds, 0);
	assert_int_equal(pgiam_token_expiry(1000, 1300, &by_creds), 1300);  /* session first */
	assert_int_equal(by_creds, 1);
	assert_int_equal(pgiam_token_expiry(1000, 1900, &by_creds), 1900);  /* a tie: 15 min */
	assert_int_equal(by_creds, 0);
	assert_int_equal(pgiam_token_expiry(1000, 1300, NULL), 1300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_host_case_and_port_443),
		cmocka_unit_test(test_user_encoding),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_rejects),
		cmocka_unit_test(test_expiry_is_the_earlier_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
