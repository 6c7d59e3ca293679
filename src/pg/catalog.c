/* catalog.c - identity, memberships and a privilege summary from the server's
 * catalogs, through parameterised queries on the session's own non-blocking path
 * (pgiam_session_query_params), so a cancel and a deadline stop them like any query. */
#include "catalog.h"

#include "error.h"
#include "secure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char IDENTITY_SQL[] =
	"SELECT current_user::text, session_user::text, current_setting('server_version'),"
	" current_setting('server_version_num')::int,"
	" coalesce((SELECT string_agg(r.rolname::text, ', ' ORDER BY r.rolname) FROM pg_roles r"
	"   WHERE r.rolname <> current_user AND r.rolname !~ '^pg_'"
	"     AND pg_has_role(current_user, r.oid, 'MEMBER')), ''),"
	" EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = $1"
	"   AND pg_has_role(current_user, r.oid, 'MEMBER'))";

/* $1: schemas left out; $2: the privileges, in PGIAM_PRIV_* bit order. */
static const char PRIVILEGES_SQL[] =
	"SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
	" CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'"
	"   WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END,"
	" (SELECT coalesce(sum(1 << (i - 1)::int), 0) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i)"
	"   WHERE has_table_privilege(c.oid, p))::int"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> ALL ($1::text[])"
	"   AND n.nspname !~ '^pg_(toast|temp)'"
	" ORDER BY 1";

/* A catalog query's rows, as text ("" for SQL NULL). */
typedef struct rows {
	char **v;                 /* n * nfields */
	size_t n, cap;
	int nfields;
	int oom;
} rows;

static void rows_dispose(rows *r)
{
	for (size_t i = 0; i < r->n * (size_t)r->nfields; i++)
		free(r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static const char *rows_get(const rows *r, size_t row, int field)
{
	return r->v[row * (size_t)r->nfields + (size_t)field];
}

static void rows_add(rows *r, const pgiam_session_event *ev)
{
	size_t base;

	if (r->oom || (r->n && ev->nfields != r->nfields))
		return;
	r->nfields = ev->nfields;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **v = realloc(r->v, cap * (size_t)(r->nfields ? r->nfields : 1) * sizeof(*v));
		if (!v) {
			r->oom = 1;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	base = r->n * (size_t)r->nfields;
	for (int i = 0; i < r->nfields; i++) {
		if (!(r->v[base + (size_t)i] = pgiam_strdup(ev->values[i] ? ev->values[i] : ""))) {
			while (i-- > 0)
				free(r->v[base + (size_t)i]);
			r->oom = 1;
			return;
		}
	}
	r->n++;
}

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	(void)s;
	if (ev->kind == PGIAM_SEV_ROW)
		rows_add(ctx, ev);
}

/* Runs one catalog query through the session's own non-blocking path, so it is
 * cancelled like any query: when w->cancel is set, or after w->timeout_ms. */
static int exec(rows *out, pgiam_session *s, const char *sql, int n, const char *const *params,
	const pgiam_catalog_wait *w, const char *what)
{
	const pgiam_session_error *e;
	char why[1024];
	int error;

	memset(out, 0, sizeof(*out));
	if (pgiam_session_get_state(s) != PGIAM_SESSION_READY)
		return pgiam_error_set(PGIAM_EINVAL, "%s: the session is not connected", what);
	if ((error = pgiam_session_query_params(s, sql, n, params)) < 0)
		return error;
	error = pgiam_session_run_until(s, on_event, out, w ? w->cancel : NULL,
		w ? w->timeout_ms : 0);
	e = pgiam_session_last_error(s);
	snprintf(why, sizeof(why), "%s", pgiam_error_last());
	if (error == 0 && out->oom)
		error = pgiam_error_set(PGIAM_ENOMEM, "%s: out of memory", what);
	else if (error == PGIAM_ECANCELLED)
		pgiam_error_set(error, "%s: cancelled", what);
	else if (error == PGIAM_ETIMEOUT)   /* the session's own deadline: its words */
		pgiam_error_set_class(PGIAM_ECLASS_QUERY, error, "%s: %s", what, why);
	else if (error < 0 && e->sqlstate[0])
		pgiam_error_set(error, "%s: %s (SQLSTATE %s)", what, e->server_message, e->sqlstate);
	else if (error < 0)
		pgiam_error_set(error, "%s: %s", what, why);
	if (error < 0)
		rows_dispose(out);
	return error;
}

int pgiam_catalog_identity_get(pgiam_catalog_identity *out, pgiam_session *s,
	const pgiam_catalog_wait *w)
{
	const char *params[1] = { "rds_iam" };
	rows res;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if ((error = exec(&res, s, IDENTITY_SQL, 1, params, w, "current_user")) < 0)
		return error;
	if (res.n != 1 || res.nfields != 6) {
		error = pgiam_error_set(PGIAM_ESERVER, "current_user: no answer");
		goto cleanup;
	}
	snprintf(out->current_user, sizeof(out->current_user), "%s", rows_get(&res, 0, 0));
	snprintf(out->session_user, sizeof(out->session_user), "%s", rows_get(&res, 0, 1));
	snprintf(out->server_version, sizeof(out->server_version), "%s", rows_get(&res, 0, 2));
	out->server_version_num = atoi(rows_get(&res, 0, 3));
	snprintf(out->memberships, sizeof(out->memberships), "%s", rows_get(&res, 0, 4));
	out->has_rds_iam = !strcmp(rows_get(&res, 0, 5), "t");

cleanup:
	rows_dispose(&res);
	return error;
}

int pgiam_catalog_privileges_get(pgiam_catalog_privileges *out, pgiam_session *s,
	const pgiam_catalog_wait *w)
{
	const char *params[2] = { "{pg_catalog,information_schema}",
		"{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}" };
	rows res;
	int error = 0;
	size_t n;

	memset(out, 0, sizeof(*out));
	if ((error = exec(&res, s, PRIVILEGES_SQL, 2, params, w, "privileges")) < 0)
		return error;
	n = res.n;
	if (n && res.nfields != 3) {
		error = pgiam_error_set(PGIAM_ESERVER, "privileges: unexpected answer");
		goto cleanup;
	}
	out->tables = n;
	if (n && !(out->list = calloc(n < PGIAM_CATALOG_LIST_MAX ? n : PGIAM_CATALOG_LIST_MAX,
	    sizeof(*out->list)))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "privileges: out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned privs = (unsigned)atoi(rows_get(&res, i, 2));
		out->can_select += !!(privs & PGIAM_PRIV_SELECT);
		out->can_insert += !!(privs & PGIAM_PRIV_INSERT);
		out->can_update += !!(privs & PGIAM_PRIV_UPDATE);
		out->can_delete += !!(privs & PGIAM_PRIV_DELETE);
		if (out->list_count < PGIAM_CATALOG_LIST_MAX) {
			pgiam_catalog_table_priv *t = &out->list[out->list_count++];
			snprintf(t->name, sizeof(t->name), "%s", rows_get(&res, i, 0));
			snprintf(t->kind, sizeof(t->kind), "%s", rows_get(&res, i, 1));
			t->privs = privs;
		}
	}

cleanup:
	rows_dispose(&res);
	if (error)
		pgiam_catalog_privileges_dispose(out);
	return error;
}

void pgiam_catalog_privileges_dispose(pgiam_catalog_privileges *p)
{
	free(p->list);
	memset(p, 0, sizeof(*p));
}

void pgiam_catalog_privs_str(char *out, size_t outlen, unsigned privs)
{
	static const char *const names[] = { "SELECT", "INSERT", "UPDATE", "DELETE",
		"TRUNCATE", "REFERENCES", "TRIGGER" };
	size_t len = 0;

	if (!outlen)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(privs & (1u << i)))
			continue;
		len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s",
			len ? ", " : "", names[i]);
		if (len >= outlen) {
			out[outlen - 1] = '\0';
			return;
		}
	}
}
