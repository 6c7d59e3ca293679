/* policy.h - what must exist on the AWS, database and (optionally) Snowflake side for
 * a profile to work, as in the reference walkthrough: the IAM permission policy
 * (rds-db:connect), the role's trust policy (the source principal, an sts:ExternalId
 * condition when the profile has external_id), the SQL creating the IAM database user
 * (rds_iam; a read-only role when the profile says read_only = true, else the
 * privileges as a template), and the Snowflake objects. Unknown values become
 * <placeholders>. `pgiam policy` prints it and the TUI's policy view draws it: one
 * builder, so the two cannot disagree. */
#ifndef PGIAM_POLICY_H
#define PGIAM_POLICY_H

#include "profile.h"

#include <stddef.h>

typedef struct pgiam_policy pgiam_policy;

typedef struct pgiam_policy_options {
	/* The ARN GetCallerIdentity gave for the profile's source credentials (an
	 * assumed-role ARN becomes its role's ARN); NULL when not known. */
	const char *caller_arn;
	int offline;    /* caller_arn NULL because nobody asked (else: asking failed) */
	int snowflake;  /* add the Snowflake objects */
} pgiam_policy_options;

#define PGIAM_POLICY_OPTIONS_INIT { NULL, 0, 0 }

/* Builds everything for profile. Returns 0, or a negative error with the last error
 * set (a database or user name that cannot be quoted as SQL, out of memory). */
int pgiam_policy_build(pgiam_policy **out, const pgiam_profile *profile,
	const pgiam_policy_options *opts);

void pgiam_policy_free(pgiam_policy *p);

/* Asks STS (GetCallerIdentity, blocking) who the profile's source credentials are:
 * the principal its role must trust. The caller ARN into out (PGIAM_POLICY_ARN_MAX + 1
 * bytes hold any); 0 or a negative error with the last error set. */
#define PGIAM_POLICY_ARN_MAX 2048
int pgiam_policy_ask_caller(char *out, size_t outlen, const pgiam_profile *profile);

/* The parts (lent, valid until pgiam_policy_free). */
const char *pgiam_policy_resource(const pgiam_policy *p);      /* rds-db:connect resource */
const char *pgiam_policy_principal(const pgiam_policy *p);     /* ARN or placeholder */
const char *pgiam_policy_principal_note(const pgiam_policy *p);/* NULL when known */
const char *pgiam_policy_sql(const pgiam_policy *p);
int pgiam_policy_read_only(const pgiam_policy *p);             /* the SQL's kind */
const char *pgiam_policy_snowflake_sql(const pgiam_policy *p); /* NULL unless asked */

/* What the resource needs said (issue 14): the resource ID is * without
 * dbi_resource_id; an Aurora cluster endpoint takes the cluster's ID; an RDS Proxy
 * takes the proxy's, and its own role must reach the database; a dbi_resource_id of
 * another kind than the endpoint. Shown after the IAM policy ("# Note: …") and as
 * "notes" in the JSON document (only when there are any). */
#define PGIAM_POLICY_MAX_NOTES 4
size_t pgiam_policy_note_count(const pgiam_policy *p);
const char *pgiam_policy_note(const pgiam_policy *p, size_t i);   /* NULL past the end */

/* The whole report as `pgiam policy` prints it: headings, the two policies as
 * pretty-printed JSON (control characters in strings escaped, as JSON), the SQL, the
 * Snowflake objects. Other text is raw: front ends sanitise it as they print. */
const char *pgiam_policy_text(const pgiam_policy *p);

/* The --json document (serialised, pretty-printed). */
const char *pgiam_policy_json(const pgiam_policy *p);

#endif
