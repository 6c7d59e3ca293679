/* probe.c - the probe (probe.h): one catalog query, then for each statement BEGIN,
 * the guard (local timeouts), the statement and ROLLBACK, each a query of its own: pgiam's
 * own queries go as one statement each (the extended protocol), which refuses a
 * "BEGIN; SET …; statement" string. The statements come from
 * the catalog's answer (the table's quoted name, the columns that take a value and
 * their types), so nothing the user typed reaches the SQL but as a quoted literal.
 */
#include "probe.h"

#include "buf.h"
#include "catalog.h"
#include "error.h"
#include "quote.h"
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The guard of every statement: a lock held by someone else, or a slow plan, fails it
 * quickly instead of queueing behind (and in front of) production traffic. */
#define PROBE_GUARD "SELECT set_config('lock_timeout', '500ms', true)," \
	" set_config('statement_timeout', '2s', true)"

/* $1 schema ("" for the search path's), $2 table: the table's quoted name, kind, who
 * probes, read-only default, TRUNCATE from the catalog, then the insert columns and
 * their types as typed NULLs, and the first column for the UPDATE. */
#define PROBE_CATALOG_SQL \
	"SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind::text," \
	" current_user::text, current_setting('default_transaction_read_only')," \
	" has_table_privilege(c.oid, 'TRUNCATE')::text," \
	" (SELECT coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), '')" \
	"   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped" \
	"   AND a.attgenerated = '' AND a.attidentity <> 'a')," \
	" (SELECT coalesce(string_agg('NULL::' || format_type(a.atttypid, a.atttypmod), ', '" \
	"   ORDER BY a.attnum), '') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0" \
	"   AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity <> 'a')," \
	" (SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid" \
	"   AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1)" \
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace" \
	" WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname = %s" \
	" AND (CASE WHEN %s = '' THEN pg_table_is_visible(c.oid) ELSE n.nspname = %s END)" \
	" ORDER BY n.nspname LIMIT 1"

enum { STAGE_CATALOG, STAGE_BEGIN, STAGE_GUARD, STAGE_RUN, STAGE_ROLLBACK, STAGE_DONE,
	STAGE_FAILED };

static const char *const statements[PGIAM_PROBE_LINES] = { "SELECT", "INSERT", "UPDATE",
	"DELETE", "TRUNCATE" };

struct pgiam_probe {
	char schema[128], table[128];
	char qualified[300], role[128];
	int read_only, may_truncate, found;
	int stage;
	int stopping;
	int sent;                  /* the current statement's BEGIN query was handed out */
	size_t current;            /* the line being run */
	pgiam_buf sql;             /* the query being sent */
	char error[512];
	pgiam_probe_line lines[PGIAM_PROBE_LINES];
	char insert_cols[1024], insert_vals[1024], update_col[130];
};

int pgiam_probe_new(pgiam_probe **out, const char *name)
{
	pgiam_probe *p = calloc(1, sizeof(*p));
	pgiam_buf init = PGIAM_BUF_INIT;

	*out = NULL;
	if (!p)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (pgiam_explain_parse_name(p->schema, sizeof(p->schema), p->table, sizeof(p->table),
	    name) < 0) {
		free(p);
		return pgiam_error_set(PGIAM_EINVAL, "'%s' is not a table name (SCHEMA.TABLE, "
			"with \"…\" around a name that needs quotes)", name ? name : "");
	}
	p->sql = init;
	for (size_t i = 0; i < PGIAM_PROBE_LINES; i++) {
		p->lines[i].statement = statements[i];
		p->lines[i].allowed = -1;
		p->lines[i].source = i == PGIAM_PROBE_LINES - 1 ? "catalog" : "server";
	}
	*out = p;
	return 0;
}

void pgiam_probe_free(pgiam_probe *p)
{
	if (!p)
		return;
	pgiam_buf_dispose(&p->sql);
	free(p);
}

static int catalog_sql(pgiam_probe *p)
{
	pgiam_buf t = PGIAM_BUF_INIT, sc = PGIAM_BUF_INIT;
	int error = 0;

	if ((error = pgiam_sql_quote_literal(&t, p->table)) < 0 ||
	    (error = pgiam_sql_quote_literal(&sc, p->schema)) < 0)
		goto cleanup;
	pgiam_buf_clear(&p->sql);
	error = pgiam_buf_printf(&p->sql, PROBE_CATALOG_SQL, pgiam_buf_cstr(&t),
		pgiam_buf_cstr(&sc), pgiam_buf_cstr(&sc));
cleanup:
	pgiam_buf_dispose(&t);
	pgiam_buf_dispose(&sc);
	return error;
}

/* The statement of line i, touching no row (see probe.h). */
static void statement_sql(pgiam_probe *p, size_t i)
{
	pgiam_probe_line *l = &p->lines[i];
	const char *t = p->qualified;

	switch (i) {
	case 0:
		snprintf(l->sql, sizeof(l->sql), "SELECT * FROM %s LIMIT 0", t);
		break;
	case 1:
		if (p->insert_cols[0])
			snprintf(l->sql, sizeof(l->sql), "INSERT INTO %s (%s) SELECT %s WHERE false", t,
				p->insert_cols, p->insert_vals);
		else
			snprintf(l->sql, sizeof(l->sql), "INSERT INTO %s SELECT WHERE false", t);
		break;
	case 2:
		snprintf(l->sql, sizeof(l->sql), "UPDATE %s SET %s = DEFAULT WHERE false", t,
			p->update_col);
		break;
	case 3:
		snprintf(l->sql, sizeof(l->sql), "DELETE FROM %s WHERE false", t);
		break;
	default:
		snprintf(l->sql, sizeof(l->sql), "TRUNCATE %s", t);
		break;
	}
}

/* TRUNCATE: from the catalog, never run. */
static void truncate_line(pgiam_probe *p)
{
	pgiam_probe_line *l = &p->lines[PGIAM_PROBE_LINES - 1];

	statement_sql(p, PGIAM_PROBE_LINES - 1);
	l->allowed = p->may_truncate && !p->read_only;
	snprintf(l->message, sizeof(l->message), "not run (a TRUNCATE takes an ACCESS EXCLUSIVE "
		"lock): from the catalog, has_table_privilege says the role %s TRUNCATE%s",
		p->may_truncate ? "holds" : "lacks", p->read_only ? "; the session is read-only, "
		"so the server would refuse it (25006)" : "");
}

const char *pgiam_probe_next_sql(pgiam_probe *p)
{
	switch (p->stage) {
	case STAGE_CATALOG:
		if (!p->sql.len && catalog_sql(p) < 0) {
			p->stage = STAGE_FAILED;
			snprintf(p->error, sizeof(p->error), "out of memory");
			return NULL;
		}
		return pgiam_buf_cstr(&p->sql);
	case STAGE_BEGIN:
		if (p->stopping) {
			p->stage = STAGE_DONE;
			return NULL;
		}
		p->sent = 1;
		return "BEGIN";
	case STAGE_GUARD:
		return PROBE_GUARD;
	case STAGE_RUN:
		return p->lines[p->current].sql;
	case STAGE_ROLLBACK:
		return "ROLLBACK";
	default:
		return NULL;
	}
}

void pgiam_probe_feed_row(pgiam_probe *p, int nfields, const char *const *v)
{
	if (p->stage != STAGE_CATALOG || nfields < 8 || p->found)
		return;
	p->found = 1;
	snprintf(p->qualified, sizeof(p->qualified), "%s", v[0] ? v[0] : "");
	snprintf(p->role, sizeof(p->role), "%s", v[2] ? v[2] : "");
	p->read_only = v[3] && !strcmp(v[3], "on");
	p->may_truncate = v[4] && !strcmp(v[4], "true");
	snprintf(p->insert_cols, sizeof(p->insert_cols), "%s", v[5] ? v[5] : "");
	snprintf(p->insert_vals, sizeof(p->insert_vals), "%s", v[6] ? v[6] : "");
	snprintf(p->update_col, sizeof(p->update_col), "%s", v[7] ? v[7] : "");
	/* a wide table's lists would not fit: the zero-column form still asks for INSERT */
	if (strlen(v[5] ? v[5] : "") >= sizeof(p->insert_cols) ||
	    strlen(v[6] ? v[6] : "") >= sizeof(p->insert_vals))
		p->insert_cols[0] = p->insert_vals[0] = '\0';
}

void pgiam_probe_feed_end(pgiam_probe *p, int failed, const char *sqlstate,
	const char *message)
{
	pgiam_probe_line *l;

	switch (p->stage) {
	case STAGE_CATALOG:
		if (failed || !p->found) {
			p->stage = STAGE_FAILED;
			snprintf(p->error, sizeof(p->error), failed ? "the catalog query failed: %s" :
				"no table, view or materialized view %s%s%s visible to this role",
				failed ? (message ? message : "") : p->schema, p->schema[0] && !failed ?
				"." : "", failed ? "" : p->table);
			return;
		}
		for (size_t i = 0; i + 1 < PGIAM_PROBE_LINES; i++)
			statement_sql(p, i);
		truncate_line(p);
		p->current = 0;
		p->stage = STAGE_BEGIN;
		return;
	case STAGE_BEGIN:
	case STAGE_GUARD:
		if (!failed && !p->stopping) {
			p->stage = p->stage == STAGE_BEGIN ? STAGE_GUARD : STAGE_RUN;
			return;
		}
		/* the statement was not sent: not tried (never "allowed" or "refused") */
		l = &p->lines[p->current];
		p->sent = 0;
		l->allowed = -1;
		snprintf(l->sqlstate, sizeof(l->sqlstate), "%s", "");
		snprintf(l->message, sizeof(l->message), "not tried: %s", failed && message ?
			message : "the probe was stopped");
		p->stage = STAGE_ROLLBACK;
		return;
	case STAGE_RUN:
		l = &p->lines[p->current];
		p->sent = 0;
		l->allowed = !failed;
		snprintf(l->sqlstate, sizeof(l->sqlstate), "%s", failed && sqlstate ? sqlstate : "");
		snprintf(l->message, sizeof(l->message), "%s", failed && message ? message : "");
		p->stage = STAGE_ROLLBACK;
		return;
	case STAGE_ROLLBACK:
		/* a failed ROLLBACK means the connection is gone: the server rolled back */
		p->stage = ++p->current + 1 < PGIAM_PROBE_LINES && !p->stopping ? STAGE_BEGIN :
			STAGE_DONE;
		return;
	default:
		return;
	}
}

void pgiam_probe_stop(pgiam_probe *p)
{
	p->stopping = 1;
	/* a BEGIN already sent still gets its ROLLBACK */
	if (p->stage == STAGE_CATALOG || (p->stage == STAGE_BEGIN && !p->sent))
		p->stage = STAGE_DONE;
}

int pgiam_probe_finished(const pgiam_probe *p)
{
	return p->stage == STAGE_DONE;
}

const char *pgiam_probe_error(const pgiam_probe *p)
{
	return p->error;
}

const char *pgiam_probe_table(const pgiam_probe *p)
{
	return p->qualified[0] ? p->qualified : p->table;
}

const char *pgiam_probe_role(const pgiam_probe *p)
{
	return p->role;
}

int pgiam_probe_read_only(const pgiam_probe *p)
{
	return p->read_only;
}

const pgiam_probe_line *pgiam_probe_line_at(const pgiam_probe *p, size_t i)
{
	return i < PGIAM_PROBE_LINES ? &p->lines[i] : NULL;
}

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	(void)s;
	if (ev->kind == PGIAM_SEV_ROW)
		pgiam_probe_feed_row(ctx, ev->nfields, ev->values);
}

int pgiam_probe_run(pgiam_probe *p, pgiam_session *s)
{
	const char *sql;
	int error = 0;

	while ((sql = pgiam_probe_next_sql(p))) {
		const pgiam_session_error *e;
		if ((error = pgiam_session_query(s, sql)) < 0)
			return error;
		error = pgiam_session_run(s, on_event, p);
		e = pgiam_session_last_error(s);
		if (error < 0 && (e->step != PGIAM_STEP_QUERY || !e->sqlstate[0]))
			return error;   /* the connection failed, not the statement */
		pgiam_probe_feed_end(p, error < 0, e->sqlstate, e->server_message);
	}
	if (p->stage == STAGE_FAILED)
		return pgiam_error_set(PGIAM_ENOTFOUND, "%s", p->error);
	return 0;
}
