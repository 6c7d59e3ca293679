/* catalog_browse.c - the SQL of the schema and table browser: schemas, tables with
 * the role's privileges, columns, and pages of rows read with keyset paging (never
 * OFFSET on tables, never COUNT(*)), so a page costs the same at the start and at the
 * end of a table of any size. Pure string building: no connection, unit-tested. */
#include "catalog.h"

#include "error.h"
#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t pgiam_catalog_utf8_chars(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static const char SCHEMAS_SQL[] =
	"SELECT n.nspname::text,"
	" count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')),"
	" has_schema_privilege(n.oid, 'USAGE')"
	" FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid"
	" WHERE n.nspname !~ '^pg_(toast|temp)'"
	" GROUP BY n.oid, n.nspname"
	" ORDER BY n.nspname IN ('pg_catalog', 'information_schema'), n.nspname";

int pgiam_catalog_schemas_sql(pgiam_buf *out)
{
	return pgiam_buf_puts(out, SCHEMAS_SQL);
}

int pgiam_catalog_tables_sql(pgiam_buf *out, const char *schema)
{
	int error = 0;

	if ((error = pgiam_buf_puts(out,
	    "SELECT c.relname::text,"
	    " CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'"
	    "   WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END,"
	    " c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid)),"
	    " has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),"
	    " has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE')"
	    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " ORDER BY c.relname")) < 0)
		return error;
	return 0;
}

int pgiam_catalog_columns_sql(pgiam_buf *out, const char *schema, const char *table)
{
	int error = 0;

	if ((error = pgiam_buf_puts(out,
	    "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,"
	    " (SELECT k.n FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k(att, n)"
	    "   WHERE i.indrelid = c.oid AND i.indisprimary AND k.att = a.attnum),"
	    " c.relkind::text"
	    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	    " WHERE n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " AND c.relname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, table)) < 0 ||
	    (error = pgiam_buf_puts(out, " ORDER BY a.attnum")) < 0)
		return error;
	return 0;
}

size_t pgiam_catalog_page_keys(const pgiam_browse_table *t)
{
	switch (t->keykind) {
	case PGIAM_BROWSE_KEY_PK:
		return t->nkeys;
	case PGIAM_BROWSE_KEY_CTID:
		return 1;
	case PGIAM_BROWSE_KEY_OFFSET:
		return 0;
	}
	return 0;
}

/* The key columns as a list: t."k1", t."k2" (t.ctid for CTID), each with a suffix.
 * Always qualified with the table's alias: in ORDER BY a bare name would mean the
 * output column of that name, the key cast to text, and sort 10 before 9. */
static int key_list(pgiam_buf *out, const pgiam_browse_table *t, const char *suffix)
{
	int error = 0;

	if (t->keykind == PGIAM_BROWSE_KEY_CTID)
		return pgiam_buf_printf(out, "t.ctid%s", suffix);
	for (size_t i = 0; i < t->nkeys; i++) {
		if ((i && (error = pgiam_buf_puts(out, ", ")) < 0) ||
		    (error = pgiam_buf_puts(out, "t.")) < 0 ||
		    (error = pgiam_sql_quote_ident(out, t->keys[i])) < 0 ||
		    (error = pgiam_buf_puts(out, suffix)) < 0)
			return error;
	}
	return 0;
}

int pgiam_catalog_page_sql(pgiam_buf *out, int *reversed, const pgiam_browse_table *t,
	pgiam_browse_dir dir, const char *const *bound)
{
	size_t nkeys = pgiam_catalog_page_keys(t);
	size_t cell_max = t->cell_max ? t->cell_max : PGIAM_BROWSE_CELL_MAX;
	int backwards = dir == PGIAM_BROWSE_PREV || dir == PGIAM_BROWSE_LAST;
	int keyed = dir == PGIAM_BROWSE_NEXT || dir == PGIAM_BROWSE_PREV ||
		dir == PGIAM_BROWSE_AT || dir == PGIAM_BROWSE_ROW;
	static const char *const ops[] = { "", ") > (", ") < (", "", ") >= (", ") = (" };
	int error = 0;

	*reversed = 0;
	if (!t->ncolumns || t->limit < 1 || t->limit > PGIAM_BROWSE_PAGE_ROWS)
		return pgiam_error_set(PGIAM_EINVAL, "page: %zu columns, %zu rows per page "
			"(1 to %d)", t->ncolumns, t->limit, PGIAM_BROWSE_PAGE_ROWS);
	if (t->keykind == PGIAM_BROWSE_KEY_PK && !t->nkeys)
		return pgiam_error_set(PGIAM_EINVAL, "page: a primary key without columns");
	if (t->keykind == PGIAM_BROWSE_KEY_OFFSET && dir == PGIAM_BROWSE_LAST)
		return pgiam_error_set(PGIAM_EINVAL, "page: the last page of a relation without "
			"a key needs a count; page forward instead");
	if (t->keykind == PGIAM_BROWSE_KEY_OFFSET && dir == PGIAM_BROWSE_ROW)
		return pgiam_error_set(PGIAM_EINVAL, "page: a relation without a key has no "
			"way to read one row again");
	if ((keyed || t->keykind == PGIAM_BROWSE_KEY_OFFSET) && !bound)
		return pgiam_error_set(PGIAM_EINVAL, "page: no boundary key");
	if (cell_max > PGIAM_BROWSE_RECORD_MAX || (int)dir < 0 || dir > PGIAM_BROWSE_ROW)
		return pgiam_error_set(PGIAM_EINVAL, "page: %zu characters per value (at most "
			"%d) or an unknown direction", cell_max, PGIAM_BROWSE_RECORD_MAX);

	if ((error = pgiam_buf_puts(out, "SELECT ")) < 0)
		return error;
	if (nkeys && ((error = key_list(out, t, "::text")) < 0 ||
	    (error = pgiam_buf_puts(out, ", ")) < 0))
		return error;
	for (size_t i = 0; i < t->ncolumns; i++) {
		if ((error = pgiam_buf_puts(out, i ? ", left(t." : "left(t.")) < 0 ||
		    (error = pgiam_sql_quote_ident(out, t->columns[i])) < 0 ||
		    (error = pgiam_buf_printf(out, "::text, %zu)", cell_max + 1)) < 0)
			return error;
	}
	if ((error = pgiam_buf_puts(out, " FROM ")) < 0 ||
	    (error = pgiam_sql_quote_ident(out, t->schema)) < 0 ||
	    (error = pgiam_buf_putc(out, '.')) < 0 ||
	    (error = pgiam_sql_quote_ident(out, t->table)) < 0 ||
	    (error = pgiam_buf_puts(out, " AS t")) < 0)
		return error;

	if (t->keykind == PGIAM_BROWSE_KEY_OFFSET) {
		char *end = NULL;
		unsigned long long off = strtoull(bound[0], &end, 10);

		if (!*bound[0] || *end || bound[0][0] == '-')
			return pgiam_error_set(PGIAM_EINVAL, "page: offset \"%.40s\" is not a "
				"number", bound[0]);
		return pgiam_buf_printf(out, " LIMIT %zu OFFSET %llu", t->limit, off);
	}

	if (keyed) {
		/* A row comparison: (k1, k2) > ('v1', 'v2') reads the primary key's index. */
		if ((error = pgiam_buf_puts(out, " WHERE (")) < 0 ||
		    (error = key_list(out, t, "")) < 0 ||
		    (error = pgiam_buf_puts(out, ops[dir])) < 0)
			return error;
		for (size_t i = 0; i < nkeys; i++) {
			if (!bound[i])
				return pgiam_error_set(PGIAM_EINVAL, "page: key %zu is NULL", i + 1);
			if ((i && (error = pgiam_buf_puts(out, ", ")) < 0) ||
			    (error = pgiam_sql_quote_literal(out, bound[i])) < 0)
				return error;
		}
		/* (x) with one element is not a row but the value itself: fine either way. */
		if ((error = pgiam_buf_putc(out, ')')) < 0)
			return error;
	}
	if ((error = pgiam_buf_puts(out, " ORDER BY ")) < 0 ||
	    (error = key_list(out, t, backwards ? " DESC" : "")) < 0 ||
	    (error = pgiam_buf_printf(out, " LIMIT %zu", dir == PGIAM_BROWSE_ROW ? 1 :
	    t->limit)) < 0)
		return error;
	*reversed = backwards;
	return 0;
}
