/* screen_prompt.c - a one-line question over the screen that asked it: the browser's
 * filter (a WHERE clause), search text. Enter answers (the text goes back in the
 * argument, `answered` set), Esc leaves the text as it was; the asking screen reads the
 * answer in its resume. Typed text is never lost: Esc keeps what was there before
 * and a paste is one insert (its line ends become spaces: one line). */
#include "app.h"

#include "draw.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct prompt_view {
	pgiam_prompt_arg *arg;
	char text[PGIAM_PROMPT_MAX];
	size_t len;
} prompt_view;

static int prompt_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	prompt_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)app;
	v->arg = arg;
	v->arg->answered = 0;
	snprintf(v->text, sizeof(v->text), "%s", v->arg->text);
	v->len = strlen(v->text);
	s->data = v;
	s->title = v->arg->title;
	return 0;
}

static void prompt_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	prompt_view *v = s->data;
	int lw = (int)pgiam_width_of(v->arg->label);
	const char *shown = v->text;

	(void)app;
	pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_NORMAL, v->arg->label);
	/* the end of a long text: where the cursor is */
	while ((int)pgiam_width_of(shown) > body.w - 4 - lw && *shown)
		shown += pgiam_utf8_next(shown, strlen(shown), 0);
	pgiam_draw_field(body.y, 2 + lw, body.w - 3 - lw, PGIAM_ROLE_FIELD, shown);
	if (v->arg->hint)
		pgiam_draw_wrapped((pgiam_rect){ body.y + 2, 1, body.h - 2, body.w - 2 },
			PGIAM_ROLE_DIM, v->arg->hint);
}

static int prompt_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	prompt_view *v = s->data;
	int lw = (int)pgiam_width_of(v->arg->label), w = (int)pgiam_width_of(v->text);

	(void)app;
	*y = body.y;
	*x = 2 + lw + (w < body.w - 4 - lw ? w : body.w - 4 - lw);
	return 1;
}

static unsigned insert(prompt_view *v, pgiam_app *app, const char *t, size_t n)
{
	if (v->len + n >= sizeof(v->text)) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "at most %d bytes", PGIAM_PROMPT_MAX - 1);
		return PGIAM_REACT_REDRAW;
	}
	memcpy(v->text + v->len, t, n);
	v->len += n;
	v->text[v->len] = '\0';
	return PGIAM_REACT_REDRAW;
}

static unsigned prompt_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	return n ? insert(s->data, app, mb, n) : PGIAM_REACT_NONE;
}

static unsigned prompt_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	char *one = pgiam_xcalloc(1, len + 1);
	unsigned r;

	for (size_t i = 0; i < len; i++)
		one[i] = text[i] == '\n' || text[i] == '\t' ? ' ' : text[i];
	r = insert(s->data, app, one, len);
	free(one);
	return r;
}

static unsigned prompt_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	prompt_view *v = s->data;

	(void)app;
	if (a == PGIAM_ACTION_RUN) {
		snprintf(v->arg->text, sizeof(v->arg->text), "%s", v->text);
		v->arg->answered = 1;
		return PGIAM_REACT_POP;
	}
	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_POP;
	if (a == PGIAM_ACTION_DEL_BACK && v->len) {
		v->len = pgiam_utf8_prev(v->text, v->len);
		v->text[v->len] = '\0';
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_DEL_LINE) {
		v->len = 0;
		v->text[0] = '\0';
		return PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_NONE;
}

static void prompt_close(pgiam_screen *s, pgiam_app *app)
{
	(void)app;
	free(s->data);
}

const pgiam_screen_ops pgiam_screen_prompt = {
	.title = "Question",
	.scopes = { PGIAM_SCOPE_EDIT, PGIAM_SCOPE_SQL }, .nscopes = 2, .text_input = 1,
	.open = prompt_open, .draw = prompt_draw, .action = prompt_action,
	.text = prompt_text, .paste = prompt_paste, .cursor = prompt_cursor,
	.close = prompt_close,
};
