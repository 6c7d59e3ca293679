/* test_sts.c - the STS client's pieces: form encoding, time parsing, XML answers,
 * ErrorResponse mapping to one-line messages, endpoint selection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "sts.h"
#include "unit_locale.h"

static void test_form_encode_keeps_plus_slash_equals(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_sts_form_encode(&b, "ab+c/d=e f~g-h_i.j:k@l,m"), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "ab%2Bc%2Fd%3De+f~g-h_i.j%3Ak%40l%2Cm");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_sts_form_encode(&b, "\xc3\xa9"), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "%C3%A9");
	pgiam_buf_dispose(&b);
}

static void test_parse_time(void **state)
{
	static const struct { const char *in; time_t want; } ok[] = {
		{ "2011-07-15T23:28:33Z", 1310772513 },
		{ "2011-07-15T23:28:33.359Z", 1310772513 },
		{ "2011-07-15T23:28:33.123456789Z", 1310772513 },
		{ "2011-07-16T01:28:33+02:00", 1310772513 },
		{ "2011-07-15T22:28:33-0100", 1310772513 },
		{ "2011-07-16T13:13:33+13:45", 1310772513 },  /* Chatham Islands (+13:45 in summer) */
	};
	static const char *bad[] = { "", "2011-07-15", "2011-07-15T23:28:33", "2011-07-15T23:28:33.Z",
		"2011-07-15T23:28:33Zjunk", "yesterday",
		/* issue 10: offsets that are no time zone */
		"2011-07-15T23:28:33+99:99", "2011-07-15T23:28:33+24:00", "2011-07-15T23:28:33-01:60",
		"2011-07-15T23:28:33+0199" };
	time_t t = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(pgiam_sts_parse_time(&t, ok[i].in), 0);
		assert_int_equal(t, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pgiam_sts_parse_time(&t, bad[i]), PGIAM_EINVAL);
}

static const char assume_ok[] =
	"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	"  <AssumeRoleResult>\n"
	"    <SourceIdentity>x</SourceIdentity>\n"
	"    <AssumedRoleUser>\n"
	"      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
	"      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n"
	"    </AssumedRoleUser>\n"
	"    <Credentials>\n"
	"      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
	"      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
	"      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>\n"
	"      <Expiration>2019-11-09T13:34:41.123Z</Expiration>\n"
	"    </Credentials>\n"
	"    <PackedPolicySize>6</PackedPolicySize>\n"
	"  </AssumeRoleResult>\n"
	"  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>\n"
	"</AssumeRoleResponse>\n";

static void test_parse_assume_role(void **state)
{
	pgiam_sts_assumed a = PGIAM_STS_ASSUMED_INIT;

	(void)state;
	assert_int_equal(pgiam_sts_parse_assume_role(&a, assume_ok, strlen(assume_ok)), 0);
	assert_string_equal(a.creds.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(a.creds.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_string_equal(a.creds.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764");
	assert_int_equal(a.creds.expiration, 1573306481);
	assert_string_equal(a.assumed_arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
	assert_string_equal(a.creds.source, "assumed role arn:aws:sts::123456789012:assumed-role/demo/TestAR");
	pgiam_sts_assumed_dispose(&a);
}

/* AWS's documented AssumeRoleWithWebIdentity answer, shortened. */
static const char web_ok[] =
	"<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	"  <AssumeRoleWithWebIdentityResult>\n"
	"    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>\n"
	"    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>\n"
	"    <AssumedRoleUser>\n"
	"      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>\n"
	"      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>\n"
	"    </AssumedRoleUser>\n"
	"    <Credentials>\n"
	"      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>\n"
	"      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
	"      <Expiration>2014-10-24T23:00:23Z</Expiration>\n"
	"      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
	"    </Credentials>\n"
	"    <Provider>www.amazon.com</Provider>\n"
	"  </AssumeRoleWithWebIdentityResult>\n"
	"</AssumeRoleWithWebIdentityResponse>\n";

static void test_parse_web_identity(void **state)
{
	pgiam_sts_assumed a = PGIAM_STS_ASSUMED_INIT;

	(void)state;
	assert_int_equal(pgiam_sts_parse_web_identity(&a, web_ok, strlen(web_ok)), 0);
	assert_string_equal(a.creds.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
	assert_string_equal(a.subject, "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A");
	assert_string_equal(a.assumed_arn,
		"arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1");
	assert_int_equal(a.creds.expiration, 1414191623);
	pgiam_sts_assumed_dispose(&a);
	/* an AssumeRole answer is not a web identity answer, nor the reverse */
	assert_true(pgiam_sts_parse_web_identity(&a, assume_ok, strlen(assume_ok)) < 0);
	assert_true(pgiam_sts_parse_assume_role(&a, web_ok, strlen(web_ok)) < 0);
	pgiam_sts_assumed_dispose(&a);
}

static void test_parse_assume_role_rejects_garbage(void **state)
{
	static const char *bad[] = {
		"<AssumeRoleResponse><AssumeRoleResult>",   /* truncated */
		"not xml at all",
		"<GetCallerIdentityResponse/>",             /* wrong document */
		"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
		"</Credentials></AssumeRoleResult></AssumeRoleResponse>",   /* missing fields */
		"<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>x</Arn></AssumedRoleUser>"
		"<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
		"<SessionToken>T</SessionToken><Expiration>soon</Expiration></Credentials>"
		"</AssumeRoleResult></AssumeRoleResponse>",  /* bad time */
	};
	pgiam_sts_assumed a = PGIAM_STS_ASSUMED_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pgiam_sts_parse_assume_role(&a, bad[i], strlen(bad[i])), PGIAM_ESERVER);
		assert_null(a.creds.access_key_id);
		assert_null(strchr(pgiam_error_last(), '\n'));
	}
}

static void test_parse_caller_identity(void **state)
{
	static const char xml[] =
		"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>"
		"<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>"
		"</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567</RequestId>"
		"</ResponseMetadata></GetCallerIdentityResponse>";
	pgiam_sts_identity id = PGIAM_STS_IDENTITY_INIT;

	(void)state;
	assert_int_equal(pgiam_sts_parse_caller_identity(&id, xml, strlen(xml)), 0);
	assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/Alice");
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.user_id, "AIDACKCEVSQ6C2EXAMPLE");
	pgiam_sts_identity_dispose(&id);
}

static int error_for(const char *code, const char *message, long status, time_t server_date,
	time_t now)
{
	char xml[1024];
	pgiam_sts_error err;

	snprintf(xml, sizeof(xml),
		"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
		"<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
		"<RequestId>abc</RequestId></ErrorResponse>", code, message);
	assert_int_equal(pgiam_sts_parse_error(&err, xml, strlen(xml)), 0);
	assert_string_equal(err.code, code);
	assert_string_equal(err.type, "Sender");
	return pgiam_sts_report_error(&err, "AssumeRole of arn:aws:iam::123456789012:role/r with an external ID",
		status, server_date, now, "environment", 1);
}

/* AWS's SignatureDoesNotMatch goes on with the canonical request, whose signed
 * x-amz-security-token header is the caller's session token: never in a message. */
static void test_error_message_drops_canonical_request(void **state)
{
	static const char xml[] =
		"<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
		"<Message>The request signature we calculated does not match the signature you "
		"provided. Check your AWS Secret Access Key and signing method. Consult the service "
		"documentation for details.\n\nThe Canonical String for this request should have "
		"been\n'POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
		"host:sts.amazonaws.com\nx-amz-date:20240101T000000Z\nx-amz-security-token:"
		"IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN\n\ncontent-type;host;x-amz-date;"
		"x-amz-security-token\nabc'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256"
		"\n20240101T000000Z\n20240101/us-east-1/sts/aws4_request\ndef'\n</Message></Error>"
		"</ErrorResponse>";
	pgiam_sts_error err;

	(void)state;
	assert_int_equal(pgiam_sts_parse_error(&err, xml, strlen(xml)), 0);
	assert_string_equal(err.message, "The request signature we calculated does not match the "
		"signature you provided. Check your AWS Secret Access Key and signing method. Consult "
		"the service documentation for details.");
	assert_int_equal(pgiam_sts_report_error(&err, "AssumeRole", 403, 0, 0, "environment", 1),
		PGIAM_EAUTH);
	assert_null(strstr(pgiam_error_last(), "EXAMPLESESSIONTOKEN"));
	assert_null(strstr(pgiam_error_last(), "Canonical"));
}

static void test_error_mapping(void **state)
{
	static const struct { const char *code; int want; const char *fix; } cases[] = {
		{ "AccessDenied", PGIAM_EDENIED, "trust policy does not allow this principal with this external ID" },
		{ "ExpiredToken", PGIAM_EEXPIRED, "source credentials (environment) have expired" },
		{ "InvalidClientTokenId", PGIAM_EAUTH, "does not recognise the source access key" },
		{ "SignatureDoesNotMatch", PGIAM_EAUTH, "check the secret access key" },
		{ "RegionDisabledException", PGIAM_EDENIED, "not activated in this region" },
		{ "ValidationError", PGIAM_EINVAL, "maximum session duration" },
		{ "Throttling", PGIAM_ESERVER, "throttling" },
		{ "RequestLimitExceeded", PGIAM_ESERVER, "throttling" },
		{ "SomethingNew", PGIAM_ESERVER, "STS refused AssumeRole" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char expect_tail[128];
		assert_int_equal(error_for(cases[i].code, "the message", 400, 0, 0), cases[i].want);
		assert_non_null(strstr(pgiam_error_last(), cases[i].fix));
		snprintf(expect_tail, sizeof(expect_tail), "(%s: the message)", cases[i].code);
		assert_non_null(strstr(pgiam_error_last(), expect_tail));
	}
	assert_int_equal(error_for("SignatureDoesNotMatch",
		"Credential should be scoped to a valid region, not 'us-east-1'.", 403, 0, 0), PGIAM_EAUTH);
	assert_non_null(strstr(pgiam_error_last(), "the profile's region must be the region of the STS endpoint"));
	assert_int_equal(error_for("InternalFailure", "boom", 500, 0, 0), PGIAM_ESERVER);
	assert_non_null(strstr(pgiam_error_last(), "server error (HTTP 500"));
}

static void test_skew_is_measured_from_date(void **state)
{
	(void)state;
	assert_int_equal(error_for("RequestTimeTooSkewed", "Signature expired", 403,
		1700000000, 1700000000 + 912), PGIAM_EAUTH);
	assert_non_null(strstr(pgiam_error_last(), "+912 s off STS's"));
	assert_non_null(strstr(pgiam_error_last(), "fix the system clock"));
	error_for("RequestInTheFuture", "x", 403, 1700000000, 1700000000 - 600);
	assert_non_null(strstr(pgiam_error_last(), "-600 s"));
	error_for("RequestExpired", "x", 400, 0, 1700000000);
	assert_non_null(strstr(pgiam_error_last(), "more than 5 minutes"));
}

static void test_error_message_is_one_line(void **state)
{
	(void)state;
	error_for("AccessDenied", "User: arn:aws:iam::1:user/x\nis not authorized", 403, 0, 0);
	assert_null(strchr(pgiam_error_last(), '\n'));
}

/* AccessDenied says only what was sent: an external ID, none, or a web identity. */
static void test_access_denied_names_what_was_sent(void **state)
{
	pgiam_sts_error err = { "Sender", "AccessDenied", "User: x is not authorized" };

	(void)state;
	pgiam_sts_report_error(&err, "AssumeRole of arn:aws:iam::1:role/r", 403, 0, 0, "env", 1);
	assert_null(strstr(pgiam_error_last(), "with this external ID"));
	assert_non_null(strstr(pgiam_error_last(), "no external ID was sent"));
	pgiam_sts_report_error(&err, "AssumeRoleWithWebIdentity of arn:aws:iam::1:role/r", 403, 0,
		0, "env", 1);
	assert_non_null(strstr(pgiam_error_last(), "does not trust this web identity"));
	assert_null(strstr(pgiam_error_last(), "external ID"));
}

static void test_not_an_error_response(void **state)
{
	pgiam_sts_error err;

	(void)state;
	assert_int_equal(pgiam_sts_parse_error(&err, "<html>502</html>", 16), PGIAM_EINVAL);
	assert_int_equal(pgiam_sts_parse_error(&err, "", 0), PGIAM_EINVAL);
}

static void test_endpoint(void **state)
{
	char *url = NULL;

	(void)state;
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL");
	assert_int_equal(pgiam_sts_endpoint(&url, "ap-northeast-1", NULL), 0);
	assert_string_equal(url, "https://sts.ap-northeast-1.amazonaws.com");
	free(url);
	assert_int_equal(pgiam_sts_endpoint(&url, "cn-north-1", NULL), 0);
	assert_string_equal(url, "https://sts.cn-north-1.amazonaws.com.cn");
	free(url);
	setenv("AWS_ENDPOINT_URL", "https://generic.example", 1);
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", NULL), 0);
	assert_string_equal(url, "https://generic.example");
	free(url);
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566", 1);
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", NULL), 0);
	assert_string_equal(url, "http://127.0.0.1:4566");
	free(url);
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", "https://vpce.example/"), 0);
	assert_string_equal(url, "https://vpce.example/");
	free(url);
	/* plain http only to loopback */
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", "http://sts.example.com"), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "must use https"));
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", "http://127.evil.com"), PGIAM_EINVAL);
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", "http://[::1]:8080"), 0);
	free(url);
	assert_int_equal(pgiam_sts_endpoint(&url, "us-east-1", "ftp://x"), PGIAM_EINVAL);
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL");
	assert_int_equal(pgiam_sts_endpoint(&url, NULL, NULL), PGIAM_EINVAL);
	assert_int_equal(pgiam_sts_endpoint(&url, "US East", NULL), PGIAM_EINVAL);
}

/* The TUI runs under the user's locale: in a single-byte one, ctype calls take 0xE7
 * ('ç') for a letter, so it would go out unencoded and pass as a region name. */
static void test_ascii_only_in_single_byte_locale(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char *url = NULL;
	int encoded, region;

	(void)state;
	if (!pgiam_test_turkish_latin5())
		skip();
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_ENDPOINT_URL");
	encoded = pgiam_sts_form_encode(&b, "x\xe7I");
	region = pgiam_sts_endpoint(&url, "ap-\xe7-1", NULL);
	setlocale(LC_CTYPE, "C");
	free(url);
	assert_int_equal(encoded, 0);
	assert_string_equal(pgiam_buf_cstr(&b), "x%E7I");
	assert_int_equal(region, PGIAM_EINVAL);
	pgiam_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_encode_keeps_plus_slash_equals),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_assume_role),
		cmocka_unit_test(test_parse_assume_role_rejects_garbage),
		cmocka_unit_test(test_parse_web_identity),
		cmocka_unit_test(test_parse_caller_identity),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_error_message_drops_canonical_request),
		cmocka_unit_test(test_skew_is_measured_from_date),
		cmocka_unit_test(test_error_message_is_one_line),
		cmocka_unit_test(test_not_an_error_response),
		cmocka_unit_test(test_access_denied_names_what_was_sent),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_ascii_only_in_single_byte_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
