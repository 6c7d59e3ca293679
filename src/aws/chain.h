/* chain.h - the AWS source-credential chain, in botocore's order.
 *
 * 1. environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *    (AWS_SECURITY_TOKEN legacy, AWS_CREDENTIAL_EXPIRATION); skipped when a profile
 *    is named explicitly (the pgiam profile's source_profile), as botocore does;
 * 2. the shared files for that profile, else AWS_PROFILE / AWS_DEFAULT_PROFILE /
 *    "default": role_arn + source_profile (or credential_source) chaining, static keys
 *    in the credentials file, credential_process (JSON Version 1), static keys in the
 *    config file;
 * 3. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI with
 *    AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE));
 * 4. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT,
 *    AWS_EC2_METADATA_DISABLED).
 * The result's `source` names where they came from, never the secret.
 */
#ifndef PGIAM_CHAIN_H
#define PGIAM_CHAIN_H

#include "cancel.h"

#include "awsfiles.h"
#include "creds.h"

#include <stddef.h>

typedef struct pgiam_chain_options {
	const char *aws_profile;     /* explicit AWS profile (source_profile), or NULL */
	const char *region;          /* for AssumeRole in role-chained AWS profiles */
	const char *sts_endpoint;    /* the pgiam profile's sts_endpoint, or NULL */
	const pgiam_cancel *cancel;  /* may be NULL */
	int process_timeout;         /* credential_process deadline in s, 0 = the default */
	pgiam_mfa_code_fn mfa_code;  /* for AWS config roles with mfa_serial; NULL: none */
	void *mfa_ctx;
} pgiam_chain_options;

#define PGIAM_CHAIN_OPTIONS_INIT { NULL, NULL, NULL, NULL, 0, NULL, NULL }

/* Resolves source credentials into *out (dispose with pgiam_creds_dispose()).
 * PGIAM_ENOTFOUND when no provider has any, with a message listing what was tried;
 * a provider that is configured but fails is an error of its own (not skipped). */
int pgiam_chain_resolve(pgiam_creds *out, const pgiam_chain_options *opts);

/* --- the providers, exposed for tests ------------------------------------------------- */

/* Each returns 0 with *out filled, PGIAM_ENOTFOUND (no error message) when it is not
 * configured, or another negative code with the error set. */
int pgiam_chain_from_env(pgiam_creds *out);
int pgiam_chain_from_container(pgiam_creds *out, const pgiam_cancel *cancel);
int pgiam_chain_from_imds(pgiam_creds *out, const pgiam_cancel *cancel);
/* Web identity (chain_web.c): the token file and role from the environment (when use_env)
 * or profile's section of f (either may be NULL), exchanged with
 * AssumeRoleWithWebIdentity. PGIAM_ENOTFOUND when no token file is configured. */
int pgiam_chain_from_web_identity(pgiam_creds *out, const pgiam_awsfiles *f,
	const char *profile, const pgiam_chain_options *opts, int use_env);

/* Splits a command line like a POSIX shell would split words (single and double
 * quotes, backslash escapes) without expanding anything: *out_argv is a
 * NULL-terminated array (free with pgiam_chain_argv_free). Unbalanced quotes fail. */
int pgiam_chain_split_command(char ***out_argv, const char *command);
void pgiam_chain_argv_free(char **argv);

/* Runs a credential_process command (no shell) and parses its JSON output. what is
 * the description put in out->source ("profile dev via credential_process").
 * timeout_s (<= 0: PGIAM_CHAIN_PROCESS_TIMEOUT) bounds the whole run; at the deadline
 * (PGIAM_ENET) or when *cancel is set (PGIAM_ECANCELLED) the helper's process group is
 * killed. */
#define PGIAM_CHAIN_PROCESS_TIMEOUT 60
int pgiam_chain_run_process(pgiam_creds *out, const char *command, const char *what,
	int timeout_s, const pgiam_cancel *cancel);

/* Parses credential JSON: format 0 = credential_process (Version 1, SessionToken),
 * 1 = container/IMDS (Token, optional Code). */
int pgiam_chain_parse_json(pgiam_creds *out, const char *json, size_t len, int format,
	const char *what);

#endif
