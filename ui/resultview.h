/* resultview.h - the user's results in the grid (grid.h): the SQL screen draws it
 * under the prompt, the result screen (F6) gives it the keys. One state for both, so
 * F6 and Esc keep the place. A cursor result (conn.h) is a window of a larger result:
 * rows not in the window show as … and are fetched when they come on screen; End
 * asks the server for the last rows and the count. A script's result sets are tabs. */
#ifndef PGIAM_UI_RESULTVIEW_H
#define PGIAM_UI_RESULTVIEW_H

#include "app.h"
#include "grid.h"

typedef struct pgiam_resultview {
	pgiam_grid grid;
	unsigned generation;     /* of the result shown (a new query resets the view) */
	size_t set;              /* the result set shown */
	int want_last;           /* End: the last row, once the count is known */
} pgiam_resultview;

/* The result set shown (NULL: none). */
const pgiam_conn_result *pgiam_resultview_result(pgiam_resultview *rv, pgiam_app *app);
/* Draws the tabs, the grid and a footer line into area. focused: the current cell. */
void pgiam_resultview_draw(pgiam_resultview *rv, pgiam_app *app, pgiam_rect area,
	int focused);
/* Grid moves, End/Home, result sets; PGIAM_REACT_UNHANDLED for other actions. */
unsigned pgiam_resultview_action(pgiam_resultview *rv, pgiam_app *app, pgiam_action a);
/* Fetches the window the screen needs. */
unsigned pgiam_resultview_tick(pgiam_resultview *rv, pgiam_app *app);
/* The current cell's value (NULL: SQL NULL or not read), its column name and type. */
const char *pgiam_resultview_cell(pgiam_resultview *rv, pgiam_app *app, const char **column,
	unsigned *type, int *loaded);
void pgiam_resultview_dispose(pgiam_resultview *rv);

#endif
