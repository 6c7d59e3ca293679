/* arn.c - AWS names shared by profile checks, explanations and policy (arn.h). */
#include "arn.h"

#include "ascii.h"
#include "error.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static int region_shaped(const char *r)
{
	regex_t rx;
	int ok;

	if (regcomp(&rx, "^[a-z]{2}(-[a-z]+)+-[0-9]+$", REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&rx, r, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

int pgiam_arn_rds_region(char *out, size_t outlen, const char *host)
{
	static const char *const suffixes[] = { ".rds.amazonaws.com", ".rds.amazonaws.com.cn" };
	size_t hn = host ? strlen(host) : 0;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sn = strlen(suffixes[i]);
		const char *end = NULL, *start = NULL;

		if (hn <= sn || pgiam_ascii_casecmp(host + hn - sn, suffixes[i]))
			continue;
		end = host + hn - sn;
		for (start = end; start > host && start[-1] != '.'; start--)
			;
		if (end == start || (size_t)(end - start) + 1 > outlen)
			return PGIAM_ENOTFOUND;
		for (size_t k = 0; start + k < end; k++)
			out[k] = (char)pgiam_ascii_tolower((unsigned char)start[k]);
		out[end - start] = '\0';
		if (!region_shaped(out)) {
			out[0] = '\0';
			return PGIAM_ENOTFOUND;
		}
		return 0;
	}
	return PGIAM_ENOTFOUND;
}

const char *pgiam_arn_partition(const char *region)
{
	if (region && !strncmp(region, "cn-", 3))
		return "aws-cn";
	if (region && !strncmp(region, "us-gov-", 7))
		return "aws-us-gov";
	return "aws";
}

void pgiam_arn_field(char *out, size_t outlen, const char *arn, int idx)
{
	const char *p = arn;

	if (!outlen)
		return;
	out[0] = '\0';
	for (int i = 0; p && i < idx; i++)
		if ((p = strchr(p, ':')))
			p++;
	if (p)
		snprintf(out, outlen, "%.*s", idx >= 5 ? (int)strlen(p) : (int)strcspn(p, ":"), p);
}

int pgiam_arn_rds_db_resource(char *out, size_t outlen, const pgiam_arn_rds_db *in)
{
	char partition[32] = "";
	int n;

	if (in->role_arn && !strncmp(in->role_arn, "arn:", 4))
		pgiam_arn_field(partition, sizeof(partition), in->role_arn, 1);
	if (!partition[0])
		snprintf(partition, sizeof(partition), "%s", pgiam_arn_partition(in->region));
	n = snprintf(out, outlen, "arn:%s:rds-db:%s:%s:dbuser:%s/%s", partition,
		in->region ? in->region : in->no_region,
		in->account ? in->account : in->no_account,
		in->resource_id ? in->resource_id : in->no_resource_id,
		in->user ? in->user : in->no_user);
	if (n < 0 || (size_t)n >= outlen)
		return pgiam_error_set(PGIAM_EINVAL, "the rds-db resource is too long");
	return 0;
}

void pgiam_arn_role_of_caller(char *out, size_t outlen, const char *caller)
{
	char partition[32], account[32];
	const char *res = caller ? strrchr(caller, ':') : NULL;

	pgiam_arn_field(partition, sizeof(partition), caller, 1);
	pgiam_arn_field(account, sizeof(account), caller, 4);
	if (res && !strncmp(res + 1, "assumed-role/", 13)) {
		const char *name = res + 14;

		snprintf(out, outlen, "arn:%s:iam::%s:role/%.*s", partition, account,
			(int)strcspn(name, "/"), name);
	} else
		snprintf(out, outlen, "%s", caller ? caller : "");
}

pgiam_arn_rds_kind pgiam_arn_rds_endpoint_kind(const char *host)
{
	char region[64];
	const char *label = NULL;

	if (!host || pgiam_arn_rds_region(region, sizeof(region), host) != 0)
		return PGIAM_ARN_RDS_UNKNOWN;
	/* the label before the region: cluster-…, proxy-… or the account's own suffix */
	for (const char *p = host; (p = strchr(p, '.')) != NULL; p++) {
		if (!pgiam_ascii_ncasecmp(p + 1, region, strlen(region)) && p[1 + strlen(region)] == '.')
			break;
		label = p + 1;
	}
	if (label && !pgiam_ascii_ncasecmp(label, "cluster-", 8))
		return PGIAM_ARN_RDS_CLUSTER;
	if (label && !pgiam_ascii_ncasecmp(label, "proxy-", 6))
		return PGIAM_ARN_RDS_PROXY;
	return PGIAM_ARN_RDS_INSTANCE;
}

pgiam_arn_rds_kind pgiam_arn_rds_id_kind(const char *id)
{
	static const struct { const char *prefix; pgiam_arn_rds_kind kind; } forms[] = {
		{ "db-", PGIAM_ARN_RDS_INSTANCE }, { "cluster-", PGIAM_ARN_RDS_CLUSTER },
		{ "prx-", PGIAM_ARN_RDS_PROXY },
	};

	for (size_t i = 0; id && i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t n = strlen(forms[i].prefix);

		if (strncmp(id, forms[i].prefix, n) || !id[n])
			continue;
		for (const char *p = id + n; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
				return PGIAM_ARN_RDS_UNKNOWN;
		return forms[i].kind;
	}
	return PGIAM_ARN_RDS_UNKNOWN;
}
