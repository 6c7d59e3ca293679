/* screen_mfa.c - the MFA code dialog: before connecting with a profile whose role needs
 * MFA (mfa_serial) and that has no cached session, it asks for the device's six digits,
 * naming the device ARN. The digits are shown masked, given to the core once
 * (pgiam_mfa_set_code) and wiped; they never reach the event log. Esc goes back.
 *
 * The same dialog renews the connection's role session (F12, or on its own when a
 * reconnect needs a code): the role is assumed again with the code in the
 * connection's job (pgiam_conn_renew), the session stays open, and the next token is
 * signed with the new role session. Esc leaves the session as it was. */
#include "app.h"

#include "countdown.h"
#include "draw.h"
#include "error.h"
#include "mfa.h"
#include "secure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The F12 dialog's argument: one connection, one dialog at a time. */
static pgiam_mfa_arg renew_arg;

typedef struct mfa_view {
	pgiam_mfa_arg *arg;
	char code[8];
	size_t len;
	char title[120];
} mfa_view;

static int mfa_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	mfa_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)app;
	v->arg = arg;
	snprintf(v->title, sizeof(v->title), v->arg->renew ? "MFA code: renew the role session "
		"of %s" : "MFA code: %s", v->arg->profile);
	s->data = v;
	s->title = v->title;
	return 0;
}

static void mfa_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	mfa_view *v = s->data;
	char line[800], mask[16] = "";

	for (size_t i = 0; i < v->len; i++)
		strcat(mask, "*");
	if (v->arg->renew && app->conn) {
		const pgiam_conn_status *st = pgiam_conn_status_of(app->conn);
		long left = st->sts_expires ? (long)(st->sts_expires - time(NULL)) : 0;
		char when[32];

		pgiam_countdown_format(when, sizeof(when), left);
		if (v->arg->refused || left <= 0)
			snprintf(line, sizeof(line), "The role session %s; assuming the role again "
				"needs a code from the MFA device %s", left > 0 ? "can no longer be "
				"used (revoked, or it ends within a minute)" : "has ended", v->arg->serial);
		else
			snprintf(line, sizeof(line), "The role session ends in %s; assuming the role "
				"again needs a code from the MFA device %s", when, v->arg->serial);
	} else {
		snprintf(line, sizeof(line), "The role needs a code from the MFA device %s",
			v->arg->serial);
	}
	pgiam_draw_wrapped((pgiam_rect){ body.y + 1, 2, 2, body.w - 4 }, PGIAM_ROLE_NORMAL, line);
	snprintf(line, sizeof(line), "MFA code for %s: %s", v->arg->serial, mask);
	pgiam_draw_text(body.y + 4, 2, body.w - 4, PGIAM_ROLE_HEADER, line);
	pgiam_draw_text(body.y + 6, 2, body.w - 4, PGIAM_ROLE_DIM, v->arg->renew ?
		"six digits, then Enter: the role is assumed again, the connection stays "
		"\xC2\xB7 Esc leaves the session as it is" :
		"six digits, then Enter \xC2\xB7 Esc goes back");
}

static int mfa_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	mfa_view *v = s->data;
	char line[600];

	(void)app;
	snprintf(line, sizeof(line), "MFA code for %s: ", v->arg->serial);
	*y = body.y + 4;
	*x = 2 + (int)strlen(line) + (int)v->len;
	if (*x >= body.w - 2)
		*x = body.w - 3;
	return 1;
}

static unsigned mfa_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	mfa_view *v = s->data;

	if (ch < L'0' || ch > L'9') {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "an MFA code is six digits");
		return PGIAM_REACT_REDRAW;
	}
	if (v->len < 6)
		v->code[v->len++] = (char)ch;
	return PGIAM_REACT_REDRAW;
}

static unsigned mfa_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	mfa_view *v = s->data;

	switch (a) {
	case PGIAM_ACTION_DEL_BACK:
		if (v->len)
			v->code[--v->len] = '\0';
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_DEL_LINE:
		pgiam_wipe(v->code, sizeof(v->code));
		v->len = 0;
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_MFA_SUBMIT:
		if (pgiam_mfa_set_code(v->code) < 0) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "an MFA code is six digits");
			return PGIAM_REACT_REDRAW;
		}
		pgiam_wipe(v->code, sizeof(v->code));
		v->len = 0;
		v->arg->entered = 1;
		if (v->arg->renew) {
			if (!app->conn || pgiam_conn_renew(app->conn) < 0) {
				pgiam_mfa_set_code(NULL);  /* nothing will use it */
				pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", app->conn
					? pgiam_error_last() : "not connected");
			} else {
				pgiam_app_message(app, PGIAM_ROLE_WARN, "assuming the role again "
					"with the code\xE2\x80\xA6");
			}
		}
		return PGIAM_REACT_POP;
	case PGIAM_ACTION_BACK:
	case PGIAM_ACTION_CANCEL:
		v->arg->entered = 0;
		return PGIAM_REACT_POP;
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

/* A pasted code (an authenticator app's copy) is typed digit by digit. */
static unsigned mfa_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] >= '0' && text[i] <= '9')
			mfa_text(s, app, (wchar_t)text[i]);
	return PGIAM_REACT_REDRAW;
}

static void mfa_close(pgiam_screen *s, pgiam_app *app)
{
	mfa_view *v = s->data;

	(void)app;
	pgiam_wipe(v->code, sizeof(v->code));
	free(v);
}

const pgiam_screen_ops pgiam_screen_mfa = {
	.title = "MFA code",
	.scopes = { PGIAM_SCOPE_MFA, PGIAM_SCOPE_EDIT }, .nscopes = 2,
	.text_input = 1,
	.open = mfa_open, .draw = mfa_draw, .action = mfa_action, .text = mfa_text,
	.paste = mfa_paste, .close = mfa_close, .cursor = mfa_cursor,
};

static unsigned renew_open(pgiam_app *app, int refused)
{
	const pgiam_conn_status *st = NULL;

	if (app->depth && app->stack[app->depth - 1].ops == &pgiam_screen_mfa)
		return PGIAM_REACT_NONE;
	if (!app->conn) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "F12 renews the role session of a "
			"profile that needs MFA: connect first");
		return PGIAM_REACT_REDRAW;
	}
	st = pgiam_conn_status_of(app->conn);
	/* before the first connect the connect screen asks (and r asks again) */
	if (st->state == PGIAM_CONN_CONNECTING || st->state == PGIAM_CONN_FAILED) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "F12 renews the role session of an open "
			"connection; the connect screen asks for the code itself");
		return PGIAM_REACT_REDRAW;
	}
	if (!st->mfa_serial[0]) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "profile %s: its role needs no MFA code; "
			"its session is renewed on its own", st->profile);
		return PGIAM_REACT_REDRAW;
	}
	if (st->renewing) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "the role session is being renewed\xE2\x80\xA6");
		return PGIAM_REACT_REDRAW;
	}
	memset(&renew_arg, 0, sizeof(renew_arg));
	snprintf(renew_arg.profile, sizeof(renew_arg.profile), "%.79s", st->profile);
	snprintf(renew_arg.serial, sizeof(renew_arg.serial), "%s", st->mfa_serial);
	renew_arg.renew = 1;
	renew_arg.refused = refused;
	return pgiam_app_push(app, &pgiam_screen_mfa, &renew_arg);
}

unsigned pgiam_mfa_renew_open(pgiam_app *app)
{
	return renew_open(app, 0);
}

unsigned pgiam_mfa_renew_tick(pgiam_app *app)
{
	char line[400];
	int ok = 0;

	if (!app->conn)
		return PGIAM_REACT_NONE;
	if (pgiam_conn_renew_outcome(app->conn, &ok, line, sizeof(line))) {
		pgiam_app_message(app, ok ? PGIAM_ROLE_OK : PGIAM_ROLE_ERROR, "%s", line);
		return PGIAM_REACT_REDRAW;
	}
	/* A reconnect (the user's statement, the browser's read) failed for want of a
	 * code: ask for it as before the first connect, instead of leaving a message. */
	if (pgiam_conn_take_mfa_wanted(app->conn) &&
	    !(app->depth && app->stack[app->depth - 1].ops == &pgiam_screen_mfa)) {
		unsigned r = renew_open(app, 1);

		pgiam_app_message(app, PGIAM_ROLE_WARN, "the role session ended: assuming the "
			"role again needs an MFA code (Esc: not now; F12 asks later)");
		return r | PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_NONE;
}
