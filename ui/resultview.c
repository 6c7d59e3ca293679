/* resultview.c - resultview.h. */
#include "resultview.h"

#include "draw.h"
#include "error.h"
#include "pgtype.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COL_MAX 40

static const pgiam_conn_result *current(pgiam_resultview *rv, pgiam_app *app)
{
	const pgiam_conn_result *last = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	size_t n = app->conn ? pgiam_conn_result_sets(app->conn) : 0;

	if (!last)
		return NULL;
	if (last->generation != rv->generation) {
		pgiam_grid_reset(&rv->grid, COL_MAX);
		rv->generation = last->generation;
		rv->set = SIZE_MAX;
		rv->want_last = 0;
	}
	if (rv->set >= n)
		return last;
	return pgiam_conn_result_set(app->conn, rv->set);
}

const pgiam_conn_result *pgiam_resultview_result(pgiam_resultview *rv, pgiam_app *app)
{
	return current(rv, app);
}

static int is_last_set(pgiam_resultview *rv, pgiam_app *app)
{
	return rv->set >= pgiam_conn_result_sets(app->conn) - 1;
}

/* The rows the grid moves over: the count once known, else the rows up to the end
 * of the window and one more (a … row that moving onto fetches the next window). */
static size_t rows_of(const pgiam_conn_result *r)
{
	if (!r->cursor)
		return r->nrows;
	if (r->total >= 0)
		return (size_t)r->total;
	return (size_t)r->first_row + r->nrows + (r->cursor_open ? 1 : 0);
}

static const char *src_name(void *ctx, size_t c)
{
	return ((const pgiam_conn_result *)ctx)->colnames[c];
}

static const char *src_type(void *ctx, size_t c)
{
	const pgiam_conn_result *r = ctx;

	return r->coltypes ? pgiam_pgtype_name(r->coltypes[c]) : "";
}

static int src_numeric(void *ctx, size_t c)
{
	const pgiam_conn_result *r = ctx;

	return r->coltypes && pgiam_pgtype_kind_of(r->coltypes[c]) == PGIAM_PGTYPE_NUMBER;
}

static const char *src_cell(void *ctx, size_t row, size_t c, int *loaded)
{
	const pgiam_conn_result *r = ctx;

	if (row < r->first_row || row - r->first_row >= r->nrows) {
		*loaded = 0;
		return NULL;
	}
	*loaded = 1;
	return r->cells[(row - r->first_row) * r->ncols + c];
}

static const size_t FIRST_COL[1] = { 0 };

static pgiam_grid_source source(const pgiam_conn_result *r)
{
	pgiam_grid_source src = { r->ncols, rows_of(r), FIRST_COL, r->ncols > 1 ? 1 : 0,
		(void *)r, src_name, src_type, src_numeric, src_cell, NULL };
	return src;
}

static void draw_tabs(pgiam_resultview *rv, pgiam_app *app, int y, int x, int w)
{
	size_t n = pgiam_conn_result_sets(app->conn);
	size_t shown = rv->set < n ? rv->set : n - 1;
	char tab[96];

	for (size_t i = 0; i < n && w > 4; i++) {
		const pgiam_conn_result *s = pgiam_conn_result_set(app->conn, i);
		int used;

		snprintf(tab, sizeof(tab), " %zu: %s ", i + 1, s && !s->done ? "\xE2\x80\xA6" :
			s && s->failed ? "failed" : s && s->tag[0] ? s->tag : "rows");
		used = pgiam_draw_text(y, x, w, i == shown ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_DIM,
			tab);
		x += used + 1;
		w -= used + 1;
	}
}

static void footer(char *line, size_t len, pgiam_resultview *rv, pgiam_app *app,
	const pgiam_conn_result *r)
{
	pgiam_conn_export_info x;
	size_t top = rv->grid.top, page = (size_t)pgiam_grid_page(&rv->grid);
	size_t rows = rows_of(r), last = top + page < rows ? top + page : rows;
	int n = 0;

	pgiam_conn_export_progress(app->conn, &x);
	if (x.running) {
		snprintf(line, len, "exporting to %s\xE2\x80\xA6 %llu rows, %.0f rows/s \xC2\xB7 Esc "
			"stops", x.path, x.rows, x.seconds > 0 ? (double)x.rows / x.seconds : 0.0);
		return;
	}
	if (r->cursor && r->total < 0)
		n = snprintf(line, len, "(? rows: End counts them) rows %zu\xE2\x80\x93%zu", top + 1,
			last);
	else
		n = snprintf(line, len, "(%zu row%s%s) %s", rows, rows == 1 ? "" : "s",
			r->truncated ? ", more not kept: not a plain SELECT, export it whole with "
			"pgiam sql --output" : "", r->tag);
	if (n > 0 && (size_t)n < len && !(r->cursor && r->total < 0) && (top || last < rows))
		n += snprintf(line + n, len - (size_t)n, " \xC2\xB7 rows %zu\xE2\x80\x93%zu",
			top + 1, last);
	if (n > 0 && (size_t)n < len)
		n += snprintf(line + n, len - (size_t)n, " \xC2\xB7 %.3f s%s%s", r->seconds, r->fetching ? " \xC2\xB7 reading rows\xE2\x80\xA6" : "",
			r->cursor && r->cursor_open ? " \xC2\xB7 cursor open" : "");
	if (r->note[0] && n > 0 && (size_t)n < len)
		snprintf(line + n, len - (size_t)n, " \xC2\xB7 %s", r->note);
	else if (x.done && n > 0 && (size_t)n < len)
		snprintf(line + n, len - (size_t)n, " \xC2\xB7 %s", x.message);
}

void pgiam_resultview_draw(pgiam_resultview *rv, pgiam_app *app, pgiam_rect area,
	int focused)
{
	const pgiam_conn_result *r = current(rv, app);
	pgiam_grid_source src;
	char line[1400];

	if (!r || area.h < 3 || (!r->ncols && pgiam_conn_result_sets(app->conn) < 2))
		return;
	if (pgiam_conn_result_sets(app->conn) > 1) {
		draw_tabs(rv, app, area.y, area.x, area.w);
		area.y++;
		area.h--;
	}
	if (!r->ncols) {
		/* a script's statement without rows (CREATE, INSERT): its command tag */
		if (!r->done)
			return;   /* the script's next statement, running */
		if (r->failed)   /* the statement that stopped the script */
			snprintf(line, sizeof(line), "%s%s%s%s%s", r->cancelled ? "cancelled" : "ERROR",
				r->sqlstate[0] ? " " : "", r->sqlstate, r->cancelled ? "" : ": ",
				r->cancelled ? "" : r->message);
		else
			snprintf(line, sizeof(line), "%s", r->tag[0] ? r->tag : "done");
		/* (a set of a script sent as one query has no time of its own) */
		if (!r->failed && r->seconds > 0)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " \xC2\xB7 %.3f s",
				r->seconds);
		pgiam_draw_text(area.y, area.x, area.w, r->failed ? PGIAM_ROLE_ERROR :
			PGIAM_ROLE_OK, line);
		return;
	}
	src = source(r);
	rv->grid.hide_current = !focused;
	pgiam_grid_draw(&rv->grid, &src, (pgiam_rect){ area.y, area.x, area.h - 1, area.w });
	if (r->done) {
		footer(line, sizeof(line), rv, app, r);
		pgiam_draw_text(area.y + area.h - 1, area.x, area.w, PGIAM_ROLE_DIM, line);
	}
}

unsigned pgiam_resultview_action(pgiam_resultview *rv, pgiam_app *app, pgiam_action a)
{
	const pgiam_conn_result *r = current(rv, app);
	pgiam_grid_source src;
	size_t n = app->conn ? pgiam_conn_result_sets(app->conn) : 0;

	if (!r || (!r->ncols && n < 2))
		return PGIAM_REACT_UNHANDLED;
	if (a == PGIAM_ACTION_NEXT_SET || a == PGIAM_ACTION_PREV_SET) {
		size_t cur = rv->set < n ? rv->set : n - 1;
		if (n < 2)
			return PGIAM_REACT_NONE;
		rv->set = a == PGIAM_ACTION_NEXT_SET ? (cur + 1) % n : (cur + n - 1) % n;
		pgiam_grid_reset(&rv->grid, COL_MAX);
		return PGIAM_REACT_REDRAW;
	}
	if (!r->ncols)
		return PGIAM_REACT_UNHANDLED;   /* a set without rows: nothing to move over */
	src = source(r);
	if (a == PGIAM_ACTION_CELL_LEFT)
		a = PGIAM_ACTION_CURSOR_LEFT;
	else if (a == PGIAM_ACTION_CELL_RIGHT)
		a = PGIAM_ACTION_CURSOR_RIGHT;
	if (a == PGIAM_ACTION_LAST && r->cursor && r->total < 0 && is_last_set(rv, app)) {
		if (!r->cursor_open)
			return pgiam_grid_move(&rv->grid, &src, a) ? PGIAM_REACT_REDRAW :
				PGIAM_REACT_NONE;
		/* MOVE ALL counts the rows on the server: the last row once it has */
		rv->want_last = 1;
		if (pgiam_conn_result_end(app->conn) < 0 && !pgiam_conn_busy(app->conn))
			pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	rv->want_last = 0;
	if (!pgiam_grid_move(&rv->grid, &src, a))
		return PGIAM_REACT_UNHANDLED;
	return PGIAM_REACT_REDRAW;
}

unsigned pgiam_resultview_tick(pgiam_resultview *rv, pgiam_app *app)
{
	const pgiam_conn_result *r = current(rv, app);
	size_t page, top, half;
	unsigned long long at;

	if (!r || !r->cursor || !r->done || !is_last_set(rv, app))
		return PGIAM_REACT_NONE;
	if (rv->want_last && r->total >= 0) {
		pgiam_grid_source src = source(r);
		rv->want_last = 0;
		pgiam_grid_move(&rv->grid, &src, PGIAM_ACTION_LAST);
		return PGIAM_REACT_REDRAW;
	}
	if (!r->cursor_open || r->fetching || pgiam_conn_busy(app->conn) || rv->want_last)
		return PGIAM_REACT_NONE;
	page = (size_t)pgiam_grid_page(&rv->grid);
	top = rv->grid.top;
	if (top >= r->first_row && top + page <= r->first_row + r->nrows)
		return PGIAM_REACT_NONE;   /* on screen already */
	if (r->total >= 0 && top >= (size_t)r->total)
		return PGIAM_REACT_NONE;
	/* (total < 0: the window is full, so rows after it may follow) */
	if (r->total >= 0 && top >= r->first_row && r->first_row + r->nrows >= (size_t)r->total)
		return PGIAM_REACT_NONE;   /* the window reaches the end */
	/* the window around what the screen shows */
	half = PGIAM_CONN_WINDOW > page ? (PGIAM_CONN_WINDOW - page) / 2 : 0;
	at = top > half ? top - half : 0;
	if (pgiam_conn_result_fetch(app->conn, at) < 0 && !pgiam_conn_busy(app->conn))
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	return PGIAM_REACT_REDRAW;
}

const char *pgiam_resultview_cell(pgiam_resultview *rv, pgiam_app *app, const char **column,
	unsigned *type, int *loaded)
{
	const pgiam_conn_result *r = current(rv, app);
	size_t col = rv->grid.col;

	*loaded = 0;
	if (!r || !r->ncols || col >= r->ncols)
		return NULL;
	*column = r->colnames[col];
	*type = r->coltypes ? r->coltypes[col] : 0;
	return src_cell((void *)r, rv->grid.row, col, loaded);
}

void pgiam_resultview_dispose(pgiam_resultview *rv)
{
	pgiam_grid_dispose(&rv->grid);
}
