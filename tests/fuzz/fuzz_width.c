/* fuzz_width.c - libFuzzer target for the TUI's display-width and safe-text code
 * (ui/width.c), which every byte from profiles and servers goes through before it
 * reaches the terminal. Checks what width.h promises: no control byte in the output,
 * the output exactly as wide as reported and never wider than asked, wrapping keeps
 * every line within the width, the UTF-8 cursor steps stay on the text; and the core's
 * sanitiser (src/util/sanitize.c, the CLI's output) leaves nothing a terminal acts on. Also linked
 * with standalone.c into a corpus replayer that runs in the normal test suite. */
#include "../../ui/width.c"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int locale_set;
	pgiam_buf out = PGIAM_BUF_INIT;
	char *s = NULL;
	int cols = 0;
	int used = 0;

	if (!locale_set) {
		setlocale(LC_ALL, "C.UTF-8");
		locale_set = 1;
	}
	if (size < 1)
		return 0;
	cols = data[0] % 64;
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	used = pgiam_width_fit(&out, s, cols, data[0] & 0x40 ? PGIAM_FIT_PAD | PGIAM_FIT_ELLIPSIS
		: PGIAM_FIT_ELLIPSIS);
	if (used < 0 || used > (cols > 0 ? cols : 0))
		abort();
	if (pgiam_width_of(pgiam_buf_cstr(&out)) != (size_t)used)
		abort();
	for (const unsigned char *p = (const unsigned char *)pgiam_buf_cstr(&out); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	if ((data[0] & 0x40) && cols > 0 && used != cols)
		abort();

	pgiam_buf_clear(&out);
	if (cols > 0 && pgiam_width_wrap(&out, s, cols, 4) == 0) {
		const char *p = pgiam_buf_cstr(&out);

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char *line = strndup(p, len);

			/* a line wider than cols only when one character is (a wide one in 1) */
			if (line && pgiam_width_of(line) > (size_t)cols && pgiam_width_of(line) > 2)
				abort();
			free(line);
			p += len + (nl ? 1 : 0);
		}
	}
	{
		size_t len = strlen(s);
		size_t pos = 0;

		while (pos < len) {
			size_t next = pgiam_utf8_next(s, len, pos);

			if (next <= pos || next > len || pgiam_utf8_prev(s, next) > pos)
				abort();
			pos = next;
		}
	}
	/* issue 10: the core's sanitiser (the CLI's output) leaves only plain characters,
	 * and its JSON escaping leaves no control character, C1 or stray byte either */
	for (int json = 0; json < 2; json++) {
		const char *p = NULL;
		size_t n = 0;

		pgiam_buf_clear(&out);
		if ((json ? pgiam_text_json_escape(&out, s) :
		     pgiam_text_sanitize(&out, s, strlen(s), PGIAM_TEXT_KEEP_NEWLINES)) < 0)
			continue;
		p = pgiam_buf_cstr(&out);
		n = strlen(p);
		for (size_t i = 0; i < n;) {
			uint32_t cp = 0;
			size_t len = pgiam_utf8_decode(&cp, p + i, n - i);

			if (!len || (cp != '\n' && !(json && (cp == '\r' || cp == '\t')) &&
			    pgiam_text_classify(cp) != PGIAM_TEXT_PLAIN))
				abort();
			i += len;
		}
	}
	pgiam_buf_dispose(&out);
	free(s);
	return 0;
}
