/* screen_connect.c - connecting: each step of the chain (credentials, AssumeRole,
 * token, TCP, TLS, authentication) as it happens, with its time; a failure stays on
 * screen with its explanation until the user goes back or retries. Once connected it
 * hands the connection to the SQL screen. */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "profile.h"
#include "profile_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct connect_view {
	char name[80];
	char title[120];
	int handed_over;    /* the connection now belongs to the SQL screen */
	char start_error[400];
	pgiam_mfa_arg mfa;  /* the MFA dialog's answer (screen_mfa.c) */
} connect_view;

static unsigned start(connect_view *v, pgiam_app *app);

/* 1 when the profile's role needs an MFA code now (no cached session): the serial goes
 * into v->mfa for the dialog. */
static int needs_mfa(connect_view *v, pgiam_app *app)
{
	pgiam_profile *p = NULL;
	int need = 0;

	if (pgiam_profile_load_named(&p, app->profiles_dir, v->name) < 0) {
		pgiam_error_clear();
		return 0;  /* start() says what is wrong with the profile */
	}
	if ((need = pgiam_profile_mfa_needed(p)))
		snprintf(v->mfa.serial, sizeof(v->mfa.serial), "%s", pgiam_profile_mfa_serial(p));
	pgiam_profile_free(p);
	return need;
}

/* Asks for the MFA code first when the role needs one; else connects. */
static unsigned ask_or_start(connect_view *v, pgiam_app *app)
{
	if (needs_mfa(v, app)) {
		snprintf(v->mfa.profile, sizeof(v->mfa.profile), "%s", v->name);
		v->mfa.entered = 0;
		v->mfa.asked = 1;
		return pgiam_app_push(app, &pgiam_screen_mfa, &v->mfa);
	}
	return start(v, app);
}

static unsigned start(connect_view *v, pgiam_app *app)
{
	if (app->conn) {
		pgiam_conn_free(app->conn);
		app->conn = NULL;
	}
	pgiam_eventlog_add(&app->log, "connecting with profile %s", v->name);
	v->start_error[0] = '\0';
	if (pgiam_conn_start(&app->conn, app->profiles_dir, v->name, app->token_age,
	    &app->log) < 0) {
		snprintf(v->start_error, sizeof(v->start_error), "%s", pgiam_error_last());
		pgiam_eventlog_add(&app->log, "cannot connect with %s: %s", v->name,
			pgiam_error_last());
	}
	return PGIAM_REACT_REDRAW;
}

static int connect_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	connect_view *v = pgiam_xcalloc(1, sizeof(*v));

	snprintf(v->name, sizeof(v->name), "%s", arg ? (const char *)arg : "");
	snprintf(v->title, sizeof(v->title), "Connecting: %s", v->name);
	s->data = v;
	s->title = v->title;
	/* the dialog opens on top of this screen at once when the role needs MFA */
	if (ask_or_start(v, app) & PGIAM_REACT_PUSH)
		return 0;
	return 0;
}

/* Back from the MFA dialog: connect with the code, or go back without one. */
static unsigned connect_resume(pgiam_screen *s, pgiam_app *app)
{
	connect_view *v = s->data;

	if (!v->mfa.asked)
		return PGIAM_REACT_NONE;
	v->mfa.asked = 0;
	if (!v->mfa.entered)
		return PGIAM_REACT_POP;
	v->mfa.entered = 0;
	return start(v, app);
}

static const char *state_mark(pgiam_step_state st)
{
	switch (st) {
	case PGIAM_STEP_PENDING:
		return "  ";
	case PGIAM_STEP_RUNNING:
		return "..";
	case PGIAM_STEP_OK:
		return "ok";
	case PGIAM_STEP_FAILED:
		return "!!";
	case PGIAM_STEP_SKIPPED:
		return "--";
	}
	return "  ";
}

static pgiam_role state_role(pgiam_step_state st)
{
	switch (st) {
	case PGIAM_STEP_PENDING:
	case PGIAM_STEP_SKIPPED:
		return PGIAM_ROLE_DIM;
	case PGIAM_STEP_RUNNING:
		return PGIAM_ROLE_WARN;
	case PGIAM_STEP_OK:
		return PGIAM_ROLE_OK;
	case PGIAM_STEP_FAILED:
		return PGIAM_ROLE_ERROR;
	}
	return PGIAM_ROLE_NORMAL;
}

static void connect_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	connect_view *v = s->data;
	const pgiam_conn_step *steps = NULL;
	const pgiam_conn_status *st = NULL;
	char line[1024];
	int y = body.y + 1;

	if (!app->conn) {
		pgiam_draw_text(y, 2, body.w - 4, PGIAM_ROLE_ERROR, "Could not start connecting:");
		pgiam_draw_text(y + 1, 2, body.w - 4, PGIAM_ROLE_ERROR, v->start_error);
		pgiam_draw_text(y + 3, 2, body.w - 4, PGIAM_ROLE_DIM, "r retries, Esc goes back");
		return;
	}
	steps = pgiam_conn_steps(app->conn);
	st = pgiam_conn_status_of(app->conn);
	snprintf(line, sizeof(line), "Profile %s: %s@%s", v->name, st->db_user, st->endpoint);
	pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_HEADER, line);
	for (int i = 0; i < PGIAM_CONN_STEP__COUNT && y < body.y + body.h - 3; i++) {
		const pgiam_conn_step *sp = &steps[i];
		char t[32] = "";

		if (sp->state == PGIAM_STEP_OK || sp->state == PGIAM_STEP_FAILED ||
		    sp->state == PGIAM_STEP_RUNNING)
			snprintf(t, sizeof(t), "%6.2f s", sp->seconds);
		snprintf(line, sizeof(line), "[%s] %-20s %9s", state_mark(sp->state),
			pgiam_conn_step_label((pgiam_conn_step_id)i), t);
		pgiam_draw_text(y, 2, 36, state_role(sp->state), line);
		pgiam_draw_text(y, 39, body.w - 40, sp->state == PGIAM_STEP_FAILED
			? PGIAM_ROLE_ERROR : PGIAM_ROLE_NORMAL, sp->detail);
		y++;
	}
	y++;
	if (st->state == PGIAM_CONN_FAILED) {
		/* The explanation, wrapped over the remaining lines. */
		const char *p = st->failure;
		int w = body.w - 4;

		pgiam_draw_text(y++, 2, w, PGIAM_ROLE_ERROR, "Not connected:");
		while (*p && y < body.y + body.h - 1) {
			size_t take = strlen(p);
			const char *item = NULL;
			char chunk[512];

			/* A numbered list of causes reads better one per line. */
			for (const char *q = p + 1; *q && !item; q++)
				if (q[0] == '(' && q[1] >= '1' && q[1] <= '9' && q[2] == ')' &&
				    q[-1] == ' ')
					item = q;
			if (item && (size_t)(item - p) < take)
				take = (size_t)(item - p);
			if (take > (size_t)w) {
				take = (size_t)w;
				/* break at a space when one is near */
				for (size_t k = take; k > (size_t)w / 2; k--)
					if (p[k] == ' ') {
						take = k;
						break;
					}
			}
			snprintf(chunk, sizeof(chunk), "%.*s", (int)take, p);
			pgiam_draw_text(y++, 2, w, PGIAM_ROLE_NORMAL, chunk);
			p += take;
			while (*p == ' ')
				p++;
		}
		pgiam_draw_text(body.y + body.h - 1, 2, body.w - 4, *p ? PGIAM_ROLE_WARN :
			PGIAM_ROLE_DIM, *p ? "\xE2\x80\xA6 cut: L shows it whole in the event log "
			"\xC2\xB7 r retries, Esc goes back" : "r retries, Esc goes back, L shows the "
			"event log");
	} else {
		pgiam_draw_text(y, 2, body.w - 4, PGIAM_ROLE_DIM, "Esc or Ctrl-C cancels");
	}
}

static unsigned connect_tick(pgiam_screen *s, pgiam_app *app)
{
	connect_view *v = s->data;

	if (app->conn && pgiam_conn_status_of(app->conn)->state == PGIAM_CONN_CONNECTED &&
	    !v->handed_over) {
		v->handed_over = 1;
		return PGIAM_REACT_POP | pgiam_app_push(app, &pgiam_screen_work, NULL);
	}
	return PGIAM_REACT_NONE;
}

static unsigned connect_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	connect_view *v = s->data;

	if (a == PGIAM_ACTION_RETRY && (!app->conn || !pgiam_conn_busy(app->conn)))
		return ask_or_start(v, app);
	return PGIAM_REACT_UNHANDLED;
}

static void connect_close(pgiam_screen *s, pgiam_app *app)
{
	connect_view *v = s->data;

	if (!v->handed_over && app->conn) {
		pgiam_conn_free(app->conn);
		app->conn = NULL;
	}
	free(v);
}

const pgiam_screen_ops pgiam_screen_connect = {
	.title = "Connecting",
	.scopes = { PGIAM_SCOPE_CONNECT }, .nscopes = 1,
	.open = connect_open, .draw = connect_draw, .action = connect_action,
	.tick = connect_tick, .close = connect_close, .resume = connect_resume,
};
