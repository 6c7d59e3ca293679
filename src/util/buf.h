/* buf.h - a growable byte buffer (always NUL-terminated), the core's one string builder.
 *
 * Buffers that may have held secrets are wiped when disposed, so every buffer is
 * disposed with pgiam_buf_dispose(). On allocation failure the functions return
 * PGIAM_ENOMEM with the last error set and leave the buffer as it was.
 */
#ifndef PGIAM_BUF_H
#define PGIAM_BUF_H

#include <stddef.h>

typedef struct pgiam_buf {
	char *ptr;   /* NUL-terminated contents, or NULL when nothing was ever added */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;
} pgiam_buf;

#define PGIAM_BUF_INIT { NULL, 0, 0 }

int pgiam_buf_put(pgiam_buf *buf, const void *data, size_t len);
int pgiam_buf_puts(pgiam_buf *buf, const char *s);
int pgiam_buf_putc(pgiam_buf *buf, char c);
int pgiam_buf_printf(pgiam_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents as a C string: "" for an empty buffer, never NULL. Lent. */
const char *pgiam_buf_cstr(const pgiam_buf *buf);
/* Empties the buffer (wiping what it held) but keeps its memory. */
void pgiam_buf_clear(pgiam_buf *buf);
/* Hands the contents to the caller (free with free() or pgiam_free_secret()); the
 * buffer becomes empty. Returns a valid "" string for an empty buffer; NULL on OOM. */
char *pgiam_buf_detach(pgiam_buf *buf);
/* Wipes and frees. */
void pgiam_buf_dispose(pgiam_buf *buf);

#endif
