/* cmd_browse.c - `pgiam browse`: the browser's statements (catalog.h) run through the
 * session, one JSON line per schema, table, column or row. For scripts and for the
 * integration test of keyset paging (tests/integration/browse_sandbox.py); the TUI's
 * browser (ui/screen_browse.c) runs the same statements.
 *
 *   pgiam browse --profile P                              schemas
 *   pgiam browse --profile P --schema S                   tables of S
 *   pgiam browse --profile P --schema S --table T --columns
 *   pgiam browse --profile P --schema S --table T --structure    one JSON object
 *   pgiam browse --profile P --schema S --table T [--page first|next|prev|last]
 *                [--key V]... [--offset N] [--limit N]   one page of rows
 *
 * A page prints {"page": …} (how it is keyed, the key columns, the columns) and then
 * its rows in display order, each {"key": [...], "row": [...]}; the "key" of the last
 * row goes to --page next --key …, the first row's to --page prev. Exit status 0, 1
 * when a statement failed ({"error": …} on stdout), 2 usage, or the session's.
 */
#include "cli.h"
#include "cli_session.h"

#include "catalog.h"
#include "error.h"
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
	int columns, structure;
	const char *orders[PGIAM_BROWSE_ORDER_MAX];   /* COL[:desc] as given */
	size_t norders;
	const char *where, *search;
} browse_opts;

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
			return 2;
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
		rc = 2;
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
		rc = 1;
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

static int page(pgiam_session *s, const browse_opts *bo)
{
	static const char *const kinds[] = { "pk", "ctid", "offset" };
	static const char *const zero[] = { "0" };
	result cols = { 0 }, rows = { 0 };
	pgiam_buf sql = PGIAM_BUF_INIT;
	pgiam_browse_table t = { bo->schema, bo->table, NULL, 0, NULL, 0,
		PGIAM_BROWSE_KEY_PK, bo->limit, 0, NULL, 0, bo->where, bo->search };
	pgiam_browse_order ord[PGIAM_BROWSE_ORDER_MAX];
	json_object *crow[PGIAM_BROWSE_ORDER_MAX];
	char *onames[PGIAM_BROWSE_ORDER_MAX] = { 0 };
	const char **names = NULL, **keys = NULL;
	pgiam_browse_dir dir = PGIAM_BROWSE_FIRST;
	json_object *o = NULL, *a = NULL;
	const char *relkind = "r";
	size_t n = 0, nk = 0;
	int reversed = 0, rc = 0;

	if (pgiam_catalog_columns_sql(&sql, bo->schema, bo->table) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = 2;
		goto cleanup;
	}
	if ((rc = run_sql(&cols, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	n = json_object_array_length(cols.rows);
	if (bo->columns) {
		static const char *const cn[] = { "column", "type", "nullable", "pk_position",
			"relkind", "indexed", "fk", "fk_schema", "fk_table", "fk_column",
			"fk_position" };
		emit_list(cols.rows, cn, 11);
		goto cleanup;
	}
	if (!n) {
		o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(
			"no such table, or no columns to show"));
		emit(o);
		rc = 1;
		goto cleanup;
	}
	names = calloc(n, sizeof(*names));
	keys = calloc(n, sizeof(*keys));
	if (!names || !keys) {
		pgiam_cli_error("browse", "out of memory");
		rc = 1;
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(cols.rows, i);
		names[i] = cell(row, 0);
		relkind = cell(row, 4);
	}
	for (size_t k = 1; k <= n; k++)
		for (size_t i = 0; i < n; i++) {
			const char *pos = cell(json_object_array_get_idx(cols.rows, i), 3);
			if (pos && (size_t)atoi(pos) == k)
				keys[nk++] = names[i];
		}
	t.columns = names;
	t.ncolumns = n;
	t.keys = keys;
	t.nkeys = nk;
	if ((rc = take_orders(ord, crow, bo, cols.rows, onames)) != 0)
		goto cleanup;
	t.order = ord;
	t.norder = bo->norders;
	t.keykind = nk ? PGIAM_BROWSE_KEY_PK : !strcmp(relkind, "r") || !strcmp(relkind, "m") ?
		PGIAM_BROWSE_KEY_CTID : PGIAM_BROWSE_KEY_OFFSET;
	if (!strcmp(bo->page, "next"))
		dir = PGIAM_BROWSE_NEXT;
	else if (!strcmp(bo->page, "prev"))
		dir = PGIAM_BROWSE_PREV;
	else if (!strcmp(bo->page, "last"))
		dir = PGIAM_BROWSE_LAST;
	pgiam_buf_clear(&sql);
	if (t.keykind != PGIAM_BROWSE_KEY_OFFSET && (dir == PGIAM_BROWSE_NEXT ||
	    dir == PGIAM_BROWSE_PREV) && bo->nkeys != pgiam_catalog_page_keys(&t)) {
		pgiam_cli_printf(stderr, "pgiam: browse: --page %s needs %zu --key or --key-null (the "
			"boundary row's \"key\"), got %zu\n", bo->page, pgiam_catalog_page_keys(&t),
			bo->nkeys);
		rc = 2;
		goto cleanup;
	}
	if (pgiam_catalog_page_sql(&sql, &reversed, &t, dir, t.keykind ==
	    PGIAM_BROWSE_KEY_OFFSET ? (bo->offset ? &bo->offset : zero) : bo->keys) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = 2;
		goto cleanup;
	}
	if ((rc = run_sql(&rows, s, pgiam_buf_cstr(&sql))) != 0)
		goto cleanup;
	o = json_object_new_object();
	json_object_object_add(o, "page", json_object_new_string(bo->page));
	json_object_object_add(o, "keyed_by", json_object_new_string(kinds[t.keykind]));
	a = json_object_new_array();
	for (size_t i = 0; i < nk; i++)
		json_object_array_add(a, json_object_new_string(keys[i]));
	if (t.keykind == PGIAM_BROWSE_KEY_CTID)
		json_object_array_add(a, json_object_new_string("ctid"));
	json_object_object_add(o, "keys", a);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	json_object_object_add(o, "columns", a);
	json_object_object_add(o, "order", orders_json(ord, crow, t.norder));
	if (!pgiam_catalog_filter_blank(bo->where))
		json_object_object_add(o, "where", json_object_new_string(bo->where));
	if (bo->search && *bo->search)
		json_object_object_add(o, "search", json_object_new_string(bo->search));
	json_object_object_add(o, "rows", json_object_new_int64(
		(int64_t)json_object_array_length(rows.rows)));
	emit(o);
	nk = pgiam_catalog_page_keys(&t);
	for (size_t i = 0, m = json_object_array_length(rows.rows); i < m; i++) {
		json_object *row = json_object_array_get_idx(rows.rows, reversed ? m - 1 - i : i);
		json_object *key = json_object_new_array(), *vals = json_object_new_array();

		for (size_t c = 0; c < nk + n; c++)
			json_object_array_add(c < nk ? key : vals, json_object_get(
				json_object_array_get_idx(row, c)));
		o = json_object_new_object();
		json_object_object_add(o, "key", key);
		json_object_object_add(o, "row", vals);
		emit(o);
	}

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
	for (int i = 1; i < argc; i++) {
		int used = pgiam_cli_session_opt(opts, argc, argv, i);
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (used < 0)
			return 2;
		if (used > 0) {
			i += used - 1;
		} else if (!strcmp(argv[i], "--schema") && v) {
			bo->schema = argv[++i];
		} else if (!strcmp(argv[i], "--table") && v) {
			bo->table = argv[++i];
		} else if (!strcmp(argv[i], "--columns")) {
			bo->columns = 1;
		} else if (!strcmp(argv[i], "--page") && v && (!strcmp(v, "first") ||
			   !strcmp(v, "next") || !strcmp(v, "prev") || !strcmp(v, "last"))) {
			bo->page = argv[++i];
		} else if (!strcmp(argv[i], "--key") && v && bo->nkeys < MAX_KEYS) {
			bo->keys[bo->nkeys++] = argv[++i];
		} else if (!strcmp(argv[i], "--key-null") && bo->nkeys < MAX_KEYS) {
			bo->keys[bo->nkeys++] = NULL;   /* a NULL sort value of the boundary row */
		} else if (!strcmp(argv[i], "--order") && v && *v && *v != ':' &&
			   bo->norders < PGIAM_BROWSE_ORDER_MAX) {
			bo->orders[bo->norders++] = argv[++i];
		} else if (!strcmp(argv[i], "--where") && v) {
			bo->where = argv[++i];
		} else if (!strcmp(argv[i], "--search") && v) {
			bo->search = argv[++i];
		} else if (!strcmp(argv[i], "--structure")) {
			bo->structure = 1;
		} else if (!strcmp(argv[i], "--offset") && v) {
			bo->offset = argv[++i];
		} else if (!strcmp(argv[i], "--limit") && v && atoi(v) >= 1 &&
			   atoi(v) <= PGIAM_BROWSE_PAGE_ROWS) {
			bo->limit = (size_t)atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			pgiam_cli_printf(stdout, "usage: pgiam browse --profile NAME [--schema S [--table T [--columns |\n"
				"         --structure | --page first|next|prev|last [--key V | --key-null]...\n"
				"         [--offset N] [--limit N] [--order COL[:desc]]... [--where SQL]\n"
				"         [--search TEXT]]]]\n"
				"  Lists schemas, the tables of a schema (with the role's privileges),\n"
				"  the columns of a table, its structure (one JSON object: columns, indexes,\n"
				"  constraints, foreign keys, triggers, privileges, DDL), or one keyset page\n"
				"  of its rows, as JSON lines.\n"
				"  --key: the \"key\" of the boundary row (the last row's for next, the\n"
				"  first row's for prev), one per value (--key-null for a null one).\n"
				"  --order: sort by the server, repeatable; --where: a filter sent as\n"
				"  written (one statement: a second one is a syntax error); --search: rows\n"
				"  with TEXT in any column. --limit: 1 to %d (50).\n",
				PGIAM_BROWSE_PAGE_ROWS);
			pgiam_cli_session_usage(stdout);
			return -1;
		} else {
			pgiam_cli_printf(stderr, "pgiam: browse: bad or incomplete option '%s' (see pgiam "
				"browse --help)\n", argv[i]);
			return 2;
		}
	}
	if (bo->table && !bo->schema) {
		pgiam_cli_printf(stderr, "pgiam: browse: --table needs --schema\n");
		return 2;
	}
	return 0;
}

int pgiam_cmd_browse(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT;
	browse_opts bo = { .page = "first", .limit = 50 };
	pgiam_session *s = NULL;
	pgiam_buf sql = PGIAM_BUF_INIT;
	result r = { 0 };
	int rc = parse(&bo, &opts, argc, argv);

	if (rc) {
		rc = rc < 0 ? 0 : rc;   /* -1: --help was printed */
		goto cleanup;
	}
	if ((rc = pgiam_cli_session_open(&s, &opts)) != 0)
		goto cleanup;
	if (bo.table) {
		rc = bo.structure ? structure(s, &bo) : page(s, &bo);
		goto cleanup;
	}
	if ((bo.schema ? pgiam_catalog_tables_sql(&sql, bo.schema) :
	     pgiam_catalog_schemas_sql(&sql)) < 0) {
		pgiam_cli_error("browse", NULL);
		rc = 2;
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
