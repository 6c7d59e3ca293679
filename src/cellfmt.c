/* cellfmt.c - cellfmt.h. */
#include "cellfmt.h"

#include "ascii.h"
#include "error.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define NULL_MARK "\xE2\x88\x85 NULL"

static int fmt_json(pgiam_buf *out, const char *v)
{
	json_object *o = json_tokener_parse(v);
	int error = 0;

	if (!o && strcmp(v, "null"))
		return pgiam_buf_puts(out, v);
	error = pgiam_buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return error;
}

/* One element of an array's text at *p (quoted, nested or plain), onto out as one
 * line; *p moves past it. */
static int array_element(pgiam_buf *out, const char **p)
{
	const char *s = *p;
	int error = 0;

	if (*s == '"') {
		for (s++; *s && *s != '"' && !error; s++) {
			if (*s == '\\' && s[1])
				s++;
			error = pgiam_buf_putc(out, *s);
		}
		s += *s == '"';
	} else if (*s == '{') {
		const char *start = s;
		int depth = 0, quoted = 0;

		for (; *s; s++) {
			if (quoted && *s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = !quoted;
			else if (!quoted && *s == '{')
				depth++;
			else if (!quoted && *s == '}' && --depth == 0) {
				s++;
				break;
			}
		}
		error = pgiam_buf_put(out, start, (size_t)(s - start));
	} else {
		const char *start = s;

		while (*s && *s != ',' && *s != '}')
			s++;
		error = (s - start == 4 && !pgiam_ascii_ncasecmp(start, "NULL", 4)) ?
			pgiam_buf_puts(out, NULL_MARK) : pgiam_buf_put(out, start, (size_t)(s - start));
	}
	*p = s;
	return error < 0 ? error : pgiam_buf_putc(out, '\n');
}

static int fmt_array(pgiam_buf *out, const char *v)
{
	const char *p = v;
	int error = 0;
	size_t start = out->len;

	if (*p == '[' && (p = strchr(p, '=')))   /* "[0:1]={…}": bounds first */
		p++;
	if (!p || *p != '{')
		return pgiam_buf_puts(out, v);
	p++;
	if (*p == '}')
		return pgiam_buf_puts(out, "(empty array)");
	while (*p && !error) {
		if ((error = array_element(out, &p)) < 0)
			break;
		if (*p == ',')
			p++;
		else if (*p == '}')
			break;
		else {
			/* not what array_out writes: show it as it is */
			out->len = start;
			out->ptr[start] = '\0';
			return pgiam_buf_puts(out, v);
		}
	}
	return error;
}

static int hexval(char c)
{
	if (pgiam_ascii_isdigit((unsigned char)c))
		return c - '0';
	c = (char)pgiam_ascii_tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int fmt_bytea(pgiam_buf *out, const char *v)
{
	size_t n = strlen(v), bytes;
	unsigned char line[16];
	int error = 0;

	if (n < 2 || v[0] != '\\' || v[1] != 'x' || (n - 2) % 2)
		return pgiam_buf_puts(out, v);
	bytes = (n - 2) / 2;
	if (!bytes)
		return pgiam_buf_puts(out, "(0 bytes)");
	for (size_t off = 0; off < bytes && !error; off += 16) {
		size_t k = bytes - off < 16 ? bytes - off : 16;

		for (size_t i = 0; i < k; i++) {
			int hi = hexval(v[2 + 2 * (off + i)]), lo = hexval(v[3 + 2 * (off + i)]);
			if (hi < 0 || lo < 0)
				return pgiam_buf_puts(out, v);
			line[i] = (unsigned char)(hi * 16 + lo);
		}
		error = pgiam_buf_printf(out, "%08zx ", off);
		for (size_t i = 0; i < 16 && !error; i++)
			error = i < k ? pgiam_buf_printf(out, " %02x", line[i]) :
				pgiam_buf_puts(out, "   ");
		if (!error)
			error = pgiam_buf_puts(out, "  |");
		for (size_t i = 0; i < k && !error; i++)
			error = pgiam_buf_putc(out, line[i] >= 0x20 && line[i] < 0x7f ?
				(char)line[i] : '.');
		if (!error)
			error = pgiam_buf_puts(out, "|\n");
	}
	if (!error)
		error = pgiam_buf_printf(out, "(%zu byte%s)", bytes, bytes == 1 ? "" : "s");
	return error;
}

int pgiam_cellfmt(pgiam_buf *out, const char *value, pgiam_pgtype_kind kind)
{
	if (!value)
		return pgiam_buf_puts(out, NULL_MARK);
	switch (kind) {
	case PGIAM_PGTYPE_JSON:
		return fmt_json(out, value);
	case PGIAM_PGTYPE_ARRAY:
		return fmt_array(out, value);
	case PGIAM_PGTYPE_BYTEA:
		return fmt_bytea(out, value);
	case PGIAM_PGTYPE_OTHER:
	case PGIAM_PGTYPE_NUMBER:
	case PGIAM_PGTYPE_BOOL:
		break;
	}
	return pgiam_buf_puts(out, value);
}
