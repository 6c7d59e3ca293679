/* base64.c - base64.h over EVP_EncodeBlock (never hand-rolled). */
#include "base64.h"

#include "error.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>

int pgiam_base64_encode(pgiam_buf *out, const void *data, size_t len)
{
	size_t need = 4 * ((len + 2) / 3) + 1;
	unsigned char *tmp = NULL;
	int n, error = 0;

	if (len > INT_MAX / 2)
		return pgiam_error_set(PGIAM_EINVAL, "base64: %zu bytes is too much", len);
	if (!(tmp = malloc(need)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	n = EVP_EncodeBlock(tmp, data, (int)len);
	error = pgiam_buf_put(out, tmp, (size_t)n);
	free(tmp);
	return error;
}
