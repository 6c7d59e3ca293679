/* screen_plan.c - F4 / Ctrl-T at the SQL prompt: the statement's plan (src/plan.h) as an
 * indented tree, a line a node with its cost, rows estimated → actual, time (inclusive
 * and self) and buffers; misestimates in their colour and with a text mark ("!19x
 * over"), the slowest node highlighted and marked "slowest" (both readable under
 * NO_COLOR); Enter shows a node's every figure.
 *
 * The core says which queries run it; they go one at a time on the user's own session
 * (conn.h, pinned to it) as pgiam's own queries, one statement each: a plain EXPLAIN
 * alone, ANALYZE inside BEGIN … ROLLBACK, or inside SAVEPOINT … ROLLBACK TO SAVEPOINT
 * when the user's transaction is open (never ending it). ANALYZE of a statement the
 * core calls writing asks first. Esc while it runs stops it: the rollback still runs,
 * then the screen closes.
 */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "plan.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan_view {
	pgiam_plan_run *run;
	char *sql;
	size_t len;
	int analyze;
	int waiting;               /* a query of the run is out */
	int pin;                   /* the user's session: 0 (conn.h) */
	int closing;               /* Esc: stop, let the rollback run, then close */
	int sel, top, page;
	char title[48];
	char failed[800];
	pgiam_plan_kind kind;
	pgiam_text_arg details;    /* Enter's text screen (read when pushed) */
} plan_view;

/* What the SQL screen hands over (copied at once). */
typedef struct plan_arg {
	const char *sql;
	size_t len;
	int analyze;
} plan_arg;

static unsigned send_next(plan_view *v, pgiam_app *app)
{
	const char *sql = pgiam_plan_run_next_sql(v->run);

	if (!sql) {
		if (!pgiam_plan_run_plan(v->run))
			snprintf(v->failed, sizeof(v->failed), "%s", pgiam_plan_run_error(v->run));
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_conn_query_internal_pinned(app->conn, sql, &v->pin) < 0)
		return PGIAM_REACT_NONE;   /* busy: tried again at the next tick */
	v->waiting = 1;
	return PGIAM_REACT_REDRAW;
}

static int plan_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	const plan_arg *a = arg;
	plan_view *v = pgiam_xcalloc(1, sizeof(*v));
	/* the user's transaction, or the one a result's cursor holds open: a savepoint */
	int in_txn = pgiam_conn_internal_separate(app->conn);

	if (pgiam_plan_run_new(&v->run, a->sql, a->len, a->analyze, in_txn) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		free(v);
		return -1;
	}
	v->sql = pgiam_xcalloc(1, a->len + 1);
	memcpy(v->sql, a->sql, a->len);
	v->len = a->len;
	v->analyze = a->analyze;
	pgiam_plan_classify(&v->kind, a->sql, a->len);
	snprintf(v->title, sizeof(v->title), "%s", a->analyze ? "EXPLAIN ANALYZE" : "EXPLAIN");
	s->title = v->title;
	s->data = v;
	v->pin = 0;
	send_next(v, app);
	return 0;
}

static unsigned plan_tick(pgiam_screen *s, pgiam_app *app)
{
	plan_view *v = s->data;
	const pgiam_conn_result *r = NULL;

	if (!app->conn)
		return PGIAM_REACT_POP;
	if (!v->waiting) {
		if (pgiam_plan_run_finished(v->run))
			return v->closing ? PGIAM_REACT_POP : PGIAM_REACT_NONE;
		return send_next(v, app);
	}
	r = pgiam_conn_internal_result_of(app->conn);
	if (!r || !r->done)
		return PGIAM_REACT_NONE;
	for (size_t i = 0; i < r->nrows; i++)
		pgiam_plan_run_feed_row(v->run, (int)r->ncols, (const char *const *)r->cells + i * r->ncols);
	pgiam_plan_run_feed_end(v->run, r->failed, r->sqlstate, r->message);
	v->waiting = 0;
	if (v->closing && pgiam_plan_run_finished(v->run))
		return PGIAM_REACT_POP;
	return send_next(v, app) | PGIAM_REACT_REDRAW;
}

/* The columns of a node line, right of the tree; narrow terminals drop the last ones. */
enum { COST_W = 10, ROWS_W = 20, TIME_W = 22, BUF_W = 15 };

typedef struct cols {
	int show_time, show_buf, tree_w;
} cols;

/* Time and buffers only when analyzed; a narrow terminal drops them first. */
static cols layout(pgiam_rect body, int analyzed)
{
	cols c;

	c.show_buf = analyzed && body.w >= 40 + COST_W + ROWS_W + TIME_W + BUF_W;
	c.show_time = analyzed && body.w >= 30 + COST_W + ROWS_W + TIME_W;
	c.tree_w = body.w - 2 - COST_W - ROWS_W - (c.show_time ? TIME_W : 0) -
		(c.show_buf ? BUF_W : 0);
	return c;
}

static void column_header(pgiam_rect body, int y, int analyzed)
{
	cols c = layout(body, analyzed);
	int x = body.x + 1 + c.tree_w;

	pgiam_draw_text(y, body.x + 1, c.tree_w, PGIAM_ROLE_HEADER, "node");
	pgiam_draw_text(y, x, COST_W, PGIAM_ROLE_HEADER, "      cost");
	pgiam_draw_text(y, x + COST_W + 1, ROWS_W - 1, PGIAM_ROLE_HEADER, analyzed ?
		"rows est \xE2\x86\x92 actual" : "rows (estimated)");
	x += COST_W + 1 + ROWS_W;
	if (c.show_time)
		pgiam_draw_text(y, x, TIME_W - 1, PGIAM_ROLE_HEADER, "time ms (self)");
	if (c.show_buf)
		pgiam_draw_text(y, x + (c.show_time ? TIME_W : 0), BUF_W, PGIAM_ROLE_HEADER,
			"buffers");
}

static void node_line(const pgiam_plan *p, size_t i, int y, pgiam_rect body, int selected)
{
	const pgiam_plan_node *n = pgiam_plan_node_at(p, i);
	pgiam_buf b = PGIAM_BUF_INIT;
	cols c = layout(body, pgiam_plan_analyzed(p));
	int show_buf = c.show_buf, show_time = c.show_time;
	int x = body.x + 1, tree_w = c.tree_w, used;
	pgiam_role base = selected ? PGIAM_ROLE_SELECTED : n->slowest ? PGIAM_ROLE_PLAN_SLOWEST :
		PGIAM_ROLE_NORMAL;

	if (selected || n->slowest)
		pgiam_draw_fill(y, body.x, body.w, base);
	if (pgiam_plan_tree_prefix(&b, p, i) < 0 || pgiam_plan_node_label(&b, n) < 0)
		pgiam_ui_fail("out of memory");
	used = pgiam_draw_text(y, x, tree_w, base, pgiam_buf_cstr(&b));
	/* the marks right after the label: text, so NO_COLOR shows them too */
	pgiam_buf_clear(&b);
	if (n->misestimate)
		pgiam_buf_printf(&b, " !%.0fx %s", n->factor >= 1e9 ? 1e9 : n->factor,
			n->misestimate > 0 ? "under" : "over");
	if (n->misestimate && used < tree_w)
		used += pgiam_draw_text(y, x + used, tree_w - used, selected ? base :
			PGIAM_ROLE_PLAN_MISESTIMATE, pgiam_buf_cstr(&b));
	if (n->slowest && used < tree_w)
		pgiam_draw_text(y, x + used, tree_w - used, base, " \xE2\x97\x80 slowest");
	x += tree_w;
	pgiam_buf_clear(&b);
	pgiam_buf_printf(&b, "%*.2f", COST_W - 1, n->total_cost);
	pgiam_draw_text(y, x, COST_W, base, pgiam_buf_cstr(&b));
	x += COST_W + 1;
	pgiam_buf_clear(&b);
	if (pgiam_plan_node_rows(&b, n) < 0 || b.len < 5)
		pgiam_ui_fail("out of memory");
	pgiam_draw_text(y, x, ROWS_W - 1, n->misestimate && !selected ?
		PGIAM_ROLE_PLAN_MISESTIMATE : base, b.ptr + 5);  /* without "rows " */
	x += ROWS_W;
	if (show_time) {
		pgiam_buf_clear(&b);
		pgiam_plan_node_time(&b, n);
		pgiam_draw_text(y, x, TIME_W - 1, base, pgiam_buf_cstr(&b));
		x += TIME_W;
	}
	if (show_buf) {
		pgiam_buf_clear(&b);
		pgiam_plan_node_buffers(&b, n);
		pgiam_draw_text(y, x, BUF_W, base, pgiam_buf_cstr(&b));
	}
	pgiam_buf_dispose(&b);
}

static int draw_header(plan_view *v, pgiam_rect body, int y)
{
	char line[400];
	pgiam_buf one = PGIAM_BUF_INIT;

	if (v->analyze)
		snprintf(line, sizeof(line), "EXPLAIN (ANALYZE, BUFFERS), run %s%s%s",
			pgiam_plan_run_wrapping(v->run), v->kind.calls[0] ? "; functions it calls "
			"are not checked (" : "", v->kind.calls[0] ? "pgiam cannot know what they do)" : "");
	else
		snprintf(line, sizeof(line), "EXPLAIN: the planner's estimates; nothing was executed");
	pgiam_draw_text(y++, body.x + 1, body.w - 2, PGIAM_ROLE_HEADER, line);
	/* the statement on one line */
	for (size_t i = 0; i < v->len && one.len < 600; i++)
		pgiam_buf_putc(&one, strchr("\r\n\t", v->sql[i]) ? ' ' : v->sql[i]);
	pgiam_draw_text(y++, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, pgiam_buf_cstr(&one));
	pgiam_buf_dispose(&one);
	return y;
}

static void plan_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	plan_view *v = s->data;
	const pgiam_plan *p = pgiam_plan_run_plan(v->run);
	int y = draw_header(v, body, body.y);
	char line[200];

	(void)app;
	if (v->failed[0]) {
		pgiam_draw_wrapped((pgiam_rect){ y + 1, body.x + 1, body.h - 3, body.w - 2 },
			PGIAM_ROLE_ERROR, v->failed);
		return;
	}
	if (!p) {
		pgiam_draw_text(y + 1, body.x + 1, body.w - 2, PGIAM_ROLE_WARN, v->closing ?
			"stopping (the rollback runs first)\xE2\x80\xA6" : "running\xE2\x80\xA6 Esc stops "
			"it (a rollback due still runs)");
		return;
	}
	snprintf(line, sizeof(line), "%zu nodes \xC2\xB7 %zu misestimate%s (rows off 10x or "
		"more) \xC2\xB7 Enter: a node's details", pgiam_plan_count(p),
		pgiam_plan_misestimates(p), pgiam_plan_misestimates(p) == 1 ? "" : "s");
	if (pgiam_plan_execution_ms(p) >= 0)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " \xC2\xB7 execution "
			"%.3f ms, planning %.3f ms", pgiam_plan_execution_ms(p), pgiam_plan_planning_ms(p));
	pgiam_draw_text(y++, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, line);
	column_header(body, y++, pgiam_plan_analyzed(p));
	v->page = body.y + body.h - y;
	if (v->page < 1)
		v->page = 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->page)
		v->top = v->sel - v->page + 1;
	for (int i = v->top; i < (int)pgiam_plan_count(p) && y < body.y + body.h; i++)
		node_line(p, (size_t)i, y++, body, i == v->sel);
}

static unsigned show_details(plan_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const pgiam_plan *p = pgiam_plan_run_plan(v->run);

	if (!p || pgiam_plan_node_details(&b, p, (size_t)v->sel) < 0) {
		pgiam_buf_dispose(&b);
		return PGIAM_REACT_NONE;
	}
	v->details.title = "Plan node";
	v->details.body = pgiam_buf_detach(&b);
	if (!v->details.body)
		pgiam_ui_fail("out of memory");
	return pgiam_app_push(app, &pgiam_screen_text, &v->details);
}

static unsigned plan_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	plan_view *v = s->data;
	const pgiam_plan *p = pgiam_plan_run_plan(v->run);
	int last = p ? (int)pgiam_plan_count(p) - 1 : 0;

	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) {
		if (pgiam_plan_run_finished(v->run) && !v->waiting)
			return PGIAM_REACT_POP;
		/* never leave its BEGIN or SAVEPOINT open: stop, let the rollback run, close */
		pgiam_plan_run_stop(v->run);
		v->closing = 1;
		if (app->conn && pgiam_conn_busy(app->conn))
			pgiam_conn_cancel(app->conn);
		return PGIAM_REACT_REDRAW;
	}
	if (!p)
		return PGIAM_REACT_UNHANDLED;
	if (a == PGIAM_ACTION_PLAN_NODE)
		return show_details(v, app);
	if (a == PGIAM_ACTION_UP && v->sel > 0)
		v->sel--;
	else if (a == PGIAM_ACTION_DOWN && v->sel < last)
		v->sel++;
	else if (a == PGIAM_ACTION_PAGE_UP)
		v->sel = v->sel > v->page ? v->sel - v->page : 0;
	else if (a == PGIAM_ACTION_PAGE_DOWN)
		v->sel = v->sel + v->page < last ? v->sel + v->page : last;
	else if (a == PGIAM_ACTION_FIRST)
		v->sel = 0;
	else if (a == PGIAM_ACTION_LAST)
		v->sel = last;
	else
		return PGIAM_REACT_UNHANDLED;
	return PGIAM_REACT_REDRAW;
}

static void plan_close(pgiam_screen *s, pgiam_app *app)
{
	plan_view *v = s->data;

	/* closed once no BEGIN or SAVEPOINT of the run is left open (plan_action), or on
	 * quitting, where the connection's close rolls it back */
	(void)app;
	if (!v)
		return;
	pgiam_plan_run_free(v->run);
	free(v->sql);
	free(v);
}

const pgiam_screen_ops pgiam_screen_plan = {
	.title = "EXPLAIN",
	.scopes = { PGIAM_SCOPE_PLAN, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = plan_open, .draw = plan_draw, .action = plan_action, .tick = plan_tick,
	.close = plan_close,
};

/* --- from the SQL screen */

/* The pushed screen reads its argument after the handler returns: kept here until
 * the next EXPLAIN (the screen copies the statement when it opens). */
static struct {
	char *sql;
	plan_arg arg;
	pgiam_confirm_arg confirm;
} asked;

static unsigned analyze_confirmed(pgiam_app *app, void *ctx)
{
	(void)ctx;
	return pgiam_app_push(app, &pgiam_screen_plan, &asked.arg);
}

unsigned pgiam_plan_start(pgiam_app *app, const char *sql, size_t len, int analyze)
{
	pgiam_plan_kind k;
	pgiam_buf check = PGIAM_BUF_INIT;
	int bad;

	if (!app->conn || !pgiam_conn_can_query(app->conn) || pgiam_conn_busy(app->conn)) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "EXPLAIN: %s", app->conn &&
			pgiam_conn_busy(app->conn) ? "a statement is running; Esc cancels it" :
			"not connected");
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_conn_status_of(app->conn)->txn == PGIAM_CONN_TXN_FAILED) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "EXPLAIN: the transaction has failed; "
			"ROLLBACK first (nothing runs in it until then)");
		return PGIAM_REACT_REDRAW;
	}
	bad = pgiam_plan_sql(&check, sql, len, analyze) < 0;
	pgiam_buf_dispose(&check);
	if (bad) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "EXPLAIN: %s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	free(asked.sql);
	asked.sql = pgiam_xcalloc(1, len + 1);
	memcpy(asked.sql, sql, len);
	asked.arg.sql = asked.sql;
	asked.arg.len = len;
	asked.arg.analyze = analyze;
	pgiam_plan_classify(&k, sql, len);
	if (!analyze || !k.writes)
		return pgiam_app_push(app, &pgiam_screen_plan, &asked.arg);
	memset(&asked.confirm, 0, sizeof(asked.confirm));
	snprintf(asked.confirm.question, sizeof(asked.confirm.question), "EXPLAIN ANALYZE "
		"executes the statement: %s. Run it %s, so that nothing it writes is kept?%s%s%s",
		k.why, pgiam_conn_internal_separate(app->conn) ? "inside a SAVEPOINT of your open "
		"transaction, rolled back to it" : "inside BEGIN \xE2\x80\xA6 ROLLBACK",
		k.calls[0] ? " (It calls " : "", k.calls, k.calls[0] ? "(\xE2\x80\xA6): what a "
		"function does outside the database cannot be rolled back.)" : "");
	asked.confirm.yes = analyze_confirmed;
	return pgiam_app_push(app, &pgiam_screen_confirm, &asked.confirm);
}
