/* secure.h - handling of secrets: wiping memory that held keys, tokens and passwords. */
#ifndef PGIAM_SECURE_H
#define PGIAM_SECURE_H

#include <stddef.h>

/* Overwrites n bytes at p in a way the compiler cannot optimise away (OPENSSL_cleanse). */
void pgiam_wipe(void *p, size_t n);

/* Wipes a NUL-terminated secret and frees it; NULL is allowed. */
void pgiam_free_secret(char *s);

/* strdup that sets the last error on failure; NULL in, NULL out (no error). */
char *pgiam_strdup(const char *s);

/* Constant-time comparison of two NUL-terminated strings (1 equal, 0 not). */
int pgiam_secure_streq(const char *a, const char *b);

#endif
