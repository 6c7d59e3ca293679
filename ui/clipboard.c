/* clipboard.c - clipboard.h. Written straight to the terminal between two curses
 * updates (curses has nothing buffered then); the base64 comes from the core. */
#include "clipboard.h"

#include "base64.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

int pgiam_clipboard_copy(const char *text, size_t len, char *msg, size_t msglen)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *ms = tigetstr("Ms");
	int known = (ms && ms != (char *)-1) || getenv("TMUX");
	size_t off = 0;

	if (len > PGIAM_CLIPBOARD_MAX) {
		snprintf(msg, msglen, "not copied: %zu bytes is more than a terminal takes in one "
			"OSC 52 copy (%d KiB); Enter shows the whole value, e exports it", len,
			PGIAM_CLIPBOARD_MAX / 1024);
		return -1;
	}
	if (pgiam_buf_puts(&b, "\033]52;c;") < 0 || pgiam_base64_encode(&b, text, len) < 0 ||
	    pgiam_buf_putc(&b, '\a') < 0) {
		pgiam_buf_dispose(&b);
		snprintf(msg, msglen, "not copied: out of memory");
		return -1;
	}
	fflush(stdout);
	while (off < b.len) {
		ssize_t n = write(STDOUT_FILENO, b.ptr + off, b.len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	pgiam_buf_dispose(&b);
	if (known)
		snprintf(msg, msglen, "copied %zu bytes to the clipboard (OSC 52)", len);
	else
		snprintf(msg, msglen, "sent %zu bytes to the clipboard (OSC 52), but this terminal "
			"does not say it takes it: if nothing was copied, Enter shows the value to "
			"select, e exports it", len);
	return 0;
}
