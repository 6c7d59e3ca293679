/* profile_check.c - validation of profiles: the rules for every key, the table of known
 * keys, and single-field checks for the TUI's form. Every message says what is wrong
 * and what is expected; pgiam_profile_validate() prefixes it with the file and key. */
#include "profile_priv.h"

#include "arn.h"
#include "ascii.h"
#include "error.h"
#include "loopback.h"
#include "sanitize.h"
#include "secure.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

static const pgiam_profile_key known_keys[] = {
	{ "endpoint", "database endpoint the token is signed for, host:port (port required)", 1 },
	{ "region", "AWS region of the database; taken from an RDS endpoint name when unset", 0 },
	{ "database", "database to connect to", 1 },
	{ "db_user", "database user granted rds_iam", 1 },
	{ "role_arn", "IAM role to assume; unset = use the source credentials directly", 0 },
	{ "external_id", "external ID the role's trust policy requires (sts:ExternalId)", 0 },
	{ "session_name", "role session name, default pgiam-LOCALUSER", 0 },
	{ "duration", "assumed-role session length in seconds, 900-43200, default 3600", 0 },
	{ "source_profile", "AWS config profile to take source credentials from", 0 },
	{ "sts_endpoint", "STS URL (https, or http to a loopback address); default regional", 0 },
	{ "ca_bundle", "CA bundle PEM for verifying the server, e.g. ap-northeast-1-bundle.pem", 0 },
	{ "sslmode", "verify-full (default) or verify-ca", 0 },
	{ "allow_unverified_tls", "true to allow sslmode = require (shown as unverified)", 0 },
	{ "connect_host", "host:port to connect to instead (SSH/SSM port forward)", 0 },
	{ "read_only", "true to open read-only sessions", 0 },
	{ "account_id", "12-digit AWS account of the database, for pgiam policy", 0 },
	{ "dbi_resource_id", "resource ID for pgiam policy: db-... (instance), cluster-... (Aurora) or prx-... (RDS Proxy)", 0 },
	{ "credential_process_timeout", "seconds a credential_process may run, 1-3600, default 60", 0 },
	{ "cache_credentials", "false to never cache assumed sessions on disk (default true)", 0 },
	{ "mfa_serial", "MFA device ARN the role requires (arn:aws:iam::ACCOUNT:mfa/NAME); a code is asked for", 0 },
};

#define NKEYS (sizeof(known_keys) / sizeof(known_keys[0]))
#define SINK_MAX 64

typedef struct {
	char key[32];
	char also[32]; /* a second key a cross-field problem belongs to, or "" */
	pgiam_problem_severity severity;
	char body[256];
} issue;

typedef struct {
	issue items[SINK_MAX];
	size_t n;
	int errors;
} sink;

/* Replaces s (in a buffer of size len) with its terminal-safe form, cut at a character
 * boundary when that is longer. */
static void safe_copy(char *s, size_t len)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	size_t n = 0;

	if (pgiam_text_sanitize(&b, s, strlen(s), 0) < 0) {
		s[0] = '\0';
		return;
	}
	n = b.len < len ? b.len : len - 1;
	while (n < b.len && n > 0 && ((unsigned char)b.ptr[n] & 0xC0) == 0x80)
		n--;
	memcpy(s, pgiam_buf_cstr(&b), n);
	s[n] = '\0';
	pgiam_buf_dispose(&b);
}

__attribute__((format(printf, 5, 6)))
static void add(sink *s, const char *key, const char *also, pgiam_problem_severity sev,
	const char *fmt, ...)
{
	va_list ap;
	issue *it = NULL;

	if (sev == PGIAM_PROBLEM_ERROR)
		s->errors++;
	if (s->n == SINK_MAX)
		return;
	it = &s->items[s->n++];
	snprintf(it->key, sizeof(it->key), "%s", key);
	snprintf(it->also, sizeof(it->also), "%s", also ? also : "");
	it->severity = sev;
	va_start(ap, fmt);
	vsnprintf(it->body, sizeof(it->body), fmt, ap);
	va_end(ap);
	/* messages quote values, which may hold terminal escapes: made safe here already,
	 * by the rule every front end prints with (src/sanitize.h) */
	safe_copy(it->body, sizeof(it->body));
	safe_copy(it->key, sizeof(it->key));
}

const pgiam_profile_key *pgiam_profile_keys(size_t *count)
{
	if (count)
		*count = NKEYS;
	return known_keys;
}

int pgiam_profile_key_known(const char *key)
{
	for (size_t i = 0; key && i < NKEYS; i++)
		if (!pgiam_ascii_casecmp(known_keys[i].key, key))
			return 1;
	return 0;
}

/* --- helpers ------------------------------------------------------------------------ */

/* Character checks by explicit sets rather than regex ranges, so that the locale the
 * TUI sets cannot change what matches. */
static int only_chars(const char *s, const char *extra)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c >= 0x80 || (!isalnum(*c) && !strchr(extra, *c)))
			return 0;
	return 1;
}

static int only_digits(const char *s, size_t n)
{
	size_t i = 0;

	for (; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return i == n;
}

/* Structural match for ASCII input (callers check the characters first). */
static int matches(const char *pattern, const char *s)
{
	regex_t re;
	int ok = 0;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static int region_shaped(const char *r)
{
	return only_chars(r, "-") &&
		matches("^[[:lower:]]{2}(-[[:lower:]]+)+-[[:digit:]]+$", r);
}

int pgiam_profile__bool(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!pgiam_ascii_casecmp(v, yes[i]))
			return 1;
		if (!pgiam_ascii_casecmp(v, no[i]))
			return 0;
	}
	return -1;
}

int pgiam_profile__rds_region(char *buf, size_t buflen, const char *host)
{
	return pgiam_arn_rds_region(buf, buflen, host) == 0 ? 0 : -1;
}

int pgiam_profile__hostport(char **host, int *port, const char *value, char *msg,
	size_t msglen)
{
	const char *colon = NULL;
	const char *h = value;
	size_t hlen = 0;
	char *copy = NULL;
	long n = 0;
	char *end = NULL;
	unsigned char addr[16];

	*host = NULL;
	*port = 0;
	if (strstr(value, "://")) {
		snprintf(msg, msglen, "\"%s\" has a scheme; expected host:port without one", value);
		return PGIAM_EINVAL;
	}
	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (!close) {
			snprintf(msg, msglen, "\"%s\" has no closing ']'; expected [IPV6]:PORT", value);
			return PGIAM_EINVAL;
		}
		h = value + 1;
		hlen = (size_t)(close - h);
		if (close[1] != ':') {
			snprintf(msg, msglen, close[1] ? "\"%s\" has text after ']'; expected [IPV6]:PORT" :
				"\"%s\" has no port; expected [IPV6]:PORT (the port is required)", value);
			return PGIAM_EINVAL;
		}
		colon = close + 1;
	} else {
		colon = strchr(value, ':');
		if (!colon) {
			snprintf(msg, msglen, "\"%s\" has no port; expected host:port, e.g. %s:5432 "
				"(the port is required)", value, value);
			return PGIAM_EINVAL;
		}
		if (strchr(colon + 1, ':')) {
			snprintf(msg, msglen, "\"%s\" has more than one ':'; expected host:port, with "
				"an IPv6 address in brackets: [::1]:5432", value);
			return PGIAM_EINVAL;
		}
		hlen = (size_t)(colon - value);
	}
	if (hlen == 0 || hlen > 253) {
		snprintf(msg, msglen, "\"%s\" has %s host; expected host:port", value,
			hlen ? "an overlong" : "no");
		return PGIAM_EINVAL;
	}
	if (!(copy = strndup(h, hlen))) {
		snprintf(msg, msglen, "out of memory");
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	if (value[0] == '[' ? inet_pton(AF_INET6, copy, addr) != 1 :
			(!only_chars(copy, ".-") || copy[0] == '.' || copy[0] == '-' ||
			 strstr(copy, ".."))) {
		snprintf(msg, msglen, value[0] == '[' ?
			"\"%s\" is not an IPv6 address in brackets; expected [IPV6]:PORT" :
			"\"%s\" is not a valid host name; expected host:port with letters, digits, "
			"'.' and '-' in the host", value);
		free(copy);
		return PGIAM_EINVAL;
	}
	errno = 0;
	if (colon[1] >= '0' && colon[1] <= '9')
		n = strtol(colon + 1, &end, 10);
	if (!end || *end || errno || n < 1 || n > 65535) {
		snprintf(msg, msglen, "\"%s\" has port \"%s\"; expected a port from 1 to 65535 "
			"after the ':'", value, colon + 1);
		free(copy);
		return PGIAM_EINVAL;
	}
	*host = copy;
	*port = (int)n;
	return 0;
}

static void check_url(sink *s, const char *v)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;

	if (!u) {
		add(s, "sts_endpoint", NULL, PGIAM_PROBLEM_ERROR, "cannot be checked (out of memory)");
		return;
	}
	if (curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK ||
			curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
			curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		add(s, "sts_endpoint", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a URL; expected "
			"e.g. https://sts.ap-northeast-1.amazonaws.com", v);
	} else if (!pgiam_ascii_casecmp(scheme, "http")) {
		/* the same test sts.c applies when it sends the request */
		if (!pgiam_host_is_loopback(host))
			add(s, "sts_endpoint", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is plain http to "
				"a non-loopback host; expected https (http is allowed only to "
				"127.0.0.1, ::1 or localhost)", v);
	} else if (pgiam_ascii_casecmp(scheme, "https")) {
		add(s, "sts_endpoint", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" has scheme %s; expected "
			"an https URL", v, scheme);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
}

/* --- the rules ------------------------------------------------------------------------ */

static const char *val(const pgiam_profile *p, const char *key)
{
	const char *v = pgiam_profile_get(p, key);
	return (v && *v) ? v : NULL;
}

static void check_pg_name(sink *s, const pgiam_profile *p, const char *key, const char *what)
{
	const char *v = val(p, key);

	if (!v)
		add(s, key, NULL, PGIAM_PROBLEM_ERROR, "missing; expected the %s", what);
	else if (strlen(v) > 63)
		add(s, key, NULL, PGIAM_PROBLEM_ERROR, "is %zu bytes; expected at most 63 "
			"(PostgreSQL's name length)", strlen(v));
	else if (!pgiam_text_is_clean(v))
		add(s, key, NULL, PGIAM_PROBLEM_ERROR, "is not valid UTF-8 or has a control "
			"character (C0, DEL, C1 or a bidirectional control); expected the %s as "
			"plain text", what);
}

static void check_bool(sink *s, const pgiam_profile *p, const char *key)
{
	const char *v = val(p, key);

	if (v && pgiam_profile__bool(v) < 0)
		add(s, key, NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a boolean; expected true or "
			"false", v);
}

static void check_endpoint_region(sink *s, const pgiam_profile *p)
{
	const char *ep = val(p, "endpoint");
	const char *region = val(p, "region");
	char *host = NULL;
	int port = 0;
	char msg[256];
	char rds[64];
	int rds_ok = -1;

	if (!ep)
		add(s, "endpoint", NULL, PGIAM_PROBLEM_ERROR, "missing; expected host:port of the "
			"database, e.g. mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com:5432");
	else if (pgiam_profile__hostport(&host, &port, ep, msg, sizeof(msg)) < 0)
		add(s, "endpoint", NULL, PGIAM_PROBLEM_ERROR, "%s", msg);
	if (host)
		rds_ok = pgiam_profile__rds_region(rds, sizeof(rds), host);

	if (region && !region_shaped(region))
		add(s, "region", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not an AWS region name; "
			"expected e.g. ap-northeast-1", region);
	else if (region && rds_ok == 0 && strcmp(region, rds))
		add(s, "region", "endpoint", PGIAM_PROBLEM_WARNING, "is %s but the endpoint is "
			"in %s; a token signed for the wrong region fails with a bare \"PAM "
			"authentication failed\"; expected region = %s", region, rds, rds);
	else if (!region && rds_ok != 0 && (host || !ep))
		add(s, "region", NULL, PGIAM_PROBLEM_ERROR, "missing, and the endpoint is not an "
			"RDS name (….REGION.rds.amazonaws.com) to take it from; expected the "
			"database's AWS region, e.g. ap-northeast-1");
	free(host);
}

static void check_role(sink *s, const pgiam_profile *p)
{
	const char *arn = val(p, "role_arn");
	const char *xid = val(p, "external_id");
	const char *sn = val(p, "session_name");
	const char *dur = val(p, "duration");
	const char *mfa = val(p, "mfa_serial");
	static const char *const role_only[] = { "external_id", "session_name", "duration",
		"mfa_serial" };

	if (arn && !(only_chars(arn, ":/_+=,.@-") &&
			matches("^arn:[[:lower:]][[:lower:][:digit:]-]*:iam::[[:digit:]]{12}:role/"
				"([[:alnum:]_+=,.@-]+/)*[[:alnum:]_+=,.@-]{1,64}$", arn)))
		add(s, "role_arn", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a role ARN; expected "
			"arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a 12-digit account, e.g. "
			"arn:aws:iam::123456789012:role/sf-udf-rds-auth-role", arn);
	if (xid) {
		size_t n = strlen(xid);
		if (n < 2 || n > 1224)
			add(s, "external_id", NULL, PGIAM_PROBLEM_ERROR, "is %zu characters; expected "
				"2 to 1224", n);
		else if (!only_chars(xid, "_+=,.@:/-"))
			add(s, "external_id", NULL, PGIAM_PROBLEM_ERROR, "has a character STS does "
				"not accept; expected letters, digits and _ + = , . @ : / -");
	}
	if (sn) {
		size_t n = strlen(sn);
		if (n < 2 || n > 64 || !only_chars(sn, "_+=,.@-"))
			add(s, "session_name", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a valid "
				"session name; expected 2 to 64 letters, digits and _ + = , . @ -", sn);
	}
	if (dur) {
		char *end = NULL;
		long d;
		errno = 0;
		d = strtol(dur, &end, 10);
		if (!only_digits(dur, strlen(dur)) || errno || *end || d < 900 || d > 43200)
			add(s, "duration", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a duration "
				"STS accepts; expected whole seconds from 900 to 43200", dur);
	}
	if (mfa && !(only_chars(mfa, ":/_+=,.@-") &&
			matches("^arn:[[:lower:]][[:lower:][:digit:]-]*:iam::[[:digit:]]{12}:mfa/"
				"([[:alnum:]_+=,.@-]+/)*[[:alnum:]_+=,.@-]{1,128}$", mfa)))
		add(s, "mfa_serial", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not an MFA device ARN; "
			"expected arn:PARTITION:iam::ACCOUNT:mfa/NAME, e.g. "
			"arn:aws:iam::123456789012:mfa/alice", mfa);
	if (!arn)
		for (size_t i = 0; i < 4; i++)
			if (val(p, role_only[i]))
				add(s, role_only[i], "role_arn", PGIAM_PROBLEM_WARNING, "is ignored "
					"because role_arn is not set (no role is assumed); expected "
					"role_arn as well, or remove this key");
}

static void check_tls(sink *s, const pgiam_profile *p)
{
	const char *mode = val(p, "sslmode");
	const char *ca = val(p, "ca_bundle");
	const char *ca_path = pgiam_profile_ca_bundle(p);
	int allow = val(p, "allow_unverified_tls") &&
		pgiam_profile__bool(val(p, "allow_unverified_tls")) == 1;
	struct stat st;

	if (!mode || !strcmp(mode, "verify-full") || !strcmp(mode, "verify-ca"))
		;
	else if (!strcmp(mode, "require") && allow)
		add(s, "sslmode", "allow_unverified_tls", PGIAM_PROBLEM_WARNING, "is require: "
			"TLS without verifying the server (allowed by allow_unverified_tls), shown as "
			"unverified; expected verify-full");
	else if (!strcmp(mode, "require"))
		add(s, "sslmode", "allow_unverified_tls", PGIAM_PROBLEM_ERROR, "\"require\" does "
			"not verify the server; expected verify-full or verify-ca (or set "
			"allow_unverified_tls = true to accept it)");
	else if (!strcmp(mode, "disable") || !strcmp(mode, "allow") || !strcmp(mode, "prefer"))
		add(s, "sslmode", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" may send the auth token "
			"without TLS; expected verify-full or verify-ca (require is the weakest "
			"accepted, with allow_unverified_tls = true)", mode);
	else
		add(s, "sslmode", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not an sslmode; expected "
			"verify-full or verify-ca", mode);
	if (ca && ca_path && (stat(ca_path, &st) < 0 || !S_ISREG(st.st_mode) ||
			access(ca_path, R_OK) < 0))
		add(s, "ca_bundle", NULL, PGIAM_PROBLEM_WARNING, "%s cannot be read; expected the "
			"path of a PEM CA bundle such as ap-northeast-1-bundle.pem (relative paths "
			"are taken from the profile directory)", ca_path);
	check_bool(s, p, "allow_unverified_tls");
}

static void check_all(sink *s, const pgiam_profile *p)
{
	const char *v = NULL;
	char msg[256];
	char *host = NULL;
	int port = 0;

	if (pgiam_profile_name_check(p->name, msg, sizeof(msg)) < 0)
		add(s, "name", NULL, PGIAM_PROBLEM_ERROR, "\"%s\": %s", p->name, msg);
	if (!p->has_section)
		add(s, "section", NULL, PGIAM_PROBLEM_ERROR, "there is no [profile] section; "
			"expected the keys under a [profile] line");
	for (size_t i = 0; i < p->count; i++) {
		const pgiam_profile_entry_ *e = &p->entries[i];
		/* a valid profile must be savable: flag what cannot be written back */
		if (pgiam_profile__value_problem(e->key, e->value, msg, sizeof(msg)) < 0)
			add(s, e->key, NULL, PGIAM_PROBLEM_ERROR, "%s", msg);
		if (!*e->section)
			add(s, e->key, NULL, PGIAM_PROBLEM_WARNING, "is outside any section and is "
				"ignored (kept on save); expected it under [profile]");
		else if (strcmp(e->section, "profile"))
			add(s, e->key, NULL, PGIAM_PROBLEM_WARNING, "is in section [%s], not "
				"[profile], and is ignored (kept on save); expected it under [profile]",
				e->section);
		else if (!pgiam_profile_key_known(e->key))
			add(s, e->key, NULL, PGIAM_PROBLEM_WARNING, "is not a pgiam key; it is "
				"ignored and kept on save (expected one of the keys in docs/profiles.md; "
				"check the spelling)");
	}
	check_endpoint_region(s, p);
	check_pg_name(s, p, "database", "name of the database to connect to");
	check_pg_name(s, p, "db_user", "database user that was granted rds_iam");
	check_role(s, p);
	if ((v = val(p, "source_profile")) && (strlen(v) > 128 || !only_chars(v, "_+=,.@:/-")))
		add(s, "source_profile", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not an AWS profile "
			"name; expected the name of a [profile NAME] in ~/.aws/config", v);
	if ((v = val(p, "sts_endpoint")))
		check_url(s, v);
	check_tls(s, p);
	if ((v = val(p, "connect_host")) &&
			pgiam_profile__hostport(&host, &port, v, msg, sizeof(msg)) < 0)
		add(s, "connect_host", NULL, PGIAM_PROBLEM_ERROR, "%s", msg);
	free(host);
	check_bool(s, p, "read_only");
	check_bool(s, p, "cache_credentials");
	if ((v = val(p, "account_id")) && !only_digits(v, 12))
		add(s, "account_id", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not an account ID; "
			"expected 12 digits, e.g. 123456789012", v);
	if ((v = val(p, "credential_process_timeout")) && !(only_digits(v, strlen(v)) &&
			strlen(v) <= 4 && atoi(v) >= 1 && atoi(v) <= 3600))
		add(s, "credential_process_timeout", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a "
			"timeout; expected whole seconds from 1 to 3600 (default 60)", v);
	if ((v = val(p, "dbi_resource_id")) && pgiam_arn_rds_id_kind(v) == PGIAM_ARN_RDS_UNKNOWN)
		add(s, "dbi_resource_id", NULL, PGIAM_PROBLEM_ERROR, "\"%s\" is not a resource "
			"ID; expected db- (an instance's DbiResourceId), cluster- (an Aurora cluster's "
			"DbClusterResourceId) or prx- (an RDS Proxy) followed by letters and digits, "
			"e.g. db-ABCDEFGHIJKLMNOPQRSTUVWXY0 (Resource ID in the RDS console)", v);
}

/* --- public ---------------------------------------------------------------------------- */

int pgiam_profile_validate(const pgiam_profile *p, pgiam_profile_problem *problems,
	size_t max, size_t *count)
{
	sink *s = calloc(1, sizeof(*s));
	char prefix[96];
	size_t stored = 0;
	int errors = 0;

	if (count)
		*count = 0;
	if (!s)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	check_all(s, p);
	/* the file, shortened from the left so the key and the message still fit */
	if (p->path && strlen(p->path) < sizeof(prefix))
		snprintf(prefix, sizeof(prefix), "%s", p->path);
	else if (p->path)
		snprintf(prefix, sizeof(prefix), "…%s", p->path + strlen(p->path) - (sizeof(prefix) - 5));
	else
		snprintf(prefix, sizeof(prefix), "profile %s", *p->name ? p->name : "(unnamed)");
	for (size_t i = 0; i < s->n && stored < max; i++) {
		pgiam_profile_problem *out = &problems[stored++];
		snprintf(out->key, sizeof(out->key), "%s", s->items[i].key);
		out->severity = s->items[i].severity;
		snprintf(out->message, sizeof(out->message), "%s: %s: %s", prefix,
			s->items[i].key, s->items[i].body);
	}
	if (count)
		*count = stored;
	errors = s->errors;
	free(s);
	return errors;
}

int pgiam_profile_check_field(const pgiam_profile *context, const char *key,
	const char *value, char *msg, size_t msglen)
{
	pgiam_profile *p = NULL;
	sink *s = NULL;
	const issue *worst = NULL;
	int rc = 0;

	if (msg && msglen)
		msg[0] = '\0';
	if (!key)
		return pgiam_error_set(PGIAM_EINVAL, "no key given");
	if (!strcmp(key, "name"))
		return pgiam_profile_name_check(value, msg, msglen);
	if ((rc = context ? pgiam_profile_dup(&p, context, NULL) : pgiam_profile_new(&p, "x")) < 0)
		goto cleanup;
	if ((rc = pgiam_profile_set(p, key, value)) < 0) {
		if (msg && msglen)
			snprintf(msg, msglen, "%s", pgiam_error_last());
		goto cleanup;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		rc = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	check_all(s, p);
	for (size_t i = 0; i < s->n; i++) {
		const issue *it = &s->items[i];
		if (pgiam_ascii_casecmp(it->key, key) && pgiam_ascii_casecmp(it->also, key))
			continue;
		if (!worst || (it->severity == PGIAM_PROBLEM_ERROR &&
				worst->severity != PGIAM_PROBLEM_ERROR))
			worst = it;
	}
	if (worst) {
		if (msg && msglen)
			snprintf(msg, msglen, "%s: %s", worst->key, worst->body);
		rc = worst->severity == PGIAM_PROBLEM_ERROR ?
			pgiam_error_set(PGIAM_EINVAL, "%s: %s", worst->key, worst->body) : 1;
	}
cleanup:
	free(s);
	pgiam_profile_free(p);
	return rc;
}
