/* probe.h - proving what the logged-in role may do to one table by trying, without
 * changing anything (`pgiam grants --probe`, P in the browser).
 *
 * Each statement runs alone inside BEGIN … ROLLBACK with a small lock_timeout and
 * statement_timeout, and touches no row: SELECT * … LIMIT 0, INSERT … SELECT typed
 * NULLs WHERE false (the columns that take a value: generated and GENERATED ALWAYS
 * identity columns are left to their defaults), UPDATE … SET c = DEFAULT WHERE false,
 * DELETE … WHERE false. The server's own answer is kept: allowed, or its SQLSTATE
 * (42501 privileges or row-level security, 25006 a read-only session) and message.
 * TRUNCATE is never run (it takes an ACCESS EXCLUSIVE lock): its line comes from the
 * catalog (has_table_privilege) and says so.
 *
 * The probe is a sequence of queries for the caller to send on its session, so the
 * TUI drives it from its event loop and the CLI with pgiam_probe_run():
 *
 *     pgiam_probe_new(&p, "public.customers");
 *     while ((sql = pgiam_probe_next_sql(p))) {
 *         send sql; pgiam_probe_feed_row(p, …) for each row;
 *         pgiam_probe_feed_end(p, failed, sqlstate, message);
 *     }
 */
#ifndef PGIAM_PROBE_H
#define PGIAM_PROBE_H

#include "session.h"

#include <stddef.h>

typedef struct pgiam_probe pgiam_probe;

typedef struct pgiam_probe_line {
	const char *statement;     /* "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE" */
	char sql[4096];            /* what ran (or, for TRUNCATE, what was not run) */
	int allowed;               /* 1 allowed, 0 refused, -1 not tried (the probe stopped) */
	char sqlstate[6];          /* the server's, when refused; "" from the catalog */
	char message[512];         /* the server's message, or the catalog line's words */
	const char *source;        /* "server" or "catalog" */
} pgiam_probe_line;

#define PGIAM_PROBE_LINES 5

/* name: SCHEMA.TABLE or TABLE (the search path's), as SQL reads it. PGIAM_EINVAL with
 * a one-line error for a name that is not one. */
int pgiam_probe_new(pgiam_probe **out, const char *name);
void pgiam_probe_free(pgiam_probe *p);

/* The next query to send, NULL once the probe is finished (or failed). Lent until the
 * next feed_end. */
const char *pgiam_probe_next_sql(pgiam_probe *p);
/* A row of the query sent (only the catalog query has rows). */
void pgiam_probe_feed_row(pgiam_probe *p, int nfields, const char *const *values);
/* The query sent ended: failed 0, or 1 with the server's SQLSTATE and message. */
void pgiam_probe_feed_end(pgiam_probe *p, int failed, const char *sqlstate,
	const char *message);

/* Stops early: no further statement is sent, but a ROLLBACK still due is (the lines
 * not tried stay allowed -1). */
void pgiam_probe_stop(pgiam_probe *p);

/* Finished with every line (1), or stopped with an error (pgiam_probe_error). */
int pgiam_probe_finished(const pgiam_probe *p);
/* Why the probe could not run ("no table public.nope visible to this role"); "" none. */
const char *pgiam_probe_error(const pgiam_probe *p);
/* The table as the server named it ("public.customers"), and who probed it. */
const char *pgiam_probe_table(const pgiam_probe *p);
const char *pgiam_probe_role(const pgiam_probe *p);
/* The session's default_transaction_read_only when probed (1 on). */
int pgiam_probe_read_only(const pgiam_probe *p);
const pgiam_probe_line *pgiam_probe_line_at(const pgiam_probe *p, size_t i);

/* Runs the whole probe on a session (blocking: pgiam_session_run), for the CLI.
 * 0, or a negative code (connection failure, no such table) with the error set. */
int pgiam_probe_run(pgiam_probe *p, pgiam_session *s);

#endif
