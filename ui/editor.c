/* editor.c - the SQL editor's model: buffer, cursor, moves, kills, undo (editor.h). */
#include "editor.h"

#include "error.h"
#include "sqlsplit.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>

void pgiam_editor_init(pgiam_editor *e)
{
	memset(e, 0, sizeof(*e));
	e->goal_col = -1;
	e->error_at = -1;
}

void pgiam_editor_dispose(pgiam_editor *e)
{
	for (size_t i = 0; i < e->nundo; i++)
		free(e->undo[i].text);
	pgiam_buf_dispose(&e->text);
	pgiam_editor_init(e);
}

const char *pgiam_editor_text(const pgiam_editor *e)
{
	return pgiam_buf_cstr(&e->text);
}

size_t pgiam_editor_len(const pgiam_editor *e)
{
	return e->text.len;
}

/* Keeps the text before an edit for undo (the oldest go past the limit). */
static int snapshot(pgiam_editor *e)
{
	pgiam_editor_snap sn;

	sn.len = e->text.len;
	sn.cursor = e->cursor;
	if (!(sn.text = malloc(sn.len + 1)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the editor's undo");
	memcpy(sn.text, pgiam_buf_cstr(&e->text), sn.len + 1);
	if (e->nundo == PGIAM_EDITOR_UNDO_MAX) {
		free(e->undo[0].text);
		memmove(e->undo, e->undo + 1, (e->nundo - 1) * sizeof(e->undo[0]));
		e->nundo--;
	}
	e->undo[e->nundo++] = sn;
	return 0;
}

/* Replaces bytes [from, to) with ins; the cursor goes after the insert. */
static int splice(pgiam_editor *e, size_t from, size_t to, const char *ins, size_t n)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *t = pgiam_buf_cstr(&e->text);

	if (pgiam_buf_put(&b, t, from) < 0 || pgiam_buf_put(&b, ins, n) < 0 ||
	    pgiam_buf_put(&b, t + to, e->text.len - to) < 0 || pgiam_buf_putc(&b, '\0') < 0) {
		pgiam_buf_dispose(&b);
		return PGIAM_ENOMEM;
	}
	b.len--;   /* the NUL added for an empty result */
	pgiam_buf_dispose(&e->text);
	e->text = b;
	e->cursor = from + n;
	e->goal_col = -1;
	e->error_at = -1;   /* the text changed: the server's position means nothing now */
	return 0;
}

int pgiam_editor_set(pgiam_editor *e, const char *text, size_t len)
{
	int rc;

	if ((rc = snapshot(e)) < 0)
		return rc;
	e->typing = 0;
	rc = splice(e, 0, e->text.len, text, len);
	e->top = 0;
	e->left = 0;
	return rc;
}

int pgiam_editor_insert(pgiam_editor *e, const char *text, size_t len, int typed)
{
	int rc;

	if (!(typed && e->typing) && (rc = snapshot(e)) < 0)
		return rc;
	e->typing = typed;
	return splice(e, e->cursor, e->cursor, text, len);
}

static size_t line_start(const char *t, size_t pos)
{
	while (pos && t[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t line_end(const char *t, size_t len, size_t pos)
{
	while (pos < len && t[pos] != '\n')
		pos++;
	return pos;
}

/* A character of an SQL word: letters, digits, _, $ and anything not ASCII. */
static int word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || c >= 0x80;
}

static size_t word_left(const char *t, size_t pos)
{
	while (pos && !word_char((unsigned char)t[pos - 1]))
		pos--;
	while (pos && word_char((unsigned char)t[pos - 1]))
		pos--;
	return pos;
}

static size_t word_right(const char *t, size_t len, size_t pos)
{
	while (pos < len && !word_char((unsigned char)t[pos]))
		pos++;
	while (pos < len && word_char((unsigned char)t[pos]))
		pos++;
	return pos;
}

static int col_of(const char *t, size_t from, size_t to)
{
	return (int)pgiam_width_of_n(t + from, to - from);
}

/* The offset in the line starting at ls that is at display column col (or its end). */
static size_t at_col(const char *t, size_t len, size_t ls, int col)
{
	size_t end = line_end(t, len, ls), p = ls;

	while (p < end) {
		size_t next = pgiam_utf8_next(t, len, p);

		if (col_of(t, ls, next) > col)
			break;
		p = next;
	}
	return p;
}

static int vertical(pgiam_editor *e, int down)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t len = e->text.len, ls = line_start(t, e->cursor);

	if (e->goal_col < 0)
		e->goal_col = col_of(t, ls, e->cursor);
	if (down) {
		size_t le = line_end(t, len, e->cursor);
		if (le >= len)
			return 0;
		e->cursor = at_col(t, len, le + 1, e->goal_col);
	} else {
		if (!ls)
			return 0;
		e->cursor = at_col(t, len, line_start(t, ls - 1), e->goal_col);
	}
	return 1;
}

int pgiam_editor_move_cursor(pgiam_editor *e, pgiam_editor_move m)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t len = e->text.len, was = e->cursor;

	e->typing = 0;
	if (m == PGIAM_EDITOR_UP || m == PGIAM_EDITOR_DOWN)
		return vertical(e, m == PGIAM_EDITOR_DOWN);
	e->goal_col = -1;
	switch (m) {
	case PGIAM_EDITOR_LEFT:
		e->cursor = pgiam_utf8_prev(t, e->cursor);
		break;
	case PGIAM_EDITOR_RIGHT:
		e->cursor = pgiam_utf8_next(t, len, e->cursor);
		break;
	case PGIAM_EDITOR_LINE_START:
		e->cursor = line_start(t, e->cursor);
		break;
	case PGIAM_EDITOR_LINE_END:
		e->cursor = line_end(t, len, e->cursor);
		break;
	case PGIAM_EDITOR_WORD_LEFT:
		e->cursor = word_left(t, e->cursor);
		break;
	case PGIAM_EDITOR_WORD_RIGHT:
		e->cursor = word_right(t, len, e->cursor);
		break;
	case PGIAM_EDITOR_START:
		e->cursor = 0;
		break;
	default:
		e->cursor = len;
		break;
	}
	return e->cursor != was;
}

int pgiam_editor_delete(pgiam_editor *e, pgiam_editor_kill k)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t len = e->text.len, from = e->cursor, to = e->cursor;
	int rc;

	switch (k) {
	case PGIAM_EDITOR_DEL_BACK:
		from = pgiam_utf8_prev(t, e->cursor);
		break;
	case PGIAM_EDITOR_DEL_FWD:
		to = pgiam_utf8_next(t, len, e->cursor);
		break;
	case PGIAM_EDITOR_WORD_BACK:
		/* Ctrl-W as readline's unix-word-rubout: back over blanks, then non-blanks */
		while (from && (t[from - 1] == ' ' || t[from - 1] == '\t' || t[from - 1] == '\n'))
			from--;
		while (from && t[from - 1] != ' ' && t[from - 1] != '\t' && t[from - 1] != '\n')
			from--;
		break;
	case PGIAM_EDITOR_TO_LINE_END:
		to = line_end(t, len, e->cursor);
		if (to == e->cursor && to < len)
			to++;
		break;
	case PGIAM_EDITOR_TO_LINE_START:
		from = line_start(t, e->cursor);
		if (from == e->cursor && from)
			from--;
		break;
	default:
		from = 0;
		to = len;
		break;
	}
	if (from == to)
		return 0;
	e->typing = 0;
	if ((rc = snapshot(e)) < 0 || (rc = splice(e, from, to, "", 0)) < 0)
		return rc;
	e->cursor = from;
	return 1;
}

int pgiam_editor_undo(pgiam_editor *e)
{
	pgiam_editor_snap sn;

	if (!e->nundo)
		return 0;
	sn = e->undo[--e->nundo];
	pgiam_buf_dispose(&e->text);
	if (pgiam_buf_put(&e->text, sn.text, sn.len) < 0 || (!sn.len && pgiam_buf_putc(&e->text, '\0') < 0)) {
		free(sn.text);
		return PGIAM_ENOMEM;
	}
	if (!sn.len)
		e->text.len = 0;
	free(sn.text);
	e->cursor = sn.cursor;
	e->goal_col = -1;
	e->typing = 0;
	e->error_at = -1;
	return 1;
}

void pgiam_editor_cursor_pos(const pgiam_editor *e, int *line, int *col)
{
	const char *t = pgiam_buf_cstr(&e->text);
	int n = 0;

	for (size_t i = 0; i < e->cursor; i++)
		n += t[i] == '\n';
	*line = n;
	*col = col_of(t, line_start(t, e->cursor), e->cursor);
}

int pgiam_editor_lines(const pgiam_editor *e)
{
	const char *t = pgiam_buf_cstr(&e->text);
	int n = 1;

	for (size_t i = 0; i < e->text.len; i++)
		n += t[i] == '\n';
	return n;
}

size_t pgiam_editor_line_offset(const pgiam_editor *e, int n)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t p = 0;

	while (n > 0) {
		const char *nl = memchr(t + p, '\n', e->text.len - p);
		if (!nl)
			break;
		p = (size_t)(nl - t) + 1;
		n--;
	}
	return p;
}

size_t pgiam_editor_char_offset(const pgiam_editor *e, size_t stmt_start, int position)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t p = stmt_start;

	for (int i = 1; i < position && p < e->text.len; i++)
		p = pgiam_utf8_next(t, e->text.len, p);
	return p;
}

size_t pgiam_editor_word_start(const pgiam_editor *e)
{
	const char *t = pgiam_buf_cstr(&e->text);
	size_t p = e->cursor;

	while (p && word_char((unsigned char)t[p - 1]))
		p--;
	return p;
}

int pgiam_editor_statement_at(const pgiam_editor *e, size_t *start, size_t *len)
{
	pgiam_sql_stmt st;

	if (!pgiam_sql_at_cursor(&st, pgiam_buf_cstr(&e->text), e->text.len, e->cursor))
		return 0;
	*start = st.start;
	*len = st.end - st.start - (st.terminated ? 1 : 0);
	return 1;
}
