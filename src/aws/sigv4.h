/* sigv4.h - AWS Signature Version 4: header signing and query-string presigning.
 *
 * SHA-256 and HMAC come from OpenSSL's EVP API. URI encoding follows SigV4: only
 * A-Za-z0-9-_.~ literal, everything else %XY with uppercase hex (space is %20).
 * The two entry points below are the stable API used by the STS client (headers) and
 * the RDS token (presign); the intermediate steps are exposed for the known-answer
 * tests of the official SigV4 suite.
 */
#ifndef PGIAM_SIGV4_H
#define PGIAM_SIGV4_H

#include "buf.h"
#include "creds.h"

#include <stddef.h>
#include <time.h>

typedef struct pgiam_sigv4_param {
	const char *name;
	const char *value;
} pgiam_sigv4_param;

typedef struct pgiam_sigv4_request {
	const char *method;                /* "GET", "POST" */
	const char *host;                  /* Host header as sent: "sts.us-east-1.amazonaws.com", "127.0.0.1:8443" */
	const char *path;                  /* request path as sent, e.g. "/" */
	const pgiam_sigv4_param *query;    /* decoded query parameters (the signer encodes) */
	size_t query_count;
	const pgiam_sigv4_param *headers;  /* other headers to sign, e.g. Content-Type;
	                                      Host and X-Amz-Date are added by the signer */
	size_t header_count;
	const void *payload;               /* request body; NULL with payload_len 0 for none */
	size_t payload_len;
} pgiam_sigv4_request;

typedef struct pgiam_sigv4_options {
	const char *region;
	const char *service;
	time_t time;             /* signing time (UTC seconds) */
	unsigned expires;        /* presign only: X-Amz-Expires in seconds */
	int normalize_path;      /* remove dot segments and duplicate slashes (non-S3: 1) */
	int double_encode_path;  /* encode the already-encoded path again (non-S3: 1) */
	int omit_session_token;  /* sign without the token, add it afterwards (suite flag) */
} pgiam_sigv4_options;

#define PGIAM_SIGV4_OPTIONS_INIT { NULL, NULL, 0, 0, 1, 1, 0 }

/* Result of header signing: the headers the caller adds to the request. */
typedef struct pgiam_sigv4_signed {
	char amz_date[17];      /* X-Amz-Date value, "YYYYMMDDTHHMMSSZ" */
	char signature[65];     /* lowercase hex */
	char *authorization;    /* Authorization header value */
	char *security_token;   /* X-Amz-Security-Token value (copy) or NULL */
} pgiam_sigv4_signed;

#define PGIAM_SIGV4_SIGNED_INIT { {0}, {0}, NULL, NULL }

/* Signs req in the Authorization header. Returns 0 or a negative error (last error set). */
int pgiam_sigv4_sign_headers(pgiam_sigv4_signed *out, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts);

void pgiam_sigv4_signed_dispose(pgiam_sigv4_signed *s);

/* Presigns req: *out receives the complete encoded query string, sorted, including
 * X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Security-Token (when
 * the credentials have one) and -Signature last. Free with pgiam_free_secret(). */
int pgiam_sigv4_presign(char **out, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts);

/* The canonical request and string to sign that pgiam_sigv4_sign_headers (presign 0)
 * or pgiam_sigv4_presign (presign 1) build for the same arguments: for the known-answer
 * tests and for explaining a SignatureDoesNotMatch. Either output may be NULL. The
 * canonical request of a presign holds the session token: treat it as a secret. */
int pgiam_sigv4_canonical(pgiam_buf *canonical_request, pgiam_buf *string_to_sign,
	const pgiam_sigv4_request *req, const pgiam_creds *creds,
	const pgiam_sigv4_options *opts, int presign);

/* Appends the SigV4 URI encoding of s[0..len) to out; '/' kept literal when keep_slash. */
int pgiam_sigv4_uri_encode(pgiam_buf *out, const char *s, size_t len, int keep_slash);

#endif
