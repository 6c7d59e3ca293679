/* complete.h - Tab completion's candidates: keywords, schema, table and column names
 * from one catalog query per connection, chosen by where the cursor is.
 *
 * The context comes from the core's lexer (sqlsplit.h) over the statement under the
 * cursor: after FROM, JOIN, INTO, UPDATE, TABLE (and a comma in a FROM list) the
 * relations the search path shows, and schemas (as "schema."); after "schema." that
 * schema's relations; after "alias." or "table." (an alias or a table of the
 * statement, wherever it is in it) that table's columns; inside INSERT INTO t ( … )
 * t's columns; otherwise keywords, the statement's tables' columns and relations.
 * Names are inserted through the one quoting helper (quote.h: bare when plain, else
 * "Quoted"); keywords in the case of what was typed (upper when nothing was, as psql's
 * preserve-upper). Nothing is completed inside a string, a comment or a dollar quote.
 *
 * The catalog is read by the caller through the session's own query path (the UI's
 * conn, non-blocking): pgiam_complete_catalog_sql() gives the statement, one row a
 * schema, and each row goes to pgiam_complete_catalog_add_row(). Pure otherwise:
 * unit-tested in tests/unit/test_complete.c without a server.
 */
#ifndef PGIAM_COMPLETE_H
#define PGIAM_COMPLETE_H

#include "buf.h"

#include <stddef.h>

/* The name of the catalog query's first column: the caller recognises its answer. */
#define PGIAM_COMPLETE_CATALOG_COLUMN "pgiam_complete_schema"
/* Candidates offered at most (the list says when more matched). */
#define PGIAM_COMPLETE_MAX 500

typedef struct pgiam_complete_catalog pgiam_complete_catalog;

/* The catalog query: columns schema, its place in the search path (1-based text, NULL
 * when not in it), its relations as JSON [[name, relkind, [column, …]], …]. */
const char *pgiam_complete_catalog_sql(void);

int pgiam_complete_catalog_new(pgiam_complete_catalog **out);
void pgiam_complete_catalog_free(pgiam_complete_catalog *c);
/* One row of the query's answer. PGIAM_EINVAL for a row that is not one (the schema
 * is then not known to completion), PGIAM_ENOMEM. */
int pgiam_complete_catalog_add_row(pgiam_complete_catalog *c, const char *schema,
	const char *path_pos, const char *relations_json);
size_t pgiam_complete_catalog_schemas(const pgiam_complete_catalog *c);
size_t pgiam_complete_catalog_relations(const pgiam_complete_catalog *c);

typedef enum pgiam_complete_kind {
	PGIAM_COMPLETE_COLUMN = 0,
	PGIAM_COMPLETE_RELATION,
	PGIAM_COMPLETE_SCHEMA,     /* inserted with its '.' */
	PGIAM_COMPLETE_KEYWORD
} pgiam_complete_kind;

typedef struct pgiam_complete_result {
	size_t start;              /* the candidate replaces text[start, cursor) */
	char **items;              /* as inserted: quoted where needed */
	pgiam_complete_kind *kinds;
	size_t count;
	int more;                  /* more than PGIAM_COMPLETE_MAX matched */
	char context[300];         /* what is offered, in words ("columns of public.orders") */
} pgiam_complete_result;

/* The candidates for the cursor (a byte offset) in text[0..len); cat NULL: keywords
 * only (the catalog is not read yet). Sorted: columns, relations, schemas, keywords.
 * 0 (count may be 0) or PGIAM_ENOMEM. */
int pgiam_complete(pgiam_complete_result *out, const pgiam_complete_catalog *cat,
	const char *text, size_t len, size_t cursor);
void pgiam_complete_result_dispose(pgiam_complete_result *r);

/* The text after choosing candidate i (-1: the candidates' longest common prefix, when
 * it is longer than what was typed) into out and the cursor after it into *cursor_out.
 * A lone candidate (count 1) gets a space after it, unless it is a schema (its '.') or
 * a space follows already. 1 when the text changed, 0 when not, PGIAM_ENOMEM. */
int pgiam_complete_apply(pgiam_buf *out, size_t *cursor_out, const char *text, size_t len,
	size_t cursor, const pgiam_complete_result *r, long i);

/* 1 when one of the statements in sql changes names completion knows (CREATE, ALTER,
 * DROP, IMPORT FOREIGN SCHEMA, COMMENT is not): the catalog is read again. */
int pgiam_complete_is_ddl(const char *sql, size_t len);

#endif
