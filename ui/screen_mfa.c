/* screen_mfa.c - the MFA code dialog: before connecting with a profile whose role needs
 * MFA (mfa_serial) and that has no cached session, it asks for the device's six digits,
 * naming the device ARN. The digits are shown masked, given to the core once
 * (pgiam_mfa_set_code) and wiped; they never reach the event log. Esc goes back. */
#include "app.h"

#include "draw.h"
#include "mfa.h"
#include "secure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	snprintf(v->title, sizeof(v->title), "MFA code: %s", v->arg->profile);
	s->data = v;
	s->title = v->title;
	return 0;
}

static void mfa_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	mfa_view *v = s->data;
	char line[640], mask[16] = "";

	(void)app;
	for (size_t i = 0; i < v->len; i++)
		strcat(mask, "*");
	snprintf(line, sizeof(line), "The role needs a code from the MFA device %s", v->arg->serial);
	pgiam_draw_wrapped((pgiam_rect){ body.y + 1, 2, 2, body.w - 4 }, PGIAM_ROLE_NORMAL, line);
	snprintf(line, sizeof(line), "MFA code for %s: %s", v->arg->serial, mask);
	pgiam_draw_text(body.y + 4, 2, body.w - 4, PGIAM_ROLE_HEADER, line);
	pgiam_draw_text(body.y + 6, 2, body.w - 4, PGIAM_ROLE_DIM,
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
