/* sts.h - the AWS Security Token Service client: AssumeRole and GetCallerIdentity.
 *
 * Query protocol: a form-encoded POST to the regional endpoint, signed with SigV4
 * (service "sts"), answered in XML (parsed with libxml2). Throttling and 5xx answers
 * are retried (3 attempts, exponential backoff with jitter, 30 s for all of them).
 * Every failure becomes one line saying what to fix, followed by AWS's own code and
 * message.
 */
#ifndef PGIAM_STS_H
#define PGIAM_STS_H

#include "cancel.h"

#include "buf.h"
#include "creds.h"

#include <stddef.h>
#include <time.h>

#define PGIAM_STS_MAX_ATTEMPTS 3
/* All attempts of one call (requests and the backoff between them) end within this:
 * each request's timeout is cut to what remains. */
#define PGIAM_STS_DEADLINE_MS 30000

typedef struct pgiam_sts_config {
	const char *region;          /* signing region, e.g. "ap-northeast-1" */
	const char *endpoint;        /* the profile's sts_endpoint, or NULL */
	const char *ca_bundle;       /* NULL: $AWS_CA_BUNDLE or the system store */
	long connect_timeout_ms;     /* 0: 5 s */
	long timeout_ms;             /* 0: 20 s */
	int max_attempts;            /* 0: PGIAM_STS_MAX_ATTEMPTS */
	long backoff_base_ms;        /* 0: 200 ms; doubled per retry, with jitter */
	const pgiam_cancel *cancel;  /* may be NULL */
	int *attempts_made;          /* optional out: requests sent by the last call */
	long deadline_ms;            /* 0: PGIAM_STS_DEADLINE_MS, for all attempts */
} pgiam_sts_config;

#define PGIAM_STS_CONFIG_INIT { NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, 0 }

typedef struct pgiam_sts_assume_params {
	const char *role_arn;
	const char *session_name;
	const char *external_id;     /* may be NULL */
	int duration;                /* seconds; 0: 3600 */
	const char *serial_number;   /* MFA device ARN, or NULL */
	const char *token_code;      /* its current six digits (a secret: never logged) */
} pgiam_sts_assume_params;

/* AssumeRoleWithWebIdentity: an unsigned call; the OIDC token is the credential. */
typedef struct pgiam_sts_web_params {
	const char *role_arn;
	const char *session_name;
	const char *token;           /* the JWT (a secret: never logged) */
	int duration;                /* seconds; 0: 3600 */
} pgiam_sts_web_params;

typedef struct pgiam_sts_assumed {
	pgiam_creds creds;           /* source is "assumed role ARN" */
	char *assumed_arn;           /* arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION */
	char *assumed_role_id;
	char *subject;               /* web identity: SubjectFromWebIdentityToken, else NULL */
} pgiam_sts_assumed;

#define PGIAM_STS_ASSUMED_INIT { PGIAM_CREDS_INIT, NULL, NULL, NULL }

typedef struct pgiam_sts_identity {
	char *arn;
	char *account;
	char *user_id;
} pgiam_sts_identity;

#define PGIAM_STS_IDENTITY_INIT { NULL, NULL, NULL }

/* An ErrorResponse document, decoded. */
typedef struct pgiam_sts_error {
	char type[32];
	char code[64];
	char message[512];
} pgiam_sts_error;

/* The STS URL to use: override (the profile's sts_endpoint), else
 * $AWS_ENDPOINT_URL_STS, else $AWS_ENDPOINT_URL, else https://sts.REGION.amazonaws.com
 * (.amazonaws.com.cn for cn- regions). Only https, or http to a loopback address, is
 * accepted. *out is malloc'd. */
int pgiam_sts_endpoint(char **out, const char *region, const char *override);

int pgiam_sts_assume_role(pgiam_sts_assumed *out, const pgiam_sts_config *cfg,
	const pgiam_creds *source, const pgiam_sts_assume_params *params);

int pgiam_sts_get_caller_identity(pgiam_sts_identity *out, const pgiam_sts_config *cfg,
	const pgiam_creds *source);

/* AssumeRoleWithWebIdentity (EKS IRSA, GitHub OIDC...): unsigned, so it needs no source
 * credentials; the answer's source reads "web identity SUBJECT as role ARN". */
int pgiam_sts_assume_role_with_web_identity(pgiam_sts_assumed *out,
	const pgiam_sts_config *cfg, const pgiam_sts_web_params *params);
void pgiam_sts_assumed_dispose(pgiam_sts_assumed *a);
void pgiam_sts_identity_dispose(pgiam_sts_identity *id);

/* The building blocks, exposed for the unit tests. */

/* Appends s form-encoded (application/x-www-form-urlencoded: space as '+', only
 * A-Za-z0-9 and -_.~ literal). */
int pgiam_sts_form_encode(pgiam_buf *out, const char *s);

/* ISO 8601 UTC time ("2011-07-15T23:28:33Z", with or without fractional seconds, 'Z'
 * or a +hh:mm offset) to UTC seconds. */
int pgiam_sts_parse_time(time_t *out, const char *s);

int pgiam_sts_parse_assume_role(pgiam_sts_assumed *out, const char *xml, size_t len);
int pgiam_sts_parse_web_identity(pgiam_sts_assumed *out, const char *xml, size_t len);
int pgiam_sts_parse_caller_identity(pgiam_sts_identity *out, const char *xml, size_t len);
/* Fills *out from an ErrorResponse; PGIAM_EINVAL when xml is not one. */
int pgiam_sts_parse_error(pgiam_sts_error *out, const char *xml, size_t len);

/* 1 for the error codes AWS uses for throttling. */
int pgiam_sts_is_throttle(const char *code);

/* Sets the thread's last error for a failed STS answer and returns its code.
 * action: "AssumeRole of ROLE" or "GetCallerIdentity"; status: HTTP status;
 * server_date/local_now: the response's Date header and the local clock (for skew);
 * source: the source credentials' description (may be NULL); attempts: how many
 * requests were made. */
int pgiam_sts_report_error(const pgiam_sts_error *err, const char *action, long status,
	time_t server_date, time_t local_now, const char *source, int attempts);

#endif
