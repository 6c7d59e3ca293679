/* grid.c - grid.h. */
#include "grid.h"

#include "draw.h"
#include "layout.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>

#define NULL_MARK "\xE2\x88\x85"
#define NOT_READ "\xE2\x80\xA6"
#define GAP 2

void pgiam_grid_reset(pgiam_grid *g, int cap)
{
	free(g->widths);
	memset(g, 0, sizeof(*g));
	g->cap = cap > 0 ? cap : 30;
}

void pgiam_grid_dispose(pgiam_grid *g)
{
	free(g->widths);
	g->widths = NULL;
	g->nwidths = 0;
}

int pgiam_grid_page(const pgiam_grid *g)
{
	return g->page > 0 ? g->page : 1;
}

static int is_frozen(const pgiam_grid_source *src, size_t c)
{
	for (size_t i = 0; i < src->nfrozen; i++)
		if (src->frozen[i] == c)
			return 1;
	return 0;
}

/* The k-th scrolling column (source order without the frozen ones); ncols if none. */
static size_t scroll_col(const pgiam_grid_source *src, size_t k)
{
	for (size_t c = 0; c < src->ncols; c++)
		if (!is_frozen(src, c) && k-- == 0)
			return c;
	return src->ncols;
}

static size_t scroll_index(const pgiam_grid_source *src, size_t col)
{
	size_t k = 0;

	for (size_t c = 0; c < col && c < src->ncols; c++)
		k += !is_frozen(src, c);
	return k;
}

static size_t nscroll(const pgiam_grid_source *src)
{
	return src->ncols - (src->nfrozen < src->ncols ? src->nfrozen : src->ncols);
}

/* The display width column c wants, from its header and the rows on screen, up to
 * limit; remembered (grown only) in g->widths. */
static int measure(pgiam_grid *g, const pgiam_grid_source *src, size_t c, size_t rows,
	int limit)
{
	int w = g->widths[c];
	int hw = (int)pgiam_width_of(src->name(src->ctx, c));
	const char *type = src->type ? src->type(src->ctx, c) : "";
	int tw = (int)pgiam_width_of(type);

	w = hw > w ? hw : w;
	w = tw > w ? tw : w;
	for (size_t r = g->top; r < g->top + rows && r < src->nrows; r++) {
		int loaded = 1;
		const char *v = src->cell(src->ctx, r, c, &loaded);
		int cw;

		if (!loaded)
			continue;
		if (!v)
			v = NULL_MARK;
		/* only as far as the column can grow: values can be long */
		cw = (int)pgiam_width_of_n(v, pgiam_width_prefix(v, limit + 1));
		w = cw > w ? cw : w;
	}
	if (w < 1)
		w = 1;
	if (w > limit)
		w = limit;
	g->widths[c] = w > g->widths[c] ? w : g->widths[c];
	return g->widths[c];
}

typedef struct layout {
	size_t cols[512];    /* source columns drawn, left to right */
	int x[512], w[512];
	size_t n;
} layout;

/* Which columns are drawn where: the frozen ones, then the scrolling ones from
 * g->hfirst while they fit. Widths are capped at g->cap unless everything from
 * hfirst fits, when the spare width goes to the columns that want it. */
static void lay_out(layout *lo, pgiam_grid *g, const pgiam_grid_source *src, size_t rows,
	int room)
{
	int want[512], mins[512], used = 0;
	size_t k;

	lo->n = 0;
	for (size_t i = 0; i < src->nfrozen && lo->n < 512; i++) {
		size_t c = src->frozen[i];
		if (c >= src->ncols)
			continue;
		want[lo->n] = measure(g, src, c, rows, room > g->cap ? room : g->cap);
		lo->w[lo->n] = want[lo->n] < g->cap ? want[lo->n] : g->cap;
		used += lo->w[lo->n] + (lo->n ? GAP : 0);
		lo->cols[lo->n++] = c;
	}
	for (k = g->hfirst; lo->n < 512; k++) {
		size_t c = scroll_col(src, k);
		if (c >= src->ncols || used >= room)
			break;
		want[lo->n] = measure(g, src, c, rows, room > g->cap ? room : g->cap);
		lo->w[lo->n] = want[lo->n] < g->cap ? want[lo->n] : g->cap;
		used += lo->w[lo->n] + (lo->n ? GAP : 0);
		lo->cols[lo->n++] = c;
	}
	/* everything from hfirst on is here and fits: widen to whole values */
	if (scroll_col(src, k) >= src->ncols && used <= room && lo->n) {
		memcpy(mins, lo->w, sizeof(int) * lo->n);
		pgiam_layout_share(lo->w, mins, want, lo->n, room - GAP * ((int)lo->n - 1));
	}
	for (size_t i = 0, x = 0; i < lo->n; i++) {
		lo->x[i] = (int)x;
		x += (size_t)lo->w[i] + GAP;
	}
}

/* The current column on screen: hfirst moves so that it is drawn whole. */
static void follow_col(pgiam_grid *g, const pgiam_grid_source *src, size_t rows, int room)
{
	layout lo;
	size_t want;

	if (g->col >= src->ncols)
		g->col = src->ncols ? src->ncols - 1 : 0;
	if (is_frozen(src, g->col) || !nscroll(src))
		return;
	want = scroll_index(src, g->col);
	if (want < g->hfirst)
		g->hfirst = want;
	for (int guard = 0; guard < 512 && g->hfirst < want; guard++) {
		lay_out(&lo, g, src, rows, room);
		for (size_t i = 0; i < lo.n; i++)
			if (lo.cols[i] == g->col && lo.x[i] + lo.w[i] <= room)
				return;
		g->hfirst++;
	}
}

static void draw_cell(int y, int x, int w, pgiam_role role, const char *v, int right)
{
	int tw;

	if (right && (tw = (int)pgiam_width_of_n(v, pgiam_width_prefix(v, w + 1))) < w) {
		pgiam_draw_fill(y, x, w - tw, role);
		pgiam_draw_field(y, x + w - tw, tw, role, v);
		return;
	}
	pgiam_draw_field(y, x, w, role, v);
}

void pgiam_grid_draw(pgiam_grid *g, const pgiam_grid_source *src, pgiam_rect area)
{
	int y = area.y, types = area.h >= 6 && src->type;
	size_t rows;
	layout lo;

	if (!g->cap)
		g->cap = 30;
	if (g->nwidths != src->ncols) {
		free(g->widths);
		g->widths = pgiam_xcalloc(src->ncols ? src->ncols : 1, sizeof(int));
		g->nwidths = src->ncols;
	}
	g->page = area.h - 1 - types;
	if (g->page < 1)
		g->page = 1;
	pgiam_grid_clamp(g, src);
	rows = (size_t)g->page;
	follow_col(g, src, rows, area.w);
	lay_out(&lo, g, src, rows, area.w);
	for (int line = 0; line < 1 + types; line++, y++) {
		for (size_t i = 0; i < lo.n; i++) {
			int w = lo.x[i] + lo.w[i] <= area.w ? lo.w[i] : area.w - lo.x[i];
			const char *t = line < types ? src->type(src->ctx, lo.cols[i]) :
				src->name(src->ctx, lo.cols[i]);
			/* headers left-aligned, as the names read */
			if (w > 0)
				draw_cell(y, area.x + lo.x[i], w, line < types ? PGIAM_ROLE_DIM :
					PGIAM_ROLE_HEADER, t, 0);
		}
	}
	if (!src->nrows) {
		pgiam_draw_text(y, area.x, area.w, PGIAM_ROLE_DIM, src->empty ? src->empty :
			"(no rows)");
		return;
	}
	for (size_t r = g->top; r < src->nrows && y < area.y + area.h; r++, y++) {
		int current = r == g->row && !g->hide_current;
		pgiam_role role = current ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_NORMAL;

		pgiam_draw_fill(y, area.x, area.w, role);
		for (size_t i = 0; i < lo.n; i++) {
			int w = lo.x[i] + lo.w[i] <= area.w ? lo.w[i] : area.w - lo.x[i];
			int loaded = 1;
			const char *v = src->cell(src->ctx, r, lo.cols[i], &loaded);
			pgiam_role cr = current && lo.cols[i] == g->col ? PGIAM_ROLE_CELL : role;

			if (w <= 0)
				continue;
			if (!loaded)
				draw_cell(y, area.x + lo.x[i], w, PGIAM_ROLE_DIM, NOT_READ, 0);
			else if (!v)   /* a symbol, never text a value could hold */
				draw_cell(y, area.x + lo.x[i], w, current ? cr : PGIAM_ROLE_DIM,
					NULL_MARK, 1);
			else
				draw_cell(y, area.x + lo.x[i], w, cr, v,
					src->numeric && src->numeric(src->ctx, lo.cols[i]));
		}
	}
}

void pgiam_grid_clamp(pgiam_grid *g, const pgiam_grid_source *src)
{
	size_t page = (size_t)pgiam_grid_page(g);

	if (!src->nrows) {
		g->row = g->top = 0;
		return;
	}
	if (g->row >= src->nrows)
		g->row = src->nrows - 1;
	if (g->row < g->top)
		g->top = g->row;
	if (g->row >= g->top + page)
		g->top = g->row - page + 1;
	if (g->top + page > src->nrows)
		g->top = src->nrows > page ? src->nrows - page : 0;
	if (g->row < g->top)
		g->top = g->row;
}

int pgiam_grid_move(pgiam_grid *g, const pgiam_grid_source *src, pgiam_action a)
{
	size_t page = (size_t)pgiam_grid_page(g);
	size_t last = src->nrows ? src->nrows - 1 : 0;

	switch (a) {
	case PGIAM_ACTION_UP:
		g->row -= g->row > 0;
		break;
	case PGIAM_ACTION_DOWN:
		g->row += g->row < last;
		break;
	case PGIAM_ACTION_PAGE_UP:
		g->row = g->row > page ? g->row - page : 0;
		g->top = g->top > page ? g->top - page : 0;
		break;
	case PGIAM_ACTION_PAGE_DOWN:
		g->row = g->row + page < last ? g->row + page : last;
		g->top = g->top + page < last ? g->top + page : g->top;
		break;
	case PGIAM_ACTION_FIRST:
		g->row = g->top = 0;
		break;
	case PGIAM_ACTION_LAST:
		g->row = last;
		break;
	case PGIAM_ACTION_SCROLL_LEFT:
	case PGIAM_ACTION_CURSOR_LEFT:
		g->col -= g->col > 0;
		break;
	case PGIAM_ACTION_SCROLL_RIGHT:
	case PGIAM_ACTION_CURSOR_RIGHT:
		g->col += g->col + 1 < src->ncols;
		break;
	default:
		return 0;
	}
	pgiam_grid_clamp(g, src);
	return 1;
}
