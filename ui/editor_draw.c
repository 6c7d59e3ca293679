/* editor_draw.c - draws a pgiam_editor into a rectangle (editor.h): the visible
 * lines only, scrolled so the cursor stays in view, SQL highlighted by colour role
 * from the core's lexer (sqlsplit.h; plain under NO_COLOR), the server's error
 * position marked in the text itself. Every character goes through width.c's safe
 * form and width, as the rest of the UI. */
#include "editor_draw.h"

#include "draw.h"
#include "sqlsplit.h"
#include "width.h"

#include <string.h>

static pgiam_role token_role(const char *t, const pgiam_sql_token *tok)
{
	switch (tok->kind) {
	case PGIAM_SQL_TOK_WORD:
		return pgiam_sql_is_keyword(t + tok->start, tok->end - tok->start)
			? PGIAM_ROLE_SQL_KEYWORD : PGIAM_ROLE_NORMAL;
	case PGIAM_SQL_TOK_STRING:
	case PGIAM_SQL_TOK_DOLLAR:
		return PGIAM_ROLE_SQL_STRING;
	case PGIAM_SQL_TOK_COMMENT:
		return PGIAM_ROLE_SQL_COMMENT;
	case PGIAM_SQL_TOK_NUMBER:
	case PGIAM_SQL_TOK_PARAM:
		return PGIAM_ROLE_SQL_NUMBER;
	default:
		return PGIAM_ROLE_NORMAL;
	}
}

/* One character at (y, x) in its safe form. */
static void put_char(int y, int x, int cols, pgiam_role role, const char *c, size_t n)
{
	char one[8];

	if (n >= sizeof(one))
		n = sizeof(one) - 1;
	memcpy(one, c, n);
	one[n] = '\0';
	pgiam_draw_text(y, x, cols, role, one);
}

/* Scrolls so the cursor's line and column are inside r. */
static void follow_cursor(pgiam_editor *e, pgiam_rect r, int line, int col)
{
	if (line < e->top)
		e->top = line;
	if (line >= e->top + r.h)
		e->top = line - r.h + 1;
	if (col < e->left)
		e->left = col;
	if (col >= e->left + r.w)
		e->left = col - r.w + 1;
}

void pgiam_editor_draw(pgiam_editor *e, pgiam_rect r, int *cy, int *cx)
{
	const char *t = pgiam_editor_text(e);
	size_t len = pgiam_editor_len(e), pos;
	pgiam_sql_token tok = { PGIAM_SQL_TOK_SPACE, 0, 0, 0 };
	int line = 0, col = 0;

	if (r.w < 1 || r.h < 1)
		return;
	pgiam_editor_cursor_pos(e, &line, &col);
	follow_cursor(e, r, line, col);
	*cy = r.y + line - e->top;
	*cx = r.x + col - e->left;
	pos = pgiam_editor_line_offset(e, e->top);
	for (int row = 0; row < r.h; row++) {
		int x = 0;

		pgiam_draw_fill(r.y + row, r.x, r.w, PGIAM_ROLE_NORMAL);
		if (row > 0 && (pos > len || (pos == len && (!len || t[len - 1] != '\n'))))
			break;
		while (pos < len && t[pos] != '\n') {
			size_t next = pgiam_utf8_next(t, len, pos);
			int w = (int)pgiam_width_of_n(t + pos, next - pos);
			pgiam_role role;

			if (x + w > e->left + r.w)
				break;
			if (x >= e->left) {
				while (tok.end <= pos)
					pgiam_sql_token_at(&tok, t, len, tok.end);
				role = (long)pos == e->error_at ? PGIAM_ROLE_SQL_ERROR_MARK
					: token_role(t, &tok);
				put_char(r.y + row, r.x + x - e->left, w, role, t + pos, next - pos);
			}
			x += w;
			pos = next;
		}
		/* an error at a line end or at the end of the text: a marked blank */
		if ((long)pos == e->error_at && x >= e->left && x < e->left + r.w)
			pgiam_draw_text(r.y + row, r.x + x - e->left, 1, PGIAM_ROLE_SQL_ERROR_MARK, " ");
		while (pos < len && t[pos] != '\n')
			pos++;
		pos++;   /* past the line's '\n' (or past the end: no more lines) */
	}
}
