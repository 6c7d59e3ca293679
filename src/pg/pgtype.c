/* pgtype.c - pgtype.h: a table of the built-in types (pg_type.dat's OIDs, stable
 * across PostgreSQL releases). */
#include "pgtype.h"

#include <stddef.h>
#include <string.h>

typedef struct type_row {
	unsigned oid;
	const char *name;
	pgiam_pgtype_kind kind;
} type_row;

static const type_row TYPES[] = {
	{ 16, "bool", PGIAM_PGTYPE_BOOL }, { 17, "bytea", PGIAM_PGTYPE_BYTEA },
	{ 18, "char", PGIAM_PGTYPE_OTHER }, { 19, "name", PGIAM_PGTYPE_OTHER },
	{ 20, "int8", PGIAM_PGTYPE_NUMBER }, { 21, "int2", PGIAM_PGTYPE_NUMBER },
	{ 23, "int4", PGIAM_PGTYPE_NUMBER }, { 25, "text", PGIAM_PGTYPE_OTHER },
	{ 26, "oid", PGIAM_PGTYPE_NUMBER }, { 114, "json", PGIAM_PGTYPE_JSON },
	{ 142, "xml", PGIAM_PGTYPE_OTHER }, { 700, "float4", PGIAM_PGTYPE_NUMBER },
	{ 701, "float8", PGIAM_PGTYPE_NUMBER }, { 790, "money", PGIAM_PGTYPE_NUMBER },
	{ 869, "inet", PGIAM_PGTYPE_OTHER }, { 650, "cidr", PGIAM_PGTYPE_OTHER },
	{ 1042, "bpchar", PGIAM_PGTYPE_OTHER }, { 1043, "varchar", PGIAM_PGTYPE_OTHER },
	{ 1082, "date", PGIAM_PGTYPE_OTHER }, { 1083, "time", PGIAM_PGTYPE_OTHER },
	{ 1114, "timestamp", PGIAM_PGTYPE_OTHER }, { 1184, "timestamptz", PGIAM_PGTYPE_OTHER },
	{ 1186, "interval", PGIAM_PGTYPE_OTHER }, { 1266, "timetz", PGIAM_PGTYPE_OTHER },
	{ 1700, "numeric", PGIAM_PGTYPE_NUMBER }, { 2950, "uuid", PGIAM_PGTYPE_OTHER },
	{ 3802, "jsonb", PGIAM_PGTYPE_JSON }, { 2249, "record", PGIAM_PGTYPE_OTHER },
	{ 705, "unknown", PGIAM_PGTYPE_OTHER }, { 3220, "pg_lsn", PGIAM_PGTYPE_OTHER },
	{ 24, "regproc", PGIAM_PGTYPE_OTHER }, { 2205, "regclass", PGIAM_PGTYPE_OTHER },
	{ 28, "xid", PGIAM_PGTYPE_OTHER }, { 3614, "tsvector", PGIAM_PGTYPE_OTHER },
	/* arrays */
	{ 1000, "bool[]", PGIAM_PGTYPE_ARRAY }, { 1001, "bytea[]", PGIAM_PGTYPE_ARRAY },
	{ 1003, "name[]", PGIAM_PGTYPE_ARRAY }, { 1005, "int2[]", PGIAM_PGTYPE_ARRAY },
	{ 1007, "int4[]", PGIAM_PGTYPE_ARRAY }, { 1009, "text[]", PGIAM_PGTYPE_ARRAY },
	{ 1016, "int8[]", PGIAM_PGTYPE_ARRAY }, { 1021, "float4[]", PGIAM_PGTYPE_ARRAY },
	{ 1022, "float8[]", PGIAM_PGTYPE_ARRAY }, { 1014, "bpchar[]", PGIAM_PGTYPE_ARRAY },
	{ 1015, "varchar[]", PGIAM_PGTYPE_ARRAY }, { 1028, "oid[]", PGIAM_PGTYPE_ARRAY },
	{ 1182, "date[]", PGIAM_PGTYPE_ARRAY }, { 1115, "timestamp[]", PGIAM_PGTYPE_ARRAY },
	{ 1185, "timestamptz[]", PGIAM_PGTYPE_ARRAY }, { 1231, "numeric[]", PGIAM_PGTYPE_ARRAY },
	{ 2951, "uuid[]", PGIAM_PGTYPE_ARRAY }, { 199, "json[]", PGIAM_PGTYPE_ARRAY },
	{ 3807, "jsonb[]", PGIAM_PGTYPE_ARRAY }, { 1034, "aclitem[]", PGIAM_PGTYPE_ARRAY },
};

static const type_row *find(unsigned oid)
{
	for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
		if (TYPES[i].oid == oid)
			return &TYPES[i];
	return NULL;
}

const char *pgiam_pgtype_name(unsigned oid)
{
	const type_row *t = find(oid);

	return t ? t->name : "";
}

pgiam_pgtype_kind pgiam_pgtype_kind_of(unsigned oid)
{
	const type_row *t = find(oid);

	return t ? t->kind : PGIAM_PGTYPE_OTHER;
}

int pgiam_pgtype_is_money(unsigned oid)
{
	return oid == 790;
}

/* s starts with the word w (followed by nothing, a space or a typmod). */
static int starts(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(s, w, n) && (!s[n] || s[n] == '(' || s[n] == ' ');
}

pgiam_pgtype_kind pgiam_pgtype_kind_of_name(const char *t)
{
	static const char *const numbers[] = { "smallint", "integer", "bigint", "numeric",
		"real", "double precision", "oid", "money", "int2", "int4", "int8", "float4",
		"float8", "decimal" };
	size_t n = t ? strlen(t) : 0;

	if (!n)
		return PGIAM_PGTYPE_OTHER;
	if (n > 2 && !strcmp(t + n - 2, "[]"))
		return PGIAM_PGTYPE_ARRAY;
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (starts(t, numbers[i]))
			return PGIAM_PGTYPE_NUMBER;
	if (!strcmp(t, "boolean") || !strcmp(t, "bool"))
		return PGIAM_PGTYPE_BOOL;
	if (!strcmp(t, "json") || !strcmp(t, "jsonb"))
		return PGIAM_PGTYPE_JSON;
	if (!strcmp(t, "bytea"))
		return PGIAM_PGTYPE_BYTEA;
	return PGIAM_PGTYPE_OTHER;
}
