/* conn_result.c - the user's results (conn.h, issue 12): a plain SELECT read through
 * a server-side scrollable cursor a window at a time (resultsql.h builds every
 * statement), the result sets of a script kept apart, and exports streamed through
 * the cursor in batches. All through the session's non-blocking query path: the
 * steps are chained from the session's events, so nothing waits and Esc cancels.
 *
 * The phases of the user's query (c->phase):
 *   PLAIN    the statement as typed (not a plain SELECT, or in a failed transaction,
 *            or after the cursor could not be opened: then its error is its own);
 *   OPEN     BEGIN/SAVEPOINT; DECLARE; FETCH the first window;
 *   FETCH    another window (MOVE ABSOLUTE; FETCH), or End (MOVE ALL; FETCH BACKWARD);
 *   EXPORT   the next batch of an export;
 *   CLOSE    CLOSE (and COMMIT of pgiam's transaction) before the user's next
 *            statement, or once the first window was the whole result;
 *   RECOVER  ROLLBACK (pgiam's transaction) or ROLLBACK TO the savepoint (inside the
 *            user's) after pgiam's statement failed or was cancelled, so the user's
 *            transaction is never failed by pgiam's own statements. */
#include "conn_int.h"

#include "error.h"
#include "resultsql.h"
#include "sqlstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETS_MAX 16
#define EXPORT_BATCH 10000

int pgiam__conn_keep_set(pgiam_conn *c)
{
	pgiam_conn_result *grown;

	if (c->nearlier + 1 >= SETS_MAX)
		return 0;
	grown = realloc(c->earlier, (c->nearlier + 1) * sizeof(*grown));
	if (!grown)
		return 0;
	c->earlier = grown;
	c->earlier[c->nearlier] = c->results[SLOT_USER];
	c->earlier[c->nearlier].notices = NULL;
	c->earlier[c->nearlier].nnotices = 0;
	c->earlier[c->nearlier].done = 1;
	c->earlier[c->nearlier].total = (long long)c->earlier[c->nearlier].nrows;
	c->nearlier++;
	return 1;
}

static void sets_free(pgiam_conn *c)
{
	for (size_t i = 0; i < c->nearlier; i++)
		pgiam__conn_result_free(&c->earlier[i]);
	free(c->earlier);
	c->earlier = NULL;
	c->nearlier = 0;
}

void pgiam_conn_continue_sets(pgiam_conn *c, int how)
{
	c->continue_sets = how;
}

/* Before the user's next statement: a new query's sets start empty; the next
 * statement of a script keeps them, with the result shown as one of them (its cursor
 * closed by now: the rows read stay, as a script's earlier set's do). */
static void sets_next(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];
	int how = c->continue_sets, partial = 0;

	c->continue_sets = PGIAM_CONN_SETS_NEW;
	if (how == PGIAM_CONN_SETS_NEW) {
		sets_free(c);
		return;
	}
	partial = r->cursor && r->total < 0;
	if (how != PGIAM_CONN_SETS_KEEP || !r->done || r->failed || !pgiam__conn_keep_set(c))
		return;   /* the shown result is cleared by the query sent */
	if (partial)
		snprintf(c->earlier[c->nearlier - 1].note, sizeof(c->earlier[0].note), "the rows "
			"read before the next statement ran (its cursor closed): run it alone for "
			"all");
	c->earlier[c->nearlier - 1].cursor = 0;
	c->earlier[c->nearlier - 1].cursor_open = 0;
	c->earlier[c->nearlier - 1].fetching = 0;
	free(r->notices);
	memset(r, 0, sizeof(*r));   /* what it held is the kept set's now */
	r->total = -1;
	c->rows_cap[SLOT_USER] = 0;
}

void pgiam__conn_results_free(pgiam_conn *c)
{
	sets_free(c);
	free(c->pending_sql);
	c->pending_sql = NULL;
	pgiam_export_free(c->exp);
	c->exp = NULL;
}

size_t pgiam_conn_result_sets(const pgiam_conn *c)
{
	return pgiam_conn_result_of(c) ? c->nearlier + 1 : 0;
}

const pgiam_conn_result *pgiam_conn_result_set(const pgiam_conn *c, size_t i)
{
	if (i < c->nearlier)
		return &c->earlier[i];
	return i == c->nearlier ? pgiam_conn_result_of(c) : NULL;
}

/* Sends one of pgiam's statements of the user's query (the result stays). */
static int send_step(pgiam_conn *c, int phase, pgiam_buf *b, int built)
{
	int error = built;

	if (error >= 0)
		error = pgiam_session_query(c->session, pgiam_buf_cstr(b));
	pgiam_buf_dispose(b);
	if (error < 0)
		return error;
	c->phase = phase;
	c->slot = SLOT_USER;
	c->querying = 1;
	c->on_own = 0;
	return 0;
}

static void window_clear(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];

	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	r->nrows = 0;
	r->truncated = 0;
}

/* Sends the user's statement: through a cursor when it is a plain SELECT and the
 * transaction has not failed, else as typed. */
static int send_user(pgiam_conn *c, const char *sql)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	pgiam_conn_txn t = c->status.txn;
	int in_txn = t == PGIAM_CONN_TXN_OPEN, error = 0;

	sets_next(c);
	if (!pgiam_resultsql_is_plain_select(sql) || t == PGIAM_CONN_TXN_FAILED) {
		c->phase = PH_PLAIN;
		return pgiam__conn_query_in(c, SLOT_USER, sql);
	}
	if ((error = pgiam_resultsql_open(&b, sql, in_txn, PGIAM_CONN_WINDOW)) < 0 ||
	    (error = pgiam__conn_query_in(c, SLOT_USER, pgiam_buf_cstr(&b))) < 0) {
		pgiam_buf_dispose(&b);
		return error;
	}
	pgiam_buf_dispose(&b);
	c->phase = PH_OPEN;
	c->cur_in_txn = in_txn;
	c->cur_txn = !in_txn;
	c->cur_pos = 0;
	return 0;
}

static int send_close(pgiam_conn *c, int after)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	c->after = after;
	return send_step(c, PH_CLOSE, &b, pgiam_resultsql_close(&b, c->cur_in_txn));
}

int pgiam__conn_user_send(pgiam_conn *c, const char *sql)
{
	if (c->querying && c->slot == SLOT_USER && c->phase == PH_EXPORT)
		return pgiam_error_set(PGIAM_EAGAIN, "an export is running; Esc stops it");
	if (c->querying && c->slot == SLOT_USER && (c->phase == PH_FETCH ||
	    c->phase == PH_CLOSE || c->phase == PH_RECOVER)) {
		/* reading rows of the shown result: the statement runs once it closed */
		free(c->pending_sql);
		c->pending_sql = strdup(sql);
		return c->pending_sql ? 0 : pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	if (c->querying)
		return pgiam_error_set(PGIAM_EAGAIN, "a query is running; Esc cancels it");
	if (c->cur_open) {
		free(c->pending_sql);
		if (!(c->pending_sql = strdup(sql)))
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		return send_close(c, AFTER_PENDING);
	}
	return send_user(c, sql);
}

static void cursor_gone(pgiam_conn *c, const char *why)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];

	c->cur_open = 0;
	r->cursor_open = 0;
	r->fetching = 0;
	if (why)
		snprintf(r->note, sizeof(r->note), "%s", why);
}

void pgiam__conn_cursor_lost(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];

	if (c->cur_open)
		cursor_gone(c, "the connection was lost: the cursor is gone; the rows shown "
			"stay, run the statement again to read further");
	c->cur_txn = 0;
	c->cur_open = 0;
	if (!c->pending_sql)
		return;
	/* the statement waiting for the cursor's close never reached the server: its
	 * failure, now (left waiting, it would run at some later close, unasked) */
	free(c->pending_sql);
	c->pending_sql = NULL;
	c->continue_sets = PGIAM_CONN_SETS_NEW;
	sets_free(c);
	pgiam__conn_result_clear(c, SLOT_USER);
	r->generation = ++c->generation;
	r->failed = r->done = r->not_sent = 1;
	snprintf(r->message, sizeof(r->message), "not sent: the connection was lost while "
		"pgiam closed the cursor of the result before it; run it again");
}

/* What runs after a close or a recovery. */
static void go_on(pgiam_conn *c)
{
	char *sql = c->pending_sql;
	int after = c->after;

	c->after = AFTER_NONE;
	c->querying = 0;
	c->phase = PH_PLAIN;
	if (after == AFTER_RERUN && c->user_sql) {
		/* the statement as typed: its error is its own */
		struct timespec t0 = c->query_t0;
		if (pgiam__conn_query_in(c, SLOT_USER, c->user_sql) == 0)
			c->query_t0 = t0;
		return;
	}
	/* a statement sent while pgiam's own step ran waits for no one else */
	if (after != AFTER_RERUN && sql) {
		c->pending_sql = NULL;
		if (send_user(c, sql) < 0) {
			pgiam__conn_query_failed(c, NULL, pgiam_error_last());
			c->results[SLOT_USER].failed = 1;
		}
		free(sql);
		return;
	}
	pgiam__conn_txn_update(c);
}

static int recover(pgiam_conn *c, int at_open, int after)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int in_txn = c->cur_in_txn;

	c->after = after;
	if (!at_open || !in_txn)
		cursor_gone(c, NULL);
	c->cur_txn = 0;   /* ROLLBACK ends it (pgiam's), or the savepoint goes */
	if (send_step(c, PH_RECOVER, &b, pgiam_resultsql_recover(&b, in_txn, at_open)) < 0) {
		c->querying = 0;
		return -1;
	}
	return 0;
}

static int is_cancel(const pgiam_conn *c, const pgiam_session_event *ev)
{
	const pgiam_session_error *e = ev->kind == PGIAM_SEV_ERROR ?
		pgiam_session_last_error(c->session) : NULL;

	return ev->kind == PGIAM_SEV_CANCELLED ||
		(e && pgiam_sqlstate_is(e->sqlstate, PGIAM_SQLSTATE_QUERY_CANCELED));
}

/* The first window arrived: the result is shown; a result shorter than the window
 * is whole, and its cursor is closed at once (pgiam's transaction committed). */
static void opened(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];

	r->done = 1;
	r->seconds = pgiam__conn_since(&c->query_t0);
	r->cursor = 1;
	r->first_row = 0;
	r->statements = 1;
	c->cur_pos = r->nrows;
	if (r->nrows < PGIAM_CONN_WINDOW) {
		r->total = (long long)r->nrows;
		snprintf(r->tag, sizeof(r->tag), "SELECT %zu", r->nrows);
		c->cur_open = 1;
		if (send_close(c, AFTER_NONE) < 0)
			c->querying = 0;
		return;
	}
	snprintf(r->tag, sizeof(r->tag), "SELECT");
	r->total = -1;
	c->cur_open = r->cursor_open = 1;
	c->querying = 0;
	c->phase = PH_PLAIN;
	pgiam__conn_txn_update(c);
}

/* A window arrived: where it is in the result, and the count once it is known. */
static void fetched(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];
	size_t m = r->nrows, nc = r->ncols;

	r->fetching = 0;
	if (c->fetch_end && c->end_count >= 0) {
		r->total = (long long)(c->fetch_at + (unsigned long long)c->end_count);
		/* FETCH BACKWARD: last row first */
		for (size_t i = 0; i < m / 2; i++)
			for (size_t k = 0; k < nc; k++) {
				char *x = r->cells[i * nc + k];
				r->cells[i * nc + k] = r->cells[(m - 1 - i) * nc + k];
				r->cells[(m - 1 - i) * nc + k] = x;
			}
		r->first_row = (unsigned long long)r->total - m;
		c->cur_pos = m == c->fetch_n ? r->first_row + 1 : 0;
	} else {
		r->first_row = c->fetch_at;
		if (m < c->fetch_n)
			r->total = (long long)(c->fetch_at + m);
		c->cur_pos = m == c->fetch_n ? c->fetch_at + m : c->fetch_at + m + 1;
	}
	if (r->total >= 0)
		snprintf(r->tag, sizeof(r->tag), "SELECT %lld", r->total);
	c->querying = 0;
	c->phase = PH_PLAIN;
	if (c->pending_sql && send_close(c, AFTER_PENDING) < 0)
		c->querying = 0;
}

static void export_done(pgiam_conn *c, int failed, const char *fmt, const char *why)
{
	pgiam_conn_export_info *x = &c->exp_info;
	int error = 0;

	if (!failed && c->exp)
		error = pgiam_export_finish(c->exp);
	else
		pgiam_export_free(c->exp);
	c->exp = NULL;
	x->running = 0;
	x->done = 1;
	x->failed = failed || error < 0;
	x->seconds = pgiam__conn_since(&c->exp_t0);
	if (error < 0)
		snprintf(x->message, sizeof(x->message), "export failed: %s", pgiam_error_last());
	else
		snprintf(x->message, sizeof(x->message), fmt, x->rows, x->path, why ? why : "");
	pgiam_eventlog_add(c->log, "%s", x->message);
}

static int export_batch(pgiam_conn *c)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	c->exp_batch_rows = 0;
	return send_step(c, PH_EXPORT, &b, pgiam_resultsql_fetch(&b, c->exp_next, EXPORT_BATCH,
		c->cur_in_txn));
}

static void export_batch_done(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];

	c->exp_next += c->exp_batch_rows;
	c->cur_pos = c->exp_batch_rows == EXPORT_BATCH ? c->exp_next : c->exp_next + 1;
	c->querying = 0;
	c->phase = PH_PLAIN;
	if (c->exp_batch_rows < EXPORT_BATCH) {
		r->total = (long long)c->exp_next;
		snprintf(r->tag, sizeof(r->tag), "SELECT %lld", r->total);
		export_done(c, 0, "exported %llu rows to %s%s", NULL);
	} else if (c->exp_stop) {
		export_done(c, 0, "export stopped: %llu rows written to %s%s", " (not the whole "
			"result)");
	} else if (export_batch(c) < 0) {
		export_done(c, 1, "export failed after %llu rows to %s: %s", pgiam_error_last());
	}
	if (!c->querying && c->pending_sql && send_close(c, AFTER_PENDING) < 0)
		c->querying = 0;
}

static int on_done(pgiam_conn *c)
{
	switch (c->phase) {
	case PH_OPEN:
		opened(c);
		return 1;
	case PH_FETCH:
		fetched(c);
		return 1;
	case PH_EXPORT:
		export_batch_done(c);
		return 1;
	case PH_CLOSE:
		cursor_gone(c, NULL);
		c->cur_txn = 0;
		go_on(c);
		return 1;
	case PH_RECOVER:
		go_on(c);
		return 1;
	}
	return 0;
}

static int on_failure(pgiam_conn *c, const pgiam_session_event *ev)
{
	int cancel = is_cancel(c, ev);
	const pgiam_session_error *e = ev->kind == PGIAM_SEV_ERROR ?
		pgiam_session_last_error(c->session) : NULL;

	/* the connection itself failed or dropped: conn.c says so; nothing to undo (the
	 * server rolled pgiam's transaction back with the connection) */
	if ((e && e->step <= PGIAM_STEP_AUTH) ||
	    pgiam_session_get_state(c->session) == PGIAM_SESSION_LOST) {
		int was = c->phase;
		pgiam__conn_cursor_lost(c);
		c->phase = PH_PLAIN;
		if (was == PH_OPEN)
			return 0;   /* the statement failed: shown as its error */
		if (was == PH_EXPORT)
			export_done(c, 1, "export failed after %llu rows to %s: %s", ev->text);
		c->querying = 0;
		return e && e->step <= PGIAM_STEP_AUTH ? 0 : 1;
	}
	switch (c->phase) {
	case PH_OPEN:
		/* the statement as typed runs next (unless cancelled): its own error */
		window_clear(c);
		if (cancel) {
			/* the user's statement ended here: said at once (undoing pgiam's
			 * BEGIN or savepoint is pgiam's, nothing to wait for) */
			pgiam__conn_query_failed(c, NULL, "cancelled");
			c->results[SLOT_USER].cancelled = 1;
		}
		recover(c, 1, cancel ? AFTER_NONE : AFTER_RERUN);
		return 1;
	case PH_FETCH:
		recover(c, 0, c->pending_sql ? AFTER_PENDING : AFTER_NONE);
		snprintf(c->results[SLOT_USER].note, sizeof(c->results[SLOT_USER].note),
			"%s: the cursor is closed; the rows shown stay, run the statement again to "
			"read further", cancel ? "reading rows was cancelled" : ev->text);
		return 1;
	case PH_EXPORT:
		recover(c, 0, c->pending_sql ? AFTER_PENDING : AFTER_NONE);
		export_done(c, 1, cancel ? "export cancelled after %llu rows (%s keeps them)%s" :
			"export failed after %llu rows to %s: %s", cancel ? "" : ev->text);
		snprintf(c->results[SLOT_USER].note, sizeof(c->results[SLOT_USER].note),
			"the export stopped: the cursor is closed; run the statement again to read "
			"further");
		return 1;
	case PH_CLOSE:
		cursor_gone(c, NULL);
		if (c->cur_txn) {
			recover(c, 1, c->after);
			return 1;
		}
		go_on(c);
		return 1;
	case PH_RECOVER:
		/* nothing more to undo: go on as if it had worked */
		pgiam_eventlog_add(c->log, "undoing pgiam's cursor statement failed: %s", ev->text);
		go_on(c);
		return 1;
	}
	return 0;
}

int pgiam__conn_cursor_event(pgiam_conn *c, const pgiam_session_event *ev)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];
	long long n;

	if (c->phase == PH_PLAIN)
		return 0;
	switch (ev->kind) {
	case PGIAM_SEV_COLUMNS:
		if (c->phase == PH_OPEN && !r->ncols)
			pgiam__conn_take_columns(c, c->session, ev);
		else if (c->phase == PH_FETCH)
			window_clear(c);
		return 1;
	case PGIAM_SEV_ROW:
		if (c->phase == PH_OPEN || c->phase == PH_FETCH)
			pgiam__conn_add_row(c, ev);
		else if (c->phase == PH_EXPORT && c->exp && (size_t)ev->nfields == r->ncols) {
			if (pgiam_export_row(c->exp, ev->values) < 0 && !c->exp_stop) {
				c->exp_stop = 1;
				snprintf(c->exp_info.message, sizeof(c->exp_info.message), "%s",
					pgiam_error_last());
			}
			c->exp_batch_rows++;
			c->exp_info.rows++;
		}
		return 1;
	case PGIAM_SEV_COMMAND:
		if (c->phase == PH_FETCH && (n = pgiam_resultsql_move_count(ev->text)) >= 0 &&
		    ++c->fetch_moves == 2)
			c->end_count = n;
		return 1;
	case PGIAM_SEV_NOTICE:
		return 0;
	case PGIAM_SEV_DONE:
		return on_done(c);
	case PGIAM_SEV_ERROR:
	case PGIAM_SEV_CANCELLED:
		return on_failure(c, ev);
	case PGIAM_SEV_NONE:
	case PGIAM_SEV_STEP:
	case PGIAM_SEV_CONNECTED:
	case PGIAM_SEV_RECONNECTED:
	case PGIAM_SEV_LOST:
		return 0;
	}
	return 0;
}

static int start_fetch(pgiam_conn *c, unsigned long long at, int end)
{
	pgiam_conn_result *r = &c->results[SLOT_USER];
	pgiam_buf b = PGIAM_BUF_INIT;
	int built;

	if (!c->cur_open || !r->cursor_open)
		return pgiam_error_set(PGIAM_EINVAL, "no open cursor: run the statement again");
	if (c->querying)
		return pgiam_error_set(PGIAM_EAGAIN, "reading already");
	c->fetch_at = end ? c->cur_pos : at;
	c->fetch_n = PGIAM_CONN_WINDOW;
	c->fetch_end = end;
	c->fetch_moves = 0;
	c->end_count = -1;
	built = end ? pgiam_resultsql_end(&b, c->cur_pos, PGIAM_CONN_WINDOW, c->cur_in_txn) :
		pgiam_resultsql_fetch(&b, at, PGIAM_CONN_WINDOW, c->cur_in_txn);
	if (send_step(c, PH_FETCH, &b, built) < 0)
		return -1;
	r->fetching = 1;
	return 0;
}

int pgiam_conn_result_fetch(pgiam_conn *c, unsigned long long at)
{
	return start_fetch(c, at, 0);
}

int pgiam_conn_result_end(pgiam_conn *c)
{
	const pgiam_conn_result *r = &c->results[SLOT_USER];

	if (r->total >= 0)
		return start_fetch(c, (unsigned long long)r->total > PGIAM_CONN_WINDOW ?
			(unsigned long long)r->total - PGIAM_CONN_WINDOW : 0, 0);
	return start_fetch(c, 0, 1);
}

/* A result held whole (or as far as it was kept): written at once. */
static void export_held(pgiam_conn *c, const pgiam_conn_result *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		if (pgiam_export_row(c->exp, (const char *const *)&r->cells[i * r->ncols]) < 0) {
			export_done(c, 1, "export failed after %llu rows to %s: %s",
				pgiam_error_last());
			return;
		}
		c->exp_info.rows++;
	}
	export_done(c, 0, "exported %llu rows to %s%s", r->truncated ? " (only the rows "
		"kept: the result was cut, export it with pgiam sql --output)" : "");
}

int pgiam_conn_export(pgiam_conn *c, const char *path, int format, int header)
{
	const pgiam_conn_result *r = pgiam_conn_result_of(c);
	int error = 0;

	if (!r || !r->done || r->failed || !r->ncols)
		return pgiam_error_set(PGIAM_EINVAL, "no result with rows to export");
	if (c->querying || c->exp)
		return pgiam_error_set(PGIAM_EAGAIN, "something runs already; Esc cancels it");
	if (r->cursor && r->total < 0 && !r->cursor_open)
		return pgiam_error_set(PGIAM_EINVAL, "the result's cursor is closed: run the "
			"statement again to export it whole");
	if ((error = pgiam_export_open(&c->exp, path, (pgiam_export_format)format, header)) < 0 ||
	    (error = pgiam_export_columns(c->exp, r->ncols, (const char *const *)r->colnames,
	    r->coltypes)) < 0) {
		pgiam_export_free(c->exp);
		c->exp = NULL;
		return error;
	}
	memset(&c->exp_info, 0, sizeof(c->exp_info));
	snprintf(c->exp_info.path, sizeof(c->exp_info.path), "%s", path);
	c->exp_info.running = 1;
	c->exp_stop = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->exp_t0);
	/* a whole result read through a cursor that is closed already is the window */
	if (!r->cursor || !r->cursor_open) {
		export_held(c, r);
		return 0;
	}
	c->exp_next = 0;
	if ((error = export_batch(c)) < 0)
		export_done(c, 1, "export failed after %llu rows to %s: %s", pgiam_error_last());
	return error;
}

void pgiam_conn_export_progress(const pgiam_conn *c, pgiam_conn_export_info *out)
{
	*out = c->exp_info;
	if (out->running)
		out->seconds = pgiam__conn_since(&c->exp_t0);
}

void pgiam_conn_export_stop(pgiam_conn *c)
{
	if (c->exp_info.running)
		c->exp_stop = 1;
}

void pgiam_conn_export_forget(pgiam_conn *c)
{
	if (!c->exp_info.running)
		memset(&c->exp_info, 0, sizeof(c->exp_info));
}
