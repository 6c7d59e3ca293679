/* quote.h - the one SQL quoting helper: identifiers and literals written into SQL text
 * that pgiam builds (the browser's statements, `pgiam policy`'s script, grants). The
 * same text as libpq's PQescapeIdentifier and PQescapeLiteral, without a connection,
 * so that string-building code stays unit-testable. Every name is refused unless it
 * is valid UTF-8 (the sandbox and RDS use UTF8 databases): a stray byte could change
 * how the server splits the statement. */
#ifndef PGIAM_QUOTE_H
#define PGIAM_QUOTE_H

#include "buf.h"

/* Appends name as a quoted identifier ("a""b"). PGIAM_EINVAL (last error set) for an
 * empty name or one that is not UTF-8; the buffer is then left as it was. */
int pgiam_sql_quote_ident(pgiam_buf *out, const char *name);

/* The same, but a plain name (lowercase letters, digits, _ and $, not starting with a
 * digit or $, not a reserved keyword) is written bare, as PostgreSQL's quote_ident()
 * does: for SQL meant to be read by people (CREATE USER iam_ro_user). */
int pgiam_sql_quote_ident_if_needed(pgiam_buf *out, const char *name);

/* Appends value as a string literal: 'O''Brien', or, when it has a backslash,
 * " E'a\\b'" (with the space PQescapeLiteral writes) so that it means the same
 * whatever standard_conforming_strings says. PGIAM_EINVAL for NULL or not UTF-8. */
int pgiam_sql_quote_literal(pgiam_buf *out, const char *value);

/* PGIAM_EINVAL ("WHAT: not valid UTF-8") unless s is valid UTF-8: for SQL text sent
 * as the user wrote it (a browse filter), which is not quoted but must not carry a
 * stray byte either. */
int pgiam_sql_check_utf8(const char *s, const char *what);

/* 1 when s is a PostgreSQL reserved keyword (or one that cannot name a column,
 * type_func_name): as an identifier it must be quoted (CREATE USER "user"). */
int pgiam_sql_reserved_word(const char *s);

#endif
