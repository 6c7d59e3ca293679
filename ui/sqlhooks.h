/* sqlhooks.h - where the SQL editor's keys meet work built beside it: Tab (completion
 * from the catalog, complete_ui.h), Ctrl-R (the history across runs, histsearch.h),
 * and each statement's outcome (into that history, sqlhist.h; a DDL statement makes
 * completion read the catalog again). The screen (screen_sql.c) and its runs
 * (sqlrun.c) call only these.
 *
 * Their state is the connected SQL screen's, one at a time (app->conn is one):
 * opened with the screen, closed with it. */
#ifndef PGIAM_UI_SQLHOOKS_H
#define PGIAM_UI_SQLHOOKS_H

#include "app.h"
#include "editor.h"
#include "history.h"

/* The SQL screen opened: reads the history across runs, seeding h (Up/Down). */
void pgiam_sqlhooks_open(pgiam_app *app, pgiam_history *h);
/* The screen's tick: the completion catalog's answer. Returns reaction flags. */
unsigned pgiam_sqlhooks_tick(pgiam_app *app);
void pgiam_sqlhooks_close(pgiam_app *app);

/* Tab: completes the word before the cursor in e. Returns reaction flags (a list of
 * candidates may be pushed). */
unsigned pgiam_sqlhook_complete(pgiam_app *app, pgiam_editor *e);
/* Ctrl-T: reads the completion catalog again. */
unsigned pgiam_sqlhook_complete_refresh(pgiam_app *app);

/* Ctrl-R: searches the history across runs, putting the chosen statement into e.
 * Returns reaction flags (the search screen is pushed). */
unsigned pgiam_sqlhook_search(pgiam_app *app, pgiam_editor *e, pgiam_history *h);

/* A statement the user ran ended: sql as sent, r its result. */
void pgiam_sqlhook_ran(pgiam_app *app, const char *sql, const pgiam_conn_result *r);
/* The screen closes (quit, disconnect) while a statement of the user's runs: it is
 * kept in the history with the outcome unknown (sent seconds ago). */
void pgiam_sqlhook_unanswered(pgiam_app *app, const char *sql, double seconds);

#endif
