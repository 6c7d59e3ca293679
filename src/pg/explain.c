/* explain.c - one-line explanations of connection and statement failures.
 *
 * libpq reports connection failures as free text, so classifying them means looking
 * for the phrases libpq and the server actually use (PostgreSQL 15 wording). The
 * explanation of a permission error is worded from facts queried by the session.
 */
#include "explain.h"

#include "arn.h"
#include "ascii.h"
#include "error.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

const char *pgiam_step_name(pgiam_step step)
{
	switch (step) {
#define PGIAM_STEP_NAME_(name, text) case PGIAM_STEP_##name: return text;
	PGIAM_STEPS(PGIAM_STEP_NAME_)
#undef PGIAM_STEP_NAME_
	case PGIAM_STEP__COUNT:
		break;
	}
	return "unknown step";
}

static int contains(const char *hay, const char *needle)
{
	return hay && pgiam_ascii_casestr(hay, needle) != NULL;
}

pgiam_step pgiam_explain_connect_step(const char *msg, pgiam_step reached)
{
	if (contains(msg, "PAM authentication failed") ||
	    contains(msg, "password authentication failed") ||
	    contains(msg, "no pg_hba.conf entry") ||
	    contains(msg, "pg_hba.conf rejects") ||
	    contains(msg, "authentication failed") ||
	    contains(msg, "password is too long"))
		return PGIAM_STEP_AUTH;
	if (contains(msg, "permission denied for database") ||
	    contains(msg, "not permitted to log in") ||
	    contains(msg, "too many connections for role") ||
	    (contains(msg, "database \"") && contains(msg, "does not exist")))
		return PGIAM_STEP_AUTHORIZATION;
	if (contains(msg, "certificate") || contains(msg, "SSL") || contains(msg, "TLS") ||
	    contains(msg, "does not match host name"))
		return PGIAM_STEP_TLS;
	if (contains(msg, "could not connect") || contains(msg, "Connection refused") ||
	    contains(msg, "could not translate host name") || contains(msg, "timeout expired") ||
	    contains(msg, "timed out") || contains(msg, "No route to host") ||
	    contains(msg, "Network is unreachable"))
		return PGIAM_STEP_TCP;
	return reached;
}

void pgiam_explain_first_line(char *out, size_t outlen, const char *msg)
{
	const char *p = msg ? msg : "";
	const char *best = NULL;
	size_t n;

	if (!outlen)
		return;
	/* libpq prefixes "connection to server at "h" (a), port p failed: " and the server
	 * "FATAL:  "; the interesting part is after the last of those on the first line. */
	for (;;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		const char *f = p;

		if (len) {
			const char *x = memmem(p, len, "failed:", 7);
			if (x && x + 7 < p + len)
				f = x + 7 + (x[7] == ' ');
			else if (x)
				f = NULL;  /* "…failed:" alone on its line: the reason follows */
			if (f && !strncmp(f, "FATAL:  ", 8))
				f += 8;
			if (f && f < p + len) {
				best = f;
				n = len - (size_t)(f - p);
				break;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (!best) {
		snprintf(out, outlen, "%s", "no message from libpq");
		return;
	}
	while (n && pgiam_ascii_isspace((unsigned char)best[n - 1]))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, best, n);
	out[n] = '\0';
}

int pgiam_explain_endpoint_region(char *out, size_t outlen, const char *host)
{
	return pgiam_arn_rds_region(out, outlen, host);
}

static int same_host(const char *a, const char *b)
{
	return a && b && !pgiam_ascii_casecmp(a, b);
}

/* Both the cached role session and one assumed again were refused while valid: the
 * likely cause is revocation (IAM's "revoke active sessions", or a policy change
 * that no longer lets the role connect as this user), not the credentials' age. */
static int revoked_cause(pgiam_buf *out, int n, const pgiam_explain_auth *f)
{
	return pgiam_buf_printf(out, "; (%d) signing credentials: LIKELY REVOKED: the server "
		"refused the cached role session, and a session assumed again (valid %lds more) "
		"was refused too: the role's sessions were revoked in IAM, or its policy no longer "
		"allows rds-db:connect as %s", n, (long)(f->creds_expiration - f->now),
		f->db_user ? f->db_user : "this user");
}

int pgiam_explain_auth_failure(pgiam_buf *out, const pgiam_explain_auth *f)
{
	char region[64] = "";
	int error = 0, n = 0;

	if (f->password_login)
		return pgiam_buf_puts(out, "the server refused the password for this user");
	if (f->password_asked)
		/* RDS (and the sandbox) use PAM only for members of rds_iam; anyone else gets
		 * password authentication, which a token cannot pass. */
		return pgiam_buf_printf(out, "the server used password authentication, not IAM: "
			"user %s is most likely not granted rds_iam (GRANT rds_iam TO %s), or the "
			"user name's case differs", f->db_user, f->db_user);

	error |= pgiam_buf_printf(out, "the server refused the IAM token; usual causes: "
		"(%d) user %s not granted rds_iam (GRANT rds_iam TO %s; unchecked: needs a login)",
		++n, f->db_user, f->db_user);
	{
		/* the same resource `pgiam policy` writes (util/arn.c), named placeholders */
		pgiam_arn_rds_db db = { NULL, f->token_region, f->account_id, f->dbi_resource_id,
			f->db_user, "REGION", "ACCOUNT", "DBI-RESOURCE-ID", "DB-USER" };
		char resource[1024];

		if (pgiam_arn_rds_db_resource(resource, sizeof(resource), &db) < 0)
			snprintf(resource, sizeof(resource), "(too long to show)");
		error |= pgiam_buf_printf(out, "; (%d) the role's policy does not allow rds-db:connect "
			"on %s (unchecked: see pgiam policy)", ++n, resource);
	}

	if (pgiam_explain_endpoint_region(region, sizeof(region), f->endpoint_host) == 0)
		error |= pgiam_buf_printf(out, "; (%d) token region %s vs endpoint region %s: %s",
			++n, f->token_region, region,
			f->token_region && !strcmp(f->token_region, region) ? "ok" : "MISMATCH");
	else
		error |= pgiam_buf_printf(out, "; (%d) token region %s (the endpoint name shows "
			"no region: unchecked)", ++n, f->token_region);

	if (!same_host(f->token_host, f->endpoint_host) || f->token_port != f->endpoint_port)
		error |= pgiam_buf_printf(out, "; (%d) token signed for %s:%d but the endpoint is "
			"%s:%d: MISMATCH%s", ++n, f->token_host, f->token_port, f->endpoint_host,
			f->endpoint_port,
			f->connect_host && same_host(f->token_host, f->connect_host) ?
			" (signed for the tunnel's address, as naive clients do)" : "");
	else
		error |= pgiam_buf_printf(out, "; (%d) token signed for the endpoint %s:%d%s: ok",
			++n, f->endpoint_host, f->endpoint_port,
			f->connect_host ? ", not the tunnel" : "");

	if (f->token_user && f->db_user && strcmp(f->token_user, f->db_user))
		error |= pgiam_buf_printf(out, "; (%d) token signed for user %s but logging in as "
			"%s: MISMATCH", ++n, f->token_user, f->db_user);

	if (f->token_signed_at && f->now && (f->now - f->token_signed_at > 900 ||
	    f->token_signed_at - f->now > 300))
		error |= pgiam_buf_printf(out, "; (%d) token signed %+lds from now: EXPIRED or "
			"clock skew", ++n, (long)(f->token_signed_at - f->now));
	else
		error |= pgiam_buf_printf(out, "; (%d) clock skew over 5 minutes between this "
			"machine and AWS (unchecked: compare `date -u`)", ++n);

	if (f->creds_expiration && f->creds_expiration <= f->now)
		error |= pgiam_buf_printf(out, "; (%d) the credentials that signed the token "
			"expired %lds ago: MISMATCH", ++n, (long)(f->now - f->creds_expiration));
	else if (f->reassumed)
		error |= revoked_cause(out, ++n, f);
	else if (f->creds_expiration)
		error |= pgiam_buf_printf(out, "; (%d) signing credentials valid for %lds more: "
			"ok (unless revoked)", ++n, (long)(f->creds_expiration - f->now));
	else
		error |= pgiam_buf_printf(out, "; (%d) long-term signing keys: check they are "
			"active", ++n);
	return error ? PGIAM_ENOMEM : 0;
}

/* Skips whitespace and SQL comments (-- … and nested block comments). */
static const char *skip_space(const char *p)
{
	for (;;) {
		while (*p && pgiam_ascii_isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 1;
			p += 2;
			while (*p && depth) {
				if (p[0] == '/' && p[1] == '*')
					depth++, p++;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p++;
				p++;
			}
		} else {
			return p;
		}
	}
}

static size_t word_len(const char *p)
{
	size_t n = 0;

	while (pgiam_ascii_isalpha((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

static void upper_word(char *out, size_t outlen, const char *p, size_t n)
{
	if (!outlen)
		return;
	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)pgiam_ascii_toupper((unsigned char)p[i]);
	out[n] = '\0';
}

/* After WITH: the first keyword at parenthesis depth 0 that starts a statement. */
static const char *main_verb_after_with(const char *p, size_t *len)
{
	static const char *const verbs[] = { "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE",
		"VALUES", "TABLE" };
	int depth = 0;
	char quote = 0;

	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (!depth && pgiam_ascii_isalpha((unsigned char)*p) &&
		           (p[-1] == ')' || pgiam_ascii_isspace((unsigned char)p[-1]))) {
			size_t n = word_len(p);
			for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
				if (n == strlen(verbs[i]) && !pgiam_ascii_ncasecmp(p, verbs[i], n)) {
					*len = n;
					return p;
				}
			p += n ? n - 1 : 0;
		}
	}
	return NULL;
}

void pgiam_explain_statement_kind(char *out, size_t outlen, const char *sql)
{
	const char *p = skip_space(sql ? sql : "");
	size_t n = word_len(p);

	if (outlen)
		out[0] = '\0';
	if (!n)
		return;
	if (n == 4 && !pgiam_ascii_ncasecmp(p, "WITH", 4)) {
		const char *v = main_verb_after_with(p + 4, &n);
		if (v)
			p = v;
		else
			return;
	}
	if (n == 4 && !pgiam_ascii_ncasecmp(p, "COPY", 4)) {
		/* COPY t FROM … writes (INSERT), COPY t TO … reads. */
		const char *q = p;
		while ((q = pgiam_ascii_casestr(q + 1, "FROM")) != NULL)
			if (pgiam_ascii_isspace((unsigned char)q[-1]) && !pgiam_ascii_isalnum((unsigned char)q[4])) {
				snprintf(out, outlen, "COPY FROM");
				return;
			}
		snprintf(out, outlen, "COPY TO");
		return;
	}
	upper_word(out, outlen, p, n);
}

/* The end of the dollar-quote opening tag at p ($$ or $tag$), or NULL when p does not
 * start one ($1 is a parameter, a$b an identifier: the caller checks what precedes). */
static const char *dollar_tag_end(const char *p)
{
	const char *q = p + 1;

	if (*p != '$' || pgiam_ascii_isdigit((unsigned char)*q))
		return NULL;
	while (pgiam_ascii_isalnum((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80)
		q++;
	return *q == '$' ? q + 1 : NULL;
}

const char *pgiam_explain_nth_statement(const char *sql, int n)
{
	const char *p = skip_space(sql ? sql : "");
	const char *start = p;
	int depth = 0, index = 0;

	if (n < 0)
		return NULL;
	while (*p) {
		const char *tag_end = NULL;
		if (*p == '\'' || *p == '"') {
			/* E'…' strings take backslash escapes; '' and "" double the quote */
			int backslash = *p == '\'' && p > start && (p[-1] == 'E' || p[-1] == 'e') &&
				!(p - 1 > start && (pgiam_ascii_isalnum((unsigned char)p[-2]) ||
				p[-2] == '_'));
			char quote = *p++;
			for (; *p; p++) {
				if (backslash && *p == '\\' && p[1]) {
					p++;
				} else if (*p == quote) {
					if (p[1] != quote)
						break;
					p++;
				}
			}
			if (*p)
				p++;
		} else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
			p = skip_space(p);
		} else if (*p == '$' && !(p > start && (pgiam_ascii_isalnum((unsigned char)p[-1]) ||
		           p[-1] == '_' || (unsigned char)p[-1] >= 0x80)) &&
		           (tag_end = dollar_tag_end(p))) {
			size_t len = (size_t)(tag_end - p);
			const char *close = tag_end;
			while (*close && strncmp(close, p, len))
				close++;
			p = *close ? close + len : close;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			depth -= depth > 0;
			p++;
		} else if (*p == ';' && !depth) {
			if (index == n)
				return start;
			/* empty statements (";;") are not statements to the server either */
			do
				p = skip_space(p + 1);
			while (*p == ';');
			index++;
			start = p;
		} else {
			p++;
		}
	}
	return index == n && *start ? start : NULL;
}

/* One identifier at p, as PostgreSQL reads it: "quoted" (with "" for a quote) kept as
 * is, else unquoted and folded to lower case (ASCII only, as the server does for
 * multibyte encodings). The end of it, or NULL when there is none or it does not fit. */
static const char *read_identifier(char *out, size_t outlen, const char *p)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p; p++) {
			if (*p == '"' && p[1] != '"')
				break;
			if (*p == '"')
				p++;
			if (n + 1 >= outlen)
				return NULL;
			out[n++] = *p;
		}
		if (*p != '"' || !n)
			return NULL;
		out[n] = '\0';
		return p + 1;
	}
	if (!(pgiam_ascii_isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80))
		return NULL;
	for (; pgiam_ascii_isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
	     (unsigned char)*p >= 0x80; p++) {
		if (n + 1 >= outlen)
			return NULL;
		out[n++] = (char)pgiam_ascii_tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return p;
}

/* Skips the keyword kw (and the space after it) at p when it is there. */
static const char *skip_keyword(const char *p, const char *kw)
{
	size_t n = strlen(kw);

	if (word_len(p) == n && !pgiam_ascii_ncasecmp(p, kw, n))
		return skip_space(p + n);
	return p;
}

int pgiam_explain_write_target(char *schema, size_t schemalen, char *table, size_t tablelen,
	const char *sql)
{
	char part[3][128];
	const char *p = skip_space(sql ? sql : "");
	const char *q = NULL;
	size_t n = word_len(p);
	int parts = 0;

	if (!schemalen || !tablelen)
		return PGIAM_ENOTFOUND;
	schema[0] = table[0] = '\0';
	if (n == 4 && !pgiam_ascii_ncasecmp(p, "WITH", 4) && !(p = main_verb_after_with(p + 4, &n)))
		return PGIAM_ENOTFOUND;
	if (n == 6 && !pgiam_ascii_ncasecmp(p, "INSERT", 6)) {
		if ((q = skip_keyword(skip_space(p + 6), "INTO")) == skip_space(p + 6))
			return PGIAM_ENOTFOUND;
	} else if (n == 6 && !pgiam_ascii_ncasecmp(p, "UPDATE", 6)) {
		q = skip_keyword(skip_space(p + 6), "ONLY");
	} else if (n == 6 && !pgiam_ascii_ncasecmp(p, "DELETE", 6)) {
		if ((q = skip_keyword(skip_space(p + 6), "FROM")) == skip_space(p + 6))
			return PGIAM_ENOTFOUND;
		q = skip_keyword(q, "ONLY");
	} else if (n == 8 && !pgiam_ascii_ncasecmp(p, "TRUNCATE", 8)) {
		q = skip_keyword(skip_keyword(skip_space(p + 8), "TABLE"), "ONLY");
	} else {
		return PGIAM_ENOTFOUND;
	}
	/* [catalog.][schema.]table: the last part is the table, the one before the schema */
	for (;;) {
		if (!(q = read_identifier(part[parts], sizeof(part[0]), q)))
			return PGIAM_ENOTFOUND;
		parts++;
		q = skip_space(q);
		if (*q != '.' || parts == 3)
			break;
		q = skip_space(q + 1);
	}
	if (*q == '.')
		return PGIAM_ENOTFOUND;
	if (strlen(part[parts - 1]) >= tablelen ||
	    (parts > 1 && strlen(part[parts - 2]) >= schemalen))
		return PGIAM_ENOTFOUND;
	strcpy(table, part[parts - 1]);
	if (parts > 1)
		strcpy(schema, part[parts - 2]);
	return 0;
}

int pgiam_explain_parse_name(char *schema, size_t schemalen, char *table, size_t tablelen,
	const char *text)
{
	char part[2][128];
	const char *q = skip_space(text ? text : "");
	int parts = 0;

	if (!schemalen || !tablelen)
		return PGIAM_EINVAL;
	schema[0] = table[0] = '\0';
	for (;;) {
		if (!(q = read_identifier(part[parts], sizeof(part[0]), q)))
			return PGIAM_EINVAL;
		parts++;
		q = skip_space(q);
		if (*q != '.' || parts == 2)
			break;
		q = skip_space(q + 1);
	}
	if (*q || strlen(part[parts - 1]) >= tablelen ||
	    (parts > 1 && strlen(part[0]) >= schemalen))
		return PGIAM_EINVAL;
	strcpy(table, part[parts - 1]);
	if (parts > 1)
		strcpy(schema, part[0]);
	return 0;
}

int pgiam_explain_denied_object(char *kind, size_t kindlen, char *name, size_t namelen,
	const char *msg)
{
	static const char *const prefixes[] = { "permission denied for ", "must be owner of " };
	static const char *const kinds[] = { "materialized view", "foreign table", "table",
		"view", "sequence", "schema", "database", "function", "procedure", "type",
		"language", "large object", "tablespace", "relation", "column" };
	const char *p = NULL;
	size_t n;

	for (size_t i = 0; i < 2 && !p; i++)
		if ((p = msg ? strstr(msg, prefixes[i]) : NULL))
			p += strlen(prefixes[i]);
	if (!p)
		return PGIAM_ENOTFOUND;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i]);
		if (strncmp(p, kinds[i], k) || p[k] != ' ')
			continue;
		p += k + 1;
		n = strcspn(p, "\n");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '.'))
			n--;
		if (*p == '"' && n >= 2 && p[n - 1] == '"')
			p++, n -= 2;
		if (!n || n >= namelen || k >= kindlen)
			return PGIAM_ENOTFOUND;
		memcpy(kind, kinds[i], k + 1);
		memcpy(name, p, n);
		name[n] = '\0';
		return 0;
	}
	return PGIAM_ENOTFOUND;
}

const char *pgiam_explain_needed_privilege(const char *sk, const char *object_kind)
{
	static const char *const table_kinds[] = { "table", "view", "materialized view",
		"foreign table", "relation" };
	int is_table = 0;

	for (size_t i = 0; i < sizeof(table_kinds) / sizeof(table_kinds[0]); i++)
		is_table |= object_kind && !strcmp(object_kind, table_kinds[i]);
	if (object_kind && !strcmp(object_kind, "schema"))
		return sk && !strcmp(sk, "CREATE") ? "CREATE" : "USAGE";
	if (object_kind && !strcmp(object_kind, "sequence"))
		return "USAGE";
	if (object_kind && !strcmp(object_kind, "function"))
		return "EXECUTE";
	if (!is_table || !sk)
		return NULL;
	if (!strcmp(sk, "SELECT") || !strcmp(sk, "TABLE") || !strcmp(sk, "VALUES") ||
	    !strcmp(sk, "COPY TO"))
		return "SELECT";
	if (!strcmp(sk, "INSERT") || !strcmp(sk, "COPY FROM"))
		return "INSERT";
	if (!strcmp(sk, "UPDATE"))
		return "UPDATE";
	if (!strcmp(sk, "DELETE"))
		return "DELETE";
	if (!strcmp(sk, "TRUNCATE"))
		return "TRUNCATE";
	return NULL;
}

/* Whether the comma-separated list holds priv as one of its items. */
static int list_has(const char *list, const char *priv)
{
	size_t n = strlen(priv);

	for (const char *p = list; p && *p; ) {
		p += strspn(p, ", ");
		if (!strncmp(p, priv, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

int pgiam_explain_permission(pgiam_buf *out, const pgiam_explain_denied *f)
{
	const char *sk = f->statement_kind && *f->statement_kind ? f->statement_kind : NULL;
	const char *need = pgiam_explain_needed_privilege(sk, f->object_kind);
	int error = 0;

	error |= pgiam_buf_printf(out, "%s refused: role %s", sk ? sk : "statement",
		f->role && *f->role ? f->role : "(unknown)");
	if (f->member_of && *f->member_of)
		error |= pgiam_buf_printf(out, " (member of %s)", f->member_of);
	else
		error |= pgiam_buf_puts(out, " (member of no other role)");
	if (!f->object_kind || !f->object_name) {
		error |= pgiam_buf_printf(out, " was refused: %s",
			f->server_message ? f->server_message : "permission denied");
		return error ? PGIAM_ENOMEM : 0;
	}
	if (need && f->held && list_has(f->held, need) && strcmp(need, "SELECT") &&
	    !list_has(f->held, "SELECT"))
		/* The statement's own privilege is there: reading columns (WHERE,
		 * RETURNING, SET x = x + 1) is what needs the missing SELECT. */
		error |= pgiam_buf_printf(out, " holds %s on %s %s but lacks SELECT, needed to "
			"read its columns (WHERE, RETURNING or expressions)", need, f->object_kind,
			f->object_name);
	else if (need)
		error |= pgiam_buf_printf(out, " lacks %s on %s %s", need, f->object_kind,
			f->object_name);
	else
		error |= pgiam_buf_printf(out, " lacks a privilege on %s %s", f->object_kind,
			f->object_name);
	if (f->held)
		error |= pgiam_buf_printf(out, "; it holds %s", *f->held ? f->held : "no privilege on it");
	return error ? PGIAM_ENOMEM : 0;
}

int pgiam_explain_read_only(pgiam_buf *out, const char *sk, const char *origin)
{
	/* default_transaction_read_only is a session default: a guard, not a permission
	 * (one SET lifts it); never say the server "enforces" more than that. */
	if (origin && !*origin)
		return pgiam_buf_printf(out, "%s refused: the transaction is read-only, which pgiam "
			"did not ask for (SET TRANSACTION READ ONLY, a role or database default of "
			"default_transaction_read_only, or a standby server): a guard the server "
			"applies, which the session itself can lift unless it is a standby; the "
			"role's grants are the real limit", sk && *sk ? sk : "statement");
	return pgiam_buf_printf(out, "%s refused: this session is read-only "
		"(default_transaction_read_only is on, set by %s): a guard the server applies to "
		"this session, which the session itself can lift (SET default_transaction_read_only "
		"= off, or F8 in the TUI); the role's grants are the real limit",
		sk && *sk ? sk : "statement", origin ? origin : "the profile's read_only = true");
}

int pgiam_explain_read_only_held(pgiam_buf *out, const pgiam_explain_denied *f)
{
	const char *sk = f->statement_kind && *f->statement_kind ? f->statement_kind : NULL;
	const char *need = pgiam_explain_needed_privilege(sk, "table");
	int error = 0;

	if ((error = pgiam_explain_read_only(out, sk, f->read_only_origin)) < 0 || !need || !f->object_name ||
	    !f->held)
		return error;
	if (list_has(f->held, need))
		error |= pgiam_buf_puts(out, "; role ");
	else
		error |= pgiam_buf_puts(out, "; besides, role ");
	error |= pgiam_buf_puts(out, f->role && *f->role ? f->role : "(unknown)");
	if (f->member_of && *f->member_of)
		error |= pgiam_buf_printf(out, " (member of %s)", f->member_of);
	if (list_has(f->held, need))
		error |= pgiam_buf_printf(out, " holds %s on %s, so the refusal is only the "
			"session's read-only setting", need, f->object_name);
	else if (*f->held)
		error |= pgiam_buf_printf(out, " holds only %s on %s, so without read-only it "
			"would be refused too", f->held, f->object_name);
	else
		error |= pgiam_buf_printf(out, " holds no privilege on %s, so without read-only "
			"it would be refused too", f->object_name);
	return error ? PGIAM_ENOMEM : 0;
}

/* Where statement n of sql ends: before the semicolon (and the space around it) that
 * starts statement n + 1, or at the end of the string. */
static const char *statement_end(const char *sql, const char *start, int n)
{
	const char *next = pgiam_explain_nth_statement(sql, n + 1);
	const char *end = next ? next : start + strlen(start);

	while (end > start && (pgiam_ascii_isspace((unsigned char)end[-1]) || end[-1] == ';'))
		end--;
	return end;
}

/* The length of s[0..len) without a UTF-8 character left incomplete at its end. */
static size_t whole_chars(const char *s, size_t len)
{
	size_t k = len;
	unsigned char lead;
	size_t need;

	while (k && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (!k || (lead = (unsigned char)s[k - 1]) < 0xC0)
		return len;
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	return len - (k - 1) < need ? k - 1 : len;
}

int pgiam_explain_statement_text(char *out, size_t outlen, const char *sql, int n)
{
	const char *start = n < 0 ? skip_space(sql ? sql : "") : pgiam_explain_nth_statement(sql, n);
	const char *end = NULL;
	size_t len = 0;
	int space = 0;

	if (outlen)
		out[0] = '\0';
	if (!start || outlen < 8)
		return PGIAM_ENOTFOUND;
	end = n < 0 ? statement_end(sql, start, INT_MAX - 1) : statement_end(sql, start, n);
	for (const char *p = start; p < end; p++) {
		if (pgiam_ascii_isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		if (len + (size_t)space + 1 > outlen - 4) {
			len = whole_chars(out, len);   /* cut on a character boundary */
			memcpy(out + len, "\xE2\x80\xA6", 4);
			return 0;
		}
		if (space)
			out[len++] = ' ';
		space = 0;
		out[len++] = *p;
		out[len] = '\0';
	}
	return 0;
}

int pgiam_explain_failed_transaction(pgiam_buf *out, const char *statement,
	const char *sqlstate, const char *message)
{
	int error = 0;

	if (statement && *statement) {
		error |= pgiam_buf_printf(out, "the transaction failed earlier, at: %s", statement);
		if (message && *message)
			error |= pgiam_buf_printf(out, " (ERROR %s: %s)", sqlstate && *sqlstate
				? sqlstate : "", message);
	} else {
		error |= pgiam_buf_puts(out, "an earlier statement failed the transaction");
	}
	error |= pgiam_buf_puts(out, "; every statement is refused until ROLLBACK ends it "
		"(its work is lost either way)");
	return error < 0 ? PGIAM_ENOMEM : 0;
}

int pgiam_explain_failed_here(pgiam_buf *out, const char *explanation)
{
	int error = 0;

	if (explanation && *explanation)
		error |= pgiam_buf_printf(out, "%s; ", explanation);
	error |= pgiam_buf_puts(out, "this statement failed the open transaction: ROLLBACK "
		"ends it (nothing else runs until then)");
	return error < 0 ? PGIAM_ENOMEM : 0;
}
