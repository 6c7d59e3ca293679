/* refby.c - "referenced by" (refby.h): the catalog statement of the foreign keys that
 * point at a table, the count statement for one row (cheap counts only, capped), the
 * labels and the filter that opens the referencing rows. Pure string building. */
#include "refby.h"

#include "catalog.h"
#include "error.h"
#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row per (foreign key, column). A key cloned onto the partitions of a partitioned
 * referencing table has a parent constraint with the same target: only the parent is
 * listed. "indexed": a valid index without a predicate whose first columns are the
 * key's columns (in any order): the count reads it. "per_value": rows per distinct
 * value of the key's first column, from its statistics (NULL: none visible). */
static const char REFBY_SQL[] =
	"SELECT k.conname::text, rn.nspname::text, rc.relname::text, u.n::text,"
	" sa.attname::text, ta.attname::text,"
	" EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid AND i.indisvalid"
	"   AND i.indpred IS NULL"
	"   AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey"
	"   AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey),"
	" rc.relkind <> 'p' AND pg_relation_size(rc.oid) <= %d,"
	" has_table_privilege(rc.oid, 'SELECT'),"
	" rc.reltuples::bigint::text,"
	" (SELECT CASE WHEN s.n_distinct > 0"
	"     THEN greatest(rc.reltuples, 0) * (1 - s.null_frac) / s.n_distinct"
	"   WHEN s.n_distinct < 0 THEN (1 - s.null_frac) / -s.n_distinct END"
	"   FROM pg_stats s, pg_attribute fa WHERE fa.attrelid = k.conrelid"
	"   AND fa.attnum = k.conkey[1] AND s.schemaname = rn.nspname"
	"   AND s.tablename = rc.relname AND s.attname = fa.attname"
	"   ORDER BY s.inherited DESC LIMIT 1)::text"
	" FROM pg_constraint k"
	" JOIN pg_class c ON c.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_class rc ON rc.oid = k.conrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
	" CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(src, tgt, n)"
	" JOIN pg_attribute sa ON sa.attrelid = k.conrelid AND sa.attnum = u.src"
	" JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = u.tgt"
	" WHERE k.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_constraint pk"
	"   WHERE pk.oid = k.conparentid AND pk.confrelid = k.confrelid)"
	"   AND n.nspname = ";

int pgiam_refby_sql(pgiam_buf *out, const char *schema, const char *table)
{
	int error = 0;

	if ((error = pgiam_buf_printf(out, REFBY_SQL, PGIAM_REFBY_SMALL_BYTES)) < 0 ||
	    (error = pgiam_sql_quote_literal(out, schema)) < 0 ||
	    (error = pgiam_buf_puts(out, " AND c.relname = ")) < 0 ||
	    (error = pgiam_sql_quote_literal(out, table)) < 0 ||
	    (error = pgiam_buf_puts(out, " ORDER BY 2, 3, 1, u.n")) < 0)
		return error;
	return 0;
}

static void fk_free(pgiam_refby_fk *fk)
{
	free(fk->name);
	free(fk->schema);
	free(fk->table);
	for (size_t i = 0; i < fk->ncols; i++) {
		free(fk->cols[i]);
		free(fk->refcols[i]);
		free(fk->vals[i]);
	}
}

void pgiam_refby_dispose(pgiam_refby *rb)
{
	for (size_t i = 0; i < rb->nfks; i++)
		fk_free(&rb->fks[i]);
	free(rb->fks);
	memset(rb, 0, sizeof(*rb));
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static char *dup(const char *s, int *oom)
{
	char *d = strdup(s ? s : "");

	*oom |= !d;
	return d;
}

/* Row i starts a new key when its constraint or table differs from the key before. */
static int starts_key(const pgiam_refby_fk *last, const char *const *row)
{
	return !last || !same(last->name, row[0]) || !same(last->schema, row[1]) ||
		!same(last->table, row[2]);
}

int pgiam_refby_parse(pgiam_refby *out, const char *const *cells, size_t nrows,
	size_t ncols)
{
	int oom = 0;

	memset(out, 0, sizeof(*out));
	if (ncols != PGIAM_REFBY_SQL_COLS)
		return pgiam_error_set(PGIAM_EINVAL, "referenced by: %zu columns, not %d", ncols,
			PGIAM_REFBY_SQL_COLS);
	if (!(out->fks = calloc(PGIAM_REFBY_MAX, sizeof(*out->fks))))
		return pgiam_error_set(PGIAM_ENOMEM, "referenced by: out of memory");
	for (size_t i = 0; i < nrows && !oom; i++) {
		const char *const *row = &cells[i * ncols];
		pgiam_refby_fk *fk = out->nfks ? &out->fks[out->nfks - 1] : NULL;

		if (!row[0] || !row[1] || !row[2] || !row[4] || !row[5])
			continue;
		if (starts_key(fk, row)) {
			if (out->nfks == PGIAM_REFBY_MAX) {
				out->cut = 1;
				break;
			}
			fk = &out->fks[out->nfks++];
			fk->name = dup(row[0], &oom);
			fk->schema = dup(row[1], &oom);
			fk->table = dup(row[2], &oom);
			fk->indexed = same(row[6], "t");
			fk->small = same(row[7], "t");
			fk->can_select = same(row[8], "t");
			fk->rows_estimate = row[9] ? strtod(row[9], NULL) : -1;
			fk->per_value = row[10] ? strtod(row[10], NULL) : -1;
		}
		if (fk->ncols == PGIAM_REFBY_COLS)
			continue;   /* never: PostgreSQL keys have at most 32 columns */
		fk->cols[fk->ncols] = dup(row[4], &oom);
		fk->refcols[fk->ncols++] = dup(row[5], &oom);
	}
	if (oom) {
		pgiam_refby_dispose(out);
		return pgiam_error_set(PGIAM_ENOMEM, "referenced by: out of memory");
	}
	return 0;
}

/* (a, b): the key's columns, for a reason. */
static void cols_text(char *out, size_t outlen, const pgiam_refby_fk *fk)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < fk->ncols && n < outlen; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", i ? ", " : "", fk->cols[i]);
}

/* Not counted (reason says why): the estimate when there are statistics, else "?". */
static void not_counted(pgiam_refby_fk *fk, const char *reason)
{
	if (fk->per_value >= 0 && fk->can_select) {
		fk->how = PGIAM_REFBY_ESTIMATE;
		fk->count = (long long)(fk->per_value + 0.5);
		snprintf(fk->why, sizeof(fk->why), "%s: estimated (rows per value in the "
			"statistics%s)", reason, fk->ncols > 1 ? " of its first column" : "");
	} else {
		fk->how = PGIAM_REFBY_UNKNOWN;
		snprintf(fk->why, sizeof(fk->why), "%s%s", reason, fk->can_select ?
			", no statistics (never analysed)" : "");
	}
}

static void bind_one(pgiam_refby_fk *fk, const char *const *names,
	const char *const *vals, size_t n, size_t cell_max)
{
	char cols[120];

	fk->countable = fk->null_key = 0;
	fk->how = PGIAM_REFBY_UNKNOWN;
	fk->count = 0;
	fk->why[0] = '\0';
	for (size_t c = 0; c < fk->ncols; c++) {
		size_t j = 0;

		free(fk->vals[c]);
		fk->vals[c] = NULL;
		while (j < n && !same(names[j], fk->refcols[c]))
			j++;
		if (j == n) {
			snprintf(fk->why, sizeof(fk->why), "the row has no column %s", fk->refcols[c]);
			return;
		}
		if (!vals[j]) {
			fk->null_key = 1;
			continue;
		}
		if (pgiam_catalog_utf8_chars(vals[j]) > cell_max) {
			snprintf(fk->why, sizeof(fk->why), "%s is longer than the page keeps: not "
				"matched", fk->refcols[c]);
			return;
		}
		if (!(fk->vals[c] = strdup(vals[j]))) {
			snprintf(fk->why, sizeof(fk->why), "out of memory");
			return;
		}
	}
	cols_text(cols, sizeof(cols), fk);
	if (fk->null_key) {
		fk->how = PGIAM_REFBY_EXACT;
		snprintf(fk->why, sizeof(fk->why), "a NULL key: no row can point at it");
	} else if (!fk->can_select) {
		not_counted(fk, "no SELECT on the table");
	} else if (fk->indexed || fk->small) {
		fk->countable = 1;
		snprintf(fk->why, sizeof(fk->why), fk->indexed ? "counted on the index on (%s)" :
			"counted: a small table, scanned", cols);
	} else {
		char reason[200];

		if (fk->rows_estimate < 0)
			snprintf(reason, sizeof(reason), "no index on (%s): a count would read the "
				"whole table", cols);
		else
			snprintf(reason, sizeof(reason), "no index on (%s): a count would read "
				"the whole table (~%.0f rows)", cols, fk->rows_estimate);
		not_counted(fk, reason);
	}
}

int pgiam_refby_bind(pgiam_refby *rb, const char *const *names, const char *const *vals,
	size_t n, size_t cell_max)
{
	for (size_t i = 0; i < rb->nfks; i++)
		bind_one(&rb->fks[i], names, vals, n, cell_max);
	return 0;
}

int pgiam_refby_filter_sql(pgiam_buf *out, const pgiam_refby_fk *fk)
{
	if (fk->null_key)
		return pgiam_error_set(PGIAM_EINVAL, "%s: a NULL key: no row points at it",
			fk->name);
	for (size_t c = 0; c < fk->ncols; c++)
		if (!fk->vals[c])
			return pgiam_error_set(PGIAM_EINVAL, "%s: %s", fk->name, fk->why[0] ? fk->why :
				"the row is not bound");
	return pgiam_catalog_match_sql(out, (const char *const *)fk->cols,
		(const char *const *)fk->vals, fk->ncols);
}

int pgiam_refby_count_sql(pgiam_buf *out, int *any, const pgiam_refby *rb)
{
	int error = 0;

	*any = 0;
	for (size_t i = 0; i < rb->nfks; i++) {
		const pgiam_refby_fk *fk = &rb->fks[i];

		if (!fk->countable)
			continue;
		if ((error = pgiam_buf_puts(out, *any ? ", (SELECT count(*) FROM (SELECT 1 FROM " :
		    "SELECT (SELECT count(*) FROM (SELECT 1 FROM ")) < 0 ||
		    (error = pgiam_sql_quote_ident(out, fk->schema)) < 0 ||
		    (error = pgiam_buf_putc(out, '.')) < 0 ||
		    (error = pgiam_sql_quote_ident(out, fk->table)) < 0 ||
		    (error = pgiam_buf_puts(out, " AS t WHERE ")) < 0 ||
		    (error = pgiam_refby_filter_sql(out, fk)) < 0 ||
		    (error = pgiam_buf_printf(out, " LIMIT %d) AS x)::text", PGIAM_REFBY_CAP + 1)) < 0)
			return error;
		*any = 1;
	}
	return 0;
}

int pgiam_refby_take_counts(pgiam_refby *rb, const char *const *cells, size_t ncols)
{
	size_t c = 0;

	for (size_t i = 0; i < rb->nfks; i++) {
		pgiam_refby_fk *fk = &rb->fks[i];

		if (!fk->countable)
			continue;
		if (c >= ncols || !cells[c])
			return pgiam_error_set(PGIAM_EINVAL, "referenced by: %zu counts for more keys",
				ncols);
		fk->count = strtoll(cells[c++], NULL, 10);
		fk->how = fk->count > PGIAM_REFBY_CAP ? PGIAM_REFBY_CAPPED : PGIAM_REFBY_EXACT;
		if (fk->count > PGIAM_REFBY_CAP)
			fk->count = PGIAM_REFBY_CAP;
	}
	if (c != ncols)
		return pgiam_error_set(PGIAM_EINVAL, "referenced by: %zu counts for %zu keys",
			ncols, c);
	return 0;
}

void pgiam_refby_count_label(char *out, size_t outlen, const pgiam_refby_fk *fk)
{
	switch (fk->how) {
	case PGIAM_REFBY_EXACT:
		snprintf(out, outlen, "%lld", fk->count);
		break;
	case PGIAM_REFBY_CAPPED:
		snprintf(out, outlen, "%d+", PGIAM_REFBY_CAP);
		break;
	case PGIAM_REFBY_ESTIMATE:
		snprintf(out, outlen, "~%lld", fk->count);
		break;
	default:
		snprintf(out, outlen, "?");
	}
}
