/* width.h - the one display-width function used for all layout, and the safe form of
 * any text before it reaches the terminal.
 *
 * Text from profiles, servers and users is arbitrary bytes. Everything drawn goes
 * through pgiam_width_fit(), which decodes UTF-8 with the C library (mbrtowc), measures
 * with wcwidth (CJK and emoji take two columns, combining marks none), and replaces
 * what must never reach a terminal raw: invalid bytes become U+FFFD, C0 controls and
 * DEL become caret notation (^[ for ESC), C1 controls and bidirectional overrides
 * become U+FFFD. No curses here, so it is unit-tested on its own.
 */
#ifndef PGIAM_UI_WIDTH_H
#define PGIAM_UI_WIDTH_H

#include "buf.h"

#include <stddef.h>

enum {
	PGIAM_FIT_PAD = 1 << 0,      /* pad with spaces up to cols */
	PGIAM_FIT_ELLIPSIS = 1 << 1, /* mark a truncation with an ellipsis */
};

/* Display width (columns) of s[0..n) as pgiam_width_fit would show it. */
size_t pgiam_width_of_n(const char *s, size_t n);
size_t pgiam_width_of(const char *s);

/* Appends to out the safe form of s, cut to at most cols columns (a wide character
 * that would straddle the limit is left out, with the ellipsis when asked), padded to
 * exactly cols with PGIAM_FIT_PAD. Returns the columns used, or a negative
 * pgiam_error_code (ENOMEM) with the last error set. */
int pgiam_width_fit(pgiam_buf *out, const char *s, int cols, unsigned flags);

/* Bytes of the longest prefix of s that fits in cols columns (whole characters, with
 * their combining marks). */
size_t pgiam_width_prefix(const char *s, int cols);

/* Appends text to out with every line longer than cols columns wrapped, at a space
 * when there is one in the second half of the line; continuation lines start with
 * indent spaces. Returns 0 or PGIAM_ENOMEM. */
int pgiam_width_wrap(pgiam_buf *out, const char *text, int cols, int indent);

/* Lines text takes wrapped by pgiam_width_wrap (0 for ""), or PGIAM_ENOMEM. */
int pgiam_width_wrap_lines(const char *text, int cols, int indent);

/* A typed character in the locale's multibyte encoding, into out (MB_LEN_MAX bytes):
 * its length in bytes, or 0 when the locale cannot encode it. */
size_t pgiam_width_encode(char *out, wchar_t ch);

/* Byte offset of the character boundary before/after byte offset pos of valid UTF-8
 * text s of length len (used by text fields for cursor moves and deletes). */
size_t pgiam_utf8_prev(const char *s, size_t pos);
size_t pgiam_utf8_next(const char *s, size_t len, size_t pos);

/* Whether the locale's character set is UTF-8 (decided once, after setlocale). When
 * not, the ellipsis is "~" and replacements are "?". */
int pgiam_width_utf8_locale(void);

#endif
