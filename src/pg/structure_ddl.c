/* structure_ddl.c - the DDL of a table rebuilt from its parsed structure (structure.h):
 * what the server's own deparsers give (pg_get_constraintdef, pg_get_indexdef,
 * pg_get_triggerdef, pg_get_viewdef, pg_get_expr) put together in the order a script
 * needs. Names and comments are quoted with the one quoting helper (catalog.h). */
#include "structure.h"

#include "catalog.h"
#include "error.h"
#include "quote.h"

#include <string.h>

#define TRY(x) do { if ((error = (x)) < 0) return error; } while (0)

static int qualified(pgiam_buf *out, const pgiam_structure *st)
{
	int error = 0;

	TRY(pgiam_sql_quote_ident(out, st->schema));
	TRY(pgiam_buf_putc(out, '.'));
	return pgiam_sql_quote_ident(out, st->table);
}

static const pgiam_structure_row *first_of(const pgiam_structure *st, pgiam_structure_part p)
{
	for (size_t i = 0; i < st->nrows; i++)
		if (st->rows[i].part == p)
			return &st->rows[i];
	return NULL;
}

/* A view's query without the deparser's final ';' and white space. */
static int view_body(pgiam_buf *out, const char *def)
{
	size_t n = strlen(def);

	while (n && (def[n - 1] == ';' || def[n - 1] == ' ' || def[n - 1] == '\n'))
		n--;
	return pgiam_buf_printf(out, "%.*s;\n", (int)n, def);
}

static int column_def(pgiam_buf *out, const pgiam_structure_row *c)
{
	int error = 0;

	TRY(pgiam_buf_puts(out, "    "));
	TRY(pgiam_sql_quote_ident(out, c->v[0]));
	TRY(pgiam_buf_printf(out, " %s", c->v[1] ? c->v[1] : "unknown"));
	if (c->v[6])
		TRY(pgiam_buf_printf(out, " COLLATE %s", c->v[6]));
	if (c->v[4])
		TRY(pgiam_buf_printf(out, " GENERATED %s AS IDENTITY",
			!strcmp(c->v[4], "always") ? "ALWAYS" : "BY DEFAULT"));
	if (c->v[5])
		TRY(pgiam_buf_printf(out, " GENERATED ALWAYS AS (%s) STORED", c->v[5]));
	if (c->v[3])
		TRY(pgiam_buf_printf(out, " DEFAULT %s", c->v[3]));
	if (c->v[2] && !strcmp(c->v[2], "false"))
		TRY(pgiam_buf_puts(out, " NOT NULL"));
	return 0;
}

/* CREATE TABLE … ( columns, constraints ) [PARTITION BY …] [INHERITS (…)]; or the
 * PARTITION OF form for a partition (its columns and constraints come from the parent). */
static int create_table(pgiam_buf *out, const pgiam_structure *st, const char *relkind)
{
	const pgiam_structure_row *t = pgiam_structure_table(st), *par = first_of(st, PGIAM_ST_PARENT);
	int error = 0, n = 0;

	TRY(pgiam_buf_puts(out, !strcmp(relkind, "f") ? "CREATE FOREIGN TABLE " : "CREATE TABLE "));
	TRY(qualified(out, st));
	if (par && par->v[1])
		return pgiam_buf_printf(out, " PARTITION OF %s\n    %s;\n", par->v[0], par->v[1]);
	TRY(pgiam_buf_puts(out, " ("));
	for (size_t i = 0; i < st->nrows; i++) {
		const pgiam_structure_row *r = &st->rows[i];

		if (r->part == PGIAM_ST_COLUMN) {
			TRY(pgiam_buf_puts(out, n++ ? ",\n" : "\n"));
			TRY(column_def(out, r));
		} else if (r->part == PGIAM_ST_CONSTRAINT && r->v[2] && r->v[1] &&
			   strcmp(r->v[1], "trigger")) {
			TRY(pgiam_buf_puts(out, n++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT "));
			TRY(pgiam_sql_quote_ident(out, r->v[0]));
			TRY(pgiam_buf_printf(out, " %s", r->v[2]));
		}
	}
	TRY(pgiam_buf_puts(out, n ? "\n)" : ")"));
	if (t->v[7])
		TRY(pgiam_buf_printf(out, " PARTITION BY %s", t->v[7]));
	if (par)
		TRY(pgiam_buf_printf(out, " INHERITS (%s)", par->v[0]));
	if (!strcmp(relkind, "f"))
		TRY(pgiam_buf_puts(out, "\n    SERVER /* server and options are not read */"));
	return pgiam_buf_puts(out, ";\n");
}

static int comments(pgiam_buf *out, const pgiam_structure *st, const char *what)
{
	const pgiam_structure_row *t = pgiam_structure_table(st);
	int error = 0;

	if (t->v[4]) {
		TRY(pgiam_buf_printf(out, "COMMENT ON %s ", what));
		TRY(qualified(out, st));
		TRY(pgiam_buf_puts(out, " IS "));
		TRY(pgiam_sql_quote_literal(out, t->v[4]));
		TRY(pgiam_buf_puts(out, ";\n"));
	}
	for (size_t i = 0; i < st->nrows; i++) {
		const pgiam_structure_row *c = &st->rows[i];

		if (c->part != PGIAM_ST_COLUMN || !c->v[7])
			continue;
		TRY(pgiam_buf_puts(out, "COMMENT ON COLUMN "));
		TRY(qualified(out, st));
		TRY(pgiam_buf_putc(out, '.'));
		TRY(pgiam_sql_quote_ident(out, c->v[0]));
		TRY(pgiam_buf_puts(out, " IS "));
		TRY(pgiam_sql_quote_literal(out, c->v[7]));
		TRY(pgiam_buf_puts(out, ";\n"));
	}
	return 0;
}

int pgiam_structure_ddl(pgiam_buf *out, const pgiam_structure *st)
{
	const pgiam_structure_row *t = pgiam_structure_table(st);
	const char *relkind = t && t->v[0] ? t->v[0] : "r";
	int view = !strcmp(relkind, "v") || !strcmp(relkind, "m");
	int error = 0;

	if (!t || !st->schema || !st->table)
		return pgiam_error_set(PGIAM_EINVAL, "structure: nothing parsed");
	if (view) {
		TRY(pgiam_buf_puts(out, !strcmp(relkind, "m") ? "CREATE MATERIALIZED VIEW " :
			"CREATE VIEW "));
		TRY(qualified(out, st));
		TRY(pgiam_buf_puts(out, " AS\n"));
		TRY(view_body(out, t->v[8] ? t->v[8] : ""));
	} else {
		TRY(create_table(out, st, relkind));
	}
	for (size_t i = 0; i < st->nrows; i++) {
		const pgiam_structure_row *r = &st->rows[i];

		/* indexes that back a constraint come with it */
		if (r->part == PGIAM_ST_INDEX && r->v[1] && !r->v[6])
			TRY(pgiam_buf_printf(out, "%s;\n", r->v[1]));
		else if (r->part == PGIAM_ST_TRIGGER && r->v[1])
			TRY(pgiam_buf_printf(out, "%s;\n", r->v[1]));
	}
	return comments(out, st, view ? (!strcmp(relkind, "m") ? "MATERIALIZED VIEW" : "VIEW") :
		!strcmp(relkind, "f") ? "FOREIGN TABLE" : "TABLE");
}
