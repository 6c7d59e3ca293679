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

	/* Partitions are folded under their table (counted, not listed); sequences and
	 * functions follow the relations. */
	if ((error = pgiam_buf_puts(out,
	    "SELECT name, kind, est, size, s, i, u, d FROM ("
	    "SELECT c.relname::text AS name,"
	    " CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'"
	    "   WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'"
	    "   WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' END"
	    "   || CASE WHEN c.relkind = 'p' THEN ' (' || (SELECT count(*) FROM pg_inherits h"
	    "     WHERE h.inhparent = c.oid) || ' partitions)' ELSE '' END AS kind,"
	    " CASE WHEN c.relkind = 'p' THEN (SELECT sum(greatest(pc.reltuples, 0))"
	    "   FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid"
	    "   WHERE pt.isleaf)::bigint ELSE c.reltuples::bigint END AS est,"
	    " pg_size_pretty(CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size("
	    "   pt.relid)) FROM pg_partition_tree(c.oid) pt)::bigint"
	    "   ELSE pg_total_relation_size(c.oid) END) AS size,"
	    " has_table_privilege(c.oid, 'SELECT') AS s,"
	    " c.relkind <> 'S' AND has_table_privilege(c.oid, 'INSERT') AS i,"
	    " has_table_privilege(c.oid, 'UPDATE') AS u,"
	    " c.relkind <> 'S' AND has_table_privilege(c.oid, 'DELETE') AS d,"
	    " CASE c.relkind WHEN 'S' THEN 1 ELSE 0 END AS grp"
	    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT c.relispartition"
	    "   AND n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out,
	    " UNION ALL SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid)"
	    "   || ')', CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'"
	    "   WHEN 'w' THEN 'window function' ELSE 'function' END, NULL, NULL,"
	    " has_function_privilege(p.oid, 'EXECUTE'), FALSE, FALSE, FALSE, 2"
	    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
	    " WHERE n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, ") x ORDER BY grp, name")) < 0)
		return error;
	return 0;
}

int pgiam_catalog_partitions_sql(pgiam_buf *out, const char *schema, const char *table)
{
	int error = 0;

	/* the direct partitions: a partition that is partitioned again unfolds in turn */
	if ((error = pgiam_buf_puts(out,
	    "SELECT c.relname::text,"
	    " CASE c.relkind WHEN 'p' THEN 'partitioned table (' || (SELECT count(*)"
	    "   FROM pg_inherits h2 WHERE h2.inhparent = c.oid) || ' partitions)'"
	    "   WHEN 'f' THEN 'foreign table' ELSE 'table' END,"
	    " c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid)),"
	    " has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),"
	    " has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'),"
	    " cn.nspname::text"
	    " FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"
	    " JOIN pg_namespace cn ON cn.oid = c.relnamespace"
	    " WHERE h.inhparent = (SELECT p.oid FROM pg_class p"
	    "   JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE pn.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " AND p.relname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, table)) < 0 ||
	    (error = pgiam_buf_puts(out, ") ORDER BY c.relname")) < 0)
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
	    " c.relkind::text,"
	    " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid"
	    "   AND i.indkey[0] = a.attnum),"
	    " fk.conname::text, fk.nspname::text, fk.relname::text, fk.attname::text, fk.n"
	    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	    /* the first foreign key (by name) the column is part of, and its place in it */
	    " LEFT JOIN LATERAL (SELECT k.conname, tn.nspname, tc.relname, ta.attname, u.n"
	    "   FROM pg_constraint k,"
	    "   unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(src, tgt, n),"
	    "   pg_class tc, pg_namespace tn, pg_attribute ta"
	    "   WHERE k.conrelid = c.oid AND k.contype = 'f' AND u.src = a.attnum"
	    "   AND tc.oid = k.confrelid AND tn.oid = tc.relnamespace"
	    "   AND ta.attrelid = k.confrelid AND ta.attnum = u.tgt"
	    "   ORDER BY k.conname LIMIT 1) fk ON TRUE"
	    " WHERE n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " AND c.relname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, table)) < 0 ||
	    (error = pgiam_buf_puts(out, " ORDER BY a.attnum")) < 0)
		return error;
	return 0;
}

int pgiam_catalog_match_sql(pgiam_buf *out, const char *const *cols,
	const char *const *vals, size_t n)
{
	int error = 0;

	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "match: no columns");
	for (size_t i = 0; i < n; i++) {
		if (!vals[i])
			return pgiam_error_set(PGIAM_EINVAL, "match: %s is NULL: no row to match",
				cols[i] ? cols[i] : "a column");
		if ((i && (error = pgiam_buf_puts(out, " AND ")) < 0) ||
		    (error = pgiam_buf_puts(out, "t.")) < 0 ||
		    (error = pgiam_sql_quote_ident(out, cols[i])) < 0 ||
		    (error = pgiam_buf_puts(out, " = ")) < 0 ||
		    (error = pgiam_sql_quote_literal(out, vals[i])) < 0)
			return error;
	}
	return 0;
}

size_t pgiam_catalog_page_keys(const pgiam_browse_table *t)
{
	switch (t->keykind) {
	case PGIAM_BROWSE_KEY_PK:
		return t->norder + t->nkeys;
	case PGIAM_BROWSE_KEY_CTID:
		return t->norder + 1;
	case PGIAM_BROWSE_KEY_OFFSET:
		return 0;
	}
	return 0;
}

int pgiam_catalog_filter_blank(const char *where)
{
	for (const char *p = where; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f' && *p != '\v')
			return 0;
	return 1;
}

/* One term of the page's order: a sort column or a key column (col NULL: ctid). */
typedef struct term {
	const char *col;
	int desc, nullable;
} term;

/* The terms of the order: the user's sort, then the key in the direction of the
 * sort's last term (so that one direction throughout can use a row comparison). */
static size_t page_terms(term *out, const pgiam_browse_table *t)
{
	size_t n = 0;
	int kdesc = t->norder ? t->order[t->norder - 1].desc : 0;

	for (size_t i = 0; i < t->norder; i++)
		out[n++] = (term){ t->order[i].column, !!t->order[i].desc, !!t->order[i].nullable };
	if (t->keykind == PGIAM_BROWSE_KEY_CTID)
		out[n++] = (term){ NULL, kdesc, 0 };
	else if (t->keykind == PGIAM_BROWSE_KEY_PK)
		for (size_t i = 0; i < t->nkeys; i++)
			out[n++] = (term){ t->keys[i], kdesc, 0 };
	return n;
}

/* t."col" (t.ctid), each with a suffix. Always qualified with the table's alias: in
 * ORDER BY a bare name would mean the output column of that name, the value cast to
 * text, and sort 10 before 9. */
static int term_expr(pgiam_buf *out, const term *tm, const char *suffix)
{
	int error = 0;

	if (!tm->col)
		return pgiam_buf_printf(out, "t.ctid%s", suffix);
	if ((error = pgiam_buf_puts(out, "t.")) < 0 ||
	    (error = pgiam_sql_quote_ident(out, tm->col)) < 0)
		return error;
	return pgiam_buf_puts(out, suffix);
}

static int term_list(pgiam_buf *out, const term *tm, size_t n, const char *suffix,
	int backwards)
{
	int error = 0;

	for (size_t i = 0; i < n; i++)
		if ((i && (error = pgiam_buf_puts(out, ", ")) < 0) ||
		    (error = term_expr(out, &tm[i], suffix ? suffix :
		    (tm[i].desc != backwards) ? " DESC" : "")) < 0)
			return error;
	return 0;
}

static int literal_list(pgiam_buf *out, const char *const *vals, size_t n)
{
	int error = 0;

	for (size_t i = 0; i < n; i++)
		if ((i && (error = pgiam_buf_puts(out, ", ")) < 0) ||
		    (error = pgiam_sql_quote_literal(out, vals[i])) < 0)
			return error;
	return 0;
}

/* e = 'v', or e IS NULL for a NULL value. */
static int term_eq(pgiam_buf *out, const term *tm, const char *v)
{
	int error = 0;

	if ((error = term_expr(out, tm, v ? " = " : " IS NULL")) < 0 || !v)
		return error;
	return pgiam_sql_quote_literal(out, v);
}

/* The rows after v in the term's direction (NULL is the largest value: last going
 * up, first going down). */
static int term_after(pgiam_buf *out, const term *tm, const char *v, int desc)
{
	int error = 0;

	if (!desc && !v)
		return pgiam_buf_puts(out, "FALSE");
	if (desc && !v)
		return term_expr(out, tm, " IS NOT NULL");
	if (!desc && tm->nullable && (error = pgiam_buf_putc(out, '(')) < 0)
		return error;
	if ((error = term_expr(out, tm, desc ? " < " : " > ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, v)) < 0)
		return error;
	if (!desc && tm->nullable && ((error = pgiam_buf_puts(out, " OR ")) < 0 ||
	    (error = term_expr(out, tm, " IS NULL)")) < 0))
		return error;
	return 0;
}

/* The boundary as an OR of comparisons: (a after) OR (a = and b after) OR …, and all
 * equal too for AT; handles NULLs and mixed directions. */
static int keyset_expanded(pgiam_buf *out, const term *tm, size_t n,
	const char *const *bound, int backwards, int or_equal)
{
	int error = 0;

	if ((error = pgiam_buf_putc(out, '(')) < 0)
		return error;
	for (size_t i = 0; i <= n; i++) {
		if (i == n && !or_equal)
			break;
		if ((i && (error = pgiam_buf_puts(out, " OR ")) < 0) ||
		    (error = pgiam_buf_putc(out, '(')) < 0)
			return error;
		for (size_t j = 0; j < i; j++)
			if ((error = term_eq(out, &tm[j], bound[j])) < 0 ||
			    (error = pgiam_buf_puts(out, " AND ")) < 0)
				return error;
		if (i < n && (error = term_after(out, &tm[i], bound[i],
		    tm[i].desc != backwards)) < 0)
			return error;
		if (i == n && (error = pgiam_buf_puts(out, "TRUE")) < 0)
			return error;
		if ((error = pgiam_buf_putc(out, ')')) < 0)
			return error;
	}
	return pgiam_buf_putc(out, ')');
}

/* The keyset condition of a keyed page: a row comparison where it means the same
 * (one direction, no NULLs: it reads the index), else the expanded form. */
static int keyset(pgiam_buf *out, const term *tm, size_t n, const char *const *bound,
	pgiam_browse_dir dir, size_t norder)
{
	int backwards = dir == PGIAM_BROWSE_PREV, simple = 1, error = 0;
	const char *op;

	if (dir == PGIAM_BROWSE_ROW) {
		/* one row: its key alone names it */
		tm += norder;
		bound += norder;
		n -= norder;
		norder = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!bound[i] && i >= norder)
			return pgiam_error_set(PGIAM_EINVAL, "page: key %zu is NULL", i + 1 - norder);
		if (!bound[i] || tm[i].nullable || tm[i].desc != tm[0].desc)
			simple = 0;
	}
	if (!simple)
		return keyset_expanded(out, tm, n, bound, backwards, dir == PGIAM_BROWSE_AT);
	op = dir == PGIAM_BROWSE_ROW ? ") = (" : dir == PGIAM_BROWSE_AT ?
		(tm[0].desc ? ") <= (" : ") >= (") : (tm[0].desc != backwards) ? ") < (" : ") > (";
	/* A row comparison: (k1, k2) > ('v1', 'v2') reads the primary key's index. (x)
	 * with one element is not a row but the value itself: fine either way. */
	if ((error = pgiam_buf_putc(out, '(')) < 0 ||
	    (error = term_list(out, tm, n, "", 0)) < 0 ||
	    (error = pgiam_buf_puts(out, op)) < 0 ||
	    (error = literal_list(out, bound, n)) < 0)
		return error;
	return pgiam_buf_putc(out, ')');
}

/* The search: any shown column's text holds s, its % _ \ matched as themselves. */
static int search_cond(pgiam_buf *out, const pgiam_browse_table *t)
{
	pgiam_buf pat = PGIAM_BUF_INIT;
	int error = 0;

	if ((error = pgiam_buf_putc(&pat, '%')) < 0)
		goto cleanup;
	for (const char *p = t->search; *p; p++)
		if (((*p == '%' || *p == '_' || *p == '\\') &&
		    (error = pgiam_buf_putc(&pat, '\\')) < 0) ||
		    (error = pgiam_buf_putc(&pat, *p)) < 0)
			goto cleanup;
	if ((error = pgiam_buf_putc(&pat, '%')) < 0 || (error = pgiam_buf_putc(out, '(')) < 0)
		goto cleanup;
	for (size_t i = 0; i < t->ncolumns; i++) {
		term tm = { t->columns[i], 0, 0 };
		if ((i && (error = pgiam_buf_puts(out, " OR ")) < 0) ||
		    (error = term_expr(out, &tm, "::text ILIKE ")) < 0 ||
		    (error = pgiam_sql_quote_literal(out, pgiam_buf_cstr(&pat))) < 0)
			goto cleanup;
	}
	error = pgiam_buf_putc(out, ')');
cleanup:
	pgiam_buf_dispose(&pat);
	return error;
}

/* WHERE (filter) AND (search) AND (keyset), each part only when there is one. */
static int page_where(pgiam_buf *out, const pgiam_browse_table *t, const term *tm,
	size_t n, pgiam_browse_dir dir, const char *const *bound, int keyed)
{
	const char *sep = " WHERE ";
	int error = 0;

	if (!pgiam_catalog_filter_blank(t->where)) {
		if ((error = pgiam_sql_check_utf8(t->where, "filter")) < 0)
			return error;
		/* On lines of its own, so that a "--" comment in it ends at its end. */
		if ((error = pgiam_buf_printf(out, "%s(\n%s\n)", sep, t->where)) < 0)
			return error;
		sep = " AND ";
	}
	if (t->search && *t->search) {
		if ((error = pgiam_buf_puts(out, sep)) < 0 || (error = search_cond(out, t)) < 0)
			return error;
		sep = " AND ";
	}
	if (keyed && ((error = pgiam_buf_puts(out, sep)) < 0 ||
	    (error = keyset(out, tm, n, bound, dir, t->norder)) < 0))
		return error;
	return 0;
}

static int page_check(const pgiam_browse_table *t, pgiam_browse_dir dir,
	const char *const *bound, int keyed, size_t cell_max)
{
	if (!t->ncolumns || t->limit < 1 || t->limit > PGIAM_BROWSE_PAGE_ROWS)
		return pgiam_error_set(PGIAM_EINVAL, "page: %zu columns, %zu rows per page "
			"(1 to %d)", t->ncolumns, t->limit, PGIAM_BROWSE_PAGE_ROWS);
	if (t->keykind == PGIAM_BROWSE_KEY_PK && !t->nkeys)
		return pgiam_error_set(PGIAM_EINVAL, "page: a primary key without columns");
	if (t->norder > PGIAM_BROWSE_ORDER_MAX || (t->norder && !t->order))
		return pgiam_error_set(PGIAM_EINVAL, "page: at most %d sort columns",
			PGIAM_BROWSE_ORDER_MAX);
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
	return 0;
}

int pgiam_catalog_page_sql(pgiam_buf *out, int *reversed, const pgiam_browse_table *t,
	pgiam_browse_dir dir, const char *const *bound)
{
	size_t cell_max = t->cell_max ? t->cell_max : PGIAM_BROWSE_CELL_MAX;
	int backwards = dir == PGIAM_BROWSE_PREV || dir == PGIAM_BROWSE_LAST;
	int keyed = dir == PGIAM_BROWSE_NEXT || dir == PGIAM_BROWSE_PREV ||
		dir == PGIAM_BROWSE_AT || dir == PGIAM_BROWSE_ROW;
	int offset = t->keykind == PGIAM_BROWSE_KEY_OFFSET;
	term tm[PGIAM_BROWSE_ORDER_MAX + 64];
	size_t n;
	int error = 0;

	*reversed = 0;
	if ((error = page_check(t, dir, bound, keyed, cell_max)) < 0)
		return error;
	if (t->keykind == PGIAM_BROWSE_KEY_PK && t->nkeys > 64)
		return pgiam_error_set(PGIAM_EINVAL, "page: a key of %zu columns", t->nkeys);
	n = page_terms(tm, t);
	if ((error = pgiam_buf_puts(out, "SELECT ")) < 0)
		return error;
	if (!offset && ((error = term_list(out, tm, n, "::text", 0)) < 0 ||
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
	    (error = pgiam_buf_puts(out, " AS t")) < 0 ||
	    (error = page_where(out, t, tm, n, dir, bound, keyed && !offset)) < 0)
		return error;

	if (offset) {
		char *end = NULL;
		unsigned long long off = strtoull(bound[0], &end, 10);

		if (!*bound[0] || *end || bound[0][0] == '-')
			return pgiam_error_set(PGIAM_EINVAL, "page: offset \"%.40s\" is not a "
				"number", bound[0]);
		if (n && ((error = pgiam_buf_puts(out, " ORDER BY ")) < 0 ||
		    (error = term_list(out, tm, n, NULL, 0)) < 0))
			return error;
		return pgiam_buf_printf(out, " LIMIT %zu OFFSET %llu", t->limit, off);
	}
	if ((error = pgiam_buf_puts(out, " ORDER BY ")) < 0 ||
	    (error = term_list(out, tm, n, NULL, backwards)) < 0 ||
	    (error = pgiam_buf_printf(out, " LIMIT %zu", dir == PGIAM_BROWSE_ROW ? 1 :
	    t->limit)) < 0)
		return error;
	*reversed = backwards;
	return 0;
}
