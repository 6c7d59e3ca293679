/* cmd_browse.c - `pgiam browse`: the browser's statements (catalog.h) run through the
 * session, one JSON line per schema, table, column or row. For scripts and for the
 * integration test of keyset paging (tests/integration/browse_sandbox.py); the TUI's
 * browser (ui/screen_browse.c) runs the same statements.
 *
 *   pgiam browse --profile P                              schemas
 *   pgiam browse --profile P --schema S                   tables of S
 *   pgiam browse --profile P --schema S --table T --columns
 *   pgiam browse --profile P --schema S --table T [--page first|next|prev|last]
 *                [--key V]... [--offset N] [--limit N]   one page of rows
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
#include "session.h"

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

/* Runs sql; the rows land in r->rows. 0, or 1 after printing the error. */
static int run_sql(result *r, pgiam_session *s, const char *sql)
{
	json_object *o;

	r->rows = json_object_new_array();
	r->failed = 0;
	if (pgiam_session_query(s, sql) < 0 || pgiam_session_run(s, on_event, r) < 0 ||
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
	int columns;
} browse_opts;

enum { OPT_PAGE = 1, OPT_KEY, OPT_LIMIT };

#define STR_(x) #x
#define STR(x) STR_(x)

static const pgiam_cli_opt browse_options[] = {
	{ "schema", 0, "S", PGIAM_CLI_FIELD(browse_opts, schema), "the tables of schema S (with the role's privileges)" },
	{ "table", 0, "T", PGIAM_CLI_FIELD(browse_opts, table), "table T of schema S: one page of its rows" },
	{ "columns", 0, NULL, PGIAM_CLI_FIELD(browse_opts, columns), "the table's columns instead of its rows" },
	{ "page", 0, "first|next|prev|last", OPT_PAGE, "which page (first)" },
	{ "key", 0, "V", OPT_KEY, "the \"key\" of the boundary row (the last row's for next, the\n"
		"first row's for prev), one per key column" },
	{ "offset", 0, "N", PGIAM_CLI_FIELD(browse_opts, offset), "rows to skip (a table without a key, such as a view)" },
	{ "limit", 0, "N", OPT_LIMIT, "rows per page, 1 to " STR(PGIAM_BROWSE_PAGE_ROWS) " (50)" },
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
	case OPT_LIMIT:
		if (pgiam_cli_int(&n, v, 1, PGIAM_BROWSE_PAGE_ROWS) < 0)
			return pgiam_cli_usage_error(cmd, "--limit takes 1 to %d, not '%.40s'",
				PGIAM_BROWSE_PAGE_ROWS, v);
		bo->limit = (size_t)n;
		break;
	}
	return PGIAM_CLI_GO_ON;
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
static void emit_page(const char *page_name, const pgiam_browse_table *t, json_object *rows,
	int reversed)
{
	static const char *const kinds[] = { "pk", "ctid", "offset" };
	size_t nk = pgiam_catalog_page_keys(t), m = json_object_array_length(rows);
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "page", json_object_new_string(page_name));
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

/* --table T: its columns (--columns), or one page of its rows. */
static int page(pgiam_session *s, const browse_opts *bo)
{
	static const char *const zero[] = { "0" };
	result cols = { 0 }, rows = { 0 };
	pgiam_buf sql = PGIAM_BUF_INIT;
	pgiam_browse_table t = { bo->schema, bo->table, NULL, 0, NULL, 0,
		PGIAM_BROWSE_KEY_PK, bo->limit, 0 };
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
			"relkind" };
		emit_list(cols.rows, cn, 5);
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
	if ((rc = table_from_columns(&t, &names, &keys, cols.rows)) != 0)
		goto cleanup;
	pgiam_buf_clear(&sql);
	if (t.keykind != PGIAM_BROWSE_KEY_OFFSET && (dir == PGIAM_BROWSE_NEXT ||
	    dir == PGIAM_BROWSE_PREV) && bo->nkeys != pgiam_catalog_page_keys(&t)) {
		rc = pgiam_cli_usage_error("browse", "--page %s needs %zu --key (the boundary row's "
			"\"key\"), got %zu", bo->page, pgiam_catalog_page_keys(&t), bo->nkeys);
		goto cleanup;
	}
	if (pgiam_catalog_page_sql(&sql, &reversed, &t, dir, t.keykind ==
	    PGIAM_BROWSE_KEY_OFFSET ? (bo->offset ? &bo->offset : zero) : bo->keys) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = PGIAM_EXIT_USAGE;
		goto cleanup;
	}
	if ((rc = run_sql(&rows, s, pgiam_buf_cstr(&sql))) == 0)
		emit_page(bo->page, &t, rows.rows, reversed);

cleanup:
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
		"pgiam browse --profile NAME [--schema S [--table T [--columns |\n"
		"  --page first|next|prev|last [--key V]... [--offset N] [--limit N]]]]",
		"Lists schemas, the tables of a schema (with the role's privileges),\n"
		"the columns of a table, or one keyset page of its rows, as JSON lines.",
		NULL, "  (1 is also a statement that failed: {\"error\": ...} on stdout)", 0, groups };
	int rc = pgiam_cli_parse(NULL, &spec, argc, argv);

	if (rc == PGIAM_CLI_GO_ON && bo->table && !bo->schema)
		rc = pgiam_cli_usage_error("browse", "--table needs --schema");
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
		rc = page(s, &bo);
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
