/* draw.c - curses output helpers (see draw.h). */
#include "draw.h"

#include "width.h"

#include <stdlib.h>
#include <string.h>

static int put(int y, int x, int cols, pgiam_role role, const char *s, unsigned flags)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int used = 0;

	if (cols <= 0 || y < 0 || x < 0)
		return 0;
	used = pgiam_width_fit(&b, s ? s : "", cols, flags | PGIAM_FIT_ELLIPSIS);
	if (used < 0)
		pgiam_ui_fail("out of memory while drawing");
	attrset(pgiam_role_attr(role));
	mvaddstr(y, x, pgiam_buf_cstr(&b));
	attrset(A_NORMAL);
	pgiam_buf_dispose(&b);
	return used;
}

int pgiam_draw_text(int y, int x, int cols, pgiam_role role, const char *s)
{
	return put(y, x, cols, role, s, 0);
}

int pgiam_draw_field(int y, int x, int cols, pgiam_role role, const char *s)
{
	return put(y, x, cols, role, s, PGIAM_FIT_PAD);
}

void pgiam_draw_fill(int y, int x, int cols, pgiam_role role)
{
	put(y, x, cols, role, "", PGIAM_FIT_PAD);
}

int pgiam_draw_wrapped(pgiam_rect r, pgiam_role role, const char *text)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *p = NULL;
	int n = 0;

	if (r.w < 1 || r.h < 1)
		return 0;
	if (pgiam_width_wrap(&b, text ? text : "", r.w, 2) < 0)
		pgiam_ui_fail("out of memory while wrapping text");
	p = pgiam_buf_cstr(&b);
	while (*p && n < r.h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		if (!line)
			pgiam_ui_fail("out of memory while drawing");
		pgiam_draw_text(r.y + n++, r.x, r.w, role, line);
		free(line);
		p += len + (nl ? 1 : 0);
	}
	pgiam_buf_dispose(&b);
	return n;
}

int pgiam_text_line_count(const char *text)
{
	int n = 1;

	if (!text || !*text)
		return 0;
	for (const char *p = text; *p; p++)
		if (*p == '\n' && p[1])
			n++;
	return n;
}

void pgiam_draw_lines(pgiam_rect body, const char *text, int top)
{
	const char *p = text ? text : "";
	int line = 0;
	char *copy = NULL;

	while (*p && line < top + body.h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line >= top) {
			pgiam_role role = PGIAM_ROLE_NORMAL;

			copy = strndup(p, len);
			if (!copy)
				pgiam_ui_fail("out of memory while drawing");
			/* A tiny markup so text views can show headings and failures. */
			if (copy[0] == '#' && copy[1] == ' ')
				role = PGIAM_ROLE_HEADER;
			else if (!strncmp(copy, "FAIL", 4) || !strncmp(copy, "error", 5))
				role = PGIAM_ROLE_ERROR;
			else if (!strncmp(copy, "ok ", 3))
				role = PGIAM_ROLE_OK;
			pgiam_draw_text(body.y + line - top, body.x, body.w, role,
				role == PGIAM_ROLE_HEADER ? copy + 2 : copy);
			free(copy);
			copy = NULL;
		}
		line++;
		p = nl ? nl + 1 : p + len;
	}
}

const char *pgiam_wrapped_get(pgiam_wrapped *wr, const char *text, int w)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	if (wr->text && wr->width == w)
		return wr->text;
	free(wr->text);
	if (pgiam_width_wrap(&b, text, w, 4) < 0 || !(wr->text = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory while wrapping text");
	wr->width = w;
	return wr->text;
}

void pgiam_wrapped_reset(pgiam_wrapped *wr)
{
	free(wr->text);
	wr->text = NULL;
	wr->width = 0;
}
