/* pane_tree.c - the workbench's schema tree: schemas -> the relations of a schema
 * (every kind with its own mark, the role's S I U D privileges), a partitioned table's
 * partitions folded under it. A schema's relations and a table's partitions are read
 * when it is unfolded (never all of a database of hundreds of schemas at once), through
 * the connection's path for pgiam's own reads (the core builds the statements:
 * catalog.h); the tree keeps its own copy of what it read. The first schema the role
 * can use that is not a system schema opens unfolded. `/` filters the entries read so
 * far by name as the user types. Nothing here writes: every statement is a catalog
 * read. */
#include "app.h"

#include "catalog.h"
#include "draw.h"
#include "error.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum nkind { N_SCHEMA, N_TABLE, N_PART, N_VIEW, N_MVIEW, N_FOREIGN, N_SEQ, N_FUNC };

/* The mark of each kind: a word, so it reads without colours too. */
static const char *const marks[] = { "schema", "table", "part", "view", "mview",
	"foreign", "seq", "func" };

typedef struct node {
	char *name;
	char *schema;          /* the schema holding it (a schema: itself) */
	int depth;
	enum nkind kind;
	int unfolded;
	int usage;             /* a schema: the role has USAGE */
	char kindtext[80];     /* as the catalog says it: "partitioned table (3 partitions)" */
	char est[40], size[32];
	char privs[8];         /* "SIUD", '-' for what is not held; "X" a routine's EXECUTE */
	char count[16];        /* a schema: its relations */
} node;

enum tpending { T_NONE, T_SCHEMAS, T_CHILDREN };

typedef struct tree_view {
	node *nodes;
	size_t n, cap;
	size_t *vis;           /* the nodes shown (the filter), in order */
	size_t nvis;
	int sel, top, page;
	enum tpending pending;
	size_t pending_at;     /* the node whose children are read */
	int opened_first;      /* the first usable schema was unfolded */
	char filter[256];
	int filtering;         /* typed text goes to the filter */
	pgiam_action want_open; /* on a relation: what the workbench is to do (its rows,
	                           its structure, the probe) */
	char title[300];
} tree_view;

static void node_free(node *nd)
{
	free(nd->name);
	free(nd->schema);
}

static void clear_nodes(tree_view *v)
{
	for (size_t i = 0; i < v->n; i++)
		node_free(&v->nodes[i]);
	v->n = 0;
}

/* Room for more nodes at position at (the ones after it move down). */
static node *insert_at(tree_view *v, size_t at, size_t count)
{
	if (v->n + count > v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		node *grown;

		while (cap < v->n + count)
			cap *= 2;
		if (!(grown = realloc(v->nodes, cap * sizeof(node))))
			pgiam_ui_fail("out of memory");
		v->nodes = grown;
		v->cap = cap;
	}
	memmove(v->nodes + at + count, v->nodes + at, (v->n - at) * sizeof(node));
	memset(v->nodes + at, 0, count * sizeof(node));
	v->n += count;
	return v->nodes + at;
}

/* The entries under node i, up to the next one at its depth or above. */
static size_t subtree_end(const tree_view *v, size_t i)
{
	size_t j = i + 1;

	while (j < v->n && v->nodes[j].depth > v->nodes[i].depth)
		j++;
	return j;
}

static void fold(tree_view *v, size_t i)
{
	size_t end = subtree_end(v, i);

	for (size_t j = i + 1; j < end; j++)
		node_free(&v->nodes[j]);
	memmove(v->nodes + i + 1, v->nodes + end, (v->n - end) * sizeof(node));
	v->n -= end - i - 1;
	v->nodes[i].unfolded = 0;
}

/* Which nodes show: all, or with a filter those whose name holds it and the schemas
 * and tables they are in. The selection stays on its node when it still shows. */
static void rebuild_vis(tree_view *v)
{
	size_t was = v->nvis && v->sel >= 0 && (size_t)v->sel < v->nvis ? v->vis[v->sel]
		: (size_t)-1;
	unsigned char *show = pgiam_xcalloc(v->n + 1, 1);
	int first_match = -1;

	free(v->vis);
	v->vis = pgiam_xcalloc(v->n + 1, sizeof(size_t));
	v->nvis = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (v->filter[0] && !strcasestr(v->nodes[i].name, v->filter))
			continue;
		show[i] = 1;
		/* and every node it is in */
		for (size_t j = i, d = (size_t)v->nodes[i].depth; j-- > 0 && d > 0;)
			if ((size_t)v->nodes[j].depth < d) {
				show[j] = 1;
				d = (size_t)v->nodes[j].depth;
			}
	}
	v->sel = -1;
	for (size_t i = 0; i < v->n; i++) {
		if (!show[i])
			continue;
		if (i == was)
			v->sel = (int)v->nvis;
		if (first_match < 0 && v->filter[0] && strcasestr(v->nodes[i].name, v->filter) &&
		    v->nodes[i].kind != N_SCHEMA)
			first_match = (int)v->nvis;
		v->vis[v->nvis++] = i;
	}
	free(show);
	if (v->filter[0] && first_match >= 0 && (v->sel < 0 ||
	    !strcasestr(v->nodes[v->vis[v->sel]].name, v->filter)))
		v->sel = first_match;
	if (v->sel < 0)
		v->sel = 0;
}

static int tree_run(tree_view *v, pgiam_app *app, pgiam_buf *b, int built,
	enum tpending what)
{
	if (built < 0 || !app->conn ||
	    pgiam_conn_query_internal(app->conn, pgiam_buf_cstr(b)) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "tree: %s", app->conn ?
			pgiam_error_last() : "not connected");
		pgiam_buf_dispose(b);
		return -1;
	}
	pgiam_buf_dispose(b);
	v->pending = what;
	return 0;
}

static void load_schemas(tree_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	tree_run(v, app, &b, pgiam_catalog_schemas_sql(&b), T_SCHEMAS);
}

/* Reads what is in node i (a schema's relations, a table's partitions). */
static unsigned unfold(tree_view *v, pgiam_app *app, size_t i)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	node *nd = &v->nodes[i];
	int built;

	if (v->pending != T_NONE)
		return PGIAM_REACT_NONE;
	if (nd->kind == N_SCHEMA && !nd->usage) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s: the role has no USAGE on this "
			"schema", nd->name);
		return PGIAM_REACT_REDRAW;
	}
	built = nd->kind == N_SCHEMA ? pgiam_catalog_tables_sql(&b, nd->name) :
		pgiam_catalog_partitions_sql(&b, nd->schema, nd->name);
	if (tree_run(v, app, &b, built, T_CHILDREN) == 0)
		v->pending_at = i;
	return PGIAM_REACT_REDRAW;
}

static enum nkind kind_of(const char *k)
{
	if (!k)
		return N_FUNC;
	if (!strcmp(k, "table"))
		return N_TABLE;
	if (!strncmp(k, "partitioned table", 17))
		return N_PART;
	if (!strcmp(k, "view"))
		return N_VIEW;
	if (!strcmp(k, "materialized view"))
		return N_MVIEW;
	if (!strcmp(k, "foreign table"))
		return N_FOREIGN;
	if (!strcmp(k, "sequence"))
		return N_SEQ;
	return N_FUNC;
}

static const char *at(const pgiam_conn_result *r, size_t row, size_t col)
{
	const char *c = col < r->ncols ? r->cells[row * r->ncols + col] : NULL;

	return c ? c : "";
}

static void take_schemas(tree_view *v, const pgiam_conn_result *r)
{
	clear_nodes(v);
	insert_at(v, 0, r->nrows);
	for (size_t i = 0; i < r->nrows; i++) {
		node *nd = &v->nodes[i];

		nd->name = pgiam_xstrdup(at(r, i, 0));
		nd->schema = pgiam_xstrdup(at(r, i, 0));
		nd->kind = N_SCHEMA;
		nd->usage = !strcmp(at(r, i, 2), "t");
		snprintf(nd->count, sizeof(nd->count), "%s", at(r, i, 1));
	}
}

/* A schema's relations (tables_sql) or a table's partitions (partitions_sql, whose
 * tenth column is the partition's schema) under node p. */
static void take_children(tree_view *v, size_t p, const pgiam_conn_result *r)
{
	node *nd;
	const char *schema = v->nodes[p].schema;
	int depth = v->nodes[p].depth + 1;
	char *keep_schema = pgiam_xstrdup(schema);

	nd = insert_at(v, p + 1, r->nrows);
	for (size_t i = 0; i < r->nrows; i++, nd++) {
		const char *est = at(r, i, 2);

		nd->name = pgiam_xstrdup(at(r, i, 0));
		nd->schema = pgiam_xstrdup(r->ncols > 8 ? at(r, i, 8) : keep_schema);
		nd->depth = depth;
		nd->kind = kind_of(r->cells[i * r->ncols + 1]);
		snprintf(nd->kindtext, sizeof(nd->kindtext), "%s", at(r, i, 1));
		if (nd->kind == N_FUNC || nd->kind == N_VIEW || nd->kind == N_FOREIGN ||
		    nd->kind == N_SEQ)
			nd->est[0] = '\0';   /* nothing stored, nothing estimated */
		else if (!*est || est[0] == '-')
			snprintf(nd->est, sizeof(nd->est), "? rows");
		else
			snprintf(nd->est, sizeof(nd->est), "~%s rows", est);
		snprintf(nd->size, sizeof(nd->size), "%s", at(r, i, 3));
		if (nd->kind == N_FUNC)
			snprintf(nd->privs, sizeof(nd->privs), "%s", !strcmp(at(r, i, 4), "t") ?
				"X" : "-");
		else
			for (int k = 0; k < 4; k++)
				nd->privs[k] = !strcmp(at(r, i, 4 + (size_t)k), "t") ? "SIUD"[k] : '-';
	}
	free(keep_schema);
	v->nodes[p].unfolded = 1;
}

/* The first schema the role can use that is not a system schema. */
static void open_first(tree_view *v, pgiam_app *app)
{
	v->opened_first = 1;
	for (size_t i = 0; i < v->n; i++) {
		const char *n = v->nodes[i].name;

		if (v->nodes[i].usage && strcmp(n, "pg_catalog") && strcmp(n, "information_schema")
		    && strncmp(n, "pg_", 3)) {
			v->sel = (int)i;
			unfold(v, app, i);
			return;
		}
	}
}

static unsigned tree_tick(pgiam_screen *s, pgiam_app *app)
{
	tree_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	enum tpending was = v->pending;

	if (was == T_NONE || !r || !r->done)
		return PGIAM_REACT_NONE;
	v->pending = T_NONE;
	if (r->failed) {
		if (r->cancelled)
			pgiam_app_message(app, PGIAM_ROLE_WARN, "tree: cancelled");
		else
			pgiam_app_message(app, PGIAM_ROLE_ERROR, "tree: ERROR %s: %s", r->sqlstate,
				r->message);
		return PGIAM_REACT_REDRAW;
	}
	if (was == T_SCHEMAS) {
		take_schemas(v, r);
		v->sel = 0;
		v->nvis = 0;
		rebuild_vis(v);
		if (!v->opened_first)
			open_first(v, app);
	} else if (v->pending_at < v->n) {
		take_children(v, v->pending_at, r);
		rebuild_vis(v);
	}
	return PGIAM_REACT_REDRAW;
}

static int tree_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	tree_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	s->data = v;
	snprintf(v->title, sizeof(v->title), "Tree");
	s->title = v->title;
	load_schemas(v, app);
	return 0;
}

static void tree_close(pgiam_screen *s, pgiam_app *app)
{
	tree_view *v = s->data;

	(void)app;
	clear_nodes(v);
	free(v->nodes);
	free(v->vis);
	free(v);
}

int pgiam_pane_tree_pending(const pgiam_screen *s)
{
	return ((const tree_view *)s->data)->pending != T_NONE;
}

int pgiam_pane_tree_filtering(const pgiam_screen *s)
{
	return ((const tree_view *)s->data)->filtering;
}

pgiam_action pgiam_pane_tree_take_open(pgiam_screen *s, char *schema, size_t slen,
	char *name, size_t nlen)
{
	tree_view *v = s->data;
	pgiam_action a = v->want_open;
	const node *nd;

	v->want_open = PGIAM_ACTION_NONE;
	if (!a || v->sel < 0 || (size_t)v->sel >= v->nvis)
		return PGIAM_ACTION_NONE;
	nd = &v->nodes[v->vis[v->sel]];
	snprintf(schema, slen, "%s", nd->schema);
	snprintf(name, nlen, "%s", nd->name);
	return a;
}

/* The line of one node: indent, fold mark, name, then (right) mark and privileges,
 * and on a wide pane the estimated rows and the size. */
static void draw_node(const tree_view *v, const node *nd, int y, pgiam_rect body,
	int selected, int wide)
{
	pgiam_role role = selected ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_NORMAL;
	char left[600], right[160];
	int rw, x = body.x;
	int foldable = nd->kind == N_SCHEMA || nd->kind == N_PART;

	(void)v;
	int utf8 = pgiam_width_utf8_locale();

	snprintf(left, sizeof(left), "%*s%s %s", nd->depth * 2, "", !foldable ? " " :
		nd->unfolded ? (utf8 ? "\xE2\x96\xBE" : "-") : (utf8 ? "\xE2\x96\xB8" : "+"),
		nd->name);
	if (nd->kind == N_SCHEMA)
		snprintf(right, sizeof(right), "%s", nd->usage ? nd->count : "no USAGE");
	else if (wide)
		snprintf(right, sizeof(right), "%-14s %9s %-7s %-4s", nd->est, nd->size, marks[nd->kind],
			nd->privs);
	else
		snprintf(right, sizeof(right), "%-7s %-4s", marks[nd->kind], nd->privs);
	rw = (int)pgiam_width_of(right);
	if (rw > body.w - 8)
		rw = 0;
	pgiam_draw_fill(y, x, body.w, role);
	pgiam_draw_field(y, x, body.w - rw - 1, role, left);
	if (rw)
		pgiam_draw_text(y, x + body.w - rw, rw, nd->kind != N_SCHEMA && nd->privs[0] == '-'
			? (selected ? role : PGIAM_ROLE_WARN) : role, right);
}

static void tree_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	tree_view *v = s->data;
	int wide = body.w >= 70;
	int lines = body.h - 1;   /* the last line: the selected entry's facts, or state */
	char info[400];
	int y = body.y;

	(void)app;
	if (v->filtering || v->filter[0]) {
		snprintf(info, sizeof(info), "/%s%s", v->filter, v->filtering ?
			"  (Enter keeps, Esc clears)" : "  (Esc clears)");
		pgiam_draw_field(y++, body.x, body.w, v->filtering ? PGIAM_ROLE_FIELD_ACTIVE :
			PGIAM_ROLE_WARN, info);
		lines--;
	}
	v->page = lines > 1 ? lines : 1;
	if (v->sel >= (int)v->nvis)
		v->sel = v->nvis ? (int)v->nvis - 1 : 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->page)
		v->top = v->sel - v->page + 1;
	if (!v->nvis)
		pgiam_draw_text(y, body.x + 1, body.w - 1, PGIAM_ROLE_DIM, v->pending ?
			"reading the schemas\xE2\x80\xA6" : v->filter[0] ? "no name holds that" :
			"no schemas");
	for (int i = v->top; i < (int)v->nvis && i < v->top + v->page; i++)
		draw_node(v, &v->nodes[v->vis[i]], y + i - v->top, body, i == v->sel, wide);
	info[0] = '\0';
	if (v->pending == T_CHILDREN)
		snprintf(info, sizeof(info), "reading\xE2\x80\xA6 Esc cancels");
	else if (v->nvis && v->sel >= 0) {
		const node *nd = &v->nodes[v->vis[v->sel]];

		if (nd->kind == N_SCHEMA)
			snprintf(info, sizeof(info), "schema %s \xC2\xB7 %s relations", nd->name,
				nd->count);
		else
			snprintf(info, sizeof(info), "%s.%s \xC2\xB7 %s%s%s%s%s \xC2\xB7 %s",
				nd->schema, nd->name, nd->kindtext,
				nd->est[0] ? " \xC2\xB7 " : "", nd->est, nd->size[0] ? " \xC2\xB7 " : "",
				nd->size, nd->kind == N_FUNC ? "X: EXECUTE" : "S I U D held by the role");
	}
	pgiam_draw_field(body.y + body.h - 1, body.x, body.w, PGIAM_ROLE_DIM, info);
}

static int parent_of(const tree_view *v, size_t i)
{
	for (size_t j = i; j-- > 0;)
		if (v->nodes[j].depth < v->nodes[i].depth)
			return (int)j;
	return -1;
}

/* The visible line of node i (the selection goes there), or -1. */
static int vis_of(const tree_view *v, size_t i)
{
	for (size_t k = 0; k < v->nvis; k++)
		if (v->vis[k] == i)
			return (int)k;
	return -1;
}

static unsigned tree_fold_action(tree_view *v, pgiam_app *app, pgiam_action a, size_t i)
{
	node *nd = &v->nodes[i];
	int foldable = nd->kind == N_SCHEMA || nd->kind == N_PART;

	if (v->pending != T_NONE) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "the tree is reading: a moment");
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_UNFOLD || (a == PGIAM_ACTION_TREE_OPEN && nd->kind == N_SCHEMA)) {
		if (foldable && nd->unfolded && a == PGIAM_ACTION_TREE_OPEN) {
			fold(v, i);
			rebuild_vis(v);
			return PGIAM_REACT_REDRAW;
		}
		if (foldable && !nd->unfolded)
			return unfold(v, app, i);
		if (foldable && i + 1 < v->n && v->nodes[i + 1].depth > nd->depth)
			v->sel = vis_of(v, i + 1) >= 0 ? vis_of(v, i + 1) : v->sel;
		return PGIAM_REACT_REDRAW;
	}
	/* FOLD */
	if (foldable && nd->unfolded) {
		fold(v, i);
		rebuild_vis(v);
	} else if (parent_of(v, i) >= 0 && vis_of(v, (size_t)parent_of(v, i)) >= 0) {
		v->sel = vis_of(v, (size_t)parent_of(v, i));
	}
	return PGIAM_REACT_REDRAW;
}

static unsigned tree_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	tree_view *v = s->data;
	int n = (int)v->nvis;
	size_t i = v->nvis && v->sel >= 0 && v->sel < n ? v->vis[v->sel] : (size_t)-1;

	if (v->filtering) {   /* the filter's own keys (EDIT, PROMPT) */
		size_t len = strlen(v->filter);

		if (a == PGIAM_ACTION_PROMPT_OK) {
			v->filtering = 0;
		} else if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) {
			v->filtering = 0;
			v->filter[0] = '\0';
		} else if (a == PGIAM_ACTION_DEL_BACK && len) {
			len = pgiam_utf8_prev(v->filter, len);
			v->filter[len] = '\0';
		} else if (a == PGIAM_ACTION_DEL_LINE) {
			v->filter[0] = '\0';
		} else {
			return PGIAM_REACT_NONE;
		}
		rebuild_vis(v);
		return PGIAM_REACT_REDRAW;
	}
	switch (a) {
	case PGIAM_ACTION_UP:
	case PGIAM_ACTION_DOWN:
	case PGIAM_ACTION_PAGE_UP:
	case PGIAM_ACTION_PAGE_DOWN:
	case PGIAM_ACTION_FIRST:
	case PGIAM_ACTION_LAST:
		v->sel = a == PGIAM_ACTION_UP ? v->sel - 1 : a == PGIAM_ACTION_DOWN ? v->sel + 1 :
			a == PGIAM_ACTION_PAGE_UP ? v->sel - v->page : a == PGIAM_ACTION_PAGE_DOWN ?
			v->sel + v->page : a == PGIAM_ACTION_FIRST ? 0 : n - 1;
		if (v->sel >= n)
			v->sel = n - 1;
		if (v->sel < 0)
			v->sel = 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_TREE_FILTER:
		v->filtering = 1;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_TREE_REFRESH:
		if (v->pending != T_NONE)
			return PGIAM_REACT_NONE;
		v->opened_first = 0;
		load_schemas(v, app);
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_BACK:
	case PGIAM_ACTION_CANCEL:
		if (v->filter[0] && !(app->conn && pgiam_conn_busy(app->conn))) {
			v->filter[0] = '\0';
			rebuild_vis(v);
			return PGIAM_REACT_REDRAW;
		}
		return PGIAM_REACT_UNHANDLED;
	case PGIAM_ACTION_TREE_OPEN:
	case PGIAM_ACTION_TREE_STRUCTURE:
	case PGIAM_ACTION_TREE_PROBE:
		if (i == (size_t)-1)
			return PGIAM_REACT_NONE;
		if (v->nodes[i].kind == N_SCHEMA) {
			if (a == PGIAM_ACTION_TREE_OPEN)
				return tree_fold_action(v, app, a, i);
			pgiam_app_message(app, PGIAM_ROLE_WARN, "%s works on a table: select one "
				"under a schema", a == PGIAM_ACTION_TREE_PROBE ? "P" : "s");
			return PGIAM_REACT_REDRAW;
		}
		if (v->nodes[i].kind == N_FUNC || (a != PGIAM_ACTION_TREE_OPEN &&
		    v->nodes[i].kind == N_SEQ)) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "%s is a %s: no %s", v->nodes[i].name,
				v->nodes[i].kind == N_FUNC ? "routine" : "sequence",
				a == PGIAM_ACTION_TREE_OPEN ? "rows to show" : a ==
				PGIAM_ACTION_TREE_PROBE ? "table to probe" : "table structure");
			return PGIAM_REACT_REDRAW;
		}
		v->want_open = a;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_UNFOLD:
	case PGIAM_ACTION_FOLD:
		return i == (size_t)-1 ? PGIAM_REACT_NONE : tree_fold_action(v, app, a, i);
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

/* Typed while filtering: the filter narrows as it grows. */
static unsigned tree_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	tree_view *v = s->data;
	char mb[8];
	size_t n = pgiam_width_encode(mb, ch), len = strlen(v->filter);

	(void)app;
	if (!v->filtering || !n || len + n >= sizeof(v->filter))
		return PGIAM_REACT_NONE;
	memcpy(v->filter + len, mb, n);
	v->filter[len + n] = '\0';
	rebuild_vis(v);
	return PGIAM_REACT_REDRAW;
}

/* A paste while filtering: its first line is the text to find. */
static unsigned tree_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	tree_view *v = s->data;
	size_t have = strlen(v->filter), take = 0;

	(void)app;
	if (!v->filtering)
		return PGIAM_REACT_NONE;
	while (take < len && text[take] != '\n' && have + take + 1 < sizeof(v->filter))
		take++;
	memcpy(v->filter + have, text, take);
	v->filter[have + take] = '\0';
	rebuild_vis(v);
	return PGIAM_REACT_REDRAW;
}

static int tree_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	tree_view *v = s->data;
	char shown[300];

	(void)app;
	if (!v->filtering)
		return 0;
	snprintf(shown, sizeof(shown), "/%s", v->filter);
	*y = body.y;
	*x = body.x + (int)pgiam_width_of(shown);
	if (*x >= body.x + body.w)
		*x = body.x + body.w - 1;
	return 1;
}

const pgiam_screen_ops pgiam_pane_tree = {
	.title = "Tree",
	.scopes = { PGIAM_SCOPE_TREE, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = tree_open, .draw = tree_draw, .action = tree_action, .text = tree_text,
	.paste = tree_paste, .tick = tree_tick, .close = tree_close, .cursor = tree_cursor,
};
