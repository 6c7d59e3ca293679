/* complete_ui.h - Tab at the SQL prompt: the core's candidates (src/complete.h) for the
 * editor's cursor; one is inserted, several insert their common prefix and open a
 * small list under the cursor (Tab or arrows move, Enter inserts, Esc closes).
 *
 * The catalog is read once per connection with pgiam's own read (conn.h's internal
 * query: the session's one query path, non-blocking, never inside the user's open
 * transaction), on the first Tab, again on Ctrl-T or after a statement that changes
 * names (CREATE, ALTER, DROP) ran. While it is read the Tab waits: it completes when
 * the answer comes, if the text is as it was. */
#ifndef PGIAM_UI_COMPLETE_UI_H
#define PGIAM_UI_COMPLETE_UI_H

#include "app.h"
#include "complete.h"
#include "editor.h"

typedef struct pgiam_complete_ui {
	pgiam_complete_catalog *cat;   /* NULL: not read yet */
	int loading;               /* the catalog query is out */
	int stale;                 /* read it again at the next Tab */
	int pending_tab;           /* a Tab waits for the catalog */
	size_t pending_cursor, pending_len;
	pgiam_editor *pending_ed;
} pgiam_complete_ui;

/* Tab: completes at the editor's cursor. Returns the reaction (a list may open). */
unsigned pgiam_complete_ui_tab(pgiam_complete_ui *c, pgiam_app *app, pgiam_editor *ed);
/* Ctrl-T: reads the catalog again. */
unsigned pgiam_complete_ui_refresh(pgiam_complete_ui *c, pgiam_app *app);
/* The user sent sql: a DDL statement makes the catalog stale. */
void pgiam_complete_ui_sent(pgiam_complete_ui *c, const char *sql);
/* Takes the catalog's answer when it came; a waiting Tab completes. */
unsigned pgiam_complete_ui_tick(pgiam_complete_ui *c, pgiam_app *app);
void pgiam_complete_ui_dispose(pgiam_complete_ui *c);

extern const pgiam_screen_ops pgiam_screen_complete;

#endif
