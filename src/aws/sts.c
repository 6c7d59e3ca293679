/* sts.c - AssumeRole and GetCallerIdentity over the STS Query protocol: form-encoded
 * POST, SigV4 header signing, XML answers, retries for throttling and 5xx. */
#include "sts.h"

#include "ascii.h"
#include "error.h"
#include "http.h"
#include "secure.h"
#include "sigv4.h"

#include <stdarg.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
	/* libxml2 wants one initialisation before threads use it. */
	xmlInitParser();
}

/* ---- endpoint ---- */

int pgiam_sts_endpoint(char **out, const char *region, const char *override)
{
	const char *url = override;
	const char *origin = "the profile's sts_endpoint";
	char buf[256];
	char host[512];
	int error = 0;

	*out = NULL;
	if (!url || !*url) {
		url = getenv("AWS_ENDPOINT_URL_STS");
		origin = "AWS_ENDPOINT_URL_STS";
	}
	if (!url || !*url) {
		url = getenv("AWS_ENDPOINT_URL");
		origin = "AWS_ENDPOINT_URL";
	}
	if (!url || !*url) {
		if (!region || !*region)
			return pgiam_error_set(PGIAM_EINVAL,
				"no region for STS: set region in the profile (or sts_endpoint)");
		for (const char *p = region; *p; p++)
			if (!(pgiam_ascii_islower((unsigned char)*p) ||
			      pgiam_ascii_isdigit((unsigned char)*p) || *p == '-'))
				return pgiam_error_set(PGIAM_EINVAL,
					"region '%s' is not a region name like ap-northeast-1", region);
		snprintf(buf, sizeof(buf), "https://sts.%s.amazonaws.com%s", region,
			strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
		url = buf;
		origin = "the default STS endpoint";
	}
	if ((error = pgiam_http_url_host(host, sizeof(host), url)) < 0)
		return pgiam_error_set(PGIAM_EINVAL, "%s '%s' is not an http(s) URL", origin, url);
	if (pgiam_ascii_ncasecmp(url, "https://", 8) != 0 &&
	    !(pgiam_ascii_ncasecmp(url, "http://", 7) == 0 && pgiam_http_url_is_loopback(url)))
		return pgiam_error_set(PGIAM_EINVAL,
			"%s '%s' must use https (plain http is allowed only to a loopback address)",
			origin, url);
	if (!(*out = pgiam_strdup(url)))
		return PGIAM_ENOMEM;
	return 0;
}

/* ---- form encoding and time ---- */

int pgiam_sts_form_encode(pgiam_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && !error; p++) {
		if (pgiam_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			error = pgiam_buf_putc(out, (char)*p);
		else if (*p == ' ')
			error = pgiam_buf_putc(out, '+');
		else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			error = pgiam_buf_put(out, esc, 3);
		}
	}
	return error;
}

int pgiam_sts_parse_time(time_t *out, const char *s)
{
	struct tm tm;
	const char *p = NULL;
	long offset = 0;

	*out = 0;
	memset(&tm, 0, sizeof(tm));
	if (!s || !(p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		goto bad;
	if (*p == '.') {
		p++;
		if (!pgiam_ascii_isdigit((unsigned char)*p))
			goto bad;
		while (pgiam_ascii_isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		if (!pgiam_ascii_isdigit((unsigned char)p[1]) || !pgiam_ascii_isdigit((unsigned char)p[2]))
			goto bad;
		offset = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L;
		p += 3;
		if (*p == ':')
			p++;
		if (pgiam_ascii_isdigit((unsigned char)p[0]) && pgiam_ascii_isdigit((unsigned char)p[1])) {
			offset += ((p[0] - '0') * 10 + (p[1] - '0')) * 60L;
			if (p[0] > '5')
				goto bad;  /* minutes 00-59 */
			p += 2;
		}
		if (offset >= 24 * 3600L)
			goto bad;  /* an offset is less than a day (+99:99 is no time zone) */
		offset *= sign;
	} else
		goto bad;
	if (*p)
		goto bad;
	*out = timegm(&tm) - offset;
	return 0;
bad:
	return pgiam_error_set(PGIAM_EINVAL, "'%.64s' is not an ISO 8601 UTC time", s ? s : "");
}

/* ---- XML ---- */

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The text of root/a/b/c... (NULL-terminated path); a malloc'd copy or NULL. */
static char *text_at(xmlNodePtr n, ...)
{
	va_list ap;
	const char *name;
	xmlChar *t = NULL;
	char *copy = NULL;

	va_start(ap, n);
	while (n && (name = va_arg(ap, const char *)))
		n = child(n, name);
	va_end(ap);
	if (!n || !(t = xmlNodeGetContent(n)))
		return NULL;
	copy = strdup((const char *)t);
	pgiam_wipe(t, strlen((const char *)t));
	xmlFree(t);
	return copy;
}

static xmlDocPtr parse_xml(const char *xml, size_t len, const char *root_name)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root = NULL;

	pthread_once(&xml_once, xml_init_once);
	if (!xml || !len || len > (size_t)PGIAM_HTTP_MAX_BODY)
		return NULL;
	doc = xmlReadMemory(xml, (int)len, "sts.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, root_name) != 0) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* Wipes the text under n (the Credentials element) in the parsed tree before it is
 * freed: libxml2 keeps its own copy of the secret key and session token there. Text
 * held in the document's dictionary is shared and left alone (none is, without
 * XML_PARSE_COMPACT or a dictionary for text). */
static void wipe_text(xmlDocPtr doc, xmlNodePtr n)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
		int shared = c->content == (xmlChar *)&c->properties ||
			(doc->dict && xmlDictOwns(doc->dict, c->content) == 1);
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content && !shared)
			pgiam_wipe(c->content, strlen((const char *)c->content));
		else if (c->type == XML_ELEMENT_NODE)
			wipe_text(doc, c);
	}
}

static void snippet(char *out, size_t outlen, const char *body, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < len && j + 1 < outlen && i < 60; i++)
		out[j++] = body[i] >= 0x20 && body[i] < 0x7f ? body[i] : ' ';
	out[j] = '\0';
}

/* AssumeRole and AssumeRoleWithWebIdentity answer alike: action names the document. */
static int parse_assumed(pgiam_sts_assumed *out, const char *xml, size_t len,
	const char *action)
{
	char root[64], result[64];
	xmlDocPtr doc = NULL;
	xmlNodePtr res = NULL;
	char *akid = NULL, *secret = NULL, *token = NULL, *exp = NULL, *arn = NULL, *id = NULL;
	char *source = NULL;
	time_t expiration = 0;
	char snip[64];
	int error = 0;

	snprintf(root, sizeof(root), "%sResponse", action);
	snprintf(result, sizeof(result), "%sResult", action);
	if (!(doc = parse_xml(xml, len, root))) {
		snippet(snip, sizeof(snip), xml, len);
		error = pgiam_error_set(PGIAM_ESERVER,
			"STS answered %s with something that is not an %s XML document: '%s'",
			action, root, snip);
		goto cleanup;
	}
	res = child(xmlDocGetRootElement(doc), result);
	akid = text_at(res, "Credentials", "AccessKeyId", (const char *)NULL);
	secret = text_at(res, "Credentials", "SecretAccessKey", (const char *)NULL);
	token = text_at(res, "Credentials", "SessionToken", (const char *)NULL);
	exp = text_at(res, "Credentials", "Expiration", (const char *)NULL);
	arn = text_at(res, "AssumedRoleUser", "Arn", (const char *)NULL);
	id = text_at(res, "AssumedRoleUser", "AssumedRoleId", (const char *)NULL);
	if (!akid || !*akid || !secret || !*secret || !token || !*token || !exp || !arn) {
		error = pgiam_error_set(PGIAM_ESERVER,
			"STS's %s answer lacks credentials, their expiration or the assumed role", action);
		goto cleanup;
	}
	if (pgiam_sts_parse_time(&expiration, exp) < 0) {
		error = pgiam_error_set(PGIAM_ESERVER,
			"STS's %s answer has an unreadable Expiration '%.40s'", action, exp);
		goto cleanup;
	}
	if (!(source = malloc(strlen(arn) + 16))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	sprintf(source, "assumed role %s", arn);
	if ((error = pgiam_creds_set(&out->creds, akid, secret, token, expiration, source)) < 0)
		goto cleanup;
	free(out->assumed_arn);
	free(out->assumed_role_id);
	out->assumed_arn = arn;
	out->assumed_role_id = id;
	arn = id = NULL;
	free(out->subject);
	out->subject = text_at(res, "SubjectFromWebIdentityToken", (const char *)NULL);

cleanup:
	free(akid);
	pgiam_free_secret(secret);
	pgiam_free_secret(token);
	free(exp);
	free(arn);
	free(id);
	free(source);
	if (doc) {
		wipe_text(doc, child(res, "Credentials"));
		xmlFreeDoc(doc);
	}
	return error;
}

int pgiam_sts_parse_assume_role(pgiam_sts_assumed *out, const char *xml, size_t len)
{
	return parse_assumed(out, xml, len, "AssumeRole");
}

int pgiam_sts_parse_web_identity(pgiam_sts_assumed *out, const char *xml, size_t len)
{
	return parse_assumed(out, xml, len, "AssumeRoleWithWebIdentity");
}

int pgiam_sts_parse_caller_identity(pgiam_sts_identity *out, const char *xml, size_t len)
{
	xmlDocPtr doc = parse_xml(xml, len, "GetCallerIdentityResponse");
	xmlNodePtr res = NULL;
	char snip[64];
	int error = 0;

	if (!doc) {
		snippet(snip, sizeof(snip), xml, len);
		return pgiam_error_set(PGIAM_ESERVER,
			"STS answered GetCallerIdentity with something that is not a GetCallerIdentityResponse XML document: '%s'",
			snip);
	}
	res = child(xmlDocGetRootElement(doc), "GetCallerIdentityResult");
	pgiam_sts_identity_dispose(out);
	out->arn = text_at(res, "Arn", (const char *)NULL);
	out->account = text_at(res, "Account", (const char *)NULL);
	out->user_id = text_at(res, "UserId", (const char *)NULL);
	if (!out->arn || !*out->arn) {
		pgiam_sts_identity_dispose(out);
		error = pgiam_error_set(PGIAM_ESERVER, "STS's GetCallerIdentity answer has no Arn");
	}
	xmlFreeDoc(doc);
	return error;
}

/* AWS's SignatureDoesNotMatch message goes on, after a blank line, with "The
 * Canonical String for this request should have been" and the canonical request,
 * whose signed x-amz-security-token header is the caller's session token. Only the
 * first sentence block is kept, and nothing from a canonical request in any case. */
static void trim_message(char *msg)
{
	static const char *const cuts[] = { "\n\n", "\r\n\r\n", "The Canonical String",
		"x-amz-security-token", "X-Amz-Security-Token", "The String-to-Sign" };
	size_t n = strlen(msg);

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		const char *at = strstr(msg, cuts[i]);
		if (at && (size_t)(at - msg) < n)
			n = (size_t)(at - msg);
	}
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		n--;
	msg[n] = '\0';
}

static void copy_text(char *dst, size_t dstlen, xmlNodePtr n, const char *name)
{
	char *t = text_at(n, name, (const char *)NULL);

	snprintf(dst, dstlen, "%s", t ? t : "");
	trim_message(dst);
	/* the message goes into one-line errors */
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	free(t);
}

int pgiam_sts_parse_error(pgiam_sts_error *out, const char *xml, size_t len)
{
	xmlDocPtr doc = parse_xml(xml, len, "ErrorResponse");
	xmlNodePtr err = NULL;

	memset(out, 0, sizeof(*out));
	if (!doc)
		return PGIAM_EINVAL;
	err = child(xmlDocGetRootElement(doc), "Error");
	copy_text(out->type, sizeof(out->type), err, "Type");
	copy_text(out->code, sizeof(out->code), err, "Code");
	copy_text(out->message, sizeof(out->message), err, "Message");
	xmlFreeDoc(doc);
	return out->code[0] ? 0 : PGIAM_EINVAL;
}

int pgiam_sts_is_throttle(const char *code)
{
	return strcmp(code, "Throttling") == 0 || strcmp(code, "ThrottlingException") == 0 ||
		strcmp(code, "RequestLimitExceeded") == 0 || strcmp(code, "TooManyRequestsException") == 0;
}

static void format_utc(char *out, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int pgiam_sts_report_error(const pgiam_sts_error *err, const char *action, long status,
	time_t server_date, time_t local_now, const char *source, int attempts)
{
	const char *code = err->code;
	const char *src = source && *source ? source : "the source credentials";

	/* say only what was sent: the action names an external ID when one went out */
	if (strcmp(code, "AccessDenied") == 0 && strstr(action, "WithWebIdentity"))
		return pgiam_error_set(PGIAM_EDENIED,
			"STS denied %s: the role's trust policy does not trust this web identity (its "
			"issuer, audience or subject) (%s: %s)", action, code, err->message);
	/* the code, not the trust policy: said first, in AWS's words */
	if (strcmp(code, "AccessDenied") == 0 && strstr(err->message, "MultiFactorAuthentication"))
		return pgiam_error_set(PGIAM_EDENIED, "STS refused the MFA code: %s: %s (%s; a code "
			"is good for 30 s: enter the one the device shows now)", code, err->message,
			action);
	if (strcmp(code, "AccessDenied") == 0 && strstr(action, " with an external ID"))
		return pgiam_error_set(PGIAM_EDENIED,
			"STS denied %s: the role's trust policy does not allow this principal with this external ID "
			"(check role_arn, external_id and the role's trust policy) (%s: %s)",
			action, code, err->message);
	if (strcmp(code, "AccessDenied") == 0)
		return pgiam_error_set(PGIAM_EDENIED,
			"STS denied %s: the role's trust policy does not allow this principal; no external "
			"ID was sent (if the trust policy requires sts:ExternalId, set external_id) "
			"(check role_arn and the role's trust policy) (%s: %s)", action, code, err->message);
	/* the source's fault, not STS's: the class says so to the callers */
	if (strcmp(code, "ExpiredToken") == 0)
		return pgiam_error_set_class(PGIAM_ECLASS_CREDENTIALS, PGIAM_EEXPIRED,
			"the source credentials (%s) have expired: renew them and try again (%s: %s)",
			src, code, err->message);
	if (strcmp(code, "InvalidClientTokenId") == 0)
		return pgiam_error_set(PGIAM_EAUTH,
			"STS does not recognise the source access key (%s): check that the key is active "
			"and belongs to this partition/region (%s: %s)", src, code, err->message);
	if (strcmp(code, "SignatureDoesNotMatch") == 0 && strstr(err->message, "region"))
		return pgiam_error_set(PGIAM_EAUTH,
			"STS rejected the signing region: the profile's region must be the region of the "
			"STS endpoint (sts_endpoint) (%s: %s)", code, err->message);
	if (strcmp(code, "SignatureDoesNotMatch") == 0)
		return pgiam_error_set(PGIAM_EAUTH,
			"STS rejected the request signature: check the secret access key of %s (%s: %s)",
			src, code, err->message);
	if (strcmp(code, "RegionDisabledException") == 0)
		return pgiam_error_set(PGIAM_EDENIED,
			"STS is not activated in this region for the account: activate the region in IAM "
			"account settings or use another region/sts_endpoint (%s: %s)", code, err->message);
	if (strcmp(code, "ValidationError") == 0)
		return pgiam_error_set(PGIAM_EINVAL,
			"STS rejected the parameters of %s: check duration (at most the role's maximum "
			"session duration), session_name and external_id (%s: %s)",
			action, code, err->message);
	if (strcmp(code, "RequestTimeTooSkewed") == 0 || strcmp(code, "RequestExpired") == 0 ||
	    strcmp(code, "RequestInTheFuture") == 0) {
		char local[40], server[40];
		if (server_date > 0) {
			format_utc(local, sizeof(local), local_now);
			format_utc(server, sizeof(server), server_date);
			return pgiam_error_set(PGIAM_EAUTH,
				"the local clock is %+ld s off STS's (local %s, STS %s): fix the system clock (NTP) (%s: %s)",
				(long)(local_now - server_date), local, server, code, err->message);
		}
		return pgiam_error_set(PGIAM_EAUTH,
			"the local clock differs from STS's by more than 5 minutes: fix the system clock (NTP) (%s: %s)",
			code, err->message);
	}
	if (pgiam_sts_is_throttle(code))
		return pgiam_error_set(PGIAM_ESERVER,
			"STS is throttling requests (gave up after %d attempts): try again later (%s: %s)",
			attempts, code, err->message);
	if (status >= 500)
		return pgiam_error_set(PGIAM_ESERVER,
			"STS had a server error (HTTP %ld, gave up after %d attempts): try again later (%s: %s)",
			status, attempts, code[0] ? code : "no code", err->message);
	return pgiam_error_set(PGIAM_ESERVER, "STS refused %s (HTTP %ld) (%s: %s)",
		action, status, code[0] ? code : "no code", err->message);
}

/* ---- requests ---- */

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps the backoff before attempt+1, at most max_ms. */
static void backoff_sleep(long base_ms, int attempt, const pgiam_cancel *cancel, long max_ms)
{
	struct timespec ts;
	unsigned seed = 0;
	long cap = base_ms << attempt;  /* attempt 1: 2*base, 2: 4*base */
	long ms = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (unsigned)ts.tv_nsec ^ (unsigned)(size_t)&ts;
	/* "equal jitter": half fixed, half random, so retries of parallel callers spread */
	ms = cap / 2 + (long)(rand_r(&seed) % (unsigned)(cap / 2 + 1));
	if (ms > max_ms)
		ms = max_ms;
	while (ms > 0 && !(pgiam_cancel_requested(cancel))) {
		long step = ms < 50 ? ms : 50;
		struct timespec d = { 0, step * 1000000L };
		nanosleep(&d, NULL);
		ms -= step;
	}
}

/* The overall deadline of one call. */
typedef struct sts_deadline {
	long long end_ms;            /* mono_ms() at which the call gives up */
	long total_ms;
	char last[160];              /* the previous attempt's failure, for the message */
} sts_deadline;

static long deadline_left(const sts_deadline *d)
{
	long long left = d->end_ms - mono_ms();

	return left > 0 ? (long)left : 0;
}

/* A request's timeouts, cut to what remains of the deadline; 1 when cut. */
static int deadline_limit(pgiam_http_request *req, const pgiam_sts_config *cfg,
	const sts_deadline *d)
{
	long left = deadline_left(d);
	long timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : PGIAM_HTTP_TIMEOUT_MS;
	long connect = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms :
		PGIAM_HTTP_CONNECT_TIMEOUT_MS;

	if (left < 1)
		left = 1;
	req->timeout_ms = timeout < left ? timeout : left;
	req->connect_timeout_ms = connect < left ? connect : left;
	return timeout > left;
}

/* A request that failed on the network: a timeout cut by the deadline says so, with
 * the attempts made and the last answer before it; any other failure names the
 * attempt when it was not the first. */
static int attempt_failed(const sts_deadline *d, int limited, int attempt,
	const char *action)
{
	char prefix[2300];

	if (limited && deadline_left(d) == 0)
		return pgiam_error_set(PGIAM_ENET, "STS %s: no answer within the overall %ld s "
			"deadline, gave up after %d attempts (%s): try again later", action,
			(d->total_ms + 999) / 1000, attempt, d->last[0] ? d->last :
			"each attempt timed out");
	if (attempt > 1)
		snprintf(prefix, sizeof(prefix), "STS %s (attempt %d)", action, attempt);
	else
		snprintf(prefix, sizeof(prefix), "STS %s", action);
	return pgiam_http_error_prefix(PGIAM_ENET, prefix);
}

/* Where a call goes: the endpoint's URL, its host (signed) and the path as sent
 * (what follows the authority, without query). */
static int sts_target(char **url, char *host, size_t hostlen, char *path, size_t pathlen,
	const pgiam_sts_config *cfg)
{
	const char *p = NULL;
	int error = 0;

	if ((error = pgiam_sts_endpoint(url, cfg->region, cfg->endpoint)) < 0 ||
	    (error = pgiam_http_url_host(host, hostlen, *url)) < 0)
		return error;
	p = strstr(*url, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	if (p && *p) {
		snprintf(path, pathlen, "%.*s", (int)strcspn(p, "?#"), p);
		if (!path[0])
			snprintf(path, pathlen, "/");
	}
	return 0;
}

/* One attempt: the body POSTed, signed with source (unsigned when NULL) at *now.
 * A network failure is worded with the attempt and the deadline (attempt_failed). */
static int sts_send(pgiam_http_response *resp, pgiam_sigv4_signed *sig,
	const pgiam_sts_config *cfg, const pgiam_creds *source, const char *url,
	const char *host, const char *path, const char *body, sts_deadline *dl, int attempt,
	const char *action, time_t *now)
{
	static const char content_type[] = "application/x-www-form-urlencoded; charset=utf-8";
	pgiam_sigv4_param sign_headers[] = { { "Content-Type", content_type } };
	pgiam_sigv4_request sreq = { "POST", host, path, NULL, 0, sign_headers, 1,
		body, strlen(body) };
	pgiam_sigv4_options opts = PGIAM_SIGV4_OPTIONS_INIT;
	pgiam_http_header hdrs[5];
	size_t nh = 0;
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	int limited = 0;
	int error = 0;

	*now = time(NULL);
	opts.region = cfg->region && *cfg->region ? cfg->region : "us-east-1";
	opts.service = "sts";
	opts.time = *now;
	pgiam_sigv4_signed_dispose(sig);
	if (source && (error = pgiam_sigv4_sign_headers(sig, &sreq, source, &opts)) < 0)
		return error;
	hdrs[nh++] = (pgiam_http_header){ "Host", host };
	hdrs[nh++] = (pgiam_http_header){ "Content-Type", content_type };
	if (source) {
		hdrs[nh++] = (pgiam_http_header){ "X-Amz-Date", sig->amz_date };
		hdrs[nh++] = (pgiam_http_header){ "Authorization", sig->authorization };
	}
	if (sig->security_token)
		hdrs[nh++] = (pgiam_http_header){ "X-Amz-Security-Token", sig->security_token };
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.header_count = nh;
	req.body = body;
	req.body_len = strlen(body);
	limited = deadline_limit(&req, cfg, dl);
	req.ca_bundle = cfg->ca_bundle;
	req.cancel = cfg->cancel;
	pgiam_http_response_dispose(resp);
	if (cfg->attempts_made)
		*cfg->attempts_made = attempt;
	if ((error = pgiam_http_perform(resp, &req)) == PGIAM_ENET)
		error = attempt_failed(dl, limited, attempt, action);
	return error;
}

/* The error of an answer other than 200 that is not retried. */
static int sts_refused(const pgiam_http_response *resp, const pgiam_sts_error *err,
	int parsed, const char *action, const char *url, const pgiam_creds *source, time_t now,
	int attempt)
{
	char snip[64];

	if (parsed)
		return pgiam_sts_report_error(err, action, resp->status, resp->date, now,
			source ? source->source : "a web identity token", attempt);
	snippet(snip, sizeof(snip), resp->body.ptr ? resp->body.ptr : "", resp->body.len);
	if (resp->status >= 500)
		return pgiam_error_set(PGIAM_ESERVER,
			"STS had a server error (HTTP %ld, gave up after %d attempts): try again later ('%s')",
			resp->status, attempt, snip);
	return pgiam_error_set(PGIAM_ESERVER,
		"STS answered %s with HTTP %ld and no readable ErrorResponse: is %s an STS endpoint? ('%s')",
		action, resp->status, url, snip);
}

/* POSTs the form body to STS, retrying throttling and 5xx. On 200 *resp holds the
 * answer; every other outcome sets the error. */
static int sts_call(pgiam_http_response *resp, const pgiam_sts_config *cfg,
	const pgiam_creds *source, const char *body, const char *action)
{
	char *url = NULL;
	char host[512] = "";
	char path[1024] = "/";
	pgiam_sigv4_signed sig = PGIAM_SIGV4_SIGNED_INIT;
	int max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : PGIAM_STS_MAX_ATTEMPTS;
	long base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 200;
	sts_deadline dl = { 0, cfg->deadline_ms > 0 ? cfg->deadline_ms : PGIAM_STS_DEADLINE_MS, "" };
	int attempt = 0;
	int error = 0;

	dl.end_ms = mono_ms() + dl.total_ms;
	if (cfg->attempts_made)
		*cfg->attempts_made = 0;
	/* source NULL: an unsigned call (AssumeRoleWithWebIdentity) */
	if (source && (!source->access_key_id || !source->secret_access_key)) {
		error = pgiam_error_set(PGIAM_EINVAL, "no source credentials to call STS with");
		goto cleanup;
	}
	if ((error = sts_target(&url, host, sizeof(host), path, sizeof(path), cfg)) < 0)
		goto cleanup;

	for (attempt = 1; attempt <= max_attempts; attempt++) {
		pgiam_sts_error err;
		time_t now = 0;
		int parsed = 0, retry = 0;

		if ((error = sts_send(resp, &sig, cfg, source, url, host, path, body, &dl, attempt,
				action, &now)) < 0 || resp->status == 200)
			goto cleanup;
		parsed = pgiam_sts_parse_error(&err, resp->body.ptr, resp->body.len) == 0;
		retry = resp->status >= 500 || resp->status == 429 || (parsed && pgiam_sts_is_throttle(err.code));
		if (retry && attempt < max_attempts && !(pgiam_cancel_requested(cfg->cancel)) &&
		    deadline_left(&dl) > 0) {
			snprintf(dl.last, sizeof(dl.last), "last answer: HTTP %ld %s", resp->status,
				parsed ? err.code : "without an ErrorResponse");
			backoff_sleep(base_ms, attempt, cfg->cancel, deadline_left(&dl));
			if (deadline_left(&dl) > 0)
				continue;
		}
		error = sts_refused(resp, &err, parsed, action, url, source, now, attempt);
		goto cleanup;
	}

cleanup:
	if (error < 0)
		pgiam_http_response_dispose(resp);
	pgiam_sigv4_signed_dispose(&sig);
	free(url);
	return error;
}

static int put_param(pgiam_buf *b, const char *name, const char *value)
{
	int error = 0;

	if ((error = pgiam_buf_putc(b, '&')) < 0 || (error = pgiam_buf_puts(b, name)) < 0 ||
	    (error = pgiam_buf_putc(b, '=')) < 0)
		return error;
	return pgiam_sts_form_encode(b, value);
}

int pgiam_sts_assume_role(pgiam_sts_assumed *out, const pgiam_sts_config *cfg,
	const pgiam_creds *source, const pgiam_sts_assume_params *params)
{
	pgiam_buf body = PGIAM_BUF_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char action[2200];
	char dur[16];
	int error = 0;

	if (!source) {
		error = pgiam_error_set(PGIAM_EINVAL, "no source credentials to call STS with");
		goto cleanup;
	}
	if (!params->role_arn || !*params->role_arn || !params->session_name || !*params->session_name) {
		error = pgiam_error_set(PGIAM_EINVAL, "AssumeRole needs a role ARN and a session name");
		goto cleanup;
	}
	snprintf(action, sizeof(action), "AssumeRole of %s%s", params->role_arn,
		params->external_id && *params->external_id ? " with an external ID" : "");
	snprintf(dur, sizeof(dur), "%d", params->duration > 0 ? params->duration : 3600);
	if ((error = pgiam_buf_puts(&body, "Action=AssumeRole&Version=2011-06-15")) < 0 ||
	    (error = put_param(&body, "RoleArn", params->role_arn)) < 0 ||
	    (error = put_param(&body, "RoleSessionName", params->session_name)) < 0 ||
	    (params->external_id && *params->external_id &&
	     (error = put_param(&body, "ExternalId", params->external_id)) < 0) ||
	    (error = put_param(&body, "DurationSeconds", dur)) < 0 ||
	    (params->serial_number && *params->serial_number &&
	     ((error = put_param(&body, "SerialNumber", params->serial_number)) < 0 ||
	      (error = put_param(&body, "TokenCode", params->token_code ? params->token_code : "")) < 0)))
		goto cleanup;
	if ((error = sts_call(&resp, cfg, source, pgiam_buf_cstr(&body), action)) < 0)
		goto cleanup;
	error = pgiam_sts_parse_assume_role(out, resp.body.ptr, resp.body.len);

cleanup:
	pgiam_http_response_dispose(&resp);
	if (body.ptr)  /* an MFA code */
		pgiam_wipe(body.ptr, body.len);
	pgiam_buf_dispose(&body);
	return error;
}

int pgiam_sts_assume_role_with_web_identity(pgiam_sts_assumed *out,
	const pgiam_sts_config *cfg, const pgiam_sts_web_params *params)
{
	pgiam_buf body = PGIAM_BUF_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char action[2200], dur[16];
	char *what = NULL;
	int error = 0;

	if (!params->role_arn || !*params->role_arn || !params->session_name ||
	    !*params->session_name || !params->token || !*params->token) {
		error = pgiam_error_set(PGIAM_EINVAL, "AssumeRoleWithWebIdentity needs a role ARN, "
			"a session name and a token");
		goto cleanup;
	}
	snprintf(action, sizeof(action), "AssumeRoleWithWebIdentity of %s", params->role_arn);
	snprintf(dur, sizeof(dur), "%d", params->duration > 0 ? params->duration : 3600);
	if ((error = pgiam_buf_puts(&body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15")) < 0 ||
	    (error = put_param(&body, "RoleArn", params->role_arn)) < 0 ||
	    (error = put_param(&body, "RoleSessionName", params->session_name)) < 0 ||
	    (error = put_param(&body, "WebIdentityToken", params->token)) < 0 ||
	    (error = put_param(&body, "DurationSeconds", dur)) < 0)
		goto cleanup;
	if ((error = sts_call(&resp, cfg, NULL, pgiam_buf_cstr(&body), action)) < 0 ||
	    (error = pgiam_sts_parse_web_identity(out, resp.body.ptr, resp.body.len)) < 0)
		goto cleanup;
	if (out->subject && asprintf(&what, "web identity %s as %s", out->subject,
			out->assumed_arn) > 0) {
		free(out->creds.source);
		out->creds.source = what;
	}

cleanup:
	pgiam_http_response_dispose(&resp);
	/* the body holds the token */
	if (body.ptr)
		pgiam_wipe(body.ptr, body.len);
	pgiam_buf_dispose(&body);
	return error;
}

int pgiam_sts_get_caller_identity(pgiam_sts_identity *out, const pgiam_sts_config *cfg,
	const pgiam_creds *source)
{
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	int error = 0;

	if (!source)
		return pgiam_error_set(PGIAM_EINVAL, "no source credentials to call STS with");
	if ((error = sts_call(&resp, cfg, source, "Action=GetCallerIdentity&Version=2011-06-15",
		"GetCallerIdentity")) < 0)
		goto cleanup;
	error = pgiam_sts_parse_caller_identity(out, resp.body.ptr, resp.body.len);

cleanup:
	pgiam_http_response_dispose(&resp);
	return error;
}

void pgiam_sts_assumed_dispose(pgiam_sts_assumed *a)
{
	if (!a)
		return;
	pgiam_creds_dispose(&a->creds);
	free(a->assumed_arn);
	free(a->assumed_role_id);
	free(a->subject);
	a->assumed_arn = a->assumed_role_id = a->subject = NULL;
}

void pgiam_sts_identity_dispose(pgiam_sts_identity *id)
{
	if (!id)
		return;
	free(id->arn);
	free(id->account);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}
