/* structure_view.h - a table's structure (the core's structure.h) as the text the
 * browser's `s` shows: sections for the table, columns, indexes, constraints,
 * triggers, partitions, privileges, tables that point at it, and the DDL last (plain
 * text, copied with the terminal's selection; `pgiam browse --structure` gives it as
 * JSON). */
#ifndef PGIAM_UI_STRUCTURE_VIEW_H
#define PGIAM_UI_STRUCTURE_VIEW_H

#include "structure.h"

/* The text (malloc'd; NULL when out of memory). */
char *pgiam_structure_view_text(const pgiam_structure *st);

#endif
