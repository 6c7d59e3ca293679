/* ascii.h - case folding for ASCII protocol text (INI keys and sections, header
 * names, URL schemes, region names) that ignores the locale.
 *
 * The TUI runs under the user's locale (setlocale(LC_ALL, "")), and there libc's
 * tolower() and strcasecmp() follow it: in tr_TR.UTF-8, tolower('I') is 'I' and
 * strcasecmp("EXTERNAL_ID", "external_id") is not 0. Names defined by a protocol or by
 * pgiam are ASCII and compare the same everywhere.
 */
#ifndef PGIAM_ASCII_H
#define PGIAM_ASCII_H

static inline int pgiam_ascii_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* strcasecmp for ASCII letters only; other bytes compare as they are. */
static inline int pgiam_ascii_casecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && pgiam_ascii_tolower(*x) == pgiam_ascii_tolower(*y)) {
		x++;
		y++;
	}
	return pgiam_ascii_tolower(*x) - pgiam_ascii_tolower(*y);
}

/* Lowercases the ASCII letters of s in place. */
static inline void pgiam_ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)pgiam_ascii_tolower((unsigned char)*s);
}

#endif
