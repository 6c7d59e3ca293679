/* quote.c - SQL identifiers and literals (see quote.h). */
#include "quote.h"

#include "error.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (0 when invalid: overlong forms, surrogates
 * and code points above U+10FFFF are refused as PostgreSQL refuses them). */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = 0;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
		return 0;
	if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
		return 0;
	return n;
}

int pgiam_sql_check_utf8(const char *s, const char *what)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_seq(p);

		if (!n)
			return pgiam_error_set(PGIAM_EINVAL, "%s: not valid UTF-8", what);
		p += n;
	}
	return 0;
}

/* Appends s with each `q` doubled (and each backslash too when `backslash`), between
 * q's; on failure the buffer is cut back to where it was. */
static int put_quoted(pgiam_buf *out, const char *prefix, char q, int backslash, const char *s)
{
	size_t start = out->len;
	int error = 0;

	if ((error = pgiam_buf_puts(out, prefix)) < 0 || (error = pgiam_buf_putc(out, q)) < 0)
		goto cleanup;
	for (const char *p = s; *p; p++) {
		if ((*p == q || (backslash && *p == '\\')) && (error = pgiam_buf_putc(out, *p)) < 0)
			goto cleanup;
		if ((error = pgiam_buf_putc(out, *p)) < 0)
			goto cleanup;
	}
	error = pgiam_buf_putc(out, q);
cleanup:
	if (error < 0 && out->ptr) {
		out->len = start;
		out->ptr[start] = '\0';
	}
	return error;
}

int pgiam_sql_quote_ident(pgiam_buf *out, const char *name)
{
	int error = 0;

	if (!name || !*name)
		return pgiam_error_set(PGIAM_EINVAL, "identifier: empty name");
	if ((error = pgiam_sql_check_utf8(name, "identifier")) < 0)
		return error;
	return put_quoted(out, "", '"', 0, name);
}

int pgiam_sql_reserved_word(const char *s)
{
	/* PostgreSQL 15's reserved keywords and its type_func_name keywords. */
	static const char *const words[] = { "all", "analyse", "analyze", "and", "any",
		"array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case",
		"cast", "check", "collate", "collation", "column", "concurrently", "constraint",
		"create", "cross", "current_catalog", "current_date", "current_role",
		"current_schema", "current_time", "current_timestamp", "current_user", "default",
		"deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
		"for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
		"in", "initially", "inner", "intersect", "into", "is", "isnull", "join",
		"lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
		"natural", "not", "notnull", "null", "offset", "on", "only", "or", "order",
		"outer", "overlaps", "placing", "primary", "references", "returning", "right",
		"select", "session_user", "similar", "some", "symmetric", "table", "tablesample",
		"then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
		"verbose", "when", "where", "window", "with" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return 1;
	return 0;
}

static int plain_ident(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
			return 0;
	return !pgiam_sql_reserved_word(s);
}

int pgiam_sql_quote_ident_if_needed(pgiam_buf *out, const char *name)
{
	if (name && plain_ident(name))
		return pgiam_buf_puts(out, name);
	return pgiam_sql_quote_ident(out, name);
}

int pgiam_sql_quote_literal(pgiam_buf *out, const char *value)
{
	int error = 0;

	if (!value)
		return pgiam_error_set(PGIAM_EINVAL, "literal: no value");
	if ((error = pgiam_sql_check_utf8(value, "literal")) < 0)
		return error;
	/* The E'' form (with a space before it, as PQescapeLiteral writes it) means the
	 * same whatever standard_conforming_strings says. */
	if (strchr(value, '\\'))
		return put_quoted(out, " E", '\'', 1, value);
	return put_quoted(out, "", '\'', 0, value);
}
