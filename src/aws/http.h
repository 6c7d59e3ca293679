/* http.h - a small libcurl wrapper for the AWS endpoints pgiam talks to (STS, EC2
 * instance metadata, container credentials).
 *
 * One blocking request per call (the TUI calls it from a worker thread). Network
 * failures become one-line PGIAM_ENET messages naming the host; a set cancel flag
 * aborts the transfer with PGIAM_ECANCELLED. The response body may hold secrets
 * (credentials), so it lives in a pgiam_buf that is wiped on dispose.
 */
#ifndef PGIAM_HTTP_H
#define PGIAM_HTTP_H

#include "cancel.h"

#include "buf.h"

#include <stddef.h>
#include <time.h>

#define PGIAM_HTTP_CONNECT_TIMEOUT_MS 5000
#define PGIAM_HTTP_TIMEOUT_MS 20000
#define PGIAM_HTTP_MAX_BODY (1024 * 1024)

typedef struct pgiam_http_header {
	const char *name;
	const char *value;
} pgiam_http_header;

typedef struct pgiam_http_request {
	const char *method;               /* "GET", "PUT", "POST" */
	const char *url;
	const pgiam_http_header *headers;
	size_t header_count;
	const void *body;                 /* NULL with body_len 0 for none */
	size_t body_len;
	long connect_timeout_ms;          /* 0: PGIAM_HTTP_CONNECT_TIMEOUT_MS */
	long timeout_ms;                  /* 0: PGIAM_HTTP_TIMEOUT_MS */
	const char *ca_bundle;            /* NULL: $AWS_CA_BUNDLE, else the system store */
	int no_proxy;                     /* 1: never use a proxy (metadata endpoints) */
	const pgiam_cancel *cancel;       /* non-zero aborts the transfer; may be NULL */
} pgiam_http_request;

#define PGIAM_HTTP_REQUEST_INIT { "GET", NULL, NULL, 0, NULL, 0, 0, 0, NULL, 0, NULL }

typedef struct pgiam_http_response {
	long status;       /* HTTP status code */
	time_t date;       /* the Date header as UTC seconds, 0 when absent */
	pgiam_buf body;
} pgiam_http_response;

#define PGIAM_HTTP_RESPONSE_INIT { 0, 0, PGIAM_BUF_INIT }

/* Initialises libcurl once per process (thread-safe; later calls are no-ops). */
int pgiam_http_global_init(void);

/* Performs req. Returns 0 when an HTTP response arrived (whatever its status), else
 * PGIAM_ENET (DNS, connect, TLS, timeout; message names the host), PGIAM_ECANCELLED,
 * PGIAM_EINVAL (bad URL) or PGIAM_ENOMEM. *out must be empty or disposed. */
int pgiam_http_perform(pgiam_http_response *out, const pgiam_http_request *req);

void pgiam_http_response_dispose(pgiam_http_response *resp);

/* Re-sets the thread's last error as "PREFIX: <last error>" with code; returns code.
 * (The last error cannot be passed to pgiam_error_set() directly: it is the buffer
 * being written.) */
int pgiam_http_error_prefix(int code, const char *prefix);

/* s percent-encoded for a URL query (libcurl's rules) into *out (free()). */
int pgiam_http_escape(char **out, const char *s);

/* The host[:port] part of an http(s) URL, for messages and the SigV4 Host header.
 * Copies into out; fails with PGIAM_EINVAL for a URL that is not http(s)://host... */
int pgiam_http_url_host(char *out, size_t outlen, const char *url);

/* 1 when the host of url is a loopback address (127.0.0.0/8, ::1, localhost). */
int pgiam_http_url_is_loopback(const char *url);

#endif
