/* catalog.h - what the server says about the logged-in user: identity, role
 * memberships (is rds_iam among them) and a privilege summary for the tables of the
 * session's database. Calls on a READY session that return when the answer is in, for
 * `pgiam check` (which the TUI runs in a thread); every query is parameterised and
 * runs as the session's own query (pgiam_session_query_params), so it stops when the
 * wait's cancel flag is set or its time is up (the server is sent a cancel request).
 * Browsing: the SQL builders below (catalog_browse.c). */
#ifndef PGIAM_CATALOG_H
#define PGIAM_CATALOG_H

#include "buf.h"
#include "session.h"

#include <stddef.h>

typedef struct pgiam_catalog_identity {
	char current_user[128];
	char session_user[128];
	char server_version[64];
	int server_version_num;
	char memberships[1024];   /* "readonly_role, rds_iam" (direct and indirect) */
	int has_rds_iam;
} pgiam_catalog_identity;

/* How long a catalog call may wait, and the flag that stops it (set by another
 * thread). NULL: until the answer comes. */
typedef struct pgiam_catalog_wait {
	const pgiam_cancel *cancel;   /* NULL: never */
	int timeout_ms;               /* 0: none */
} pgiam_catalog_wait;

int pgiam_catalog_identity_get(pgiam_catalog_identity *out, pgiam_session *s,
	const pgiam_catalog_wait *w);

#define PGIAM_PRIV_SELECT     0x01u
#define PGIAM_PRIV_INSERT     0x02u
#define PGIAM_PRIV_UPDATE     0x04u
#define PGIAM_PRIV_DELETE     0x08u
#define PGIAM_PRIV_TRUNCATE   0x10u
#define PGIAM_PRIV_REFERENCES 0x20u
#define PGIAM_PRIV_TRIGGER    0x40u

typedef struct pgiam_catalog_table_priv {
	char name[256];           /* schema.table, quoted where needed */
	char kind[24];            /* "table", "view", … */
	unsigned privs;           /* PGIAM_PRIV_* held by current_user */
} pgiam_catalog_table_priv;

typedef struct pgiam_catalog_privileges {
	size_t tables;            /* tables, views … outside the system schemas */
	size_t can_select, can_insert, can_update, can_delete;
	pgiam_catalog_table_priv *list;   /* first PGIAM_CATALOG_LIST_MAX, sorted */
	size_t list_count;
} pgiam_catalog_privileges;

#define PGIAM_CATALOG_LIST_MAX 200

int pgiam_catalog_privileges_get(pgiam_catalog_privileges *out, pgiam_session *s,
	const pgiam_catalog_wait *w);
void pgiam_catalog_privileges_dispose(pgiam_catalog_privileges *p);

/* "SELECT, INSERT" for a privilege mask ("" for none) into out. */
void pgiam_catalog_privs_str(char *out, size_t outlen, unsigned privs);

/* --- Browsing (catalog_browse.c): pure SQL builders, no connection needed.
 *
 * The TUI runs these statements through the session's non-blocking query path, so
 * the screen never waits and Esc cancels them. Identifiers and values (keys of the
 * boundary row) are quoted by the one quoting module (quote.h: PQescapeIdentifier's
 * and PQescapeLiteral's text for the session's UTF8 client encoding). Values are
 * untyped literals, so the server reads them as the key column's type. Pure functions
 * so that the UI (which never links libpq calls) can build them and tests can check
 * them without a server.
 *
 * Result columns:
 *   schemas: name, tables (tables, views, materialized views, foreign tables), usage
 *            ("t"/"f": has_schema_privilege USAGE). System schemas last.
 *   tables:  name, kind ("table", "view", …), estimated rows (pg_class.reltuples, never
 *            COUNT(*); -1 when never analysed), size (pg_size_pretty of the total
 *            relation size), then SELECT, INSERT, UPDATE, DELETE as "t"/"f"
 *            (has_table_privilege for the current role).
 *   partitions: the direct partitions of schema.table, as tables (a partitioned one
 *            says how many it has), then the partition's schema.
 *   columns: name, type (format_type), nullable "t"/"f", position in the primary key
 *            (1-based, "" when not part of it), relkind ("r", "v", …), indexed
 *            ("t" when a valid index starts with the column: a sort on it pages at
 *            constant cost; "f": each page sorts the table), then the first
 *            foreign key (by name) the column is part of: its name, the target's
 *            schema, table and column, the column's position in it (NULLs when none).
 *   page:    the key columns as text first (pgiam_catalog_page_keys() of them), then
 *            every column as text cut to cell_max + 1 characters (so a longer value is
 *            known to be cut), at most `limit` rows. */
int pgiam_catalog_schemas_sql(pgiam_buf *out);
int pgiam_catalog_tables_sql(pgiam_buf *out, const char *schema);
int pgiam_catalog_partitions_sql(pgiam_buf *out, const char *schema, const char *table);
int pgiam_catalog_columns_sql(pgiam_buf *out, const char *schema, const char *table);

typedef enum pgiam_browse_dir {
	PGIAM_BROWSE_FIRST = 0,   /* the first page */
	PGIAM_BROWSE_NEXT,        /* the page after the row whose key is `bound` */
	PGIAM_BROWSE_PREV,        /* the page before the row whose key is `bound` */
	PGIAM_BROWSE_LAST,        /* the last page */
	PGIAM_BROWSE_AT,          /* the page that starts at the row whose key is `bound`
	                             (to read a page again) */
	PGIAM_BROWSE_ROW          /* only the row whose key is `bound` (a whole record:
	                             with a larger cell_max) */
} pgiam_browse_dir;

typedef enum pgiam_browse_keykind {
	PGIAM_BROWSE_KEY_PK = 0,  /* keyset on the primary key: stable and indexed */
	PGIAM_BROWSE_KEY_CTID,    /* no primary key: keyset on ctid (physical position;
	                             an UPDATE or VACUUM FULL moves rows, so a row can
	                             show twice or be skipped while paging) */
	PGIAM_BROWSE_KEY_OFFSET   /* no ctid (views): OFFSET, bound = the row offset;
	                             deep pages cost more, LAST is not available */
} pgiam_browse_keykind;

#define PGIAM_BROWSE_PAGE_ROWS 200
#define PGIAM_BROWSE_CELL_MAX 2000
#define PGIAM_BROWSE_RECORD_MAX 65536   /* characters per value of one record */

/* One term of a sort the user chose: the server sorts (ascending NULLS LAST,
 * descending NULLS FIRST: NULL is the largest value either way) and the page's key
 * breaks ties, so paging on (sort values, key) returns every row once. */
typedef struct pgiam_browse_order {
	const char *column;
	int desc;
	int nullable;                 /* the column may hold NULL (from the columns query) */
} pgiam_browse_order;

#define PGIAM_BROWSE_ORDER_MAX 8

typedef struct pgiam_browse_table {
	const char *schema, *table;
	const char *const *columns;   /* every column to show, in order */
	size_t ncolumns;
	const char *const *keys;      /* PK: the primary key's columns, in index order */
	size_t nkeys;
	pgiam_browse_keykind keykind;
	size_t limit;                 /* rows per page: 1..PGIAM_BROWSE_PAGE_ROWS */
	size_t cell_max;              /* characters per cell kept; 0: PGIAM_BROWSE_CELL_MAX;
	                                 at most PGIAM_BROWSE_RECORD_MAX */
	const pgiam_browse_order *order;   /* the user's sort (NULL: the key's order) */
	size_t norder;                /* at most PGIAM_BROWSE_ORDER_MAX */
	const char *where;            /* the user's filter, a boolean SQL expression sent
	                                 as written between "(\n" and "\n)": the server
	                                 parses it. The page goes as one statement
	                                 (pgiam_session_query_params), so text that closes
	                                 the parenthesis and starts a second statement
	                                 fails as a syntax error and runs nothing. NULL or
	                                 blank: no filter */
	const char *search;           /* text to find in any shown column (col::text ILIKE
	                                 '%text%', the text's % _ \ matched as themselves);
	                                 NULL or "": no search */
} pgiam_browse_table;

/* How many values lead each row of a page: the sort columns' values (NULL for a NULL
 * value), then the key (nkeys for PK, 1 for ctid); 0 for offset. The bound of a
 * keyed page is these values of the boundary row. */
size_t pgiam_catalog_page_keys(const pgiam_browse_table *t);

/* Builds the query of one page into out. bound: the boundary row's leading values
 * (pgiam_catalog_page_keys() of them, as received; only sort values may be NULL) for
 * NEXT, PREV, AT and ROW; for OFFSET the offset of the page's first row as a decimal
 * string, with any dir but LAST. Sets *reversed when the rows arrive last row first
 * (PREV and LAST read backwards so they use the index too); the caller shows them in
 * reverse. With a sort on NOT NULL columns in one direction the boundary is a row
 * comparison ((s, k) > (v, kv)), which an index on the sort column serves; otherwise
 * an equivalent OR of comparisons that handles NULLs and mixed directions (correct,
 * but the server may read more than a page). */
int pgiam_catalog_page_sql(pgiam_buf *out, int *reversed, const pgiam_browse_table *t,
	pgiam_browse_dir dir, const char *const *bound);

/* t."c1" = 'v1' AND t."c2" = 'v2' (a filter for the row a foreign key points at when
 * it references other columns than the target's primary key). A NULL value: EINVAL. */
int pgiam_catalog_match_sql(pgiam_buf *out, const char *const *cols,
	const char *const *vals, size_t n);

/* 1 when where holds only white space (or is NULL): no filter. */
int pgiam_catalog_filter_blank(const char *where);

/* Characters (not bytes) in a UTF-8 value: more than cell_max means it was cut. */
size_t pgiam_catalog_utf8_chars(const char *s);

#endif
