/* plan.h - EXPLAIN in the core: a statement wrapped as EXPLAIN (FORMAT JSON[, ANALYZE,
 * BUFFERS]), whether running it (ANALYZE executes it) could write, the server's JSON
 * plan parsed into a tree of nodes (misestimates and the slowest node marked), the tree
 * as text and as JSON, and the queries that run it on the session.
 *
 * Safety: a plain EXPLAIN never executes the statement. ANALYZE does, so it always runs
 * inside a transaction that is rolled back: BEGIN … ROLLBACK on its own, or, when the
 * user's transaction is open, SAVEPOINT … ROLLBACK TO SAVEPOINT, which never ends the
 * user's transaction. Writing is decided conservatively (pgiam_plan_classify): only a
 * plain SELECT, VALUES or TABLE (or WITH … SELECT) with no data-modifying word is a
 * read; what a function it calls does cannot be known, and the verdict says so.
 *
 * The tree is a flat array in depth-first order (a node's children follow it), which
 * is how both the TUI and the CLI draw it. Hostile or unknown JSON gives a one-line
 * error (PGIAM_EINVAL), never a crash: unknown keys are ignored, known keys of the
 * wrong type, too deep or too many nodes are refused. Unit-tested in
 * tests/unit/test_plan.c, fuzzed by tests/fuzz/fuzz_plan_json.c.
 */
#ifndef PGIAM_PLAN_H
#define PGIAM_PLAN_H

#include "buf.h"
#include "session.h"

#include <stddef.h>

/* actual rows off from the estimate by this factor (either way) is a misestimate */
#define PGIAM_PLAN_MISESTIMATE 10.0
#define PGIAM_PLAN_NODES_MAX 20000
#define PGIAM_PLAN_DEPTH_MAX 200
#define PGIAM_PLAN_NONE ((size_t)-1)

typedef struct pgiam_plan_node {
	char type[64];             /* "Seq Scan", "Nested Loop", "ModifyTable" */
	char operation[16];        /* ModifyTable: "Insert", "Update", …; "" */
	char strategy[16];         /* Aggregate: "Hashed", "Sorted", …; "" */
	char relation[160];        /* "customers" (schema.name with VERBOSE); "" */
	char alias[128];
	char index[128];           /* Index Scan: the index's name; "" */
	char join_type[16];        /* "Inner", "Left", "Semi", …; "" */
	char relationship[16];     /* Parent Relationship: "Outer", "Inner", "InitPlan"… */
	char subplan[64];          /* Subplan Name: "InitPlan 1 (returns $0)"; "" */
	char cond_label[16];       /* "Index Cond", "Hash Cond", "Merge Cond", … */
	char cond[512];
	char filter_label[16];     /* "Filter" or "Join Filter" */
	char filter[512];
	double removed;            /* Rows Removed by (Join) Filter; -1 none */
	double startup_cost, total_cost;
	double plan_rows;          /* the estimate, per loop */
	long plan_width;
	int analyzed;              /* the actual figures are there (ANALYZE) */
	int never_executed;        /* analyzed, but loops 0 */
	double actual_startup_ms;  /* per loop, as the server gives them */
	double actual_total_ms;
	double actual_rows;        /* per loop */
	double loops;
	double time_ms;            /* inclusive: actual_total_ms × loops */
	double self_ms;            /* exclusive: time_ms − its children's time_ms (≥ 0) */
	int buffers;               /* the buffer figures are there (BUFFERS) */
	double shared_hit, shared_read;
	int misestimate;           /* 0, +1 underestimated (actual ≥ 10× estimate),
	                              -1 overestimated */
	double factor;             /* how far off (≥ 1) */
	int slowest;               /* the node with the largest self_ms */
	/* the tree */
	int depth;                 /* the root is 0 */
	size_t parent;             /* PGIAM_PLAN_NONE for the root */
	size_t nchildren;
	int last;                  /* the last child of its parent (the root too) */
} pgiam_plan_node;

typedef struct pgiam_plan pgiam_plan;

/* Parses EXPLAIN (FORMAT JSON …)'s output (the first plan of its array). 0, or
 * PGIAM_EINVAL with a one-line error ("the plan is not EXPLAIN's JSON: …"). */
int pgiam_plan_parse(pgiam_plan **out, const char *json, size_t len);
void pgiam_plan_free(pgiam_plan *p);

size_t pgiam_plan_count(const pgiam_plan *p);
const pgiam_plan_node *pgiam_plan_node_at(const pgiam_plan *p, size_t i);
int pgiam_plan_analyzed(const pgiam_plan *p);
/* Planning Time and Execution Time in ms; -1 when not given. */
double pgiam_plan_planning_ms(const pgiam_plan *p);
double pgiam_plan_execution_ms(const pgiam_plan *p);
/* The slowest node's index, PGIAM_PLAN_NONE without ANALYZE (or no time at all). */
size_t pgiam_plan_slowest(const pgiam_plan *p);
size_t pgiam_plan_misestimates(const pgiam_plan *p);

/* --- text, the same for the TUI and the CLI */

/* The box-drawing lines before node i's label ("│  ├─ "); "" for the root. */
int pgiam_plan_tree_prefix(pgiam_buf *out, const pgiam_plan *p, size_t i);
/* "Seq Scan on customers c", "Index Scan using customers_pkey on customers",
 * "Hash Left Join", "Insert on customers", "HashAggregate". */
int pgiam_plan_node_label(pgiam_buf *out, const pgiam_plan_node *n);
/* "rows 3040 → 7" / "rows 57 → 3 ×3 loops" / "rows 57 (est)", "never executed". */
int pgiam_plan_node_rows(pgiam_buf *out, const pgiam_plan_node *n);
/* "0.023 ms (self 0.006)"; "" without ANALYZE. */
int pgiam_plan_node_time(pgiam_buf *out, const pgiam_plan_node *n);
/* "hit 2 read 0"; "" without BUFFERS. */
int pgiam_plan_node_buffers(pgiam_buf *out, const pgiam_plan_node *n);
/* The marks as text, for NO_COLOR too: "[rows 434x overestimated] [slowest]"; "". */
int pgiam_plan_node_marks(pgiam_buf *out, const pgiam_plan_node *n);
/* Every figure and condition of node i, one "Label: value" a line (Enter on a node). */
int pgiam_plan_node_details(pgiam_buf *out, const pgiam_plan *p, size_t i);
/* The whole tree as text: a line a node (prefix, label, cost, rows, time, buffers,
 * marks), its condition and filter under it, then the totals (`pgiam sql --explain`). */
int pgiam_plan_render(pgiam_buf *out, const pgiam_plan *p);
/* The parsed tree as JSON (nested "children"), for --json. */
int pgiam_plan_json(pgiam_buf *out, const pgiam_plan *p);

/* --- the statement */

typedef struct pgiam_plan_kind {
	int writes;                /* 1: treated as writing (ANALYZE asks first) */
	char kind[16];             /* the statement's first keyword, upper case */
	char why[200];             /* why it is treated as writing, in words; "" read */
	char calls[64];            /* the first function it seems to call; "" none */
} pgiam_plan_kind;

/* Whether running sql[0..len) could write, conservatively (see above). */
void pgiam_plan_classify(pgiam_plan_kind *out, const char *sql, size_t len);

/* "EXPLAIN (FORMAT JSON[, ANALYZE, BUFFERS]) statement" into out (appended): the first
 * statement of sql as the core's splitter cuts it, its closing ';' dropped. PGIAM_EINVAL
 * for nothing to explain, more than one statement, or an EXPLAIN already. */
int pgiam_plan_sql(pgiam_buf *out, const char *sql, size_t len, int analyze);

/* --- running it: the queries for the caller to send on its session, one at a time
 * (the TUI from its event loop, the CLI with pgiam_plan_run_session):
 *
 *     pgiam_plan_run_new(&r, sql, analyze, in_transaction);
 *     while ((q = pgiam_plan_run_next_sql(r))) {
 *         send q; pgiam_plan_run_feed_row(r, …) for each row;
 *         pgiam_plan_run_feed_end(r, failed, sqlstate, message);
 *     }
 *
 * Each query is one statement, to be sent with the extended protocol (the server then
 * refuses a second statement smuggled into the first). ANALYZE: "BEGIN", the EXPLAIN,
 * "ROLLBACK" (always, whatever the EXPLAIN did). With in_transaction (the user's
 * transaction is open): "SAVEPOINT pgiam_explain", the EXPLAIN, "ROLLBACK TO SAVEPOINT
 * pgiam_explain", "RELEASE SAVEPOINT pgiam_explain". A plain EXPLAIN runs alone, or in
 * the same savepoint inside the user's transaction (a failing EXPLAIN must not fail
 * it). */
typedef struct pgiam_plan_run pgiam_plan_run;

/* PGIAM_EINVAL (pgiam_plan_sql's reasons) with the error set. */
int pgiam_plan_run_new(pgiam_plan_run **out, const char *sql, size_t len, int analyze,
	int in_transaction);
void pgiam_plan_run_free(pgiam_plan_run *r);
/* The next query, NULL when finished. Lent until the next feed_end. */
const char *pgiam_plan_run_next_sql(pgiam_plan_run *r);
void pgiam_plan_run_feed_row(pgiam_plan_run *r, int nfields, const char *const *values);
void pgiam_plan_run_feed_end(pgiam_plan_run *r, int failed, const char *sqlstate,
	const char *message);
/* Stops early: the EXPLAIN is not sent if it was not yet; a rollback due still is. */
void pgiam_plan_run_stop(pgiam_plan_run *r);
int pgiam_plan_run_finished(const pgiam_plan_run *r);
/* The plan once finished, NULL when it failed (pgiam_plan_run_error says why). */
const pgiam_plan *pgiam_plan_run_plan(const pgiam_plan_run *r);
const char *pgiam_plan_run_error(const pgiam_plan_run *r);
/* The EXPLAIN sent, and how it was wrapped in words ("inside BEGIN … ROLLBACK: nothing
 * it did was kept"; "" for a plain EXPLAIN outside a transaction). */
const char *pgiam_plan_run_explain_sql(const pgiam_plan_run *r);
const char *pgiam_plan_run_wrapping(const pgiam_plan_run *r);
/* The whole run on a session (blocking: pgiam_session_run), for the CLI. 0, or a
 * negative code: the connection failed (the error set), or the EXPLAIN failed
 * (PGIAM_ESERVER, pgiam_plan_run_error). */
int pgiam_plan_run_session(pgiam_plan_run *r, pgiam_session *s);

#endif
