/* sqlstate.h - the SQLSTATEs pgiam acts on, by name (PostgreSQL's errcodes.txt
 * spelling), so a code is written once and a typo cannot hide in a string literal. */
#ifndef PGIAM_SQLSTATE_H
#define PGIAM_SQLSTATE_H

#include <string.h>

#define PGIAM_SQLSTATE_INSUFFICIENT_PRIVILEGE    "42501"
#define PGIAM_SQLSTATE_READ_ONLY_SQL_TRANSACTION "25006"
#define PGIAM_SQLSTATE_IN_FAILED_SQL_TRANSACTION "25P02"
#define PGIAM_SQLSTATE_QUERY_CANCELED            "57014"

/* Whether got (may be NULL or "") is the SQLSTATE want. */
static inline int pgiam_sqlstate_is(const char *got, const char *want)
{
	return got && !strcmp(got, want);
}

#endif
