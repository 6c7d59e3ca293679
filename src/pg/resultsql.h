/* resultsql.h - how the SQL screen reads a statement's result: a plain SELECT through
 * a server-side scrollable cursor (so any result size takes constant memory and End
 * is a MOVE ALL on the server), everything else as it comes, bounded by the caller.
 *
 * The statements built here run through the session's non-blocking query path. The
 * cursor is always named PGIAM_RESULT_CURSOR. In autocommit (no transaction block
 * open) pgiam opens the transaction the cursor lives in (BEGIN) and commits it when
 * the result is closed; inside the user's transaction the cursor is declared in it,
 * behind a savepoint, so a failure or a cancel of pgiam's statements is rolled back
 * to the savepoint and never fails the user's transaction. When opening the cursor
 * fails, the caller undoes it (pgiam_resultsql_recover) and runs the statement as
 * typed, so the error, its position and its explanation are the statement's own.
 * Pure string building: no connection, unit-tested (tests/unit/test_resultsql.c). */
#ifndef PGIAM_RESULTSQL_H
#define PGIAM_RESULTSQL_H

#include "buf.h"

#include <stddef.h>

#define PGIAM_RESULT_CURSOR "pgiam_result"

/* 1 when sql is one statement that DECLARE … SCROLL CURSOR FOR accepts and that only
 * reads: SELECT, WITH … SELECT, VALUES, TABLE, or a parenthesised one, without
 * INTO, without a locking clause (FOR UPDATE/SHARE: not with SCROLL), without a
 * data-modifying WITH (INSERT/UPDATE/DELETE/MERGE anywhere in it). Strings, quoted
 * identifiers, dollar quotes and comments are skipped. 0 otherwise (also for "").
 * A SELECT that calls a function that writes is still a plain SELECT: it runs once,
 * as typed, and its effects are committed when the result is closed. */
int pgiam_resultsql_is_plain_select(const char *sql);

/* The statement without its trailing semicolons, comments and spaces, into out
 * (what follows FOR in the DECLARE). */
int pgiam_resultsql_statement(pgiam_buf *out, const char *sql);

/* Opens the cursor on sql (a plain SELECT) and fetches its first `fetch` rows:
 *   autocommit:  BEGIN; DECLARE pgiam_result SCROLL CURSOR FOR …; FETCH FORWARD n …
 *   in_txn:      SAVEPOINT pgiam_result; DECLARE …; FETCH FORWARD n …;
 *                RELEASE SAVEPOINT pgiam_result */
int pgiam_resultsql_open(pgiam_buf *out, const char *sql, int in_txn, size_t fetch);

/* Rows at+1 … at+n (at 0: from the first row): MOVE ABSOLUTE at; FETCH FORWARD n.
 * in_txn: behind SAVEPOINT pgiam_fetch … RELEASE, so a cancel fails only that. */
int pgiam_resultsql_fetch(pgiam_buf *out, unsigned long long at, size_t n, int in_txn);

/* The last n rows and the count: MOVE ABSOLUTE pos (where the cursor is: the last row
 * read, 0 before the first); MOVE ALL (its tag "MOVE k": the result has pos + k rows);
 * FETCH BACKWARD n (the last rows, last first). */
int pgiam_resultsql_end(pgiam_buf *out, unsigned long long pos, size_t n, int in_txn);

/* Closes the cursor: CLOSE, and COMMIT of pgiam's transaction in autocommit. */
int pgiam_resultsql_close(pgiam_buf *out, int in_txn);

/* After a failed or cancelled open (at_open 1) or fetch (0): ROLLBACK of pgiam's
 * transaction in autocommit, else ROLLBACK TO and RELEASE of the savepoint. */
int pgiam_resultsql_recover(pgiam_buf *out, int in_txn, int at_open);

/* The row count of a MOVE tag ("MOVE 42" -> 42), -1 when it is not one. */
long long pgiam_resultsql_move_count(const char *tag);

#endif
