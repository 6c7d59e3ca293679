/* resultsql.c - resultsql.h: whether a statement is a plain SELECT (a small lexer
 * that skips strings, quoted identifiers, dollar quotes and comments, and looks at the
 * words outside them), and the cursor statements. Pure string building. */
#include "resultsql.h"

#include "ascii.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past the comment at p ("--" to the line end, nested slash-star comments). */
static const char *skip_comment(const char *p)
{
	int depth = 0;

	if (p[0] == '-' && p[1] == '-') {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	do {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			depth--;
			p += 2;
		} else if (*p) {
			p++;
		}
	} while (depth > 0 && *p);
	return p;
}

static int is_comment(const char *p)
{
	return (p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*');
}

static int word_char(unsigned char c)
{
	return pgiam_ascii_isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* The end of a dollar-quote tag starting at p ("$$", "$body$"), NULL when none. */
static const char *dollar_tag(const char *p)
{
	const char *q = p + 1;

	if (pgiam_ascii_isdigit((unsigned char)*q))
		return NULL;
	while (*q && *q != '$' && (pgiam_ascii_isalnum((unsigned char)*q) || *q == '_' ||
	    (unsigned char)*q >= 0x80))
		q++;
	return *q == '$' ? q + 1 : NULL;
}

/* Past the quoted text at p: '…' (E'…' with escapes when backslash), "…", $tag$…$tag$. */
static const char *skip_quoted(const char *p, int backslash)
{
	char quote = *p;
	const char *tag_end;

	if (quote == '$' && (tag_end = dollar_tag(p))) {
		size_t len = (size_t)(tag_end - p);
		const char *close = tag_end;

		while (*close && strncmp(close, p, len))
			close++;
		return *close ? close + len : close;
	}
	for (p++; *p; p++) {
		if (backslash && *p == '\\' && p[1])
			p++;
		else if (*p == quote && p[1] == quote)
			p++;
		else if (*p == quote)
			return p + 1;
	}
	return p;
}

typedef struct lexer {
	const char *p;
	int depth;
	char word[16];     /* the current word, lower case ("" for other tokens) */
	int word_depth;
	int semicolon;     /* a ';' outside parentheses was seen */
	const char *semi_at;       /* the first one */
	int after_semicolon_text;  /* something followed it */
} lexer;

/* The next word at any depth into lx->word; 0 at the end. */
static int next_word(lexer *lx)
{
	const char *p = lx->p;

	while (*p) {
		unsigned char c = (unsigned char)*p;

		if (pgiam_ascii_isspace(c)) {
			p++;
		} else if (is_comment(p)) {
			p = skip_comment(p);
		} else if (c == '\'' || c == '"') {
			p = skip_quoted(p, 0);
			if (lx->semicolon)
				lx->after_semicolon_text = 1;
		} else if (c == '$' && dollar_tag(p)) {
			p = skip_quoted(p, 0);
			if (lx->semicolon)
				lx->after_semicolon_text = 1;
		} else if (word_char(c)) {
			size_t n = 0;
			const char *w = p;

			while (word_char((unsigned char)*p))
				p++;
			/* E'…' and U&'…' strings */
			if (*p == '\'' && p - w == 1 && (*w == 'e' || *w == 'E')) {
				p = skip_quoted(p, 1);
				continue;
			}
			if (lx->semicolon)
				lx->after_semicolon_text = 1;
			for (; w < p && n + 1 < sizeof(lx->word); w++, n++)
				lx->word[n] = (char)pgiam_ascii_tolower((unsigned char)*w);
			lx->word[n] = '\0';
			if (p - w > 0)        /* longer than any keyword we look for */
				lx->word[0] = '#';
			lx->word_depth = lx->depth;
			lx->p = p;
			return 1;
		} else {
			if (c == '(')
				lx->depth++;
			else if (c == ')')
				lx->depth -= lx->depth > 0;
			else if (c == ';' && !lx->depth) {
				if (!lx->semicolon)
					lx->semi_at = p;
				lx->semicolon = 1;
			}
			else if (lx->semicolon)
				lx->after_semicolon_text = 1;
			p++;
		}
	}
	lx->p = p;
	return 0;
}

static int is(const lexer *lx, const char *w)
{
	return !strcmp(lx->word, w);
}

int pgiam_resultsql_is_plain_select(const char *sql)
{
	lexer lx = { .p = sql ? sql : "" };
	int first = 1, after_for = 0;

	while (next_word(&lx)) {
		if (first) {
			first = 0;
			if (!is(&lx, "select") && !is(&lx, "with") && !is(&lx, "values") &&
			    !is(&lx, "table"))
				return 0;
			continue;
		}
		if (lx.semicolon)
			return 0;   /* a second statement */
		/* a data-modifying WITH, or a writing word anywhere: not a plain read */
		if (is(&lx, "insert") || is(&lx, "update") || is(&lx, "delete") ||
		    is(&lx, "merge"))
			return 0;
		if (lx.word_depth == 0 && is(&lx, "into"))
			return 0;   /* SELECT … INTO creates a table */
		if (after_for && (is(&lx, "share") || is(&lx, "no") || is(&lx, "key")))
			return 0;   /* FOR SHARE / NO KEY UPDATE / KEY SHARE */
		after_for = is(&lx, "for");
	}
	return !first && !lx.after_semicolon_text;
}

int pgiam_resultsql_statement(pgiam_buf *out, const char *sql)
{
	const char *start = sql ? sql : "", *end = NULL;
	lexer lx = { 0 };

	while (*start && (pgiam_ascii_isspace((unsigned char)*start) || is_comment(start)))
		start = is_comment(start) ? skip_comment(start) : start + 1;
	lx.p = start;
	while (next_word(&lx))
		;
	end = lx.semi_at ? lx.semi_at : lx.p;
	while (end > start && pgiam_ascii_isspace((unsigned char)end[-1]))
		end--;
	if (end == start)
		return pgiam_error_set(PGIAM_EINVAL, "no statement");
	return pgiam_buf_put(out, start, (size_t)(end - start));
}

int pgiam_resultsql_open(pgiam_buf *out, const char *sql, int in_txn, size_t fetch)
{
	pgiam_buf stmt = PGIAM_BUF_INIT;
	int error = 0;

	if (!pgiam_resultsql_is_plain_select(sql))
		return pgiam_error_set(PGIAM_EINVAL, "not a plain SELECT: read as it comes");
	if (!fetch)
		return pgiam_error_set(PGIAM_EINVAL, "cursor: no rows to fetch");
	if ((error = pgiam_resultsql_statement(&stmt, sql)) < 0)
		goto cleanup;
	/* the line break ends a trailing "--" comment the statement may have */
	error = pgiam_buf_printf(out, "%s; DECLARE " PGIAM_RESULT_CURSOR " SCROLL CURSOR FOR "
		"%s\n; FETCH FORWARD %zu FROM " PGIAM_RESULT_CURSOR "%s",
		in_txn ? "SAVEPOINT " PGIAM_RESULT_CURSOR : "BEGIN", pgiam_buf_cstr(&stmt), fetch,
		in_txn ? "; RELEASE SAVEPOINT " PGIAM_RESULT_CURSOR : "");
cleanup:
	pgiam_buf_dispose(&stmt);
	return error;
}

int pgiam_resultsql_fetch(pgiam_buf *out, unsigned long long at, size_t n, int in_txn)
{
	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "cursor: no rows to fetch");
	return pgiam_buf_printf(out, "%sMOVE ABSOLUTE %llu FROM " PGIAM_RESULT_CURSOR
		"; FETCH FORWARD %zu FROM " PGIAM_RESULT_CURSOR "%s",
		in_txn ? "SAVEPOINT pgiam_fetch; " : "", at, n,
		in_txn ? "; RELEASE SAVEPOINT pgiam_fetch" : "");
}

int pgiam_resultsql_end(pgiam_buf *out, unsigned long long pos, size_t n, int in_txn)
{
	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "cursor: no rows to fetch");
	return pgiam_buf_printf(out, "%sMOVE ABSOLUTE %llu FROM " PGIAM_RESULT_CURSOR
		"; MOVE ALL FROM " PGIAM_RESULT_CURSOR "; FETCH BACKWARD %zu FROM "
		PGIAM_RESULT_CURSOR "%s", in_txn ? "SAVEPOINT pgiam_fetch; " : "", pos, n,
		in_txn ? "; RELEASE SAVEPOINT pgiam_fetch" : "");
}

int pgiam_resultsql_close(pgiam_buf *out, int in_txn)
{
	return pgiam_buf_puts(out, in_txn ? "CLOSE " PGIAM_RESULT_CURSOR :
		"CLOSE " PGIAM_RESULT_CURSOR "; COMMIT");
}

int pgiam_resultsql_recover(pgiam_buf *out, int in_txn, int at_open)
{
	if (!in_txn)
		return pgiam_buf_puts(out, "ROLLBACK");
	return pgiam_buf_printf(out, "ROLLBACK TO SAVEPOINT %s; RELEASE SAVEPOINT %s",
		at_open ? PGIAM_RESULT_CURSOR : "pgiam_fetch",
		at_open ? PGIAM_RESULT_CURSOR : "pgiam_fetch");
}

long long pgiam_resultsql_move_count(const char *tag)
{
	char *end = NULL;
	long long n;

	if (!tag || strncmp(tag, "MOVE ", 5) || !pgiam_ascii_isdigit((unsigned char)tag[5]))
		return -1;
	n = strtoll(tag + 5, &end, 10);
	return *end ? -1 : n;
}
