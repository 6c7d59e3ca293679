/* sqlmask.c - password literals masked out of SQL text (see sqlmask.h). */
#include "sqlmask.h"

#include "sqlsplit.h"

#include <strings.h>

static int is_word(const pgiam_sql_token *t, const char *sql, const char *word, size_t wlen)
{
	return t->kind == PGIAM_SQL_TOK_WORD && t->end - t->start == wlen &&
		!strncasecmp(sql + t->start, word, wlen);
}

static int is_literal(const pgiam_sql_token *t)
{
	return t->kind == PGIAM_SQL_TOK_STRING || t->kind == PGIAM_SQL_TOK_DOLLAR;
}

/* The end of the literal run after the keyword at pos (white space and comments
 * between, adjacent literals glued as the server glues them): its start in *start,
 * or 0 when no literal follows. */
static size_t literal_after(size_t *start, const char *sql, size_t len, size_t pos)
{
	pgiam_sql_token t;
	size_t end = 0;

	while (pos < len) {
		size_t next = pgiam_sql_token_at(&t, sql, len, pos);

		if (t.kind == PGIAM_SQL_TOK_SPACE || t.kind == PGIAM_SQL_TOK_COMMENT) {
			pos = next;
			continue;
		}
		if (!is_literal(&t))
			break;
		if (!end)
			*start = t.start;
		end = next;
		pos = next;
	}
	return end;
}

int pgiam_sql_mask_passwords(pgiam_buf *out, const char *sql, size_t len, size_t *masked)
{
	size_t pos = 0, copied = 0, n = 0;
	int error = 0;
	pgiam_sql_token t;

	while (pos < len && error == 0) {
		size_t next = pgiam_sql_token_at(&t, sql, len, pos);
		size_t lit = 0, lit_end = 0;

		if (is_word(&t, sql, "password", 8) &&
		    (lit_end = literal_after(&lit, sql, len, next)) > 0) {
			if ((error = pgiam_buf_put(out, sql + copied, lit - copied)) == 0)
				error = pgiam_buf_puts(out, PGIAM_SQL_MASK);
			copied = lit_end;
			next = lit_end;
			n++;
		}
		pos = next;
	}
	if (error == 0)
		error = pgiam_buf_put(out, sql + copied, len - copied);
	if (masked)
		*masked = n;
	return error;
}
