/* sigv4.c - AWS Signature Version 4: canonical request, string to sign, signing key,
 * header signing and query-string presigning.
 *
 * SHA-256 and HMAC-SHA256 come from OpenSSL's EVP API (fetched once per process).
 * Everything that held the secret key, a derived key or a session token is wiped
 * before it is freed.
 */
#include "sigv4.h"

#include "ascii.h"
#include "error.h"
#include "secure.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_LEN 32
#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_EXPIRES 604800u /* seven days: the SigV4 limit for presigned requests */
#define MAX_PARAMS 10000u   /* headers or query parameters; far above any real request */

/* --- crypto: fetched once, shared read-only by every thread --- */

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;
static EVP_MAC *hmac_mac;

static void crypto_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static int crypto_ready(void)
{
	pthread_once(&crypto_once, crypto_fetch);
	if (!sha256_md || !hmac_mac)
		return pgiam_error_set(PGIAM_ERROR, "OpenSSL provides no SHA-256 or HMAC (check the OpenSSL configuration)");
	return 0;
}

static void hex_encode(char *out, const unsigned char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[SHA256_LEN];

	if (!EVP_Digest(data ? data : "", len, md, NULL, sha256_md, NULL))
		return pgiam_error_set(PGIAM_ERROR, "SHA-256 failed in OpenSSL");
	hex_encode(out, md, sizeof(md));
	return 0;
}

/* out = HMAC-SHA256(key, msg); ctx is reused across the chain of the signing key. */
static int hmac(unsigned char out[SHA256_LEN], EVP_MAC_CTX *ctx,
	const void *key, size_t keylen, const void *msg, size_t msglen)
{
	OSSL_PARAM params[2];
	size_t outlen = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, keylen, params) ||
	    !EVP_MAC_update(ctx, msg, msglen) ||
	    !EVP_MAC_final(ctx, out, &outlen, SHA256_LEN) || outlen != SHA256_LEN)
		return pgiam_error_set(PGIAM_ERROR, "HMAC-SHA256 failed in OpenSSL");
	return 0;
}

/* signature = hex(HMAC(kSigning, sts)), kSigning derived from the secret through the
 * date, region, service and "aws4_request". Every intermediate key is wiped. */
static int compute_signature(char out[65], const char *secret, const char *date,
	const char *region, const char *service, const pgiam_buf *sts)
{
	EVP_MAC_CTX *ctx = NULL;
	pgiam_buf k_secret = PGIAM_BUF_INIT;
	unsigned char key[SHA256_LEN], sig[SHA256_LEN];
	int error = 0;

	if (!(ctx = EVP_MAC_CTX_new(hmac_mac))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory (HMAC context)");
		goto cleanup;
	}
	if ((error = pgiam_buf_puts(&k_secret, "AWS4")) < 0 ||
	    (error = pgiam_buf_puts(&k_secret, secret)) < 0)
		goto cleanup;
	if ((error = hmac(key, ctx, k_secret.ptr, k_secret.len, date, strlen(date))) < 0 ||
	    (error = hmac(key, ctx, key, sizeof(key), region, strlen(region))) < 0 ||
	    (error = hmac(key, ctx, key, sizeof(key), service, strlen(service))) < 0 ||
	    (error = hmac(key, ctx, key, sizeof(key), "aws4_request", 12)) < 0 ||
	    (error = hmac(sig, ctx, key, sizeof(key), sts->ptr, sts->len)) < 0)
		goto cleanup;
	hex_encode(out, sig, sizeof(sig));

cleanup:
	pgiam_wipe(key, sizeof(key));
	pgiam_wipe(sig, sizeof(sig));
	pgiam_buf_dispose(&k_secret);
	EVP_MAC_CTX_free(ctx); /* cleanses the key it holds */
	return error;
}

/* --- encoding --- */

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '_' || c == '.' || c == '~';
}

int pgiam_sigv4_uri_encode(pgiam_buf *out, const char *s, size_t len, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	char esc[3] = { '%', 0, 0 };
	size_t run = 0;
	int error;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			run++;
			continue;
		}
		if (run && (error = pgiam_buf_put(out, s + i - run, run)) < 0)
			return error;
		run = 0;
		esc[1] = digits[c >> 4];
		esc[2] = digits[c & 0xf];
		if ((error = pgiam_buf_put(out, esc, 3)) < 0)
			return error;
	}
	if (run)
		return pgiam_buf_put(out, s + len - run, run);
	return 0;
}

/* Removes "." and ".." segments and empty segments (duplicate slashes), as the SDKs do
 * for every service but S3. The result starts with '/' and keeps a trailing slash. */
static int normalize_path(pgiam_buf *out, const char *path)
{
	size_t n = strlen(path), *starts = NULL, depth = 0, i = 0;
	const char *last = strrchr(path, '/');
	int error = 0, trailing;

	last = last ? last + 1 : path;
	trailing = !strcmp(last, "") || !strcmp(last, ".") || !strcmp(last, "..");
	/* starts[k]: length of the output before segment k, to drop it again on ".." */
	if (!(starts = calloc(n / 2 + 2, sizeof(*starts))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if ((error = pgiam_buf_putc(out, '/')) < 0)
		goto cleanup;
	while (i < n) {
		size_t j = i, seglen;

		while (j < n && path[j] != '/')
			j++;
		seglen = j - i;
		if (seglen == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (depth)
				out->len = starts[--depth];
			out->ptr[out->len] = '\0';
		} else if (seglen && !(seglen == 1 && path[i] == '.')) {
			starts[depth++] = out->len;
			if ((out->len > 1 && (error = pgiam_buf_putc(out, '/')) < 0) ||
			    (error = pgiam_buf_put(out, path + i, seglen)) < 0)
				goto cleanup;
		}
		i = j + 1;
	}
	if (trailing && out->len > 1)
		error = pgiam_buf_putc(out, '/');

cleanup:
	free(starts);
	return error;
}

/* --- headers and query --- */

typedef struct header {
	char *name;   /* lowercased */
	char *value;  /* trimmed, inner whitespace runs collapsed */
	size_t order; /* position given, so same-name values keep their order */
} header;

typedef struct qparam {
	char *name;   /* encoded */
	char *value;  /* encoded */
} qparam;

static int header_cmp(const void *a, const void *b)
{
	const header *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int qparam_cmp(const void *a, const void *b)
{
	const qparam *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

static int header_set(header *h, const char *name, const char *value, size_t order)
{
	pgiam_buf n = PGIAM_BUF_INIT, v = PGIAM_BUF_INIT;
	int error = 0, space = 0;

	if (!*name)
		return pgiam_error_set(PGIAM_EINVAL, "a header to sign has an empty name");
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c == ':' || c >= 0x7f) {
			error = pgiam_error_set(PGIAM_EINVAL, "a header name has a character not allowed in header names");
			goto cleanup;
		}
		if ((error = pgiam_buf_putc(&n, (char)pgiam_ascii_tolower(c))) < 0)
			goto cleanup;
	}
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			error = pgiam_error_set(PGIAM_EINVAL, "header %s has a line break in its value", n.ptr);
			goto cleanup;
		}
		if (*p == ' ' || *p == '\t') {
			space = v.len > 0;
			continue;
		}
		if ((space && (error = pgiam_buf_putc(&v, ' ')) < 0) ||
		    (error = pgiam_buf_putc(&v, *p)) < 0)
			goto cleanup;
		space = 0;
	}
	if (!(h->name = pgiam_buf_detach(&n)) || !(h->value = pgiam_buf_detach(&v))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	h->order = order;

cleanup:
	pgiam_buf_dispose(&n);
	pgiam_buf_dispose(&v);
	return error;
}

static int qparam_set(qparam *q, const char *name, const char *value)
{
	pgiam_buf n = PGIAM_BUF_INIT, v = PGIAM_BUF_INIT;
	int error;

	value = value ? value : "";
	if ((error = pgiam_sigv4_uri_encode(&n, name, strlen(name), 0)) < 0 ||
	    (error = pgiam_sigv4_uri_encode(&v, value, strlen(value), 0)) < 0)
		goto cleanup;
	if (!(q->name = pgiam_buf_detach(&n)) || !(q->value = pgiam_buf_detach(&v)))
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");

cleanup:
	pgiam_buf_dispose(&n);
	pgiam_buf_dispose(&v);
	return error;
}

/* --- the signing state shared by header signing and presigning --- */

typedef struct state {
	char amz_date[17];
	char date[9];
	const char *token;        /* creds token to send, or NULL */
	int token_signed;         /* the token is part of what was signed */
	pgiam_buf scope;          /* date/region/service/aws4_request */
	pgiam_buf signed_headers;
	pgiam_buf query;          /* canonical (sorted, encoded) query string */
	pgiam_buf creq;
	pgiam_buf sts;
} state;

#define STATE_INIT { {0}, {0}, NULL, 0, PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT, \
	PGIAM_BUF_INIT, PGIAM_BUF_INIT }

static void state_dispose(state *st)
{
	pgiam_buf_dispose(&st->scope);
	pgiam_buf_dispose(&st->signed_headers);
	pgiam_buf_dispose(&st->query);
	pgiam_buf_dispose(&st->creq);
	pgiam_buf_dispose(&st->sts);
}

static int is_name(const char *s, const char *lower)
{
	return !pgiam_ascii_casecmp(s, lower);
}

static int validate(const pgiam_sigv4_request *req, const pgiam_creds *creds,
	const pgiam_sigv4_options *opts, int presign)
{
	if (!req || !req->method || !*req->method || !req->host || !*req->host)
		return pgiam_error_set(PGIAM_EINVAL, "the request to sign needs a method and a host");
	if (!creds || !creds->access_key_id || !*creds->access_key_id ||
	    !creds->secret_access_key || !*creds->secret_access_key)
		return pgiam_error_set(PGIAM_EINVAL, "missing credentials: signing needs an access key id and a secret access key");
	if (strchr(creds->access_key_id, '/'))
		return pgiam_error_set(PGIAM_EINVAL, "the access key id contains '/', which no access key id does");
	if (!opts || !opts->region || !*opts->region || !opts->service || !*opts->service)
		return pgiam_error_set(PGIAM_EINVAL, "signing needs a region and a service name");
	if (strchr(opts->region, '/') || strchr(opts->service, '/'))
		return pgiam_error_set(PGIAM_EINVAL, "region and service name may not contain '/'");
	if ((req->header_count && !req->headers) || (req->query_count && !req->query))
		return pgiam_error_set(PGIAM_EINVAL, "the request has a header or parameter count but no array");
	/* bounded, so that count + the signer's own entries cannot wrap */
	if (req->header_count > MAX_PARAMS || req->query_count > MAX_PARAMS)
		return pgiam_error_set(PGIAM_EINVAL, "the request has more than %u headers or query parameters", MAX_PARAMS);
	if (req->payload_len && !req->payload)
		return pgiam_error_set(PGIAM_EINVAL, "the request has a payload length but no payload");
	if (presign && (opts->expires == 0 || opts->expires > MAX_EXPIRES))
		return pgiam_error_set(PGIAM_EINVAL, "presigned requests expire after 1 to %u seconds, not %u", MAX_EXPIRES, opts->expires);
	return 0;
}

static int build_headers(state *st, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts, int presign)
{
	header *hs = NULL;
	size_t n = 0, cap = req->header_count + 3;
	int error = 0, has_host = 0, has_token = 0;

	if (!(hs = calloc(cap, sizeof(*hs))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	for (size_t i = 0; i < req->header_count; i++) {
		const char *name = req->headers[i].name ? req->headers[i].name : "";

		if (is_name(name, "x-amz-date") && !presign) {
			error = pgiam_error_set(PGIAM_EINVAL, "X-Amz-Date is set by the signer, not the caller");
			goto cleanup;
		}
		has_host |= is_name(name, "host");
		has_token |= is_name(name, "x-amz-security-token");
		if ((error = header_set(&hs[n], name, req->headers[i].value, n)) < 0)
			goto cleanup;
		n++;
	}
	if (!has_host && (error = header_set(&hs[n], "host", req->host, n)) < 0)
		goto cleanup;
	n += !has_host;
	if (!presign && (error = header_set(&hs[n], "x-amz-date", st->amz_date, n)) < 0)
		goto cleanup;
	n += !presign;
	/* A token the caller already put in the headers is signed as given (the suite's
	 * post-sts-header-before); otherwise it is a header (header signing) or a query
	 * parameter (presigning), signed unless the options say to add it afterwards. */
	st->token = has_token ? NULL : creds->session_token;
	if (st->token && !*st->token)
		st->token = NULL;
	st->token_signed = st->token && !opts->omit_session_token;
	if (!presign && st->token_signed &&
	    (error = header_set(&hs[n], "x-amz-security-token", st->token, n)) < 0)
		goto cleanup;
	n += !presign && st->token_signed;

	qsort(hs, n, sizeof(*hs), header_cmp);
	for (size_t i = 0; i < n; i++) {
		int same = i > 0 && !strcmp(hs[i].name, hs[i - 1].name);

		if (same) {
			if ((error = pgiam_buf_putc(&st->creq, ',')) < 0)
				goto cleanup;
		} else {
			if ((i > 0 && (error = pgiam_buf_putc(&st->creq, '\n')) < 0) ||
			    (error = pgiam_buf_printf(&st->creq, "%s:", hs[i].name)) < 0 ||
			    (st->signed_headers.len && (error = pgiam_buf_putc(&st->signed_headers, ';')) < 0) ||
			    (error = pgiam_buf_puts(&st->signed_headers, hs[i].name)) < 0)
				goto cleanup;
		}
		if ((error = pgiam_buf_puts(&st->creq, hs[i].value)) < 0)
			goto cleanup;
	}
	error = pgiam_buf_puts(&st->creq, "\n\n");
	if (!error)
		error = pgiam_buf_printf(&st->creq, "%s\n", st->signed_headers.ptr);

cleanup:
	for (size_t i = 0; i < cap; i++) {
		free(hs[i].name);
		pgiam_free_secret(hs[i].value);
	}
	free(hs);
	return error;
}

static int build_query(state *st, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts, int presign)
{
	qparam *qs = NULL;
	size_t n = 0, cap = req->query_count + 6;
	pgiam_buf credential = PGIAM_BUF_INIT;
	char expires[16];
	int error = 0;

	if (!(qs = calloc(cap, sizeof(*qs))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	for (size_t i = 0; i < req->query_count; i++) {
		if (!req->query[i].name) {
			error = pgiam_error_set(PGIAM_EINVAL, "a query parameter to sign has no name");
			goto cleanup;
		}
		if ((error = qparam_set(&qs[n++], req->query[i].name, req->query[i].value)) < 0)
			goto cleanup;
	}
	if (presign) {
		snprintf(expires, sizeof(expires), "%u", opts->expires);
		if ((error = pgiam_buf_printf(&credential, "%s/%s", creds->access_key_id, st->scope.ptr)) < 0 ||
		    (error = qparam_set(&qs[n++], "X-Amz-Algorithm", ALGORITHM)) < 0 ||
		    (error = qparam_set(&qs[n++], "X-Amz-Credential", credential.ptr)) < 0 ||
		    (error = qparam_set(&qs[n++], "X-Amz-Date", st->amz_date)) < 0 ||
		    (error = qparam_set(&qs[n++], "X-Amz-Expires", expires)) < 0 ||
		    (error = qparam_set(&qs[n++], "X-Amz-SignedHeaders", st->signed_headers.ptr)) < 0)
			goto cleanup;
		if (st->token_signed && (error = qparam_set(&qs[n++], "X-Amz-Security-Token", st->token)) < 0)
			goto cleanup;
	}
	qsort(qs, n, sizeof(*qs), qparam_cmp);
	for (size_t i = 0; i < n; i++)
		if ((error = pgiam_buf_printf(&st->query, "%s%s=%s", i ? "&" : "", qs[i].name, qs[i].value)) < 0)
			goto cleanup;
	if (!st->query.ptr)
		error = pgiam_buf_puts(&st->query, "");

cleanup:
	for (size_t i = 0; i < cap; i++) {
		free(qs[i].name);
		pgiam_free_secret(qs[i].value);
	}
	free(qs);
	pgiam_buf_dispose(&credential);
	return error;
}

/* Builds everything up to the string to sign. The canonical request is assembled as
 * method, path, query, then the headers part (built first because presigning needs the
 * signed-header list inside the query). */
static int prepare(state *st, const pgiam_sigv4_request *req, const pgiam_creds *creds,
	const pgiam_sigv4_options *opts, int presign)
{
	pgiam_buf headers_part = PGIAM_BUF_INIT, path = PGIAM_BUF_INIT, encoded = PGIAM_BUF_INIT;
	const char *raw_path = req && req->path && *req->path ? req->path : "/";
	char payload_hash[65], creq_hash[65];
	struct tm tm;
	int error;

	if ((error = validate(req, creds, opts, presign)) < 0 || (error = crypto_ready()) < 0)
		return error;
	if (!gmtime_r(&opts->time, &tm) || tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 9999)
		return pgiam_error_set(PGIAM_EINVAL, "the signing time is outside the years 1970..9999");
	strftime(st->amz_date, sizeof(st->amz_date), "%Y%m%dT%H%M%SZ", &tm);
	memcpy(st->date, st->amz_date, 8);
	st->date[8] = '\0';
	if ((error = pgiam_buf_printf(&st->scope, "%s/%s/%s/aws4_request", st->date, opts->region, opts->service)) < 0)
		goto cleanup;

	/* headers first, into creq, then moved behind method/path/query */
	if ((error = build_headers(st, req, creds, opts, presign)) < 0 ||
	    (error = build_query(st, req, creds, opts, presign)) < 0)
		goto cleanup;
	headers_part = st->creq;
	memset(&st->creq, 0, sizeof(st->creq));

	if (opts->normalize_path) {
		if ((error = normalize_path(&path, raw_path)) < 0)
			goto cleanup;
	} else if ((error = pgiam_buf_puts(&path, raw_path)) < 0) {
		goto cleanup;
	}
	if (opts->double_encode_path) {
		if ((error = pgiam_sigv4_uri_encode(&encoded, path.ptr, path.len, 1)) < 0)
			goto cleanup;
	} else if ((error = pgiam_buf_put(&encoded, path.ptr, path.len)) < 0) {
		goto cleanup;
	}
	if ((error = sha256_hex(payload_hash, req->payload, req->payload_len)) < 0 ||
	    (error = pgiam_buf_printf(&st->creq, "%s\n%s\n%s\n", req->method, encoded.ptr, st->query.ptr)) < 0 ||
	    (error = pgiam_buf_put(&st->creq, headers_part.ptr, headers_part.len)) < 0 ||
	    (error = pgiam_buf_puts(&st->creq, payload_hash)) < 0 ||
	    (error = sha256_hex(creq_hash, st->creq.ptr, st->creq.len)) < 0 ||
	    (error = pgiam_buf_printf(&st->sts, ALGORITHM "\n%s\n%s\n%s", st->amz_date, st->scope.ptr, creq_hash)) < 0)
		goto cleanup;

cleanup:
	pgiam_buf_dispose(&headers_part);
	pgiam_buf_dispose(&path);
	pgiam_buf_dispose(&encoded);
	return error;
}

int pgiam_sigv4_canonical(pgiam_buf *canonical_request, pgiam_buf *string_to_sign,
	const pgiam_sigv4_request *req, const pgiam_creds *creds,
	const pgiam_sigv4_options *opts, int presign)
{
	state st = STATE_INIT;
	int error;

	if ((error = prepare(&st, req, creds, opts, presign)) < 0)
		goto cleanup;
	if ((canonical_request && (error = pgiam_buf_put(canonical_request, st.creq.ptr, st.creq.len)) < 0) ||
	    (string_to_sign && (error = pgiam_buf_put(string_to_sign, st.sts.ptr, st.sts.len)) < 0))
		goto cleanup;

cleanup:
	state_dispose(&st);
	return error;
}

int pgiam_sigv4_sign_headers(pgiam_sigv4_signed *out, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts)
{
	state st = STATE_INIT;
	pgiam_sigv4_signed result = PGIAM_SIGV4_SIGNED_INIT;
	pgiam_buf auth = PGIAM_BUF_INIT;
	int error;

	if ((error = prepare(&st, req, creds, opts, 0)) < 0 ||
	    (error = compute_signature(result.signature, creds->secret_access_key, st.date,
		opts->region, opts->service, &st.sts)) < 0)
		goto cleanup;
	memcpy(result.amz_date, st.amz_date, sizeof(result.amz_date));
	if ((error = pgiam_buf_printf(&auth, ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		creds->access_key_id, st.scope.ptr, st.signed_headers.ptr, result.signature)) < 0)
		goto cleanup;
	if (!(result.authorization = pgiam_buf_detach(&auth)) ||
	    (st.token && !(result.security_token = pgiam_strdup(st.token)))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	pgiam_sigv4_signed_dispose(out);
	*out = result;
	memset(&result, 0, sizeof(result));

cleanup:
	pgiam_sigv4_signed_dispose(&result);
	pgiam_buf_dispose(&auth);
	state_dispose(&st);
	return error;
}

void pgiam_sigv4_signed_dispose(pgiam_sigv4_signed *s)
{
	if (!s)
		return;
	/* replayable for the signed request until it expires: wiped like a token */
	pgiam_free_secret(s->authorization);
	pgiam_free_secret(s->security_token);
	memset(s, 0, sizeof(*s));
}

int pgiam_sigv4_presign(char **out, const pgiam_sigv4_request *req,
	const pgiam_creds *creds, const pgiam_sigv4_options *opts)
{
	state st = STATE_INIT;
	pgiam_buf query = PGIAM_BUF_INIT;
	char signature[65];
	int error;

	if (!out)
		return pgiam_error_set(PGIAM_EINVAL, "no place for the presigned query");
	*out = NULL;
	if ((error = prepare(&st, req, creds, opts, 1)) < 0 ||
	    (error = compute_signature(signature, creds->secret_access_key, st.date,
		opts->region, opts->service, &st.sts)) < 0 ||
	    (error = pgiam_buf_put(&query, st.query.ptr, st.query.len)) < 0)
		goto cleanup;
	if (st.token && !st.token_signed &&
	    ((error = pgiam_buf_puts(&query, "&X-Amz-Security-Token=")) < 0 ||
	     (error = pgiam_sigv4_uri_encode(&query, st.token, strlen(st.token), 0)) < 0))
		goto cleanup;
	if ((error = pgiam_buf_printf(&query, "&X-Amz-Signature=%s", signature)) < 0)
		goto cleanup;
	if (!(*out = pgiam_buf_detach(&query)))
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");

cleanup:
	/* the signature is the part of a presigned URL that makes it usable */
	pgiam_wipe(signature, sizeof(signature));
	pgiam_buf_dispose(&query);
	state_dispose(&st);
	return error;
}
