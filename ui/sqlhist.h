/* sqlhist.h - the SQL screen's statements into the history kept across runs
 * (src/histfile.h): the file read when the screen opens (the in-memory Up/Down
 * history, history.h, seeded with this profile's statements so Up works across runs)
 * and each statement written once it ended, with its outcome (ok, error SQLSTATE,
 * cancelled), duration and the time it was sent. A file that cannot be read or
 * written is said once, on the message line and in the event log. */
#ifndef PGIAM_UI_SQLHIST_H
#define PGIAM_UI_SQLHIST_H

#include "app.h"
#include "histfile.h"
#include "history.h"

typedef struct pgiam_sqlhist {
	pgiam_histfile *file;      /* NULL: no history (no HOME, no memory) */
	char profile[128];
	int warned;
} pgiam_sqlhist;

/* Reads the history and seeds mem with this connection's profile's statements. */
void pgiam_sqlhist_open(pgiam_sqlhist *h, pgiam_app *app, pgiam_history *mem);
/* A statement the user ran ended (r: its result). */
void pgiam_sqlhist_ran(pgiam_sqlhist *h, pgiam_app *app, const char *sql,
	const pgiam_conn_result *r);
/* A statement still running when pgiam goes away (quit, disconnect): kept with the
 * outcome unknown, sent seconds ago, its duration not known. */
void pgiam_sqlhist_unanswered(pgiam_sqlhist *h, pgiam_app *app, const char *sql,
	double seconds);
void pgiam_sqlhist_close(pgiam_sqlhist *h);

#endif
