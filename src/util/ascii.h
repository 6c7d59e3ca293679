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

#include <stddef.h>

static inline int pgiam_ascii_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline int pgiam_ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int pgiam_ascii_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline int pgiam_ascii_isalpha(int c)
{
	return pgiam_ascii_islower(pgiam_ascii_tolower(c));
}

static inline int pgiam_ascii_isalnum(int c)
{
	return pgiam_ascii_isalpha(c) || pgiam_ascii_isdigit(c);
}

/* The C locale's white space: space, \t, \n, \v, \f, \r (not NBSP and the like). */
static inline int pgiam_ascii_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline int pgiam_ascii_toupper(int c)
{
	return pgiam_ascii_islower(c) ? c - ('a' - 'A') : c;
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

/* strncasecmp for ASCII letters only. */
static inline int pgiam_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		int d = pgiam_ascii_tolower(*x) - pgiam_ascii_tolower(*y);
		if (d || !*x)
			return d;
	}
	return 0;
}

/* strcasestr for ASCII letters only: the first place needle occurs in hay, or NULL. */
static inline const char *pgiam_ascii_casestr(const char *hay, const char *needle)
{
	size_t n = 0;

	while (needle[n])
		n++;
	for (;; hay++) {
		if (!pgiam_ascii_ncasecmp(hay, needle, n))
			return hay;
		if (!*hay)
			return NULL;
	}
}

/* Lowercases the ASCII letters of s in place. */
static inline void pgiam_ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)pgiam_ascii_tolower((unsigned char)*s);
}

#endif
