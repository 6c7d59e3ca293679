/* token.c - the RDS IAM authentication token: a SigV4 presigned
 * "GET https://host:port/?Action=connect&DBUser=user" for service rds-db, 900 s, with
 * the scheme stripped (botocore generate_db_auth_token); and describing such a token
 * without its secret parts, for "is this token expired, and for whom was it signed?".
 */
#include "token.h"

#include "buf.h"
#include "error.h"
#include "sanitize.h"
#include "secure.h"
#include "sigv4.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_MAX 253      /* a DNS name */
#define USER_MAX 63       /* PostgreSQL role names: NAMEDATALEN - 1 bytes */
#define REGION_MAX 32
#define TOKEN_MAX 16384   /* session tokens are a few KiB; anything longer is not a token */

static int valid_host_chars(const char *h)
{
	for (; *h; h++) {
		char c = *h;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

static int check_host(const char *host)
{
	size_t n = host ? strlen(host) : 0;

	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "the host name is empty");
	if (n > HOST_MAX)
		return pgiam_error_set(PGIAM_EINVAL, "the host name is %zu characters long; DNS names have at most %d", n, HOST_MAX);
	if (strstr(host, "://"))
		return pgiam_error_set(PGIAM_EINVAL, "give the host name without a scheme (no https://)");
	if (!valid_host_chars(host))
		return pgiam_error_set(PGIAM_EINVAL, "the host name may contain only letters, digits, '-', '.' and '_' (no port, path or spaces)");
	return 0;
}

/* Region names look like us-east-1, eu-central-2, us-gov-west-1, cn-north-1. */
static int valid_region(const char *r)
{
	size_t n = r ? strlen(r) : 0;

	if (n < 4 || n > REGION_MAX || !(r[0] >= 'a' && r[0] <= 'z') || !strchr(r, '-') ||
	    !(r[n - 1] >= '0' && r[n - 1] <= '9') || strstr(r, "--"))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' && r[i] <= '9') || r[i] == '-'))
			return 0;
	return 1;
}

static int check_params(const pgiam_token_params *p, const pgiam_creds *creds)
{
	int error;
	size_t n;

	if ((error = check_host(p->host)) < 0)
		return error;
	if (p->port < 1 || p->port > 65535)
		return pgiam_error_set(PGIAM_EINVAL, "port %d is outside 1..65535", p->port);
	n = p->db_user ? strlen(p->db_user) : 0;
	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "the database user name is empty");
	if (n > USER_MAX)
		return pgiam_error_set(PGIAM_EINVAL, "the database user name is %zu bytes long; PostgreSQL role names have at most %d", n, USER_MAX);
	/* what is signed is shown later (token --describe, the TUI, logs): UTF-8 that a
	 * terminal shows as it is, as PostgreSQL (a UTF-8 server) stores role names */
	if (!pgiam_text_is_clean(p->db_user))
		return pgiam_error_set(PGIAM_EINVAL, "the database user name is not valid UTF-8 or "
			"contains a control character (C0, DEL, C1 or a bidirectional control)");
	if (!valid_region(p->region))
		return pgiam_error_set(PGIAM_EINVAL, "'%.40s' is not a region name (like us-east-1)",
			p->region && valid_host_chars(p->region) ? p->region : "?");
	if (!creds || !creds->access_key_id || !*creds->access_key_id ||
	    !creds->secret_access_key || !*creds->secret_access_key)
		return pgiam_error_set(PGIAM_EINVAL, "missing credentials: an access key id and a secret access key are needed to sign a token");
	return 0;
}

int pgiam_token_generate(char **out, const pgiam_token_params *params,
	const pgiam_creds *creds)
{
	pgiam_sigv4_options opts = PGIAM_SIGV4_OPTIONS_INIT;
	pgiam_sigv4_request req;
	pgiam_sigv4_param query[2];
	pgiam_buf signed_host = PGIAM_BUF_INIT, token = PGIAM_BUF_INIT;
	char *presigned = NULL;
	int error;

	if (!out)
		return pgiam_error_set(PGIAM_EINVAL, "no place for the token");
	*out = NULL;
	if (!params)
		return pgiam_error_set(PGIAM_EINVAL, "no token parameters");
	if ((error = check_params(params, creds)) < 0)
		return error;

	/* The signed Host header is lowercased and, as botocore derives it from the URL,
	 * carries the port unless it is https's default 443. */
	for (const char *h = params->host; *h; h++)
		if ((error = pgiam_buf_putc(&signed_host, (char)(*h >= 'A' && *h <= 'Z' ? *h + 32 : *h))) < 0)
			goto cleanup;
	if (params->port != 443 && (error = pgiam_buf_printf(&signed_host, ":%d", params->port)) < 0)
		goto cleanup;

	query[0].name = "Action";
	query[0].value = "connect";
	query[1].name = "DBUser";
	query[1].value = params->db_user;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.host = signed_host.ptr;
	req.path = "/";
	req.query = query;
	req.query_count = 2;
	opts.region = params->region;
	opts.service = "rds-db";
	opts.time = params->time ? params->time : time(NULL);
	opts.expires = PGIAM_TOKEN_LIFETIME;

	if ((error = pgiam_sigv4_presign(&presigned, &req, creds, &opts)) < 0 ||
	    (error = pgiam_buf_printf(&token, "%s:%d/?%s", params->host, params->port, presigned)) < 0)
		goto cleanup;
	if (!(*out = pgiam_buf_detach(&token)))
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");

cleanup:
	pgiam_free_secret(presigned);
	pgiam_buf_dispose(&token);
	pgiam_buf_dispose(&signed_host);
	return error;
}

/* --- describe --- */

enum { P_ACTION, P_USER, P_ALGORITHM, P_CREDENTIAL, P_DATE, P_EXPIRES, P_SIGNED_HEADERS,
	P_SIGNATURE, P_TOKEN, P_COUNT };

static const char *const param_names[P_COUNT] = {
	"Action", "DBUser", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
	"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
};

#define NOT_A_TOKEN(...) pgiam_error_set(PGIAM_EINVAL, "not an RDS auth token: " __VA_ARGS__)

/* Percent-decodes s[0..len) into a new string; a decoded NUL is refused. */
static int unescape(char **out, const char *s, size_t len)
{
	int outlen = 0;
	char *raw = curl_easy_unescape(NULL, s, (int)len, &outlen);

	*out = NULL;
	if (!raw)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if ((size_t)outlen != strlen(raw)) {
		pgiam_wipe(raw, (size_t)outlen);
		curl_free(raw);
		return NOT_A_TOKEN("a parameter decodes to a NUL byte");
	}
	*out = pgiam_strdup(raw);
	pgiam_wipe(raw, (size_t)outlen);
	curl_free(raw);
	return *out ? 0 : PGIAM_ENOMEM;
}

static int split_query(char *vals[P_COUNT], const char *query)
{
	const char *p = query;
	int error = 0;

	while (*p) {
		const char *amp = strchr(p, '&'), *eq;
		size_t len = amp ? (size_t)(amp - p) : strlen(p), klen;
		char *key = NULL;
		int idx = -1;

		eq = memchr(p, '=', len);
		klen = eq ? (size_t)(eq - p) : len;
		if ((error = unescape(&key, p, klen)) < 0)
			return error;
		for (int i = 0; i < P_COUNT; i++)
			if (!strcmp(key, param_names[i]))
				idx = i;
		free(key);
		/* unknown parameters are ignored: a token is only described, not verified */
		if (idx >= 0) {
			if (vals[idx])
				return NOT_A_TOKEN("parameter %s appears twice", param_names[idx]);
			if (!eq)
				return NOT_A_TOKEN("parameter %s has no value", param_names[idx]);
			if ((error = unescape(&vals[idx], eq + 1, len - klen - 1)) < 0)
				return error;
		}
		p += len + (amp != NULL);
	}
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "YYYYMMDDTHHMMSSZ" to UTC seconds, refusing anything else (including 20240230). */
static int parse_amz_date(time_t *out, const char *s)
{
	struct tm tm, check;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 16 || !all_digits(s, 8) || s[8] != 'T' || !all_digits(s + 9, 6) || s[15] != 'Z')
		return -1;
	end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
	if (!end || *end)
		return -1;
	check = tm;
	*out = timegm(&tm);
	if (*out == (time_t)-1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon ||
	    tm.tm_hour != check.tm_hour || tm.tm_min != check.tm_min || tm.tm_sec != check.tm_sec)
		return -1;
	return 0;
}

static int describe_params(pgiam_token_info *info, char *vals[P_COUNT])
{
	char *parts[5] = { NULL }, *cred = vals[P_CREDENTIAL], *save = NULL;
	long expires;
	char *end;
	int n = 0;

	for (int i = 0; i < P_COUNT; i++)
		if (!vals[i] && i != P_TOKEN)
			return NOT_A_TOKEN("it has no %s parameter", param_names[i]);
	if (strcmp(vals[P_ACTION], "connect"))
		return NOT_A_TOKEN("Action is not 'connect'");
	if (strcmp(vals[P_ALGORITHM], "AWS4-HMAC-SHA256"))
		return NOT_A_TOKEN("X-Amz-Algorithm is not AWS4-HMAC-SHA256");
	if (!*vals[P_USER] || strlen(vals[P_USER]) >= sizeof(info->db_user))
		return NOT_A_TOKEN("DBUser is empty or too long");
	snprintf(info->db_user, sizeof(info->db_user), "%s", vals[P_USER]);

	/* AKID/YYYYMMDD/region/rds-db/aws4_request */
	for (char *t = strtok_r(cred, "/", &save); t && n < 5; t = strtok_r(NULL, "/", &save))
		parts[n++] = t;
	if (n != 5 || strtok_r(NULL, "/", &save) || strcmp(parts[4], "aws4_request"))
		return NOT_A_TOKEN("X-Amz-Credential is not KEY/DATE/REGION/SERVICE/aws4_request");
	if (strcmp(parts[3], "rds-db"))
		return NOT_A_TOKEN("it was signed for service '%.32s', not rds-db",
			valid_host_chars(parts[3]) ? parts[3] : "?");
	if (!valid_region(parts[2]))
		return NOT_A_TOKEN("the region in X-Amz-Credential is not a region name");
	snprintf(info->region, sizeof(info->region), "%s", parts[2]);
	pgiam_creds_mask_akid(info->access_key_masked, sizeof(info->access_key_masked), parts[0]);

	if (parse_amz_date(&info->signed_at, vals[P_DATE]) < 0)
		return NOT_A_TOKEN("X-Amz-Date is not a YYYYMMDDTHHMMSSZ time");
	if (strlen(parts[1]) != 8 || strncmp(parts[1], vals[P_DATE], 8))
		return NOT_A_TOKEN("the date in X-Amz-Credential differs from X-Amz-Date");
	if (!*vals[P_EXPIRES] || !all_digits(vals[P_EXPIRES], strlen(vals[P_EXPIRES])) ||
	    (expires = strtol(vals[P_EXPIRES], &end, 10)) < 1 || expires > 604800)
		return NOT_A_TOKEN("X-Amz-Expires is not a number of seconds in 1..604800");
	info->expires_at = info->signed_at + expires;
	if (strlen(vals[P_SIGNATURE]) != 64)
		return NOT_A_TOKEN("X-Amz-Signature is not 64 hex digits");
	for (const char *s = vals[P_SIGNATURE]; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return NOT_A_TOKEN("X-Amz-Signature is not 64 hex digits");
	info->has_session_token = vals[P_TOKEN] != NULL;
	return 0;
}

int pgiam_token_describe(pgiam_token_info *out, const char *token, time_t now)
{
	pgiam_token_info info;
	pgiam_buf url = PGIAM_BUF_INIT;
	CURLU *u = NULL;
	char *host = NULL, *port = NULL, *path = NULL, *user = NULL, *frag = NULL;
	const char *query = NULL;
	char *vals[P_COUNT] = { NULL };
	long portnum;
	int error = 0;

	memset(&info, 0, sizeof(info));
	if (!out || !token)
		return pgiam_error_set(PGIAM_EINVAL, "no token to describe");
	if (!*token)
		return NOT_A_TOKEN("it is empty");
	if (strlen(token) > TOKEN_MAX)
		return NOT_A_TOKEN("it is longer than %d characters", TOKEN_MAX);
	for (const unsigned char *p = (const unsigned char *)token; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return NOT_A_TOKEN("it contains spaces, control or non-ASCII characters");
	/* Tokens have no scheme; tolerate one pasted from a URL. */
	if (!strncmp(token, "https://", 8))
		token += 8;
	else if (!strncmp(token, "http://", 7))
		token += 7;
	if (!(query = strchr(token, '?')))
		return NOT_A_TOKEN("it has no query string (expected HOST:PORT/?Action=connect&...)");
	/* Only HOST:PORT/ goes to curl: the query holds the signature and the session
	 * token, and curl frees its copies of a URL without wiping them. */
	if (strchr(++query, '#'))
		return NOT_A_TOKEN("it has a user name or fragment part");

	if ((error = pgiam_buf_printf(&url, "https://%.*s", (int)(query - 1 - token), token)) < 0)
		goto cleanup;
	if (!(u = curl_url())) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (curl_url_set(u, CURLUPART_URL, url.ptr, 0) != CURLUE_OK) {
		error = NOT_A_TOKEN("it is not HOST:PORT/?QUERY");
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK) {
		error = NOT_A_TOKEN("it has a user name or fragment part");
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		error = NOT_A_TOKEN("it is not HOST:PORT/?QUERY");
		goto cleanup;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK) {
		error = NOT_A_TOKEN("it has no port after the host name");
		goto cleanup;
	}
	if (strcmp(path, "/")) {
		error = NOT_A_TOKEN("its path is not '/'");
		goto cleanup;
	}
	if (!*host || strlen(host) >= sizeof(info.host) || !valid_host_chars(host)) {
		error = NOT_A_TOKEN("the host part is not a host name");
		goto cleanup;
	}
	snprintf(info.host, sizeof(info.host), "%s", host);
	portnum = strtol(port, NULL, 10);
	if (!all_digits(port, strlen(port)) || portnum < 1 || portnum > 65535) {
		error = NOT_A_TOKEN("the port is outside 1..65535");
		goto cleanup;
	}
	info.port = (int)portnum;
	if ((error = split_query(vals, query)) < 0 || (error = describe_params(&info, vals)) < 0)
		goto cleanup;
	info.seconds_left = (long)(info.expires_at - now);
	*out = info;

cleanup:
	for (int i = 0; i < P_COUNT; i++)
		pgiam_free_secret(vals[i]);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(frag);
	curl_url_cleanup(u);
	pgiam_buf_dispose(&url);
	return error;
}

time_t pgiam_token_expiry(time_t signed_at, time_t creds_expiration, int *by_creds)
{
	time_t end = signed_at + PGIAM_TOKEN_LIFETIME;
	int creds_first = creds_expiration > 0 && creds_expiration < end;

	if (by_creds)
		*by_creds = creds_first;
	return creds_first ? creds_expiration : end;
}
