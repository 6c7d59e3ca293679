/* test_arn.c - the AWS names that profile checks, explanations and policy share. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arn.h"
#include "error.h"
#include "explain.h"

static void test_rds_region(void **state)
{
	static const struct { const char *host, *want; } cases[] = {
		{ "sandbox-db.abc123xyz.ap-northeast-1.rds.amazonaws.com", "ap-northeast-1" },
		/* any case: DNS names are case-insensitive (explain.c once missed these) */
		{ "MyDB.ABC123.EU-West-2.RDS.AmazonAWS.com", "eu-west-2" },
		{ "db.x.cn-north-1.rds.amazonaws.com.cn", "cn-north-1" },
		{ "db.x.us-gov-west-1.rds.amazonaws.com", "us-gov-west-1" },
		/* the suffix must end the name, not just occur in it */
		{ "db.us-east-1.rds.amazonaws.com.example.com", NULL },
		{ "db.example.com", NULL },
		{ ".rds.amazonaws.com", NULL },
		{ "rds.amazonaws.com", NULL },
		/* the label before the suffix must look like a region */
		{ "db.proxy-abc.rds.amazonaws.com", NULL },
		{ "", NULL },
	};
	char r[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = pgiam_arn_rds_region(r, sizeof(r), cases[i].host);

		if (cases[i].want) {
			assert_int_equal(rc, 0);
			assert_string_equal(r, cases[i].want);
		} else
			assert_int_equal(rc, PGIAM_ENOTFOUND);
		/* the explanations and the profile checks ask the same module */
		assert_int_equal(pgiam_explain_endpoint_region(r, sizeof(r), cases[i].host), rc);
	}
	assert_int_equal(pgiam_arn_rds_region(r, sizeof(r), NULL), PGIAM_ENOTFOUND);
	/* too small for the region: not found, never cut */
	assert_int_equal(pgiam_arn_rds_region(r, 5, "d.ap-northeast-1.rds.amazonaws.com"),
		PGIAM_ENOTFOUND);
}

static void test_partition_and_fields(void **state)
{
	char f[64];

	(void)state;
	assert_string_equal(pgiam_arn_partition("cn-northwest-1"), "aws-cn");
	assert_string_equal(pgiam_arn_partition("us-gov-east-1"), "aws-us-gov");
	assert_string_equal(pgiam_arn_partition("us-east-1"), "aws");
	assert_string_equal(pgiam_arn_partition(NULL), "aws");
	pgiam_arn_field(f, sizeof(f), "arn:aws-cn:iam::123456789012:role/path/r", 1);
	assert_string_equal(f, "aws-cn");
	pgiam_arn_field(f, sizeof(f), "arn:aws-cn:iam::123456789012:role/path/r", 4);
	assert_string_equal(f, "123456789012");
	pgiam_arn_field(f, sizeof(f), "arn:aws:rds-db:r:1:dbuser:db-X/u", 5);
	assert_string_equal(f, "dbuser:db-X/u");
	pgiam_arn_field(f, sizeof(f), "not-an-arn", 4);
	assert_string_equal(f, "");
}

static void test_rds_db_resource(void **state)
{
	pgiam_arn_rds_db in = { NULL, "ap-northeast-1", "123456789012", NULL, "iam_ro_user",
		"<region>", "<account-id>", "<dbi-resource-id>", "<db-user>" };
	char out[256];

	(void)state;
	assert_int_equal(pgiam_arn_rds_db_resource(out, sizeof(out), &in), 0);
	assert_string_equal(out, "arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:"
		"<dbi-resource-id>/iam_ro_user");
	/* the role's partition wins over the region's guess */
	in.role_arn = "arn:aws-cn:iam::123456789012:role/r";
	in.region = NULL;
	in.resource_id = "db-ABCDEFGHIJKL";
	assert_int_equal(pgiam_arn_rds_db_resource(out, sizeof(out), &in), 0);
	assert_string_equal(out, "arn:aws-cn:rds-db:<region>:123456789012:dbuser:"
		"db-ABCDEFGHIJKL/iam_ro_user");
	assert_int_equal(pgiam_arn_rds_db_resource(out, 20, &in), PGIAM_EINVAL);
}

static void test_role_of_caller(void **state)
{
	char out[256];

	(void)state;
	pgiam_arn_role_of_caller(out, sizeof(out),
		"arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/pgiam-me");
	assert_string_equal(out, "arn:aws:iam::123456789012:role/sf-udf-rds-auth-role");
	pgiam_arn_role_of_caller(out, sizeof(out), "arn:aws:iam::123456789012:user/alice");
	assert_string_equal(out, "arn:aws:iam::123456789012:user/alice");
}

/* issue 14: Aurora cluster and RDS Proxy endpoints and resource ids */
static void test_rds_kinds(void **state)
{
	(void)state;
	assert_int_equal(pgiam_arn_rds_endpoint_kind("mydb.abc123.us-east-1.rds.amazonaws.com"), PGIAM_ARN_RDS_INSTANCE);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("aur.cluster-abc.eu-west-1.rds.amazonaws.com"), PGIAM_ARN_RDS_CLUSTER);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("aur.cluster-ro-abc.eu-west-1.rds.amazonaws.com"), PGIAM_ARN_RDS_CLUSTER);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("A.CLUSTER-CUSTOM-x.cn-north-1.rds.amazonaws.com.cn"), PGIAM_ARN_RDS_CLUSTER);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("px.proxy-abc.us-east-1.rds.amazonaws.com"), PGIAM_ARN_RDS_PROXY);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("ro.endpoint.proxy-abc.us-east-1.rds.amazonaws.com"), PGIAM_ARN_RDS_PROXY);
	/* a name that only starts with the word is an instance's */
	assert_int_equal(pgiam_arn_rds_endpoint_kind("cluster-one.abc.us-east-1.rds.amazonaws.com"), PGIAM_ARN_RDS_INSTANCE);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("proxy-x.abc.us-east-1.rds.amazonaws.com"), PGIAM_ARN_RDS_INSTANCE);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("127.0.0.1"), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_endpoint_kind("db.proxy-abc.example.com"), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_endpoint_kind(NULL), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_id_kind("db-ABCDEFGHIJKL0123"), PGIAM_ARN_RDS_INSTANCE);
	assert_int_equal(pgiam_arn_rds_id_kind("cluster-ABCDEFGHIJKL01234"), PGIAM_ARN_RDS_CLUSTER);
	assert_int_equal(pgiam_arn_rds_id_kind("prx-0123456789abcdef0"), PGIAM_ARN_RDS_PROXY);
	assert_int_equal(pgiam_arn_rds_id_kind("prx-"), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_id_kind("db-a/b"), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_id_kind("proxy-abc"), PGIAM_ARN_RDS_UNKNOWN);
	assert_int_equal(pgiam_arn_rds_id_kind(NULL), PGIAM_ARN_RDS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rds_region),
		cmocka_unit_test(test_partition_and_fields),
		cmocka_unit_test(test_rds_db_resource),
		cmocka_unit_test(test_role_of_caller),
		cmocka_unit_test(test_rds_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
