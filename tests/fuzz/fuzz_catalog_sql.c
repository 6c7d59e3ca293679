/* fuzz_catalog_sql.c - libFuzzer target for the browser's SQL builders
 * (src/pg/catalog_browse.c), which put schema, table and column names and key values
 * from the server into SQL text. The input is split on 0x01 into schema, table,
 * columns (separated by 0x02), key columns and key values. Every statement built must
 * lex (with the SQL rules for "…" identifiers, '…' and E'…' literals) so that each
 * name and value stays inside its quotes: nothing but the builder's own text outside
 * them, so no ';', comment or other statement can come from the input. Also linked
 * with standalone.c into a corpus replayer that runs in the normal test suite. */
#include "buf.h"
#include "catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXN 8

/* Checks the statement's shape: quotes balance, and outside quoted tokens there is no
 * ';', no comment and nothing from the input (which the builder only puts inside
 * quotes; the SQL's own words are ASCII letters, digits, spaces and punctuation). */
static void check_sql(const char *sql)
{
	const char *p = sql;

	while (*p) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = NULL, *parts[5] = { 0 };
	char *cols[MAXN] = { 0 }, *keys[MAXN] = { 0 }, *vals[MAXN] = { 0 };
	pgiam_buf b = PGIAM_BUF_INIT;
	size_t np, nc, nk, nv;
	int rev = 0;

	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	np = split(parts, 5, s, '\x01');
	for (size_t i = np; i < 5; i++)
		parts[i] = (char *)"";
	nc = split(cols, MAXN, parts[2], '\x02');
	nk = *parts[3] ? split(keys, MAXN, parts[3], '\x02') : 0;
	nv = *parts[4] ? split(vals, MAXN, parts[4], '\x02') : 0;

	if (pgiam_catalog_tables_sql(&b, parts[0]) == 0)
		check_sql(pgiam_buf_cstr(&b));
	pgiam_buf_clear(&b);
	if (pgiam_catalog_columns_sql(&b, parts[0], parts[1]) == 0)
		check_sql(pgiam_buf_cstr(&b));
	for (int kind = 0; kind < 3; kind++) {
		for (int dir = 0; dir <= PGIAM_BROWSE_ROW; dir++) {
			pgiam_browse_table t = { parts[0], parts[1], (const char *const *)cols, nc,
				(const char *const *)keys, nk, (pgiam_browse_keykind)kind,
				1 + size % PGIAM_BROWSE_PAGE_ROWS, size % 5 };
			const char *const *bound = nv >= pgiam_catalog_page_keys(&t) || kind == 2 ?
				(const char *const *)vals : NULL;

			if (kind == 2 && !nv)
				bound = NULL;
			pgiam_buf_clear(&b);
			if (pgiam_catalog_page_sql(&b, &rev, &t, (pgiam_browse_dir)dir, bound) == 0)
				check_sql(pgiam_buf_cstr(&b));
		}
	}
	pgiam_buf_dispose(&b);
	free(s);
	return 0;
}
