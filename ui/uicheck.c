/* uicheck.c - check and policy from the home screen (see uicheck.h). */
#include "uicheck.h"

#include <stdio.h>
#include <string.h>

const char *pgiam_uicheck_last(const pgiam_app *app, const char *name)
{
	for (size_t i = 0; i < app->nchecks; i++)
		if (!strcmp(app->checks[i].name, name))
			return app->checks[i].result;
	return NULL;
}

void pgiam_uicheck_remember(pgiam_app *app, const char *name, const char *result)
{
	size_t i = 0;
	size_t max = sizeof(app->checks) / sizeof(app->checks[0]);

	for (i = 0; i < app->nchecks; i++)
		if (!strcmp(app->checks[i].name, name))
			break;
	if (i == app->nchecks) {
		if (app->nchecks == max)
			i = max - 1;  /* forget the latest slot rather than grow */
		else
			app->nchecks++;
	}
	snprintf(app->checks[i].name, sizeof(app->checks[i].name), "%s", name);
	snprintf(app->checks[i].result, sizeof(app->checks[i].result), "%s", result);
}

unsigned pgiam_uicheck_run(pgiam_app *app, const char *name)
{
	(void)name;
	pgiam_app_message(app, PGIAM_ROLE_WARN,
		"check: the core's check API (src/check.h) is not in this build yet");
	return PGIAM_REACT_REDRAW;
}

unsigned pgiam_uicheck_policy(pgiam_app *app, const char *name)
{
	(void)name;
	pgiam_app_message(app, PGIAM_ROLE_WARN,
		"policy: the core has no policy function in this build yet");
	return PGIAM_REACT_REDRAW;
}
