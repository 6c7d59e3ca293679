/* sanitize.h - the one rule for what text may reach a terminal, and the safe form of
 * text that breaks it.
 *
 * Profiles, AWS files, helpers, metadata servers and STS are all untrusted text that
 * ends up in error messages, tables and JSON. A terminal acts on C0 controls (ESC, BEL),
 * DEL and C1 controls (U+0080-U+009F: U+009B is a CSI on its own), and bidirectional
 * formatting characters reorder what it shows. Every line the CLI prints and every cell
 * the TUI draws goes through this classification (the TUI's width code, ui/width.c,
 * calls pgiam_text_classify on each character it decodes):
 * - C0 controls and DEL become caret notation (^[ for ESC, ^? for DEL), a tab a space;
 * - C1 controls, bidi controls and bytes that are not UTF-8 become U+FFFD.
 * It is applied always, not only when the output is a terminal: output piped to a file
 * reaches one later (less, a CI log). No locale here: UTF-8 is decoded by hand.
 */
#ifndef PGIAM_SANITIZE_H
#define PGIAM_SANITIZE_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
	PGIAM_TEXT_PLAIN,    /* shown as it is */
	PGIAM_TEXT_CARET,    /* C0 control or DEL: ^X */
	PGIAM_TEXT_REPLACE,  /* C1 control or bidi control: U+FFFD */
} pgiam_text_class;

/* What becomes of code point cp (tab is CARET here; callers show it as a space). */
pgiam_text_class pgiam_text_classify(uint32_t cp);

/* Decodes the UTF-8 sequence at s[0..n) (n > 0): its length in bytes, with *cp set,
 * or 0 when s does not start with a valid, shortest-form sequence (a stray byte). */
size_t pgiam_utf8_decode(uint32_t *cp, const char *s, size_t n);

enum {
	PGIAM_TEXT_KEEP_NEWLINES = 1 << 0,  /* '\n' passes (multi-line output); else ^J */
};

/* Appends the safe form of s[0..n) to out. 0, or PGIAM_ENOMEM. */
int pgiam_text_sanitize(pgiam_buf *out, const char *s, size_t n, unsigned flags);

/* Writes the safe form of s to out (for front ends that print outside their usual
 * path, e.g. the TUI's messages before or after curses). 0, or PGIAM_ENOMEM. */
int pgiam_text_fputs(FILE *out, const char *s, unsigned flags);

/* Appends serialised JSON with what json-c leaves raw inside strings escaped: other C0
 * controls and DEL as \u00XX, C1 and bidi controls as \uXXXX, stray bytes as \ufffd
 * (so the document still decodes to the same strings). White space between tokens (a
 * pretty-printed document's newlines) is kept. 0, or PGIAM_ENOMEM. */
int pgiam_text_json_escape(pgiam_buf *out, const char *json);

/* 1 when s is valid UTF-8 without any character pgiam_text_classify would change
 * (no C0, DEL, C1 or bidi control), else 0. For names that get signed or sent. */
int pgiam_text_is_clean(const char *s);

#endif
