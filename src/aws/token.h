/* token.h - the RDS IAM authentication token: generating it and describing one.
 *
 * The token is a SigV4-presigned GET of https://host:port/?Action=connect&DBUser=…
 * for service rds-db, 900 seconds of life, with the scheme stripped, exactly as the
 * AWS SDKs build it (botocore generate_db_auth_token).
 */
#ifndef PGIAM_TOKEN_H
#define PGIAM_TOKEN_H

#include "creds.h"

#include <time.h>

#define PGIAM_TOKEN_LIFETIME 900

typedef struct pgiam_token_params {
	const char *host;     /* the RDS endpoint name (never a tunnel's address) */
	int port;             /* 1..65535 */
	const char *db_user;
	const char *region;
	time_t time;          /* signing time; 0 means now */
} pgiam_token_params;

/* Generates a token into *out (free with pgiam_free_secret()). Bad input (empty or
 * overlong host, port outside 1..65535, empty user, malformed region, missing
 * credentials) fails with PGIAM_EINVAL and a one-line message. */
int pgiam_token_generate(char **out, const pgiam_token_params *params,
	const pgiam_creds *creds);

/* When a token signed at signed_at stops being accepted: after its 15 minutes, or when
 * the credentials that signed it expire (creds_expiration, 0 when they do not),
 * whichever comes first (several AWS SDKs reported only the 15 minutes). *by_creds
 * (may be NULL) is 1 when the credentials end first. */
time_t pgiam_token_expiry(time_t signed_at, time_t creds_expiration, int *by_creds);

typedef struct pgiam_token_info {
	char host[256];
	int port;
	char db_user[256];
	char region[64];
	char access_key_masked[64];
	int has_session_token;
	time_t signed_at;
	time_t expires_at;
	long seconds_left;     /* relative to the `now` given; negative when expired */
} pgiam_token_info;

/* Parses a token (as produced above) without verifying its signature. Anything that
 * is not a token fails with PGIAM_EINVAL and says why. */
int pgiam_token_describe(pgiam_token_info *out, const char *token, time_t now);

#endif
