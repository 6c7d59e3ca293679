/* uicheck.h - `pgiam check` and `pgiam policy` from the home screen: run them through
 * the core and show the result as a text view; remember each profile's last check
 * result for the list. */
#ifndef PGIAM_UI_UICHECK_H
#define PGIAM_UI_UICHECK_H

#include "app.h"

unsigned pgiam_uicheck_run(pgiam_app *app, const char *name);
unsigned pgiam_uicheck_policy(pgiam_app *app, const char *name);

/* The last check result of a profile in this run ("ok 0.4 s"), or NULL. */
const char *pgiam_uicheck_last(const pgiam_app *app, const char *name);
void pgiam_uicheck_remember(pgiam_app *app, const char *name, const char *result);

#endif
