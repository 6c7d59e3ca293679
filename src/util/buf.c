/* buf.c - growable, wiped-on-dispose byte buffer. */
#include "buf.h"

#include "error.h"
#include "secure.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(pgiam_buf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > ((size_t)-1) / 2 - buf->len)
		return pgiam_error_set(PGIAM_ENOMEM, "buffer too large");
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap *= 2;
	/* Not realloc: the old block may hold a secret and must be wiped, not abandoned. */
	p = malloc(cap);
	if (!p)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (buf->ptr) {
		memcpy(p, buf->ptr, buf->len + 1);
		pgiam_wipe(buf->ptr, buf->cap);
		free(buf->ptr);
	} else {
		p[0] = '\0';
	}
	buf->ptr = p;
	buf->cap = cap;
	return 0;
}

int pgiam_buf_put(pgiam_buf *buf, const void *data, size_t len)
{
	int error;

	if ((error = grow(buf, len)) < 0)
		return error;
	if (len)
		memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
	return 0;
}

int pgiam_buf_puts(pgiam_buf *buf, const char *s)
{
	return pgiam_buf_put(buf, s, strlen(s));
}

int pgiam_buf_putc(pgiam_buf *buf, char c)
{
	return pgiam_buf_put(buf, &c, 1);
}

int pgiam_buf_printf(pgiam_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pgiam_error_set(PGIAM_ERROR, "format error");
	if ((error = grow(buf, (size_t)n)) < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return 0;
}

const char *pgiam_buf_cstr(const pgiam_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}

void pgiam_buf_clear(pgiam_buf *buf)
{
	if (buf->ptr) {
		pgiam_wipe(buf->ptr, buf->cap);
		buf->ptr[0] = '\0';
	}
	buf->len = 0;
}

char *pgiam_buf_detach(pgiam_buf *buf)
{
	char *p = buf->ptr;

	if (!p) {
		p = strdup("");
		if (!p)
			pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	return p;
}

void pgiam_buf_dispose(pgiam_buf *buf)
{
	if (buf->ptr) {
		pgiam_wipe(buf->ptr, buf->cap);
		free(buf->ptr);
	}
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
}
