/* screen_form.c - drawing and keys of the profile add/edit form; the model (fields,
 * validation as typed, saving) is form.c. */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "form.h"
#include "layout.h"
#include "secure.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W 23

typedef struct form_view {
	pgiam_form form;
	int mode;
	char title[120];
	int top;          /* first field shown */
	int cursor_y, cursor_x;
} form_view;

static int form_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	pgiam_form_arg *fa = arg;
	form_view *v = pgiam_xcalloc(1, sizeof(*v));
	pgiam_profile *p = NULL;
	int error = 0;

	v->mode = fa ? fa->mode : PGIAM_FORM_ADD;
	if (v->mode == PGIAM_FORM_ADD) {
		error = pgiam_form_init_add(&v->form);
		snprintf(v->title, sizeof(v->title), "New profile");
	} else {
		if ((error = pgiam_profile_load_named(&p, app->profiles_dir, fa->name)) == 0)
			error = pgiam_form_init_edit(&v->form, p, v->mode == PGIAM_FORM_DUPLICATE);
		snprintf(v->title, sizeof(v->title), "%s profile %s",
			v->mode == PGIAM_FORM_EDIT ? "Edit" : "Copy of", fa->name);
		pgiam_profile_free(p);
	}
	if (error < 0) {
		free(v);
		return error;
	}
	s->data = v;
	s->title = v->title;
	return 0;
}

/* The part of text shown in a box of w columns so that the cursor (at display
 * column cur) stays visible; *cur_x gets the cursor's column inside the box. */
static const char *visible_tail(const char *text, size_t cur_bytes, int w, int *cur_x)
{
	const char *start = text;
	int cur = (int)pgiam_width_of_n(text, cur_bytes);

	while (cur >= w && *start) {
		size_t len = strlen(start);
		size_t next = pgiam_utf8_next(start, len, 0);

		cur -= (int)pgiam_width_of_n(start, next);
		cur_bytes -= next;
		start += next;
	}
	*cur_x = cur;
	return start;
}

/* Where the form's parts go on this terminal: the value boxes as wide as the
 * longest value needs (at least BOX_MIN), the messages beside them in the rest,
 * and at the bottom the active field's description and whole problem, wrapped. */
typedef struct form_layout {
	int box_w, msg_x, msg_w;
	int rows;              /* field lines shown */
	int desc_y, desc_h, prob_y, prob_h;
} form_layout;

#define BOX_MIN 38
#define MSG_MIN 16

static void active_description(const pgiam_form *f, char *out, size_t outlen)
{
	const pgiam_form_field *fl = &f->fields[f->active];

	snprintf(out, outlen, "%s: %s%s", fl->key, fl->description ? fl->description : "",
		fl->secret ? (f->reveal ? " (shown; Ctrl-R masks)" : " (masked; Ctrl-R shows)") : "");
}

static void form_layout_of(form_layout *lo, const pgiam_form *f, pgiam_rect body)
{
	const pgiam_form_field *act = &f->fields[f->active];
	char shown[2048];
	/* the bottom may take all but the status line and one field line */
	int want = 0, most = body.h - 3 > 2 ? body.h - 3 : 2;
	int dl, pl;

	for (size_t i = 0; i < f->count; i++) {
		int w;

		pgiam_form_display(f, i, shown, sizeof(shown));
		w = (int)pgiam_width_of(shown) + 1;   /* + the cursor after the end */
		if (w > want)
			want = w;
	}
	pgiam_layout_box(&lo->box_w, &lo->msg_w, body.w - LABEL_W - 2, 1, want, BOX_MIN,
		MSG_MIN);
	lo->msg_x = LABEL_W + 1 + lo->box_w + 1;
	active_description(f, shown, sizeof(shown));
	dl = pgiam_width_wrap_lines(shown, body.w - 2, 2);
	pl = act->msg[0] ? pgiam_width_wrap_lines(act->msg, body.w - 2, 2) : 1;
	/* a line for the problem even when there is none, so the fields stay put */
	dl = dl < 1 ? 1 : dl;
	pl = pl < 1 ? 1 : pl;
	if (dl + pl > most) {
		/* the problem first: the description is in docs/profiles.md too */
		pl = pl < most - 1 ? pl : most - 1;
		dl = most - pl;
	}
	lo->desc_h = dl;
	lo->prob_h = pl;
	lo->prob_y = body.y + body.h - pl;
	lo->desc_y = lo->prob_y - dl;
	lo->rows = lo->desc_y - (body.y + 2);
	if (lo->rows < 1)
		lo->rows = 1;
}

static void draw_field(form_view *v, const form_layout *lo, size_t idx, int y)
{
	pgiam_form *f = &v->form;
	const pgiam_form_field *fl = &f->fields[idx];
	int act = idx == f->active;
	size_t cur_bytes = fl->cursor;
	int cur_x = 0;
	char shown[2048];
	char label[64];

	snprintf(label, sizeof(label), "%s%s", fl->key, fl->required ? " *" : "");
	pgiam_draw_field(y, 1, LABEL_W - 1, act ? PGIAM_ROLE_HEADER : PGIAM_ROLE_NORMAL, label);
	pgiam_form_display(f, idx, shown, sizeof(shown));
	if (fl->secret && !f->reveal) {
		/* bullets: one 3-byte character per value character */
		size_t chars = 0;

		for (size_t b = 0; b < fl->cursor; b = pgiam_utf8_next(fl->value, fl->len, b))
			chars++;
		cur_bytes = chars * 3;
	}
	if (act) {
		const char *tail = visible_tail(shown, cur_bytes, lo->box_w, &cur_x);

		pgiam_draw_field(y, LABEL_W + 1, lo->box_w, PGIAM_ROLE_FIELD_ACTIVE, tail);
		v->cursor_y = y;
		v->cursor_x = LABEL_W + 1 + cur_x;
	} else {
		/* Not being edited: its start, cut with an ellipsis, so a long
		 * endpoint or ARN never shows a tail that reads as the whole value. */
		pgiam_buf cut = PGIAM_BUF_INIT;

		if (pgiam_width_fit(&cut, shown, lo->box_w, PGIAM_FIT_ELLIPSIS) < 0)
			pgiam_ui_fail("out of memory");
		pgiam_draw_field(y, LABEL_W + 1, lo->box_w, PGIAM_ROLE_FIELD, pgiam_buf_cstr(&cut));
		pgiam_buf_dispose(&cut);
	}
	if (fl->msg[0] && lo->msg_w > 4)
		pgiam_draw_text(y, lo->msg_x, lo->msg_w, fl->status < 0 ? PGIAM_ROLE_ERROR
			: PGIAM_ROLE_WARN, fl->msg);
}

static void form_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	form_view *v = s->data;
	pgiam_form *f = &v->form;
	const pgiam_form_field *act = &f->fields[f->active];
	size_t errors = pgiam_form_error_count(f);
	form_layout lo;
	char shown[2048];

	(void)app;
	form_layout_of(&lo, f, body);
	if (errors)
		snprintf(shown, sizeof(shown), "%zu field%s ha%s an error: saving is disabled until "
			"%s fixed", errors, errors == 1 ? "" : "s", errors == 1 ? "s" : "ve",
			errors == 1 ? "it is" : "they are");
	else
		snprintf(shown, sizeof(shown), "No errors: Ctrl-S or F2 saves");
	pgiam_draw_text(body.y, 1, body.w - 2, errors ? PGIAM_ROLE_ERROR : PGIAM_ROLE_OK, shown);

	if ((int)f->active < v->top)
		v->top = (int)f->active;
	if ((int)f->active >= v->top + lo.rows)
		v->top = (int)f->active - lo.rows + 1;
	for (int i = 0; i < lo.rows && v->top + i < (int)f->count; i++)
		draw_field(v, &lo, (size_t)(v->top + i), body.y + 2 + i);
	/* The active field in full: what it is for, and its whole problem. */
	active_description(f, shown, sizeof(shown));
	pgiam_draw_wrapped((pgiam_rect){ lo.desc_y, 1, lo.desc_h, body.w - 2 }, PGIAM_ROLE_DIM,
		shown);
	if (act->msg[0])
		pgiam_draw_wrapped((pgiam_rect){ lo.prob_y, 1, lo.prob_h, body.w - 2 },
			act->status < 0 ? PGIAM_ROLE_ERROR : PGIAM_ROLE_WARN, act->msg);
}

static int form_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	form_view *v = s->data;

	(void)app;
	(void)body;
	*y = v->cursor_y;
	*x = v->cursor_x;
	return v->cursor_y > 0;
}

static unsigned discard_confirmed(pgiam_app *app, void *ctx)
{
	(void)app;
	(void)ctx;
	return PGIAM_REACT_POP;  /* after the question closes, close the form too */
}

static unsigned save(form_view *v, pgiam_app *app)
{
	if (pgiam_form_save(&v->form, app->profiles_dir) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	pgiam_app_message(app, PGIAM_ROLE_OK, "saved profile %s", v->form.orig_name);
	snprintf(app->select_profile, sizeof(app->select_profile), "%s", v->form.orig_name);
	return PGIAM_REACT_POP;
}

static unsigned form_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	form_view *v = s->data;
	pgiam_form *f = &v->form;
	static pgiam_confirm_arg confirm;

	if (a == PGIAM_ACTION_FIELD_NEXT)
		pgiam_form_next(f);
	else if (a == PGIAM_ACTION_FIELD_PREV)
		pgiam_form_prev(f);
	else if (a == PGIAM_ACTION_SAVE)
		return save(v, app);
	else if (a == PGIAM_ACTION_REVEAL)
		f->reveal = !f->reveal;
	else if (a == PGIAM_ACTION_CURSOR_LEFT)
		pgiam_form_left(f);
	else if (a == PGIAM_ACTION_CURSOR_RIGHT)
		pgiam_form_right(f);
	else if (a == PGIAM_ACTION_LINE_START)
		pgiam_form_home(f);
	else if (a == PGIAM_ACTION_LINE_END)
		pgiam_form_end(f);
	else if (a == PGIAM_ACTION_DEL_BACK)
		pgiam_form_backspace(f);
	else if (a == PGIAM_ACTION_DEL_FWD)
		pgiam_form_delete(f);
	else if (a == PGIAM_ACTION_DEL_LINE)
		pgiam_form_clear_field(f);
	else if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) {
		if (!f->dirty)
			return PGIAM_REACT_POP;
		memset(&confirm, 0, sizeof(confirm));
		snprintf(confirm.question, sizeof(confirm.question),
			"Discard the changes to this profile?");
		confirm.yes = discard_confirmed;
		return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
	} else
		return PGIAM_REACT_UNHANDLED;
	return PGIAM_REACT_REDRAW;
}

static unsigned form_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	form_view *v = s->data;
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	if (!n)
		return PGIAM_REACT_NONE;
	if (pgiam_form_insert(&v->form, mb, n) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	return PGIAM_REACT_REDRAW;
}

/* A paste into the active field as one insert. A field holds one line, so a pasted
 * line end is never Enter (the next field, or saving) nor part of the value: the
 * ones at the end (copied with the value) are dropped, others and tabs become
 * spaces, which the field's check then points out. Wiped: it may be a secret. */
static unsigned form_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	form_view *v = s->data;
	char *one = pgiam_xcalloc(1, len + 1);
	size_t n = len;

	while (n && text[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++)
		one[i] = text[i] == '\n' || text[i] == '\t' ? ' ' : text[i];
	if (pgiam_form_insert(&v->form, one, n) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	pgiam_wipe(one, len + 1);
	free(one);
	return PGIAM_REACT_REDRAW;
}

static void form_close(pgiam_screen *s, pgiam_app *app)
{
	form_view *v = s->data;

	(void)app;
	pgiam_form_dispose(&v->form);
	free(v);
}

const pgiam_screen_ops pgiam_screen_form = {
	.title = "Profile",
	.scopes = { PGIAM_SCOPE_FORM, PGIAM_SCOPE_EDIT }, .nscopes = 2,
	.text_input = 1,
	.open = form_open, .draw = form_draw, .action = form_action, .text = form_text,
	.paste = form_paste,
	.close = form_close, .cursor = form_cursor,
};
