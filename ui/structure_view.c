/* structure_view.c - the text of the browser's structure view (structure_view.h). */
#include "structure_view.h"

#include <stdlib.h>
#include <string.h>

static const char *or_(const char *v, const char *dflt)
{
	return v ? v : dflt;
}

static void section(pgiam_buf *b, const pgiam_structure *st, pgiam_structure_part p,
	const char *title)
{
	int n = 0;

	for (size_t i = 0; i < st->nrows; i++) {
		const pgiam_structure_row *r = &st->rows[i];
		const char *const *v = (const char *const *)r->v;

		if (r->part != p)
			continue;
		if (!n++)
			pgiam_buf_printf(b, "\n%s\n", title);
		switch (p) {
		case PGIAM_ST_COLUMN:
			pgiam_buf_printf(b, "  %-24s %-26s %s%s%s%s%s%s%s%s%s\n", v[0], or_(v[1], ""),
				v[2] && !strcmp(v[2], "false") ? "NOT NULL" : "null",
				v[3] ? "  default " : "", or_(v[3], ""),
				v[4] ? "  identity " : "", or_(v[4], ""),
				v[5] ? "  generated " : "", or_(v[5], ""),
				v[6] ? "  collate " : "", or_(v[6], ""));
			if (v[7])
				pgiam_buf_printf(b, "  %-24s -- %s\n", "", v[7]);
			break;
		case PGIAM_ST_INDEX:
			pgiam_buf_printf(b, "  %s%s%s%s · %s\n    %s\n", v[0],
				v[3] && !strcmp(v[3], "true") ? " (primary key)" :
				v[2] && !strcmp(v[2], "true") ? " (unique)" : "",
				v[5] && !strcmp(v[5], "true") ? "" : " (INVALID)",
				v[6] ? " · backs its constraint" : "", or_(v[4], "?"), or_(v[1], ""));
			break;
		case PGIAM_ST_CONSTRAINT:
			pgiam_buf_printf(b, "  %-12s %s: %s\n", or_(v[1], "?"), v[0], or_(v[2], ""));
			if (v[4])
				pgiam_buf_printf(b, "  %-12s -> %s (%s) on update %s, on delete %s\n", "",
					v[4], or_(v[5], ""), or_(v[6], "?"), or_(v[7], "?"));
			break;
		case PGIAM_ST_TRIGGER:
			pgiam_buf_printf(b, "  %s (%s)\n    %s\n", v[0], or_(v[2], ""), or_(v[1], ""));
			break;
		case PGIAM_ST_PARTITION:
		case PGIAM_ST_PARENT:
			pgiam_buf_printf(b, "  %s  %s\n", v[0], or_(v[1], "(inherits)"));
			break;
		case PGIAM_ST_PRIVILEGE:
			pgiam_buf_printf(b, "  %-24s %s%s (granted by %s)\n", v[0], or_(v[1], ""),
				v[2] && !strcmp(v[2], "true") ? " WITH GRANT OPTION" : "", or_(v[3], "?"));
			break;
		case PGIAM_ST_REFERENCED_BY:
			pgiam_buf_printf(b, "  %s (%s) via %s · %s%s rows\n", v[1], or_(v[2], ""), v[0],
				v[3] && v[3][0] != '-' ? "~" : "", v[3] && v[3][0] != '-' ? v[3] :
				"? (not analysed)");
			break;
		default:
			break;
		}
	}
}

char *pgiam_structure_view_text(const pgiam_structure *st)
{
	static const char *const kinds[] = { "r", "table", "p", "partitioned table", "v", "view",
		"m", "materialized view", "f", "foreign table" };
	const pgiam_structure_row *t = pgiam_structure_table(st);
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *kind = t->v[0] ? t->v[0] : "?";

	for (size_t i = 0; i + 1 < sizeof(kinds) / sizeof(kinds[0]); i += 2)
		if (!strcmp(kind, kinds[i]))
			kind = kinds[i + 1];
	pgiam_buf_printf(&b, "%s.%s · %s · owner %s · %s · %s%s rows%s\n", st->schema,
		st->table, kind, or_(t->v[1], "?"), or_(t->v[2], "?"),
		t->v[3] && t->v[3][0] != '-' ? "~" : "", t->v[3] && t->v[3][0] != '-' ? t->v[3] :
		"?", t->v[3] && t->v[3][0] != '-' ? "" : " (not analysed)");
	pgiam_buf_printf(&b, "last vacuum %s · last analyze %s\n", or_(t->v[5], "never"),
		or_(t->v[6], "never"));
	if (t->v[4])
		pgiam_buf_printf(&b, "comment: %s\n", t->v[4]);
	if (t->v[7])
		pgiam_buf_printf(&b, "partitioned by %s\n", t->v[7]);
	section(&b, st, PGIAM_ST_COLUMN, "Columns");
	section(&b, st, PGIAM_ST_INDEX, "Indexes");
	section(&b, st, PGIAM_ST_CONSTRAINT, "Constraints");
	section(&b, st, PGIAM_ST_TRIGGER, "Triggers");
	section(&b, st, PGIAM_ST_PARTITION, "Partitions");
	section(&b, st, PGIAM_ST_PARENT, "Partition of / inherits from");
	section(&b, st, PGIAM_ST_REFERENCED_BY, "Referenced by (foreign keys pointing here)");
	section(&b, st, PGIAM_ST_PRIVILEGE, "Privileges (from the table's ACL)");
	pgiam_buf_puts(&b, "\nDDL (rebuilt from the catalog)\n");
	pgiam_structure_ddl(&b, st);
	return pgiam_buf_detach(&b);
}
