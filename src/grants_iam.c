/* grants_iam.c - the IAM side of `pgiam grants`: where the source credentials come
 * from, who the caller is, the role session, the external ID (masked) and the
 * rds-db:connect resource the role's policy must allow for this database user.
 *
 * The DbiResourceId is not knowable from inside the database: it is the profile's
 * dbi_resource_id when set, else "*", and the document says which. RDS Proxy
 * (prx-…) and Aurora cluster (cluster-…) resources are named beside it, since a
 * policy written for the instance does not cover them. */
#include "grants.h"
#include "grants_int.h"

#include "arn.h"
#include "auth.h"
#include "error.h"
#include "session_profile.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

/* An external ID as shown: never whole. The first two and last two characters of a
 * long one (enough to tell two apart), nothing of a short one. */
static void mask_external_id(char *out, size_t outlen, const char *id)
{
	size_t n = strlen(id);

	if (n >= 12)
		snprintf(out, outlen, "%.2s…%s (%zu characters)", id, id + n - 2, n);
	else
		snprintf(out, outlen, "**** (%zu characters)", n);
}

/* The endpoint's kind from its name: RDS Proxy endpoints are NAME.proxy-ID.REGION…,
 * Aurora cluster endpoints NAME.cluster-[ro-]ID.REGION…. */
static const char *endpoint_kind(const char *host)
{
	if (!host)
		return "instance";
	if (strcasestr(host, ".proxy-"))
		return "proxy";
	if (strcasestr(host, ".cluster-"))
		return "cluster";
	return "instance";
}

static void add_resources(json_object *iam, const char *role_arn, const char *region,
	const char *account, const char *resource_id, const char *user)
{
	char arn[1024];
	pgiam_arn_rds_db db = { role_arn, region, account, resource_id, user,
		"<region>", "<account-id>", "*", "<db-user>" };

	if (pgiam_arn_rds_db_resource(arn, sizeof(arn), &db) == 0)
		add_str(iam, "connect_resource", arn);
	add_str(iam, "resource_id", resource_id ? resource_id : "*");
	add_str(iam, "resource_id_source", resource_id ? "profile (dbi_resource_id)" : "unknown");
	json_object_object_add(iam, "resource_note", json_object_new_string(resource_id ?
		"the resource id is the profile's dbi_resource_id: the database cannot tell it" :
		"the DbiResourceId is not knowable from inside the database: * stands for it "
		"(set dbi_resource_id in the profile, from aws rds describe-db-instances)"));
	db.resource_id = NULL;
	db.no_resource_id = "prx-*";
	if (pgiam_arn_rds_db_resource(arn, sizeof(arn), &db) == 0)
		add_str(iam, "proxy_resource", arn);
	db.no_resource_id = "cluster-*";
	if (pgiam_arn_rds_db_resource(arn, sizeof(arn), &db) == 0)
		add_str(iam, "cluster_resource", arn);
}

int pgiam_grants_set_iam(pgiam_grants *g, pgiam_session *s, const pgiam_profile *profile)
{
	pgiam_auth *auth = s ? pgiam_session_auth(s) : NULL;
	pgiam_session_info si;
	pgiam_auth_info ai;
	json_object *iam = json_object_new_object();
	const char *role_arn = auth ? pgiam_auth_role_arn(auth) : NULL;
	const char *region = profile ? pgiam_profile_region(profile) : NULL;
	const char *account = profile ? pgiam_profile_account_id(profile) : NULL;
	const char *ext = profile ? pgiam_profile_external_id(profile) : NULL;
	char acct[32] = "", masked[64], when[32];
	struct tm tm;

	if (!iam)
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	memset(&si, 0, sizeof(si));
	memset(&ai, 0, sizeof(ai));
	if (s)
		pgiam_session_get_info(&si, s);
	if (auth)
		pgiam_auth_info_get(&ai, auth);
	if (!account && role_arn)
		pgiam_arn_field(acct, sizeof(acct), role_arn, 4);
	if (!account && !acct[0] && ai.caller_account[0])
		snprintf(acct, sizeof(acct), "%s", ai.caller_account);
	if (!account && acct[0])
		account = acct;
	add_str(iam, "source", ai.source[0] ? ai.source : si.creds_source);
	add_str(iam, "caller_arn", ai.caller_arn);
	add_str(iam, "account", account);
	add_str(iam, "role_arn", role_arn);
	add_str(iam, "assumed_arn", role_arn ? ai.assumed_arn : NULL);
	add_str(iam, "session_name", role_arn ? pgiam_auth_session_name(auth) : NULL);
	if (ai.session_expiry) {
		gmtime_r(&ai.session_expiry, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		add_str(iam, "session_expires", when);
	} else
		json_object_object_add(iam, "session_expires", NULL);
	if (ext && *ext) {
		mask_external_id(masked, sizeof(masked), ext);
		add_str(iam, "external_id", masked);
	} else
		json_object_object_add(iam, "external_id", NULL);
	add_str(iam, "endpoint", si.endpoint);
	add_str(iam, "endpoint_kind", endpoint_kind(profile ? pgiam_profile_host(profile) : NULL));
	add_str(iam, "region", region);
	add_str(iam, "db_user", si.db_user);
	add_resources(iam, role_arn, region, account,
		profile ? pgiam_profile_dbi_resource_id(profile) : NULL,
		si.db_user[0] ? si.db_user : NULL);
	json_object_put(g->iam);
	g->iam = iam;
	return 0;
}
