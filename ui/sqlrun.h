/* sqlrun.h - the SQL screen's runs (sqlrun.c): the statements the
 * user asked to run, sent one after another, each only if the one before succeeded
 * (psql's ON_ERROR_STOP), with autocommit off a BEGIN before a statement run outside
 * a transaction. A run comes from the editor's buffer (a batch); a failed statement
 * is named (its number and first line) and its error marked in the buffer. */
#ifndef PGIAM_UI_SQLRUN_H
#define PGIAM_UI_SQLRUN_H

#include "app.h"
#include "editor.h"

typedef struct pgiam_sqlrun_item {
	char *sql;          /* as sent */
	size_t batch;       /* the buffer text it came from (pgiam_sqlrun.batches) */
	size_t off;         /* its first byte in that text (the server's position counts
	                     * from there) */
	int number, total;  /* 1-based, of its batch (total 1: named no further) */
	int begun;          /* autocommit off: its BEGIN went first */
} pgiam_sqlrun_item;

typedef struct pgiam_sqlrun_batch {
	char *text;         /* the buffer as it was run */
	int cleared;        /* Enter cleared the buffer: it comes back if this fails */
} pgiam_sqlrun_batch;

typedef struct pgiam_sqlrun {
	pgiam_sqlrun_item *items;
	size_t nitems, cap;
	size_t cur;         /* items before it are done; it is in flight or next */
	int inflight;       /* items[cur] (or its BEGIN) was sent and has not ended */
	int begin_inflight; /* … and it was the BEGIN */
	int behind_own;     /* not sent yet: pgiam's own read (completion's catalog, the
	                       browser's page) ran on the connection; the tick sends it */
	pgiam_sqlrun_batch *batches;
	size_t nbatches;
	int autocommit;     /* 0: a BEGIN before a statement outside a transaction */
	char *last_sql;     /* the statement the shown result is of (its error position) */
	char line[600];     /* why the rest did not run, which statement failed ("" none) */
} pgiam_sqlrun;

void pgiam_sqlrun_init(pgiam_sqlrun *q);
void pgiam_sqlrun_dispose(pgiam_sqlrun *q);

/* Statements waiting to be sent (not the one in flight). */
size_t pgiam_sqlrun_queued(const pgiam_sqlrun *q);
/* Whether a statement of a run is in flight or waits. */
int pgiam_sqlrun_active(const pgiam_sqlrun *q);

/* Adds a batch (text copied) and its statements: [start, start+len) each, count n.
 * Returns the batch's index. */
size_t pgiam_sqlrun_add_batch(pgiam_sqlrun *q, const char *text, int cleared);
void pgiam_sqlrun_add(pgiam_sqlrun *q, size_t batch, size_t start, size_t len, int number,
	int total);

/* Sends the next statement (or its BEGIN) when nothing is in flight; 0, or -1 with
 * the error shown (the run is dropped). */
int pgiam_sqlrun_send(pgiam_sqlrun *q, pgiam_app *app);

/* Drops the statements not yet sent, saying why ("cancel asked"); the one in flight
 * stays to end. */
void pgiam_sqlrun_drop(pgiam_sqlrun *q, const char *why);

/* After the loop's work: the statement in flight ended; the next is sent or the run
 * stops at a failure (the buffer in e restored when Enter had cleared it, the error
 * marked). Returns reaction flags. */
unsigned pgiam_sqlrun_tick(pgiam_sqlrun *q, pgiam_app *app, pgiam_editor *e);

#endif
