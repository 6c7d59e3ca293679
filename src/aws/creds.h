/* creds.h - AWS credentials as the core passes them around.
 *
 * A plain struct because every provider fills it and every signer reads it. The secret
 * and the session token are wiped when disposed. `source` says where the credentials
 * came from in words a user can act on ("environment", "profile dev via
 * credential_process", "assumed role arn:aws:iam::…"), and is never a secret.
 */
#ifndef PGIAM_CREDS_H
#define PGIAM_CREDS_H

#include <stddef.h>
#include <time.h>

typedef struct pgiam_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0 when they do not expire */
	char *source;        /* human-readable origin, never secret; may be NULL */
} pgiam_creds;

#define PGIAM_CREDS_INIT { NULL, NULL, NULL, 0, NULL }

/* Deep copy into *out (which must be empty or disposed). */
int pgiam_creds_copy(pgiam_creds *out, const pgiam_creds *src);

/* Sets the fields from strings (copied); token and source may be NULL. */
int pgiam_creds_set(pgiam_creds *out, const char *akid, const char *secret,
	const char *token, time_t expiration, const char *source);

/* Wipes the secrets and frees everything; the struct becomes PGIAM_CREDS_INIT. */
void pgiam_creds_dispose(pgiam_creds *creds);

/* Seconds left before expiry at `now`; a large number for non-expiring credentials. */
long pgiam_creds_seconds_left(const pgiam_creds *creds, time_t now);

/* The access key id masked for display: first 4 and last 4 characters ("AKIA…MPLE"). */
void pgiam_creds_mask_akid(char *out, size_t outlen, const char *akid);

/* The current code of MFA device serial into out (NUL-terminated, at most len bytes), for
 * an AssumeRole that needs one; negative with the last error set when there is none (no
 * terminal, the user declined). Called in the thread that calls STS. */
typedef int (*pgiam_mfa_code_fn)(char *out, size_t len, const char *serial, void *ctx);

#endif
