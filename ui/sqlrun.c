/* sqlrun.c - the statements the SQL screen runs, one after another (see
 * sqlrun.h). */
#include "sqlrun.h"

#include "error.h"
#include "sqlhooks.h"
#include "sqlsplit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pgiam_sqlrun_init(pgiam_sqlrun *q)
{
	memset(q, 0, sizeof(*q));
	q->autocommit = 1;
}

/* Forgets every statement and batch (nothing in flight). */
static void runs_clear(pgiam_sqlrun *q)
{
	for (size_t i = 0; i < q->nitems; i++)
		free(q->items[i].sql);
	for (size_t i = 0; i < q->nbatches; i++)
		free(q->batches[i].text);
	free(q->items);
	free(q->batches);
	q->items = NULL;
	q->batches = NULL;
	q->nitems = q->cap = q->cur = q->nbatches = 0;
	q->inflight = q->begin_inflight = q->behind_own = 0;
}

void pgiam_sqlrun_dispose(pgiam_sqlrun *q)
{
	runs_clear(q);
	free(q->last_sql);
	q->last_sql = NULL;
}

size_t pgiam_sqlrun_queued(const pgiam_sqlrun *q)
{
	size_t left = q->nitems - q->cur;

	return q->inflight && left ? left - 1 : left;
}

int pgiam_sqlrun_active(const pgiam_sqlrun *q)
{
	return q->inflight || q->cur < q->nitems;
}

size_t pgiam_sqlrun_add_batch(pgiam_sqlrun *q, const char *text, int cleared)
{
	pgiam_sqlrun_batch *grown = realloc(q->batches, (q->nbatches + 1) * sizeof(*grown));

	if (!grown)
		pgiam_ui_fail("out of memory");
	q->batches = grown;
	q->batches[q->nbatches].text = pgiam_xstrdup(text);
	q->batches[q->nbatches].cleared = cleared;
	return q->nbatches++;
}

void pgiam_sqlrun_add(pgiam_sqlrun *q, size_t batch, size_t start, size_t len, int number,
	int total)
{
	pgiam_sqlrun_item *it;

	if (q->nitems == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 8;
		pgiam_sqlrun_item *grown = realloc(q->items, cap * sizeof(*grown));

		if (!grown)
			pgiam_ui_fail("out of memory");
		q->items = grown;
		q->cap = cap;
	}
	it = &q->items[q->nitems++];
	memset(it, 0, sizeof(*it));
	if (!(it->sql = strndup(q->batches[batch].text + start, len)))
		pgiam_ui_fail("out of memory");
	it->batch = batch;
	it->off = start;
	it->number = number;
	it->total = total;
}

/* sets: how the result shown goes on (PGIAM_CONN_SETS_*): a script's statements after
 * its first keep the results before them as tabs. */
static int send_one(pgiam_sqlrun *q, pgiam_app *app, const char *sql, int sets)
{
	pgiam_conn_continue_sets(app->conn, sets);
	if (pgiam_conn_query(app->conn, sql) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return -1;
	}
	free(q->last_sql);
	q->last_sql = pgiam_xstrdup(sql);
	q->inflight = 1;
	q->line[0] = '\0';
	return 0;
}

int pgiam_sqlrun_send(pgiam_sqlrun *q, pgiam_app *app)
{
	pgiam_sqlrun_item *it;
	int later = 0;

	if (q->inflight || q->cur >= q->nitems)
		return 0;
	it = &q->items[q->cur];
	/* not the first of its script (the one before it succeeded, or it would not run) */
	later = it->number > 1;
	if (!app->conn) {
		runs_clear(q);
		return -1;
	}
	/* as psql's AUTOCOMMIT off: the transaction is opened for the user, who ends it */
	if (!q->autocommit && !it->begun &&
	    pgiam_conn_status_of(app->conn)->txn == PGIAM_CONN_TXN_NONE &&
	    pgiam_sql_needs_begin(it->sql, strlen(it->sql))) {
		it->begun = 1;
		if (send_one(q, app, "BEGIN", later ? PGIAM_CONN_SETS_KEEP : PGIAM_CONN_SETS_NEW) < 0) {
			runs_clear(q);
			return -1;
		}
		q->begin_inflight = 1;
		return 0;
	}
	/* after its BEGIN (begun) the result shown is the BEGIN's: not one of the script's */
	if (send_one(q, app, it->sql, !later ? PGIAM_CONN_SETS_NEW : it->begun ?
	    PGIAM_CONN_SETS_EARLIER : PGIAM_CONN_SETS_KEEP) < 0) {
		runs_clear(q);
		return -1;
	}
	return 0;
}

void pgiam_sqlrun_drop(pgiam_sqlrun *q, const char *why)
{
	size_t keep = q->inflight ? q->cur + 1 : q->cur;
	size_t n = q->nitems - keep;

	if (!n)
		return;
	snprintf(q->line, sizeof(q->line), "%s: %zu queued statement%s not run (Up recalls "
		"%s)", why, n, n == 1 ? " was" : "s were", n == 1 ? "it" : "them");
	for (size_t i = keep; i < q->nitems; i++)
		free(q->items[i].sql);
	q->nitems = keep;
	if (!q->inflight)
		runs_clear(q);
}

/* The statement's first line, for naming it (cut by the drawing). */
static void first_line(char *out, size_t outlen, const char *sql)
{
	size_t n = strcspn(sql, "\n");

	snprintf(out, outlen, "%.*s%s", (int)(n < 200 ? n : 200), sql,
		sql[n] || n > 200 ? " \xE2\x80\xA6" : "");
}

static int line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

/* The statement failed: Enter's cleared buffer comes back (from the failed statement
 * on) when nothing was typed since, and the server's position is marked in it when
 * the buffer is still that text. */
static void failed(pgiam_sqlrun *q, pgiam_app *app, pgiam_editor *e, const pgiam_conn_result *r)
{
	pgiam_sqlrun_item *it = &q->items[q->cur];
	pgiam_sqlrun_batch *b = &q->batches[it->batch];
	const char *expect = b->text;
	size_t base = it->off, after = q->nitems - q->cur - 1;
	char first[260];

	if (b->cleared) {
		expect = b->text + it->off;
		base = 0;
		if (!pgiam_editor_len(e) && pgiam_editor_set(e, expect, strlen(expect)) < 0)
			pgiam_ui_fail("out of memory");
	}
	if (!strcmp(pgiam_editor_text(e), expect) && r->position > 0 && !r->cancelled) {
		e->error_at = (long)pgiam_editor_char_offset(e, base, r->position);
		e->cursor = (size_t)e->error_at;
		e->goal_col = -1;
	}
	if (it->total > 1) {
		first_line(first, sizeof(first), it->sql);
		snprintf(q->line, sizeof(q->line), "statement %d of %d failed (line %d: %s)%s",
			it->number, it->total, line_of(b->text, it->off), first,
			it->number < it->total ? "; the rest did not run" : "");
		after -= (size_t)(it->total - it->number) <= after ? (size_t)(it->total - it->number) : after;
	}
	if (after)
		snprintf(q->line + strlen(q->line), sizeof(q->line) - strlen(q->line),
			"%sthe statement failed: %zu queued statement%s not run (Up recalls %s)",
			q->line[0] ? "; " : "", after, after == 1 ? " was" : "s were",
			after == 1 ? "it" : "them");
	(void)app;
}

unsigned pgiam_sqlrun_tick(pgiam_sqlrun *q, pgiam_app *app, pgiam_editor *e)
{
	const pgiam_conn_result *r = NULL;

	/* queued behind pgiam's own read: sent once the connection is free */
	if (!q->inflight && q->behind_own) {
		if (!app->conn || pgiam_conn_busy(app->conn) || pgiam_conn_user_waiting(app->conn))
			return PGIAM_REACT_NONE;
		q->behind_own = 0;
		if (pgiam_sqlrun_send(q, app) < 0)
			snprintf(q->line, sizeof(q->line), "not sent (%s)", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	/* waiting: the result is the one before ours, ours is sent once pgiam's cursor
	 * closed (taking it for ours would send the next statement in our place) */
	if (!q->inflight || !app->conn || pgiam_conn_busy(app->conn) ||
	    pgiam_conn_user_waiting(app->conn))
		return PGIAM_REACT_NONE;
	r = pgiam_conn_result_of(app->conn);
	if (!r || !r->done)
		return PGIAM_REACT_NONE;
	q->inflight = 0;
	if (q->begin_inflight) {
		q->begin_inflight = 0;
		if (r->failed) {
			failed(q, app, e, r);
			runs_clear(q);
			return PGIAM_REACT_REDRAW;
		}
	} else {
		pgiam_sqlhook_ran(app, q->items[q->cur].sql, r);
		if (r->failed) {
			failed(q, app, e, r);
			runs_clear(q);
			return PGIAM_REACT_REDRAW;
		}
		q->cur++;
	}
	if (q->cur >= q->nitems) {
		runs_clear(q);
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_sqlrun_send(q, app) < 0) {
		snprintf(q->line, sizeof(q->line), "not sent (%s): the rest did not run",
			pgiam_error_last());
	}
	return PGIAM_REACT_REDRAW;
}
