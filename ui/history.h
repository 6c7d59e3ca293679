/* history.h - the SQL prompt's statement history, as psql/readline keep it: accepted
 * statements in order, Up/Down walk them, and what was being typed (the draft) or an
 * edit of a recalled statement is never lost by walking away and back. No curses:
 * unit-tested in tests/unit/test_history.c. */
#ifndef PGIAM_UI_HISTORY_H
#define PGIAM_UI_HISTORY_H

#include <stddef.h>

#define PGIAM_HISTORY_MAX 500

typedef struct pgiam_history {
	char **items;   /* oldest first */
	char **edits;   /* per item: the unaccepted edit of it, or NULL */
	char *draft;    /* the line being typed before walking into the history */
	size_t count, cap;
	size_t pos;     /* the item shown; count = the draft */
} pgiam_history;

#define PGIAM_HISTORY_INIT { NULL, NULL, NULL, 0, 0, 0 }

/* Appends an accepted statement (empty ones and a repeat of the newest are not kept;
 * the oldest go past PGIAM_HISTORY_MAX), forgets the draft and every edit, and goes
 * back to the (now empty) draft. */
int pgiam_history_add(pgiam_history *h, const char *text);

/* Up: the older statement to show in place of current (current is kept as the draft
 * or as the edit of the statement shown); NULL when there is none older. */
const char *pgiam_history_prev(pgiam_history *h, const char *current);

/* Down: the newer statement, or the draft after the newest; NULL when already on the
 * draft. */
const char *pgiam_history_next(pgiam_history *h, const char *current);

void pgiam_history_dispose(pgiam_history *h);

#endif
