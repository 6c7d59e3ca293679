/* structure.c - a table's structure from the catalogs in one statement (text rows
 * tagged by part, so the TUI's one-result path and the CLI read it alike), parsed into
 * named fields, and the DDL rebuilt from them. Pure string work, unit-tested. */
#include "structure.h"

#include "catalog.h"
#include "error.h"
#include "quote.h"

#include <stdlib.h>
#include <string.h>

static const char *const part_names[PGIAM_ST__COUNT] = { "table", "columns", "indexes",
	"constraints", "triggers", "partitions", "parents", "privileges", "referenced_by" };

/* The statement's tag of each part. */
static const char *const tags[PGIAM_ST__COUNT] = { "table", "column", "index",
	"constraint", "trigger", "partition", "parent", "privilege", "referenced_by" };

static const char *const f_table[] = { "relkind", "owner", "size", "rows_estimate",
	"comment", "last_vacuum", "last_analyze", "partition_key", "view_definition" };
static const char *const f_column[] = { "name", "type", "nullable", "default", "identity",
	"generated", "collation", "comment" };
static const char *const f_index[] = { "name", "definition", "unique", "primary", "size",
	"valid", "constraint" };
static const char *const f_constraint[] = { "name", "kind", "definition", "columns",
	"target_table", "target_columns", "on_update", "on_delete" };
static const char *const f_trigger[] = { "name", "definition", "enabled" };
static const char *const f_rel[] = { "table", "bound" };
static const char *const f_priv[] = { "grantee", "privileges", "grantable", "grantor" };
static const char *const f_refby[] = { "constraint", "table", "columns", "rows_estimate" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *pgiam_structure_part_name(pgiam_structure_part part)
{
	return (unsigned)part < PGIAM_ST__COUNT ? part_names[part] : "";
}

const char *const *pgiam_structure_fields(pgiam_structure_part part, size_t *n)
{
	static const struct { const char *const *f; size_t n; } all[PGIAM_ST__COUNT] = {
		{ f_table, N(f_table) }, { f_column, N(f_column) }, { f_index, N(f_index) },
		{ f_constraint, N(f_constraint) }, { f_trigger, N(f_trigger) },
		{ f_rel, N(f_rel) }, { f_rel, N(f_rel) }, { f_priv, N(f_priv) },
		{ f_refby, N(f_refby) } };

	*n = (unsigned)part < PGIAM_ST__COUNT ? all[part].n : 0;
	return (unsigned)part < PGIAM_ST__COUNT ? all[part].f : NULL;
}

/* The foreign key actions as SQL says them (pg_constraint.confupdtype). */
#define FK_ACTION(col) \
	"CASE " col " WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'" \
	" WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END"
#define ATTNAMES(rel, arr) \
	"(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY u.n) FROM unnest(" arr ")" \
	" WITH ORDINALITY u(att, n) JOIN pg_attribute a ON a.attrelid = " rel \
	" AND a.attnum = u.att)"

static const char STRUCTURE_SQL[] =
	" SELECT 'table', c.relkind::text, pg_get_userbyid(c.relowner)::text,"
	" pg_size_pretty(pg_total_relation_size(c.oid)), c.reltuples::bigint::text,"
	" obj_description(c.oid, 'pg_class'),"
	" (SELECT greatest(s.last_vacuum, s.last_autovacuum)::text FROM pg_stat_all_tables s"
	"   WHERE s.relid = c.oid),"
	" (SELECT greatest(s.last_analyze, s.last_autoanalyze)::text FROM pg_stat_all_tables s"
	"   WHERE s.relid = c.oid),"
	" CASE c.relkind WHEN 'p' THEN pg_get_partkeydef(c.oid) END,"
	" CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END"
	" FROM r JOIN pg_class c ON c.oid = r.oid"
	" UNION ALL (SELECT 'column', a.attname::text, format_type(a.atttypid, a.atttypmod),"
	" (NOT a.attnotnull)::text,"
	" CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,"
	" CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,"
	" CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,"
	" CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN"
	"   (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)"
	"    FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
	"    WHERE co.oid = a.attcollation) END,"
	" col_description(a.attrelid, a.attnum), NULL"
	" FROM r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0"
	"   AND NOT a.attisdropped"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" ORDER BY a.attnum)"
	" UNION ALL (SELECT 'index', i.relname::text, pg_get_indexdef(x.indexrelid),"
	" x.indisunique::text, x.indisprimary::text, pg_size_pretty(pg_relation_size(i.oid)),"
	" x.indisvalid::text, (SELECT k.conname::text FROM pg_constraint k"
	"   WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid LIMIT 1), NULL, NULL"
	" FROM r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class i ON i.oid = x.indexrelid"
	" ORDER BY i.relname)"
	" UNION ALL (SELECT 'constraint', k.conname::text,"
	" CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key'"
	"   WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion'"
	"   WHEN 't' THEN 'trigger' ELSE k.contype::text END,"
	" pg_get_constraintdef(k.oid), " ATTNAMES("k.conrelid", "k.conkey") ","
	" CASE WHEN k.contype = 'f' THEN k.confrelid::regclass::text END,"
	" CASE WHEN k.contype = 'f' THEN " ATTNAMES("k.confrelid", "k.confkey") " END,"
	" CASE WHEN k.contype = 'f' THEN " FK_ACTION("k.confupdtype") " END,"
	" CASE WHEN k.contype = 'f' THEN " FK_ACTION("k.confdeltype") " END, NULL"
	" FROM r JOIN pg_constraint k ON k.conrelid = r.oid WHERE k.contype <> 'n'"
	" ORDER BY k.contype <> 'p', k.contype, k.conname)"
	" UNION ALL (SELECT 'trigger', g.tgname::text, pg_get_triggerdef(g.oid),"
	" CASE g.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'"
	"   WHEN 'A' THEN 'always' ELSE 'origin' END,"
	" NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM r JOIN pg_trigger g ON g.tgrelid = r.oid WHERE NOT g.tgisinternal"
	" ORDER BY g.tgname)"
	" UNION ALL (SELECT 'partition', h.inhrelid::regclass::text,"
	" pg_get_expr(pc.relpartbound, pc.oid), NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM r JOIN pg_inherits h ON h.inhparent = r.oid JOIN pg_class pc ON pc.oid = h.inhrelid"
	" ORDER BY 2)"
	" UNION ALL (SELECT 'parent', h.inhparent::regclass::text,"
	" pg_get_expr(c.relpartbound, c.oid), NULL, NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM r JOIN pg_inherits h ON h.inhrelid = r.oid JOIN pg_class c ON c.oid = r.oid"
	" ORDER BY 2)"
	" UNION ALL (SELECT 'privilege', CASE WHEN p.grantee = 0 THEN 'PUBLIC'"
	"   ELSE pg_get_userbyid(p.grantee)::text END,"
	" string_agg(p.privilege_type, ', ' ORDER BY p.privilege_type),"
	" bool_and(p.is_grantable)::text, pg_get_userbyid(p.grantor)::text,"
	" NULL, NULL, NULL, NULL, NULL"
	" FROM r JOIN pg_class c ON c.oid = r.oid,"
	" aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) p"
	" GROUP BY p.grantee, p.grantor ORDER BY 2)"
	" UNION ALL (SELECT 'referenced_by', k.conname::text, k.conrelid::regclass::text,"
	" " ATTNAMES("k.conrelid", "k.conkey") ", rc.reltuples::bigint::text,"
	" NULL, NULL, NULL, NULL, NULL"
	" FROM r JOIN pg_constraint k ON k.confrelid = r.oid AND k.contype = 'f'"
	" JOIN pg_class rc ON rc.oid = k.conrelid ORDER BY 3, 2)";

int pgiam_structure_sql(pgiam_buf *out, const char *schema, const char *table)
{
	int error = 0;

	if ((error = pgiam_buf_puts(out, "WITH r AS (SELECT c.oid FROM pg_class c"
	    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " AND c.relname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, table)) < 0 ||
	    (error = pgiam_buf_puts(out, ")")) < 0)
		return error;
	return pgiam_buf_puts(out, STRUCTURE_SQL);
}

void pgiam_structure_dispose(pgiam_structure *st)
{
	for (size_t i = 0; i < st->nrows; i++)
		for (size_t f = 0; f < PGIAM_STRUCTURE_FIELDS; f++)
			free(st->rows[i].v[f]);
	free(st->rows);
	free(st->schema);
	free(st->table);
	memset(st, 0, sizeof(*st));
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = 1;
	return d;
}

int pgiam_structure_parse(pgiam_structure *out, const char *schema, const char *table,
	const char *const *cells, size_t nrows, size_t ncols)
{
	int oom = 0, have_table = 0;

	memset(out, 0, sizeof(*out));
	if (ncols != 1 + PGIAM_STRUCTURE_FIELDS)
		return pgiam_error_set(PGIAM_EINVAL, "structure: %zu columns, not %d", ncols,
			1 + PGIAM_STRUCTURE_FIELDS);
	if (!(out->rows = calloc(nrows ? nrows : 1, sizeof(*out->rows))))
		return pgiam_error_set(PGIAM_ENOMEM, "structure: out of memory");
	out->schema = dup_or_null(schema, &oom);
	out->table = dup_or_null(table, &oom);
	for (size_t i = 0; i < nrows; i++) {
		const char *tag = cells[i * ncols];
		size_t p = 0;

		while (p < PGIAM_ST__COUNT && (!tag || strcmp(tags[p], tag)))
			p++;
		if (p == PGIAM_ST__COUNT)
			continue;
		out->rows[out->nrows].part = (pgiam_structure_part)p;
		for (size_t f = 0; f < PGIAM_STRUCTURE_FIELDS; f++)
			out->rows[out->nrows].v[f] = dup_or_null(cells[i * ncols + 1 + f], &oom);
		have_table |= p == PGIAM_ST_TABLE;
		out->nrows++;
	}
	if (oom) {
		pgiam_structure_dispose(out);
		return pgiam_error_set(PGIAM_ENOMEM, "structure: out of memory");
	}
	if (!have_table) {
		pgiam_structure_dispose(out);
		return pgiam_error_set(PGIAM_ENOTFOUND, "structure: no such table, or the role "
			"cannot see it");
	}
	return 0;
}

const pgiam_structure_row *pgiam_structure_table(const pgiam_structure *st)
{
	for (size_t i = 0; i < st->nrows; i++)
		if (st->rows[i].part == PGIAM_ST_TABLE)
			return &st->rows[i];
	return NULL;
}
