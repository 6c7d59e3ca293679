/* secure.c - wiping secrets with OpenSSL's cleanse, which the optimiser cannot drop. */
#include "secure.h"

#include "error.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

void pgiam_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

void pgiam_free_secret(char *s)
{
	if (!s)
		return;
	pgiam_wipe(s, strlen(s));
	free(s);
}

char *pgiam_strdup(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	return p;
}

int pgiam_secure_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
