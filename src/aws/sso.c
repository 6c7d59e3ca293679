/* sso.c - IAM Identity Center (SSO) as a source, read the way botocore's SSOProvider and
 * SSOTokenProvider read it: the profile's sso_session (with its [sso-session NAME]
 * section) or the legacy sso_start_url + sso_region, the access token that `aws sso
 * login` left in ~/.aws/sso/cache/SHA1.json, refreshed through SSO OIDC CreateToken when
 * it is near its end (sso_session form only), then the portal's GetRoleCredentials.
 *
 * The cache file is rewritten atomically (0600), keeping every key pgiam does not use.
 * Access tokens, refresh tokens and client secrets never reach a message. */
#include "sso.h"

#include "ascii.h"
#include "atomic_file.h"
#include "error.h"
#include "http.h"
#include "secure.h"
#include "sts.h"

#include <errno.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_WINDOW 900   /* refresh when the token has less than 15 minutes (botocore) */
#define CACHE_MAX (64 * 1024)

typedef struct sso_config {
	const char *session;      /* the sso_session name, NULL in the legacy form */
	const char *start_url;
	const char *region;
	const char *account;
	const char *role;
	const char *profile;
} sso_config;

int pgiam_sso_configured(const pgiam_awsfiles *f, const char *profile)
{
	const char *s = pgiam_awsfiles_get(f, profile, "sso_session");
	const char *u = pgiam_awsfiles_get(f, profile, "sso_start_url");

	return (s && *s) || (u && *u);
}

static const char *val(const pgiam_awsfiles *f, const char *profile, const char *key)
{
	const char *v = pgiam_awsfiles_get(f, profile, key);

	return v && *v ? v : NULL;
}

static int read_config(sso_config *c, const pgiam_awsfiles *f, const char *profile)
{
	char section[300];

	memset(c, 0, sizeof(*c));
	c->profile = profile;
	c->session = val(f, profile, "sso_session");
	c->account = val(f, profile, "sso_account_id");
	c->role = val(f, profile, "sso_role_name");
	if (c->session) {
		snprintf(section, sizeof(section), "sso-session %s", c->session);
		c->start_url = pgiam_awsfiles_get_section(f, section, "sso_start_url");
		c->region = pgiam_awsfiles_get_section(f, section, "sso_region");
		if (!c->start_url || !c->region)
			return pgiam_error_set(PGIAM_EINVAL, "AWS profile %s: its sso_session %s needs "
				"an [sso-session %s] section with sso_start_url and sso_region",
				profile, c->session, c->session);
	} else {
		c->start_url = val(f, profile, "sso_start_url");
		c->region = val(f, profile, "sso_region");
	}
	if (!c->start_url || !c->region || !c->account || !c->role)
		return pgiam_error_set(PGIAM_EINVAL, "AWS profile %s uses IAM Identity Center but "
			"lacks %s (needs sso_start_url, sso_region, sso_account_id and sso_role_name)",
			profile, !c->start_url ? "sso_start_url" : !c->region ? "sso_region" :
			!c->account ? "sso_account_id" : "sso_role_name");
	return 0;
}

/* What to run when the token cannot be used. */
static void login_hint(char *out, size_t len, const sso_config *c)
{
	if (c->session)
		snprintf(out, len, "run `aws sso login --sso-session %s`", c->session);
	else
		snprintf(out, len, "run `aws sso login --profile %s`", c->profile);
}

/* ~/.aws/sso/cache/ + SHA-1 hex of the session name (or the legacy start URL) + .json */
static int cache_path(char *dir, size_t dirlen, char *name, size_t namelen, const sso_config *c)
{
	const char *home = getenv("HOME");
	const char *key = c->session ? c->session : c->start_url;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!home || !*home)
		return pgiam_error_set(PGIAM_EINVAL, "IAM Identity Center: HOME is not set, so "
			"the SSO token cache (~/.aws/sso/cache) cannot be found");
	if (!EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha1(), NULL))
		return pgiam_error_set(PGIAM_ERROR, "IAM Identity Center: SHA-1 failed");
	snprintf(dir, dirlen, "%s/.aws/sso/cache", home);
	for (unsigned int i = 0; i < mdlen && 2 * i + 2 < namelen; i++)
		snprintf(name + 2 * i, 3, "%02x", md[i]);
	strncat(name, ".json", namelen - strlen(name) - 1);
	return 0;
}

static int load_cache(json_object **out, const char *dir, const char *name,
	const sso_config *c)
{
	char path[4200], hint[200];
	char *buf = NULL;
	size_t n = 0;
	FILE *fp;
	int error = 0;

	*out = NULL;
	login_hint(hint, sizeof(hint), c);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "r")))
		return pgiam_error_set(PGIAM_EEXPIRED, "IAM Identity Center: no cached SSO login for "
			"%s (%s: %s): %s", c->start_url, path, strerror(errno), hint);
	if (!(buf = calloc(1, CACHE_MAX + 1)))
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	else if ((n = fread(buf, 1, CACHE_MAX + 1, fp)) > CACHE_MAX)
		error = pgiam_error_set(PGIAM_EINVAL, "IAM Identity Center: %s is larger than %d "
			"bytes; not an SSO token cache file", path, CACHE_MAX);
	fclose(fp);
	if (!error && (!(*out = json_tokener_parse(buf)) ||
			!json_object_is_type(*out, json_type_object))) {
		json_object_put(*out);
		*out = NULL;
		error = pgiam_error_set(PGIAM_EINVAL, "IAM Identity Center: %s is not a JSON "
			"object (a damaged SSO token cache?): %s", path, hint);
	}
	if (buf) {
		pgiam_wipe(buf, CACHE_MAX + 1);
		free(buf);
	}
	return error;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An SSO or OIDC endpoint: its own variable, else AWS_ENDPOINT_URL, else the regional one;
 * https, or http only to loopback (as for STS). */
static int endpoint(char **out, const char *var, const char *host, const char *region)
{
	const char *url = getenv(var);
	const char *origin = var;
	char buf[256];

	*out = NULL;
	if (!url || !*url) {
		url = getenv("AWS_ENDPOINT_URL");
		origin = "AWS_ENDPOINT_URL";
	}
	if (!url || !*url) {
		snprintf(buf, sizeof(buf), "https://%s.%s.amazonaws.com", host, region);
		url = buf;
		origin = "the default endpoint";
	}
	if (pgiam_ascii_ncasecmp(url, "https://", 8) != 0 &&
	    !(pgiam_ascii_ncasecmp(url, "http://", 7) == 0 && pgiam_http_url_is_loopback(url)))
		return pgiam_error_set(PGIAM_EINVAL, "%s '%s' must use https (plain http is allowed "
			"only to a loopback address)", origin, url);
	/* the path is the caller's: drop a trailing slash */
	if (!(*out = pgiam_strdup(url)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (**out && (*out)[strlen(*out) - 1] == '/')
		(*out)[strlen(*out) - 1] = '\0';
	return 0;
}

/* The message AWS put in a JSON error body, made safe for one line. */
static void aws_message(char *out, size_t len, const pgiam_http_response *r)
{
	json_object *o = r->body.ptr ? json_tokener_parse(r->body.ptr) : NULL;
	const char *m = o ? jstr(o, "message") : NULL;

	if (!m && o)
		m = jstr(o, "error_description");
	if (!m && o)
		m = jstr(o, "error");
	snprintf(out, len, "%.200s", m ? m : "no message");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	json_object_put(o);
}

/* CreateToken with the refresh token; the new tokens go into cache (kept keys as they
 * were) and the file is rewritten atomically. */
static int refresh(json_object *cache, const char *dir, const char *name, const sso_config *c,
	const pgiam_cancel *cancel)
{
	pgiam_http_header hdr[] = { { "Content-Type", "application/json" } };
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	json_object *body = json_object_new_object(), *got = NULL;
	char *url = NULL, *full = NULL, msg[256], at[32];
	const char *text = NULL, *sent = NULL, *access = NULL;
	int error = 0;

	if ((error = endpoint(&url, "AWS_ENDPOINT_URL_SSO_OIDC", "oidc", c->region)) < 0 ||
	    asprintf(&full, "%s/token", url) < 0)
		goto cleanup;
	json_object_object_add(body, "clientId", json_object_new_string(jstr(cache, "clientId")));
	json_object_object_add(body, "clientSecret",
		json_object_new_string(jstr(cache, "clientSecret")));
	json_object_object_add(body, "grantType", json_object_new_string("refresh_token"));
	json_object_object_add(body, "refreshToken",
		json_object_new_string(jstr(cache, "refreshToken")));
	sent = text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	req.method = "POST";
	req.url = full;
	req.headers = hdr;
	req.header_count = 1;
	req.body = text;
	req.body_len = strlen(text);
	req.cancel = cancel;
	if ((error = pgiam_http_perform(&resp, &req)) < 0)
		goto cleanup;
	if (resp.status != 200) {
		aws_message(msg, sizeof(msg), &resp);
		error = pgiam_error_set(PGIAM_EEXPIRED, "SSO OIDC refused to refresh the access "
			"token (HTTP %ld: %s)", resp.status, msg);
		goto cleanup;
	}
	if (!(got = json_tokener_parse(resp.body.ptr ? resp.body.ptr : "")) ||
	    !(access = jstr(got, "accessToken"))) {
		error = pgiam_error_set(PGIAM_ESERVER, "SSO OIDC answered CreateToken without an "
			"accessToken");
		goto cleanup;
	}
	{
		json_object *exp = NULL;
		time_t end = time(NULL) + (json_object_object_get_ex(got, "expiresIn", &exp) ?
			json_object_get_int64(exp) : 3600);
		strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&end));
	}
	json_object_object_add(cache, "accessToken", json_object_new_string(access));
	json_object_object_add(cache, "expiresAt", json_object_new_string(at));
	if (jstr(got, "refreshToken"))
		json_object_object_add(cache, "refreshToken",
			json_object_new_string(jstr(got, "refreshToken")));
	text = json_object_to_json_string_ext(cache, JSON_C_TO_STRING_PLAIN);
	error = pgiam_file_write_atomic(dir, name, text, strlen(text), 0600);

cleanup:
	if (sent)  /* the refresh token and client secret, in json-c's buffer */
		pgiam_wipe((char *)sent, strlen(sent));
	json_object_put(body);
	json_object_put(got);
	if (resp.body.ptr)
		pgiam_wipe(resp.body.ptr, resp.body.len);
	pgiam_http_response_dispose(&resp);
	free(full);
	free(url);
	return error;
}

/* A usable access token from the cache, refreshed when near its end (lent by cache). */
static int access_token(const char **out, json_object *cache, const char *dir,
	const char *name, const sso_config *c, const pgiam_cancel *cancel)
{
	const char *exp = jstr(cache, "expiresAt");
	time_t end = 0, now = time(NULL);
	char hint[200];
	int error = 0;

	*out = NULL;
	login_hint(hint, sizeof(hint), c);
	if (!jstr(cache, "accessToken") || !exp || pgiam_sts_parse_time(&end, exp) < 0)
		return pgiam_error_set(PGIAM_EINVAL, "IAM Identity Center: the cached SSO login for "
			"%s lacks accessToken or a readable expiresAt: %s", c->start_url, hint);
	if (end - now < REFRESH_WINDOW && c->session && jstr(cache, "refreshToken") &&
	    jstr(cache, "clientId") && jstr(cache, "clientSecret")) {
		error = refresh(cache, dir, name, c, cancel);
		if (error == PGIAM_ECANCELLED)
			return error;
		if (error == 0)
			pgiam_sts_parse_time(&end, jstr(cache, "expiresAt"));
	}
	if (end <= now)
		return pgiam_error_set(PGIAM_EEXPIRED, "IAM Identity Center: the SSO login for %s "
			"has expired%s%s: %s", c->start_url, error ? " and could not be refreshed: " : "",
			error ? pgiam_error_last() : "", hint);
	pgiam_error_clear();
	*out = jstr(cache, "accessToken");
	return 0;
}

static int parse_role_credentials(pgiam_creds *out, const pgiam_http_response *r,
	const sso_config *c)
{
	json_object *o = r->body.ptr ? json_tokener_parse(r->body.ptr) : NULL;
	json_object *rc = NULL, *exp = NULL;
	char what[600];
	int error = 0;

	if (!o || !json_object_object_get_ex(o, "roleCredentials", &rc) ||
	    !jstr(rc, "accessKeyId") || !jstr(rc, "secretAccessKey") ||
	    !json_object_object_get_ex(rc, "expiration", &exp)) {
		error = pgiam_error_set(PGIAM_ESERVER, "IAM Identity Center answered "
			"GetRoleCredentials without roleCredentials");
		goto cleanup;
	}
	snprintf(what, sizeof(what), "SSO %s account %s role %s", c->start_url, c->account,
		c->role);
	/* expiration is in milliseconds since the epoch */
	error = pgiam_creds_set(out, jstr(rc, "accessKeyId"), jstr(rc, "secretAccessKey"),
		jstr(rc, "sessionToken"), (time_t)(json_object_get_int64(exp) / 1000), what);

cleanup:
	json_object_put(o);
	return error;
}

static int role_credentials(pgiam_creds *out, const char *token, const sso_config *c,
	const pgiam_cancel *cancel)
{
	pgiam_http_header hdr[] = { { "x-amz-sso_bearer_token", token } };
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char *base = NULL, *url = NULL, *acct = NULL, *role = NULL, msg[256], hint[200];
	int error = 0;

	login_hint(hint, sizeof(hint), c);
	if ((error = endpoint(&base, "AWS_ENDPOINT_URL_SSO", "portal.sso", c->region)) < 0)
		goto cleanup;
	if (pgiam_http_escape(&acct, c->account) < 0 || pgiam_http_escape(&role, c->role) < 0 ||
	    asprintf(&url, "%s/federation/credentials?account_id=%s&role_name=%s", base, acct,
			role) < 0) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	req.url = url;
	req.headers = hdr;
	req.header_count = 1;
	req.cancel = cancel;
	if ((error = pgiam_http_perform(&resp, &req)) < 0)
		goto cleanup;
	aws_message(msg, sizeof(msg), &resp);
	if (resp.status == 401)
		error = pgiam_error_set(PGIAM_EEXPIRED, "IAM Identity Center refused the SSO access "
			"token for %s (expired or revoked: %s): %s", c->start_url, msg, hint);
	else if (resp.status == 403)
		error = pgiam_error_set(PGIAM_EDENIED, "IAM Identity Center: %s gives no access to "
			"role %s in account %s (%s)", c->start_url, c->role, c->account, msg);
	else if (resp.status != 200)
		error = pgiam_error_set(PGIAM_ESERVER, "IAM Identity Center answered "
			"GetRoleCredentials with HTTP %ld (%s)", resp.status, msg);
	else
		error = parse_role_credentials(out, &resp, c);

cleanup:
	if (resp.body.ptr)
		pgiam_wipe(resp.body.ptr, resp.body.len);
	pgiam_http_response_dispose(&resp);
	free(base);
	free(url);
	free(acct);
	free(role);
	return error;
}

int pgiam_sso_credentials(pgiam_creds *out, const pgiam_awsfiles *f, const char *profile,
	const pgiam_cancel *cancel)
{
	sso_config c;
	json_object *cache = NULL;
	const char *token = NULL;
	char dir[4096], name[64] = "";
	int error = 0;

	if ((error = read_config(&c, f, profile)) < 0 ||
	    (error = cache_path(dir, sizeof(dir), name, sizeof(name), &c)) < 0 ||
	    (error = load_cache(&cache, dir, name, &c)) < 0 ||
	    (error = access_token(&token, cache, dir, name, &c, cancel)) < 0)
		goto cleanup;
	error = role_credentials(out, token, &c, cancel);

cleanup:
	if (cache) {
		/* the tokens and the client secret, before the memory goes back */
		const char *keys[] = { "accessToken", "refreshToken", "clientSecret" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = jstr(cache, keys[i]);
			if (v)
				pgiam_wipe((char *)v, strlen(v));
		}
		json_object_put(cache);
	}
	return error;
}
