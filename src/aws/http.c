/* http.c - blocking HTTP requests over libcurl's easy API, with AWS-style timeouts,
 * a cancel flag and one-line network error messages. */
#include "http.h"

#include "ascii.h"
#include "error.h"
#include "loopback.h"
#include "secure.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void global_init_once(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int pgiam_http_global_init(void)
{
	pthread_once(&global_once, global_init_once);
	if (global_rc != CURLE_OK)
		return pgiam_error_set(PGIAM_ERROR, "cannot initialise libcurl: %s",
			curl_easy_strerror(global_rc));
	return 0;
}

typedef struct http_ctx {
	pgiam_http_response *resp;
	const pgiam_cancel *cancel;
	int too_big;
} http_ctx;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	http_ctx *ctx = userdata;
	size_t n = size * nmemb;

	if (ctx->resp->body.len + n > PGIAM_HTTP_MAX_BODY) {
		ctx->too_big = 1;
		return 0;
	}
	if (pgiam_buf_put(&ctx->resp->body, data, n) < 0)
		return 0;
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	http_ctx *ctx = userdata;
	size_t n = size * nmemb;
	char line[256];
	size_t len = n < sizeof(line) - 1 ? n : sizeof(line) - 1;

	/* A new status line (redirect, 100-continue) starts a new header block. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		ctx->resp->date = 0;
	if (n > 5 && pgiam_ascii_ncasecmp(data, "Date:", 5) == 0) {
		memcpy(line, data + 5, len - 5);
		line[len - 5] = '\0';
		time_t t = curl_getdate(line, NULL);
		if (t > 0)
			ctx->resp->date = t;
	}
	return n;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
	curl_off_t ultotal, curl_off_t ulnow)
{
	http_ctx *ctx = userdata;

	(void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
	return pgiam_cancel_requested(ctx->cancel) ? 1 : 0;
}

int pgiam_http_url_host(char *out, size_t outlen, const char *url)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int error = 0;

	if (outlen)
		out[0] = '\0';
	if (!url || !(u = curl_url())) {
		error = pgiam_error_set(PGIAM_EINVAL, "no URL given");
		goto cleanup;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https")) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
		error = pgiam_error_set(PGIAM_EINVAL,
			"'%s' is not an http:// or https:// URL with a host", url);
		goto cleanup;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	if ((size_t)snprintf(out, outlen, "%s%s%s", host, port ? ":" : "", port ? port : "") >= outlen) {
		error = pgiam_error_set(PGIAM_EINVAL, "the host in '%s' is too long", url);
		goto cleanup;
	}

cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return error;
}

int pgiam_http_url_is_loopback(const char *url)
{
	CURLU *u = NULL;
	char *host = NULL;
	int loop = 0;

	if (!url || !(u = curl_url()))
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		loop = pgiam_host_is_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	return loop;
}

static int map_curl_error(CURLcode rc, const char *host, const char *detail, long timeout_ms)
{
	const char *d = detail && *detail ? detail : curl_easy_strerror(rc);

	/* libcurl's enum has ~100 codes that all mean "the request failed": a default is
	 * the point here, unlike in switches over pgiam's own enums */
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return pgiam_error_set(PGIAM_ECANCELLED, "request to %s cancelled", host);
	case CURLE_COULDNT_RESOLVE_HOST:
		return pgiam_error_set(PGIAM_ENET,
			"cannot resolve %s: check the endpoint name and your DNS (%s)", host, d);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return pgiam_error_set(PGIAM_ENET, "cannot resolve the proxy for %s (%s)", host, d);
	case CURLE_COULDNT_CONNECT:
		return pgiam_error_set(PGIAM_ENET,
			"cannot connect to %s: check the endpoint, port and network path (%s)", host, d);
	case CURLE_OPERATION_TIMEDOUT:
		return pgiam_error_set(PGIAM_ENET, "no answer from %s within %ld s (%s)",
			host, (timeout_ms + 999) / 1000, d);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return pgiam_error_set(PGIAM_ENET,
			"TLS with %s failed: check the CA bundle (AWS_CA_BUNDLE) and the host name (%s)",
			host, d);
	case CURLE_WRITE_ERROR:
		return pgiam_error_set(PGIAM_ENET, "the answer from %s was too large or unreadable", host);
	default:
		return pgiam_error_set(PGIAM_ENET, "request to %s failed: %s", host, d);
	}
}

/* The request's headers as a libcurl list (values can be session tokens: each copy is
 * wiped), plus an empty "Expect:": libcurl would add 100-continue to larger POSTs. */
static int build_headers(struct curl_slist **out, const pgiam_http_request *req)
{
	struct curl_slist *hdrs = NULL, *tmp = NULL;
	char *line = NULL;

	for (size_t i = 0; i < req->header_count; i++) {
		size_t n = strlen(req->headers[i].name) + strlen(req->headers[i].value) + 3;
		if (!(line = malloc(n)))
			goto oom;
		snprintf(line, n, "%s: %s", req->headers[i].name, req->headers[i].value);
		tmp = curl_slist_append(hdrs, line);
		/* a memset before free() may be optimised away */
		pgiam_wipe(line, n);
		free(line);
		if (!tmp)
			goto oom;
		hdrs = tmp;
	}
	if (!(tmp = curl_slist_append(hdrs, "Expect:")))
		goto oom;
	*out = tmp;
	return 0;
oom:
	*out = hdrs;  /* the caller wipes and frees what was built */
	return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
}

static void set_options(CURL *curl, const pgiam_http_request *req, http_ctx *ctx,
	struct curl_slist *hdrs, char *errbuf, long connect_ms, long total_ms)
{
	const char *ca = req->ca_bundle ? req->ca_bundle : getenv("AWS_CA_BUNDLE");

	curl_easy_setopt(curl, CURLOPT_URL, req->url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, ctx);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, ctx);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, ctx);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "pgiam/" PGIAM_VERSION);
	if (req->no_proxy)
		curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	if (ca && *ca)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	if (req->body || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0)
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
}

int pgiam_http_perform(pgiam_http_response *out, const pgiam_http_request *req)
{
	CURL *curl = NULL;
	struct curl_slist *hdrs = NULL, *tmp = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char host[512] = "";
	http_ctx ctx = { out, req->cancel, 0 };
	long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : PGIAM_HTTP_CONNECT_TIMEOUT_MS;
	long total_ms = req->timeout_ms > 0 ? req->timeout_ms : PGIAM_HTTP_TIMEOUT_MS;
	CURLcode rc;
	int error = 0;

	out->status = 0;
	out->date = 0;
	if ((error = pgiam_http_global_init()) < 0 ||
	    (error = pgiam_http_url_host(host, sizeof(host), req->url)) < 0)
		goto cleanup;
	if (pgiam_cancel_requested(req->cancel)) {
		error = pgiam_error_set(PGIAM_ECANCELLED, "request to %s cancelled", host);
		goto cleanup;
	}
	if (!(curl = curl_easy_init())) {
		error = pgiam_error_set(PGIAM_ENOMEM, "cannot create a libcurl handle");
		goto cleanup;
	}
	if ((error = build_headers(&hdrs, req)) < 0)
		goto cleanup;
	set_options(curl, req, &ctx, hdrs, errbuf, connect_ms, total_ms);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		if (ctx.too_big)
			error = pgiam_error_set(PGIAM_ENET, "the answer from %s is larger than %d bytes",
				host, PGIAM_HTTP_MAX_BODY);
		else
			error = map_curl_error(rc, host, errbuf, rc == CURLE_OPERATION_TIMEDOUT ? total_ms : 0);
		goto cleanup;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);

cleanup:
	if (error < 0)
		pgiam_buf_clear(&out->body);
	for (tmp = hdrs; tmp; tmp = tmp->next)
		pgiam_wipe(tmp->data, strlen(tmp->data));
	curl_slist_free_all(hdrs);
	if (curl)
		curl_easy_cleanup(curl);
	return error;
}

int pgiam_http_error_prefix(int code, const char *prefix)
{
	char prev[1024];

	snprintf(prev, sizeof(prev), "%s", pgiam_error_last());
	return pgiam_error_set(code, "%s: %s", prefix, prev);
}

void pgiam_http_response_dispose(pgiam_http_response *resp)
{
	if (!resp)
		return;
	pgiam_buf_dispose(&resp->body);
	resp->status = 0;
	resp->date = 0;
}

int pgiam_http_escape(char **out, const char *s)
{
	char *e = NULL;

	*out = NULL;
	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	*out = pgiam_strdup(e);
	curl_free(e);
	return *out ? 0 : pgiam_error_set(PGIAM_ENOMEM, "out of memory");
}
