/* pgtype.h - what pgiam needs to know about a result column's type: its name for
 * the grid's header, and its kind, which decides how a value is aligned (numbers to
 * the right), shown whole (JSON pretty-printed, arrays one element a line, bytea as a
 * hex dump) and exported (JSON numbers, booleans, embedded JSON). Built-in types by
 * OID (PQftype); the browser's columns by format_type() name. */
#ifndef PGIAM_PGTYPE_H
#define PGIAM_PGTYPE_H

typedef enum pgiam_pgtype_kind {
	PGIAM_PGTYPE_OTHER = 0,   /* text, dates, …: shown and exported as text */
	PGIAM_PGTYPE_NUMBER,      /* int2/4/8, numeric, float4/8, oid, money */
	PGIAM_PGTYPE_BOOL,
	PGIAM_PGTYPE_JSON,        /* json, jsonb */
	PGIAM_PGTYPE_BYTEA,
	PGIAM_PGTYPE_ARRAY        /* any one-dimensional or deeper array */
} pgiam_pgtype_kind;

/* The name of a built-in type ("int4", "text", "jsonb", "_int4" shown as "int4[]"),
 * or "" for a type pgiam does not know by OID. */
const char *pgiam_pgtype_name(unsigned oid);
pgiam_pgtype_kind pgiam_pgtype_kind_of(unsigned oid);
/* The kind from format_type()'s text: "integer", "numeric(10,2)", "double precision",
 * "jsonb", "text[]", "bytea". */
pgiam_pgtype_kind pgiam_pgtype_kind_of_name(const char *format_type);
/* money is a number to align but not to export as a JSON number ("$1.00"). */
int pgiam_pgtype_is_money(unsigned oid);

#endif
