/* structure.h - a table's structure as the browser and `pgiam browse --structure` show
 * it: one catalog statement (pgiam_structure_sql, a UNION ALL of text rows tagged by
 * part) whose rows are parsed into parts with named fields, and the DDL rebuilt from
 * them (CREATE TABLE with columns and constraints, then indexes, triggers and
 * comments). Pure functions: the caller runs the statement through the session (the
 * TUI's non-blocking path, the CLI's blocking one); unit-tested without a server. */
#ifndef PGIAM_STRUCTURE_H
#define PGIAM_STRUCTURE_H

#include "buf.h"

#include <stddef.h>

typedef enum pgiam_structure_part {
	PGIAM_ST_TABLE = 0,   /* one row: relkind, owner, size, rows_estimate, comment,
	                         last_vacuum, last_analyze, partition_key, view_definition */
	PGIAM_ST_COLUMN,      /* name, type, nullable, default, identity, generated,
	                         collation, comment */
	PGIAM_ST_INDEX,       /* name, definition, unique, primary, size, valid,
	                         constraint (the constraint it backs, or NULL) */
	PGIAM_ST_CONSTRAINT,  /* name, kind (primary key, foreign key, unique, check,
	                         exclusion), definition, columns, target_table,
	                         target_columns, on_update, on_delete */
	PGIAM_ST_TRIGGER,     /* name, definition, enabled */
	PGIAM_ST_PARTITION,   /* table, bound (a partition of this table) */
	PGIAM_ST_PARENT,      /* table, bound (this table is its partition or child) */
	PGIAM_ST_PRIVILEGE,   /* grantee, privileges, grantable, grantor (from relacl, or
	                         the owner's defaults when it is NULL) */
	PGIAM_ST_REFERENCED_BY, /* constraint, table, columns, rows_estimate: foreign
	                         keys of other tables pointing at this one */
	PGIAM_ST__COUNT
} pgiam_structure_part;

#define PGIAM_STRUCTURE_FIELDS 9   /* text columns after the part's tag */

typedef struct pgiam_structure_row {
	pgiam_structure_part part;
	char *v[PGIAM_STRUCTURE_FIELDS];   /* NULL for SQL NULL */
} pgiam_structure_row;

typedef struct pgiam_structure {
	char *schema, *table;
	pgiam_structure_row *rows;   /* in the statement's order, parts grouped */
	size_t nrows;
} pgiam_structure;

/* The statement for schema.table: 1 + PGIAM_STRUCTURE_FIELDS text columns. */
int pgiam_structure_sql(pgiam_buf *out, const char *schema, const char *table);

/* Parses the statement's rows (cells: nrows * ncols values, row by row, NULL for
 * NULL). PGIAM_ENOTFOUND when there is no table row (no such table, or not visible). */
int pgiam_structure_parse(pgiam_structure *out, const char *schema, const char *table,
	const char *const *cells, size_t nrows, size_t ncols);
void pgiam_structure_dispose(pgiam_structure *st);

/* "table", "columns", …: the JSON key of a part; its field names and how many. */
const char *pgiam_structure_part_name(pgiam_structure_part part);
const char *const *pgiam_structure_fields(pgiam_structure_part part, size_t *n);

/* The table's row (never NULL after a successful parse). */
const pgiam_structure_row *pgiam_structure_table(const pgiam_structure *st);

/* The DDL rebuilt: CREATE TABLE (or VIEW / MATERIALIZED VIEW / PARTITION OF), then
 * CREATE INDEX for indexes that back no constraint, CREATE TRIGGER, COMMENT ON. What
 * the catalog gives (pg_get_constraintdef, pg_get_indexdef, pg_get_triggerdef,
 * pg_get_expr): not a dump (no storage parameters, grants, sequences, policies). */
int pgiam_structure_ddl(pgiam_buf *out, const pgiam_structure *st);

#endif
