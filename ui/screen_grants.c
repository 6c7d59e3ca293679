/* screen_grants.c - the Grants screen (F7 when connected): what the logged-in IAM
 * database user may do and through which role, the same answer as `pgiam grants`.
 *
 * The core builds the one statement and reads its rows (src/grants.h); it runs
 * through the connection's non-blocking path for pgiam's own queries (so the screen
 * keeps moving, Esc cancels, and inside the user's transaction it runs on pgiam's own
 * connection), and the core renders the text lines with a style each, drawn here in
 * colours by role. The screen computes nothing. */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "grants.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gline {
	pgiam_grants_style style;
	char *text;
} gline;

typedef struct grants_view {
	int pending;          /* the statement is running */
	gline *lines;
	size_t nlines, cap;
	char failure[700];    /* the last failure, "" none */
	int top, page;
	int hcol;             /* display columns scrolled to the right */
	char title[200];
} grants_view;

static void clear_lines(grants_view *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i].text);
	v->nlines = 0;
}

static void add_line(void *ctx, pgiam_grants_style style, const char *line)
{
	grants_view *v = ctx;

	if (v->nlines == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		gline *l = realloc(v->lines, cap * sizeof(*l));

		if (!l)
			pgiam_ui_fail("out of memory");
		v->lines = l;
		v->cap = cap;
	}
	v->lines[v->nlines].style = style;
	v->lines[v->nlines++].text = pgiam_xstrdup(line);
}

/* Sends the statement; a failure to send is shown on the screen (r tries again). */
static unsigned start(grants_view *v, pgiam_app *app)
{
	pgiam_buf sql = PGIAM_BUF_INIT;
	pgiam_grants_options opts = PGIAM_GRANTS_OPTIONS_INIT;

	v->failure[0] = '\0';
	if (!app->conn || pgiam_grants_sql(&sql, &opts) < 0 ||
	    pgiam_conn_query_internal(app->conn, pgiam_buf_cstr(&sql)) < 0) {
		snprintf(v->failure, sizeof(v->failure), "not read: %s (r tries again)",
			app->conn ? pgiam_error_last() : "not connected");
		pgiam_buf_dispose(&sql);
		return PGIAM_REACT_REDRAW;
	}
	pgiam_buf_dispose(&sql);
	v->pending = 1;
	return PGIAM_REACT_REDRAW;
}

static int grants_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	grants_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	snprintf(v->title, sizeof(v->title), "Grants");
	s->data = v;
	s->title = v->title;
	start(v, app);
	return 0;
}

/* The finished result into lines (the core parses and renders). */
static void take(grants_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	pgiam_grants *g = NULL;
	int error = 0;

	clear_lines(v);
	if (r->ncols != 2)
		error = pgiam_error_set(PGIAM_ESERVER, "grants: %zu columns", r->ncols);
	if (!error && r->truncated)
		error = pgiam_error_set(PGIAM_ESERVER, "grants: more schemas than the screen keeps");
	if (!error)
		error = pgiam_grants_new(&g);
	for (size_t i = 0; !error && i < r->nrows; i++)
		error = pgiam_grants_add_row(g, r->cells[i * 2], r->cells[i * 2 + 1]);
	if (!error)
		error = pgiam_grants_finish(g);
	if (!error)
		error = pgiam_conn_grants_iam(app->conn, g);
	if (!error)
		error = pgiam_grants_render(g, add_line, v);
	if (error)
		snprintf(v->failure, sizeof(v->failure), "%s", pgiam_error_last());
	else
		snprintf(v->title, sizeof(v->title), "Grants: %zu objects in %zu schemas",
			pgiam_grants_object_count(g), pgiam_grants_schema_count(g));
	pgiam_grants_free(g);
}

static unsigned grants_tick(pgiam_screen *s, pgiam_app *app)
{
	grants_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;

	if (!v->pending || !r || !r->done)
		return PGIAM_REACT_NONE;
	v->pending = 0;
	if (r->failed)
		snprintf(v->failure, sizeof(v->failure), "%s%s%s%s%s", r->cancelled ? "cancelled" :
			"ERROR", r->sqlstate[0] ? " " : "", r->sqlstate, r->cancelled ? "" : ": ",
			r->cancelled ? "" : r->message);
	else
		take(v, app, r);
	return PGIAM_REACT_REDRAW;
}

static pgiam_role role_of(pgiam_grants_style style)
{
	switch (style) {
	case PGIAM_GRANTS_PLAIN: return PGIAM_ROLE_NORMAL;
	case PGIAM_GRANTS_HEADING: return PGIAM_ROLE_HEADER;
	case PGIAM_GRANTS_LOUD: return PGIAM_ROLE_ERROR;
	case PGIAM_GRANTS_KEY: return PGIAM_ROLE_KEY;
	case PGIAM_GRANTS_WARN: return PGIAM_ROLE_WARN;
	case PGIAM_GRANTS_MUTED: return PGIAM_ROLE_DIM;
	}
	return PGIAM_ROLE_NORMAL;
}

static void grants_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	grants_view *v = s->data;
	int y = body.y;

	(void)app;
	v->page = body.h;
	if (v->pending) {
		pgiam_draw_text(y, body.x, body.w, PGIAM_ROLE_DIM,
			"reading the role's grants from the catalog\xE2\x80\xA6 (Esc cancels)");
		return;
	}
	if (v->failure[0]) {
		pgiam_draw_wrapped(body, PGIAM_ROLE_ERROR, v->failure);
		return;
	}
	if (v->top > (int)v->nlines - body.h)
		v->top = (int)v->nlines - body.h > 0 ? (int)v->nlines - body.h : 0;
	for (int i = 0; i < body.h && v->top + i < (int)v->nlines; i++) {
		const gline *l = &v->lines[v->top + i];
		const char *t = l->text + pgiam_width_prefix(l->text, v->hcol);

		pgiam_draw_text(y + i, body.x, body.w, role_of(l->style), t);
	}
}

static unsigned grants_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	grants_view *v = s->data;
	unsigned r;

	if (a == PGIAM_ACTION_QUIT)
		return PGIAM_REACT_POP;   /* q closes it, as in a pager */
	if (a == PGIAM_ACTION_REFRESH)
		return v->pending ? PGIAM_REACT_NONE : start(v, app);
	if (a == PGIAM_ACTION_SCROLL_LEFT || a == PGIAM_ACTION_SCROLL_RIGHT) {
		v->hcol += a == PGIAM_ACTION_SCROLL_RIGHT ? 8 : -8;
		if (v->hcol < 0)
			v->hcol = 0;
		return PGIAM_REACT_REDRAW;
	}
	r = pgiam_pager_action(&v->top, (int)v->nlines, v->page, a);
	return r;
}

static void grants_close(pgiam_screen *s, pgiam_app *app)
{
	grants_view *v = s->data;

	if (v->pending && app->conn && pgiam_conn_busy(app->conn))
		pgiam_conn_cancel(app->conn);
	clear_lines(v);
	free(v->lines);
	free(v);
}

const pgiam_screen_ops pgiam_screen_grants = {
	.title = "Grants",
	.scopes = { PGIAM_SCOPE_LIST, PGIAM_SCOPE_BROWSE }, .nscopes = 2,
	.open = grants_open, .draw = grants_draw, .action = grants_action,
	.tick = grants_tick, .close = grants_close,
};
