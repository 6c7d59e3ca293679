/* sqlmask.h - password literals masked out of SQL text before it is kept anywhere
 * (the statement history): `PASSWORD '…'` as ALTER ROLE / ALTER USER / CREATE ROLE /
 * CREATE USER write it (ENCRYPTED PASSWORD too), and a user mapping's
 * OPTIONS (password '…'). The literal is found with the core's lexer (sqlsplit.h),
 * so E'…' with backslash escapes, dollar quotes and continued literals ('a'
 * newline 'b') are found whole, and a 'password' inside a string or a comment is not
 * taken for the keyword.
 *
 * The literal becomes PGIAM_SQL_MASK, which is not a string: a recalled statement
 * that still holds it fails with a syntax error instead of setting a password to the
 * mask's text. Pure (a buffer out); unit-tested in tests/unit/test_sqlmask.c. */
#ifndef PGIAM_SQLMASK_H
#define PGIAM_SQLMASK_H

#include "buf.h"

#include <stddef.h>

#define PGIAM_SQL_MASK "***"

/* Appends sql[0..len) to out with every password literal replaced by PGIAM_SQL_MASK;
 * *masked (may be NULL) gets how many were. 0 or PGIAM_ENOMEM. */
int pgiam_sql_mask_passwords(pgiam_buf *out, const char *sql, size_t len, size_t *masked);

#endif
