/* arn.h - AWS names that several layers read: the region in an RDS endpoint name, a
 * region's partition, the fields of an ARN and the rds-db:connect resource. Plain
 * string logic with no dependencies, so profile checks, error explanations and the
 * policy generator all agree (they once had two region parsers that disagreed). */
#ifndef PGIAM_ARN_H
#define PGIAM_ARN_H

#include <stddef.h>

/* The region of an RDS name (….REGION.rds.amazonaws.com or ….com.cn, any case),
 * lowercased into out. PGIAM_ENOTFOUND when host is not such a name (or the part
 * before the suffix is not region-shaped, e.g. us-east-1). */
int pgiam_arn_rds_region(char *out, size_t outlen, const char *host);

/* The partition of a region: "aws-cn" for cn-*, "aws-us-gov" for us-gov-*, else
 * "aws" (also for NULL). Never NULL. */
const char *pgiam_arn_partition(const char *region);

/* Field idx (0-based, ':'-separated: 1 partition, 3 region, 4 account, 5 resource)
 * of an ARN into out; "" when absent. The resource keeps its own colons. */
void pgiam_arn_field(char *out, size_t outlen, const char *arn, int idx);

/* The rds-db:connect resource for user on a database:
 * arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE-ID/USER. NULL parts become the
 * placeholders given (e.g. "<region>"); the partition comes from role_arn when it
 * has one, else from the region. Returns 0, or PGIAM_EINVAL when out is too small. */
typedef struct pgiam_arn_rds_db {
	const char *role_arn, *region, *account, *resource_id, *user;
	const char *no_region, *no_account, *no_resource_id, *no_user;
} pgiam_arn_rds_db;
int pgiam_arn_rds_db_resource(char *out, size_t outlen, const pgiam_arn_rds_db *in);

/* What an RDS endpoint name or resource id names: rds-db:connect is checked against
 * the id of what the client connects to (an instance's DbiResourceId db-…, an Aurora
 * cluster's DbClusterResourceId cluster-…, an RDS Proxy's prx-…). */
typedef enum pgiam_arn_rds_kind {
	PGIAM_ARN_RDS_UNKNOWN = 0,  /* not an RDS name, or an id of no known form */
	PGIAM_ARN_RDS_INSTANCE,     /* NAME.XXXX.REGION.rds.amazonaws.com, db-… */
	PGIAM_ARN_RDS_CLUSTER,      /* NAME.cluster-[ro-|custom-]XXXX.REGION…, cluster-… */
	PGIAM_ARN_RDS_PROXY,        /* NAME[.endpoint].proxy-XXXX.REGION…, prx-… */
} pgiam_arn_rds_kind;

/* The kind of an RDS endpoint's host name (any case); UNKNOWN when it is not an RDS
 * name (an IP address, a tunnel's name). */
pgiam_arn_rds_kind pgiam_arn_rds_endpoint_kind(const char *host);

/* The kind of a resource id by its prefix (db-, cluster-, prx-, then letters and
 * digits); UNKNOWN for anything else. */
pgiam_arn_rds_kind pgiam_arn_rds_id_kind(const char *id);

/* The role ARN behind an STS assumed-role ARN
 * (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION → arn:aws:iam::ACCOUNT:role/NAME);
 * any other ARN is copied as it is. */
void pgiam_arn_role_of_caller(char *out, size_t outlen, const char *caller);

#endif
