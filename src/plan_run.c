/* plan_run.c - the statement side of EXPLAIN (plan.h): whether ANALYZE could write
 * (read with the core's lexer, sqlsplit.h: words inside strings, quoted identifiers,
 * dollar quotes and comments are not words), the EXPLAIN built around the one
 * statement, and the queries that run it inside a transaction that is rolled back.
 */
#include "plan.h"

#include "error.h"
#include "sqlsplit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAVEPOINT "pgiam_explain"

/* The word of a WORD token, upper case, cut to outlen. */
static void upper_word(char *out, size_t outlen, const char *sql, const pgiam_sql_token *t)
{
	size_t n = t->end - t->start;

	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)sql[t->start + i]);
	out[n] = '\0';
}

/* The next token that is not white space or a comment, from pos; 0 at the end. */
static int next_token(pgiam_sql_token *t, const char *sql, size_t len, size_t *pos)
{
	while (*pos < len) {
		*pos = pgiam_sql_token_at(t, sql, len, *pos);
		if (t->kind != PGIAM_SQL_TOK_SPACE && t->kind != PGIAM_SQL_TOK_COMMENT)
			return 1;
	}
	return 0;
}

static int is_write_word(const char *w)
{
	static const char *const words[] = { "INSERT", "UPDATE", "DELETE", "MERGE", "INTO",
		"TRUNCATE", "COPY", "CALL", "DO", NULL };

	for (size_t i = 0; words[i]; i++)
		if (!strcmp(w, words[i]))
			return 1;
	return 0;
}

/* Built-in functions that only compute: not worth a word of warning. */
static int harmless_function(const char *w)
{
	static const char *const names[] = { "COUNT", "SUM", "AVG", "MIN", "MAX", "COALESCE",
		"NULLIF", "GREATEST", "LEAST", "LOWER", "UPPER", "LENGTH", "SUBSTRING", "SUBSTR",
		"TRIM", "CONCAT", "FORMAT", "ROUND", "ABS", "NOW", "DATE_TRUNC", "EXTRACT",
		"TO_CHAR", "STRING_AGG", "ARRAY_AGG", "JSON_AGG", "JSONB_AGG", "ROW_NUMBER", "RANK",
		"DENSE_RANK", "GENERATE_SERIES", "UNNEST", "CAST", "VARCHAR", "NUMERIC", "CHAR",
		"DECIMAL", "EXISTS", "ANY", "ALL", "IN", "VALUES", "AS", "ON", "USING", NULL };

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(w, names[i]))
			return 1;
	return 0;
}

/* A name followed by "(" that is not a keyword, a harmless built-in, or a table's
 * column list (after INTO, TABLE, a CTE's name before AS): a function call. */
static void note_call(pgiam_plan_kind *out, const char *sql, const pgiam_sql_token *word,
	const pgiam_sql_token *next, const char *word_upper, const char *prev_upper)
{
	size_t n = word->end - word->start;

	if (out->calls[0] || next->kind != PGIAM_SQL_TOK_OPEN || sql[next->start] != '(' ||
	    pgiam_sql_is_keyword(sql + word->start, n) || harmless_function(word_upper) ||
	    !strcmp(prev_upper, "INTO") || !strcmp(prev_upper, "TABLE") ||
	    !strcmp(prev_upper, "WITH") || !strcmp(prev_upper, "EXISTS"))
		return;
	snprintf(out->calls, sizeof(out->calls), "%.*s", (int)(n < 60 ? n : 60), sql + word->start);
}

/* Every word after the first: a data-modifying one makes the statement writing. */
static void scan_words(pgiam_plan_kind *out, const char *sql, size_t len, size_t pos)
{
	pgiam_sql_token t, next;
	int have = next_token(&t, sql, len, &pos);
	char w[64], prev[64];

	snprintf(prev, sizeof(prev), "%s", out->kind);
	while (have) {
		int more = next_token(&next, sql, len, &pos);

		w[0] = '\0';
		if (t.kind == PGIAM_SQL_TOK_WORD) {
			upper_word(w, sizeof(w), sql, &t);
			if (more)
				note_call(out, sql, &t, &next, w, prev);
			if (!out->writes && is_write_word(w)) {
				out->writes = 1;
				if (!strcmp(w, "INTO"))
					snprintf(out->why, sizeof(out->why), "%s … INTO creates a table or "
						"writes rows", out->kind);
				else
					snprintf(out->why, sizeof(out->why), "%s holds %s (a data-modifying "
						"part)", out->kind, w);
			}
		}
		if (t.kind == PGIAM_SQL_TOK_WORD || t.kind == PGIAM_SQL_TOK_IDENT)
			snprintf(prev, sizeof(prev), "%s", t.kind == PGIAM_SQL_TOK_WORD ? w : "");
		t = next;
		have = more;
	}
}

void pgiam_plan_classify(pgiam_plan_kind *out, const char *sql, size_t len)
{
	pgiam_sql_token t;
	size_t pos = 0;
	int have;

	memset(out, 0, sizeof(*out));
	/* "(SELECT …)": the parentheses around a query */
	while ((have = next_token(&t, sql, len, &pos)) && t.kind == PGIAM_SQL_TOK_OPEN)
		;
	if (!have || t.kind != PGIAM_SQL_TOK_WORD) {
		out->writes = 1;
		snprintf(out->why, sizeof(out->why), "pgiam cannot tell what the statement is: "
			"treated as writing");
		return;
	}
	upper_word(out->kind, sizeof(out->kind), sql, &t);
	if (strcmp(out->kind, "SELECT") && strcmp(out->kind, "VALUES") &&
	    strcmp(out->kind, "TABLE") && strcmp(out->kind, "WITH")) {
		out->writes = 1;
		snprintf(out->why, sizeof(out->why), "%s is not a plain SELECT: treated as writing",
			out->kind);
		if (!strcmp(out->kind, "INSERT") || !strcmp(out->kind, "UPDATE") ||
		    !strcmp(out->kind, "DELETE") || !strcmp(out->kind, "MERGE"))
			snprintf(out->why, sizeof(out->why), "%s writes rows", out->kind);
		else if (!strcmp(out->kind, "CREATE"))
			snprintf(out->why, sizeof(out->why), "CREATE … AS creates a table and fills it");
		else if (!strcmp(out->kind, "EXECUTE"))
			snprintf(out->why, sizeof(out->why), "EXECUTE runs a prepared statement pgiam "
				"cannot see: treated as writing");
	}
	scan_words(out, sql, len, pos);
}

int pgiam_plan_sql(pgiam_buf *out, const char *sql, size_t len, int analyze)
{
	pgiam_sql_stmt st, more;
	pgiam_sql_token t;
	size_t end, pos;
	char first[16];

	if (!sql || !pgiam_sql_next(&st, sql, len, 0) || st.blank)
		return pgiam_error_set(PGIAM_EINVAL, "nothing to explain: the text holds no statement");
	for (pos = st.end; pgiam_sql_next(&more, sql, len, pos); pos = more.end)
		if (!more.blank)
			return pgiam_error_set(PGIAM_EINVAL, "EXPLAIN takes one statement: the text "
				"holds more than one (put the cursor on one)");
	end = st.terminated ? st.end - 1 : st.end;
	pos = st.start;
	if (next_token(&t, sql, end, &pos) && t.kind == PGIAM_SQL_TOK_WORD) {
		upper_word(first, sizeof(first), sql, &t);
		if (!strcmp(first, "EXPLAIN"))
			return pgiam_error_set(PGIAM_EINVAL, "the statement is an EXPLAIN already: give "
				"the statement itself");
	}
	return pgiam_buf_printf(out, "EXPLAIN (FORMAT JSON%s) %.*s", analyze ? ", ANALYZE, BUFFERS" :
		"", (int)(end - st.start), sql + st.start);
}

/* --- the run */

enum { STAGE_WRAP, STAGE_EXPLAIN, STAGE_UNWRAP, STAGE_RELEASE, STAGE_DONE };

struct pgiam_plan_run {
	int analyze, in_txn, wrapped;  /* wrapped: a BEGIN or SAVEPOINT is part of the run */
	int stage, stopping, sent_wrap;
	pgiam_buf explain;
	pgiam_buf json;                /* the EXPLAIN's one row */
	pgiam_plan *plan;
	char error[700];
	char wrapping[200];
};

int pgiam_plan_run_new(pgiam_plan_run **out, const char *sql, size_t len, int analyze,
	int in_transaction)
{
	pgiam_plan_run *r = calloc(1, sizeof(*r));
	int error;

	*out = NULL;
	if (!r)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if ((error = pgiam_plan_sql(&r->explain, sql, len, analyze)) < 0) {
		pgiam_plan_run_free(r);
		return error;
	}
	r->analyze = analyze;
	r->in_txn = in_transaction;
	r->wrapped = analyze || in_transaction;
	r->stage = r->wrapped ? STAGE_WRAP : STAGE_EXPLAIN;
	if (in_transaction)
		snprintf(r->wrapping, sizeof(r->wrapping), "inside SAVEPOINT %s … ROLLBACK TO "
			"SAVEPOINT in your open transaction: nothing it did was kept, your "
			"transaction stays open", SAVEPOINT);
	else if (analyze)
		snprintf(r->wrapping, sizeof(r->wrapping), "inside BEGIN … ROLLBACK: nothing it "
			"did was kept");
	*out = r;
	return 0;
}

void pgiam_plan_run_free(pgiam_plan_run *r)
{
	if (!r)
		return;
	pgiam_buf_dispose(&r->explain);
	pgiam_buf_dispose(&r->json);
	pgiam_plan_free(r->plan);
	free(r);
}

const char *pgiam_plan_run_next_sql(pgiam_plan_run *r)
{
	switch (r->stage) {
	case STAGE_WRAP:
		if (r->stopping) {
			r->stage = STAGE_DONE;
			return NULL;
		}
		r->sent_wrap = 1;
		return r->in_txn ? "SAVEPOINT " SAVEPOINT : "BEGIN";
	case STAGE_EXPLAIN:
		if (r->stopping) {
			r->stage = r->wrapped ? STAGE_UNWRAP : STAGE_DONE;
			return pgiam_plan_run_next_sql(r);
		}
		return pgiam_buf_cstr(&r->explain);
	case STAGE_UNWRAP:
		return r->in_txn ? "ROLLBACK TO SAVEPOINT " SAVEPOINT : "ROLLBACK";
	case STAGE_RELEASE:
		return "RELEASE SAVEPOINT " SAVEPOINT;
	default:
		return NULL;
	}
}

void pgiam_plan_run_feed_row(pgiam_plan_run *r, int nfields, const char *const *values)
{
	if (r->stage != STAGE_EXPLAIN || nfields < 1 || !values[0])
		return;
	/* FORMAT JSON is one row; more would be another statement's */
	if (!r->json.len && pgiam_buf_puts(&r->json, values[0]) < 0)
		snprintf(r->error, sizeof(r->error), "out of memory");
}

static void explain_ended(pgiam_plan_run *r, int failed, const char *sqlstate,
	const char *message)
{
	if (failed && sqlstate && sqlstate[0])
		snprintf(r->error, sizeof(r->error), "EXPLAIN failed: ERROR %s: %s", sqlstate,
			message ? message : "");
	else if (failed)
		snprintf(r->error, sizeof(r->error), "EXPLAIN failed: %s", message && message[0] ?
			message : "no answer");
	else if (!r->error[0] && !r->json.len)
		snprintf(r->error, sizeof(r->error), "EXPLAIN returned no plan");
	else if (!r->error[0] && pgiam_plan_parse(&r->plan, r->json.ptr, r->json.len) < 0)
		snprintf(r->error, sizeof(r->error), "%s", pgiam_error_last());
	r->stage = r->wrapped ? STAGE_UNWRAP : STAGE_DONE;
}

void pgiam_plan_run_feed_end(pgiam_plan_run *r, int failed, const char *sqlstate,
	const char *message)
{
	switch (r->stage) {
	case STAGE_WRAP:
		if (failed) {
			/* nothing was begun: nothing to roll back (a failed transaction refuses
			 * the SAVEPOINT) */
			snprintf(r->error, sizeof(r->error), "not run: %s failed: %s%s%s", r->in_txn ?
				"SAVEPOINT" : "BEGIN", sqlstate && sqlstate[0] ? sqlstate : "",
				sqlstate && sqlstate[0] ? ": " : "", message ? message : "");
			r->stage = STAGE_DONE;
			return;
		}
		r->stage = STAGE_EXPLAIN;
		return;
	case STAGE_EXPLAIN:
		explain_ended(r, failed, sqlstate, message);
		return;
	case STAGE_UNWRAP:
		/* a failed ROLLBACK means the connection is gone: the server rolled back */
		r->stage = r->in_txn && !failed ? STAGE_RELEASE : STAGE_DONE;
		return;
	case STAGE_RELEASE:
		r->stage = STAGE_DONE;
		return;
	default:
		return;
	}
}

void pgiam_plan_run_stop(pgiam_plan_run *r)
{
	r->stopping = 1;
	if (!r->error[0] && !r->plan)
		snprintf(r->error, sizeof(r->error), "stopped");
}

int pgiam_plan_run_finished(const pgiam_plan_run *r)
{
	return r->stage == STAGE_DONE;
}

const pgiam_plan *pgiam_plan_run_plan(const pgiam_plan_run *r)
{
	return r->stage == STAGE_DONE && !r->error[0] ? r->plan : NULL;
}

const char *pgiam_plan_run_error(const pgiam_plan_run *r)
{
	return r->error;
}

const char *pgiam_plan_run_explain_sql(const pgiam_plan_run *r)
{
	return pgiam_buf_cstr(&r->explain);
}

const char *pgiam_plan_run_wrapping(const pgiam_plan_run *r)
{
	return r->wrapping;
}

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	(void)s;
	if (ev->kind == PGIAM_SEV_ROW)
		pgiam_plan_run_feed_row(ctx, ev->nfields, ev->values);
}

int pgiam_plan_run_session(pgiam_plan_run *r, pgiam_session *s)
{
	const char *sql;
	int error = 0;

	while ((sql = pgiam_plan_run_next_sql(r))) {
		const pgiam_session_error *e;

		/* the extended protocol: the server takes one statement, never a second */
		if ((error = pgiam_session_query_params(s, sql, 0, NULL)) < 0)
			return error;
		error = pgiam_session_run(s, on_event, r);
		e = pgiam_session_last_error(s);
		if (error < 0 && (e->step != PGIAM_STEP_QUERY || !e->sqlstate[0]))
			return error;   /* the connection failed, not the statement */
		pgiam_plan_run_feed_end(r, error < 0, e->sqlstate, e->server_message);
	}
	if (r->error[0])
		return pgiam_error_set(PGIAM_ESERVER, "%s", r->error);
	return 0;
}
