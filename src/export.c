/* export.c - export.h: CSV as COPY writes it, COPY's text format as TSV, JSON and
 * JSON lines with json-c's string escaping; a buffered writer over one file. */
#include "export.h"

#include "ascii.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLUSH_AT (256 * 1024)

struct pgiam_export {
	int fd;
	pgiam_export_format format;
	int header;
	size_t ncols;
	char **names;
	unsigned *types;
	unsigned long long rows;
	pgiam_buf pending;
	char *path;
};

int pgiam_export_format_parse(pgiam_export_format *out, const char *name)
{
	static const char *const names[] = { "csv", "tsv", "json", "jsonl" };

	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, names[i])) {
			*out = (pgiam_export_format)i;
			return 0;
		}
	return pgiam_error_set(PGIAM_EINVAL, "--format: \"%.20s\" is not csv, tsv, json or "
		"jsonl", name ? name : "");
}

const char *pgiam_export_format_name(pgiam_export_format f)
{
	static const char *const names[] = { "csv", "tsv", "json", "jsonl" };

	return (int)f >= 0 && f <= PGIAM_EXPORT_JSONL ? names[f] : "csv";
}

pgiam_export_format pgiam_export_format_for_path(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	pgiam_export_format f = PGIAM_EXPORT_CSV;

	if (dot && !strchr(dot, '/'))
		pgiam_export_format_parse(&f, dot + 1);
	return f;
}

/* One CSV field as COPY writes it (delimiter ',', quote '"'). */
static int csv_field(pgiam_buf *out, const char *v, int single)
{
	int quote = !*v || strpbrk(v, ",\"\r\n") != NULL || (single && !strcmp(v, "\\."));
	int error = 0;

	if (!quote)
		return pgiam_buf_puts(out, v);
	if ((error = pgiam_buf_putc(out, '"')) < 0)
		return error;
	for (const char *p = v; *p; p++) {
		const char *q = strchr(p, '"');
		size_t n = q ? (size_t)(q - p) + 1 : strlen(p);

		if ((error = pgiam_buf_put(out, p, n)) < 0 ||
		    (q && (error = pgiam_buf_putc(out, '"')) < 0))
			return error;
		p += n - 1;
	}
	return pgiam_buf_putc(out, '"');
}

/* One field of COPY's text format. */
static int tsv_field(pgiam_buf *out, const char *v)
{
	int error = 0;

	for (const char *p = v; *p && !error; p++) {
		switch (*p) {
		case '\\': error = pgiam_buf_puts(out, "\\\\"); break;
		case '\t': error = pgiam_buf_puts(out, "\\t"); break;
		case '\n': error = pgiam_buf_puts(out, "\\n"); break;
		case '\r': error = pgiam_buf_puts(out, "\\r"); break;
		default: error = pgiam_buf_putc(out, *p); break;
		}
	}
	return error;
}

int pgiam_export_format_header(pgiam_buf *out, pgiam_export_format f, size_t ncols,
	const char *const *names)
{
	int error = 0;

	if (f == PGIAM_EXPORT_JSON || f == PGIAM_EXPORT_JSONL)
		return 0;
	for (size_t i = 0; i < ncols && !error; i++) {
		if (i)
			error = pgiam_buf_putc(out, f == PGIAM_EXPORT_CSV ? ',' : '\t');
		if (!error)
			error = f == PGIAM_EXPORT_CSV ? csv_field(out, names[i], ncols == 1) :
				tsv_field(out, names[i]);
	}
	return error < 0 ? error : pgiam_buf_putc(out, '\n');
}

static int json_string(pgiam_buf *out, const char *v)
{
	json_object *s = json_object_new_string(v);
	int error = 0;

	if (!s)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	error = pgiam_buf_puts(out, json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(s);
	return error;
}

/* A JSON number as the grammar has it (PostgreSQL writes NaN, Infinity: strings). */
static int json_number_ok(const char *v)
{
	const char *p = v;

	if (*p == '-')
		p++;
	if (!pgiam_ascii_isdigit((unsigned char)*p))
		return 0;
	if (*p == '0' && pgiam_ascii_isdigit((unsigned char)p[1]))
		return 0;
	while (pgiam_ascii_isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!pgiam_ascii_isdigit((unsigned char)*++p))
			return 0;
		while (pgiam_ascii_isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!pgiam_ascii_isdigit((unsigned char)*p))
			return 0;
		while (pgiam_ascii_isdigit((unsigned char)*p))
			p++;
	}
	return !*p;
}

static int json_value(pgiam_buf *out, unsigned type, const char *v)
{
	pgiam_pgtype_kind k = pgiam_pgtype_kind_of(type);

	if (!v)
		return pgiam_buf_puts(out, "null");
	if (k == PGIAM_PGTYPE_NUMBER && !pgiam_pgtype_is_money(type) && json_number_ok(v))
		return pgiam_buf_puts(out, v);
	if (k == PGIAM_PGTYPE_BOOL && (!strcmp(v, "t") || !strcmp(v, "f")))
		return pgiam_buf_puts(out, *v == 't' ? "true" : "false");
	if (k == PGIAM_PGTYPE_JSON)
		return pgiam_buf_puts(out, v);
	return json_string(out, v);
}

int pgiam_export_format_row(pgiam_buf *out, pgiam_export_format f, size_t ncols,
	const char *const *names, const unsigned *types, const char *const *values, int first)
{
	int error = 0;
	int json = f == PGIAM_EXPORT_JSON || f == PGIAM_EXPORT_JSONL;

	if (f == PGIAM_EXPORT_JSON && (error = pgiam_buf_puts(out, first ? "\n" : ",\n")) < 0)
		return error;
	if (json && (error = pgiam_buf_putc(out, '{')) < 0)
		return error;
	for (size_t i = 0; i < ncols && !error; i++) {
		const char *v = values[i];

		if (i)
			error = pgiam_buf_putc(out, f == PGIAM_EXPORT_CSV ? ',' :
				f == PGIAM_EXPORT_TSV ? '\t' : ',');
		if (error)
			break;
		if (json) {
			if ((error = json_string(out, names[i])) < 0 ||
			    (error = pgiam_buf_putc(out, ':')) < 0)
				break;
			error = json_value(out, types ? types[i] : 0, v);
		} else if (f == PGIAM_EXPORT_CSV) {
			error = v ? csv_field(out, v, ncols == 1) : 0;
		} else {
			error = v ? tsv_field(out, v) : pgiam_buf_puts(out, "\\N");
		}
	}
	if (error < 0)
		return error;
	if (json && (error = pgiam_buf_putc(out, '}')) < 0)
		return error;
	return f == PGIAM_EXPORT_JSON ? 0 : pgiam_buf_putc(out, '\n');
}

int pgiam_export_format_begin(pgiam_buf *out, pgiam_export_format f)
{
	return f == PGIAM_EXPORT_JSON ? pgiam_buf_putc(out, '[') : 0;
}

int pgiam_export_format_end(pgiam_buf *out, pgiam_export_format f, int any_rows)
{
	return f == PGIAM_EXPORT_JSON ? pgiam_buf_puts(out, any_rows ? "\n]\n" : "]\n") : 0;
}

static int flush(pgiam_export *e)
{
	size_t off = 0;

	while (off < e->pending.len) {
		ssize_t n = write(e->fd, e->pending.ptr + off, e->pending.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pgiam_error_set(PGIAM_EIO, "%s: %s", e->path, strerror(errno));
		off += (size_t)n;
	}
	/* emptied, not wiped: the rows go to the file anyway, and wiping 256 KiB at every
	 * flush was a tenth of an export's time */
	e->pending.len = 0;
	if (e->pending.ptr)
		e->pending.ptr[0] = '\0';
	return 0;
}

int pgiam_export_open(pgiam_export **out, const char *path, pgiam_export_format f,
	int header)
{
	pgiam_export *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	/* 0600 when it is created; an existing file keeps its mode */
	e->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (e->fd < 0) {
		int err = errno;
		free(e->path);
		free(e);
		return pgiam_error_set(PGIAM_EIO, "%s: %s", path, strerror(err));
	}
	e->format = f;
	e->header = header;
	*out = e;
	return 0;
}

int pgiam_export_columns(pgiam_export *e, size_t ncols, const char *const *names,
	const unsigned *types)
{
	int error = 0;

	if (e->names)
		return pgiam_error_set(PGIAM_EINVAL, "export: columns given twice");
	if (!(e->names = calloc(ncols + 1, sizeof(char *))) ||
	    !(e->types = calloc(ncols + 1, sizeof(unsigned))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	for (size_t i = 0; i < ncols; i++) {
		if (!(e->names[i] = strdup(names[i] ? names[i] : "?")))
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		e->types[i] = types ? types[i] : 0;
	}
	e->ncols = ncols;
	if ((error = pgiam_export_format_begin(&e->pending, e->format)) < 0)
		return error;
	if (e->header)
		error = pgiam_export_format_header(&e->pending, e->format, ncols,
			(const char *const *)e->names);
	return error;
}

int pgiam_export_row(pgiam_export *e, const char *const *values)
{
	int error = pgiam_export_format_row(&e->pending, e->format, e->ncols,
		(const char *const *)e->names, e->types, values, e->rows == 0);

	if (error < 0)
		return error;
	e->rows++;
	return e->pending.len >= FLUSH_AT ? flush(e) : 0;
}

unsigned long long pgiam_export_rows(const pgiam_export *e)
{
	return e ? e->rows : 0;
}

int pgiam_export_finish(pgiam_export *e)
{
	int error = 0;

	if (!e->names && (error = pgiam_export_format_begin(&e->pending, e->format)) < 0)
		goto cleanup;
	if ((error = pgiam_export_format_end(&e->pending, e->format, e->rows > 0)) < 0 ||
	    (error = flush(e)) < 0)
		goto cleanup;
	if (close(e->fd) != 0)
		error = pgiam_error_set(PGIAM_EIO, "%s: %s", e->path, strerror(errno));
	e->fd = -1;
cleanup:
	pgiam_export_free(e);
	return error;
}

void pgiam_export_free(pgiam_export *e)
{
	if (!e)
		return;
	if (e->fd >= 0) {
		flush(e);
		close(e->fd);
	}
	for (size_t i = 0; e->names && i < e->ncols; i++)
		free(e->names[i]);
	free(e->names);
	free(e->types);
	free(e->path);
	pgiam_buf_dispose(&e->pending);
	free(e);
}
