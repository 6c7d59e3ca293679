/* screen_refby.c - "referenced by" for one row (screen_refby.h): the foreign keys of
 * other tables that point at the row's table (one catalog statement), then the
 * cheap counts for this row (one statement, capped: refby.h), both as pgiam's own
 * reads (Esc cancels); a line per key with its count and why it is exact, capped,
 * estimated or unknown. Enter hands the chosen table and its filter to the browser. */
#include "screen_refby.h"

#include "catalog.h"
#include "draw.h"
#include "error.h"
#include "refby.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { R_NONE, R_FKS, R_COUNT };

typedef struct refby_view {
	pgiam_refby_arg *arg;
	pgiam_refby rb;
	int pending, have;           /* a statement runs; the keys are read */
	int counted;                 /* the counts arrived (or there were none to make) */
	char failed[700];
	int sel, top;
	char title[1200];
} refby_view;

void pgiam_refby_arg_dispose(pgiam_refby_arg *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->names[i]);
		free(a->vals[i]);
	}
	free(a->names);
	free(a->vals);
	free(a->where);
	a->names = a->vals = NULL;
	a->where = NULL;
	a->n = 0;
}

static unsigned send(refby_view *v, pgiam_app *app, pgiam_buf *b, int built, int what)
{
	if (built < 0 || !app->conn || pgiam_conn_query_internal(app->conn,
	    pgiam_buf_cstr(b)) < 0)
		snprintf(v->failed, sizeof(v->failed), "%s", !app->conn ? "not connected" :
			pgiam_error_last());
	else
		v->pending = what;
	pgiam_buf_dispose(b);
	return PGIAM_REACT_REDRAW;
}

static unsigned read_keys(refby_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	v->failed[0] = '\0';
	v->counted = v->have = 0;
	pgiam_refby_dispose(&v->rb);
	return send(v, app, &b, pgiam_refby_sql(&b, v->arg->schema, v->arg->table), R_FKS);
}

static int refby_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	refby_view *v = pgiam_xcalloc(1, sizeof(*v));

	v->arg = arg;
	v->arg->chosen = 0;
	snprintf(v->title, sizeof(v->title), "Referenced by: %s.%s %s", v->arg->schema,
		v->arg->table, v->arg->what);
	s->data = v;
	s->title = v->title;
	read_keys(v, app);
	return 0;
}

/* The keys arrived: bind the row, then count what is cheap. */
static unsigned took_keys(refby_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int any = 0, built;

	if (pgiam_refby_parse(&v->rb, (const char *const *)r->cells, r->nrows, r->ncols) < 0 ||
	    pgiam_refby_bind(&v->rb, (const char *const *)v->arg->names,
	    (const char *const *)v->arg->vals, v->arg->n, PGIAM_BROWSE_CELL_MAX) < 0) {
		snprintf(v->failed, sizeof(v->failed), "%s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	v->have = 1;
	built = pgiam_refby_count_sql(&b, &any, &v->rb);
	if (built == 0 && !any) {
		v->counted = 1;
		pgiam_buf_dispose(&b);
		return PGIAM_REACT_REDRAW;
	}
	return send(v, app, &b, built, R_COUNT);
}

static unsigned refby_tick(pgiam_screen *s, pgiam_app *app)
{
	refby_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	int was = v->pending;

	if (was == R_NONE || !r || !r->done)
		return PGIAM_REACT_NONE;
	v->pending = R_NONE;
	if (r->failed) {
		snprintf(v->failed, sizeof(v->failed), "%s%s%s%s%s", r->cancelled ? "cancelled" :
			"ERROR", r->sqlstate[0] ? " " : "", r->sqlstate, r->cancelled ? "" : ": ",
			r->cancelled ? "" : r->message);
		return PGIAM_REACT_REDRAW;
	}
	if (was == R_FKS)
		return took_keys(v, app, r);
	if (r->nrows != 1 || pgiam_refby_take_counts(&v->rb, (const char *const *)r->cells,
	    r->ncols) < 0)
		snprintf(v->failed, sizeof(v->failed), "counts: %s", r->nrows != 1 ?
			"no row" : pgiam_error_last());
	v->counted = 1;
	return PGIAM_REACT_REDRAW;
}

static void draw_key(const refby_view *v, const pgiam_refby_fk *fk, int y, pgiam_rect body,
	pgiam_role role)
{
	char count[32], line[1200];
	size_t n = 0;

	if (fk->countable && !v->counted)
		snprintf(count, sizeof(count), v->pending ? "\xE2\x80\xA6" : "?");
	else
		pgiam_refby_count_label(count, sizeof(count), fk);
	n = (size_t)snprintf(line, sizeof(line), "%7s  %s.%s (", count, fk->schema, fk->table);
	for (size_t c = 0; c < fk->ncols && n < sizeof(line); c++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", c ? ", " : "", fk->cols[c]);
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ") \xC2\xB7 %s \xC2\xB7 %s", fk->name,
			fk->countable && !v->counted && v->pending ? "counting\xE2\x80\xA6" : fk->why);
	pgiam_draw_fill(y, 1, body.w - 2, role);
	pgiam_draw_text(y, 1, body.w - 2, role, line);
}

/* Under the list: why the selected key's count is what it is, and what Enter opens. */
static void draw_selected(const refby_view *v, int y, pgiam_rect body)
{
	const pgiam_refby_fk *fk;
	pgiam_buf b = PGIAM_BUF_INIT;
	char line[1600];
	int end = body.y + body.h;

	if (v->sel < 0 || (size_t)v->sel >= v->rb.nfks || y >= end)
		return;
	fk = &v->rb.fks[v->sel];
	snprintf(line, sizeof(line), "%s.%s: %s", fk->schema, fk->table,
		fk->countable && !v->counted ? "counting\xE2\x80\xA6" : fk->why);
	y += pgiam_draw_wrapped((pgiam_rect){ y, 1, end - y > 2 ? 2 : end - y, body.w - 2 },
		PGIAM_ROLE_NORMAL, line);
	if (y < end && pgiam_refby_filter_sql(&b, fk) == 0) {
		snprintf(line, sizeof(line), "Enter opens %s.%s WHERE %s", fk->schema, fk->table,
			pgiam_buf_cstr(&b));
		pgiam_draw_text(y, 1, body.w - 2, PGIAM_ROLE_DIM, line);
	}
	pgiam_buf_dispose(&b);
}

static void refby_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	refby_view *v = s->data;
	int y = body.y, page;

	(void)app;
	pgiam_draw_text(y++, 1, body.w - 2, PGIAM_ROLE_DIM, "rows pointing at this row "
		"(counted up to 1000 where an index makes it cheap; ~ an estimate; ? unknown) "
		"\xC2\xB7 Enter opens them \xC2\xB7 Esc goes back");
	if (v->failed[0])
		pgiam_draw_text(y++, 1, body.w - 2, PGIAM_ROLE_ERROR, v->failed);
	if (!v->have) {
		if (v->pending)
			pgiam_draw_text(y, 1, body.w - 2, PGIAM_ROLE_WARN, "reading the foreign "
				"keys\xE2\x80\xA6 \xC2\xB7 Esc cancels");
		return;
	}
	if (!v->rb.nfks) {
		pgiam_draw_text(y + 1, 1, body.w - 2, PGIAM_ROLE_NORMAL, "no foreign key of any "
			"table points at this table");
		return;
	}
	pgiam_draw_field(y++, 1, body.w - 2, PGIAM_ROLE_HEADER, "   rows  table (columns) "
		"\xC2\xB7 foreign key \xC2\xB7 how counted");
	/* the last lines: the selected key's reason and filter, whole */
	page = body.y + body.h - y - (v->rb.cut ? 1 : 0) - 4;
	if (page < 1)
		page = 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + page)
		v->top = v->sel - page + 1;
	for (int i = v->top; i < (int)v->rb.nfks && i < v->top + page; i++, y++)
		draw_key(v, &v->rb.fks[i], y, body, i == v->sel ? PGIAM_ROLE_SELECTED :
			PGIAM_ROLE_NORMAL);
	if (v->rb.cut)
		pgiam_draw_text(y++, 1, body.w - 2, PGIAM_ROLE_DIM, "only the first foreign keys "
			"are listed");
	draw_selected(v, y + 1, body);
}

/* Enter: the chosen table and the filter of its rows that point at the row. */
static unsigned choose(refby_view *v, pgiam_app *app)
{
	const pgiam_refby_fk *fk;
	pgiam_buf b = PGIAM_BUF_INIT;

	if (!v->have || v->sel < 0 || (size_t)v->sel >= v->rb.nfks)
		return PGIAM_REACT_NONE;
	fk = &v->rb.fks[v->sel];
	if (!fk->can_select) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s.%s: the role has no SELECT on it",
			fk->schema, fk->table);
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_refby_filter_sql(&b, fk) < 0) {
		pgiam_buf_dispose(&b);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	free(v->arg->where);
	if (!(v->arg->where = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory");
	pgiam_buf_dispose(&b);
	snprintf(v->arg->open_schema, sizeof(v->arg->open_schema), "%s", fk->schema);
	snprintf(v->arg->open_table, sizeof(v->arg->open_table), "%s", fk->table);
	v->arg->chosen = 1;
	return PGIAM_REACT_POP;
}

static unsigned refby_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	refby_view *v = s->data;
	int n = v->have ? (int)v->rb.nfks : 0;

	/* q closes it, as the hint line says for a list (a pager's q) */
	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL || a == PGIAM_ACTION_QUIT) {
		if (v->pending && app->conn && pgiam_conn_busy(app->conn)) {
			pgiam_conn_cancel(app->conn);
			return PGIAM_REACT_REDRAW;
		}
		return PGIAM_REACT_POP;
	}
	if (v->pending)
		return PGIAM_REACT_NONE;   /* one statement at a time */
	switch (a) {
	case PGIAM_ACTION_UP:
		v->sel -= v->sel > 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_DOWN:
		v->sel += v->sel < n - 1;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_FIRST:
		v->sel = 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_LAST:
		v->sel = n > 0 ? n - 1 : 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_OPEN:
		return choose(v, app);
	case PGIAM_ACTION_REFRESH:
		return read_keys(v, app);
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

static void refby_close(pgiam_screen *s, pgiam_app *app)
{
	refby_view *v = s->data;

	if (v->pending && app->conn && pgiam_conn_busy(app->conn))
		pgiam_conn_cancel(app->conn);
	pgiam_refby_dispose(&v->rb);
	free(v);
}

const pgiam_screen_ops pgiam_screen_refby = {
	.title = "Referenced by",
	.scopes = { PGIAM_SCOPE_LIST, PGIAM_SCOPE_BROWSE }, .nscopes = 2,
	.open = refby_open, .draw = refby_draw, .action = refby_action, .tick = refby_tick,
	.close = refby_close,
};
