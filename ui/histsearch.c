/* histsearch.c - Ctrl-R, the incremental reverse history search (histsearch.h). */
#include "histsearch.h"

#include "draw.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct hs_arg {
	pgiam_editor *ed;
	pgiam_histfile *file;
	const char *profile;
} hs_arg;

typedef struct histsearch {
	pgiam_editor *ed;
	pgiam_histfile *file;
	char profile[128];
	int only_profile;
	pgiam_buf query;
	long match;                /* the entry shown, -1 none */
	int failing;               /* the last search found nothing (the match stays) */
	pgiam_screen *below;
	int cursor_y, cursor_x;
} histsearch;

unsigned pgiam_histsearch_start(pgiam_app *app, pgiam_editor *ed, pgiam_histfile *file,
	const char *profile)
{
	static hs_arg arg;

	if (!file || !pgiam_histfile_count(file)) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "history search: no statements kept yet");
		return PGIAM_REACT_REDRAW;
	}
	arg.ed = ed;
	arg.file = file;
	arg.profile = profile;
	return pgiam_app_push(app, &pgiam_screen_histsearch, &arg);
}

/* Searches from before (count: the newest) for the query; the match stays when none. */
static void search(histsearch *h, size_t before, const char *skip)
{
	long m = pgiam_histfile_search(h->file, pgiam_buf_cstr(&h->query),
		h->only_profile ? h->profile : NULL, before, skip);

	h->failing = m < 0;
	if (m >= 0)
		h->match = m;
}

static int hs_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	hs_arg *a = arg;
	histsearch *h = pgiam_xcalloc(1, sizeof(*h));

	h->ed = a->ed;
	h->file = a->file;
	snprintf(h->profile, sizeof(h->profile), "%s", a->profile ? a->profile : "");
	h->match = -1;
	h->below = s - 1;   /* the screen this one opened over: the stack is an array */
	(void)app;
	search(h, pgiam_histfile_count(h->file), NULL);
	s->data = h;
	s->title = h->below->title ? h->below->title : h->below->ops->title;
	return 0;
}

static void meta_line(char *out, size_t len, const pgiam_hist_entry *e)
{
	char when[32] = "", dur[32] = "";
	struct tm tm;
	time_t t = e->at;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (e->ms >= 0)
		snprintf(dur, sizeof(dur), " \xC2\xB7 %ld ms", e->ms);
	snprintf(out, len, "profile %s \xC2\xB7 %s%s \xC2\xB7 %s%s%s", e->profile[0] ? e->profile
		: "(none)", when, dur, pgiam_hist_outcome_name(e->outcome),
		e->sqlstate[0] ? " " : "", e->sqlstate);
}

/* Where the query is in sql, as pgiam_histfile_search matched it (ASCII
 * case-insensitive, the first occurrence): [*from, *to), or none (from == to). */
static void match_span(const char *sql, const char *query, size_t *from, size_t *to)
{
	size_t n = strlen(query);

	*from = *to = 0;
	if (!n)
		return;
	for (const char *p = sql; *p; p++)
		if (!strncasecmp(p, query, n)) {
			*from = (size_t)(p - sql);
			*to = *from + n;
			return;
		}
}

/* One line of the match, [ls, le) of sql, from x: the part inside the query's span
 * [mf, mt) highlighted (a span across lines is highlighted on each). */
static void draw_match_line(int y, int x, int w, const char *sql, size_t ls, size_t le,
	size_t mf, size_t mt)
{
	size_t cut[4] = { ls, mf > ls ? (mf < le ? mf : le) : ls, 0, le };
	char *part;
	int used;

	cut[2] = mt > cut[1] ? (mt < le ? mt : le) : cut[1];
	for (int i = 0; i < 3 && w > 0; i++) {
		if (cut[i + 1] <= cut[i])
			continue;
		if (!(part = strndup(sql + cut[i], cut[i + 1] - cut[i])))
			pgiam_ui_fail("out of memory");
		used = pgiam_draw_text(y, x, w, i == 1 ? PGIAM_ROLE_SEARCH_MATCH :
			PGIAM_ROLE_NORMAL, part);
		free(part);
		x += used;
		w -= used;
	}
}

/* Draws the search into r (its last row the prompt), the match's lines above it,
 * what the query matched highlighted; *cy, *cx: where the cursor goes. */
static void hs_draw_in(histsearch *h, pgiam_rect r, int *cy, int *cx)
{
	const pgiam_hist_entry *e = h->match >= 0 ? pgiam_histfile_at(h->file,
		(size_t)h->match) : NULL;
	char prompt[200], meta[400];
	int y = r.y, w = 0;

	for (int i = 0; i < r.h; i++)
		pgiam_draw_fill(r.y + i, r.x, r.w, PGIAM_ROLE_NORMAL);
	pgiam_draw_text(y++, r.x, r.w, PGIAM_ROLE_DIM, "\xE2\x94\x80 history \xE2\x94\x80");
	if (e) {
		const char *p = e->sql;
		size_t mf = 0, mt = 0;

		meta_line(meta, sizeof(meta), e);
		if (!h->failing)   /* failing: the match shown does not hold the query */
			match_span(e->sql, pgiam_buf_cstr(&h->query), &mf, &mt);
		while (*p && y < r.y + r.h - 2) {
			size_t n = strcspn(p, "\n"), ls = (size_t)(p - e->sql);

			draw_match_line(y++, r.x + 2, r.w - 2, e->sql, ls, ls + n, mf, mt);
			p += n + (p[n] ? 1 : 0);
		}
		if (*p && y < r.y + r.h - 2)
			pgiam_draw_text(y++, r.x + 2, r.w - 2, PGIAM_ROLE_DIM, "\xE2\x80\xA6");
		pgiam_draw_text(r.y + r.h - 2, r.x + 2, r.w - 2, PGIAM_ROLE_DIM, meta);
	}
	snprintf(prompt, sizeof(prompt), "(%sreverse-i-search%s%s)'", h->failing ? "failing " : "",
		h->only_profile ? ", profile " : "", h->only_profile ? h->profile : "");
	w = pgiam_draw_text(r.y + r.h - 1, r.x, r.w, PGIAM_ROLE_KEY, prompt);
	w += pgiam_draw_text(r.y + r.h - 1, r.x + w, r.w - w, PGIAM_ROLE_FIELD,
		pgiam_buf_cstr(&h->query));
	*cy = r.y + r.h - 1;
	*cx = r.x + w;
	pgiam_draw_text(*cy, *cx, r.w - w, PGIAM_ROLE_KEY, "'");
}

static void hs_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	histsearch *h = s->data;
	pgiam_rect r = body;

	h->below->ops->draw(h->below, app, body);
	r.h = body.h / 2 > 10 ? 10 : body.h / 2;
	if (r.h < 4)
		r.h = body.h;
	r.y = body.y + body.h - r.h;
	hs_draw_in(h, r, &h->cursor_y, &h->cursor_x);
}

static int hs_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	histsearch *h = s->data;

	(void)app;
	(void)body;
	*y = h->cursor_y;
	*x = h->cursor_x;
	return 1;
}

static unsigned accept(histsearch *h, pgiam_app *app, int at_start)
{
	const pgiam_hist_entry *e = h->match >= 0 ? pgiam_histfile_at(h->file,
		(size_t)h->match) : NULL;

	if (!e)
		return PGIAM_REACT_POP;
	if (pgiam_editor_set(h->ed, e->sql, strlen(e->sql)) < 0)
		pgiam_ui_fail("out of memory");
	if (at_start)
		pgiam_editor_move_cursor(h->ed, PGIAM_EDITOR_START);
	pgiam_app_message(app, PGIAM_ROLE_OK, "from the history (%s): nothing ran; Enter runs it",
		e->profile[0] ? e->profile : "no profile");
	return PGIAM_REACT_POP;
}

static unsigned hs_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	histsearch *h = s->data;
	const pgiam_hist_entry *e = h->match >= 0 ? pgiam_histfile_at(h->file,
		(size_t)h->match) : NULL;

	switch (a) {
	case PGIAM_ACTION_SEARCH_OLDER:
		search(h, h->match >= 0 ? (size_t)h->match : pgiam_histfile_count(h->file),
			e ? e->sql : NULL);
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_SEARCH_ACCEPT:
		return accept(h, app, 0);
	case PGIAM_ACTION_SEARCH_ACCEPT_EDIT:
		return accept(h, app, 1);
	case PGIAM_ACTION_SEARCH_ERASE:
		if (h->query.len) {
			size_t at = pgiam_utf8_prev(h->query.ptr, h->query.len);

			h->query.ptr[at] = '\0';
			h->query.len = at;
		}
		h->match = -1;
		search(h, pgiam_histfile_count(h->file), NULL);
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_SEARCH_PROFILE:
		h->only_profile = !h->only_profile;
		h->match = -1;
		search(h, pgiam_histfile_count(h->file), NULL);
		return PGIAM_REACT_REDRAW;
	case PGIAM_ACTION_SEARCH_CANCEL:
	case PGIAM_ACTION_CANCEL:
	case PGIAM_ACTION_BACK:
		return PGIAM_REACT_POP;   /* the editor was never touched */
	default:
		return PGIAM_REACT_UNHANDLED;
	}
}

static unsigned hs_add(histsearch *h, const char *text, size_t len)
{
	if (h->query.len + len > 1024)
		return PGIAM_REACT_NONE;
	if (pgiam_buf_put(&h->query, text, len) < 0)
		pgiam_ui_fail("out of memory");
	/* the shown match stays while it still matches, as readline's */
	search(h, h->match >= 0 ? (size_t)h->match + 1 : pgiam_histfile_count(h->file), NULL);
	return PGIAM_REACT_REDRAW;
}

static unsigned hs_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	(void)app;
	return n ? hs_add(s->data, mb, n) : PGIAM_REACT_NONE;
}

static unsigned hs_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	(void)app;
	return hs_add(s->data, text, len);
}

static void hs_close(pgiam_screen *s, pgiam_app *app)
{
	histsearch *h = s->data;

	(void)app;
	pgiam_buf_dispose(&h->query);
	free(h);
}

const pgiam_screen_ops pgiam_screen_histsearch = {
	.title = "History search",
	.scopes = { PGIAM_SCOPE_HISTSEARCH }, .nscopes = 1,
	.text_input = 1,
	.open = hs_open, .draw = hs_draw, .action = hs_action, .text = hs_text,
	.paste = hs_paste, .close = hs_close, .cursor = hs_cursor,
};
