/* screen_profiles.c - the home screen: the profile list and what can be done with a
 * profile (connect, add, edit, duplicate, delete, check, policy). */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "form.h"
#include "layout.h"
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
	char role[160];           /* the role's name, from the ARN */
	char role_arn[300];
	int read_only;
	int errors;               /* validation errors */
	int warnings;             /* validation warnings (a missing CA bundle…) */
	char problem[512];        /* the first error, else the first warning */
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
	snprintf(row->role_arn, sizeof(row->role_arn), "%s",
		(v = pgiam_profile_get(p, "role_arn")) ? v : "");
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

/* The LAST CHECK column: validation errors, else this run's last check, else
 * warnings. */
static void check_text(char *out, size_t outlen, pgiam_app *app, const profile_row *r)
{
	const char *last = pgiam_uicheck_last(app, r->name);

	if (r->errors > 0)
		snprintf(out, outlen, "%d error%s", r->errors, r->errors == 1 ? "" : "s");
	else if (!last && r->warnings > 0)
		snprintf(out, outlen, "%d warning%s", r->warnings, r->warnings == 1 ? "" : "s");
	else
		snprintf(out, outlen, "%s", last ? last : "-");
}

enum { C_NAME, C_ENDPOINT, C_REGION, C_USER, C_ROLE, C_RO, C_CHECK, C__COUNT };

static const char *const col_title[C__COUNT] = {
	"NAME", "ENDPOINT", "REGION", "DB USER", "ROLE", "RO", "LAST CHECK",
};

static int widest(int w, const char *s)
{
	int sw = (int)pgiam_width_of(s);

	return sw > w ? sw : w;
}

/* Column widths from the terminal's width and what the rows hold: every column as
 * wide as its longest text when that fits, else spare width shared by need
 * (layout.h), the region and then the role dropped on narrow terminals. The role
 * column shows whole ARNs when everything fits with them, else role names.
 * Returns whether the role column shows whole ARNs. */
static int profiles_layout(int *width, profiles_view *v, pgiam_app *app, int total)
{
	pgiam_layout_col cols[C__COUNT];
	int arn_w = 0;
	char check[64];

	for (int c = 0; c < C__COUNT; c++) {
		cols[c].want = (int)pgiam_width_of(col_title[c]);
		cols[c].drop = c == C_REGION ? 1 : c == C_ROLE ? 2 : 0;
		/* cut in its middle it still reads (host…:port): it takes what is left */
		cols[c].fill = c == C_ENDPOINT;
	}
	for (size_t i = 0; i < v->count; i++) {
		const profile_row *r = &v->rows[i];

		check_text(check, sizeof(check), app, r);
		cols[C_NAME].want = widest(cols[C_NAME].want, r->name);
		cols[C_ENDPOINT].want = widest(cols[C_ENDPOINT].want, r->endpoint);
		cols[C_REGION].want = widest(cols[C_REGION].want, r->region);
		cols[C_USER].want = widest(cols[C_USER].want, r->db_user);
		cols[C_ROLE].want = widest(cols[C_ROLE].want, r->role);
		cols[C_CHECK].want = widest(cols[C_CHECK].want, check);
		arn_w = widest(arn_w, r->role_arn[0] ? r->role_arn : r->role);
	}
	/* The name and the user whole before anything else is shown (up to widths
	 * a name seldom passes): a profile is picked by its name. */
	cols[C_NAME].min = 20;
	cols[C_ENDPOINT].min = 16;   /* room for "host…:port" */
	cols[C_REGION].min = 9;
	cols[C_USER].min = 14;
	cols[C_ROLE].min = 10;
	cols[C_RO].min = 2;
	cols[C_CHECK].min = 10;
	{
		pgiam_layout_col with_arn[C__COUNT];

		memcpy(with_arn, cols, sizeof(cols));
		with_arn[C_ROLE].want = arn_w > cols[C_ROLE].want ? arn_w : cols[C_ROLE].want;
		if (pgiam_layout_columns(width, with_arn, C__COUNT, total, 1))
			return 1;
	}
	pgiam_layout_columns(width, cols, C__COUNT, total, 1);
	return 0;
}

static void draw_row(const int *width, int y, pgiam_rect body, pgiam_app *app,
	const profile_row *r, int sel, int whole_arn)
{
	pgiam_role role = sel ? PGIAM_ROLE_SELECTED : PGIAM_ROLE_NORMAL;
	const char *last = pgiam_uicheck_last(app, r->name);
	const char *vals[C__COUNT];
	char check[64];
	char ep[400];
	int x = body.x;

	check_text(check, sizeof(check), app, r);
	endpoint_fit(ep, sizeof(ep), r->endpoint, width[C_ENDPOINT]);
	vals[C_NAME] = r->name;
	vals[C_ENDPOINT] = ep;
	vals[C_REGION] = r->region;
	vals[C_USER] = r->db_user;
	vals[C_ROLE] = whole_arn && r->role_arn[0] ? r->role_arn : r->role;
	vals[C_RO] = r->read_only ? "RO" : "";
	vals[C_CHECK] = check;
	if (sel)
		pgiam_draw_fill(y, body.x, body.w, role);
	for (int c = 0; c < C__COUNT; c++) {
		pgiam_role cr = role;
		int w = width[c] < body.x + body.w - x ? width[c] : body.x + body.w - x;

		if (!width[c] || w <= 0)
			continue;
		if (!sel && c == C_CHECK)
			cr = r->errors > 0 || (last && !strncmp(last, "FAIL", 4)) ? PGIAM_ROLE_ERROR
				: last ? PGIAM_ROLE_OK : r->warnings > 0 ? PGIAM_ROLE_WARN
				: PGIAM_ROLE_DIM;
		pgiam_draw_field(y, x, w, cr, vals[c]);
		x += width[c] + 1;
	}
}

/* The column titles, on the body's first line. */
static void draw_header(const int *width, pgiam_rect body)
{
	int x = body.x;

	for (int c = 0; c < C__COUNT; c++) {
		int w = width[c] < body.x + body.w - x ? width[c] : body.x + body.w - x;

		if (!width[c] || w <= 0)
			continue;
		pgiam_draw_field(body.y, x, w, PGIAM_ROLE_HEADER, col_title[c]);
		x += width[c] + 1;
	}
}

/* The selected profile's first problem on the body's last plines lines, whole when
 * it fits. */
static void draw_problem(const profile_row *cur, pgiam_rect body, int plines)
{
	int cut = pgiam_width_wrap_lines(cur->problem, body.w - 2, 2) > plines;
	int y = body.y + body.h - plines;

	/* no room for all of it: say where it is whole */
	if (cut && plines > 1)
		pgiam_draw_text(body.y + body.h - 1, 1, body.w - 2, PGIAM_ROLE_DIM,
			"\xE2\x80\xA6 i shows it whole");
	pgiam_draw_wrapped((pgiam_rect){ y, 1, cut && plines > 1 ? plines - 1 : plines,
		body.w - 2 }, cur->errors > 0 ? PGIAM_ROLE_ERROR : PGIAM_ROLE_WARN,
		cur->problem);
}

static void profiles_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	profiles_view *v = s->data;
	int width[C__COUNT];
	int whole_arn = profiles_layout(width, v, app, body.w);
	const profile_row *cur = v->count ? &v->rows[v->selected] : NULL;
	int plines = 1, list_h;

	/* The selected profile's first problem, whole: wrapped over as many lines as
	 * it takes (up to a third of the screen), the list above it. */
	if (cur && cur->problem[0]) {
		int need = pgiam_width_wrap_lines(cur->problem, body.w - 2, 2);
		int most = body.h / 3 > 1 ? body.h / 3 : 1;

		plines = need < 1 ? 1 : need > most ? most : need;
	}
	list_h = body.h - 2 - plines;
	if (list_h < 1)
		list_h = 1;
	draw_header(width, body);
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
	for (int i = 0; i < list_h && v->top + i < (int)v->count; i++)
		draw_row(width, body.y + 1 + i, body, app, &v->rows[v->top + i],
			v->top + i == v->selected, whole_arn);
	if (cur->problem[0])
		draw_problem(cur, body, plines);
}

/* i: every problem of the selected profile, whole, in a text view. */
static unsigned show_problems(pgiam_app *app, const char *name)
{
	static pgiam_text_arg arg;
	static char title[PGIAM_PROFILE_NAME_MAX + 16];
	pgiam_profile_problem problems[16];
	size_t n = 0;
	pgiam_profile *p = NULL;
	pgiam_buf b = PGIAM_BUF_INIT;

	snprintf(title, sizeof(title), "Problems: %s", name);
	if (pgiam_profile_load_named(&p, app->profiles_dir, name) < 0) {
		pgiam_buf_printf(&b, "error %s\n", pgiam_error_last());
	} else {
		pgiam_profile_validate(p, problems, sizeof(problems) / sizeof(problems[0]), &n);
		for (size_t i = 0; i < n; i++)
			pgiam_buf_printf(&b, "%s %s\n", problems[i].severity == PGIAM_PROBLEM_ERROR ?
				"error" : "warning", problems[i].message);
		if (!n)
			pgiam_buf_puts(&b, "ok no problems\n");
		pgiam_profile_free(p);
	}
	arg.title = title;
	if (!(arg.body = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory");
	return pgiam_app_push(app, &pgiam_screen_text, &arg);
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
		     a == PGIAM_ACTION_CHECK || a == PGIAM_ACTION_POLICY ||
		     a == PGIAM_ACTION_PROBLEMS)) {
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
	if (a == PGIAM_ACTION_PROBLEMS)
		return show_problems(app, sel);
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
