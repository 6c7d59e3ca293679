/* catalog.c - identity, memberships and a privilege summary from the server's
 * catalogs, through parameterised queries (PQexecParams). */
#include "catalog.h"

#include "error.h"

#include <libpq-fe.h>
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

/* The catalog calls are blocking; the session's connection is non-blocking between
 * them, so switch for the duration of one query. */
static PGresult *exec(pgiam_session *s, const char *sql, int n, const char *const *params,
	const char *what)
{
	PGconn *conn = pgiam_session_pgconn(s);
	PGresult *res;

	if (!conn) {
		pgiam_error_set(PGIAM_EINVAL, "%s: the session is not connected", what);
		return NULL;
	}
	PQsetnonblocking(conn, 0);
	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	PQsetnonblocking(conn, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		pgiam_error_set(PGIAM_ESERVER, "%s: %s (SQLSTATE %s)", what,
			msg ? msg : PQerrorMessage(conn), state ? state : "none");
		PQclear(res);
		return NULL;
	}
	return res;
}

int pgiam_catalog_identity_get(pgiam_catalog_identity *out, pgiam_session *s)
{
	const char *params[1] = { "rds_iam" };
	PGresult *res = NULL;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!(res = exec(s, IDENTITY_SQL, 1, params, "current_user")))
		return pgiam_error_last_code();
	if (PQntuples(res) != 1) {
		error = pgiam_error_set(PGIAM_ESERVER, "current_user: no answer");
		goto cleanup;
	}
	snprintf(out->current_user, sizeof(out->current_user), "%s", PQgetvalue(res, 0, 0));
	snprintf(out->session_user, sizeof(out->session_user), "%s", PQgetvalue(res, 0, 1));
	snprintf(out->server_version, sizeof(out->server_version), "%s", PQgetvalue(res, 0, 2));
	out->server_version_num = atoi(PQgetvalue(res, 0, 3));
	snprintf(out->memberships, sizeof(out->memberships), "%s", PQgetvalue(res, 0, 4));
	out->has_rds_iam = !strcmp(PQgetvalue(res, 0, 5), "t");

cleanup:
	PQclear(res);
	return error;
}

int pgiam_catalog_privileges_get(pgiam_catalog_privileges *out, pgiam_session *s)
{
	const char *params[2] = { "{pg_catalog,information_schema}",
		"{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}" };
	PGresult *res = NULL;
	int n, error = 0;

	memset(out, 0, sizeof(*out));
	if (!(res = exec(s, PRIVILEGES_SQL, 2, params, "privileges")))
		return pgiam_error_last_code();
	n = PQntuples(res);
	out->tables = (size_t)n;
	if (n && !(out->list = calloc((size_t)(n < PGIAM_CATALOG_LIST_MAX ? n :
	    PGIAM_CATALOG_LIST_MAX), sizeof(*out->list)))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "privileges: out of memory");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		unsigned privs = (unsigned)atoi(PQgetvalue(res, i, 2));
		out->can_select += !!(privs & PGIAM_PRIV_SELECT);
		out->can_insert += !!(privs & PGIAM_PRIV_INSERT);
		out->can_update += !!(privs & PGIAM_PRIV_UPDATE);
		out->can_delete += !!(privs & PGIAM_PRIV_DELETE);
		if (out->list_count < PGIAM_CATALOG_LIST_MAX) {
			pgiam_catalog_table_priv *t = &out->list[out->list_count++];
			snprintf(t->name, sizeof(t->name), "%s", PQgetvalue(res, i, 0));
			snprintf(t->kind, sizeof(t->kind), "%s", PQgetvalue(res, i, 1));
			t->privs = privs;
		}
	}

cleanup:
	PQclear(res);
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
