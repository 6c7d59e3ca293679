/* screen_browse.c - the schema and table browser: schemas (with table counts) ->
 * tables of a schema (kind, estimated rows, size, the role's S I U D privileges) ->
 * the rows of a table, one keyset page at a time -> one record shown vertically.
 *
 * Every statement is built by the core (catalog.h: quoted identifiers and literals)
 * and runs through the connection's non-blocking path for pgiam's own queries, so the
 * screen keeps moving and Esc cancels; their results never replace the user's, and
 * while the user's transaction is open they run on a connection of their own. A page is as many rows as the screen shows (at most
 * PGIAM_BROWSE_PAGE_ROWS) and is the only result held: memory does not grow with the
 * table. Pages are read on the primary key (ctid without one, OFFSET for views). */
#include "app.h"

#include "catalog.h"
#include "quote.h"
#include "draw.h"
#include "error.h"
#include "grid.h"
#include "pgtype.h"
#include "screen_refby.h"
#include "structure_view.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COL_MAX 30

enum level { LV_SCHEMAS, LV_TABLES, LV_ROWS };
enum pending { Q_NONE, Q_SCHEMAS, Q_TABLES, Q_COLUMNS, Q_PAGE, Q_RECORD, Q_STRUCTURE };

typedef struct item {
	char *name;
	char info[96];      /* tables count; kind · rows · size */
	char privs[8];      /* "SIUD" with '-' for what is not held */
} item;

/* Key values of one row (a NULL sort value stays NULL). */
typedef struct keyvals {
	size_t n;
	char **v;
} keyvals;

enum prompt_kind { P_NONE, P_FILTER, P_FIND, P_SEARCH };

/* The foreign key a column is part of (the first by name), from the columns query. */
typedef struct colfk {
	char *name, *schema, *table, *col;
	int pos;                     /* 1-based place in the key; 0: no foreign key */
} colfk;

#define CRUMBS 8

/* Where a foreign key jump came from: Esc goes back to it. */
typedef struct crumb {
	char schema[256], table[256], sort_col[256];
	int sort_desc;
	char *where, *search;
	char *keysig;
	keyvals first, sel;
	int sel_index, hcol;
} crumb;

#define AHEAD_MAX 16

typedef struct browse_view {
	enum level level;
	enum pending pending;
	/* Esc while a read ran: the read it was may complete before the cancel reaches
	 * the server, and the next read of the chain (columns, then the page) must not
	 * start then, or the Esc would be lost: the chain stops, drawn as cancelled. */
	int cancel_asked, stopped;
	/* keys typed while a read runs (type-ahead, as less and vim keep them): acted on,
	 * in order, once it ended; Esc or a failed read drops them */
	pgiam_action ahead[AHEAD_MAX];
	size_t nahead;
	item *items;
	size_t nitems;
	int sel, top;
	int page;           /* visible list lines */
	char schema[256], table[256];

	/* the table being read */
	char **cols, **types;
	unsigned char *nullable, *indexed;   /* per column, from the columns query */
	colfk *fks;
	size_t ncols;
	char **keys;
	size_t nkeys;
	pgiam_browse_keykind keykind;
	unsigned long long offset;   /* OFFSET kind: the page's first row */
	int rows_shown;              /* rows the grid showed at the last draw */
	int list_cut;                /* the list has more entries than the UI keeps */
	pgiam_browse_dir dir;        /* of the page being read */
	int reversed;                /* the result's rows are last first */
	int have_page;               /* the result is the current page */
	size_t limit;
	int at_end, at_start;
	int hcol;                    /* the grid's current column */
	pgiam_grid grid;             /* the rows' grid (widths, layout) */
	pgiam_text_arg record;       /* the record screen's argument (read when pushed) */
	keyvals reread;              /* the page's first key, to read it again after a
	                                whole record replaced it (n 0: nothing to do) */
	/* what the user asked the server for: kept across pages and refreshes */
	char sort_col[256];          /* "" : the key's order */
	int sort_desc;
	char *where, *search;        /* NULL: none */
	char find[PGIAM_PROMPT_MAX]; /* text found in the page ("" none) */
	enum prompt_kind prompt_kind;
	pgiam_prompt_arg prompt;
	struct {                     /* a changed sort, filter or search being read: what
	                                to go back to when the server refuses it */
		int active;
		char sort_col[256];
		int sort_desc;
		char *where, *search;
		keyvals first;           /* the page shown, read again */
	} undo;
	char page_error[700];        /* the server's refusal of the last change */
	int asked_drawn;             /* lines draw_asked took at the last draw */
	int reload_page;             /* the structure replaced the page: read it again */
	crumb crumbs[CRUMBS];        /* the foreign keys followed to get here */
	int ncrumbs;
	struct {                     /* a jump being read: the row the key points at */
		int active;
		keyvals cols, vals;
	} jump;
	char struct_title[600];
	pgiam_refby_arg refby;       /* R: the row and, back, the table chosen */
	int refby_open;              /* R's screen was pushed and not yet come back from */
	int own_conn;                /* reading on pgiam's own connection (the user's
	                                transaction is open): said in the title */
	struct {                     /* r on a page: where to come back to */
		int active;
		char *keysig;            /* the key the page was read on */
		keyvals first, sel;      /* the first and the selected row's keys */
		int sel_index, hcol;
	} keep;
	char title[600];
	/* the workbench's rows pane (pgiam_pane_rows): other panes' reads replace the
	 * connection's result that holds the page; it is read again at its first key */
	int pane;
	unsigned page_gen;           /* the result generation the page came in */
	keyvals page_first;          /* the page's first key, kept for that */
	int lost;                    /* the page was replaced: read it again when free */
	int pane_h;                  /* the pane's height at the last draw */
	int struct_after;            /* the structure once the rows shown are read */
} browse_view;

static void free_items(browse_view *v)
{
	for (size_t i = 0; i < v->nitems; i++)
		free(v->items[i].name);
	free(v->items);
	v->items = NULL;
	v->nitems = 0;
}

static void keys_set(keyvals *out, const char *const *keys, size_t n)
{
	out->v = pgiam_xcalloc(n + 1, sizeof(char *));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->v[i] = keys[i] ? pgiam_xstrdup(keys[i]) : NULL;
}

static void keys_free(keyvals *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

static void free_reread(browse_view *v)
{
	keys_free(&v->reread);
}

static void free_keep(browse_view *v)
{
	free(v->keep.keysig);
	keys_free(&v->keep.first);
	keys_free(&v->keep.sel);
	memset(&v->keep, 0, sizeof(v->keep));
}

static void free_undo(browse_view *v)
{
	free(v->undo.where);
	free(v->undo.search);
	keys_free(&v->undo.first);
	memset(&v->undo, 0, sizeof(v->undo));
}

static size_t view_nk(const browse_view *v)
{
	return pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys, .norder = v->sort_col[0] ? 1 : 0 });
}

/* What the pages are read on (the key kind and the key columns): a page's key from
 * before a refresh means the same only when this is the same. */
static char *key_signature(const browse_view *v)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char *out = NULL;

	/* quoted names, so no two lists of names read the same */
	pgiam_buf_printf(&b, "%d %d", (int)v->keykind, v->sort_desc);
	if (v->sort_col[0] && (pgiam_buf_putc(&b, ' ') < 0 ||
	    pgiam_sql_quote_ident(&b, v->sort_col) < 0))
		pgiam_buf_puts(&b, "?");
	for (size_t i = 0; i < v->nkeys; i++)
		if (pgiam_buf_putc(&b, ' ') < 0 || pgiam_sql_quote_ident(&b, v->keys[i]) < 0)
			pgiam_buf_puts(&b, "?");
	if (!(out = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory");
	return out;
}

/* The sort, filter and search of the table left. */
static void reset_user(browse_view *v)
{
	free_undo(v);
	free(v->where);
	free(v->search);
	v->where = v->search = NULL;
	v->sort_col[0] = v->find[0] = v->page_error[0] = '\0';
	v->sort_desc = 0;
}

static void free_table(browse_view *v)
{
	free_reread(v);
	for (size_t i = 0; i < v->ncols; i++) {
		free(v->cols[i]);
		free(v->types[i]);
	}
	for (size_t i = 0; i < v->nkeys; i++)
		free(v->keys[i]);
	free(v->cols);
	free(v->types);
	free(v->keys);
	free(v->nullable);
	free(v->indexed);
	v->nullable = v->indexed = NULL;
	for (size_t i = 0; v->fks && i < v->ncols; i++) {
		free(v->fks[i].name);
		free(v->fks[i].schema);
		free(v->fks[i].table);
		free(v->fks[i].col);
	}
	free(v->fks);
	v->fks = NULL;
	v->cols = v->types = v->keys = NULL;
	v->ncols = v->nkeys = 0;
	v->have_page = 0;
}

static void set_title(browse_view *v)
{
	int n;

	if (v->level == LV_SCHEMAS)
		n = snprintf(v->title, sizeof(v->title), "Browse: schemas");
	else if (v->level == LV_TABLES)
		n = snprintf(v->title, sizeof(v->title), "Browse: %s", v->schema);
	else {
		n = snprintf(v->title, sizeof(v->title), v->pane ? "Rows: " : "Browse: ");
		/* the breadcrumb of foreign keys followed */
		for (int i = 0; i < v->ncrumbs && n > 0 && (size_t)n < sizeof(v->title); i++)
			n += snprintf(v->title + n, sizeof(v->title) - (size_t)n, "%s.%s \xE2\x86\x92 ",
				v->crumbs[i].schema, v->crumbs[i].table);
		if (n > 0 && (size_t)n < sizeof(v->title))
			n += snprintf(v->title + n, sizeof(v->title) - (size_t)n, "%s.%s", v->schema,
				v->table);
	}
	if (v->own_conn && n > 0 && (size_t)n < sizeof(v->title))
		snprintf(v->title + n, sizeof(v->title) - (size_t)n, " \xC2\xB7 own connection: "
			"your open transaction's changes are not shown");
}

/* Runs sql (built by the core into b, which is disposed) for what. */
static unsigned run(browse_view *v, pgiam_app *app, pgiam_buf *b, int built,
	enum pending what)
{
	if (built < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		pgiam_buf_dispose(b);
		return PGIAM_REACT_REDRAW;
	}
	if (!app->conn || pgiam_conn_query_internal(app->conn, pgiam_buf_cstr(b)) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", app->conn ? pgiam_error_last() :
			"not connected");
		pgiam_buf_dispose(b);
		return PGIAM_REACT_REDRAW;
	}
	pgiam_buf_dispose(b);
	v->pending = what;
	v->have_page = 0;
	v->stopped = 0;
	return PGIAM_REACT_REDRAW;
}

static unsigned load_schemas(browse_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	return run(v, app, &b, pgiam_catalog_schemas_sql(&b), Q_SCHEMAS);
}

static unsigned load_tables(browse_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	return run(v, app, &b, pgiam_catalog_tables_sql(&b, v->schema), Q_TABLES);
}

static unsigned load_columns(browse_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	return run(v, app, &b, pgiam_catalog_columns_sql(&b, v->schema, v->table), Q_COLUMNS);
}

/* The key values of the shown row i of the current page (lent from the result). */
static const char *const *row_keys(browse_view *v, const pgiam_conn_result *r, size_t i)
{
	size_t raw = v->reversed ? r->nrows - 1 - i : i;

	return (const char *const *)&r->cells[raw * r->ncols];
}

/* Lines above the rows for what the user asked (draw_asked). */
static int asked_lines(const browse_view *v)
{
	return (v->sort_col[0] || v->where || v->search) + !!v->page_error[0];
}

/* The table as the core's page builder wants it, with the user's sort, filter and
 * search. */
static void view_table(pgiam_browse_table *t, pgiam_browse_order *ord, const browse_view *v,
	size_t limit, size_t cell_max)
{
	*t = (pgiam_browse_table){ v->schema, v->table, (const char *const *)v->cols,
		v->ncols, (const char *const *)v->keys, v->nkeys, v->keykind, limit, cell_max,
		NULL, 0, v->where, v->search };
	for (size_t i = 0; v->sort_col[0] && i < v->ncols; i++)
		if (!strcmp(v->cols[i], v->sort_col)) {
			*ord = (pgiam_browse_order){ v->cols[i], v->sort_desc, v->nullable[i] };
			t->order = ord;
			t->norder = 1;
		}
}

static unsigned load_page(browse_view *v, pgiam_app *app, pgiam_browse_dir dir)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	pgiam_browse_table t;
	pgiam_browse_order ord;
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *const *bound = NULL;
	char off[32];
	const char *offs[1] = { off };
	int built;

	/* A page is what the screen shows now (it may have been resized), less the lines
	 * above the rows that the sort, filter or an error will take. */
	if (v->rows_shown > 0) {
		int rows = v->rows_shown + v->asked_drawn - asked_lines(v);
		v->limit = rows < 1 ? 1 : (size_t)rows < PGIAM_BROWSE_PAGE_ROWS ?
			(size_t)rows : PGIAM_BROWSE_PAGE_ROWS;
	}
	view_table(&t, &ord, v, v->limit, 0);
	if (v->keykind == PGIAM_BROWSE_KEY_OFFSET) {
		if (dir == PGIAM_BROWSE_LAST) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "%s has no key to read it "
				"backwards: page forward instead", v->table);
			return PGIAM_REACT_REDRAW;
		}
		if (dir == PGIAM_BROWSE_FIRST)
			v->offset = 0;
		else if (dir == PGIAM_BROWSE_NEXT)
			v->offset += v->limit;
		else if (dir == PGIAM_BROWSE_PREV)
			v->offset = v->offset > v->limit ? v->offset - v->limit : 0;
		/* AT: the same offset again */
		snprintf(off, sizeof(off), "%llu", v->offset);
		bound = offs;
	} else if (dir == PGIAM_BROWSE_AT) {
		if (!v->reread.v)
			return load_page(v, app, PGIAM_BROWSE_FIRST);
		bound = (const char *const *)v->reread.v;
	} else if (dir == PGIAM_BROWSE_NEXT || dir == PGIAM_BROWSE_PREV) {
		/* No page to page from (cancelled, failed, empty): start again. */
		if (!v->have_page || !r || !r->nrows)
			return load_page(v, app, PGIAM_BROWSE_FIRST);
		/* after the last row ON SCREEN: a shrunk screen shows fewer rows than the
		 * page read before it until the page is read again, and a key pressed in
		 * between must not skip the rows it hid */
		bound = row_keys(v, r, dir == PGIAM_BROWSE_PREV ? 0 : v->rows_shown > 0 &&
			(size_t)v->rows_shown < r->nrows ? (size_t)v->rows_shown - 1 : r->nrows - 1);
	}
	v->dir = dir;
	built = pgiam_catalog_page_sql(&b, &v->reversed, &t, dir, bound);
	if (dir == PGIAM_BROWSE_AT)
		free_reread(v);
	return run(v, app, &b, built, Q_PAGE);
}

static int browse_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	browse_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	s->data = v;
	v->own_conn = app->conn && pgiam_conn_internal_separate(app->conn);
	set_title(v);
	s->title = v->title;
	load_schemas(v, app);
	return 0;
}

static char *cell(const pgiam_conn_result *r, size_t row, size_t col)
{
	const char *c = r->cells[row * r->ncols + col];

	return pgiam_xstrdup(c ? c : "");
}

/* A list result arrived: keep it in the view (the connection's result is reused). */
static void take_list(browse_view *v, const pgiam_conn_result *r)
{
	free_items(v);
	v->items = pgiam_xcalloc(r->nrows ? r->nrows : 1, sizeof(item));
	v->nitems = r->nrows;
	for (size_t i = 0; i < r->nrows; i++) {
		item *it = &v->items[i];

		it->name = cell(r, i, 0);
		if (v->pending == Q_SCHEMAS) {
			const char *usage = r->cells[i * r->ncols + 2];
			snprintf(it->info, sizeof(it->info), "%s table%s%s", r->cells[i * r->ncols + 1],
				strcmp(r->cells[i * r->ncols + 1], "1") ? "s" : "",
				usage && !strcmp(usage, "t") ? "" : " \xC2\xB7 no USAGE");
		} else {
			const char *est = r->cells[i * r->ncols + 2];
			char rows[40];

			const char *kind = r->cells[i * r->ncols + 1];

			if (kind && (!strcmp(kind, "view") || !strcmp(kind, "foreign table") ||
			    !r->cells[i * r->ncols + 3]))   /* functions: no size, no rows */
				rows[0] = '\0';   /* nothing stored, nothing estimated */
			else if (!est || est[0] == '-')
				snprintf(rows, sizeof(rows), "? rows (not analysed)");
			else
				snprintf(rows, sizeof(rows), "~%s rows", est);
			snprintf(it->info, sizeof(it->info), "%-17s %-24s %s",
				r->cells[i * r->ncols + 1] ? r->cells[i * r->ncols + 1] : "",
				rows, r->cells[i * r->ncols + 3] ? r->cells[i * r->ncols + 3] : "");
			for (int p = 0; p < 4; p++) {
				const char *h = r->cells[i * r->ncols + 4 + (size_t)p];
				it->privs[p] = h && !strcmp(h, "t") ? "SIUD"[p] : '-';
			}
		}
	}
	v->sel = v->top = 0;
	v->list_cut = r->truncated;
}

static void take_columns(browse_view *v, const pgiam_conn_result *r)
{
	size_t maxpos = 0;
	const char *relkind = r->nrows ? r->cells[4] : "r";

	free_table(v);
	pgiam_grid_reset(&v->grid, COL_MAX);
	v->cols = pgiam_xcalloc(r->nrows + 1, sizeof(char *));
	v->types = pgiam_xcalloc(r->nrows + 1, sizeof(char *));
	v->keys = pgiam_xcalloc(r->nrows + 1, sizeof(char *));
	v->nullable = pgiam_xcalloc(r->nrows + 1, 1);
	v->indexed = pgiam_xcalloc(r->nrows + 1, 1);
	v->fks = pgiam_xcalloc(r->nrows + 1, sizeof(colfk));
	v->ncols = r->nrows;
	for (size_t i = 0; i < r->nrows; i++) {
		const char *pos = r->cells[i * r->ncols + 3];
		const char *nul = r->cells[i * r->ncols + 2], *idx = r->cells[i * r->ncols + 5];

		v->cols[i] = cell(r, i, 0);
		v->types[i] = cell(r, i, 1);
		v->nullable[i] = !nul || !strcmp(nul, "t");
		v->indexed[i] = idx && !strcmp(idx, "t");
		if (r->ncols >= 11 && r->cells[i * r->ncols + 6]) {
			v->fks[i].name = cell(r, i, 6);
			v->fks[i].schema = cell(r, i, 7);
			v->fks[i].table = cell(r, i, 8);
			v->fks[i].col = cell(r, i, 9);
			v->fks[i].pos = atoi(r->cells[i * r->ncols + 10] ? r->cells[i * r->ncols + 10] : "0");
		}
		if (pos && *pos && (size_t)atoi(pos) > maxpos)
			maxpos = (size_t)atoi(pos);
	}
	for (size_t k = 1; k <= maxpos; k++)
		for (size_t i = 0; i < r->nrows; i++) {
			const char *pos = r->cells[i * r->ncols + 3];
			if (pos && *pos && (size_t)atoi(pos) == k)
				v->keys[v->nkeys++] = cell(r, i, 0);
		}
	if (v->nkeys)
		v->keykind = PGIAM_BROWSE_KEY_PK;
	else if (relkind && (!strcmp(relkind, "r") || !strcmp(relkind, "m")))
		v->keykind = PGIAM_BROWSE_KEY_CTID;
	else
		v->keykind = PGIAM_BROWSE_KEY_OFFSET;
	for (size_t i = 0; v->sort_col[0]; i++) {   /* a sort column dropped since */
		if (i == v->ncols) {
			v->sort_col[0] = '\0';
			break;
		}
		if (!strcmp(v->cols[i], v->sort_col))
			break;
	}
}

/* After r: the cursor on the row it was on, when that row is still on the page
 * (found by its key), else on the same line. */
static void keep_cursor(browse_view *v, const pgiam_conn_result *r)
{
	size_t nk = view_nk(v);

	v->sel = v->keep.sel_index;
	for (size_t i = 0; v->keep.sel.v && v->keep.sel.n == nk && nk && i < r->nrows; i++) {
		const char *const *k = row_keys(v, r, i);
		size_t same = 0;

		while (same < nk && (k[same] && v->keep.sel.v[same] ?
		    !strcmp(k[same], v->keep.sel.v[same]) : k[same] == v->keep.sel.v[same]))
			same++;
		if (same == nk) {
			v->sel = (int)i;
			break;
		}
	}
	free_keep(v);
}

/* After a page arrived: what the status line says, and whether it was an edge. */
static unsigned took_page(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	if (v->dir == PGIAM_BROWSE_NEXT && !r->nrows && v->keykind != PGIAM_BROWSE_KEY_OFFSET) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "that was the last page");
		return load_page(v, app, PGIAM_BROWSE_LAST);
	}
	if (v->dir == PGIAM_BROWSE_PREV && r->nrows < v->limit &&
	    v->keykind != PGIAM_BROWSE_KEY_OFFSET)
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	if (v->keykind == PGIAM_BROWSE_KEY_OFFSET && v->dir == PGIAM_BROWSE_NEXT && !r->nrows &&
	    v->offset) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "that was the last page");
		v->offset -= v->limit;   /* back to the page it came from, read again */
		return load_page(v, app, PGIAM_BROWSE_AT);
	}
	/* Read again at a first row that is gone with every row after it (deleted
	 * since): the end of the table is where that page was. */
	if (v->dir == PGIAM_BROWSE_AT && !r->nrows && (v->keykind != PGIAM_BROWSE_KEY_OFFSET ||
	    v->offset)) {
		if (v->keykind != PGIAM_BROWSE_KEY_OFFSET)
			return load_page(v, app, PGIAM_BROWSE_LAST);
		v->offset = 0;
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	}
	v->have_page = 1;
	v->page_gen = pgiam_conn_internal_generation(app->conn);
	keys_free(&v->page_first);
	if (view_nk(v) && r->nrows && r->ncols == view_nk(v) + v->ncols)
		keys_set(&v->page_first, row_keys(v, r, 0), view_nk(v));
	if (v->dir != PGIAM_BROWSE_AT)   /* the same page again: the same start */
		v->at_start = v->dir == PGIAM_BROWSE_FIRST ||
			(v->keykind == PGIAM_BROWSE_KEY_OFFSET && !v->offset);
	/* and the same end, unless it is shorter now */
	v->at_end = v->dir == PGIAM_BROWSE_LAST || r->nrows < v->limit ||
		(v->dir == PGIAM_BROWSE_AT && v->at_end);
	if (v->keep.active)
		keep_cursor(v, r);
	if (v->sel >= (int)r->nrows)
		v->sel = r->nrows ? (int)r->nrows - 1 : 0;
	return PGIAM_REACT_REDRAW;
}

static unsigned push_record(browse_view *v, pgiam_app *app, const pgiam_conn_result *r,
	size_t raw, size_t cut_at);

/* r on the rows: remembers where the page starts and which row is selected, then
 * reads the columns again (they may have changed); refresh_page goes on from there. */
static unsigned refresh_rows(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	size_t nk = view_nk(v);

	/* No page on screen (a refresh that failed or was cancelled): keep the place
	 * remembered before it. */
	if (v->have_page && r && v->ncols) {
		free_keep(v);
		v->keep.active = 1;
		v->keep.keysig = key_signature(v);
		v->keep.sel_index = v->sel;
		v->keep.hcol = v->hcol;
		if (nk && r->nrows) {
			keys_set(&v->keep.first, row_keys(v, r, 0), nk);
			if ((size_t)v->sel < r->nrows)
				keys_set(&v->keep.sel, row_keys(v, r, (size_t)v->sel), nk);
		}
	}
	return load_columns(v, app);
}

/* The columns read again: the page at the same first key (the same offset for a
 * relation without a key), unless the key itself changed. */
static unsigned refresh_page(browse_view *v, pgiam_app *app)
{
	char *sig = key_signature(v);
	int same = v->keep.keysig && !strcmp(sig, v->keep.keysig);

	free(sig);
	if (!same) {
		free_keep(v);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s has a different key now: back to "
			"the first page", v->table);
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	}
	v->hcol = v->keep.hcol < (int)v->ncols ? v->keep.hcol : 0;
	v->sel = v->keep.sel_index;
	if (v->keykind == PGIAM_BROWSE_KEY_OFFSET)
		return load_page(v, app, PGIAM_BROWSE_AT);
	if (!v->keep.first.v || v->keep.first.n != view_nk(v))   /* the page was empty */
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	free_reread(v);
	keys_set(&v->reread, (const char *const *)v->keep.first.v, v->keep.first.n);
	return load_page(v, app, PGIAM_BROWSE_AT);
}

/* After a resize the page is as long as the screen shows again: it is read again
 * from its first row (its first key, or its offset), and the last page as the last
 * page, so End, PgDn and PgUp go on from the rows on screen and a shrunk screen
 * never shows the start of a longer last page. */
static unsigned resize_reread(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	size_t nk = view_nk(v);
	size_t want = (size_t)v->rows_shown < PGIAM_BROWSE_PAGE_ROWS ?
		(size_t)v->rows_shown : PGIAM_BROWSE_PAGE_ROWS;

	if (v->level != LV_ROWS || !v->have_page || !r || v->rows_shown <= 0 ||
	    want == v->limit || v->keep.active)
		return PGIAM_REACT_NONE;
	/* a page that is the whole table, on a screen that grew: nothing more to read */
	if (want > v->limit && r->nrows < v->limit && v->at_start)
		return PGIAM_REACT_NONE;
	/* the last page stays the last page: its end is what End asked to see */
	if (v->at_end && !v->at_start && v->keykind != PGIAM_BROWSE_KEY_OFFSET)
		return load_page(v, app, PGIAM_BROWSE_LAST);
	if (v->keykind != PGIAM_BROWSE_KEY_OFFSET) {
		if (!r->nrows)
			return PGIAM_REACT_NONE;
		free_reread(v);
		keys_set(&v->reread, row_keys(v, r, 0), nk);
	}
	return load_page(v, app, PGIAM_BROWSE_AT);
}

/* Before a new sort, filter or search is read: what to go back to if the server
 * refuses it (the settings, and the first key of the page shown). */
static void start_change(browse_view *v, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	size_t nk = view_nk(v);

	free_keep(v);
	if (v->undo.active)
		return;   /* still the place before the first change of a row */
	v->undo.active = 1;
	snprintf(v->undo.sort_col, sizeof(v->undo.sort_col), "%s", v->sort_col);
	v->undo.sort_desc = v->sort_desc;
	v->undo.where = v->where ? pgiam_xstrdup(v->where) : NULL;
	v->undo.search = v->search ? pgiam_xstrdup(v->search) : NULL;
	if (v->have_page && r && r->nrows && nk && r->ncols == nk + v->ncols)
		keys_set(&v->undo.first, row_keys(v, r, 0), nk);
}

/* The server refused (or the user cancelled) a new sort, filter or search: its error
 * stays above the rows, and the rows shown before it are read again. */
static unsigned change_refused(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	if (r->cancelled)
		snprintf(v->page_error, sizeof(v->page_error), "cancelled: the rows are "
			"as before");
	else
		snprintf(v->page_error, sizeof(v->page_error), "ERROR%s%s: %s \xC2\xB7 the "
			"rows are as before", r->sqlstate[0] ? " " : "", r->sqlstate, r->message);
	snprintf(v->sort_col, sizeof(v->sort_col), "%s", v->undo.sort_col);
	v->sort_desc = v->undo.sort_desc;
	free(v->where);
	free(v->search);
	v->where = v->undo.where;
	v->search = v->undo.search;
	v->undo.where = v->undo.search = NULL;
	free_reread(v);
	v->reread = v->undo.first;
	v->undo.first = (keyvals){ 0, NULL };
	free_undo(v);
	pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", v->page_error);
	return load_page(v, app, v->reread.v ? PGIAM_BROWSE_AT : PGIAM_BROWSE_FIRST);
}

/* s: the structure of the table selected (in the list) or shown (its rows). */
static unsigned load_structure(browse_view *v, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	const char *table = v->level == LV_ROWS ? v->table : v->level == LV_TABLES &&
		v->sel >= 0 && (size_t)v->sel < v->nitems ? v->items[v->sel].name : NULL;
	size_t nk = view_nk(v);
	pgiam_buf b = PGIAM_BUF_INIT;

	if (!table)
		return PGIAM_REACT_NONE;
	snprintf(v->struct_title, sizeof(v->struct_title), "Structure: %s.%s", v->schema, table);
	if (v->level == LV_ROWS) {
		/* the page is read again when the structure closes, from the same first row */
		v->reload_page = 1;
		free_reread(v);
		if (v->have_page && r && r->nrows && nk && r->ncols == nk + v->ncols)
			keys_set(&v->reread, row_keys(v, r, 0), nk);
	}
	return run(v, app, &b, pgiam_structure_sql(&b, v->schema, v->struct_title +
		strlen("Structure: ") + strlen(v->schema) + 1), Q_STRUCTURE);
}

static unsigned show_structure(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	pgiam_structure st;
	const char *table = v->struct_title + strlen("Structure: ") + strlen(v->schema) + 1;

	if (pgiam_structure_parse(&st, v->schema, table, (const char *const *)r->cells,
	    r->nrows, r->ncols) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s", pgiam_error_last());
		return v->reload_page ? (v->reload_page = 0, load_page(v, app, PGIAM_BROWSE_AT)) :
			PGIAM_REACT_REDRAW;
	}
	v->record.title = v->struct_title;
	v->record.body = pgiam_structure_view_text(&st);
	pgiam_structure_dispose(&st);
	if (!v->record.body)
		pgiam_ui_fail("out of memory");
	return pgiam_app_push(app, &pgiam_screen_text, &v->record);
}

/* The columns of a foreign key jump's target arrived: the page that starts at the
 * row pointed at (keyset on the target's primary key when the foreign key references
 * it), else a filter on the referenced columns. */
static unsigned jump_page(browse_view *v, pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int on_pk = v->keykind == PGIAM_BROWSE_KEY_PK && v->nkeys == v->jump.cols.n;

	for (size_t i = 0; on_pk && i < v->nkeys; i++)
		on_pk = !strcmp(v->keys[i], v->jump.cols.v[i]);
	if (on_pk) {
		free_reread(v);
		v->reread = v->jump.vals;
	} else {
		if (pgiam_catalog_match_sql(&b, (const char *const *)v->jump.cols.v,
		    (const char *const *)v->jump.vals.v, v->jump.cols.n) == 0)
			v->where = pgiam_buf_detach(&b);
		keys_free(&v->jump.vals);
	}
	pgiam_buf_dispose(&b);
	v->jump.vals = (keyvals){ 0, NULL };
	keys_free(&v->jump.cols);
	v->jump.active = 0;
	return load_page(v, app, on_pk ? PGIAM_BROWSE_AT : PGIAM_BROWSE_FIRST);
}

/* This table and place (the page's first row, the selected one), for Esc to come
 * back to; the sort, filter and search are copied. */
static void crumb_push(browse_view *v, const pgiam_conn_result *r)
{
	size_t nk = view_nk(v);
	crumb *c = &v->crumbs[v->ncrumbs++];

	memset(c, 0, sizeof(*c));
	snprintf(c->schema, sizeof(c->schema), "%s", v->schema);
	snprintf(c->table, sizeof(c->table), "%s", v->table);
	snprintf(c->sort_col, sizeof(c->sort_col), "%s", v->sort_col);
	c->sort_desc = v->sort_desc;
	c->where = v->where ? pgiam_xstrdup(v->where) : NULL;
	c->search = v->search ? pgiam_xstrdup(v->search) : NULL;
	c->keysig = key_signature(v);
	if (r->nrows && nk)
		keys_set(&c->first, row_keys(v, r, 0), nk);
	if (nk)
		keys_set(&c->sel, row_keys(v, r, (size_t)v->sel), nk);
	c->sel_index = v->sel;
	c->hcol = v->hcol;
}

static void crumb_free(crumb *c)
{
	free(c->where);
	free(c->search);
	free(c->keysig);
	keys_free(&c->first);
	keys_free(&c->sel);
	memset(c, 0, sizeof(*c));
}

/* f on a row: the foreign key of the first column shown, followed to the row it
 * points at in its table; this place is kept for Esc. */
static unsigned follow_fk(browse_view *v, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	size_t nk = view_nk(v), raw, n = 0;
	const colfk *fk;
	const char *cols[64] = { 0 }, *vals[64] = { 0 };

	if (v->level != LV_ROWS || !v->fks || (size_t)v->hcol >= v->ncols || !v->have_page ||
	    !r || (size_t)v->sel >= r->nrows || r->ncols != nk + v->ncols)
		return PGIAM_REACT_NONE;
	fk = &v->fks[v->hcol];
	if (!fk->name) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s is not part of a foreign key (f follows "
			"the key of the current column: \xE2\x86\x90\xE2\x86\x92 to choose)",
			v->cols[v->hcol]);
		return PGIAM_REACT_REDRAW;
	}
	if (v->ncrumbs == CRUMBS) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%d foreign keys deep: Esc goes back first",
			CRUMBS);
		return PGIAM_REACT_REDRAW;
	}
	raw = v->reversed ? r->nrows - 1 - (size_t)v->sel : (size_t)v->sel;
	for (size_t i = 0; i < v->ncols; i++)
		if (v->fks[i].name && !strcmp(v->fks[i].name, fk->name) && v->fks[i].pos >= 1 &&
		    v->fks[i].pos <= 64) {
			cols[v->fks[i].pos - 1] = v->fks[i].col;
			vals[v->fks[i].pos - 1] = r->cells[raw * r->ncols + nk + i];
			n = (size_t)v->fks[i].pos > n ? (size_t)v->fks[i].pos : n;
		}
	for (size_t i = 0; i < n; i++)
		if (!cols[i] || !vals[i]) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, !cols[i] ? "%s: its columns are in "
				"another foreign key too; not followed" : "%s: a NULL value points at no "
				"row", fk->name);
			return PGIAM_REACT_REDRAW;
		}
	crumb_push(v, r);
	keys_set(&v->jump.cols, cols, n);
	keys_set(&v->jump.vals, vals, n);
	v->jump.active = 1;
	snprintf(v->schema, sizeof(v->schema), "%s", fk->schema);
	snprintf(v->table, sizeof(v->table), "%s", fk->table);
	free_keep(v);
	free_table(v);
	reset_user(v);
	set_title(v);
	return load_columns(v, app);
}

/* Esc after a jump: the table and place it came from. */
static unsigned back_crumb(browse_view *v, pgiam_app *app)
{
	crumb *c = &v->crumbs[--v->ncrumbs];

	free_keep(v);
	free_table(v);
	reset_user(v);
	snprintf(v->schema, sizeof(v->schema), "%s", c->schema);
	snprintf(v->table, sizeof(v->table), "%s", c->table);
	snprintf(v->sort_col, sizeof(v->sort_col), "%s", c->sort_col);
	v->sort_desc = c->sort_desc;
	v->where = c->where;
	v->search = c->search;
	v->keep.active = 1;
	v->keep.keysig = c->keysig;
	v->keep.first = c->first;
	v->keep.sel = c->sel;
	v->keep.sel_index = c->sel_index;
	v->keep.hcol = c->hcol;
	memset(c, 0, sizeof(*c));
	set_title(v);
	return load_columns(v, app);
}

/* R on a row: the row (every column) to the referenced-by screen, this place kept as
 * a crumb for the table chosen there; the page is read again when it closes. */
static unsigned refby_start(browse_view *v, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	size_t nk = view_nk(v), raw, w = 0;
	pgiam_refby_arg *a = &v->refby;

	if (v->level != LV_ROWS || !v->have_page || !r || (size_t)v->sel >= r->nrows ||
	    r->ncols != nk + v->ncols)
		return PGIAM_REACT_NONE;
	if (v->ncrumbs == CRUMBS) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%d tables deep: Esc goes back first",
			CRUMBS);
		return PGIAM_REACT_REDRAW;
	}
	raw = v->reversed ? r->nrows - 1 - (size_t)v->sel : (size_t)v->sel;
	pgiam_refby_arg_dispose(a);
	memset(a, 0, sizeof(*a));
	snprintf(a->schema, sizeof(a->schema), "%s", v->schema);
	snprintf(a->table, sizeof(a->table), "%s", v->table);
	a->names = pgiam_xcalloc(v->ncols + 1, sizeof(char *));
	a->vals = pgiam_xcalloc(v->ncols + 1, sizeof(char *));
	a->n = v->ncols;
	for (size_t c = 0; c < v->ncols; c++) {
		const char *cv = r->cells[raw * r->ncols + nk + c];
		a->names[c] = pgiam_xstrdup(v->cols[c]);
		a->vals[c] = cv ? pgiam_xstrdup(cv) : NULL;
	}
	/* the row named by its key for the title */
	for (size_t k = 0; v->keykind == PGIAM_BROWSE_KEY_PK && k < v->nkeys &&
	    w < sizeof(a->what); k++)
		for (size_t c = 0; c < v->ncols && w < sizeof(a->what); c++)
			if (!strcmp(v->cols[c], v->keys[k]))
				w += (size_t)snprintf(a->what + w, sizeof(a->what) - w, "%s%s = %s",
					k ? ", " : "", v->keys[k], a->vals[c] ? a->vals[c] : "NULL");
	if (v->keykind == PGIAM_BROWSE_KEY_CTID && nk)
		snprintf(a->what, sizeof(a->what), "ctid %s", r->cells[raw * r->ncols + nk - 1]);
	else if (v->keykind == PGIAM_BROWSE_KEY_OFFSET)
		snprintf(a->what, sizeof(a->what), "row %llu", v->offset + (unsigned long long)v->sel + 1);
	crumb_push(v, r);
	/* the screen's reads replace the page: it is read again from its first row */
	v->reload_page = 1;
	free_reread(v);
	if (r->nrows && nk)
		keys_set(&v->reread, row_keys(v, r, 0), nk);
	v->have_page = 0;
	v->refby_open = 1;
	return pgiam_app_push(app, &pgiam_screen_refby, a);
}

/* Back from R's screen (once nothing runs): the table chosen, filtered to the rows
 * that point at the row, or, with none chosen, the page again and the crumb dropped. */
static unsigned refby_back(browse_view *v, pgiam_app *app)
{
	pgiam_refby_arg *a = &v->refby;

	v->refby_open = 0;
	if (!a->chosen) {
		crumb_free(&v->crumbs[--v->ncrumbs]);
		pgiam_refby_arg_dispose(a);
		v->reload_page = 0;
		return load_page(v, app, PGIAM_BROWSE_AT);
	}
	free_reread(v);
	v->reload_page = 0;
	snprintf(v->schema, sizeof(v->schema), "%s", a->open_schema);
	snprintf(v->table, sizeof(v->table), "%s", a->open_table);
	free_keep(v);
	free_table(v);
	reset_user(v);
	v->where = a->where;   /* the filter, shown and editable with w */
	a->where = NULL;
	pgiam_refby_arg_dispose(a);
	set_title(v);
	return load_columns(v, app);
}

static void free_crumbs(browse_view *v)
{
	while (v->ncrumbs)
		crumb_free(&v->crumbs[--v->ncrumbs]);
	keys_free(&v->jump.cols);
	keys_free(&v->jump.vals);
	v->jump.active = 0;
}

static unsigned tick_result(pgiam_screen *s, pgiam_app *app);
static unsigned browse_action(pgiam_screen *s, pgiam_app *app, pgiam_action a);

/* The tick, then the keys typed while the read ran, until one starts a read again. */
static unsigned browse_tick(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	int failed = v->pending != Q_NONE && r && r->done && r->failed;
	unsigned react = tick_result(s, app);

	if (failed)
		v->nahead = 0;   /* typed for what the read would have shown */
	while (v->nahead && v->pending == Q_NONE &&
	    !(react & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT))) {
		pgiam_action a = v->ahead[0];

		memmove(v->ahead, v->ahead + 1, --v->nahead * sizeof(v->ahead[0]));
		react |= browse_action(s, app, a) & ~(unsigned)PGIAM_REACT_UNHANDLED;
	}
	return react;
}

static unsigned tick_result(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	enum pending was = v->pending;

	if (v->refby_open && !(app->conn && pgiam_conn_busy(app->conn)))
		return refby_back(v, app);
	if (was == Q_NONE && r && r->done && !(app->conn && pgiam_conn_busy(app->conn)))
		return resize_reread(v, app, r);
	if (was == Q_NONE || !r || !r->done)
		return PGIAM_REACT_NONE;
	v->pending = Q_NONE;
	if (v->cancel_asked && !r->failed && was == Q_COLUMNS) {
		v->cancel_asked = 0;
		v->stopped = 1;
		pgiam_app_message(app, PGIAM_ROLE_WARN, "cancelled");
		return PGIAM_REACT_REDRAW;
	}
	v->cancel_asked = 0;
	if (r->failed && was == Q_PAGE && v->undo.active)
		return change_refused(v, app, r);
	if (r->failed && was == Q_STRUCTURE && v->reload_page) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "structure: ERROR%s%s: %s", r->sqlstate[0]
			? " " : "", r->sqlstate, r->message);
		v->reload_page = 0;
		return load_page(v, app, PGIAM_BROWSE_AT);
	}
	if (r->failed) {
		/* Drawn from the result where there is nothing else to show; said here too,
		 * for a list that stays on screen. */
		if (r->cancelled)
			pgiam_app_message(app, PGIAM_ROLE_WARN, "cancelled");
		else
			pgiam_app_message(app, PGIAM_ROLE_ERROR, "ERROR%s%s: %s", r->sqlstate[0]
				? " " : "", r->sqlstate, r->message);
		return PGIAM_REACT_REDRAW;
	}
	switch (was) {
	case Q_SCHEMAS:
	case Q_TABLES:
		v->pending = was;
		take_list(v, r);
		v->pending = Q_NONE;
		/* Back from a level: select again what was opened from here. */
		for (size_t i = 0; i < v->nitems; i++)
			if (!strcmp(v->items[i].name, was == Q_SCHEMAS ? v->schema : v->table))
				v->sel = (int)i;
		return PGIAM_REACT_REDRAW;
	case Q_COLUMNS:
		take_columns(v, r);
		if (!v->ncols) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "%s has no columns to show", v->table);
			return PGIAM_REACT_REDRAW;
		}
		v->sel = 0;
		v->hcol = 0;
		if (v->jump.active)
			return jump_page(v, app);
		if (v->keep.active)
			return refresh_page(v, app);
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	case Q_PAGE:
		if (v->undo.active) {   /* the change was read: nothing to go back to */
			free_undo(v);
			v->page_error[0] = '\0';
		}
		return took_page(v, app, r);
	case Q_RECORD:
		if (r->nrows == 1)
			return push_record(v, app, r, 0, PGIAM_BROWSE_RECORD_MAX);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "the row is gone (deleted or moved "
			"since the page was read)");
		return load_page(v, app, PGIAM_BROWSE_AT);
	case Q_STRUCTURE:
		return show_structure(v, app, r);
	case Q_NONE:
		break;
	}
	return PGIAM_REACT_NONE;
}

/* The name column: 32 columns, or as wide as the longest name when the screen has
 * room for it beside the longest info. */
static int name_width(const browse_view *v, int room)
{
	int name_want = 0, info_want = 0, spare;

	for (size_t i = 0; i < v->nitems; i++) {
		int nw = (int)pgiam_width_of(v->items[i].name);
		int iw = (int)pgiam_width_of(v->items[i].info);

		name_want = nw > name_want ? nw : name_want;
		info_want = iw > info_want ? iw : info_want;
	}
	/* what the info leaves, never less than 32 (a narrow screen cuts the info) */
	spare = room - 1 - info_want;
	if (name_want > spare)
		name_want = spare;
	return name_want > 32 ? name_want : 32;
}

static void draw_list(browse_view *v, pgiam_rect body)
{
	int y = body.y + 1;
	int name_w = name_width(v, body.w - 2 - (v->level == LV_TABLES ? 6 : 0));
	char line[1200];

	if (v->level == LV_TABLES) {
		snprintf(line, sizeof(line), "%-4s  %-*s %-17s %-24s %s", "SIUD", name_w, "table",
			"kind", "estimated rows", "size");
		pgiam_draw_field(y++, 1, body.w - 2, PGIAM_ROLE_HEADER, line);
	}
	v->page = body.y + body.h - y;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->page)
		v->top = v->sel - v->page + 1;
	for (int i = v->top; i < (int)v->nitems && y < body.y + body.h; i++, y++) {
		item *it = &v->items[i];
		pgiam_role role = i == v->sel ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_NORMAL;
		int x = 1;

		pgiam_draw_fill(y, 1, body.w - 2, role);
		if (v->level == LV_TABLES) {
			pgiam_draw_field(y, x, 4, it->privs[0] == 'S' ? role : PGIAM_ROLE_WARN,
				it->privs);
			x += 6;
		}
		x += pgiam_draw_field(y, x, name_w < body.w - 2 - x ? name_w : body.w - 2 - x,
			role, it->name) + 1;
		if (x < body.w - 1)
			pgiam_draw_text(y, x, body.w - 1 - x, role, it->info);
	}
}

/* The grid's view of a page (grid.h): the table's columns after the page's key
 * columns, the rows in the order shown. */
typedef struct page_src {
	browse_view *v;
	const pgiam_conn_result *r;
	size_t nk;
} page_src;

static const char *page_name(void *ctx, size_t c)
{
	return ((page_src *)ctx)->v->cols[c];
}

static const char *page_type(void *ctx, size_t c)
{
	return ((page_src *)ctx)->v->types[c];
}

static int page_numeric(void *ctx, size_t c)
{
	return pgiam_pgtype_kind_of_name(((page_src *)ctx)->v->types[c]) == PGIAM_PGTYPE_NUMBER;
}

static const char *page_cell(void *ctx, size_t row, size_t c, int *loaded)
{
	page_src *p = ctx;
	size_t raw = p->v->reversed ? p->r->nrows - 1 - row : row;

	*loaded = 1;
	return p->r->cells[raw * p->r->ncols + p->nk + c];
}

static void draw_rows(browse_view *v, const pgiam_conn_result *r, pgiam_rect body)
{
	size_t nk = view_nk(v);
	page_src p = { v, r, nk };
	/* an empty page with a filter or search says that none matched, not that the
	 * table is empty */
	pgiam_grid_source src = { v->ncols, r->nrows, NULL, 0, &p, page_name, page_type,
		page_numeric, page_cell, v->search ? "(no rows: no row holds the search text)" :
		v->where ? "(no rows match the filter)" : "(no rows: the table is empty)" };
	pgiam_rect area = { body.y + 1, body.x + 1, body.h - 2, body.w - 2 };
	size_t *frozen = NULL, nfrozen = 0;

	if (r->ncols != nk + v->ncols)
		return;
	/* the primary key's columns stay at the left while the others scroll */
	frozen = pgiam_xcalloc(v->nkeys + 1, sizeof(size_t));
	for (size_t k = 0; v->keykind == PGIAM_BROWSE_KEY_PK && k < v->nkeys; k++)
		for (size_t c = 0; c < v->ncols; c++)
			if (!strcmp(v->cols[c], v->keys[k]))
				frozen[nfrozen++] = c;
	src.frozen = frozen;
	src.nfrozen = nfrozen;
	v->grid.row = v->sel > 0 ? (size_t)v->sel : 0;
	v->grid.top = 0;
	v->grid.col = v->hcol > 0 ? (size_t)v->hcol : 0;
	pgiam_grid_draw(&v->grid, &src, area);
	free(frozen);
	v->page = pgiam_grid_page(&v->grid);
	v->rows_shown = v->page;
	if (v->sel >= v->page)
		v->sel = v->page > 0 ? v->page - 1 : 0;   /* the terminal got smaller */
	if (v->grid.top) {   /* the page is longer than the screen until it is read again */
		v->grid.top = 0;
	}
}

/* Under a failed read: pgiam's explanation (WHY) and the server's own HINT, each on
 * its line and under its own label. */
static void draw_why_hint(const pgiam_conn_result *r, pgiam_rect body)
{
	char line[1700];
	int y = body.y + 1;

	if (r->why[0]) {
		snprintf(line, sizeof(line), "WHY: %s", r->why);
		pgiam_draw_text(y++, body.x + 1, body.w - 2, PGIAM_ROLE_NORMAL, line);
	}
	if (r->hint[0]) {
		snprintf(line, sizeof(line), "HINT: %s", r->hint);
		pgiam_draw_text(y, body.x + 1, body.w - 2, PGIAM_ROLE_NORMAL, line);
	}
}

/* Above the rows: the sort (and whether an index serves it), the filter, the
 * search, and the server's refusal of the last change. The rows get what is left. */
static pgiam_rect draw_asked(browse_view *v, pgiam_rect body)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int idx = 0;

	for (size_t i = 0; v->sort_col[0] && i < v->ncols; i++)
		if (!strcmp(v->cols[i], v->sort_col))
			idx = v->indexed[i];
	if (v->sort_col[0])
		pgiam_buf_printf(&b, "sorted by %s %s (%s)", v->sort_col, v->sort_desc ?
			"\xE2\x86\x93 desc" : "\xE2\x86\x91 asc", idx ? "indexed: each page "
			"reads the index" : "no index: each page sorts the table");
	if (v->where)
		pgiam_buf_printf(&b, "%sWHERE %s", b.len ? " \xC2\xB7 " : "", v->where);
	if (v->search)
		pgiam_buf_printf(&b, "%ssearch: %s", b.len ? " \xC2\xB7 " : "", v->search);
	if (b.len) {
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_WARN, pgiam_buf_cstr(&b));
		body.y++;
		body.h--;
	}
	if (v->page_error[0]) {
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_ERROR, v->page_error);
		body.y++;
		body.h--;
	}
	pgiam_buf_dispose(&b);
	v->asked_drawn = asked_lines(v);
	return body;
}

static void browse_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	char line[700];
	static const char *const how[] = { "primary key", "ctid (no primary key: rows that "
		"move while paging can repeat or be missed)", "offset (a view: no key)" };

	if (v->pane)
		v->pane_h = body.h;
	if (v->pane && !v->table[0]) {
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, "Enter on a table "
			"or view in the tree shows its rows here");
		return;
	}
	if (v->pane && (v->lost || (v->have_page && v->pending == Q_NONE && app->conn &&
	    pgiam_conn_internal_generation(app->conn) != v->page_gen))) {
		/* another pane's read replaced the page: it is read again when that ends */
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_DIM,
			"reading the page again\xE2\x80\xA6");
		return;
	}
	if (v->pending != Q_NONE && r && !r->done) {
		snprintf(line, sizeof(line), "reading\xE2\x80\xA6 %.1f s \xC2\xB7 Esc cancels",
			pgiam_conn_query_seconds(app->conn));
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_WARN, line);
		return;
	}
	if (r && (r->failed || v->stopped) && v->pending == Q_NONE && !v->have_page &&
	    !(v->level != LV_ROWS && v->nitems)) {
		if (r->cancelled || v->stopped)
			snprintf(line, sizeof(line), "cancelled \xC2\xB7 r reads again, Esc goes back");
		else
			/* no SQLSTATE: a connect failure (the browser's own connection) */
			snprintf(line, sizeof(line), "ERROR%s%s: %s", r->sqlstate[0] ? " " : "",
				r->sqlstate, r->message);
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_ERROR, line);
		draw_why_hint(r, body);
		return;
	}
	if (v->level != LV_ROWS) {
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_DIM, v->level == LV_SCHEMAS ?
			"Enter opens a schema \xC2\xB7 Esc goes back" :
			v->list_cut ? "S I U D: SELECT INSERT UPDATE DELETE held by the role \xC2\xB7 "
			"only the first tables (by name) are listed" :
			"S I U D: SELECT INSERT UPDATE DELETE held by the role \xC2\xB7 Enter opens");
		draw_list(v, body);
		return;
	}
	if (!v->have_page || !r)
		return;
	body = draw_asked(v, body);
	snprintf(line, sizeof(line), "%zu row%s%s%s \xC2\xB7 paged by %s \xC2\xB7 Enter: record, "
		"\xE2\x86\x90\xE2\x86\x92 columns %d/%zu", r->nrows, r->nrows == 1 ? "" : "s",
		v->at_start ? " \xC2\xB7 first page" : "", v->at_end ? " \xC2\xB7 last page" : "",
		how[v->keykind], v->hcol + 1, v->ncols);
	pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, line);
	draw_rows(v, r, body);
}

/* The record view's text from row raw of r, whose values were cut at cut_at. */
static unsigned push_record(browse_view *v, pgiam_app *app, const pgiam_conn_result *r,
	size_t raw, size_t cut_at)
{
	size_t nk = view_nk(v);
	pgiam_buf b = PGIAM_BUF_INIT;

	if (r->ncols != nk + v->ncols)
		return PGIAM_REACT_NONE;
	for (size_t c = 0; c < v->ncols; c++) {
		const char *cv = r->cells[raw * r->ncols + nk + c];

		if (pgiam_buf_printf(&b, "%s (%s)\n  %s%s\n", v->cols[c], v->types[c],
		    cv ? cv : "\xE2\x88\x85 NULL",
		    cv && pgiam_catalog_utf8_chars(cv) > cut_at ?
		    "\xE2\x80\xA6 (cut: a longer value than pgiam shows)" : "") < 0)
			pgiam_ui_fail("out of memory");
	}
	v->record.title = "Record";
	v->record.body = pgiam_buf_detach(&b);   /* the text screen takes it */
	if (!v->record.body)
		pgiam_ui_fail("out of memory");
	pgiam_buf_dispose(&b);
	return pgiam_app_push(app, &pgiam_screen_text, &v->record);
}

/* Enter on a row: the record from the page, or, when a value on the page was cut, the
 * whole row read again by its key (the page is read again when the record closes). */
static unsigned show_record(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	size_t nk = view_nk(v);
	pgiam_browse_table t;
	pgiam_browse_order ord;
	pgiam_buf b = PGIAM_BUF_INIT;
	size_t raw;
	int cut = 0, rev = 0, built;

	if (!v->have_page || !r || (size_t)v->sel >= r->nrows || r->ncols != nk + v->ncols)
		return PGIAM_REACT_NONE;
	raw = v->reversed ? r->nrows - 1 - (size_t)v->sel : (size_t)v->sel;
	for (size_t c = nk; c < r->ncols; c++) {
		const char *cv = r->cells[raw * r->ncols + c];
		cut |= cv && pgiam_catalog_utf8_chars(cv) > PGIAM_BROWSE_CELL_MAX;
	}
	if (!cut || v->keykind == PGIAM_BROWSE_KEY_OFFSET)
		return push_record(v, app, r, raw, PGIAM_BROWSE_CELL_MAX);
	view_table(&t, &ord, v, 1, PGIAM_BROWSE_RECORD_MAX);
	built = pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_ROW,
		(const char *const *)&r->cells[raw * r->ncols]);
	free_reread(v);
	keys_set(&v->reread, row_keys(v, r, 0), nk);
	return run(v, app, &b, built, Q_RECORD);
}

/* n / N: the next (dir 1) or previous (-1) row of the page with the text found,
 * from the selected one (included when from_sel), round the page. */
static unsigned find_in_page(browse_view *v, pgiam_app *app, int dir, int from_sel)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	size_t nk = view_nk(v);

	if (!v->find[0] || !v->have_page || !r || !r->nrows || r->ncols != nk + v->ncols)
		return PGIAM_REACT_NONE;
	for (int step = from_sel ? 0 : 1; step <= (int)r->nrows; step++) {
		int i = ((v->sel + dir * step) % (int)r->nrows + (int)r->nrows) % (int)r->nrows;
		size_t raw = v->reversed ? r->nrows - 1 - (size_t)i : (size_t)i;

		for (size_t c = 0; c < v->ncols; c++) {
			const char *cv = r->cells[raw * r->ncols + nk + c];
			if (cv && strcasestr(cv, v->find)) {
				v->sel = i;
				if ((size_t)v->hcol > c)
					v->hcol = (int)c;
				pgiam_app_message(app, PGIAM_ROLE_DIM, "\"%s\" in row %d, column %s",
					v->find, i + 1, v->cols[c]);
				return PGIAM_REACT_REDRAW;
			}
		}
	}
	pgiam_app_message(app, PGIAM_ROLE_WARN, "\"%s\" is not on this page: F searches the "
		"whole table", v->find);
	return PGIAM_REACT_REDRAW;
}

static unsigned ask(browse_view *v, pgiam_app *app, enum prompt_kind kind)
{
	static const char *const titles[] = { "", "Filter rows", "Find in the page",
		"Search the table" };
	static const char *const labels[] = { "", "WHERE", "Find:", "Search:" };
	static const char *const hints[] = { "",
		"A boolean SQL expression, sent to the server as written inside the page's "
		"query (one statement: the server refuses a second). An invalid one shows the "
		"server's error and keeps the rows. Empty: no filter. Enter applies, Esc keeps "
		"the filter as it was.",
		"Text to find in the rows of the page shown (any column, any case); n and N go "
		"to the next and previous row with it.",
		"Rows whose text in any column holds this (col::text ILIKE on the server, "
		"paged like the table; a full scan on a big table). Empty: no search." };
	const char *now = kind == P_FILTER ? v->where : kind == P_SEARCH ? v->search : v->find;

	v->prompt_kind = kind;
	v->prompt.title = titles[kind];
	v->prompt.label = labels[kind];
	v->prompt.hint = hints[kind];
	snprintf(v->prompt.text, sizeof(v->prompt.text), "%s", now ? now : "");
	return pgiam_app_push(app, &pgiam_screen_prompt, &v->prompt);
}

/* The answer to ask(): a new filter or search is read from the first page. */
static unsigned answered(browse_view *v, pgiam_app *app)
{
	enum prompt_kind kind = v->prompt_kind;
	char **slot = kind == P_FILTER ? &v->where : &v->search;
	const char *text = v->prompt.text;

	v->prompt_kind = P_NONE;
	if (!v->prompt.answered || v->level != LV_ROWS)
		return PGIAM_REACT_REDRAW;
	if (kind == P_FIND) {
		snprintf(v->find, sizeof(v->find), "%s", text);
		return find_in_page(v, app, 1, 1);
	}
	if ((!*slot && pgiam_catalog_filter_blank(text)) || (*slot && !strcmp(*slot, text)))
		return PGIAM_REACT_REDRAW;   /* the same as before */
	start_change(v, app);
	free(*slot);
	*slot = pgiam_catalog_filter_blank(text) ? NULL : pgiam_xstrdup(text);
	v->page_error[0] = '\0';
	v->sel = 0;
	return load_page(v, app, PGIAM_BROWSE_FIRST);
}

/* o: the first column shown sorts ascending, then descending, then not at all. */
static unsigned toggle_sort(browse_view *v, pgiam_app *app)
{
	const char *col;

	if (v->level != LV_ROWS || !v->ncols || (size_t)v->hcol >= v->ncols)
		return PGIAM_REACT_NONE;
	col = v->cols[v->hcol];
	start_change(v, app);
	if (strcmp(v->sort_col, col)) {
		snprintf(v->sort_col, sizeof(v->sort_col), "%s", col);
		v->sort_desc = 0;
	} else if (!v->sort_desc) {
		v->sort_desc = 1;
	} else {
		v->sort_col[0] = '\0';
		v->sort_desc = 0;
	}
	v->page_error[0] = '\0';
	v->sel = 0;
	return load_page(v, app, PGIAM_BROWSE_FIRST);
}

/* Back from the record view: read the page again if the record replaced it. Back
 * from a question: its answer. */
static unsigned browse_resume(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;

	if (v->prompt_kind != P_NONE)
		return answered(v, app);
	if (v->refby_open)   /* once a count cancelled there has ended: the tick */
		return app->conn && pgiam_conn_busy(app->conn) ? PGIAM_REACT_NONE :
			refby_back(v, app);

	if (v->level == LV_ROWS && v->reload_page && v->pending == Q_NONE) {
		v->reload_page = 0;
		return load_page(v, app, PGIAM_BROWSE_AT);
	}
	if (v->level == LV_ROWS && v->reread.v && v->pending == Q_NONE)
		return load_page(v, app, PGIAM_BROWSE_AT);
	return PGIAM_REACT_NONE;
}

/* P on the table list: the probe screen for the selected table (issue 11). */
static unsigned probe_selected(browse_view *v, pgiam_app *app)
{
	static pgiam_probe_arg arg;

	if (v->level != LV_TABLES || v->sel < 0 || v->sel >= (int)v->nitems) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "P probes the table selected in the "
			"table list");
		return PGIAM_REACT_REDRAW;
	}
	snprintf(arg.schema, sizeof(arg.schema), "%s", v->schema);
	snprintf(arg.table, sizeof(arg.table), "%s", v->items[v->sel].name);
	return pgiam_app_push(app, &pgiam_screen_probe, &arg);
}

/* Esc: up one level (rows -> tables -> schemas -> the screen below), or back along
 * the foreign-key breadcrumb. */
static unsigned go_back(browse_view *v, pgiam_app *app)
{
	v->pending = Q_NONE;
	if (v->level == LV_SCHEMAS)
		return PGIAM_REACT_POP;
	if (v->level == LV_ROWS && v->ncrumbs)
		return back_crumb(v, app);
	if (v->level == LV_ROWS) {
		free_keep(v);
		free_table(v);
		reset_user(v);
		v->level = LV_TABLES;
		set_title(v);
		return load_tables(v, app);
	}
	v->level = LV_SCHEMAS;
	v->table[0] = '\0';
	set_title(v);
	return load_schemas(v, app);
}

static int is_routine(const char *info)
{
	return !strncmp(info, "function", 8) || !strncmp(info, "procedure", 9) ||
		!strncmp(info, "aggregate", 9) || !strncmp(info, "window function", 15);
}

/* Enter: a schema's relations, a relation's rows, or a row's record. */
static unsigned open_selected(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	if (v->level == LV_ROWS)
		return show_record(v, app, r);
	if (v->sel < 0 || v->sel >= (int)v->nitems)
		return PGIAM_REACT_NONE;
	if (v->level == LV_SCHEMAS) {
		snprintf(v->schema, sizeof(v->schema), "%s", v->items[v->sel].name);
		v->table[0] = '\0';
		v->level = LV_TABLES;
		set_title(v);
		return load_tables(v, app);
	}
	if (is_routine(v->items[v->sel].info)) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s is a routine: no rows to browse",
			v->items[v->sel].name);
		return PGIAM_REACT_REDRAW;
	}
	snprintf(v->table, sizeof(v->table), "%s", v->items[v->sel].name);
	v->level = LV_ROWS;
	v->rows_shown = 0;
	/* the rows the grid will show: the list less the grid's two header lines */
	v->limit = v->page > 3 ? (size_t)v->page - 2 : 1;
	if (v->limit > PGIAM_BROWSE_PAGE_ROWS)
		v->limit = PGIAM_BROWSE_PAGE_ROWS;
	set_title(v);
	return load_columns(v, app);
}

/* PgDn/PgUp/Home/End: the selection in a list of n, or the server's next page. */
static unsigned page_action(browse_view *v, pgiam_app *app, pgiam_action a,
	const pgiam_conn_result *r, int n)
{
	if (v->level != LV_ROWS) {
		static const pgiam_action list[] = { PGIAM_ACTION_PAGE_DOWN,
			PGIAM_ACTION_PAGE_UP, PGIAM_ACTION_FIRST, PGIAM_ACTION_LAST };
		pgiam_action la = list[a - PGIAM_ACTION_NEXT_PAGE];
		v->sel = la == PGIAM_ACTION_FIRST ? 0 : la == PGIAM_ACTION_LAST ? n - 1 :
			v->sel + (la == PGIAM_ACTION_PAGE_DOWN ? v->page : -v->page);
		if (v->sel >= n)
			v->sel = n - 1;
		if (v->sel < 0)
			v->sel = 0;
		return PGIAM_REACT_REDRAW;
	}
	if (!v->ncols)
		return PGIAM_REACT_NONE;
	free_keep(v);   /* a page chosen now, not the place before a refresh */
	if (a == PGIAM_ACTION_NEXT_PAGE && v->have_page && v->at_end && r &&
	    (v->rows_shown <= 0 || r->nrows <= (size_t)v->rows_shown)) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "this is the last page");
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_PREV_PAGE && v->have_page && v->at_start) {
		pgiam_app_message(app, PGIAM_ROLE_DIM, "this is the first page");
		return PGIAM_REACT_REDRAW;
	}
	/* Home on the first page, End on the whole last page: the first or last row, with
	 * no read (r reads again), so the keys typed after them are not dropped while a
	 * needless read runs */
	if (v->have_page && r && r->nrows && ((a == PGIAM_ACTION_FIRST_PAGE && v->at_start) ||
	    (a == PGIAM_ACTION_LAST_PAGE && v->at_end &&
	     (v->rows_shown <= 0 || r->nrows <= (size_t)v->rows_shown)))) {
		v->sel = a == PGIAM_ACTION_FIRST_PAGE ? 0 : (int)r->nrows - 1;
		return PGIAM_REACT_REDRAW;
	}
	return load_page(v, app, a == PGIAM_ACTION_NEXT_PAGE ? PGIAM_BROWSE_NEXT :
		a == PGIAM_ACTION_PREV_PAGE ? PGIAM_BROWSE_PREV :
		a == PGIAM_ACTION_FIRST_PAGE ? PGIAM_BROWSE_FIRST : PGIAM_BROWSE_LAST);
}

/* The keys kept while a read runs: the view's own moves and reads (not a probe or a
 * screen of another kind, which a key typed ahead should not open unseen). */
static int typed_ahead(pgiam_action a)
{
	switch (a) {
	case PGIAM_ACTION_UP: case PGIAM_ACTION_DOWN: case PGIAM_ACTION_NEXT_PAGE:
	case PGIAM_ACTION_PREV_PAGE: case PGIAM_ACTION_FIRST_PAGE: case PGIAM_ACTION_LAST_PAGE:
	case PGIAM_ACTION_OPEN: case PGIAM_ACTION_FOLLOW: case PGIAM_ACTION_REFERENCED_BY:
	case PGIAM_ACTION_STRUCTURE: case PGIAM_ACTION_SORT: case PGIAM_ACTION_FIND_NEXT:
	case PGIAM_ACTION_FIND_PREV: case PGIAM_ACTION_SCROLL_LEFT:
	case PGIAM_ACTION_SCROLL_RIGHT:
		return 1;
	default:
		return 0;
	}
}

static unsigned browse_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	int n = v->level == LV_ROWS ? (v->have_page && r ? (int)r->nrows : 0) : (int)v->nitems;
	int back = a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL;

	if (back)
		v->nahead = 0;   /* Esc drops the keys typed ahead with the read */
	if (back && app->conn && pgiam_conn_busy(app->conn)) {
		v->cancel_asked = v->pending != Q_NONE;
		pgiam_conn_cancel(app->conn);
		return PGIAM_REACT_REDRAW;
	}
	/* our read ended and the tick has not taken it yet (a chain's next read not sent):
	 * Esc was pressed on "reading… Esc cancels", so it stops the chain there too */
	if (back && v->pending != Q_NONE && r && r->done) {
		v->cancel_asked = 1;
		return PGIAM_REACT_REDRAW;
	}
	if (v->pending != Q_NONE && !back) {
		/* one statement at a time; the view's own keys wait for it */
		if (typed_ahead(a) && v->nahead < AHEAD_MAX)
			v->ahead[v->nahead++] = a;
		return PGIAM_REACT_NONE;
	}
	switch (a) {
	case PGIAM_ACTION_BACK:
	case PGIAM_ACTION_CANCEL: return go_back(v, app);
	case PGIAM_ACTION_OPEN: return open_selected(v, app, r);
	case PGIAM_ACTION_PROBE: return probe_selected(v, app);
	case PGIAM_ACTION_REFRESH:
		if (v->level == LV_SCHEMAS)
			return load_schemas(v, app);
		if (v->level == LV_TABLES)
			return load_tables(v, app);
		return refresh_rows(v, app, r);
	case PGIAM_ACTION_UP:
		v->sel -= v->sel > 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_DOWN:
		v->sel += v->sel < n - 1;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_NEXT_PAGE:
	case PGIAM_ACTION_PREV_PAGE:
	case PGIAM_ACTION_FIRST_PAGE:
	case PGIAM_ACTION_LAST_PAGE: return page_action(v, app, a, r, n);
	case PGIAM_ACTION_FOLLOW: return follow_fk(v, app);
	case PGIAM_ACTION_REFERENCED_BY: return refby_start(v, app);
	case PGIAM_ACTION_STRUCTURE: return load_structure(v, app);
	case PGIAM_ACTION_SORT: return toggle_sort(v, app);
	case PGIAM_ACTION_FILTER:
	case PGIAM_ACTION_SEARCH:
	case PGIAM_ACTION_FIND:
		if (v->level != LV_ROWS || !v->ncols)
			return PGIAM_REACT_UNHANDLED;
		return ask(v, app, a == PGIAM_ACTION_FILTER ? P_FILTER : a == PGIAM_ACTION_SEARCH ?
			P_SEARCH : P_FIND);
	case PGIAM_ACTION_FIND_NEXT:
	case PGIAM_ACTION_FIND_PREV:
		return find_in_page(v, app, a == PGIAM_ACTION_FIND_NEXT ? 1 : -1, 0);
	case PGIAM_ACTION_SCROLL_LEFT:
		v->hcol -= v->hcol > 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_SCROLL_RIGHT:
		v->hcol += v->hcol + 1 < (int)v->ncols;
		return PGIAM_REACT_REDRAW;
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

static void browse_close(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;

	if (app->conn && pgiam_conn_busy(app->conn))
		pgiam_conn_cancel(app->conn);
	free_items(v);
	free_keep(v);
	free_table(v);
	pgiam_grid_dispose(&v->grid);
	reset_user(v);
	free_crumbs(v);
	keys_free(&v->page_first);
	pgiam_refby_arg_dispose(&v->refby);
	free(v);
}

const pgiam_screen_ops pgiam_screen_browse = {
	.title = "Browse",
	.scopes = { PGIAM_SCOPE_BROWSE, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = browse_open, .draw = browse_draw, .action = browse_action,
	.tick = browse_tick, .resume = browse_resume, .close = browse_close,
};

/* The workbench's rows pane: the same rows view, opened on a table by the tree
 * (pgiam_pane_rows_show) instead of by the lists above it. Esc at its top goes back
 * to the workbench (the tree), not to a table list. */
static int pane_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	browse_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	s->data = v;
	v->pane = 1;
	v->level = LV_ROWS;
	v->own_conn = app->conn && pgiam_conn_internal_separate(app->conn);
	snprintf(v->title, sizeof(v->title), "Rows");
	s->title = v->title;
	return 0;
}

int pgiam_pane_rows_pending(const pgiam_screen *s)
{
	const browse_view *v = s->data;

	return v->pending != Q_NONE;
}

/* The page was replaced by another pane's (or screen's) read: it is read again at its
 * first key once the connection is free. */
static unsigned pane_check_lost(browse_view *v, pgiam_app *app)
{
	if (!app->conn || !v->table[0])
		return PGIAM_REACT_NONE;
	if (v->have_page && v->pending == Q_NONE &&
	    pgiam_conn_internal_generation(app->conn) != v->page_gen) {
		v->have_page = 0;
		v->lost = 1;
	}
	if (!v->lost || pgiam_conn_busy(app->conn))
		return PGIAM_REACT_NONE;
	v->lost = 0;
	free_reread(v);
	if (v->page_first.v)
		keys_set(&v->reread, (const char *const *)v->page_first.v, v->page_first.n);
	return load_page(v, app, v->reread.v || v->keykind == PGIAM_BROWSE_KEY_OFFSET ?
		PGIAM_BROWSE_AT : PGIAM_BROWSE_FIRST);
}

unsigned pgiam_pane_rows_show(pgiam_screen *s, pgiam_app *app, const char *schema,
	const char *table)
{
	browse_view *v = s->data;

	if (v->pending != Q_NONE)
		return PGIAM_REACT_NONE;
	free_keep(v);
	free_table(v);
	reset_user(v);
	free_crumbs(v);
	keys_free(&v->page_first);
	v->lost = v->struct_after = 0;
	snprintf(v->schema, sizeof(v->schema), "%s", schema);
	snprintf(v->table, sizeof(v->table), "%s", table);
	v->own_conn = app->conn && pgiam_conn_internal_separate(app->conn);
	v->rows_shown = 0;
	v->sel = v->hcol = 0;
	/* the pane less its status line and the grid's two header lines */
	v->limit = v->pane_h > 4 ? (size_t)v->pane_h - 3 : 1;
	if (v->limit > PGIAM_BROWSE_PAGE_ROWS)
		v->limit = PGIAM_BROWSE_PAGE_ROWS;
	set_title(v);
	return load_columns(v, app);
}

static unsigned pane_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	browse_view *v = s->data;
	unsigned r = pane_check_lost(v, app);
	int busy = app->conn && pgiam_conn_busy(app->conn);

	if (!v->table[0])
		return r | PGIAM_REACT_UNHANDLED;
	if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) && !busy && !v->ncrumbs)
		return r | PGIAM_REACT_UNHANDLED;   /* the workbench: back to the tree */
	if (a == PGIAM_ACTION_PROBE) {
		static pgiam_probe_arg arg;

		snprintf(arg.schema, sizeof(arg.schema), "%s", v->schema);
		snprintf(arg.table, sizeof(arg.table), "%s", v->table);
		return pgiam_app_push(app, &pgiam_screen_probe, &arg);
	}
	return r | browse_action(s, app, a);
}

unsigned pgiam_pane_rows_structure(pgiam_screen *s, pgiam_app *app, const char *schema,
	const char *table)
{
	browse_view *v = s->data;
	unsigned r;

	if (v->pending != Q_NONE)
		return PGIAM_REACT_NONE;
	if (v->have_page && !strcmp(v->schema, schema) && !strcmp(v->table, table))
		return load_structure(v, app);
	r = pgiam_pane_rows_show(s, app, schema, table);
	v->struct_after = v->pending != Q_NONE;
	return r;
}

static unsigned pane_tick(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;
	unsigned r = pane_check_lost(v, app);

	r |= browse_tick(s, app);
	if (v->struct_after && v->pending == Q_NONE) {
		/* the rows came (or their read failed: no structure then) */
		v->struct_after = 0;
		if (v->have_page && !(r & (PGIAM_REACT_PUSH | PGIAM_REACT_POP)))
			r |= load_structure(v, app);
	}
	return r;
}

const pgiam_screen_ops pgiam_pane_rows = {
	.title = "Rows",
	.scopes = { PGIAM_SCOPE_BROWSE, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = pane_open, .draw = browse_draw, .action = pane_action,
	.tick = pane_tick, .resume = browse_resume, .close = browse_close,
};
