/* screen_work.c - the workbench, the screen after connecting: the schema tree on the
 * left (pane_tree.c), the selected relation's rows on the right (the browser's rows
 * view, pgiam_pane_rows) and the SQL editor below (the SQL screen, pgiam_screen_sql,
 * hosted as a pane: its own ops called with the pane's rectangle).
 *
 * A pane is a screen's ops table drawn into a part of the body; the workbench is one
 * screen of the stack, not a loop of its own: the loop gives it keys, ticks and the
 * size as to any screen. Keys go to the focused pane's scopes: the workbench's ops
 * pointer is one of a few tables (one per focus: the pane's scopes, whether typed
 * text is text), so the loop's key lookup, the help line and paste handling follow
 * the focus. Tab / Shift-Tab and Ctrl-W then an arrow move the focus; F4 shows the
 * SQL editor full screen. Below WIDE_COLS columns (or a short terminal) the panes
 * stack: one shows at a time and its title says which and how to switch.
 *
 * The tree's and the rows' reads share the connection's one result for pgiam's own
 * reads: one of them reads at a time (the other's keys that would read wait), and the
 * rows pane reads its page again when the tree's read replaced it. */
#include "app.h"

#include "draw.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The three panes side by side and above each other need this much room. */
#define WIDE_COLS 100
#define WIDE_BODY 20

enum { P_TREE, P_ROWS, P_SQL, P__COUNT };

static const char *const pane_names[P__COUNT] = { "Tree", "Rows", "SQL editor" };

typedef struct work_view {
	pgiam_screen panes[P__COUNT];
	int focus;
	int zoomed;              /* F4: the SQL editor alone, full screen */
	int window;              /* Ctrl-W came: the next arrow picks a pane */
	pgiam_rect rect[P__COUNT];
	int shown[P__COUNT];
	int wide;                /* side by side at the last draw */
	int browse_wanted;       /* F5 while a pane read: the browser opens when it ends */
	char title[400];
} work_view;

extern const pgiam_screen_ops pgiam_work_tree_ops, pgiam_work_filter_ops,
	pgiam_work_rows_ops, pgiam_work_window_ops;
extern pgiam_screen_ops pgiam_work_sql_ops, pgiam_work_sqlzoom_ops;
static void sql_scopes(void);

/* The ops table the loop sees for the focus now. */
static void follow_focus(pgiam_screen *s, work_view *v)
{
	if (v->window)
		s->ops = &pgiam_work_window_ops;
	else if (v->focus == P_SQL)
		s->ops = v->zoomed ? &pgiam_work_sqlzoom_ops : &pgiam_work_sql_ops;
	else if (v->focus == P_ROWS)
		s->ops = &pgiam_work_rows_ops;
	else if (pgiam_pane_tree_filtering(&v->panes[P_TREE]))
		s->ops = &pgiam_work_filter_ops;
	else
		s->ops = &pgiam_work_tree_ops;
	snprintf(v->title, sizeof(v->title), "%s%s", v->panes[P_SQL].title ?
		v->panes[P_SQL].title : "Connected", v->zoomed && v->focus == P_SQL ?
		" \xC2\xB7 F4: back to the panes" : "");
	s->title = v->title;
}

static int open_pane(pgiam_screen *p, pgiam_app *app, const pgiam_screen_ops *ops)
{
	p->ops = ops;
	p->data = NULL;
	p->title = NULL;
	return ops->open(p, app, NULL);
}

static int work_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	work_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	s->data = v;
	sql_scopes();
	/* the SQL screen first: it owns the connection (it closes it) */
	if (open_pane(&v->panes[P_SQL], app, &pgiam_screen_sql) < 0) {
		free(v);
		return -1;
	}
	open_pane(&v->panes[P_TREE], app, &pgiam_pane_tree);
	open_pane(&v->panes[P_ROWS], app, &pgiam_pane_rows);
	v->focus = P_TREE;
	follow_focus(s, v);
	return 0;
}

static void work_close(pgiam_screen *s, pgiam_app *app)
{
	work_view *v = s->data;

	v->panes[P_ROWS].ops->close(&v->panes[P_ROWS], app);
	v->panes[P_TREE].ops->close(&v->panes[P_TREE], app);
	v->panes[P_SQL].ops->close(&v->panes[P_SQL], app);   /* frees the connection */
	free(v);
}

/* Where each pane goes in body: side by side (tree | rows over the SQL editor), or
 * stacked (the focused one alone). Every pane but the zoomed editor has a title line
 * at its top, outside its rectangle. */
static void place(work_view *v, pgiam_app *app, pgiam_rect body)
{
	memset(v->shown, 0, sizeof(v->shown));
	v->wide = app->cols >= WIDE_COLS && body.h >= WIDE_BODY;
	if (v->zoomed && v->focus == P_SQL) {
		v->shown[P_SQL] = 1;
		v->rect[P_SQL] = body;
		return;
	}
	if (!v->wide) {
		v->shown[v->focus] = 1;
		v->rect[v->focus] = (pgiam_rect){ body.y + 1, body.x, body.h - 1, body.w };
		return;
	}
	int bottom = body.h * 2 / 5 < 9 ? 9 : body.h * 2 / 5;
	int top = body.h - bottom;
	int tw = body.w / 3 < 28 ? 28 : body.w / 3 > 60 ? 60 : body.w / 3;

	v->shown[P_TREE] = v->shown[P_ROWS] = v->shown[P_SQL] = 1;
	v->rect[P_TREE] = (pgiam_rect){ body.y + 1, body.x, top - 1, tw };
	v->rect[P_ROWS] = (pgiam_rect){ body.y + 1, body.x + tw + 1, top - 1, body.w - tw - 1 };
	v->rect[P_SQL] = (pgiam_rect){ body.y + top + 1, body.x, bottom - 1, body.w };
}

/* A pane's title line: the focused one highlighted and marked with ▶ (a mark that
 * shows without colours too). Stacked, it names the others and the key to switch. */
static void draw_title(work_view *v, int p, pgiam_rect r)
{
	char line[800];
	int focused = p == v->focus;
	const char *what = p == P_ROWS && v->panes[P_ROWS].title ? v->panes[P_ROWS].title :
		pane_names[p];
	int n;

	/* the mark stays readable in a non-UTF-8 locale too */
	n = snprintf(line, sizeof(line), "%s %s", !focused ? " " : pgiam_width_utf8_locale() ?
		"\xE2\x96\xB6" : ">", what);
	if (!v->wide && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " \xC2\xB7 pane %d/3 \xC2\xB7 Tab: "
			"%s \xC2\xB7 F4: SQL editor", p + 1, pane_names[(p + 1) % P__COUNT]);
	else if (focused && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " \xC2\xB7 Tab: next pane");
	pgiam_draw_field(r.y - 1, r.x, r.w, focused ? PGIAM_ROLE_TITLE : PGIAM_ROLE_HEADER,
		line);
}

static void work_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	work_view *v = s->data;

	place(v, app, body);
	for (int p = 0; p < P__COUNT; p++) {
		if (!v->shown[p])
			continue;
		if (!(v->zoomed && p == P_SQL))
			draw_title(v, p, v->rect[p]);
		v->panes[p].ops->draw(&v->panes[p], app, v->rect[p]);
	}
	if (v->shown[P_TREE] && v->shown[P_ROWS])
		for (int y = v->rect[P_ROWS].y - 1; y < v->rect[P_ROWS].y + v->rect[P_ROWS].h; y++)
			pgiam_draw_text(y, v->rect[P_ROWS].x - 1, 1, PGIAM_ROLE_DIM, "\xE2\x94\x82");
}

static int work_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	work_view *v = s->data;
	pgiam_screen *p = &v->panes[v->focus];

	(void)body;
	if (v->window || !v->shown[v->focus] || !p->ops->cursor)
		return 0;
	return p->ops->cursor(p, app, v->rect[v->focus], y, x);
}

/* Ctrl-W then an arrow: the pane that way (side by side: tree | rows above the
 * editor; stacked: left and up the previous, right and down the next). */
static void window_move(work_view *v, pgiam_action a)
{
	int prev = (v->focus + P__COUNT - 1) % P__COUNT, next = (v->focus + 1) % P__COUNT;

	v->zoomed = 0;
	if (!v->wide) {
		v->focus = a == PGIAM_ACTION_WIN_LEFT || a == PGIAM_ACTION_WIN_UP ? prev : next;
		return;
	}
	if (a == PGIAM_ACTION_WIN_LEFT && v->focus == P_ROWS)
		v->focus = P_TREE;
	else if (a == PGIAM_ACTION_WIN_RIGHT && v->focus == P_TREE)
		v->focus = P_ROWS;
	else if (a == PGIAM_ACTION_WIN_DOWN && v->focus != P_SQL)
		v->focus = P_SQL;
	else if (a == PGIAM_ACTION_WIN_UP && v->focus == P_SQL)
		v->focus = P_TREE;
}

/* Keys for the tree: one that reads waits while the rows pane reads (they share the
 * connection's result); Enter on a relation shows its rows. */
static unsigned tree_key(work_view *v, pgiam_app *app, pgiam_action a)
{
	pgiam_screen *t = &v->panes[P_TREE];
	char schema[256], name[256];
	unsigned r;

	if ((a == PGIAM_ACTION_TREE_OPEN || a == PGIAM_ACTION_UNFOLD ||
	    a == PGIAM_ACTION_TREE_REFRESH || a == PGIAM_ACTION_TREE_STRUCTURE ||
	    a == PGIAM_ACTION_TREE_PROBE) && pgiam_pane_rows_pending(&v->panes[P_ROWS]) &&
	    !pgiam_pane_tree_filtering(t)) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "the rows pane is reading: a moment "
			"(Esc there cancels)");
		return PGIAM_REACT_REDRAW;
	}
	r = t->ops->action(t, app, a);
	switch (pgiam_pane_tree_take_open(t, schema, sizeof(schema), name, sizeof(name))) {
	case PGIAM_ACTION_TREE_OPEN:
		r |= pgiam_pane_rows_show(&v->panes[P_ROWS], app, schema, name);
		break;
	case PGIAM_ACTION_TREE_STRUCTURE:
		r |= pgiam_pane_rows_structure(&v->panes[P_ROWS], app, schema, name);
		break;
	case PGIAM_ACTION_TREE_PROBE: {
		static pgiam_probe_arg probe;

		snprintf(probe.schema, sizeof(probe.schema), "%s", schema);
		snprintf(probe.table, sizeof(probe.table), "%s", name);
		return pgiam_app_push(app, &pgiam_screen_probe, &probe);
	}
	default:
		break;
	}
	if ((r & PGIAM_REACT_UNHANDLED) && (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
	    && !(app->conn && pgiam_conn_busy(app->conn)))
		/* as on the SQL screen: Esc asks whether to disconnect */
		return v->panes[P_SQL].ops->action(&v->panes[P_SQL], app, PGIAM_ACTION_BACK);
	return r;
}

static unsigned rows_key(work_view *v, pgiam_app *app, pgiam_action a)
{
	pgiam_screen *p = &v->panes[P_ROWS];
	unsigned r;

	if (pgiam_pane_tree_pending(&v->panes[P_TREE]) && a != PGIAM_ACTION_BACK &&
	    a != PGIAM_ACTION_CANCEL && pgiam_action_get(a)->scope != PGIAM_SCOPE_GLOBAL) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "the tree is reading: a moment");
		return PGIAM_REACT_REDRAW;
	}
	r = p->ops->action(p, app, a);
	if ((r & PGIAM_REACT_UNHANDLED) && (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
	    && !(app->conn && pgiam_conn_busy(app->conn))) {
		v->focus = P_TREE;   /* Esc at the top of the rows: back to the tree */
		return PGIAM_REACT_REDRAW;
	}
	return r;
}

/* F5: the browser full screen, through the SQL screen's own key (it drops its queued
 * statements first). Its first read would find the connection busy while a pane
 * reads (just after connecting, the tree's): it opens when that read ends. */
static unsigned open_browser(work_view *v, pgiam_app *app)
{
	if (pgiam_pane_tree_pending(&v->panes[P_TREE]) ||
	    pgiam_pane_rows_pending(&v->panes[P_ROWS])) {
		v->browse_wanted = 1;
		return PGIAM_REACT_NONE;
	}
	v->browse_wanted = 0;
	return v->panes[P_SQL].ops->action(&v->panes[P_SQL], app, PGIAM_ACTION_BROWSE);
}

static unsigned work_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	work_view *v = s->data;
	unsigned r = PGIAM_REACT_REDRAW;

	if (v->window) {
		v->window = 0;
		if (a == PGIAM_ACTION_WIN_LEFT || a == PGIAM_ACTION_WIN_RIGHT ||
		    a == PGIAM_ACTION_WIN_UP || a == PGIAM_ACTION_WIN_DOWN) {
			window_move(v, a);
			app->message[0] = '\0';   /* the Ctrl-W hint is answered */
		} else if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) {
			app->message[0] = '\0';
		} else {
			r = PGIAM_REACT_UNHANDLED;   /* a global key (F1, q) still works */
		}
	} else if (a == PGIAM_ACTION_FOCUS_NEXT || a == PGIAM_ACTION_FOCUS_PREV) {
		v->focus = (v->focus + (a == PGIAM_ACTION_FOCUS_NEXT ? 1 : P__COUNT - 1)) % P__COUNT;
		v->zoomed = 0;
	} else if (a == PGIAM_ACTION_WINDOW) {
		v->window = 1;
		pgiam_app_message(app, PGIAM_ROLE_DIM, "Ctrl-W: an arrow (or h j k l) picks the "
			"pane that way; Esc: none");
	} else if (a == PGIAM_ACTION_FULL_BROWSER || (v->focus == P_SQL &&
	    a == PGIAM_ACTION_BROWSE)) {
		r = open_browser(v, app);
	} else if (a == PGIAM_ACTION_EDITOR) {
		v->zoomed = !(v->zoomed && v->focus == P_SQL);
		v->focus = P_SQL;
	} else if (v->focus == P_TREE) {
		r = tree_key(v, app, a);
	} else if (v->focus == P_ROWS) {
		r = rows_key(v, app, a);
	} else {
		r = v->panes[P_SQL].ops->action(&v->panes[P_SQL], app, a);
	}
	follow_focus(s, v);
	return r;
}

static unsigned work_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	work_view *v = s->data;
	pgiam_screen *p = &v->panes[v->focus];
	unsigned r = p->ops->text ? p->ops->text(p, app, ch) : PGIAM_REACT_NONE;

	follow_focus(s, v);
	return r;
}

static unsigned work_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	work_view *v = s->data;
	pgiam_screen *p = &v->panes[v->focus];
	unsigned r = p->ops->paste ? p->ops->paste(p, app, text, len) : PGIAM_REACT_NONE;

	follow_focus(s, v);
	return r;
}

/* Every pane's tick, the tree's first (its read done, the rows pane may read). */
static unsigned work_tick(pgiam_screen *s, pgiam_app *app)
{
	work_view *v = s->data;
	unsigned r = 0;

	for (int p = 0; p < P__COUNT; p++) {
		pgiam_screen *ps = &v->panes[p];

		if (ps->ops->tick)
			r |= ps->ops->tick(ps, app);
		if (r & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT))
			break;
	}
	if (v->browse_wanted && !(r & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT)))
		r |= open_browser(v, app);
	follow_focus(s, v);
	return r;
}

/* Back on top: the rows pane takes a question's answer (its filter) or reads its page
 * again if a screen above replaced it. */
static unsigned work_resume(pgiam_screen *s, pgiam_app *app)
{
	work_view *v = s->data;
	pgiam_screen *p = &v->panes[P_ROWS];
	unsigned r = p->ops->resume ? p->ops->resume(p, app) : PGIAM_REACT_NONE;

	follow_focus(s, v);
	return r;
}

#define WORK_OPS(scope_list, n, text_in, txt, pst) { \
	.title = "Workbench", .scopes = scope_list, .nscopes = n, .text_input = text_in, \
	.open = work_open, .draw = work_draw, .action = work_action, .text = txt, \
	.paste = pst, .tick = work_tick, .resume = work_resume, .close = work_close, \
	.cursor = work_cursor }

#define SCOPES(...) { __VA_ARGS__ }

const pgiam_screen_ops pgiam_work_tree_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_TREE,
	PGIAM_SCOPE_LIST, PGIAM_SCOPE_WORKBENCH), 3, 0, NULL, NULL);
const pgiam_screen_ops pgiam_work_filter_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_EDIT,
	PGIAM_SCOPE_PROMPT), 2, 1, work_text, work_paste);
const pgiam_screen_ops pgiam_work_rows_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_BROWSE,
	PGIAM_SCOPE_LIST, PGIAM_SCOPE_WORKBENCH), 3, 0, NULL, NULL);
/* The editor's: its scopes are the SQL screen's own (taken from its ops table when
 * the workbench opens, so a change of the SQL screen's keys follows). In the pane the
 * workbench's come first, so Tab and Ctrl-W leave the editor (the focus keys);
 * full screen (F4) the editor's come first (Tab completes, Ctrl-W deletes a word) and
 * F4 or Shift-Tab leave it. */
pgiam_screen_ops pgiam_work_sql_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_WORKBENCH,
	PGIAM_SCOPE_SQL, PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST), 4, 1, work_text, work_paste);
pgiam_screen_ops pgiam_work_sqlzoom_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_SQL,
	PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST, PGIAM_SCOPE_WORKBENCH), 4, 1, work_text, work_paste);

static void sql_scopes(void)
{
	const pgiam_screen_ops *q = &pgiam_screen_sql;
	size_t max = sizeof(pgiam_work_sql_ops.scopes) / sizeof(pgiam_scope) - 1;
	size_t n = q->nscopes < max ? q->nscopes : max;

	pgiam_work_sql_ops.scopes[0] = PGIAM_SCOPE_WORKBENCH;
	for (size_t i = 0; i < n; i++) {
		pgiam_work_sql_ops.scopes[1 + i] = q->scopes[i];
		pgiam_work_sqlzoom_ops.scopes[i] = q->scopes[i];
	}
	pgiam_work_sqlzoom_ops.scopes[n] = PGIAM_SCOPE_WORKBENCH;
	pgiam_work_sql_ops.nscopes = pgiam_work_sqlzoom_ops.nscopes = n + 1;
	pgiam_work_sql_ops.text_input = pgiam_work_sqlzoom_ops.text_input = q->text_input;
}
const pgiam_screen_ops pgiam_work_window_ops = WORK_OPS(SCOPES(PGIAM_SCOPE_WINDOW), 1, 0,
	NULL, NULL);
const pgiam_screen_ops pgiam_screen_work = WORK_OPS(SCOPES(PGIAM_SCOPE_TREE,
	PGIAM_SCOPE_LIST, PGIAM_SCOPE_WORKBENCH), 3, 0, NULL, NULL);
