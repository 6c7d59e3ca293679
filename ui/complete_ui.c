/* complete_ui.c - Tab completion at the SQL prompt (complete_ui.h). */
#include "complete_ui.h"

#include "draw.h"
#include "error.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_ROWS 8

static int start_load(pgiam_complete_ui *c, pgiam_app *app)
{
	if (!app->conn || pgiam_conn_busy(app->conn) ||
	    pgiam_conn_query_internal(app->conn, pgiam_complete_catalog_sql()) < 0)
		return -1;
	c->loading = 1;
	c->stale = 0;
	return 0;
}

static void replace_text(pgiam_editor *ed, const pgiam_buf *text, size_t cursor)
{
	if (pgiam_editor_set(ed, text->ptr ? text->ptr : "", text->len) < 0)
		pgiam_ui_fail("out of memory");
	ed->cursor = cursor;
	ed->goal_col = -1;
}

typedef struct list_arg {
	pgiam_editor *ed;
	pgiam_complete_result r;   /* handed to the list */
	size_t cursor;
} list_arg;

static unsigned complete_now(pgiam_complete_ui *c, pgiam_app *app, pgiam_editor *ed)
{
	static list_arg arg;
	pgiam_complete_result r;
	pgiam_buf out = PGIAM_BUF_INIT;
	size_t cursor = ed->cursor;
	int changed = 0;

	if (pgiam_complete(&r, c->cat, pgiam_editor_text(ed), pgiam_editor_len(ed),
	    ed->cursor) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	if (!r.count) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "no completion (%s)", r.context);
		pgiam_complete_result_dispose(&r);
		return PGIAM_REACT_REDRAW;
	}
	changed = pgiam_complete_apply(&out, &cursor, pgiam_editor_text(ed), pgiam_editor_len(ed),
		ed->cursor, &r, r.count == 1 ? 0 : -1);
	if (changed < 0)
		pgiam_ui_fail("out of memory");
	if (changed)
		replace_text(ed, &out, cursor);
	pgiam_buf_dispose(&out);
	if (r.count == 1) {
		pgiam_complete_result_dispose(&r);
		return PGIAM_REACT_REDRAW;
	}
	/* the list replaces the typed word (now the common prefix) with its choice */
	arg.ed = ed;
	arg.r = r;
	arg.cursor = ed->cursor;
	return pgiam_app_push(app, &pgiam_screen_complete, &arg);
}

unsigned pgiam_complete_ui_tab(pgiam_complete_ui *c, pgiam_app *app, pgiam_editor *ed)
{
	if ((!c->cat || c->stale) && !c->loading && start_load(c, app) < 0 && !c->cat)
		pgiam_app_message(app, PGIAM_ROLE_WARN, "completion: names not read (%s): "
			"keywords only", app->conn && pgiam_conn_busy(app->conn) ? "a statement is "
			"running" : pgiam_error_last());
	if (c->loading) {
		c->pending_tab = 1;
		c->pending_ed = ed;
		c->pending_cursor = ed->cursor;
		c->pending_len = pgiam_editor_len(ed);
		pgiam_app_message(app, PGIAM_ROLE_DIM, "completion: reading the catalog\xE2\x80\xA6");
		return PGIAM_REACT_REDRAW;
	}
	return complete_now(c, app, ed);
}

unsigned pgiam_complete_ui_refresh(pgiam_complete_ui *c, pgiam_app *app)
{
	if (c->loading)
		return PGIAM_REACT_NONE;
	if (start_load(c, app) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "completion: the catalog is read when "
			"nothing runs; it will be at the next Tab");
		c->stale = 1;
		return PGIAM_REACT_REDRAW;
	}
	pgiam_app_message(app, PGIAM_ROLE_DIM, "completion: reading the catalog\xE2\x80\xA6");
	return PGIAM_REACT_REDRAW;
}

void pgiam_complete_ui_sent(pgiam_complete_ui *c, const char *sql)
{
	if (pgiam_complete_is_ddl(sql, strlen(sql)))
		c->stale = 1;
}

/* The answer's rows into a new catalog; NULL when the answer is not the catalog's. */
static pgiam_complete_catalog *take(const pgiam_conn_result *r, size_t *bad)
{
	pgiam_complete_catalog *cat = NULL;

	*bad = 0;
	if (r->failed || r->ncols != 3 || strcmp(r->colnames[0], PGIAM_COMPLETE_CATALOG_COLUMN) ||
	    pgiam_complete_catalog_new(&cat) < 0)
		return NULL;
	for (size_t i = 0; i < r->nrows; i++) {
		char *const *row = r->cells + i * 3;

		if (pgiam_complete_catalog_add_row(cat, row[0], row[1], row[2]) < 0)
			(*bad)++;
	}
	return cat;
}

unsigned pgiam_complete_ui_tick(pgiam_complete_ui *c, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	pgiam_complete_catalog *cat = NULL;
	size_t bad = 0;
	int wait = 0;

	if (!c->loading || (r && !r->done) || (app->conn && pgiam_conn_busy(app->conn) && !r))
		return PGIAM_REACT_NONE;
	c->loading = 0;
	wait = c->pending_tab;
	c->pending_tab = 0;
	if (!r || !(cat = take(r, &bad))) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "completion: the catalog was not read "
			"(%s): keywords only", r && r->failed ? r->message : "no answer");
	} else {
		pgiam_complete_catalog_free(c->cat);
		c->cat = cat;
		pgiam_eventlog_add(&app->log, "completion: %zu relations in %zu schemas read%s",
			pgiam_complete_catalog_relations(cat), pgiam_complete_catalog_schemas(cat),
			bad ? " (some rows not understood)" : "");
		if (!wait)
			pgiam_app_message(app, PGIAM_ROLE_OK, "completion: %zu relations known",
				pgiam_complete_catalog_relations(cat));
	}
	/* the Tab that waited, if nothing was typed since */
	if (wait && c->pending_ed && c->pending_ed->cursor == c->pending_cursor &&
	    pgiam_editor_len(c->pending_ed) == c->pending_len) {
		app->message[0] = '\0';
		return complete_now(c, app, c->pending_ed) | PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_REDRAW;
}

void pgiam_complete_ui_dispose(pgiam_complete_ui *c)
{
	pgiam_complete_catalog_free(c->cat);
	memset(c, 0, sizeof(*c));
}

/* --- the list of candidates, over the SQL screen */

typedef struct clist {
	list_arg a;
	size_t sel, top;
	pgiam_screen *below;
} clist;

static int cl_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	clist *l = pgiam_xcalloc(1, sizeof(*l));

	(void)app;
	l->a = *(list_arg *)arg;
	memset(&((list_arg *)arg)->r, 0, sizeof(((list_arg *)arg)->r));
	l->below = s - 1;
	s->data = l;
	s->title = l->below->title ? l->below->title : l->below->ops->title;
	return 0;
}

static void cl_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	clist *l = s->data;
	int cy = body.y + body.h - 1, cx = 0, rows, w = 0, y;
	char more[400];

	l->below->ops->draw(l->below, app, body);
	if (l->below->ops->cursor)
		l->below->ops->cursor(l->below, app, body, &cy, &cx);
	rows = (int)(l->a.r.count < LIST_ROWS ? l->a.r.count : LIST_ROWS);
	for (size_t i = 0; i < l->a.r.count; i++) {
		int iw = (int)pgiam_width_of(l->a.r.items[i]);
		w = iw > w ? iw : w;
	}
	snprintf(more, sizeof(more), "%zu of %zu%s \xC2\xB7 %s", l->sel + 1, l->a.r.count,
		l->a.r.more ? "+" : "", l->a.r.context);
	w = w + 2 < 24 ? 24 : w + 2;
	if ((int)pgiam_width_of(more) + 1 > w)
		w = (int)pgiam_width_of(more) + 1;
	if (w > 60)
		w = 60;
	if (w > body.w - 2)
		w = body.w - 2;
	if (cx + w > body.x + body.w)
		cx = body.x + body.w - w;
	/* above the editor's first line shown (the editor is at the bottom), so nothing
	 * typed is hidden; below the cursor when there is no room */
	{
		int line = 0, col = 0, top_row;

		pgiam_editor_cursor_pos(l->a.ed, &line, &col);
		top_row = cy - (line - l->a.ed->top);
		y = top_row - rows - 1 >= body.y ? top_row - rows - 1 : cy + 1;
	}
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)rows)
		l->top = l->sel - (size_t)rows + 1;
	pgiam_draw_field(y, cx, w, PGIAM_ROLE_DIM, more);
	for (int i = 0; i < rows; i++) {
		size_t k = l->top + (size_t)i;

		pgiam_draw_field(y + 1 + i, cx, w, k == l->sel ? PGIAM_ROLE_SELECTED :
			PGIAM_ROLE_FIELD, l->a.r.items[k]);
	}
}

static unsigned cl_accept(clist *l)
{
	pgiam_buf out = PGIAM_BUF_INIT;
	size_t cursor = 0;
	int changed;

	/* the list was made for this text and cursor: they did not move under it */
	if (l->a.ed->cursor != l->a.cursor)
		return PGIAM_REACT_POP;
	changed = pgiam_complete_apply(&out, &cursor, pgiam_editor_text(l->a.ed),
		pgiam_editor_len(l->a.ed), l->a.cursor, &l->a.r, (long)l->sel);
	if (changed < 0)
		pgiam_ui_fail("out of memory");
	if (changed)
		replace_text(l->a.ed, &out, cursor);
	pgiam_buf_dispose(&out);
	return PGIAM_REACT_POP;
}

static unsigned cl_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	clist *l = s->data;

	(void)app;
	switch (a) {
	case PGIAM_ACTION_COMPLETE_NEXT:
		l->sel = (l->sel + 1) % l->a.r.count;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_COMPLETE_PREV:
		l->sel = (l->sel + l->a.r.count - 1) % l->a.r.count;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_COMPLETE_ACCEPT:
		return cl_accept(l);
	case PGIAM_ACTION_COMPLETE_CLOSE:
	case PGIAM_ACTION_CANCEL:
	case PGIAM_ACTION_BACK:
		return PGIAM_REACT_POP;
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

/* Typing goes on in the editor: the list closes, the character is not lost. */
static unsigned cl_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	clist *l = s->data;
	unsigned r = PGIAM_REACT_POP;

	if (l->below->ops->text)
		r |= l->below->ops->text(l->below, app, ch) & ~(unsigned)PGIAM_REACT_UNHANDLED;
	return r;
}

static unsigned cl_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	clist *l = s->data;
	unsigned r = PGIAM_REACT_POP;

	if (l->below->ops->paste)
		r |= l->below->ops->paste(l->below, app, text, len) & ~(unsigned)PGIAM_REACT_UNHANDLED;
	return r;
}

static int cl_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	clist *l = s->data;

	return l->below->ops->cursor ? l->below->ops->cursor(l->below, app, body, y, x) : 0;
}

static void cl_close(pgiam_screen *s, pgiam_app *app)
{
	clist *l = s->data;

	(void)app;
	pgiam_complete_result_dispose(&l->a.r);
	free(l);
}

const pgiam_screen_ops pgiam_screen_complete = {
	.title = "Completion",
	.scopes = { PGIAM_SCOPE_COMPLETE }, .nscopes = 1,
	.text_input = 1,
	.open = cl_open, .draw = cl_draw, .action = cl_action, .text = cl_text,
	.paste = cl_paste, .close = cl_close, .cursor = cl_cursor,
};
