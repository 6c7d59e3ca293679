/* sanitize.c - the safe form of text before it reaches a terminal (see sanitize.h). */
#include "sanitize.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"  /* U+FFFD */

static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

pgiam_text_class pgiam_text_classify(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return PGIAM_TEXT_CARET;
	if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp))
		return PGIAM_TEXT_REPLACE;
	return PGIAM_TEXT_PLAIN;
}

size_t pgiam_utf8_decode(uint32_t *cp, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xF0 && u[0] < 0xF5 ? 4 : u[0] >= 0xE0 && u[0] < 0xF0 ? 3 :
		u[0] >= 0xC2 && u[0] < 0xE0 ? 2 : 0;
	uint32_t v = 0;

	*cp = 0;
	if (!len || len > n)
		return 0;
	v = len == 1 ? u[0] : u[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (u[i] & 0x3F);
	}
	/* overlong forms, UTF-16 surrogates and beyond U+10FFFF are not UTF-8 */
	if (v < min[len] || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		return 0;
	*cp = v;
	return len;
}

int pgiam_text_sanitize(pgiam_buf *out, const char *s, size_t n, unsigned flags)
{
	size_t i = 0;
	int error = 0;

	while (i < n && !error) {
		uint32_t cp = 0;
		size_t len = pgiam_utf8_decode(&cp, s + i, n - i);

		if (!len) {
			error = pgiam_buf_puts(out, REPLACEMENT);
			i++;
			continue;
		}
		if (cp == '\n' && (flags & PGIAM_TEXT_KEEP_NEWLINES))
			error = pgiam_buf_putc(out, '\n');
		else if (cp == '\t')
			error = pgiam_buf_putc(out, ' ');
		else switch (pgiam_text_classify(cp)) {
		case PGIAM_TEXT_PLAIN:
			error = pgiam_buf_put(out, s + i, len);
			break;
		case PGIAM_TEXT_CARET: {
			char caret[2] = { '^', (char)(cp == 0x7F ? '?' : cp + 0x40) };
			error = pgiam_buf_put(out, caret, 2);
			break;
		}
		case PGIAM_TEXT_REPLACE:
			error = pgiam_buf_puts(out, REPLACEMENT);
			break;
		}
		i += len;
	}
	return error < 0 ? pgiam_error_set(PGIAM_ENOMEM, "out of memory") : 0;
}

int pgiam_text_fputs(FILE *out, const char *s, unsigned flags)
{
	pgiam_buf safe = PGIAM_BUF_INIT;
	int error = pgiam_text_sanitize(&safe, s ? s : "", s ? strlen(s) : 0, flags);

	if (!error)
		fwrite(pgiam_buf_cstr(&safe), 1, safe.len, out);
	pgiam_buf_dispose(&safe);
	return error;
}

int pgiam_text_json_escape(pgiam_buf *out, const char *json)
{
	size_t n = json ? strlen(json) : 0;
	size_t i = 0;
	int error = 0;

	while (i < n && !error) {
		uint32_t cp = 0;
		size_t len = pgiam_utf8_decode(&cp, json + i, n - i);
		char esc[8];

		if (!len) {
			error = pgiam_buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp != '\n' && cp != '\r' && cp != '\t' && pgiam_text_classify(cp) != PGIAM_TEXT_PLAIN) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			error = pgiam_buf_puts(out, esc);
		} else
			error = pgiam_buf_put(out, json + i, len);
		i += len;
	}
	return error < 0 ? pgiam_error_set(PGIAM_ENOMEM, "out of memory") : 0;
}

int pgiam_text_is_clean(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = pgiam_utf8_decode(&cp, s + i, n - i);

		if (!len || pgiam_text_classify(cp) != PGIAM_TEXT_PLAIN)
			return 0;
		i += len;
	}
	return 1;
}
