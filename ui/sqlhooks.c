/* sqlhooks.c - the SQL editor's hooks (sqlhooks.h): completion, the history search
 * and the history across runs. */
#include "sqlhooks.h"

#include "complete_ui.h"
#include "histsearch.h"
#include "sqlhist.h"

#include <string.h>

static struct {
	pgiam_sqlhist hist;
	pgiam_complete_ui comp;
} hooks;

void pgiam_sqlhooks_open(pgiam_app *app, pgiam_history *h)
{
	pgiam_sqlhooks_close(app);
	pgiam_sqlhist_open(&hooks.hist, app, h);
}

unsigned pgiam_sqlhooks_tick(pgiam_app *app)
{
	return pgiam_complete_ui_tick(&hooks.comp, app);
}

void pgiam_sqlhooks_close(pgiam_app *app)
{
	(void)app;
	pgiam_sqlhist_close(&hooks.hist);
	pgiam_complete_ui_dispose(&hooks.comp);
	memset(&hooks, 0, sizeof(hooks));
}

unsigned pgiam_sqlhook_complete(pgiam_app *app, pgiam_editor *e)
{
	return pgiam_complete_ui_tab(&hooks.comp, app, e);
}

unsigned pgiam_sqlhook_complete_refresh(pgiam_app *app)
{
	return pgiam_complete_ui_refresh(&hooks.comp, app);
}

unsigned pgiam_sqlhook_search(pgiam_app *app, pgiam_editor *e, pgiam_history *h)
{
	(void)h;   /* this run's statements are in the file too */
	return pgiam_histsearch_start(app, e, hooks.hist.file, hooks.hist.profile);
}

void pgiam_sqlhook_ran(pgiam_app *app, const char *sql, const pgiam_conn_result *r)
{
	pgiam_sqlhist_ran(&hooks.hist, app, sql, r);
	pgiam_complete_ui_sent(&hooks.comp, sql);
}

void pgiam_sqlhook_unanswered(pgiam_app *app, const char *sql, double seconds)
{
	pgiam_sqlhist_unanswered(&hooks.hist, app, sql, seconds);
}
