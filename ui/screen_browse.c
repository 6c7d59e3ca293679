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
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COL_MAX 30

enum level { LV_SCHEMAS, LV_TABLES, LV_ROWS };
enum pending { Q_NONE, Q_SCHEMAS, Q_TABLES, Q_COLUMNS, Q_PAGE, Q_RECORD };

typedef struct item {
	char *name;
	char info[96];      /* tables count; kind · rows · size */
	char privs[8];      /* "SIUD" with '-' for what is not held */
} item;

typedef struct browse_view {
	enum level level;
	enum pending pending;
	item *items;
	size_t nitems;
	int sel, top;
	int page;           /* visible list lines */
	char schema[256], table[256];

	/* the table being read */
	char **cols, **types;
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
	char **reread;               /* the page's first key, to read it again after a
	                                whole record replaced it (NULL: nothing to do) */
	int own_conn;                /* reading on pgiam's own connection (the user's
	                                transaction is open): said in the title */
	struct {                     /* r on a page: where to come back to */
		int active;
		char *keysig;            /* the key the page was read on */
		char **first, **sel;     /* the first and the selected row's keys */
		int sel_index, hcol;
	} keep;
	char title[600];
} browse_view;

static void free_items(browse_view *v)
{
	for (size_t i = 0; i < v->nitems; i++)
		free(v->items[i].name);
	free(v->items);
	v->items = NULL;
	v->nitems = 0;
}

static char **keys_dup(const char *const *keys, size_t n)
{
	char **out = pgiam_xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = pgiam_xstrdup(keys[i] ? keys[i] : "");
	return out;
}

static void keys_free(char **keys)
{
	for (size_t i = 0; keys && keys[i]; i++)
		free(keys[i]);
	free(keys);
}

static void free_reread(browse_view *v)
{
	keys_free(v->reread);
	v->reread = NULL;
}

static void free_keep(browse_view *v)
{
	free(v->keep.keysig);
	keys_free(v->keep.first);
	keys_free(v->keep.sel);
	memset(&v->keep, 0, sizeof(v->keep));
}

/* What the pages are read on (the key kind and the key columns): a page's key from
 * before a refresh means the same only when this is the same. */
static char *key_signature(const browse_view *v)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char *out = NULL;

	/* quoted names, so no two lists of names read the same */
	pgiam_buf_printf(&b, "%d", (int)v->keykind);
	for (size_t i = 0; i < v->nkeys; i++)
		if (pgiam_buf_putc(&b, ' ') < 0 || pgiam_sql_quote_ident(&b, v->keys[i]) < 0)
			pgiam_buf_puts(&b, "?");
	if (!(out = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory");
	return out;
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
	else
		n = snprintf(v->title, sizeof(v->title), "Browse: %s.%s", v->schema, v->table);
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

static unsigned load_page(browse_view *v, pgiam_app *app, pgiam_browse_dir dir)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	pgiam_browse_table t = { v->schema, v->table, (const char *const *)v->cols, v->ncols,
		(const char *const *)v->keys, v->nkeys, v->keykind, v->limit, 0 };
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *const *bound = NULL;
	char off[32];
	const char *offs[1] = { off };
	int built;

	/* A page is what the screen shows now (it may have been resized). */
	if (v->rows_shown > 0)
		v->limit = (size_t)v->rows_shown < PGIAM_BROWSE_PAGE_ROWS ?
			(size_t)v->rows_shown : PGIAM_BROWSE_PAGE_ROWS;
	t.limit = v->limit;
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
		if (!v->reread)
			return load_page(v, app, PGIAM_BROWSE_FIRST);
		bound = (const char *const *)v->reread;
	} else if (dir == PGIAM_BROWSE_NEXT || dir == PGIAM_BROWSE_PREV) {
		/* No page to page from (cancelled, failed, empty): start again. */
		if (!v->have_page || !r || !r->nrows)
			return load_page(v, app, PGIAM_BROWSE_FIRST);
		bound = row_keys(v, r, dir == PGIAM_BROWSE_NEXT ? r->nrows - 1 : 0);
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

			if (kind && (!strcmp(kind, "view") || !strcmp(kind, "foreign table")))
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
	v->ncols = r->nrows;
	for (size_t i = 0; i < r->nrows; i++) {
		const char *pos = r->cells[i * r->ncols + 3];

		v->cols[i] = cell(r, i, 0);
		v->types[i] = cell(r, i, 1);
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
}

/* After r: the cursor on the row it was on, when that row is still on the page
 * (found by its key), else on the same line. */
static void keep_cursor(browse_view *v, const pgiam_conn_result *r)
{
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });

	v->sel = v->keep.sel_index;
	for (size_t i = 0; v->keep.sel && nk && i < r->nrows; i++) {
		const char *const *k = row_keys(v, r, i);
		size_t same = 0;

		while (same < nk && k[same] && !strcmp(k[same], v->keep.sel[same]))
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
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });

	/* No page on screen (a refresh that failed or was cancelled): keep the place
	 * remembered before it. */
	if (v->have_page && r && v->ncols) {
		free_keep(v);
		v->keep.active = 1;
		v->keep.keysig = key_signature(v);
		v->keep.sel_index = v->sel;
		v->keep.hcol = v->hcol;
		if (nk && r->nrows) {
			v->keep.first = keys_dup(row_keys(v, r, 0), nk);
			if ((size_t)v->sel < r->nrows)
				v->keep.sel = keys_dup(row_keys(v, r, (size_t)v->sel), nk);
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
	if (!v->keep.first)   /* the page was empty */
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	free_reread(v);
	v->reread = keys_dup((const char *const *)v->keep.first,
		pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys }));
	return load_page(v, app, PGIAM_BROWSE_AT);
}

/* After a resize the page is as long as the screen shows again: it is read again
 * from its first row (its first key, or its offset), and the last page as the last
 * page, so End, PgDn and PgUp go on from the rows on screen and a shrunk screen
 * never shows the start of a longer last page. */
static unsigned resize_reread(browse_view *v, pgiam_app *app, const pgiam_conn_result *r)
{
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });
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
		v->reread = keys_dup(row_keys(v, r, 0), nk);
	}
	return load_page(v, app, PGIAM_BROWSE_AT);
}

static unsigned browse_tick(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	enum pending was = v->pending;

	if (was == Q_NONE && r && r->done && !(app->conn && pgiam_conn_busy(app->conn)))
		return resize_reread(v, app, r);
	if (was == Q_NONE || !r || !r->done)
		return PGIAM_REACT_NONE;
	v->pending = Q_NONE;
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
		if (v->keep.active)
			return refresh_page(v, app);
		return load_page(v, app, PGIAM_BROWSE_FIRST);
	case Q_PAGE:
		return took_page(v, app, r);
	case Q_RECORD:
		if (r->nrows == 1)
			return push_record(v, app, r, 0, PGIAM_BROWSE_RECORD_MAX);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "the row is gone (deleted or moved "
			"since the page was read)");
		return load_page(v, app, PGIAM_BROWSE_AT);
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
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });
	page_src p = { v, r, nk };
	pgiam_grid_source src = { v->ncols, r->nrows, NULL, 0, &p, page_name, page_type,
		page_numeric, page_cell, "(no rows: the table is empty)" };
	pgiam_rect area = { body.y + 1, 1, body.h - 2, body.w - 2 };
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
		pgiam_draw_text(y++, 1, body.w - 2, PGIAM_ROLE_NORMAL, line);
	}
	if (r->hint[0]) {
		snprintf(line, sizeof(line), "HINT: %s", r->hint);
		pgiam_draw_text(y, 1, body.w - 2, PGIAM_ROLE_NORMAL, line);
	}
}

static void browse_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	char line[700];
	static const char *const how[] = { "primary key", "ctid (no primary key: rows that "
		"move while paging can repeat or be missed)", "offset (a view: no key)" };

	if (v->pending != Q_NONE && r && !r->done) {
		snprintf(line, sizeof(line), "reading\xE2\x80\xA6 %.1f s \xC2\xB7 Esc cancels",
			pgiam_conn_query_seconds(app->conn));
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_WARN, line);
		return;
	}
	if (r && r->failed && v->pending == Q_NONE && !v->have_page &&
	    !(v->level != LV_ROWS && v->nitems)) {
		if (r->cancelled)
			snprintf(line, sizeof(line), "cancelled \xC2\xB7 r reads again, Esc goes back");
		else
			/* no SQLSTATE: a connect failure (the browser's own connection) */
			snprintf(line, sizeof(line), "ERROR%s%s: %s", r->sqlstate[0] ? " " : "",
				r->sqlstate, r->message);
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_ERROR, line);
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
	snprintf(line, sizeof(line), "%zu row%s%s%s \xC2\xB7 paged by %s \xC2\xB7 Enter: record, "
		"\xE2\x86\x90\xE2\x86\x92 columns %d/%zu", r->nrows, r->nrows == 1 ? "" : "s",
		v->at_start ? " \xC2\xB7 first page" : "", v->at_end ? " \xC2\xB7 last page" : "",
		how[v->keykind], v->hcol + 1, v->ncols);
	pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_DIM, line);
	draw_rows(v, r, body);
}

/* The record view's text from row raw of r, whose values were cut at cut_at. */
static unsigned push_record(browse_view *v, pgiam_app *app, const pgiam_conn_result *r,
	size_t raw, size_t cut_at)
{
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });
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
	size_t nk = pgiam_catalog_page_keys(&(pgiam_browse_table){ .keykind = v->keykind,
		.nkeys = v->nkeys });
	pgiam_browse_table t = { v->schema, v->table, (const char *const *)v->cols, v->ncols,
		(const char *const *)v->keys, v->nkeys, v->keykind, 1, PGIAM_BROWSE_RECORD_MAX };
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
	built = pgiam_catalog_page_sql(&b, &rev, &t, PGIAM_BROWSE_ROW,
		(const char *const *)&r->cells[raw * r->ncols]);
	free_reread(v);
	v->reread = pgiam_xcalloc(nk + 1, sizeof(char *));
	{
		const char *const *first = row_keys(v, r, 0);
		for (size_t i = 0; i < nk; i++)
			v->reread[i] = pgiam_xstrdup(first[i]);
	}
	return run(v, app, &b, built, Q_RECORD);
}

/* Back from the record view: read the page again if the record replaced it. */
static unsigned browse_resume(pgiam_screen *s, pgiam_app *app)
{
	browse_view *v = s->data;

	if (v->level == LV_ROWS && v->reread && v->pending == Q_NONE)
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

static unsigned browse_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	browse_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_internal_result_of(app->conn) : NULL;
	int n = v->level == LV_ROWS ? (v->have_page && r ? (int)r->nrows : 0) : (int)v->nitems;

	if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) && app->conn &&
	    pgiam_conn_busy(app->conn)) {
		pgiam_conn_cancel(app->conn);
		return PGIAM_REACT_REDRAW;
	}
	if (v->pending != Q_NONE && a != PGIAM_ACTION_BACK && a != PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_NONE;   /* one statement at a time */
	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) {
		v->pending = Q_NONE;
		if (v->level == LV_SCHEMAS)
			return PGIAM_REACT_POP;
		if (v->level == LV_ROWS) {
			free_keep(v);
			free_table(v);
			v->level = LV_TABLES;
			set_title(v);
			return load_tables(v, app);
		}
		v->level = LV_SCHEMAS;
		v->table[0] = '\0';
		set_title(v);
		return load_schemas(v, app);
	} else if (a == PGIAM_ACTION_OPEN) {
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
		snprintf(v->table, sizeof(v->table), "%s", v->items[v->sel].name);
		v->level = LV_ROWS;
		v->rows_shown = 0;
		/* the rows the grid will show: the list less the grid's two header lines */
		v->limit = v->page > 3 ? (size_t)v->page - 2 : 1;
		if (v->limit > PGIAM_BROWSE_PAGE_ROWS)
			v->limit = PGIAM_BROWSE_PAGE_ROWS;
		set_title(v);
		return load_columns(v, app);
	} else if (a == PGIAM_ACTION_PROBE) {
		return probe_selected(v, app);
	} else if (a == PGIAM_ACTION_REFRESH) {
		if (v->level == LV_SCHEMAS)
			return load_schemas(v, app);
		if (v->level == LV_TABLES)
			return load_tables(v, app);
		return refresh_rows(v, app, r);
	} else if (a == PGIAM_ACTION_UP) {
		v->sel -= v->sel > 0;
		return PGIAM_REACT_REDRAW;
	} else if (a == PGIAM_ACTION_DOWN) {
		v->sel += v->sel < n - 1;
		return PGIAM_REACT_REDRAW;
	} else if (a == PGIAM_ACTION_NEXT_PAGE || a == PGIAM_ACTION_PREV_PAGE ||
	    a == PGIAM_ACTION_FIRST_PAGE || a == PGIAM_ACTION_LAST_PAGE) {
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
		if (a == PGIAM_ACTION_NEXT_PAGE && v->have_page && v->at_end) {
			pgiam_app_message(app, PGIAM_ROLE_DIM, "this is the last page");
			return PGIAM_REACT_REDRAW;
		}
		if (a == PGIAM_ACTION_PREV_PAGE && v->have_page && v->at_start) {
			pgiam_app_message(app, PGIAM_ROLE_DIM, "this is the first page");
			return PGIAM_REACT_REDRAW;
		}
		return load_page(v, app, a == PGIAM_ACTION_NEXT_PAGE ? PGIAM_BROWSE_NEXT :
			a == PGIAM_ACTION_PREV_PAGE ? PGIAM_BROWSE_PREV :
			a == PGIAM_ACTION_FIRST_PAGE ? PGIAM_BROWSE_FIRST : PGIAM_BROWSE_LAST);
	} else if (a == PGIAM_ACTION_SCROLL_LEFT) {
		v->hcol -= v->hcol > 0;
		return PGIAM_REACT_REDRAW;
	} else if (a == PGIAM_ACTION_SCROLL_RIGHT) {
		v->hcol += v->hcol + 1 < (int)v->ncols;
		return PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_UNHANDLED;
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
	free(v);
}

const pgiam_screen_ops pgiam_screen_browse = {
	.title = "Browse",
	.scopes = { PGIAM_SCOPE_BROWSE, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = browse_open, .draw = browse_draw, .action = browse_action,
	.tick = browse_tick, .resume = browse_resume, .close = browse_close,
};
