/* fuzz_catalog_sql.c - libFuzzer target for the browser's SQL builders
 * (src/pg/catalog_browse.c, the structure statement of structure.c, and refby.c's
 * statements: the foreign keys pointing at a table, and the count for one row), which put schema, table and column names and key values
 * from the server into SQL text. The input is split on 0x01 into schema, table,
 * columns (separated by 0x02), key columns, key values, the user's filter and search
 * text; the first columns also sort (directions and nullability from the input's
 * size). Every statement built must lex (with the SQL rules for "…" identifiers, '…'
 * and E'…' literals) so that each name and value stays inside its quotes: nothing but
 * the builder's own text outside them, so no ';', comment or other statement can come
 * from the input. The one exception is the filter, which is sent as written: it must
 * appear exactly once, verbatim, right after "AS t WHERE (\n" and followed by "\n)",
 * and everything else must lex as above. Also linked with standalone.c into a corpus
 * replayer that runs in the normal test suite. */
#include "buf.h"
#include "catalog.h"
#include "refby.h"
#include "structure.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXN 8

/* Checks the statement's shape: quotes balance, and outside quoted tokens there is no
 * ';', no comment and nothing from the input (which the builder only puts inside
 * quotes; the SQL's own words are ASCII letters, digits, spaces and punctuation). */
static void check_sql(const char *sql, const char *where)
{
	static const char mark[] = " AS t WHERE (\n";
	const char *p = sql;
	int seen_where = 0;

	while (*p) {
		if (where && !seen_where && !strncmp(p, mark, sizeof(mark) - 1)) {
			size_t wl = strlen(where);
			p += sizeof(mark) - 1;
			if (strncmp(p, where, wl) || strncmp(p + wl, "\n)", 2))
				abort();   /* the filter is not where it belongs, verbatim */
			p += wl + 2;
			seen_where = 1;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			char q = *p;
			int backslashes = q == '\'' && p > sql && (p[-1] == 'E');

			for (p++;; p++) {
				if (!*p)
					abort();   /* unterminated */
				if (backslashes && *p == '\\') {
					if (!p[1])
						abort();
					p++;
					continue;
				}
				if (*p == q) {
					if (p[1] == q) {
						p++;
						continue;
					}
					break;
				}
			}
			p++;
			continue;
		}
		if (*p == ';' || (p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*') ||
		    (unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20 || *p == '\\' || *p == '$')
			abort();
		p++;
	}
	if (where && !seen_where)
		abort();   /* a filter given but not in the statement */
}

static size_t split(char **out, size_t max, char *s, char sep)
{
	size_t n = 0;

	while (s && n < max) {
		char *e = strchr(s, sep);
		if (e)
			*e++ = '\0';
		out[n++] = s;
		s = e;
	}
	return n;
}

/* A foreign key of table parts[1] (schema parts[0]) on the columns given, pointing
 * at columns of the same names, bound to the values given: its count statement. */
static void refby_count(pgiam_buf *b, char **parts, char **cols, size_t nc, char **vals,
	size_t nv)
{
	const char *cells[MAXN * PGIAM_REFBY_SQL_COLS];
	static const char *const pos[] = { "1", "2", "3", "4", "5", "6", "7", "8" };
	pgiam_refby rb;
	int any = 0;

	for (size_t i = 0; i < nc; i++) {
		const char *row[PGIAM_REFBY_SQL_COLS] = { "fk", parts[0], parts[1], pos[i], cols[i],
			cols[i], "t", "f", "t", "10", NULL };
		memcpy(&cells[i * PGIAM_REFBY_SQL_COLS], row, sizeof(row));
	}
	if (pgiam_refby_parse(&rb, cells, nc, PGIAM_REFBY_SQL_COLS) < 0)
		return;
	pgiam_buf_clear(b);
	if (pgiam_refby_bind(&rb, (const char *const *)cols, (const char *const *)vals,
	    nc < nv ? nc : nv, 2000) == 0 && pgiam_refby_count_sql(b, &any, &rb) == 0 && any)
		check_sql(pgiam_buf_cstr(b), NULL);
	pgiam_refby_dispose(&rb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = NULL, *parts[7] = { 0 };
	pgiam_browse_order ord[2];
	char *cols[MAXN] = { 0 }, *keys[MAXN] = { 0 }, *vals[MAXN] = { 0 };
	pgiam_buf b = PGIAM_BUF_INIT;
	size_t np, nc, nk, nv;
	int rev = 0;

	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	np = split(parts, 7, s, '\x01');
	for (size_t i = np; i < 7; i++)
		parts[i] = (char *)"";
	nc = split(cols, MAXN, parts[2], '\x02');
	nk = *parts[3] ? split(keys, MAXN, parts[3], '\x02') : 0;
	nv = *parts[4] ? split(vals, MAXN, parts[4], '\x02') : 0;

	for (size_t i = 0; i < 2 && i < nc; i++)
		ord[i] = (pgiam_browse_order){ cols[i], (int)(size >> i) & 1, (int)(size >> (i + 2)) & 1 };
	/* a NULL boundary value for a sort column now and then */
	if (nv && (size & 16))
		vals[0] = NULL;
	if (pgiam_catalog_tables_sql(&b, parts[0]) == 0)
		check_sql(pgiam_buf_cstr(&b), NULL);
	pgiam_buf_clear(&b);
	if (pgiam_catalog_columns_sql(&b, parts[0], parts[1]) == 0)
		check_sql(pgiam_buf_cstr(&b), NULL);
	pgiam_buf_clear(&b);
	if (pgiam_structure_sql(&b, parts[0], parts[1]) == 0)
		check_sql(pgiam_buf_cstr(&b), NULL);
	pgiam_buf_clear(&b);
	if (pgiam_refby_sql(&b, parts[0], parts[1]) == 0)
		check_sql(pgiam_buf_cstr(&b), NULL);
	refby_count(&b, parts, cols, nc, vals, nv);
	for (int kind = 0; kind < 3 * 3; kind++) {
		for (int dir = 0; dir <= PGIAM_BROWSE_ROW; dir++) {
			size_t norder = (size_t)(kind / 3) < nc ? (size_t)(kind / 3) : nc;
			pgiam_browse_table t = { parts[0], parts[1], (const char *const *)cols, nc,
				(const char *const *)keys, nk, (pgiam_browse_keykind)(kind % 3),
				1 + size % PGIAM_BROWSE_PAGE_ROWS, size % 5, ord, norder,
				(size & 32) ? parts[5] : NULL, (size & 64) ? parts[6] : NULL };
			const char *const *bound = nv >= pgiam_catalog_page_keys(&t) || kind % 3 == 2 ?
				(const char *const *)vals : NULL;

			if (kind % 3 == 2 && (!nv || !vals[0]))
				bound = NULL;
			pgiam_buf_clear(&b);
			if (pgiam_catalog_page_sql(&b, &rev, &t, (pgiam_browse_dir)dir, bound) == 0)
				check_sql(pgiam_buf_cstr(&b), pgiam_catalog_filter_blank(t.where) ?
					NULL : t.where);
		}
	}
	pgiam_buf_dispose(&b);
	free(s);
	return 0;
}
