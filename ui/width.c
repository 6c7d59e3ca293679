/* width.c - display width and the safe, cut-to-size form of text (see width.h). */
#include "width.h"

#include "error.h"
#include "sanitize.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct glyph {
	char rep[8];      /* what is sent to the terminal */
	size_t replen;
	int width;        /* columns it takes */
	size_t consumed;  /* input bytes it stands for */
} glyph;

int pgiam_width_utf8_locale(void)
{
	static int cached = -1;

	if (cached < 0) {
		const char *cs = nl_langinfo(CODESET);
		cached = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	}
	return cached;
}

static void set_rep(glyph *g, const char *rep, int width)
{
	g->replen = strlen(rep);
	memcpy(g->rep, rep, g->replen);
	g->width = width;
}

static void set_replacement(glyph *g)
{
	set_rep(g, pgiam_width_utf8_locale() ? "\xEF\xBF\xBD" : "?", 1);
}

/* Outside a UTF-8 locale the UI's own few symbols become ASCII, and any other UTF-8
 * sequence one '?' (rather than one per byte). Returns 0 when s does not start with
 * a complete UTF-8 sequence. */
static int ascii_fallback(glyph *g, const char *s, size_t n)
{
	static const struct { const char *utf8; const char *ascii; } symbols[] = {
		{ "\xC2\xB7", "." }, { "\xE2\x80\xA6", "~" }, { "\xE2\x94\x82", "|" },
		{ "\xE2\x80\xA2", "*" }, { "\xE2\x80\x94", "-" }, { "\xE2\x94\x80", "-" },
		{ "\xE2\x86\x90", "<" }, { "\xE2\x86\x92", ">" },
	};
	unsigned char c = (unsigned char)s[0];
	size_t len = c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;

	if (!len || c >= 0xF8 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return 0;
	g->consumed = len;
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (!strncmp(s, symbols[i].utf8, len) && strlen(symbols[i].utf8) == len) {
			set_rep(g, symbols[i].ascii, 1);
			return 1;
		}
	set_rep(g, "?", 1);
	return 1;
}

/* Decodes the next character of s[0..n) (n > 0) into its safe representation. */
static void next_glyph(glyph *g, const char *s, size_t n, int at_start)
{
	mbstate_t st;
	wchar_t wc = 0;
	size_t r;
	int w;

	if ((unsigned char)s[0] >= 0x80 && !pgiam_width_utf8_locale() && ascii_fallback(g, s, n))
		return;
	memset(&st, 0, sizeof(st));
	r = mbrtowc(&wc, s, n, &st);
	g->consumed = 1;
	if (r == (size_t)-1) {
		set_replacement(g);
		return;
	}
	if (r == (size_t)-2) {
		g->consumed = n;
		set_replacement(g);
		return;
	}
	g->consumed = r == 0 ? 1 : r;
	if (wc == L'\t') {
		set_rep(g, " ", 1);
		return;
	}
	/* the core's rule (src/sanitize.h), the same the CLI's output follows: C0 and DEL
	 * as carets, C1 and directional formatting characters (which could make a hostile
	 * table name look like another) replaced */
	switch (pgiam_text_classify((uint32_t)wc)) {
	case PGIAM_TEXT_PLAIN:
		break;
	case PGIAM_TEXT_CARET: {
		char caret[3] = { '^', (char)(wc == 0x7f ? '?' : wc + 0x40), '\0' };
		set_rep(g, caret, 2);
		return;
	}
	case PGIAM_TEXT_REPLACE:
		set_replacement(g);
		return;
	}
	w = wcwidth(wc);
	/* Unprintable, or a combining mark with nothing to combine with (it would
	 * attach to whatever the screen shows before it). */
	if (w < 0 || (w == 0 && at_start) || g->consumed > sizeof(g->rep)) {
		set_replacement(g);
		return;
	}
	memcpy(g->rep, s, g->consumed);
	g->replen = g->consumed;
	g->width = w;
}

size_t pgiam_width_of_n(const char *s, size_t n)
{
	size_t total = 0;
	size_t i = 0;
	glyph g;

	if (!s)
		return 0;
	while (i < n) {
		next_glyph(&g, s + i, n - i, i == 0);
		total += (size_t)g.width;
		i += g.consumed;
	}
	return total;
}

size_t pgiam_width_of(const char *s)
{
	return s ? pgiam_width_of_n(s, strlen(s)) : 0;
}

int pgiam_width_fit(pgiam_buf *out, const char *s, int cols, unsigned flags)
{
	size_t n = s ? strlen(s) : 0;
	size_t i = 0;
	int used = 0;
	int limit = cols;
	int cut = 0;
	int error = 0;
	glyph g;

	if (cols <= 0)
		return 0;
	if (pgiam_width_of_n(s, n) > (size_t)cols) {
		cut = 1;
		if (flags & PGIAM_FIT_ELLIPSIS)
			limit = cols - 1;
	}
	while (i < n) {
		next_glyph(&g, s + i, n - i, i == 0);
		if (used + g.width > limit)
			break;
		if ((error = pgiam_buf_put(out, g.rep, g.replen)) < 0)
			goto cleanup;
		used += g.width;
		i += g.consumed;
	}
	if (cut && (flags & PGIAM_FIT_ELLIPSIS)) {
		if ((error = pgiam_buf_puts(out, pgiam_width_utf8_locale() ? "\xE2\x80\xA6" : "~")) < 0)
			goto cleanup;
		used++;
	}
	if (flags & PGIAM_FIT_PAD) {
		while (used < cols) {
			if ((error = pgiam_buf_putc(out, ' ')) < 0)
				goto cleanup;
			used++;
		}
	}
cleanup:
	return error < 0 ? error : used;
}

size_t pgiam_utf8_prev(const char *s, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80)
		pos--;
	return pos;
}

size_t pgiam_utf8_next(const char *s, size_t len, size_t pos)
{
	if (pos >= len)
		return len;
	pos++;
	while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
		pos++;
	return pos;
}

size_t pgiam_width_prefix(const char *s, int cols)
{
	size_t n = s ? strlen(s) : 0;
	size_t i = 0;
	int used = 0;
	glyph g;

	while (i < n) {
		next_glyph(&g, s + i, n - i, i == 0);
		if (used + g.width > cols)
			break;
		used += g.width;
		i += g.consumed;
	}
	return i;
}

/* Wraps one line (no newline in it). */
static int wrap_line(pgiam_buf *out, const char *line, size_t len, int cols, int indent)
{
	char *copy = strndup(line, len);
	const char *p = copy;
	int first = 1;
	int error = 0;

	if (!copy)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	do {
		int avail = first ? cols : cols - indent;
		size_t take = 0;

		if (avail < 8)
			avail = cols;  /* too narrow to indent */
		if (!first)
			for (int k = 0; k < cols - avail; k++)
				if ((error = pgiam_buf_putc(out, ' ')) < 0)
					goto cleanup;
		if (pgiam_width_of(p) <= (size_t)avail) {
			take = strlen(p);
		} else {
			size_t cut = 0;

			take = pgiam_width_prefix(p, avail);
			for (size_t k = take; k > take / 2 && !cut; k--)
				if (p[k] == ' ')
					cut = k;
			/* ARNs, paths and lists have no spaces: rather after a separator
			 * than in the middle of a name. */
			for (size_t k = take; k > take / 2 && !cut; k--)
				if (p[k - 1] == '/' || p[k - 1] == ',')
					cut = k;
			if (cut)
				take = cut;
			if (!take) {
				/* one character wider than the line: it goes alone */
				glyph g;

				next_glyph(&g, p, strlen(p), 1);
				take = g.consumed;
			}
		}
		if ((error = pgiam_buf_put(out, p, take)) < 0 || (error = pgiam_buf_putc(out, '\n')) < 0)
			goto cleanup;
		p += take;
		while (*p == ' ')
			p++;
		first = 0;
	} while (*p);
cleanup:
	free(copy);
	return error;
}

int pgiam_width_wrap(pgiam_buf *out, const char *text, int cols, int indent)
{
	const char *p = text ? text : "";
	int error = 0;

	if (cols < 1)
		cols = 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == 0)
			error = pgiam_buf_putc(out, '\n');
		else
			error = wrap_line(out, p, len, cols, indent);
		if (error < 0)
			return error;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

int pgiam_width_wrap_lines(const char *text, int cols, int indent)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int error = pgiam_width_wrap(&b, text, cols, indent);
	int n = 0;

	if (error < 0) {
		pgiam_buf_dispose(&b);
		return error;
	}
	/* every line it writes ends with a newline */
	for (const char *p = pgiam_buf_cstr(&b); *p; p++)
		n += *p == '\n';
	pgiam_buf_dispose(&b);
	return n;
}

size_t pgiam_width_encode(char *out, wchar_t ch)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(out, ch, &st);
	return n == (size_t)-1 ? 0 : n;
}
