/* sqlhooks.h - where the SQL editor's keys meet work built beside it: Tab (completion
 * from the catalog), Ctrl-R (history search) and each statement's outcome (for a
 * history kept across runs). The screen (screen_sql.c) calls only these; sqlhooks.c
 * holds what they do today (stubs: Tab indents, Ctrl-R says it is not there yet). */
#ifndef PGIAM_UI_SQLHOOKS_H
#define PGIAM_UI_SQLHOOKS_H

#include "app.h"
#include "editor.h"
#include "history.h"

/* Tab: completes the word before the cursor (pgiam_editor_word_start) in e. Returns
 * reaction flags. */
unsigned pgiam_sqlhook_complete(pgiam_app *app, pgiam_editor *e);

/* Ctrl-R: searches the history h, putting the chosen statement into e. Returns
 * reaction flags (a search screen may be pushed). */
unsigned pgiam_sqlhook_search(pgiam_app *app, pgiam_editor *e, pgiam_history *h);

/* A statement the user ran ended: sql as sent, whether it failed, its time. */
void pgiam_sqlhook_ran(pgiam_app *app, const char *sql, int failed, double seconds);

#endif
