/* refby.h - "referenced by" for one row: the foreign keys of other tables that point
 * at a table (one catalog statement), and for one row of it how many rows of each
 * point at that row. A count is exact up to a cap (a LIMIT cap + 1 subquery: "1000+")
 * and only where it is cheap: an index whose leading columns are the referencing
 * columns, or a table small enough to scan; otherwise the planner's estimate (rows
 * per distinct value, from pg_stats) or "?", each with the reason. The filter that
 * opens the referencing table at those rows is a plain WHERE (catalog.h's match), so
 * it pages with the usual keyset. Pure SQL building and parsing: the TUI and
 * `pgiam browse --referenced-by` run the statements; unit-tested without a server. */
#ifndef PGIAM_REFBY_H
#define PGIAM_REFBY_H

#include "buf.h"

#include <stddef.h>

#define PGIAM_REFBY_CAP 1000                /* counted up to this, then "1000+" */
#define PGIAM_REFBY_SMALL_BYTES (1024 * 1024) /* a table this small is scanned to count */
#define PGIAM_REFBY_MAX 64                  /* foreign keys kept */
#define PGIAM_REFBY_COLS 32                 /* columns of one foreign key */

typedef enum pgiam_refby_how {
	PGIAM_REFBY_UNKNOWN = 0,  /* "?": why says why */
	PGIAM_REFBY_EXACT,        /* count rows point at the row */
	PGIAM_REFBY_CAPPED,       /* more than PGIAM_REFBY_CAP */
	PGIAM_REFBY_ESTIMATE      /* about count rows (the planner's statistics) */
} pgiam_refby_how;

typedef struct pgiam_refby_fk {
	char *name;                 /* the constraint */
	char *schema, *table;       /* the referencing table */
	char *cols[PGIAM_REFBY_COLS];    /* its columns, in the key's order */
	char *refcols[PGIAM_REFBY_COLS]; /* the columns of this table they reference */
	char *vals[PGIAM_REFBY_COLS];    /* the row's values of refcols (after bind) */
	size_t ncols;
	int indexed;                /* a valid, non-partial index leads with cols */
	int small;                  /* at most PGIAM_REFBY_SMALL_BYTES: a scan is cheap */
	int can_select;             /* the role holds SELECT on the table */
	double rows_estimate;       /* pg_class.reltuples (-1: never analysed) */
	double per_value;           /* estimated rows per value (pg_stats); < 0: none */
	/* for the row bound: */
	int countable;              /* the count statement counts it */
	int null_key;               /* a value is NULL: no row can point at it */
	pgiam_refby_how how;
	long long count;
	char why[200];
} pgiam_refby_fk;

typedef struct pgiam_refby {
	pgiam_refby_fk *fks;
	size_t nfks;
	int cut;                    /* more than PGIAM_REFBY_MAX foreign keys */
} pgiam_refby;

/* The foreign keys pointing at schema.table, a row per (key, column): constraint,
 * schema, table, position, column, referenced column, indexed, small, can_select,
 * rows_estimate, per_value ("t"/"f" booleans, numbers as text, per_value NULL when
 * there are no statistics). Keys inherited by partitions are listed once. */
#define PGIAM_REFBY_SQL_COLS 11
int pgiam_refby_sql(pgiam_buf *out, const char *schema, const char *table);

/* Groups the statement's rows (cells: nrows * ncols, NULL for NULL) into keys. */
int pgiam_refby_parse(pgiam_refby *out, const char *const *cells, size_t nrows,
	size_t ncols);
void pgiam_refby_dispose(pgiam_refby *rb);

/* Binds one row of the referenced table: its column names and values (NULL for
 * NULL), each value cut to cell_max characters by the page (a longer one cannot be
 * matched). Decides per key whether it is counted, or estimated, or unknown, and why. */
int pgiam_refby_bind(pgiam_refby *rb, const char *const *names, const char *const *vals,
	size_t n, size_t cell_max);

/* The count statement for the keys bound as countable: one row, one text column per
 * countable key in order, SELECT count(*) FROM (SELECT 1 … LIMIT cap + 1). Sets
 * *any 0 (and writes nothing) when no key is countable. */
int pgiam_refby_count_sql(pgiam_buf *out, int *any, const pgiam_refby *rb);

/* Takes the count statement's row (ncols values). */
int pgiam_refby_take_counts(pgiam_refby *rb, const char *const *cells, size_t ncols);

/* "12", "1000+", "~40", "?" for a key; then its reason in why (may be ""). */
void pgiam_refby_count_label(char *out, size_t outlen, const pgiam_refby_fk *fk);

/* The filter that shows the rows pointing at the bound row: t."c" = 'v' AND …
 * (PGIAM_EINVAL for a NULL key: no row points at it). */
int pgiam_refby_filter_sql(pgiam_buf *out, const pgiam_refby_fk *fk);

#endif
