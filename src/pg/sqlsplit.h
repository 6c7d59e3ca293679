/* sqlsplit.h - SQL text as PostgreSQL's lexer reads it, without a server: tokens
 * (for highlighting and completion), statements split at top-level semicolons (for
 * `pgiam sql < file` and the editor), psql's rule for when Enter runs the buffer,
 * and the statement under the cursor.
 *
 * What a semicolon does not end: standard strings ('it''s'), E'' strings with
 * backslash escapes (E'\''), quoted identifiers ("a;b"), dollar quotes with or without
 * a tag ($fn$ … $fn$, a $x$ inside $y$ is text), nested block comments (/ * / * * / * /),
 * -- comments to the end of the line, and parentheses. Pure functions over
 * (text, length): no allocation, no NUL terminator needed, any bytes accepted.
 * Unit-tested in tests/unit/test_sqlsplit.c, fuzzed by tests/fuzz/fuzz_sqlsplit.c.
 */
#ifndef PGIAM_SQLSPLIT_H
#define PGIAM_SQLSPLIT_H

#include <stddef.h>

typedef enum pgiam_sql_tok {
	PGIAM_SQL_TOK_SPACE = 0,
	PGIAM_SQL_TOK_WORD,        /* an unquoted identifier or a keyword */
	PGIAM_SQL_TOK_IDENT,       /* "quoted identifier" */
	PGIAM_SQL_TOK_STRING,      /* '…', E'…', and B/X/N/U& prefixed ones: the quote part */
	PGIAM_SQL_TOK_DOLLAR,      /* $tag$ … $tag$ */
	PGIAM_SQL_TOK_COMMENT,     /* -- … or a (nested) block comment */
	PGIAM_SQL_TOK_NUMBER,
	PGIAM_SQL_TOK_PARAM,       /* $1 */
	PGIAM_SQL_TOK_SEMI,        /* ; */
	PGIAM_SQL_TOK_OPEN,        /* ( [ */
	PGIAM_SQL_TOK_CLOSE,       /* ) ] */
	PGIAM_SQL_TOK_OTHER        /* operators, commas, anything else: one byte */
} pgiam_sql_tok;

typedef struct pgiam_sql_token {
	pgiam_sql_tok kind;
	size_t start, end;         /* bytes [start, end) of the text */
	int unterminated;          /* a string, identifier, dollar quote or block
	                              comment that runs to the end of the text */
} pgiam_sql_token;

/* The token starting at pos (< len) into *out; returns its end (> pos). */
size_t pgiam_sql_token_at(pgiam_sql_token *out, const char *sql, size_t len, size_t pos);

typedef struct pgiam_sql_stmt {
	size_t start;              /* its first byte that is not white space */
	size_t end;                /* one past its ';' (terminated), else the text's end */
	int terminated;            /* ended by a top-level ';' */
	int blank;                 /* only comments (and white space): nothing to run */
} pgiam_sql_stmt;

/* The next statement at or after pos, white space before it skipped; 1 when there is
 * one, 0 when only white space is left. Empty statements (";;") come back blank. */
int pgiam_sql_next(pgiam_sql_stmt *out, const char *sql, size_t len, size_t pos);

/* psql's rule for Enter: 1 when the text, without its trailing white space and
 * comments, ends with a ';' that ends a statement (outside quotes, dollar quotes,
 * comments and parentheses) and holds something to run. */
int pgiam_sql_complete(const char *sql, size_t len);

/* The statement under the cursor (a byte offset): the one containing it, or when the
 * cursor is between statements the one before (the one just ended with ';'), or the
 * first. Blank statements are passed over. 1 when found, 0 for a blank text. */
int pgiam_sql_at_cursor(pgiam_sql_stmt *out, const char *sql, size_t len, size_t cursor);

/* Autocommit off, as psql's AUTOCOMMIT off (its command_no_begin): 1 when a BEGIN
 * should go before the statement that starts the text, run outside a transaction; 0
 * for one that ends or manages transactions itself (BEGIN, START, COMMIT, END,
 * ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED),
 * one that cannot run inside a transaction block (VACUUM, CLUSTER without a table,
 * CREATE/DROP DATABASE or TABLESPACE, REINDEX DATABASE/SYSTEM, CREATE/DROP INDEX
 * CONCURRENTLY, ALTER SYSTEM, DISCARD ALL) and for a blank text. */
int pgiam_sql_needs_begin(const char *sql, size_t len);

/* 1 when word[0..len) is an SQL keyword (case-insensitive): for highlighting. */
int pgiam_sql_is_keyword(const char *word, size_t len);
/* The n-th keyword (upper case, sorted) or NULL past the last: for completion. */
const char *pgiam_sql_keyword(size_t n);

#endif
