/* screen_refby.h - R on a row of the browser: the tables whose foreign keys point at
 * that row (the core's refby.h), with how many of their rows do; Enter chooses one,
 * which the browser then opens filtered to those rows. */
#ifndef PGIAM_UI_SCREEN_REFBY_H
#define PGIAM_UI_SCREEN_REFBY_H

#include "app.h"

#include <stddef.h>

/* The row (every column's name and value, copied by the browser; NULL for NULL) and,
 * when chosen, the table to open and the filter to open it with. */
typedef struct pgiam_refby_arg {
	char schema[256], table[256];
	char **names, **vals;
	size_t n;
	char what[600];              /* the row for the title: "id = 3" */
	int chosen;                  /* Enter on a table: open_* and where are set */
	char open_schema[256], open_table[256];
	char *where;                 /* malloc'd */
} pgiam_refby_arg;

extern const pgiam_screen_ops pgiam_screen_refby;

/* Frees what the arg holds (the row, the filter). */
void pgiam_refby_arg_dispose(pgiam_refby_arg *a);

#endif
