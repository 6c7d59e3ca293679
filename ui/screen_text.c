/* screen_text.c - scrollable text views: any titled text (check results, policy),
 * the help screen generated from the action table, and the event log. */
#include "app.h"

#include "draw.h"
#include "buf.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>

typedef struct text_view {
	char title[128];
	char *body;
	int top;
	int page;        /* body rows at the last draw */
	int follow;      /* the log: stay at the end as lines arrive */
	size_t log_count;
	pgiam_wrapped wrapped;
	int nlines;      /* of the wrapped text, at the last draw */
} text_view;

unsigned pgiam_pager_action(int *top, int nlines, int page, pgiam_action a)
{
	int max_top = nlines - page > 0 ? nlines - page : 0;
	int t = *top;

	if (page < 1)
		page = 1;
	if (a == PGIAM_ACTION_UP)
		t--;
	else if (a == PGIAM_ACTION_DOWN)
		t++;
	else if (a == PGIAM_ACTION_PAGE_UP)
		t -= page;
	else if (a == PGIAM_ACTION_PAGE_DOWN)
		t += page;
	else if (a == PGIAM_ACTION_FIRST)
		t = 0;
	else if (a == PGIAM_ACTION_LAST)
		t = max_top;
	else
		return PGIAM_REACT_UNHANDLED;
	if (t > max_top)
		t = max_top;
	if (t < 0)
		t = 0;
	*top = t;
	return PGIAM_REACT_REDRAW;
}

static int text_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	pgiam_text_arg *ta = arg;
	text_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)app;
	snprintf(v->title, sizeof(v->title), "%s", ta && ta->title ? ta->title : "");
	v->body = ta && ta->body ? ta->body : pgiam_xstrdup("");
	s->data = v;
	s->title = v->title;
	return 0;
}

static void text_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	text_view *v = s->data;
	const char *text = pgiam_wrapped_get(&v->wrapped, v->body, body.w);
	int n = pgiam_text_line_count(text);

	(void)app;
	v->page = body.h;
	v->nlines = n;
	if (v->follow)
		v->top = n - body.h > 0 ? n - body.h : 0;
	if (v->top > n - body.h && n - body.h >= 0)
		v->top = n - body.h;
	pgiam_draw_lines(body, text, v->top);
}

static unsigned text_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	text_view *v = s->data;
	unsigned r = pgiam_pager_action(&v->top, v->nlines, v->page, a);

	(void)app;
	if (!(r & PGIAM_REACT_UNHANDLED))
		v->follow = 0;
	if (a == PGIAM_ACTION_QUIT)
		return PGIAM_REACT_POP;  /* q closes a text view, as in a pager */
	return r;
}

static void text_close(pgiam_screen *s, pgiam_app *app)
{
	text_view *v = s->data;

	(void)app;
	free(v->body);
	pgiam_wrapped_reset(&v->wrapped);
	free(v);
}

const pgiam_screen_ops pgiam_screen_text = {
	.title = "",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = text_open, .draw = text_draw, .action = text_action, .close = text_close,
};

/* Help: the action table, by scope, as text. */
static int help_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	pgiam_buf cell = PGIAM_BUF_INIT;
	pgiam_text_arg ta = { "Help", NULL };
	char keys[96];

	(void)arg;
	for (int sc = 0; sc < PGIAM_SCOPE__COUNT; sc++) {
		pgiam_buf_printf(&b, "# %s\n", pgiam_scope_title((pgiam_scope)sc));
		for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++) {
			const pgiam_action_info *info = pgiam_action_get((pgiam_action)a);

			if ((int)info->scope != sc)
				continue;
			pgiam_action_keys_label(keys, sizeof(keys), (pgiam_action)a);
			pgiam_buf_clear(&cell);
			pgiam_width_fit(&cell, keys, 24, PGIAM_FIT_PAD | PGIAM_FIT_ELLIPSIS);
			pgiam_buf_printf(&b, "  %s %s\n", pgiam_buf_cstr(&cell), info->help);
		}
		pgiam_buf_puts(&b, "\n");
	}
	pgiam_buf_dispose(&cell);
	ta.body = pgiam_buf_detach(&b);
	if (!ta.body)
		pgiam_ui_fail("out of memory");
	return text_open(s, app, &ta);
}

const pgiam_screen_ops pgiam_screen_help = {
	.title = "Help (keys)",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = help_open, .draw = text_draw, .action = text_action, .close = text_close,
};

/* The event log: rebuilt when entries arrive, following the end until scrolled. */
static char *log_text(pgiam_app *app)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	char line[PGIAM_EVENTLOG_TEXT + 16];
	char *out = NULL;

	if (!app->log.count)
		pgiam_buf_puts(&b, "(no events yet: they appear as roles are assumed, tokens "
			"signed and connections made)\n");
	for (size_t i = 0; i < app->log.count; i++) {
		pgiam_eventlog_format(line, sizeof(line), pgiam_eventlog_at(&app->log, i));
		pgiam_buf_printf(&b, "%s\n", line);
	}
	out = pgiam_buf_detach(&b);
	if (!out)
		pgiam_ui_fail("out of memory");
	return out;
}

static int log_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	pgiam_text_arg ta = { "Event log", log_text(app) };
	text_view *v = NULL;

	(void)arg;
	text_open(s, app, &ta);
	v = s->data;
	v->follow = 1;
	v->log_count = app->log.count;
	return 0;
}

static unsigned log_tick(pgiam_screen *s, pgiam_app *app)
{
	text_view *v = s->data;

	if (v->log_count == app->log.count)
		return PGIAM_REACT_NONE;
	free(v->body);
	v->body = log_text(app);
	v->log_count = app->log.count;
	pgiam_wrapped_reset(&v->wrapped);
	return PGIAM_REACT_REDRAW;
}

const pgiam_screen_ops pgiam_screen_log = {
	.title = "Event log",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = log_open, .draw = text_draw, .action = text_action, .tick = log_tick,
	.close = text_close,
};

/* A yes/no question over the screen below. */
static int confirm_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	pgiam_confirm_arg *c = pgiam_xcalloc(1, sizeof(*c));

	(void)app;
	*c = *(pgiam_confirm_arg *)arg;
	s->data = c;
	return 0;
}

static void confirm_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	pgiam_confirm_arg *c = s->data;
	int y = body.y + body.h / 2 - 1;
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *p = NULL;

	(void)app;
	/* wrapped: a question that names what a yes loses is read whole */
	if (pgiam_width_wrap(&b, c->question, body.w - 4, 0) < 0)
		pgiam_ui_fail("out of memory");
	for (p = pgiam_buf_cstr(&b); *p && y < body.y + body.h - 2; y++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *one = strndup(p, len);

		if (!one)
			pgiam_ui_fail("out of memory");
		pgiam_draw_text(y, 2, body.w - 4, PGIAM_ROLE_WARN, one);
		free(one);
		p += len + (nl ? 1 : 0);
	}
	pgiam_buf_dispose(&b);
	pgiam_draw_text(y + 1, 2, body.w - 4, PGIAM_ROLE_NORMAL, "y = yes, n or Esc = no");
}

static unsigned confirm_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	pgiam_confirm_arg *c = s->data;

	if (a == PGIAM_ACTION_YES) {
		unsigned r = 0;

		/* A "y" inside pasted text or typed ahead of the question must not answer it
		 * (it disconnected with an open transaction, deleted profiles). */
		if (!app->key_alone) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "not answered: a y that came with "
				"other input is not taken; press y alone");
			return PGIAM_REACT_REDRAW;
		}
		r = c->yes ? c->yes(app, c->ctx) : 0;

		/* "yes" closing its screen means closing the one under the question. */
		if (r & PGIAM_REACT_POP)
			r = (r & ~(unsigned)PGIAM_REACT_POP) | PGIAM_REACT_POP_UNDER;
		return PGIAM_REACT_POP | r;
	}
	if (a == PGIAM_ACTION_NO || a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_POP;
	return PGIAM_REACT_UNHANDLED;
}

static void confirm_close(pgiam_screen *s, pgiam_app *app)
{
	(void)app;
	free(s->data);
}

const pgiam_screen_ops pgiam_screen_confirm = {
	.title = "Confirm",
	.scopes = { PGIAM_SCOPE_CONFIRM }, .nscopes = 1,
	.open = confirm_open, .draw = confirm_draw, .action = confirm_action,
	.close = confirm_close,
};
