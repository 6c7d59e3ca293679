/* cellfmt.h - one value shown whole (the grid's cell view): JSON and JSONB
 * pretty-printed (json-c), an array one element a line (PostgreSQL's array text
 * parsed: quotes and backslashes undone, NULL elements marked), bytea as a hex dump
 * (offset, 16 bytes, their printable ASCII), anything else as it is (the UI wraps
 * long lines). Text that cannot be parsed as its type says shows as it is. */
#ifndef PGIAM_CELLFMT_H
#define PGIAM_CELLFMT_H

#include "buf.h"
#include "pgtype.h"

/* value NULL is SQL NULL. */
int pgiam_cellfmt(pgiam_buf *out, const char *value, pgiam_pgtype_kind kind);

#endif
