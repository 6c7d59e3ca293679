/* screen_profiles.c - the home screen: the profile list and what can be done with a
 * profile (connect, add, edit, duplicate, delete, check, policy). */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "form.h"
#include "profile.h"
#include "uicheck.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct profile_row {
	char name[PGIAM_PROFILE_NAME_MAX + 1];
	char endpoint[300];
	char region[64];
	char db_user[128];
	char role[160];
	int read_only;
	int errors;               /* validation errors */
	int warnings;             /* validation warnings (a missing CA bundle…) */
	char problem[256];        /* the first error, else the first warning */
} profile_row;

typedef struct profiles_view {
	profile_row *rows;
	size_t count;
	int selected;
	int top;
	int page;
	char load_error[400];
	char pending_delete[PGIAM_PROFILE_NAME_MAX + 1];
} profiles_view;

/* "role/name" from an ARN, the part a person recognises. */
static void role_short(char *out, size_t outlen, const char *arn)
{
	const char *r = arn ? strstr(arn, ":role/") : NULL;
	const char *last = NULL;

	if (!arn || !*arn) {
		snprintf(out, outlen, "-");
		return;
	}
	if (!r) {
		snprintf(out, outlen, "%s", arn);
		return;
	}
	last = strrchr(r, '/');
	snprintf(out, outlen, "%s", last ? last + 1 : r + 6);
}

static void fill_row(profile_row *row, const char *dir, const char *name)
{
	pgiam_profile *p = NULL;
	pgiam_profile_problem problems[16];
	size_t nproblems = 0;
	const char *v = NULL;

	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", name);
	if (pgiam_profile_load_named(&p, dir, name) < 0) {
		row->errors = 1;
		snprintf(row->problem, sizeof(row->problem), "%s", pgiam_error_last());
		return;
	}
	snprintf(row->endpoint, sizeof(row->endpoint), "%s",
		(v = pgiam_profile_get(p, "endpoint")) ? v : "-");
	snprintf(row->region, sizeof(row->region), "%s", (v = pgiam_profile_region(p)) ? v : "-");
	snprintf(row->db_user, sizeof(row->db_user), "%s",
		(v = pgiam_profile_get(p, "db_user")) ? v : "-");
	role_short(row->role, sizeof(row->role), pgiam_profile_get(p, "role_arn"));
	row->read_only = pgiam_profile_read_only(p);
	row->errors = pgiam_profile_validate(p, problems, 16, &nproblems);
	/* A warning (e.g. a CA bundle that cannot be read) is shown too: `pgiam
	 * profiles` prints it, and the connection will fail on it. */
	for (size_t i = 0; i < nproblems; i++) {
		int is_error = problems[i].severity == PGIAM_PROBLEM_ERROR;

		if (!is_error)
			row->warnings++;
		if (!row->problem[0] && (is_error || row->errors == 0))
			snprintf(row->problem, sizeof(row->problem), "%s", problems[i].message);
	}
	pgiam_profile_free(p);
}

static void reload(profiles_view *v, pgiam_app *app)
{
	char **names = NULL;
	size_t count = 0;

	free(v->rows);
	v->rows = NULL;
	v->count = 0;
	v->load_error[0] = '\0';
	if (pgiam_profile_list(&names, &count, app->profiles_dir) < 0) {
		if (pgiam_error_last_code() != PGIAM_ENOTFOUND)
			snprintf(v->load_error, sizeof(v->load_error), "%s", pgiam_error_last());
		count = 0;
	}
	if (count) {
		v->rows = pgiam_xcalloc(count, sizeof(*v->rows));
		for (size_t i = 0; i < count; i++)
			fill_row(&v->rows[i], app->profiles_dir, names[i]);
	}
	v->count = count;
	pgiam_profile_names_free(names, count);
	if (v->selected >= (int)v->count)
		v->selected = v->count ? (int)v->count - 1 : 0;
}

static int profiles_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	profiles_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	s->data = v;
	reload(v, app);
	return 0;
}

static unsigned profiles_resume(pgiam_screen *s, pgiam_app *app)
{
	profiles_view *v = s->data;
	char keep[sizeof(app->select_profile)] = "";

	if (v->count)
		snprintf(keep, sizeof(keep), "%s", v->rows[v->selected].name);
	reload(v, app);
	/* Keep the selection on the same profile, or on one just saved. */
	if (app->select_profile[0])
		snprintf(keep, sizeof(keep), "%s", app->select_profile);
	app->select_profile[0] = '\0';
	for (size_t i = 0; i < v->count; i++)
		if (!strcmp(v->rows[i].name, keep))
			v->selected = (int)i;
	return PGIAM_REACT_REDRAW;
}

/* host:port cut in the middle, so the port stays visible: "sandbox-db.a…:5432". */
static void endpoint_fit(char *out, size_t outlen, const char *endpoint, int cols)
{
	const char *colon = strrchr(endpoint, ':');
	int port_w = colon ? (int)pgiam_width_of(colon) : 0;
	pgiam_buf b = PGIAM_BUF_INIT;

	if ((int)pgiam_width_of(endpoint) <= cols || !colon || cols < port_w + 4) {
		snprintf(out, outlen, "%s", endpoint);
		return;
	}
	{
		char *host = strndup(endpoint, (size_t)(colon - endpoint));

		if (!host)
			pgiam_ui_fail("out of memory");
		pgiam_width_fit(&b, host, cols - port_w, PGIAM_FIT_ELLIPSIS);
		free(host);
	}
	snprintf(out, outlen, "%s%s", pgiam_buf_cstr(&b), colon);
	pgiam_buf_dispose(&b);
}

typedef struct column {
	const char *title;
	int width;
} column;

static void profiles_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	profiles_view *v = s->data;
	column cols[] = {
		{ "NAME", 20 }, { "ENDPOINT", 0 }, { "REGION", 14 }, { "DB USER", 14 },
		{ "ROLE", 14 }, { "RO", 2 }, { "LAST CHECK", 12 },
	};
	size_t ncols = sizeof(cols) / sizeof(cols[0]);
	int fixed = 0;
	int list_h = body.h - 3;

	/* Columns as wide as their longest value (up to the widths above), so the
	 * endpoint gets what is left. */
	{
		int longest[7] = { 4, 0, 6, 7, 4, 2, 10 };

		for (size_t i = 0; i < v->count; i++) {
			const profile_row *r = &v->rows[i];
			const char *vals[7] = { r->name, "", r->region, r->db_user, r->role, "", "" };

			for (size_t c = 0; c < ncols; c++) {
				int w = (int)pgiam_width_of(vals[c]);

				if (w > longest[c])
					longest[c] = w;
			}
		}
		for (size_t c = 0; c < ncols; c++)
			if (c != 1 && longest[c] < cols[c].width)
				cols[c].width = longest[c];
	}
	for (size_t c = 0; c < ncols; c++)
		fixed += cols[c].width + 1;
	cols[1].width = body.w - fixed - 1;
	if (cols[1].width < 16) {
		/* Narrow terminals: drop the region and the role before the endpoint. */
		cols[1].width += cols[2].width + 1 + cols[4].width + 1;
		cols[2].width = 0;
		cols[4].width = 0;
	}
	{
		int x = body.x;

		for (size_t c = 0; c < ncols; c++) {
			if (!cols[c].width)
				continue;
			pgiam_draw_field(body.y, x, cols[c].width, PGIAM_ROLE_HEADER, cols[c].title);
			x += cols[c].width + 1;
		}
	}
	v->page = list_h;
	if (!v->count) {
		pgiam_draw_text(body.y + 2, 2, body.w - 4, v->load_error[0] ? PGIAM_ROLE_ERROR
			: PGIAM_ROLE_NORMAL, v->load_error[0] ? v->load_error
			: "No profiles yet. Press a to add one.");
		pgiam_draw_text(body.y + 3, 2, body.w - 4, PGIAM_ROLE_DIM,
			app->profiles_dir ? app->profiles_dir : "");
		return;
	}
	if (v->selected < v->top)
		v->top = v->selected;
	if (v->selected >= v->top + list_h)
		v->top = v->selected - list_h + 1;
	for (int i = 0; i < list_h && v->top + i < (int)v->count; i++) {
		const profile_row *r = &v->rows[v->top + i];
		int sel = v->top + i == v->selected;
		pgiam_role role = sel ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_NORMAL;
		const char *vals[7];
		char check[64];
		char ep[400];
		int x = body.x;
		const char *last = pgiam_uicheck_last(app, r->name);

		if (r->errors > 0)
			snprintf(check, sizeof(check), "%d error%s", r->errors, r->errors == 1 ? "" : "s");
		else if (!last && r->warnings > 0)
			snprintf(check, sizeof(check), "%d warning%s", r->warnings,
				r->warnings == 1 ? "" : "s");
		else
			snprintf(check, sizeof(check), "%s", last ? last : "-");
		vals[0] = r->name;
		endpoint_fit(ep, sizeof(ep), r->endpoint, cols[1].width);
		vals[1] = ep;
		vals[2] = r->region;
		vals[3] = r->db_user;
		vals[4] = r->role;
		vals[5] = r->read_only ? "RO" : "";
		vals[6] = check;
		if (sel)
			pgiam_draw_fill(body.y + 1 + i, body.x, body.w, role);
		for (size_t c = 0; c < ncols; c++) {
			pgiam_role cr = role;

			if (!cols[c].width)
				continue;
			if (!sel && c == 6)
				cr = r->errors > 0 || (last && !strncmp(last, "FAIL", 4)) ? PGIAM_ROLE_ERROR
					: last ? PGIAM_ROLE_OK : r->warnings > 0 ? PGIAM_ROLE_WARN
					: PGIAM_ROLE_DIM;
			pgiam_draw_field(body.y + 1 + i, x, cols[c].width, cr, vals[c]);
			x += cols[c].width + 1;
		}
	}
	/* The selected profile's first problem, so a broken profile says why. */
	if (v->rows[v->selected].problem[0])
		pgiam_draw_text(body.y + body.h - 1, 1, body.w - 2,
			v->rows[v->selected].errors > 0 ? PGIAM_ROLE_ERROR : PGIAM_ROLE_WARN,
			v->rows[v->selected].problem);
}

static unsigned delete_confirmed(pgiam_app *app, void *ctx)
{
	profiles_view *v = ctx;

	if (pgiam_profile_delete(app->profiles_dir, v->pending_delete) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	else
		pgiam_app_message(app, PGIAM_ROLE_OK, "deleted profile %s", v->pending_delete);
	return PGIAM_REACT_REDRAW;
}

static unsigned open_form(pgiam_app *app, profiles_view *v, int mode)
{
	static pgiam_form_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.mode = mode;
	if (mode != PGIAM_FORM_ADD) {
		if (!v->count)
			return PGIAM_REACT_NONE;
		snprintf(arg.name, sizeof(arg.name), "%s", v->rows[v->selected].name);
	}
	return pgiam_app_push(app, &pgiam_screen_form, &arg);
}

static unsigned profiles_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	profiles_view *v = s->data;
	const char *sel = v->count ? v->rows[v->selected].name : NULL;
	static pgiam_confirm_arg confirm;
	unsigned r = pgiam_pager_action(&v->selected, (int)v->count + (int)v->page - 1,
		v->page, a);

	if (!(r & PGIAM_REACT_UNHANDLED)) {
		/* The pager moves a top line; here it moves the selection. */
		if (v->selected >= (int)v->count)
			v->selected = v->count ? (int)v->count - 1 : 0;
		return r;
	}
	if (a == PGIAM_ACTION_ADD)
		return open_form(app, v, PGIAM_FORM_ADD);
	if (a == PGIAM_ACTION_EDIT)
		return open_form(app, v, PGIAM_FORM_EDIT);
	if (a == PGIAM_ACTION_DUPLICATE)
		return open_form(app, v, PGIAM_FORM_DUPLICATE);
	if (a == PGIAM_ACTION_RELOAD) {
		reload(v, app);
		pgiam_app_message(app, PGIAM_ROLE_OK, "%zu profile%s", v->count,
			v->count == 1 ? "" : "s");
		return PGIAM_REACT_REDRAW;
	}
	if (!sel && (a == PGIAM_ACTION_CONNECT || a == PGIAM_ACTION_DELETE ||
		     a == PGIAM_ACTION_CHECK || a == PGIAM_ACTION_POLICY)) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "no profile selected; a adds one");
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_CONNECT)
		return pgiam_app_push(app, &pgiam_screen_connect, (void *)sel);
	if (a == PGIAM_ACTION_DELETE) {
		snprintf(v->pending_delete, sizeof(v->pending_delete), "%s", sel);
		memset(&confirm, 0, sizeof(confirm));
		snprintf(confirm.question, sizeof(confirm.question),
			"Delete profile %s (its file is removed)?", sel);
		confirm.yes = delete_confirmed;
		confirm.ctx = v;
		return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
	}
	if (a == PGIAM_ACTION_CHECK)
		return pgiam_uicheck_run(app, sel);
	if (a == PGIAM_ACTION_POLICY)
		return pgiam_uicheck_policy(app, sel);
	return PGIAM_REACT_UNHANDLED;
}

static void profiles_close(pgiam_screen *s, pgiam_app *app)
{
	profiles_view *v = s->data;

	(void)app;
	free(v->rows);
	free(v);
}

const pgiam_screen_ops pgiam_screen_profiles = {
	.title = "Profiles",
	.scopes = { PGIAM_SCOPE_PROFILES, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = profiles_open, .draw = profiles_draw, .action = profiles_action,
	.resume = profiles_resume, .close = profiles_close,
};
