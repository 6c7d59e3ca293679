/* sqlsplit.c - a lexer for SQL text the way PostgreSQL's scan.l reads it, enough to
 * split statements and highlight them (see sqlsplit.h). */
#include "sqlsplit.h"

#include <string.h>
#include <strings.h>

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* scan.l's ident_start and ident_cont (bytes >= 0x80 are letters to it). */
static int ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int ident_cont(unsigned char c)
{
	return ident_start(c) || is_digit(c) || c == '$';
}

/* A quoted run from pos (at the opening quote) to after its closing quote; a doubled
 * quote is the quote itself, a backslash escapes the next byte when backslash. */
static size_t quoted(pgiam_sql_token *t, const char *s, size_t len, size_t pos, int backslash)
{
	char q = s[pos++];

	while (pos < len) {
		if (backslash && s[pos] == '\\' && pos + 1 < len) {
			pos += 2;
		} else if (s[pos] == q) {
			if (pos + 1 < len && s[pos + 1] == q)
				pos += 2;
			else
				return pos + 1;
		} else {
			pos++;
		}
	}
	t->unterminated = 1;
	return len;
}

/* The end of a dollar-quote tag opening at pos ("$" or "$tag$"), 0 when it is not one. */
static size_t dollar_tag(const char *s, size_t len, size_t pos)
{
	size_t p = pos + 1;

	if (p < len && s[p] == '$')
		return p + 1;
	if (p >= len || !ident_start((unsigned char)s[p]))
		return 0;
	while (p < len && ident_cont((unsigned char)s[p]) && s[p] != '$')
		p++;
	return p < len && s[p] == '$' ? p + 1 : 0;
}

static size_t dollar_body(pgiam_sql_token *t, const char *s, size_t len, size_t pos,
	size_t tag_end)
{
	size_t tlen = tag_end - pos;

	for (size_t p = tag_end; p + tlen <= len; p++)
		if (s[p] == '$' && !memcmp(s + p, s + pos, tlen))
			return p + tlen;
	t->unterminated = 1;
	return len;
}

/* A block comment from pos ("/" "*"): they nest, as the server reads them. */
static size_t block_comment(pgiam_sql_token *t, const char *s, size_t len, size_t pos)
{
	size_t depth = 0;

	while (pos < len) {
		if (s[pos] == '/' && pos + 1 < len && s[pos + 1] == '*') {
			depth++;
			pos += 2;
		} else if (s[pos] == '*' && pos + 1 < len && s[pos + 1] == '/') {
			pos += 2;
			if (--depth == 0)
				return pos;
		} else {
			pos++;
		}
	}
	t->unterminated = 1;
	return len;
}

static size_t number(const char *s, size_t len, size_t pos)
{
	while (pos < len && (is_digit((unsigned char)s[pos]) || s[pos] == '_' || s[pos] == '.' ||
	       (s[pos] >= 'a' && s[pos] <= 'z') || (s[pos] >= 'A' && s[pos] <= 'Z'))) {
		if ((s[pos] == 'e' || s[pos] == 'E') && pos + 2 < len &&
		    (s[pos + 1] == '+' || s[pos + 1] == '-') && is_digit((unsigned char)s[pos + 2]))
			pos += 2;
		pos++;
	}
	return pos;
}

/* A word; a one- or two-letter prefix glued to a quote makes a string (E'…' takes
 * backslash escapes, B'…', X'…', N'…', U&'…' do not) or U&"…" an identifier. */
static size_t word(pgiam_sql_token *t, const char *s, size_t len, size_t pos)
{
	size_t p = pos;
	unsigned char c = (unsigned char)s[pos];

	if (pos + 1 < len && s[pos + 1] == '\'' && strchr("eEbBxXnN", c)) {
		t->kind = PGIAM_SQL_TOK_STRING;
		return quoted(t, s, len, pos + 1, c == 'e' || c == 'E');
	}
	if ((c == 'u' || c == 'U') && pos + 2 < len && s[pos + 1] == '&' &&
	    (s[pos + 2] == '\'' || s[pos + 2] == '"')) {
		t->kind = s[pos + 2] == '"' ? PGIAM_SQL_TOK_IDENT : PGIAM_SQL_TOK_STRING;
		return quoted(t, s, len, pos + 2, 0);
	}
	while (p < len && ident_cont((unsigned char)s[p]))
		p++;
	t->kind = PGIAM_SQL_TOK_WORD;
	return p;
}

size_t pgiam_sql_token_at(pgiam_sql_token *t, const char *s, size_t len, size_t pos)
{
	unsigned char c = (unsigned char)s[pos];
	size_t end = pos + 1, tag = 0;

	memset(t, 0, sizeof(*t));
	t->start = pos;
	t->kind = PGIAM_SQL_TOK_OTHER;
	if (is_space(c)) {
		t->kind = PGIAM_SQL_TOK_SPACE;
		while (end < len && is_space((unsigned char)s[end]))
			end++;
	} else if (c == '-' && pos + 1 < len && s[pos + 1] == '-') {
		t->kind = PGIAM_SQL_TOK_COMMENT;
		while (end < len && s[end] != '\n')
			end++;
	} else if (c == '/' && pos + 1 < len && s[pos + 1] == '*') {
		t->kind = PGIAM_SQL_TOK_COMMENT;
		end = block_comment(t, s, len, pos);
	} else if (c == '\'') {
		t->kind = PGIAM_SQL_TOK_STRING;
		end = quoted(t, s, len, pos, 0);
	} else if (c == '"') {
		t->kind = PGIAM_SQL_TOK_IDENT;
		end = quoted(t, s, len, pos, 0);
	} else if (c == '$' && pos + 1 < len && is_digit((unsigned char)s[pos + 1])) {
		t->kind = PGIAM_SQL_TOK_PARAM;
		end = pos + 1;
		while (end < len && is_digit((unsigned char)s[end]))
			end++;
	} else if (c == '$' && (tag = dollar_tag(s, len, pos))) {
		t->kind = PGIAM_SQL_TOK_DOLLAR;
		end = dollar_body(t, s, len, pos, tag);
	} else if (is_digit(c) || (c == '.' && pos + 1 < len && is_digit((unsigned char)s[pos + 1]))) {
		t->kind = PGIAM_SQL_TOK_NUMBER;
		end = number(s, len, pos + 1);
	} else if (ident_start(c)) {
		end = word(t, s, len, pos);
	} else if (c == ';') {
		t->kind = PGIAM_SQL_TOK_SEMI;
	} else if (c == '(' || c == '[') {
		t->kind = PGIAM_SQL_TOK_OPEN;
	} else if (c == ')' || c == ']') {
		t->kind = PGIAM_SQL_TOK_CLOSE;
	}
	t->end = end;
	return end;
}

int pgiam_sql_next(pgiam_sql_stmt *out, const char *s, size_t len, size_t pos)
{
	pgiam_sql_token t;
	size_t depth = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len && is_space((unsigned char)s[pos]))
		pos++;
	if (pos >= len)
		return 0;
	out->start = pos;
	out->blank = 1;
	while (pos < len) {
		pos = pgiam_sql_token_at(&t, s, len, pos);
		if (t.kind == PGIAM_SQL_TOK_SEMI && !depth) {
			out->terminated = 1;
			break;
		}
		if (t.kind == PGIAM_SQL_TOK_OPEN)
			depth++;
		else if (t.kind == PGIAM_SQL_TOK_CLOSE && depth)
			depth--;
		if (t.kind != PGIAM_SQL_TOK_SPACE && t.kind != PGIAM_SQL_TOK_COMMENT)
			out->blank = 0;
	}
	out->end = pos;
	return 1;
}

int pgiam_sql_complete(const char *s, size_t len)
{
	pgiam_sql_stmt st;
	size_t pos = 0;
	int runnable = 0;

	while (pgiam_sql_next(&st, s, len, pos)) {
		if (!st.terminated && !st.blank)
			return 0;    /* an unfinished statement at the end */
		if (!st.terminated) {
			/* trailing comments: fine after a ';', but not an open block comment */
			pgiam_sql_token t;

			for (size_t p = st.start; p < st.end;) {
				p = pgiam_sql_token_at(&t, s, len, p);
				if (t.unterminated)
					return 0;
			}
			break;
		}
		runnable |= !st.blank;
		pos = st.end;
	}
	return runnable;
}

int pgiam_sql_at_cursor(pgiam_sql_stmt *out, const char *s, size_t len, size_t cursor)
{
	pgiam_sql_stmt st;
	size_t pos = 0;
	int found = 0;

	while (pgiam_sql_next(&st, s, len, pos)) {
		pos = st.end;
		if (st.blank) {
			if (st.start > cursor && found)
				break;
			continue;
		}
		if (st.start > cursor && found)
			break;
		*out = st;
		found = 1;
		if (cursor < st.end || (!st.terminated && cursor <= st.end))
			break;
	}
	return found;
}

/* The first n words of the text (comments and white space skipped);
 * returns how many were found. A token that is not a word ends them. */
static size_t first_words(pgiam_sql_token *w, size_t n, const char *s, size_t len)
{
	size_t got = 0;

	for (size_t pos = 0; pos < len && got < n;) {
		pgiam_sql_token t;

		pos = pgiam_sql_token_at(&t, s, len, pos);
		if (t.kind == PGIAM_SQL_TOK_SPACE || t.kind == PGIAM_SQL_TOK_COMMENT)
			continue;
		if (t.kind != PGIAM_SQL_TOK_WORD)
			break;
		w[got++] = t;
	}
	return got;
}

static int word_is(const pgiam_sql_token *t, const char *s, const char *word)
{
	size_t n = strlen(word);

	return t->end - t->start == n && !strncasecmp(s + t->start, word, n);
}

int pgiam_sql_needs_begin(const char *s, size_t len)
{
	static const char *const alone[] = {
		"begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release",
		"vacuum",
	};
	pgiam_sql_token w[4];
	size_t n = first_words(w, 4, s, len);

	if (!n) {
		pgiam_sql_stmt st;
		/* a statement that starts with no word ("(select 1)", "with"…: a word) */
		return pgiam_sql_next(&st, s, len, 0) && !st.blank;
	}
	for (size_t i = 0; i < sizeof(alone) / sizeof(alone[0]); i++)
		if (word_is(&w[0], s, alone[i]))
			return 0;
	if (word_is(&w[0], s, "prepare"))
		return !(n > 1 && word_is(&w[1], s, "transaction"));
	if (word_is(&w[0], s, "cluster"))
		return n > 1;   /* CLUSTER alone runs outside a transaction; CLUSTER t may not */
	if ((word_is(&w[0], s, "create") || word_is(&w[0], s, "drop")) && n > 1 &&
	    (word_is(&w[1], s, "database") || word_is(&w[1], s, "tablespace")))
		return 0;
	if ((word_is(&w[0], s, "create") || word_is(&w[0], s, "drop")) && n > 2) {
		/* CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY */
		size_t i = word_is(&w[1], s, "unique") ? 2 : 1;

		if (i + 1 < n && word_is(&w[i], s, "index") && word_is(&w[i + 1], s, "concurrently"))
			return 0;
	}
	if (word_is(&w[0], s, "reindex") && n > 1 &&
	    (word_is(&w[1], s, "database") || word_is(&w[1], s, "system")))
		return 0;
	if (word_is(&w[0], s, "alter") && n > 1 && word_is(&w[1], s, "system"))
		return 0;
	if (word_is(&w[0], s, "discard") && n > 1 && word_is(&w[1], s, "all"))
		return 0;
	return 1;
}

/* Reserved and common non-reserved words of PostgreSQL's grammar (kwlist.h), sorted. */
static const char *const keywords[] = {
	"ABORT", "ADD", "ALL", "ALTER", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC",
	"ASYMMETRIC", "BEGIN", "BETWEEN", "BIGINT", "BOOLEAN", "BOTH", "BUFFERS", "BY",
	"CALL", "CASCADE", "CASE", "CAST", "CHECK", "CHECKPOINT", "COLLATE", "COLUMN",
	"COMMENT", "COMMIT", "CONCURRENTLY", "CONFLICT", "CONSTRAINT", "COPY", "COSTS",
	"CREATE", "CROSS", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIMESTAMP",
	"CURRENT_USER", "CURSOR", "DATABASE", "DEALLOCATE", "DECLARE", "DEFAULT",
	"DEFERRABLE", "DELETE", "DESC", "DISCARD", "DISTINCT", "DO", "DROP", "ELSE", "END",
	"EXCEPT", "EXECUTE", "EXISTS", "EXPLAIN", "EXTENSION", "FALSE", "FETCH", "FILTER",
	"FOR", "FOREIGN", "FORMAT", "FROM", "FULL", "FUNCTION", "GRANT", "GROUP", "HAVING",
	"IF", "ILIKE", "IN", "INDEX", "INNER", "INSERT", "INTEGER", "INTERSECT", "INTERVAL",
	"INTO", "IS", "JOIN", "JSON", "KEY", "LANGUAGE", "LATERAL", "LEADING", "LEFT", "LIKE",
	"LIMIT", "LISTEN", "LOCK", "MATERIALIZED", "MOVE", "NATURAL", "NOT", "NOTHING",
	"NOTIFY", "NULL", "NULLS", "NUMERIC", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OUTER",
	"OVER", "OWNER", "PARTITION", "PASSWORD", "PLPGSQL", "PREPARE", "PRIMARY",
	"PROCEDURE", "REFERENCES", "REFRESH", "REINDEX", "RELEASE", "RENAME", "REPLACE",
	"RESET", "RESTRICT", "RETURNING", "RETURNS", "REVOKE", "RIGHT", "ROLE", "ROLLBACK",
	"ROW", "ROWS", "SAVEPOINT", "SCHEMA", "SELECT", "SEQUENCE", "SESSION_USER", "SET",
	"SHOW", "SOME", "START", "SYMMETRIC", "TABLE", "TABLESAMPLE", "TEMPORARY", "TEXT",
	"THEN", "TO", "TRAILING", "TRANSACTION", "TRIGGER", "TRUE", "TRUNCATE", "TYPE",
	"UNION", "UNIQUE", "UNLISTEN", "UPDATE", "USER", "USING", "VACUUM", "VALUES",
	"VARCHAR", "VARIADIC", "VERBOSE", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH", "WORK",
};

int pgiam_sql_is_keyword(const char *word, size_t len)
{
	size_t lo = 0, hi = sizeof(keywords) / sizeof(keywords[0]);
	char up[24];

	if (!len || len >= sizeof(up))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)word[i];
		up[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	up[len] = '\0';
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(up, keywords[mid]);

		if (!cmp)
			return 1;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *pgiam_sql_keyword(size_t n)
{
	return n < sizeof(keywords) / sizeof(keywords[0]) ? keywords[n] : NULL;
}
