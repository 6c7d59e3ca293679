/* histsearch.h - Ctrl-R: incremental reverse search of the history kept across runs
 * (src/histfile.h), as readline's: typing narrows, Ctrl-R again finds the next older
 * match, Enter or an arrow puts the match into the editor (nothing runs), Esc or
 * Ctrl-G stops and the editor keeps what was typed; Ctrl-P keeps to this profile's
 * statements. The match is shown with its profile, time, duration and outcome.
 *
 * A screen of its own on top of the SQL screen (its keys are the HISTSEARCH scope),
 * which draws the screen under it and then the search into the bottom of the body;
 * pgiam_histsearch_draw draws into any rectangle it is given. */
#ifndef PGIAM_UI_HISTSEARCH_H
#define PGIAM_UI_HISTSEARCH_H

#include "app.h"
#include "editor.h"
#include "histfile.h"

/* Opens the search over the screen on top; the editor (and the file) must outlive it.
 * Returns the reaction for the handler to return. */
unsigned pgiam_histsearch_start(pgiam_app *app, pgiam_editor *ed, pgiam_histfile *file,
	const char *profile);

extern const pgiam_screen_ops pgiam_screen_histsearch;

#endif
