/* explain_refusal.c - a refused statement explained in parts (explain.h): what was
 * denied, for whom, what the role holds on the object and through which role, what is
 * missing and the GRANT that fixes it.
 *
 * PostgreSQL 15 says "permission denied for table t" whether a table or a column
 * privilege is missing, so the columns a statement names are read from its text (the
 * SET targets of an UPDATE and the column list of an INSERT need the statement's own
 * privilege; every other mention is a read, which needs SELECT on that column).
 */
#include "explain.h"

#include "ascii.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_NAMED 64

/* snprintf into a fixed field: a part cut at its field's size is still useful. */
static void setf(char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void setf(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
}

/* A column named in the statement: as a target (SET x =, INSERT (x)) or a read. */
typedef struct named {
	size_t column;             /* index in facts->columns */
	int target, read;
} named;

typedef struct usage {
	named n[MAX_NAMED];
	size_t count;
	int star;                  /* SELECT * / RETURNING *: every column is read */
} usage;

static int word_is(const char *w, const char *kw)
{
	return !pgiam_ascii_casecmp(w, kw);
}

static void note(usage *u, const pgiam_explain_facts *f, const char *ident, int target)
{
	for (size_t i = 0; i < f->ncolumns; i++) {
		if (strcmp(f->columns[i].name, ident))
			continue;
		for (size_t k = 0; k < u->count; k++)
			if (u->n[k].column == i) {
				u->n[k].target |= target;
				u->n[k].read |= !target;
				return;
			}
		if (u->count < MAX_NAMED)
			u->n[u->count++] = (named){ i, target, !target };
		return;
	}
}

/* The next identifier or keyword at *pp (quoted kept, unquoted folded), skipping
 * strings, numbers and punctuation; "" at the end. *quoted: it was "…". */
static const char *next_word(char *out, size_t outlen, const char **pp, int *depth,
	char *punct)
{
	const char *p = *pp;
	size_t n = 0;

	*punct = 0;
	out[0] = '\0';
	while (*p) {
		if (*p == '\'') {
			for (p++; *p && !(*p == '\'' && p[1] != '\''); p++)
				if (*p == '\'')
					p++;
			p += *p != 0;
		} else if (*p == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (*p == '"' || pgiam_ascii_isalpha((unsigned char)*p) || *p == '_' ||
		           (unsigned char)*p >= 0x80) {
			break;
		} else if (pgiam_ascii_isdigit((unsigned char)*p)) {
			while (pgiam_ascii_isalnum((unsigned char)*p) || *p == '.' || *p == '_')
				p++;
		} else {
			if (*p == '(')
				(*depth)++;
			else if (*p == ')' && *depth > 0)
				(*depth)--;
			else if (!pgiam_ascii_isspace((unsigned char)*p)) {
				*punct = *p;
				*pp = p + 1;
				return out;
			}
			p++;
		}
	}
	if (*p == '"') {
		for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
			if (*p == '"')
				p++;
			if (n + 1 < outlen)
				out[n++] = *p;
		}
		p += *p != 0;
	} else {
		for (; pgiam_ascii_isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		     (unsigned char)*p >= 0x80; p++)
			if (n + 1 < outlen)
				out[n++] = (char)pgiam_ascii_tolower((unsigned char)*p);
	}
	out[n] = '\0';
	*pp = p;
	return out;
}

/* Which columns the statement names, and how (see the file comment). */
static void columns_used(usage *u, const pgiam_explain_facts *f)
{
	const char *p = f->statement ? f->statement : "";
	const char *kind = f->statement_kind ? f->statement_kind : "";
	int update = !strcmp(kind, "UPDATE"), insert = !strcmp(kind, "INSERT");
	int depth = 0, in_set = 0, in_list = 0, seen_into = 0;
	char w[128], punct;

	memset(u, 0, sizeof(*u));
	for (;;) {
		int d0 = depth;
		next_word(w, sizeof(w), &p, &depth, &punct);
		if (punct) {
			if (punct == '*' && d0 == 0 && !in_set)
				u->star = 1;
			continue;
		}
		if (!w[0] && !*p)
			break;
		if (!w[0])
			continue;
		if (depth == 0 && (word_is(w, "where") || word_is(w, "from") ||
		    word_is(w, "returning") || word_is(w, "values") || word_is(w, "select"))) {
			in_set = 0;
			in_list = 0;
			continue;
		}
		if (update && depth == 0 && word_is(w, "set")) {
			in_set = 1;
			continue;
		}
		if (insert && word_is(w, "into")) {
			seen_into = 1;
			continue;
		}
		if (insert && seen_into == 1 && depth == 0) {
			seen_into = 2;        /* the table's name; its column list follows */
			in_list = 1;
			continue;
		}
		if (in_set && depth == 0) {
			const char *q = p;
			while (pgiam_ascii_isspace((unsigned char)*q))
				q++;
			note(u, f, w, *q == '=' && q[1] != '>');
			continue;
		}
		note(u, f, w, insert && in_list && depth == 1);
	}
}

static int append_list(char *out, size_t outlen, const char *item)
{
	size_t len = strlen(out);

	setf(out + len, outlen - len, "%s%s", len ? ", " : "", item);
	return 0;
}

static const char *grant_kind(const char *object_kind)
{
	if (!object_kind)
		return NULL;
	if (!strcmp(object_kind, "schema"))
		return "SCHEMA";
	if (!strcmp(object_kind, "function") || !strcmp(object_kind, "procedure"))
		return "FUNCTION";
	if (!strcmp(object_kind, "sequence"))
		return "SEQUENCE";
	if (!strcmp(object_kind, "database"))
		return "DATABASE";
	if (!strcmp(object_kind, "table") || !strcmp(object_kind, "view") ||
	    !strcmp(object_kind, "materialized view") || !strcmp(object_kind, "foreign table") ||
	    !strcmp(object_kind, "relation"))
		return "TABLE";
	return NULL;
}

/* The group role the role's privileges on the object come through, when one does
 * (not the role itself, PUBLIC or ownership). */
static const char *group_of(const pgiam_explain_facts *f)
{
	for (size_t i = 0; i < f->nholds; i++) {
		const char *v = f->holds[i].via;
		if (strcmp(v, "PUBLIC") && strcmp(v, "owner") && f->role && strcmp(v, f->role))
			return v;
	}
	return NULL;
}

static void copy_holds(pgiam_explain_parts *parts, const pgiam_explain_facts *f)
{
	parts->nholds = 0;
	for (size_t i = 0; i < f->nholds && i < PGIAM_EXPLAIN_HOLDS_MAX; i++)
		parts->holds[parts->nholds++] = f->holds[i];
}

/* "SELECT (through readonly_role), UPDATE (salary) (through u)"; "" when none. */
static void holds_text(char *out, size_t outlen, const pgiam_explain_facts *f)
{
	char item[300];

	out[0] = '\0';
	for (size_t i = 0; i < f->nholds; i++) {
		const char *v = f->holds[i].via;
		if (!strcmp(v, "owner"))
			setf(item, sizeof(item), "%s (as its owner)", f->holds[i].privilege);
		else if (f->role && !strcmp(v, f->role))
			setf(item, sizeof(item), "%s (granted to it)", f->holds[i].privilege);
		else
			setf(item, sizeof(item), "%s (through %s)", f->holds[i].privilege, v);
		append_list(out, outlen, item);
	}
}

/* The missing column privileges the statement's text shows: targets without the
 * statement's privilege, reads without SELECT. Fills the missing text and the
 * column GRANTs; 1 when something was found. */
static int missing_columns(pgiam_explain_parts *parts, const pgiam_explain_facts *f,
	const char *need)
{
	usage u;
	char targets[256] = "", reads[256] = "";

	if (!f->columns || !f->ncolumns)
		return 0;
	columns_used(&u, f);
	for (size_t k = 0; k < u.count; k++) {
		const pgiam_explain_column *c = &f->columns[u.n[k].column];
		int has_need = !strcmp(need, "INSERT") ? c->insert : !strcmp(need, "UPDATE") ?
			c->update : c->select;
		if (u.n[k].target && !has_need)
			append_list(targets, sizeof(targets), c->name);
		if (u.n[k].read && !c->select)
			append_list(reads, sizeof(reads), c->name);
	}
	if (u.star)
		for (size_t i = 0; i < f->ncolumns; i++)
			if (!f->columns[i].select && !strstr(reads, f->columns[i].name))
				append_list(reads, sizeof(reads), f->columns[i].name);
	if (!targets[0] && !reads[0])
		return 0;
	if (targets[0] && strcmp(need, "SELECT")) {
		setf(parts->denied, sizeof(parts->denied), "%s (%s)", need, targets);
		setf(parts->missing, sizeof(parts->missing), "%s on column%s %s of %s", need,
			strchr(targets, ',') ? "s" : "", targets, parts->object);
		setf(parts->fix, sizeof(parts->fix), "GRANT %s (%s) ON TABLE %s TO %s;", need,
			targets, f->object_name, f->role);
	}
	if (reads[0]) {
		size_t len = strlen(parts->fix);
		if (!targets[0] || !strcmp(need, "SELECT"))
			setf(parts->denied, sizeof(parts->denied), "SELECT (%s)", reads);
		setf(parts->missing + strlen(parts->missing), sizeof(parts->missing) -
			strlen(parts->missing), "%sSELECT on column%s %s of %s, needed to read %s "
			"(the statement reads %s)", parts->missing[0] ? " and " : "",
			strchr(reads, ',') ? "s" : "", reads, parts->object,
			strchr(reads, ',') ? "them" : "it", strchr(reads, ',') ? "them" : "it");
		setf(parts->fix + len, sizeof(parts->fix) - len, "%sGRANT SELECT (%s) ON TABLE "
			"%s TO %s;", len ? " " : "", reads, f->object_name, f->role);
	}
	return 1;
}

static int some_column(const pgiam_explain_facts *f, const char *need)
{
	for (size_t i = 0; f->columns && i < f->ncolumns; i++) {
		const pgiam_explain_column *c = &f->columns[i];
		if (!strcmp(need, "INSERT") ? c->insert : !strcmp(need, "UPDATE") ? c->update :
		    !strcmp(need, "SELECT") ? c->select : 0)
			return 1;
	}
	return 0;
}

static int who(pgiam_buf *text, const pgiam_explain_facts *f, const char *sk)
{
	int error = pgiam_buf_printf(text, "%s refused: role %s", sk, f->role && *f->role ?
		f->role : "(unknown)");

	if (f->member_of && *f->member_of)
		error |= pgiam_buf_printf(text, " (member of %s", f->member_of);
	else
		error |= pgiam_buf_puts(text, " (member of no other role");
	if (f->iam_role && *f->iam_role)
		error |= pgiam_buf_printf(text, "; logged in through IAM role %s", f->iam_role);
	return error | pgiam_buf_puts(text, ")");
}

static int explain_rls(pgiam_buf *text, pgiam_explain_parts *parts, const pgiam_explain_facts *f,
	const char *sk, const char *holds)
{
	int error = 0;

	setf(parts->denied, sizeof(parts->denied), "row-level security");
	setf(parts->missing, sizeof(parts->missing), "a row-level security policy of %s "
		"that lets this row in for %s (WITH CHECK)", parts->object, f->role);
	setf(parts->fix, sizeof(parts->fix), "-- the row, or a policy: CREATE POLICY name ON "
		"%s FOR %s TO %s WITH CHECK (condition);", f->object_name, sk, f->role);
	error |= who(text, f, sk);
	error |= pgiam_buf_printf(text, " was refused by row-level security on %s, not by a "
		"missing privilege: the new row does not pass a policy's WITH CHECK", parts->object);
	if (f->policies)
		error |= pgiam_buf_printf(text, " (policies: %s)", *f->policies ? f->policies :
			"none: with row-level security on and no policy, no row passes");
	if (*holds)
		error |= pgiam_buf_printf(text, "; it holds %s", holds);
	return error;
}

/* The read-only refusal: what the server's guard is, who set it, then whether the
 * role could write at all (a GRANT as the fix when it could not). */
static int explain_read_only(pgiam_buf *text, pgiam_explain_parts *parts,
	const pgiam_explain_facts *f, const char *sk, const char *need)
{
	pgiam_explain_denied d;
	int held = need && f->held && strstr(f->held, need) != NULL;
	int error;

	memset(&d, 0, sizeof(d));
	d.statement_kind = sk;
	d.role = f->role;
	d.member_of = f->member_of;
	d.object_name = f->object_name;
	d.held = f->held;
	d.read_only_origin = f->read_only_origin;
	error = pgiam_explain_read_only_held(text, &d);
	setf(parts->denied, sizeof(parts->denied), "%s (read-only session)", sk);
	if (!f->object_name || !need || !f->held) {
		setf(parts->missing, sizeof(parts->missing), "a read-write session");
		setf(parts->fix, sizeof(parts->fix), "SET SESSION CHARACTERISTICS AS "
			"TRANSACTION READ WRITE;");
	} else if (held) {
		setf(parts->missing, sizeof(parts->missing), "a read-write session (the role "
			"holds %s on %s)", need, parts->object);
		setf(parts->fix, sizeof(parts->fix), "SET SESSION CHARACTERISTICS AS "
			"TRANSACTION READ WRITE;");
	} else {
		setf(parts->missing, sizeof(parts->missing), "a read-write session, and %s on "
			"%s", need, parts->object);
		setf(parts->fix, sizeof(parts->fix), "GRANT %s ON TABLE %s TO %s; -- and a "
			"read-write session", need, f->object_name, f->role);
	}
	return error;
}

static void object_words(pgiam_explain_parts *parts, const pgiam_explain_facts *f)
{
	if (f->object_kind && f->object_name)
		setf(parts->object, sizeof(parts->object), "%s %s", f->object_kind,
			f->object_name);
	else if (f->object_name)
		setf(parts->object, sizeof(parts->object), "table %s", f->object_name);
}

int pgiam_explain_refusal(pgiam_buf *text, pgiam_explain_parts *parts,
	const pgiam_explain_facts *f)
{
	const char *sk = f->statement_kind && *f->statement_kind ? f->statement_kind : "statement";
	const char *need = pgiam_explain_needed_privilege(sk, f->object_kind ? f->object_kind :
		"table");
	const char *gk = grant_kind(f->object_kind);
	const char *group = group_of(f);
	char holds[600];
	int error = 0, whole;

	memset(parts, 0, sizeof(*parts));
	parts->present = 1;
	setf(parts->role, sizeof(parts->role), "%s", f->role ? f->role : "");
	setf(parts->iam_role, sizeof(parts->iam_role), "%s", f->iam_role ? f->iam_role : "");
	copy_holds(parts, f);
	object_words(parts, f);
	holds_text(holds, sizeof(holds), f);
	if (f->read_only)
		return explain_read_only(text, parts, f, sk, pgiam_explain_needed_privilege(sk,
			"table")) < 0 ? PGIAM_ENOMEM : 0;
	if (f->rls && f->object_name)
		return explain_rls(text, parts, f, sk, holds) < 0 ? PGIAM_ENOMEM : 0;
	if (!f->object_kind || !f->object_name || !gk) {
		setf(parts->denied, sizeof(parts->denied), "%s", sk);
		setf(parts->missing, sizeof(parts->missing), "%s", f->server_message ?
			f->server_message : "permission denied");
		error |= who(text, f, sk);
		error |= pgiam_buf_printf(text, " was refused: %s", f->server_message ?
			f->server_message : "permission denied");
		return error < 0 ? PGIAM_ENOMEM : 0;
	}
	error |= who(text, f, sk);
	if (!strcmp(gk, "TABLE") && f->schema_usage == 0) {
		/* the table is not reachable at all: its schema's USAGE is what lacks */
		setf(parts->denied, sizeof(parts->denied), "USAGE");
		setf(parts->missing, sizeof(parts->missing), "USAGE on schema %s", f->schema);
		setf(parts->fix, sizeof(parts->fix), "GRANT USAGE ON SCHEMA %s TO %s;",
			f->schema, f->role);
		error |= pgiam_buf_printf(text, " lacks USAGE on schema %s, which every object in it "
			"needs", f->schema);
	} else if (!strcmp(gk, "SCHEMA")) {
		setf(parts->denied, sizeof(parts->denied), "%s", need ? need : "USAGE");
		setf(parts->missing, sizeof(parts->missing), "%s on %s", parts->denied,
			parts->object);
		setf(parts->fix, sizeof(parts->fix), "GRANT %s ON SCHEMA %s TO %s;",
			parts->denied, f->object_name, f->role);
		error |= pgiam_buf_printf(text, " lacks %s on %s%s", parts->denied, parts->object,
			!strcmp(parts->denied, "USAGE") ? ", which every object in it needs" : "");
	} else if (!strcmp(gk, "FUNCTION")) {
		setf(parts->denied, sizeof(parts->denied), "EXECUTE");
		setf(parts->missing, sizeof(parts->missing), "EXECUTE on %s", parts->object);
		setf(parts->fix, sizeof(parts->fix), "GRANT EXECUTE ON FUNCTION %s TO %s;",
			f->object_name, f->role);
		error |= pgiam_buf_printf(text, " lacks EXECUTE on %s (EXECUTE is granted per "
			"function, with its argument types)", parts->object);
	} else if (!need) {
		setf(parts->denied, sizeof(parts->denied), "%s", sk);
		setf(parts->missing, sizeof(parts->missing), "a privilege on %s (or its "
			"ownership)", parts->object);
		error |= pgiam_buf_printf(text, " lacks a privilege on %s: %s", parts->object,
			f->server_message ? f->server_message : "permission denied");
	} else {
		/* column analysis only where the role holds the privilege (on the table, or on
		 * some of its columns): otherwise the table's privilege is what lacks */
		whole = f->held && strstr(f->held, need) != NULL;
		if (!strcmp(gk, "TABLE") && (whole || some_column(f, need)) &&
		    missing_columns(parts, f, need)) {
			error |= pgiam_buf_printf(text, " lacks %s", parts->missing);
		} else {
			setf(parts->denied, sizeof(parts->denied), "%s", need);
			setf(parts->missing, sizeof(parts->missing), "%s on %s", need, parts->object);
			setf(parts->fix, sizeof(parts->fix), "GRANT %s ON %s %s TO %s;", need, gk,
				f->object_name, f->role);
			error |= pgiam_buf_printf(text, " lacks %s on %s", need, parts->object);
		}
	}
	error |= pgiam_buf_printf(text, "; it holds %s", *holds ? holds : f->held && *f->held ?
		f->held : "no privilege on it");
	if (parts->fix[0])
		error |= pgiam_buf_printf(text, "; fix: %s", parts->fix);
	if (parts->fix[0] && group)
		error |= pgiam_buf_printf(text, " (this grants to %s itself; its privileges here "
			"come through the group role %s: a grant to a group role reaches every member "
			"of it)", f->role, group);
	return error < 0 ? PGIAM_ENOMEM : 0;
}
