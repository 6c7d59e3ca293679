/* creds.c - copying, masking and wiping AWS credentials. */
#include "creds.h"

#include "error.h"
#include "secure.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pgiam_creds_set(pgiam_creds *out, const char *akid, const char *secret,
	const char *token, time_t expiration, const char *source)
{
	pgiam_creds tmp = PGIAM_CREDS_INIT;

	if (!akid || !*akid || !secret || !*secret)
		return pgiam_error_set(PGIAM_EINVAL, "credentials need an access key id and a secret access key");
	if (!(tmp.access_key_id = pgiam_strdup(akid)) ||
	    !(tmp.secret_access_key = pgiam_strdup(secret)) ||
	    (token && *token && !(tmp.session_token = pgiam_strdup(token))) ||
	    (source && !(tmp.source = pgiam_strdup(source)))) {
		pgiam_creds_dispose(&tmp);
		return PGIAM_ENOMEM;
	}
	tmp.expiration = expiration;
	pgiam_creds_dispose(out);
	*out = tmp;
	return 0;
}

int pgiam_creds_copy(pgiam_creds *out, const pgiam_creds *src)
{
	return pgiam_creds_set(out, src->access_key_id, src->secret_access_key,
		src->session_token, src->expiration, src->source);
}

void pgiam_creds_dispose(pgiam_creds *creds)
{
	if (!creds)
		return;
	free(creds->access_key_id);
	pgiam_free_secret(creds->secret_access_key);
	pgiam_free_secret(creds->session_token);
	free(creds->source);
	memset(creds, 0, sizeof(*creds));
}

long pgiam_creds_seconds_left(const pgiam_creds *creds, time_t now)
{
	if (!creds->expiration)
		return LONG_MAX;
	return (long)(creds->expiration - now);
}

void pgiam_creds_mask_akid(char *out, size_t outlen, const char *akid)
{
	size_t n = akid ? strlen(akid) : 0;

	if (!outlen)
		return;
	if (n <= 8)
		snprintf(out, outlen, "%s", n ? "****" : "");
	else
		snprintf(out, outlen, "%.4s…%s", akid, akid + n - 4);
}
