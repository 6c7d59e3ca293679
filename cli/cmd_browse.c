/* cmd_browse.c - `pgiam browse`: the browser's statements (catalog.h) run through the
 * session, one JSON line per schema, table, column or row. For scripts and for the
 * integration test of keyset paging (tests/integration/browse_sandbox.py); the TUI's
 * browser (ui/screen_browse.c) runs the same statements.
 *
 *   pgiam browse --profile P                              schemas
 *   pgiam browse --profile P --schema S                   tables of S
 *   pgiam browse --profile P --schema S --table T --columns
 *   pgiam browse --profile P --schema S --table T [--page first|next|prev|last]
 *                [--key V | --key-null]... [--offset N] [--limit N]
 *                [--order COL[:desc]]... [--where SQL] [--search TEXT]   one page of rows
 *   pgiam browse --profile P --schema S --table T --structure    one JSON object
 *   pgiam browse --profile P --schema S --table T --referenced-by --key V...
 *                the foreign keys pointing at the row with that key, a line each
 *
 * A page prints {"page": …} (how it is keyed, the key columns, the columns) and then
 * its rows in display order, each {"key": [...], "row": [...]}; the "key" of the last
 * row goes to --page next --key …, the first row's to --page prev. Exit status
 * (usage.h): 0, 1 when a statement failed ({"error": …} on stdout), 2 usage, 3 the
 * profile.
 */
#include "cli.h"
#include "cli_session.h"
#include "usage.h"

#include "catalog.h"
#include "error.h"
#include "refby.h"
#include "session.h"
#include "structure.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 32

/* The rows of one statement, kept (at most a page: PGIAM_BROWSE_PAGE_ROWS). */
typedef struct result {
	json_object *rows;     /* array of arrays of strings / null */
	int failed;
	pgiam_session_error err;
} result;

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	result *r = ctx;
	json_object *row;

	if (ev->kind == PGIAM_SEV_ROW) {
		row = json_object_new_array();
		for (int i = 0; i < ev->nfields; i++)
			json_object_array_add(row, ev->values[i] ?
				json_object_new_string(ev->values[i]) : NULL);
		json_object_array_add(r->rows, row);
	} else if (ev->kind == PGIAM_SEV_ERROR || ev->kind == PGIAM_SEV_CANCELLED) {
		r->failed = 1;
		r->err = *pgiam_session_last_error(s);
	}
}

static void emit(json_object *o)
{
	pgiam_cli_print_json(stdout, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* Runs sql (as one statement: pages hold the user's filter); the rows land in
 * r->rows. 0, or 1 after printing the error. */
static int run_sql(result *r, pgiam_session *s, const char *sql)
{
	json_object *o;

	r->rows = json_object_new_array();
	r->failed = 0;
	if (pgiam_session_query_params(s, sql, 0, NULL) < 0 || pgiam_session_run(s, on_event, r) < 0 ||
	    r->failed) {
		o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(
			r->failed ? r->err.message : pgiam_error_last()));
		if (r->failed)
			pgiam_cli_session_error_json(o, &r->err);
		emit(o);
		return 1;
	}
	return 0;
}

static const char *cell(json_object *row, size_t i)
{
	return json_object_get_string(json_object_array_get_idx(row, i));
}

static void emit_list(json_object *rows, const char *const *names, size_t n)
{
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);
		json_object *o = json_object_new_object();

		for (size_t c = 0; c < n; c++)
			json_object_object_add(o, names[c], json_object_get(
				json_object_array_get_idx(row, c)));
		emit(o);
	}
}

typedef struct browse_opts {
	const char *schema, *table, *page;
	const char *keys[MAX_KEYS];
	size_t nkeys;
	const char *offset;
	size_t limit;
	int columns, structure, referenced_by;
	const char *orders[PGIAM_BROWSE_ORDER_MAX];   /* COL[:desc] as given */
	size_t norders;
	const char *where, *search;
} browse_opts;

enum { OPT_PAGE = 1, OPT_KEY, OPT_KEY_NULL, OPT_LIMIT, OPT_ORDER };

#define STR_(x) #x
#define STR(x) STR_(x)

static const pgiam_cli_opt browse_options[] = {
	{ "schema", 0, "S", PGIAM_CLI_FIELD(browse_opts, schema), "the tables of schema S (with the role's privileges)" },
	{ "table", 0, "T", PGIAM_CLI_FIELD(browse_opts, table), "table T of schema S: one page of its rows" },
	{ "columns", 0, NULL, PGIAM_CLI_FIELD(browse_opts, columns), "the table's columns instead of its rows" },
	{ "structure", 0, NULL, PGIAM_CLI_FIELD(browse_opts, structure), "the table's structure as one JSON object: columns, indexes,\n"
		"constraints, foreign keys, triggers, privileges, DDL" },
	{ "referenced-by", 0, NULL, PGIAM_CLI_FIELD(browse_opts, referenced_by), "the tables whose foreign keys point at the row whose key is\n"
		"--key V...: how many rows (counted up to " STR(PGIAM_REFBY_CAP) " where an index makes it\n"
		"cheap, else estimated or unknown, and why) and the filter that shows them" },
	{ "page", 0, "first|next|prev|last", OPT_PAGE, "which page (first)" },
	{ "key", 0, "V", OPT_KEY, "a value of the boundary row's \"key\" (the last row's for next,\n"
		"the first row's for prev): the sort columns' values, then the key's" },
	{ "key-null", 0, NULL, OPT_KEY_NULL, "a NULL value of the boundary row's \"key\" (a sort column's)" },
	{ "offset", 0, "N", PGIAM_CLI_FIELD(browse_opts, offset), "rows to skip (a table without a key, such as a view)" },
	{ "limit", 0, "N", OPT_LIMIT, "rows per page, 1 to " STR(PGIAM_BROWSE_PAGE_ROWS) " (50)" },
	{ "order", 0, "COL[:desc]", OPT_ORDER, "sort by the server, repeatable (up to " STR(PGIAM_BROWSE_ORDER_MAX) ")" },
	{ "where", 0, "SQL", PGIAM_CLI_FIELD(browse_opts, where), "a filter sent as written (one statement: a second one is a\n"
		"syntax error)" },
	{ "search", 0, "TEXT", PGIAM_CLI_FIELD(browse_opts, search), "rows with TEXT in any column (ILIKE on the server)" },
	{ NULL, 0, NULL, 0, NULL },
};

static int on_option(const char *cmd, void *ctx, int id, const char *v)
{
	browse_opts *bo = ctx;
	long n = 0;

	switch (id) {
	case OPT_PAGE:
		if (strcmp(v, "first") && strcmp(v, "next") && strcmp(v, "prev") && strcmp(v, "last"))
			return pgiam_cli_usage_error(cmd, "--page takes first, next, prev or last, "
				"not '%.40s'", v);
		bo->page = v;
		break;
	case OPT_KEY:
		if (bo->nkeys >= MAX_KEYS)
			return pgiam_cli_usage_error(cmd, "at most %d --key", MAX_KEYS);
		bo->keys[bo->nkeys++] = v;
		break;
	case OPT_KEY_NULL:
		if (bo->nkeys >= MAX_KEYS)
			return pgiam_cli_usage_error(cmd, "at most %d --key", MAX_KEYS);
		bo->keys[bo->nkeys++] = NULL;   /* a NULL sort value of the boundary row */
		break;
	case OPT_ORDER:
		if (!*v || *v == ':')
			return pgiam_cli_usage_error(cmd, "--order takes COL[:desc], not '%.40s'", v);
		if (bo->norders >= PGIAM_BROWSE_ORDER_MAX)
			return pgiam_cli_usage_error(cmd, "at most %d --order", PGIAM_BROWSE_ORDER_MAX);
		bo->orders[bo->norders++] = v;
		break;
	case OPT_LIMIT:
		if (pgiam_cli_int(&n, v, 1, PGIAM_BROWSE_PAGE_ROWS) < 0)
			return pgiam_cli_usage_error(cmd, "--limit takes 1 to %d, not '%.40s'",
				PGIAM_BROWSE_PAGE_ROWS, v);
		bo->limit = (size_t)n;
		break;
	}
	return PGIAM_CLI_GO_ON;
}

/* --order COL[:asc|:desc] against the table's columns (cols.rows: name, type,
 * nullable, …, indexed). 0, or 2 after saying which column is unknown. */
static int take_orders(pgiam_browse_order *out, json_object *crow[], const browse_opts *bo,
	json_object *cols, char **names_out)
{
	for (size_t i = 0; i < bo->norders; i++) {
		const char *spec = bo->orders[i], *colon = strrchr(spec, ':');
		size_t len = strlen(spec);
		int desc = 0;

		if (colon && (!strcmp(colon, ":desc") || !strcmp(colon, ":asc"))) {
			desc = !strcmp(colon, ":desc");
			len = (size_t)(colon - spec);
		}
		names_out[i] = strndup(spec, len);
		crow[i] = NULL;
		for (size_t c = 0; names_out[i] && c < json_object_array_length(cols); c++)
			if (!strcmp(cell(json_object_array_get_idx(cols, c), 0), names_out[i]))
				crow[i] = json_object_array_get_idx(cols, c);
		if (!crow[i]) {
			pgiam_cli_printf(stderr, "pgiam: browse: --order %s: the table has no such "
				"column\n", spec);
			return PGIAM_EXIT_USAGE;
		}
		out[i] = (pgiam_browse_order){ names_out[i], desc,
			!strcmp(cell(crow[i], 2), "t") };
	}
	return 0;
}

/* The page header's "order": each term with whether an index serves it. */
static json_object *orders_json(const pgiam_browse_order *ord, json_object *crow[], size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		int indexed = !strcmp(cell(crow[i], 5), "t");

		json_object_object_add(o, "column", json_object_new_string(ord[i].column));
		json_object_object_add(o, "desc", json_object_new_boolean(ord[i].desc));
		json_object_object_add(o, "indexed", json_object_new_boolean(indexed));
		if (!indexed)
			json_object_object_add(o, "note", json_object_new_string(
				"no index starts with this column: each page sorts the table"));
		json_object_array_add(a, o);
	}
	return a;
}

/* A field's JSON value: booleans as booleans, NULL as null, the rest as text. */
static json_object *field_json(const char *name, const char *v)
{
	static const char *const bools[] = { "nullable", "unique", "primary", "valid",
		"grantable" };

	if (!v)
		return NULL;
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (!strcmp(name, bools[i]) && (!strcmp(v, "true") || !strcmp(v, "false")))
			return json_object_new_boolean(!strcmp(v, "true"));
	return json_object_new_string(v);
}

static json_object *structure_json(const pgiam_structure *st)
{
	json_object *o = json_object_new_object(), *fks = json_object_new_array();
	json_object *lists[PGIAM_ST__COUNT] = { 0 };
	pgiam_buf ddl = PGIAM_BUF_INIT;

	json_object_object_add(o, "schema", json_object_new_string(st->schema));
	json_object_object_add(o, "table", json_object_new_string(st->table));
	for (int p = PGIAM_ST_COLUMN; p < PGIAM_ST__COUNT; p++)
		lists[p] = json_object_new_array();
	for (size_t i = 0; i < st->nrows; i++) {
		const pgiam_structure_row *r = &st->rows[i];
		size_t n;
		const char *const *names = pgiam_structure_fields(r->part, &n);
		json_object *item = r->part == PGIAM_ST_TABLE ? o : json_object_new_object();

		for (size_t f = 0; f < n; f++)
			json_object_object_add(item, names[f], field_json(names[f], r->v[f]));
		if (r->part == PGIAM_ST_TABLE)
			continue;
		if (r->part == PGIAM_ST_CONSTRAINT && r->v[1] && !strcmp(r->v[1], "foreign key"))
			json_object_array_add(fks, json_object_get(item));
		json_object_array_add(lists[r->part], item);
	}
	for (int p = PGIAM_ST_COLUMN; p < PGIAM_ST__COUNT; p++)
		json_object_object_add(o, pgiam_structure_part_name((pgiam_structure_part)p),
			lists[p]);
	json_object_object_add(o, "foreign_keys", fks);
	if (pgiam_structure_ddl(&ddl, st) == 0)
		json_object_object_add(o, "ddl", json_object_new_string(pgiam_buf_cstr(&ddl)));
	pgiam_buf_dispose(&ddl);
	return o;
}

/* --structure: one JSON object (structure.h), exit 1 when there is no such table. */
static int structure(pgiam_session *s, const browse_opts *bo)
{
	pgiam_buf sql = PGIAM_BUF_INIT;
	pgiam_structure st = { 0 };
	result r = { 0 };
	const char **cells = NULL;
	size_t n = 0, w = 1 + PGIAM_STRUCTURE_FIELDS;
	int rc = 0;

	if (pgiam_structure_sql(&sql, bo->schema, bo->table) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&r, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	n = json_object_array_length(r.rows);
	cells = calloc(n * w + 1, sizeof(*cells));
	for (size_t i = 0; cells && i < n; i++)
		for (size_t c = 0; c < w; c++)
			cells[i * w + c] = cell(json_object_array_get_idx(r.rows, i), c);
	if (!cells || pgiam_structure_parse(&st, bo->schema, bo->table, cells, n, w) < 0) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(cells ?
			pgiam_error_last() : "out of memory"));
		emit(o);
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	emit(structure_json(&st));

cleanup:
	pgiam_structure_dispose(&st);
	free(cells);
	json_object_put(r.rows);
	pgiam_buf_dispose(&sql);
	return rc;
}

static pgiam_browse_dir page_dir(const char *page)
{
	if (!strcmp(page, "next"))
		return PGIAM_BROWSE_NEXT;
	if (!strcmp(page, "prev"))
		return PGIAM_BROWSE_PREV;
	if (!strcmp(page, "last"))
		return PGIAM_BROWSE_LAST;
	return PGIAM_BROWSE_FIRST;
}

/* The table as its columns' rows (column, type, nullable, pk_position, relkind)
 * describe it: the names, the primary key in index order (*names and *keys, to
 * free), and how its pages are keyed. 0, or 1 after printing the error. */
static int table_from_columns(pgiam_browse_table *t, const char ***names, const char ***keys,
	json_object *cols)
{
	size_t n = json_object_array_length(cols), nk = 0;
	const char *relkind = "r";

	*names = calloc(n, sizeof(**names));
	*keys = calloc(n, sizeof(**keys));
	if (!*names || !*keys) {
		pgiam_cli_error("browse", "out of memory");
		return PGIAM_EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(cols, i);
		(*names)[i] = cell(row, 0);
		relkind = cell(row, 4);
	}
	for (size_t k = 1; k <= n; k++)
		for (size_t i = 0; i < n; i++) {
			const char *pos = cell(json_object_array_get_idx(cols, i), 3);
			if (pos && (size_t)atoi(pos) == k)
				(*keys)[nk++] = (*names)[i];
		}
	t->columns = *names;
	t->ncolumns = n;
	t->keys = *keys;
	t->nkeys = nk;
	t->keykind = nk ? PGIAM_BROWSE_KEY_PK : !strcmp(relkind, "r") || !strcmp(relkind, "m") ?
		PGIAM_BROWSE_KEY_CTID : PGIAM_BROWSE_KEY_OFFSET;
	return 0;
}

/* {"page": …} (how it is keyed, the key columns, the columns, the row count), then
 * the rows in display order, each {"key": [...], "row": [...]}. */
static void emit_page(const browse_opts *bo, const pgiam_browse_table *t, json_object *crow[],
	json_object *rows, int reversed)
{
	static const char *const kinds[] = { "pk", "ctid", "offset" };
	size_t nk = pgiam_catalog_page_keys(t), m = json_object_array_length(rows);
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "page", json_object_new_string(bo->page));
	json_object_object_add(o, "keyed_by", json_object_new_string(kinds[t->keykind]));
	for (size_t i = 0; i < t->nkeys; i++)
		json_object_array_add(a, json_object_new_string(t->keys[i]));
	if (t->keykind == PGIAM_BROWSE_KEY_CTID)
		json_object_array_add(a, json_object_new_string("ctid"));
	json_object_object_add(o, "keys", a);
	a = json_object_new_array();
	for (size_t i = 0; i < t->ncolumns; i++)
		json_object_array_add(a, json_object_new_string(t->columns[i]));
	json_object_object_add(o, "columns", a);
	json_object_object_add(o, "order", orders_json(t->order, crow, t->norder));
	if (!pgiam_catalog_filter_blank(bo->where))
		json_object_object_add(o, "where", json_object_new_string(bo->where));
	if (bo->search && *bo->search)
		json_object_object_add(o, "search", json_object_new_string(bo->search));
	json_object_object_add(o, "rows", json_object_new_int64((int64_t)m));
	emit(o);
	for (size_t i = 0; i < m; i++) {
		json_object *row = json_object_array_get_idx(rows, reversed ? m - 1 - i : i);
		json_object *key = json_object_new_array(), *vals = json_object_new_array();

		for (size_t c = 0; c < nk + t->ncolumns; c++)
			json_object_array_add(c < nk ? key : vals, json_object_get(
				json_object_array_get_idx(row, c)));
		o = json_object_new_object();
		json_object_object_add(o, "key", key);
		json_object_object_add(o, "row", vals);
		emit(o);
	}
}

/* One line for a key pointing at the row. */
static void emit_refby(const pgiam_refby_fk *fk)
{
	static const char *const how[] = { "unknown", "exact", "at_least", "estimate" };
	json_object *o = json_object_new_object(), *cols = json_object_new_array();
	json_object *refs = json_object_new_array();
	pgiam_buf where = PGIAM_BUF_INIT;

	for (size_t i = 0; i < fk->ncols; i++) {
		json_object_array_add(cols, json_object_new_string(fk->cols[i]));
		json_object_array_add(refs, json_object_new_string(fk->refcols[i]));
	}
	json_object_object_add(o, "constraint", json_object_new_string(fk->name));
	json_object_object_add(o, "schema", json_object_new_string(fk->schema));
	json_object_object_add(o, "table", json_object_new_string(fk->table));
	json_object_object_add(o, "columns", cols);
	json_object_object_add(o, "references", refs);
	json_object_object_add(o, "count", fk->how == PGIAM_REFBY_UNKNOWN ? NULL :
		json_object_new_int64(fk->count));
	json_object_object_add(o, "count_is", json_object_new_string(how[fk->how]));
	json_object_object_add(o, "why", json_object_new_string(fk->why));
	json_object_object_add(o, "where", pgiam_refby_filter_sql(&where, fk) == 0 ?
		json_object_new_string(pgiam_buf_cstr(&where)) : NULL);
	pgiam_buf_dispose(&where);
	emit(o);
}

/* Binds the row (a page row: key values, then every column), counts what is cheap,
 * prints a line per key. */
static int refby_rows(pgiam_session *s, const browse_opts *bo, const pgiam_browse_table *t,
	json_object *row)
{
	pgiam_refby rb = { 0 };
	pgiam_buf sql = PGIAM_BUF_INIT;
	result fks = { 0 }, counts = { 0 };
	const char **vals = calloc(t->ncolumns + 1, sizeof(*vals)), **cells = NULL;
	size_t nk = pgiam_catalog_page_keys(t), n = 0;
	int rc = PGIAM_EXIT_FAILURE, any = 0;

	if (!vals || pgiam_refby_sql(&sql, bo->schema, bo->table) < 0)
		goto fail;
	for (size_t c = 0; c < t->ncolumns; c++)
		vals[c] = cell(row, nk + c);
	if ((rc = run_sql(&fks, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	rc = PGIAM_EXIT_FAILURE;
	n = json_object_array_length(fks.rows);
	if (!(cells = calloc(n * PGIAM_REFBY_SQL_COLS + 1, sizeof(*cells))))
		goto fail;
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < PGIAM_REFBY_SQL_COLS; c++)
			cells[i * PGIAM_REFBY_SQL_COLS + c] = cell(json_object_array_get_idx(fks.rows, i), c);
	pgiam_buf_clear(&sql);
	if (pgiam_refby_parse(&rb, cells, n, PGIAM_REFBY_SQL_COLS) < 0 ||
	    pgiam_refby_bind(&rb, t->columns, vals, t->ncolumns, PGIAM_BROWSE_CELL_MAX) < 0 ||
	    pgiam_refby_count_sql(&sql, &any, &rb) < 0)
		goto fail;
	if (any) {
		json_object *crow;
		const char *cv[PGIAM_REFBY_MAX];
		size_t m;

		if ((rc = run_sql(&counts, s, pgiam_buf_cstr(&sql))) != 0)
			goto cleanup;
		rc = PGIAM_EXIT_FAILURE;
		crow = json_object_array_get_idx(counts.rows, 0);
		m = crow ? json_object_array_length(crow) : 0;
		for (size_t c = 0; c < m && c < PGIAM_REFBY_MAX; c++)
			cv[c] = cell(crow, c);
		if (pgiam_refby_take_counts(&rb, cv, m) < 0)
			goto fail;
	}
	for (size_t i = 0; i < rb.nfks; i++)
		emit_refby(&rb.fks[i]);
	rc = 0;
	goto cleanup;
fail:
	{
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(pgiam_error_last()));
		emit(o);
	}
cleanup:
	pgiam_refby_dispose(&rb);
	free(vals);
	free(cells);
	json_object_put(fks.rows);
	json_object_put(counts.rows);
	pgiam_buf_dispose(&sql);
	return rc;
}

/* --referenced-by: the row whose key is --key …, then the keys pointing at it. */
static int referenced_by(pgiam_session *s, const browse_opts *bo, pgiam_browse_table *t)
{
	pgiam_buf sql = PGIAM_BUF_INIT;
	result row = { 0 };
	int reversed = 0, rc = 0;

	t->norder = 0;
	t->limit = 1;
	if (t->keykind == PGIAM_BROWSE_KEY_OFFSET) {
		rc = pgiam_cli_usage_error("browse", "--referenced-by: %s has no key to name a "
			"row by", bo->table);
		goto cleanup;
	}
	if (bo->nkeys != pgiam_catalog_page_keys(t)) {
		rc = pgiam_cli_usage_error("browse", "--referenced-by needs the row's key: %zu "
			"--key (its \"key\" in a page), got %zu", pgiam_catalog_page_keys(t), bo->nkeys);
		goto cleanup;
	}
	if (pgiam_catalog_page_sql(&sql, &reversed, t, PGIAM_BROWSE_ROW, bo->keys) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&row, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	if (!json_object_array_length(row.rows)) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string("no row with that key"));
		emit(o);
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	rc = refby_rows(s, bo, t, json_object_array_get_idx(row.rows, 0));
cleanup:
	json_object_put(row.rows);
	pgiam_buf_dispose(&sql);
	return rc;
}

/* --table T: its columns (--columns), or one page of its rows. */
static int page(pgiam_session *s, const browse_opts *bo)
{
	static const char *const zero[] = { "0" };
	result cols = { 0 }, rows = { 0 };
	pgiam_buf sql = PGIAM_BUF_INIT;
	pgiam_browse_table t = { bo->schema, bo->table, NULL, 0, NULL, 0,
		PGIAM_BROWSE_KEY_PK, bo->limit, 0, NULL, 0, bo->where, bo->search };
	pgiam_browse_order ord[PGIAM_BROWSE_ORDER_MAX];
	json_object *crow[PGIAM_BROWSE_ORDER_MAX];
	char *onames[PGIAM_BROWSE_ORDER_MAX] = { 0 };
	const char **names = NULL, **keys = NULL;
	pgiam_browse_dir dir = page_dir(bo->page);
	int reversed = 0, rc = 0;

	if (pgiam_catalog_columns_sql(&sql, bo->schema, bo->table) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&cols, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	if (bo->columns) {
		static const char *const cn[] = { "column", "type", "nullable", "pk_position",
			"relkind", "indexed", "fk", "fk_schema", "fk_table", "fk_column",
			"fk_position" };
		emit_list(cols.rows, cn, 11);
		goto cleanup;
	}
	if (!json_object_array_length(cols.rows)) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(
			"no such table, or no columns to show"));
		emit(o);
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	if ((rc = table_from_columns(&t, &names, &keys, cols.rows)) != 0 ||
	    (rc = take_orders(ord, crow, bo, cols.rows, onames)) != 0)
		goto cleanup;
	t.order = ord;
	t.norder = bo->norders;
	pgiam_buf_clear(&sql);
	if (bo->referenced_by) {
		rc = referenced_by(s, bo, &t);
		goto cleanup;
	}
	if (t.keykind != PGIAM_BROWSE_KEY_OFFSET && (dir == PGIAM_BROWSE_NEXT ||
	    dir == PGIAM_BROWSE_PREV) && bo->nkeys != pgiam_catalog_page_keys(&t)) {
		rc = pgiam_cli_usage_error("browse", "--page %s needs %zu --key or --key-null (the "
			"boundary row's \"key\"), got %zu", bo->page, pgiam_catalog_page_keys(&t), bo->nkeys);
		goto cleanup;
	}
	if (pgiam_catalog_page_sql(&sql, &reversed, &t, dir, t.keykind ==
	    PGIAM_BROWSE_KEY_OFFSET ? (bo->offset ? &bo->offset : zero) : bo->keys) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&rows, s, pgiam_buf_cstr(&sql))) == 0)
		emit_page(bo, &t, crow, rows.rows, reversed);

cleanup:
	for (size_t i = 0; i < PGIAM_BROWSE_ORDER_MAX; i++)
		free(onames[i]);
	free(names);
	free(keys);
	json_object_put(cols.rows);
	json_object_put(rows.rows);
	pgiam_buf_dispose(&sql);
	return rc;
}

static int parse(browse_opts *bo, pgiam_cli_session_opts *opts, int argc, char **argv)
{
	const pgiam_cli_group groups[] = {
		{ "options", browse_options, on_option, bo, NULL },
		PGIAM_CLI_SESSION_GROUPS(opts),
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "browse",
		"pgiam browse --profile NAME [--schema S [--table T [--columns | --structure |\n"
		"  --referenced-by --key V... |\n"
		"  --page first|next|prev|last [--key V | --key-null]... [--offset N] [--limit N]\n"
		"  [--order COL[:desc]]... [--where SQL] [--search TEXT]]]]",
		"Lists schemas, the tables of a schema (with the role's privileges),\n"
		"the columns of a table, its structure (one JSON object), the rows of\n"
		"other tables pointing at one row, or one keyset page of its rows, as\n"
		"JSON lines.",
		NULL, "  (1 is also a statement that failed: {\"error\": ...} on stdout)", 0, groups };
	int rc = pgiam_cli_parse(NULL, &spec, argc, argv);

	if (rc == PGIAM_CLI_GO_ON && bo->table && !bo->schema)
		rc = pgiam_cli_usage_error("browse", "--table needs --schema");
	if (rc == PGIAM_CLI_GO_ON && bo->referenced_by && (!bo->table || bo->structure ||
	    bo->columns || bo->norders))
		rc = pgiam_cli_usage_error("browse", "--referenced-by needs --table and --key, "
			"without --columns, --structure or --order");
	return rc;
}

int pgiam_cmd_browse(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT("browse");
	browse_opts bo = { .page = "first", .limit = 50 };
	pgiam_session *s = NULL;
	pgiam_buf sql = PGIAM_BUF_INIT;
	result r = { 0 };
	int rc = parse(&bo, &opts, argc, argv);

	if (rc != PGIAM_CLI_GO_ON)
		goto cleanup;
	if ((rc = pgiam_cli_session_open(&s, &opts)) != 0)
		goto cleanup;
	if (bo.table) {
		rc = bo.structure ? structure(s, &bo) : page(s, &bo);
		goto cleanup;
	}
	if ((bo.schema ? pgiam_catalog_tables_sql(&sql, bo.schema) :
	     pgiam_catalog_schemas_sql(&sql)) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&r, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	if (bo.schema) {
		static const char *const tn[] = { "table", "kind", "rows_estimate", "size",
			"select", "insert", "update", "delete" };
		emit_list(r.rows, tn, 8);
	} else {
		static const char *const sn[] = { "schema", "tables", "usage" };
		emit_list(r.rows, sn, 3);
	}

cleanup:
	json_object_put(r.rows);
	pgiam_buf_dispose(&sql);
	pgiam_session_free(s);
	pgiam_cli_session_opts_dispose(&opts);
	return rc;
}
