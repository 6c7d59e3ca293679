/* export.h - a result written to a file: CSV (RFC 4180, exactly as PostgreSQL's
 * COPY … TO … (FORMAT csv, HEADER) and psql's \copy write it: a field is quoted when
 * it holds the delimiter, a quote, CR or LF, or is empty (so '' and NULL differ:
 * NULL is nothing), or is "\." alone in a one-column row), TSV (COPY's text format:
 * tab-separated, \N for NULL, backslash escapes for tab, newline, CR and backslash),
 * JSON (one array of objects) and JSON lines (one object a line), where numbers are
 * JSON numbers, booleans true/false, json/jsonb values embedded as they are, NULL is
 * null and everything else a string.
 *
 * Rows are written as they come (the caller streams them: a cursor, single-row mode),
 * so an export takes constant memory. The file is created mode 0600 unless it exists
 * (then it keeps its mode and is truncated). */
#ifndef PGIAM_EXPORT_H
#define PGIAM_EXPORT_H

#include "buf.h"
#include "pgtype.h"

#include <stddef.h>

typedef enum pgiam_export_format {
	PGIAM_EXPORT_CSV = 0,
	PGIAM_EXPORT_TSV,
	PGIAM_EXPORT_JSON,
	PGIAM_EXPORT_JSONL
} pgiam_export_format;

/* "csv", "tsv", "json", "jsonl" -> the format; PGIAM_EINVAL otherwise. */
int pgiam_export_format_parse(pgiam_export_format *out, const char *name);
const char *pgiam_export_format_name(pgiam_export_format f);
/* The format a file name's extension implies (.csv .tsv .json .jsonl), else CSV. */
pgiam_export_format pgiam_export_format_for_path(const char *path);

/* Pure formatting, for the writer and the unit tests. header: the column names line
 * (CSV, TSV; nothing for JSON). row: one row; first says it is the first (JSON puts
 * a comma between rows). The JSON array's brackets: pgiam_export_format_begin/end. */
int pgiam_export_format_header(pgiam_buf *out, pgiam_export_format f, size_t ncols,
	const char *const *names);
int pgiam_export_format_row(pgiam_buf *out, pgiam_export_format f, size_t ncols,
	const char *const *names, const unsigned *types, const char *const *values, int first);
int pgiam_export_format_begin(pgiam_buf *out, pgiam_export_format f);
int pgiam_export_format_end(pgiam_buf *out, pgiam_export_format f, int any_rows);

typedef struct pgiam_export pgiam_export;

/* Opens path for writing (0600 when created). header 0: no header line. */
int pgiam_export_open(pgiam_export **out, const char *path, pgiam_export_format f,
	int header);
/* The result's columns (before the first row; names and types are copied). types may
 * be NULL (every column text). */
int pgiam_export_columns(pgiam_export *e, size_t ncols, const char *const *names,
	const unsigned *types);
int pgiam_export_row(pgiam_export *e, const char *const *values);
unsigned long long pgiam_export_rows(const pgiam_export *e);
/* Writes what is left and closes the file: 0, or the write error. */
int pgiam_export_finish(pgiam_export *e);
/* Closes without finishing (a cancelled export: the file holds what was written). */
void pgiam_export_free(pgiam_export *e);

#endif
