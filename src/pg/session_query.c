/* session_query.c - queries on a ready session: sending, reading rows one at a time,
 * noticing a dropped connection, and explaining refusals.
 *
 * Rows come in libpq's single-row mode, so a large result never sits in memory and
 * the caller sees the first rows at once. A statement refused with SQLSTATE 42501 is
 * followed by one parameterised catalog query (role, memberships, the privileges the
 * role holds on the object named in the error) before the error is reported, so the
 * user reads "INSERT refused: role … lacks INSERT on table …; it holds SELECT". A
 * write refused by a read-only session (25006) gets the same query on the statement's
 * target table, to say whether the role could write it at all.
 */
#include "session_int.h"
#include "sqlstate.h"

#include "ascii.h"
#include "error.h"
#include "secure.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The session's own first query: who we are, and whether the server enforces
 * read-only (what SHOW default_transaction_read_only says). */
static const char INFO_SQL[] =
	"SELECT current_user::text, current_setting('server_version'), "
	"current_setting('default_transaction_read_only')";

/* Rows (kind, a, b, c, d) about the object of a refusal. $1 object name, $2 object
 * kind (from the error message or the statement), $3 its schema ("" when unqualified:
 * the one visible on the search path comes first).
 *   role:    current_user, the roles it is a member of, default_transaction_read_only,
 *            the role or database defaults that set it on (ALTER … SET)
 *   object:  qualified name, whole-object privileges held, schema, USAGE on it (t/f)
 *   via:     a privilege held, and the role it is granted to ("PUBLIC", "owner")
 *   column:  a column, and SELECT, INSERT, UPDATE on it (t/f) for the role
 *   policy:  a row-level security policy: name, command, roles, its check */
static const char EXPLAIN_SQL[] =
	"WITH rel AS ("
	"  SELECT c.oid, c.relname, n.nspname, n.oid AS nsp, c.relowner AS owner, c.relkind,"
	"   coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::\"char\""
	"     ELSE 'r'::\"char\" END, c.relowner)) AS acl,"
	"   quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified"
	"  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE $2 IN ('table', 'view', 'materialized view', 'foreign table', 'sequence', 'relation')"
	"   AND c.relname = $1 AND ($3::text = '' OR n.nspname::text = $3)"
	"  ORDER BY pg_table_is_visible(c.oid) DESC, n.nspname LIMIT 1),"
	" fn AS ("
	"  SELECT p.oid, p.proowner AS owner, coalesce(p.proacl, acldefault('f', p.proowner)) AS acl,"
	"   p.oid::regprocedure::text AS qualified, n.nspname, n.oid AS nsp"
	"  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
	"  WHERE $2 IN ('function', 'procedure') AND p.proname = $1"
	"   AND ($3::text = '' OR n.nspname::text = $3)"
	"  ORDER BY pg_function_is_visible(p.oid) DESC LIMIT 1),"
	" sch AS ("
	"  SELECT n.oid, n.nspowner AS owner, coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl,"
	"   quote_ident(n.nspname) AS qualified FROM pg_namespace n"
	"  WHERE $2 = 'schema' AND n.nspname = $1),"
	" obj AS (SELECT owner, acl FROM rel UNION ALL SELECT owner, acl FROM fn"
	"  UNION ALL SELECT owner, acl FROM sch)"
	"SELECT 'role', current_user::text,"
	" (SELECT coalesce(string_agg(r.rolname::text, ', ' ORDER BY r.rolname), '')"
	"    FROM pg_roles r WHERE r.rolname <> current_user AND r.rolname !~ '^pg_'"
	"     AND pg_has_role(current_user, r.oid, 'MEMBER')),"
	" current_setting('default_transaction_read_only'),"
	" (SELECT string_agg(CASE WHEN s.setdatabase = 0 THEN 'ALTER ROLE ' || quote_ident(session_user)"
	"   WHEN s.setrole = 0 THEN 'ALTER DATABASE ' || quote_ident(current_database())"
	"   ELSE 'ALTER ROLE ' || quote_ident(session_user) || ' IN DATABASE '"
	"   || quote_ident(current_database()) END || ' SET default_transaction_read_only', '; ')"
	"  FROM pg_db_role_setting s"
	"  WHERE s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = session_user))"
	"   AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))"
	"   AND EXISTS (SELECT 1 FROM unnest(s.setconfig) c"
	"    WHERE c ~* '^default_transaction_read_only=(on|true|yes|1)$'))"
	" UNION ALL"
	" SELECT 'object', qualified,"
	"  (SELECT coalesce(string_agg(p, ', ' ORDER BY i), '') FROM unnest("
	"    CASE WHEN relkind = 'S' THEN ARRAY['USAGE','SELECT','UPDATE']"
	"    ELSE ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER'] END)"
	"    WITH ORDINALITY AS t(p, i)"
	"   WHERE CASE WHEN relkind = 'S' THEN has_sequence_privilege(oid, p)"
	"    ELSE has_table_privilege(oid, p) END),"
	"  nspname::text, has_schema_privilege(nsp, 'USAGE')::text FROM rel"
	" UNION ALL"
	" SELECT 'object', qualified, CASE WHEN has_function_privilege(oid, 'EXECUTE')"
	"  THEN 'EXECUTE' ELSE '' END, nspname::text, has_schema_privilege(nsp, 'USAGE')::text FROM fn"
	" UNION ALL"
	" SELECT 'object', qualified, (SELECT coalesce(string_agg(p, ', ' ORDER BY i), '')"
	"   FROM unnest(ARRAY['USAGE','CREATE']) WITH ORDINALITY AS t(p, i)"
	"   WHERE has_schema_privilege(oid, p)), '', NULL FROM sch"
	" UNION ALL"
	" SELECT 'object', quote_ident(d.datname), (SELECT coalesce(string_agg(p, ', ' ORDER BY i), '')"
	"   FROM unnest(ARRAY['CONNECT','CREATE','TEMPORARY']) WITH ORDINALITY AS t(p, i)"
	"   WHERE has_database_privilege(d.oid, p)), '', NULL"
	"  FROM pg_database d WHERE $2 = 'database' AND d.datname = $1"
	" UNION ALL"
	" SELECT 'via', a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
	"  WHEN a.grantee = o.owner THEN 'owner' ELSE pg_get_userbyid(a.grantee)::text END, NULL, NULL"
	"  FROM obj o, aclexplode(o.acl) a"
	"  WHERE a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'USAGE')"
	" UNION ALL"
	" SELECT 'via', x.privilege_type || ' (' || string_agg(quote_ident(x.attname), ', '"
	"  ORDER BY x.attnum) || ')', x.via, NULL, NULL FROM ("
	"  SELECT a.privilege_type, att.attname, att.attnum, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
	"   ELSE pg_get_userbyid(a.grantee)::text END AS via"
	"  FROM rel o JOIN pg_attribute att ON att.attrelid = o.oid AND att.attnum > 0"
	"   AND NOT att.attisdropped AND att.attacl IS NOT NULL, aclexplode(att.attacl) a"
	"  WHERE a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'USAGE')) x"
	"  GROUP BY x.privilege_type, x.via"
	" UNION ALL"
	" SELECT 'column', att.attname::text, has_column_privilege(o.oid, att.attnum, 'SELECT')::text,"
	"  has_column_privilege(o.oid, att.attnum, 'INSERT')::text,"
	"  has_column_privilege(o.oid, att.attnum, 'UPDATE')::text"
	"  FROM rel o JOIN pg_attribute att ON att.attrelid = o.oid AND att.attnum > 0"
	"   AND NOT att.attisdropped"
	" UNION ALL"
	" SELECT 'policy', p.policyname::text, p.cmd, array_to_string(p.roles, ', '),"
	"  coalesce(p.with_check, p.qual, 'true')"
	"  FROM rel o JOIN pg_policies p ON p.schemaname = o.nspname AND p.tablename = o.relname";

void pgiam__session_reset_columns(pgiam_session *s)
{
	for (int i = 0; i < s->ncols; i++)
		free(s->colnames[i]);
	free(s->colnames);
	free(s->coltypes);
	s->colnames = NULL;
	s->coltypes = NULL;
	s->ncols = 0;
	s->got_columns = 0;
}

static int set_columns(pgiam_session *s, const PGresult *res)
{
	int n = PQnfields(res);
	ev_node *node;

	pgiam__session_reset_columns(s);
	if (n > 0 && (!(s->colnames = calloc((size_t)n, sizeof(char *))) ||
	    !(s->coltypes = calloc((size_t)n, sizeof(unsigned)))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory reading columns");
	for (int i = 0; i < n; i++)
		s->coltypes[i] = (unsigned)PQftype(res, i);
	for (int i = 0; i < n; i++) {
		if (!(s->colnames[i] = pgiam_strdup(PQfname(res, i)))) {
			s->ncols = i;
			return PGIAM_ENOMEM;
		}
	}
	s->ncols = n;
	s->got_columns = 1;
	if (!(node = pgiam__session_push_node(s, PGIAM_SEV_COLUMNS)))
		return PGIAM_ENOMEM;
	node->nfields = n;
	return 0;
}

static void copy_field(char *out, size_t outlen, const PGresult *res, int field)
{
	const char *v = PQresultErrorField(res, field);

	snprintf(out, outlen, "%s", v ? v : "");
}

/* Keeps the first error of a query (later ones are consequences of it). */
static void record_error(pgiam_session *s, const PGresult *res)
{
	char pos[16];

	s->query_failed = 1;
	if (s->err.sqlstate[0] || s->err.server_message[0])
		return;
	copy_field(s->err.sqlstate, sizeof(s->err.sqlstate), res, PG_DIAG_SQLSTATE);
	copy_field(s->err.server_message, sizeof(s->err.server_message), res,
		PG_DIAG_MESSAGE_PRIMARY);
	copy_field(s->err.detail, sizeof(s->err.detail), res, PG_DIAG_MESSAGE_DETAIL);
	copy_field(s->err.hint, sizeof(s->err.hint), res, PG_DIAG_MESSAGE_HINT);
	copy_field(pos, sizeof(pos), res, PG_DIAG_STATEMENT_POSITION);
	s->err.position = atoi(pos);
	if (!s->err.server_message[0])
		pgiam_explain_first_line(s->err.server_message, sizeof(s->err.server_message),
			PQresultErrorMessage(res));
}

/* The one-line message of a failed query. */
static int fail_query(pgiam_session *s)
{
	char extra[1200] = "";
	pgiam_session_error saved = s->err;
	int code = pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_INSUFFICIENT_PRIVILEGE) || pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_READ_ONLY_SQL_TRANSACTION) ?
		PGIAM_EDENIED : PGIAM_ESERVER;

	if (s->err.detail[0])
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "; detail: %s",
			s->err.detail);
	if (s->err.hint[0])
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "; hint: %s",
			s->err.hint);
	if (s->err.position)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			"; at character %d", s->err.position);
	s->state = ST_READY;
	if (s->err.explanation[0])
		pgiam__session_fail(s, PGIAM_STEP_QUERY, code, "query: %s (SQLSTATE %s: %s)%s",
			saved.explanation, saved.sqlstate, saved.server_message, extra);
	else
		pgiam__session_fail(s, PGIAM_STEP_QUERY, code, "query: %s (SQLSTATE %s)%s",
			saved.server_message, saved.sqlstate[0] ? saved.sqlstate : "none", extra);
	return code;
}

/* Notes where libpq's error message ends when a query is sent (everything after is
 * this query's: a server's FATAL parsed one step before the close is seen, too) and
 * when an idle connection is read (nothing before is current then). */
static void mark_errors(pgiam_session *s)
{
	s->err_mark = strlen(PQerrorMessage(s->conn));
}

/* What libpq said about the failure seen since mark_errors(), not an earlier one
 * still at the start of its message (a cancelled statement's "canceling statement due
 * to user request" stays there until the next query). */
static const char *current_failure(const pgiam_session *s)
{
	const char *m = PQerrorMessage(s->conn);
	size_t len = strlen(m);

	if (s->err_mark > len)       /* libpq started a new message meanwhile */
		return m;
	if (s->err_mark == len)
		return "the server closed the connection";
	return m + s->err_mark;
}

static void lost_in_query(pgiam_session *s)
{
	const char *why = current_failure(s);
	char line[512];

	pgiam__session_notices_flush(s);
	pgiam_explain_first_line(line, sizeof(line), s->notice[0] ? s->notice : why);
	if (s->state == ST_INFO) {
		pgiam__session_fail(s, PGIAM_STEP_READY, PGIAM_ENET, "session: connection lost "
			"right after login: %s", line);
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		PQfinish(s->conn);
		s->conn = NULL;
		free(s->pending_sql);
		s->pending_sql = NULL;
		pgiam__session_drop_params(s);
		return;
	}
	pgiam__session_fail(s, PGIAM_STEP_QUERY, PGIAM_ENET, "query: connection lost: %s; "
		"the next query reconnects with a new token", line);
	pgiam__session_lose(s, why);
}

void pgiam__session_free_params(char **params, int nparams)
{
	for (int i = 0; params && i < nparams; i++)
		free(params[i]);
	free(params);
}

void pgiam__session_drop_params(pgiam_session *s)
{
	pgiam__session_free_params(s->send_params, s->send_nparams);
	s->send_params = NULL;
	s->send_nparams = 0;
}

/* The statement goes out with its parameters (extended protocol) when it has them. */
static int send_statement(pgiam_session *s, const char *sql)
{
	if (!s->send_params)
		return PQsendQuery(s->conn, sql);
	return PQsendQueryParams(s->conn, sql, s->send_nparams, NULL,
		(const char *const *)s->send_params, NULL, NULL, 0);
}

int pgiam__session_send(pgiam_session *s, const char *sql)
{
	char *copy = pgiam_strdup(sql);

	if (!copy)
		return PGIAM_ENOMEM;
	pgiam__session_release_cancel(s);
	free(s->running_sql);
	s->running_sql = copy;
	memset(&s->err, 0, sizeof(s->err));
	pgiam__session_reset_columns(s);
	s->rows_in_set = s->rows_total = 0;
	s->query_failed = 0;
	s->stmts_done = 0;
	s->txn_before = s->txn;
	s->copy_out = 0;
	s->cancel_requested = 0;
	s->notice[0] = '\0';
	pgiam__session_notices_reset(s);
	if (!send_statement(s, sql)) {
		if (PQstatus(s->conn) == CONNECTION_BAD) {
			/* Nothing reached the server: safe to reconnect and send it then (with
			 * its parameters, still kept). */
			pgiam__session_lose(s, PQerrorMessage(s->conn));
			free(s->pending_sql);
			s->pending_sql = pgiam_strdup(sql);
			s->reconnecting = 1;
			return pgiam__session_start_connect(s);
		}
		s->state = ST_READY;
		pgiam__session_drop_params(s);
		return pgiam__session_fail(s, PGIAM_STEP_QUERY, PGIAM_ESERVER, "query: %s",
			PQerrorMessage(s->conn));
	}
	pgiam__session_drop_params(s);
	PQsetSingleRowMode(s->conn);
	mark_errors(s);
	s->state = ST_QUERY;
	s->flushing = 1;
	s->want_write = 1;
	return 0;
}

int pgiam__session_send_info(pgiam_session *s)
{
	pgiam__session_step(s, PGIAM_STEP_READY, 0, "");
	memset(&s->err, 0, sizeof(s->err));
	s->query_failed = 0;
	if (!PQsendQuery(s->conn, INFO_SQL)) {
		pgiam__session_fail(s, PGIAM_STEP_READY, PGIAM_ENET, "session: %s",
			PQerrorMessage(s->conn));
		PQfinish(s->conn);
		s->conn = NULL;
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		return PGIAM_ENET;
	}
	mark_errors(s);
	s->state = ST_INFO;
	s->flushing = 1;
	s->want_write = 1;
	return 0;
}

/* The statement of the running query string that failed: the one after those that
 * completed ("BEGIN; INSERT …" fails at the INSERT). */
static const char *failed_statement(const pgiam_session *s)
{
	const char *stmt = pgiam_explain_nth_statement(s->running_sql, s->stmts_done);

	return stmt ? stmt : s->running_sql;
}

/* Who set the read-only default, for the 25006 explanation ("" when pgiam did not). */
static const char *read_only_origin(const pgiam_session *s)
{
	if (s->ro_user_set)
		return s->ro_reported == 1 ? "a SET in this session" : "";
	return s->read_only ? (s->read_only_origin ? s->read_only_origin :
		"the profile's read_only = true") : "";
}

/* The table a row-level security refusal names: new row violates row-level security
 * policy [name] for table "t". 0, or -1. */
static int rls_table(char *name, size_t namelen, const char *msg)
{
	const char *p = strstr(msg, "row-level security");
	const char *q = p ? strstr(p, "for table \"") : NULL;
	const char *e = q ? strchr(q + 11, '"') : NULL;

	if (!e || (size_t)(e - (q + 11)) >= namelen || e == q + 11)
		return -1;
	memcpy(name, q + 11, (size_t)(e - (q + 11)));
	name[e - (q + 11)] = '\0';
	return 0;
}

/* Sends EXPLAIN_SQL about the object of a refusal: for 42501 the one named in the
 * server's message, for 25006 the table the statement writes (when it can be read
 * from the statement; otherwise the refusal is reported as it is). */
static void start_explain(pgiam_session *s)
{
	char kind[32], name[256], schema[256] = "";
	const char *params[3];

	if (pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_READ_ONLY_SQL_TRANSACTION)) {
		if (pgiam_explain_write_target(schema, sizeof(schema), name, sizeof(name),
		    failed_statement(s)) != 0) {
			fail_query(s);
			return;
		}
		snprintf(kind, sizeof(kind), "table");
	} else if (rls_table(name, sizeof(name), s->err.server_message) == 0) {
		snprintf(kind, sizeof(kind), "table");
	} else if (pgiam_explain_denied_object(kind, sizeof(kind), name, sizeof(name),
	    s->err.server_message) != 0) {
		snprintf(kind, sizeof(kind), "unknown");
		name[0] = '\0';
	}
	params[0] = name;
	params[1] = kind;
	params[2] = schema;
	if (!PQsendQueryParams(s->conn, EXPLAIN_SQL, 3, NULL, params, NULL, NULL, 0)) {
		fail_query(s);
		return;
	}
	mark_errors(s);
	s->state = ST_EXPLAIN;
	s->flushing = 1;
	s->want_write = 1;
}

#define EXPLAIN_COLUMNS_MAX 1600

/* The rows of EXPLAIN_SQL gathered into facts (pointers into res). */
typedef struct explain_rows {
	pgiam_explain_facts f;
	pgiam_explain_hold holds[PGIAM_EXPLAIN_HOLDS_MAX];
	pgiam_explain_column *columns;
	pgiam_buf policies;
	const char *ro_default;    /* "ALTER ROLE u SET default_transaction_read_only" */
	char origin[300];
	int have_object;
} explain_rows;

static void gather(explain_rows *x, const PGresult *res)
{
	int n = PQntuples(res);

	x->columns = calloc((size_t)n + 1, sizeof(*x->columns));
	for (int i = 0; i < n; i++) {
		const char *k = PQgetvalue(res, i, 0);
		const char *a = PQgetvalue(res, i, 1), *b = PQgetvalue(res, i, 2);
		const char *c = PQgetvalue(res, i, 3), *d = PQgetvalue(res, i, 4);
		if (!strcmp(k, "role")) {
			x->f.role = a;
			x->f.member_of = b;
			x->ro_default = PQgetisnull(res, i, 4) ? NULL : d;
		} else if (!strcmp(k, "object") && !x->have_object) {
			x->have_object = 1;
			x->f.object_name = a;
			x->f.held = b;
			x->f.schema = c;
			x->f.schema_usage = PQgetisnull(res, i, 4) ? -1 : !strcmp(d, "true");
		} else if (!strcmp(k, "via") && x->f.nholds < PGIAM_EXPLAIN_HOLDS_MAX) {
			pgiam_explain_hold *h = &x->holds[x->f.nholds++];
			snprintf(h->privilege, sizeof(h->privilege), "%s", a);
			snprintf(h->via, sizeof(h->via), "%s", b);
		} else if (!strcmp(k, "column") && x->columns && x->f.ncolumns < EXPLAIN_COLUMNS_MAX) {
			pgiam_explain_column *col = &x->columns[x->f.ncolumns++];
			col->name = a;
			col->select = !strcmp(b, "true");
			col->insert = !strcmp(c, "true");
			col->update = !strcmp(d, "true");
		} else if (!strcmp(k, "policy")) {
			pgiam_buf_printf(&x->policies, "%s%s (%s, TO %s: %s)", x->policies.len ?
				"; " : "", a, b, c, d);
		}
	}
	x->f.holds = x->holds;
	x->f.columns = x->columns;
}

static void explain_result(pgiam_session *s, const PGresult *res)
{
	char sk[32], kind[32], name[256];
	pgiam_buf out = PGIAM_BUF_INIT;
	explain_rows x;
	int ro = pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_READ_ONLY_SQL_TRANSACTION);
	int rls = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1)
		return;
	memset(&x, 0, sizeof(x));
	{
		pgiam_buf init = PGIAM_BUF_INIT;
		x.policies = init;
	}
	pgiam_explain_statement_kind(sk, sizeof(sk), failed_statement(s));
	gather(&x, res);
	x.f.read_only = ro;
	x.f.statement = failed_statement(s);
	x.f.statement_kind = sk;
	x.f.iam_role = s->iam_role;
	x.f.server_message = s->err.server_message;
	x.f.read_only_origin = read_only_origin(s);
	if (ro && !*x.f.read_only_origin && x.ro_default && s->ro_reported == 1) {
		/* not pgiam, not a SET seen here: the database or role default says who */
		snprintf(x.origin, sizeof(x.origin), "a default of the database or role (%s)",
			x.ro_default);
		x.f.read_only_origin = x.origin;
	}
	if (ro && !x.have_object)
		goto cleanup;   /* no such table: the plain read-only explanation, already set, stands */
	rls = rls_table(name, sizeof(name), s->err.server_message) == 0;
	if (rls)
		snprintf(kind, sizeof(kind), "table");
	if (!ro && !rls && pgiam_explain_denied_object(kind, sizeof(kind), name, sizeof(name),
	    s->err.server_message) != 0) {
		x.f.object_name = NULL;
	} else {
		x.f.object_kind = kind;
		if (!x.have_object)
			x.f.object_name = name;
	}
	if (ro)
		x.f.object_kind = "table";
	x.f.rls = rls;
	x.f.policies = rls ? pgiam_buf_cstr(&x.policies) : NULL;
	if (pgiam_explain_refusal(&out, &s->err.parts, &x.f) == 0)
		snprintf(s->err.explanation, sizeof(s->err.explanation), "%s", pgiam_buf_cstr(&out));
cleanup:
	free(x.columns);
	pgiam_buf_dispose(&x.policies);
	pgiam_buf_dispose(&out);
}

/* Read-only as the server reports it after a statement (PostgreSQL 14+ sends
 * default_transaction_read_only whenever it changes). A change that is not pgiam's
 * own toggle was the user's SQL: the explanation then names that. */
static void note_read_only(pgiam_session *s)
{
	const char *v = PQparameterStatus(s->conn, "default_transaction_read_only");
	int now;

	if (!v)
		return;
	now = !strcmp(v, "on");
	if (s->toggle_pending && !s->query_failed && now == s->toggle_to) {
		s->read_only = s->toggle_to;
		free(s->read_only_origin);
		s->read_only_origin = s->toggle_origin;
		s->toggle_origin = NULL;
		s->ro_user_set = 0;
	} else if (s->ro_reported >= 0 && now != s->ro_reported) {
		s->ro_user_set = 1;
	}
	s->ro_reported = now;
	s->info.read_only_enforced = now;
	s->info.read_only_requested = s->read_only;
}

static void info_result(pgiam_session *s, const PGresult *res)
{
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) < 3)
		return;
	snprintf(s->info.current_user, sizeof(s->info.current_user), "%s", PQgetvalue(res, 0, 0));
	snprintf(s->info.server_version, sizeof(s->info.server_version), "%s",
		PQgetvalue(res, 0, 1));
	s->info.read_only_enforced = !strcmp(PQgetvalue(res, 0, 2), "on");
	/* a new connection: the server's own value, set by nobody in this session yet */
	s->ro_reported = s->info.read_only_enforced;
	s->ro_user_set = 0;
	s->ro_txn = -1;
	s->info.read_only_requested = s->read_only;
}

/* transaction_read_only inside the open block, after a statement that may have set
 * it (BEGIN READ ONLY, SET TRANSACTION …): not a reported parameter. */
static const char TXNRO_SQL[] = "SELECT current_setting('transaction_read_only')";

static int may_change_txn_read_only(const pgiam_session *s)
{
	return s->txn_before != PGIAM_TXN_OPEN ||
		pgiam_ascii_casestr(s->running_sql ? s->running_sql : "", "read") != NULL;
}

static void push_done(pgiam_session *s)
{
	ev_node *n;

	s->state = ST_READY;
	if ((n = pgiam__session_push_node(s, PGIAM_SEV_DONE)))
		n->rows = s->rows_total;
}

/* After a successful statement: read transaction_read_only when a block is open and
 * the statement may have changed it, then DONE. */
static void finish_ok(pgiam_session *s)
{
	if (s->txn != PGIAM_TXN_OPEN) {
		s->ro_txn = -1;
		push_done(s);
		return;
	}
	if (!may_change_txn_read_only(s) || !PQsendQuery(s->conn, TXNRO_SQL)) {
		push_done(s);
		return;
	}
	mark_errors(s);
	s->state = ST_TXNRO;
	s->flushing = 1;
	s->want_write = 1;
}

static void handle_result(pgiam_session *s, PGresult *res)
{
	ev_node *n;

	switch (PQresultStatus(res)) {
	case PGRES_FATAL_ERROR:
	case PGRES_NONFATAL_ERROR:
	case PGRES_BAD_RESPONSE:
		record_error(s, res);
		break;
	case PGRES_SINGLE_TUPLE:
		if (s->state != ST_QUERY)
			break;
		if (!s->got_columns && set_columns(s, res) < 0)
			break;
		if ((n = pgiam__session_push_node(s, PGIAM_SEV_ROW))) {
			n->row = res;
			n->nfields = PQnfields(res);
			res = NULL;
		}
		s->rows_in_set++;
		s->rows_total++;
		break;
	case PGRES_TUPLES_OK:
		if (s->state == ST_INFO) {
			info_result(s, res);
			break;
		}
		if (s->state == ST_EXPLAIN) {
			explain_result(s, res);
			break;
		}
		if (s->state == ST_TXNRO) {
			if (PQntuples(res) == 1)
				s->ro_txn = !strcmp(PQgetvalue(res, 0, 0), "on");
			break;
		}
		if (!s->got_columns)
			set_columns(s, res);
		/* fallthrough */
	case PGRES_COMMAND_OK:
		if (s->state == ST_QUERY)
			s->stmts_done++;
		if (s->state == ST_QUERY && (n = pgiam__session_push_node(s, PGIAM_SEV_COMMAND))) {
			const char *tuples = PQcmdTuples(res);
			n->text = pgiam_strdup(PQcmdStatus(res));
			n->rows = PQresultStatus(res) == PGRES_TUPLES_OK || !*tuples ?
				s->rows_in_set : atoll(tuples);
		}
		s->got_columns = 0;
		s->rows_in_set = 0;
		break;
	case PGRES_COPY_OUT:
		s->copy_out = 1;
		snprintf(s->err.server_message, sizeof(s->err.server_message),
			"COPY … TO STDOUT is not supported here; use pgiam psql");
		s->query_failed = 1;
		break;
	case PGRES_COPY_IN:
		snprintf(s->err.server_message, sizeof(s->err.server_message),
			"COPY … FROM STDIN is not supported here; use pgiam psql");
		s->query_failed = 1;
		PQputCopyEnd(s->conn, "COPY FROM STDIN is not supported by pgiam");
		s->flushing = 1;
		break;
	case PGRES_EMPTY_QUERY:
	case PGRES_COPY_BOTH:
	case PGRES_PIPELINE_SYNC:
	case PGRES_PIPELINE_ABORTED:
		break;
	}
	PQclear(res);
}

/* After a query: the transaction state, and what failed the transaction when this
 * query did (a 25P02 refusal is a consequence, never the cause). 1 when it did. */
static int note_txn(pgiam_session *s)
{
	PGTransactionStatusType t = PQtransactionStatus(s->conn);

	if (t != PQTRANS_INERROR) {
		s->txn = t == PQTRANS_INTRANS ? PGIAM_TXN_OPEN : PGIAM_TXN_NONE;
		s->txn_stmt[0] = s->txn_sqlstate[0] = s->txn_message[0] = '\0';
		return 0;
	}
	s->txn = PGIAM_TXN_FAILED;
	if (!s->query_failed || pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_IN_FAILED_SQL_TRANSACTION))
		return 0;
	if (pgiam_explain_statement_text(s->txn_stmt, sizeof(s->txn_stmt), s->running_sql,
	    s->stmts_done) < 0)
		pgiam_explain_statement_text(s->txn_stmt, sizeof(s->txn_stmt), s->running_sql, 0);
	snprintf(s->txn_sqlstate, sizeof(s->txn_sqlstate), "%s", s->err.sqlstate);
	snprintf(s->txn_message, sizeof(s->txn_message), "%s", s->err.server_message);
	return 1;
}

/* The explanation of a refusal in the transaction this statement failed: worded by
 * explain.c after what was already said (or the server's message). */
static void explain_failed_here(pgiam_session *s, const char *said)
{
	pgiam_buf out = PGIAM_BUF_INIT;

	if (pgiam_explain_failed_here(&out, said) == 0)
		snprintf(s->err.explanation, sizeof(s->err.explanation), "%s", pgiam_buf_cstr(&out));
	pgiam_buf_dispose(&out);
}

/* 25P02: which statement failed the transaction, when this session saw it. */
static void explain_failed_txn(pgiam_session *s)
{
	pgiam_buf out = PGIAM_BUF_INIT;

	if (pgiam_explain_failed_transaction(&out, s->txn_stmt, s->txn_sqlstate,
	    s->txn_message) == 0)
		snprintf(s->err.explanation, sizeof(s->err.explanation), "%s", pgiam_buf_cstr(&out));
	pgiam_buf_dispose(&out);
}

pgiam_session_txn pgiam_session_transaction(const pgiam_session *s)
{
	return s && s->conn ? s->txn : PGIAM_TXN_NONE;
}

void pgiam_session_txn_failed_by(const pgiam_session *s, const char **statement,
	const char **sqlstate, const char **message)
{
	int failed = pgiam_session_transaction(s) == PGIAM_TXN_FAILED;

	if (statement)
		*statement = failed ? s->txn_stmt : "";
	if (sqlstate)
		*sqlstate = failed ? s->txn_sqlstate : "";
	if (message)
		*message = failed ? s->txn_message : "";
}

/* A read-only refusal in parts before (or without) the catalog query. */
static void read_only_parts(pgiam_session *s, const char *sk)
{
	pgiam_explain_parts *p = &s->err.parts;

	memset(p, 0, sizeof(*p));
	p->present = 1;
	snprintf(p->denied, sizeof(p->denied), "%s (read-only session)", sk[0] ? sk : "statement");
	snprintf(p->role, sizeof(p->role), "%s", s->info.current_user);
	snprintf(p->iam_role, sizeof(p->iam_role), "%s", s->iam_role ? s->iam_role : "");
	snprintf(p->missing, sizeof(p->missing), "a read-write session");
	snprintf(p->fix, sizeof(p->fix), "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;");
}

static void finish(pgiam_session *s)
{
	char detail[512];
	int failed_here = 0;
	
	if (PQstatus(s->conn) == CONNECTION_BAD) {
		lost_in_query(s);
		return;
	}
	switch (s->state) {
	case ST_INFO:
		if (s->query_failed) {
			pgiam__session_fail(s, PGIAM_STEP_READY, PGIAM_ESERVER, "session: %s",
				s->err.server_message);
			PQfinish(s->conn);
			s->conn = NULL;
			s->state = s->reconnecting ? ST_LOST : ST_IDLE;
			return;
		}
		snprintf(detail, sizeof(detail), "current_user %s, PostgreSQL %s, read-only %s",
			s->info.current_user, s->info.server_version,
			s->info.read_only_enforced ? "on (a session default the server applies; "
			"the role's grants are the real limit)" :
			(s->read_only ? "REQUESTED BUT NOT ON" : "off"));
		pgiam__session_step(s, PGIAM_STEP_READY, 1, detail);
		s->state = ST_READY;
		if (s->reconnecting || s->ever_connected) {
			s->info.reconnects++;
			pgiam__session_push(s, PGIAM_SEV_RECONNECTED, PGIAM_STEP_READY,
				"reconnected (new token)");
		} else {
			pgiam__session_push(s, PGIAM_SEV_CONNECTED, PGIAM_STEP_READY, detail);
		}
		s->ever_connected = 1;
		s->reconnecting = 0;
		if (s->pending_sql) {
			char *sql = s->pending_sql;
			s->pending_sql = NULL;
			pgiam__session_send(s, sql);
			free(sql);
		}
		return;
	case ST_EXPLAIN:
		fail_query(s);
		return;
	case ST_TXNRO:
		push_done(s);
		return;
	case ST_QUERY:
		pgiam__session_notices_flush(s);
		failed_here = note_txn(s);
		note_read_only(s);
		s->toggle_pending = 0;
		if (!s->query_failed) {
			finish_ok(s);
			return;
		}
		if (s->cancel_requested && pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_QUERY_CANCELED)) {
			s->state = ST_READY;
			pgiam__session_push(s, PGIAM_SEV_CANCELLED, PGIAM_STEP_QUERY,
				"query cancelled");
			return;
		}
		if (pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_READ_ONLY_SQL_TRANSACTION)) {
			pgiam_buf out = PGIAM_BUF_INIT;
			char sk[32];
			pgiam_explain_statement_kind(sk, sizeof(sk), failed_statement(s));
			if (pgiam_explain_read_only(&out, sk, read_only_origin(s)) == 0)
				snprintf(s->err.explanation, sizeof(s->err.explanation), "%s",
					pgiam_buf_cstr(&out));
			pgiam_buf_dispose(&out);
			read_only_parts(s, sk);
			if (s->txn != PGIAM_TXN_FAILED) {
				start_explain(s);
				return;
			}
			/* no catalog query runs in the transaction this refusal failed */
			explain_failed_here(s, s->err.explanation);
		} else if (pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_INSUFFICIENT_PRIVILEGE)) {
			if (s->txn != PGIAM_TXN_FAILED) {
				start_explain(s);
				return;
			}
			explain_failed_here(s, s->err.server_message);
		} else if (pgiam_sqlstate_is(s->err.sqlstate, PGIAM_SQLSTATE_IN_FAILED_SQL_TRANSACTION)) {
			explain_failed_txn(s);
		} else if (failed_here && !s->err.explanation[0]) {
			explain_failed_here(s, NULL);
		}
		fail_query(s);
		return;
	case ST_IDLE:
	case ST_WORKER:
	case ST_CONNECTING:
	case ST_READY:
	case ST_LOST:
		break;
	}
}

void pgiam__session_advance_query(pgiam_session *s)
{
	PGresult *res;
	int consumed = 0;

	if (s->flushing) {
		int f = PQflush(s->conn);
		if (f < 0) {
			lost_in_query(s);
			return;
		}
		s->flushing = f;
		s->want_write = f;
	}
	/* Read from the socket only when libpq needs more: each PQconsumeInput moves the
	 * unread part of libpq's buffer to its start, so reading once per row would make a
	 * large result quadratic. */
	for (;;) {
		if (s->copy_out) {
			char *buf = NULL;
			int n;
			while ((n = PQgetCopyData(s->conn, &buf, 1)) > 0)
				PQfreemem(buf);
			if (n == 0) {
				if (consumed)
					return;
				if (!PQconsumeInput(s->conn)) {
					lost_in_query(s);
					return;
				}
				consumed = 1;
				continue;
			}
			s->copy_out = 0;
		}
		if (PQisBusy(s->conn)) {
			if (consumed)
				break;
			if (!PQconsumeInput(s->conn)) {
				lost_in_query(s);
				return;
			}
			consumed = 1;
			continue;
		}
		if (!(res = PQgetResult(s->conn))) {
			finish(s);
			return;
		}
		handle_result(s, res);
		if (s->head)
			return;  /* hand the event out first; the next step continues */
	}
	if (PQstatus(s->conn) == CONNECTION_BAD)
		lost_in_query(s);
}

void pgiam__session_advance_idle(pgiam_session *s)
{
	PGnotify *nt;

	mark_errors(s);
	if (!PQconsumeInput(s->conn) || PQstatus(s->conn) == CONNECTION_BAD) {
		pgiam__session_lose(s, current_failure(s));
		return;
	}
	PQisBusy(s->conn);  /* parses what arrived (a FATAL notice before a shutdown) */
	while ((nt = PQnotifies(s->conn)))
		PQfreemem(nt);
}

int pgiam__session_check_alive(pgiam_session *s)
{
	mark_errors(s);
	for (int i = 0; i < 8 && PQstatus(s->conn) != CONNECTION_BAD; i++) {
		struct pollfd p = { PQsocket(s->conn), POLLIN, 0 };
		if (poll(&p, 1, 0) <= 0)
			break;
		if (!PQconsumeInput(s->conn))
			break;
		PQisBusy(s->conn);
	}
	if (PQstatus(s->conn) == CONNECTION_BAD) {
		pgiam__session_lose(s, current_failure(s));
		return -1;
	}
	return 0;
}

void pgiam_session_read_only_get(pgiam_session_read_only *out, const pgiam_session *s)
{
	memset(out, 0, sizeof(*out));
	out->transaction = -1;
	out->requested = s->read_only;
	if (!s->conn || s->ro_reported < 0 || s->state == ST_LOST || s->state == ST_CONNECTING ||
	    s->state == ST_WORKER || s->state == ST_INFO)
		return;
	out->connected = 1;
	out->session_default = s->ro_reported;
	out->reported = PQparameterStatus(s->conn, "default_transaction_read_only") != NULL;
	out->in_transaction = s->txn != PGIAM_TXN_NONE;
	out->transaction = out->in_transaction ? s->ro_txn : -1;
	out->on = out->transaction >= 0 ? out->transaction : out->session_default;
	out->origin = out->session_default ? read_only_origin(s) : "";
}

int pgiam_session_set_read_only(pgiam_session *s, int on, const char *origin)
{
	char *copy = NULL;
	int error = 0;

	if (s->state != ST_READY || !s->conn)
		return pgiam_error_set(PGIAM_EAGAIN, "not connected, or a statement is running");
	if (s->txn != PGIAM_TXN_NONE)
		return pgiam_error_set(PGIAM_EINVAL, "a transaction is open: COMMIT or ROLLBACK "
			"first (switching read-only mode inside it would not apply to it)");
	if (!(copy = pgiam_strdup(origin ? origin : "pgiam")))
		return PGIAM_ENOMEM;
	free(s->toggle_origin);
	s->toggle_origin = copy;
	s->toggle_to = on ? 1 : 0;
	if ((error = pgiam_session_query(s, on ? "SET SESSION CHARACTERISTICS AS TRANSACTION "
	    "READ ONLY" : "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")) < 0)
		return error;
	s->toggle_pending = 1;
	return 0;
}
