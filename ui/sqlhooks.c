/* sqlhooks.c - the SQL editor's hooks (sqlhooks.h), as stubs until completion and the
 * persistent history arrive. */
#include "sqlhooks.h"

unsigned pgiam_sqlhook_complete(pgiam_app *app, pgiam_editor *e)
{
	(void)app;
	if (pgiam_editor_insert(e, "  ", 2, 0) < 0)
		pgiam_ui_fail("out of memory");
	return PGIAM_REACT_REDRAW;
}

unsigned pgiam_sqlhook_search(pgiam_app *app, pgiam_editor *e, pgiam_history *h)
{
	(void)e;
	(void)h;
	pgiam_app_message(app, PGIAM_ROLE_WARN, "history search (Ctrl-R) is not there yet: "
		"Up and Down walk this run's statements");
	return PGIAM_REACT_REDRAW;
}

void pgiam_sqlhook_ran(pgiam_app *app, const char *sql, int failed, double seconds)
{
	(void)app;
	(void)sql;
	(void)failed;
	(void)seconds;
}
