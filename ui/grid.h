/* grid.h - the one grid of rows that the browser and every SQL result use.
 *
 * A source lends the columns (name, type, whether they are numbers) and the cells of
 * the rows it can reach; the grid draws the part that fits: frozen columns (the key,
 * or a result's first column) at the left while the others scroll, a header with each
 * column's type above its name, widths from the rows seen (grown, never shrunk while
 * the same source is shown, so scrolling does not make columns jump), capped with …
 * and widened to whole values when the screen has room, numbers right-aligned, NULL
 * as a dim ∅, a row not read yet as a dim …, the current row and its current cell
 * highlighted. All text goes through width.h (display width, the sanitiser's safe
 * form). Only the columns drawn are measured, so 100+ columns scroll at the cost of
 * the ones on screen. "(no rows)" when there are none. */
#ifndef PGIAM_UI_GRID_H
#define PGIAM_UI_GRID_H

#include "app.h"

#include <stddef.h>

typedef struct pgiam_grid_source {
	size_t ncols;
	size_t nrows;                 /* rows the grid moves over (row 0 … nrows-1) */
	const size_t *frozen;         /* columns kept at the left, in order */
	size_t nfrozen;
	void *ctx;
	const char *(*name)(void *ctx, size_t col);
	const char *(*type)(void *ctx, size_t col);   /* "" when not known */
	int (*numeric)(void *ctx, size_t col);        /* right-aligned */
	/* The value (NULL: SQL NULL); *loaded 0 when the row is not in memory. */
	const char *(*cell)(void *ctx, size_t row, size_t col, int *loaded);
	const char *empty;            /* said when nrows is 0; NULL: "(no rows)" */
} pgiam_grid_source;

typedef struct pgiam_grid {
	size_t top;                   /* first row shown */
	size_t row;                   /* the current row */
	size_t col;                   /* the current column (a source column) */
	size_t hfirst;                /* first scrolling (not frozen) column shown, as an
	                                 index into the scrolling columns */
	int *widths;                  /* remembered widths (0: not measured yet) */
	size_t nwidths;
	int page;                     /* rows the last draw had room for */
	int cap;                      /* widest a column gets while others do not fit */
	int hide_current;             /* draw no current row (a read-only view) */
} pgiam_grid;

/* A grid for a new source: positions at the start, widths forgotten. cap 0: 30. */
void pgiam_grid_reset(pgiam_grid *g, int cap);
void pgiam_grid_dispose(pgiam_grid *g);

/* Draws into area (a types line, the names, then rows). */
void pgiam_grid_draw(pgiam_grid *g, const pgiam_grid_source *src, pgiam_rect area);

/* Moves for an action: UP, DOWN, PAGE_UP, PAGE_DOWN, FIRST, LAST (rows),
 * SCROLL_LEFT/RIGHT and CURSOR_LEFT/RIGHT (the current column). 1 when handled. */
int pgiam_grid_move(pgiam_grid *g, const pgiam_grid_source *src, pgiam_action a);
/* Keeps the current row on screen and inside the source (after nrows changed). */
void pgiam_grid_clamp(pgiam_grid *g, const pgiam_grid_source *src);
/* Rows the grid shows (from its last draw): page sizes and fetch windows. */
int pgiam_grid_page(const pgiam_grid *g);

#endif
