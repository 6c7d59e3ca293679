/* uicheck.c - check and policy from the home screen (see uicheck.h). The check runs
 * in a thread (checkjob.c); its screen shows each step as it is reported. The policy
 * is the core's (src/policy.c), built in a thread too (policyjob.c). */
#include "uicheck.h"

#include "checkjob.h"
#include "draw.h"
#include "error.h"
#include "policyjob.h"

#include <stdio.h>
#include <stdlib.h>
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
			i = max - 1;  /* overwrite the newest slot rather than grow */
		else
			app->nchecks++;
	}
	snprintf(app->checks[i].name, sizeof(app->checks[i].name), "%s", name);
	snprintf(app->checks[i].result, sizeof(app->checks[i].result), "%s", result);
}

typedef struct check_view {
	pgiam_checkjob *job;
	char name[80];
	char title[120];
	char *text;
	int top;
	int page;
	int nlines;
	int remembered;
	pgiam_wrapped wrapped;
} check_view;

static int check_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	check_view *v = pgiam_xcalloc(1, sizeof(*v));

	snprintf(v->name, sizeof(v->name), "%s", (const char *)arg);
	if (pgiam_checkjob_start(&v->job, app->profiles_dir, v->name) < 0) {
		pgiam_uicheck_remember(app, v->name, "FAIL (not run)");
		free(v);
		return -1;
	}
	snprintf(v->title, sizeof(v->title), "Check: %s", v->name);
	v->text = pgiam_checkjob_text(v->job);
	s->data = v;
	s->title = v->title;
	return 0;
}

static size_t check_pollfds(pgiam_screen *s, pgiam_app *app, struct pollfd *fds, size_t max)
{
	check_view *v = s->data;
	int fd = pgiam_checkjob_fd(v->job);

	(void)app;
	if (fd < 0 || !max)
		return 0;
	fds[0].fd = fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	return 1;
}

static unsigned check_tick(pgiam_screen *s, pgiam_app *app)
{
	check_view *v = s->data;

	if (!pgiam_checkjob_update(v->job))
		return PGIAM_REACT_NONE;
	free(v->text);
	v->text = pgiam_checkjob_text(v->job);
	if (!v->text)
		pgiam_ui_fail("out of memory");
	pgiam_wrapped_reset(&v->wrapped);
	if (pgiam_checkjob_finished(v->job) && !v->remembered) {
		v->remembered = 1;
		pgiam_uicheck_remember(app, v->name, pgiam_checkjob_summary(v->job));
		pgiam_eventlog_add(&app->log, "check %s: %s", v->name, pgiam_checkjob_summary(v->job));
	}
	return PGIAM_REACT_REDRAW;
}

static void check_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	check_view *v = s->data;
	const char *text = pgiam_wrapped_get(&v->wrapped, v->text, body.w);

	(void)app;
	v->page = body.h;
	v->nlines = pgiam_text_line_count(text);
	pgiam_draw_lines(body, text, v->top);
}

static unsigned check_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	check_view *v = s->data;

	(void)app;
	if (a == PGIAM_ACTION_QUIT)
		return PGIAM_REACT_POP;
	return pgiam_pager_action(&v->top, v->nlines, v->page, a);
}

static void check_close(pgiam_screen *s, pgiam_app *app)
{
	check_view *v = s->data;

	(void)app;
	pgiam_checkjob_free(v->job);
	free(v->text);
	pgiam_wrapped_reset(&v->wrapped);
	free(v);
}

static const pgiam_screen_ops check_screen = {
	.title = "Check",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = check_open, .draw = check_draw, .action = check_action, .tick = check_tick,
	.pollfds = check_pollfds, .close = check_close,
};

unsigned pgiam_uicheck_run(pgiam_app *app, const char *name)
{
	return pgiam_app_push(app, &check_screen, (void *)name);
}

/* The policy for a profile, built by the core (policyjob.c: in a thread, since it
 * asks STS who the source principal is); shown as `pgiam policy` prints it. */
typedef struct cmd_view {
	pgiam_policyjob *job;
	char title[120];
	char *text;
	int top, page, nlines;
	pgiam_wrapped wrapped;
} cmd_view;

static void cmd_rebuild(cmd_view *v)
{
	free(v->text);
	if (!(v->text = pgiam_policyjob_text(v->job)))
		pgiam_ui_fail("out of memory");
	pgiam_wrapped_reset(&v->wrapped);
}

static int cmd_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	cmd_view *v = pgiam_xcalloc(1, sizeof(*v));

	if (pgiam_policyjob_start(&v->job, app->profiles_dir, (const char *)arg) < 0) {
		free(v);
		return -1;
	}
	snprintf(v->title, sizeof(v->title), "Policy: %s", (const char *)arg);
	cmd_rebuild(v);
	s->data = v;
	s->title = v->title;
	return 0;
}

static size_t cmd_pollfds(pgiam_screen *s, pgiam_app *app, struct pollfd *fds, size_t max)
{
	cmd_view *v = s->data;
	int fd = pgiam_policyjob_fd(v->job);

	(void)app;
	if (fd < 0 || !max)
		return 0;
	fds[0].fd = fd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	return 1;
}

static unsigned cmd_tick(pgiam_screen *s, pgiam_app *app)
{
	cmd_view *v = s->data;

	(void)app;
	if (!pgiam_policyjob_update(v->job))
		return PGIAM_REACT_NONE;
	cmd_rebuild(v);
	return PGIAM_REACT_REDRAW;
}

static void cmd_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	cmd_view *v = s->data;
	const char *text = pgiam_wrapped_get(&v->wrapped, v->text, body.w);

	(void)app;
	v->page = body.h;
	v->nlines = pgiam_text_line_count(text);
	pgiam_draw_lines(body, text, v->top);
}

static unsigned cmd_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	cmd_view *v = s->data;

	(void)app;
	if (a == PGIAM_ACTION_QUIT)
		return PGIAM_REACT_POP;
	return pgiam_pager_action(&v->top, v->nlines, v->page, a);
}

static void cmd_close(pgiam_screen *s, pgiam_app *app)
{
	cmd_view *v = s->data;

	(void)app;
	pgiam_policyjob_free(v->job);
	free(v->text);
	pgiam_wrapped_reset(&v->wrapped);
	free(v);
}

static const pgiam_screen_ops policy_screen = {
	.title = "Policy",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = cmd_open, .draw = cmd_draw, .action = cmd_action, .tick = cmd_tick,
	.pollfds = cmd_pollfds, .close = cmd_close,
};

unsigned pgiam_uicheck_policy(pgiam_app *app, const char *name)
{
	return pgiam_app_push(app, &policy_screen, (void *)name);
}
