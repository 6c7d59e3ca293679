/* explain.h - turning libpq and server failures into one-line, actionable messages.
 *
 * Pure functions (no I/O, no libpq): they classify a connection failure into the step
 * of the chain it belongs to, list the usual causes of an IAM ("PAM") authentication
 * failure with what pgiam could check, parse a statement's kind and the object of a
 * "permission denied" error, and word the explanation of a refused statement from
 * facts the session gathered from the server. The session uses them; they are
 * separate so that unit tests can drive them with table-driven cases.
 */
#ifndef PGIAM_EXPLAIN_H
#define PGIAM_EXPLAIN_H

#include "buf.h"

#include <stddef.h>
#include <time.h>

/* The steps of the chain up to a login, in order: shared with `pgiam check`'s steps
 * (check.h), whose 1-based position (+ 10) is its exit status when that step fails. */
#define PGIAM_STEPS_TO_LOGIN(_) \
	_(CREDENTIALS,   "source credentials") \
	_(ASSUME_ROLE,   "AssumeRole") \
	_(TOKEN,         "token") \
	_(TCP,           "TCP connect") \
	_(TLS,           "TLS") \
	_(AUTH,          "authentication") \
	_(AUTHORIZATION, "authorization")

/* The steps of a session, in order; a failure always names one of them. */
#define PGIAM_STEPS(_) \
	PGIAM_STEPS_TO_LOGIN(_) \
	_(READY,         "session") \
	_(QUERY,         "query")

typedef enum pgiam_step {
#define PGIAM_STEP_ENUM_(name, text) PGIAM_STEP_##name,
	PGIAM_STEPS(PGIAM_STEP_ENUM_)
#undef PGIAM_STEP_ENUM_
	PGIAM_STEP__COUNT
} pgiam_step;

/* "TCP connect", "authentication", …; never NULL. */
const char *pgiam_step_name(pgiam_step step);

/* Which step a libpq connection failure belongs to, from its message and the last
 * step the connection had begun (libpq's messages are not structured). */
pgiam_step pgiam_explain_connect_step(const char *pq_message, pgiam_step reached);

/* The first meaningful line of a libpq error message, without "FATAL:  " noise or
 * "connection to server at … failed:" prefixes, into out (always NUL-terminated). */
void pgiam_explain_first_line(char *out, size_t outlen, const char *pq_message);

/* What pgiam knows when an IAM login is refused, to check the usual causes. */
typedef struct pgiam_explain_auth {
	const char *db_user;
	const char *endpoint_host;  /* the name the token must be signed for */
	int endpoint_port;
	const char *connect_host;   /* tunnel address, NULL when none */
	int connect_port;
	const char *token_host;     /* what the token was actually signed for */
	int token_port;
	const char *token_user;
	const char *token_region;
	time_t token_signed_at;     /* 0 when unknown */
	time_t creds_expiration;    /* 0 when the credentials do not expire */
	time_t now;
	int password_login;         /* a static password, not an IAM token */
	int password_asked;         /* the server ran password (not PAM) authentication */
	const char *account_id;     /* NULL when unknown */
	const char *dbi_resource_id;
	int reassumed;              /* the token was signed with a role session assumed
	                               again because the cached one was refused */
} pgiam_explain_auth;

/* Appends the list of usual causes of a refused IAM login, each marked with what
 * pgiam checked ("MISMATCH", "ok", or unchecked). */
int pgiam_explain_auth_failure(pgiam_buf *out, const pgiam_explain_auth *facts);

/* The region in an RDS endpoint name (x.abc.REGION.rds.amazonaws.com[.cn]) into out;
 * returns 0 when found, PGIAM_ENOTFOUND otherwise. */
int pgiam_explain_endpoint_region(char *out, size_t outlen, const char *host);

/* The statement's kind as an upper-case keyword ("SELECT", "INSERT", "UPDATE",
 * "DELETE", "TRUNCATE", "CREATE", "COPY", …), skipping comments and the WITH clause
 * of a data-modifying CTE; "" when it cannot tell. */
void pgiam_explain_statement_kind(char *out, size_t outlen, const char *sql);

/* The start of the n-th (0-based) statement of a query string as the server splits
 * it: at semicolons outside strings ('…', E'…', "…", $tag$…$tag$), comments and
 * parentheses, empty statements not counted. NULL when there are not that many. A
 * multi-statement query fails at the statement after those that completed, so this
 * names the statement a refusal is about. */
const char *pgiam_explain_nth_statement(const char *sql, int n);

/* Parses "permission denied for table customers" (PostgreSQL 15 wording; also
 * "permission denied for schema/sequence/view/function/database X" and "must be owner
 * of table X") into kind ("table") and name ("customers"). 0, or PGIAM_ENOTFOUND. */
int pgiam_explain_denied_object(char *kind, size_t kindlen, char *name, size_t namelen,
	const char *server_message);

/* Facts the session gathered after a 42501 refusal. */
typedef struct pgiam_explain_denied {
	const char *statement_kind;  /* "INSERT", or "" when unknown */
	const char *role;            /* current_user */
	const char *member_of;       /* "readonly_role, rds_iam"; "" or NULL when none */
	const char *object_kind;     /* "table" */
	const char *object_name;     /* "public.customers" (qualified when known) */
	const char *held;            /* "SELECT, REFERENCES"; "" when none; NULL unknown */
	const char *server_message;  /* fallback when the object could not be parsed */
	const char *read_only_origin; /* read-only refusals: see pgiam_explain_read_only */
} pgiam_explain_denied;

/* "INSERT refused: role iam_ro_user (member of readonly_role, rds_iam) lacks INSERT on
 * table public.customers; it holds SELECT". */
int pgiam_explain_permission(pgiam_buf *out, const pgiam_explain_denied *facts);

/* The privilege a statement kind needs on its target table ("INSERT" for INSERT,
 * "SELECT" for SELECT, "INSERT" for COPY FROM…); NULL when not a table privilege. */
const char *pgiam_explain_needed_privilege(const char *statement_kind, const char *object_kind);

/* "INSERT refused: this session is read-only (default_transaction_read_only is on, set
 * by ORIGIN); the server enforces it". origin names who asked for read-only ("the
 * --read-only flag"); NULL means "the profile's read_only = true"; "" means pgiam did
 * not ask for it (then the wording names what else makes a transaction read-only). */
int pgiam_explain_read_only(pgiam_buf *out, const char *statement_kind, const char *origin);

/* The table an INSERT INTO / UPDATE [ONLY] / DELETE FROM [ONLY] / TRUNCATE [TABLE]
 * [ONLY] statement writes (also after a WITH clause; TRUNCATE's first table), as
 * PostgreSQL reads the name: quoted parts kept, unquoted ones folded to lower case.
 * schema is "" for an unqualified name. 0, or PGIAM_ENOTFOUND (not such a statement,
 * or a name too long for the buffers). */
int pgiam_explain_write_target(char *schema, size_t schemalen, char *table, size_t tablelen,
	const char *sql);

/* pgiam_explain_read_only's wording, then, when the facts name the target table and
 * what the role holds on it, whether the role could write it without read-only:
 * "…; besides, role iam_ro_user (member of rds_iam, readonly_role) holds only SELECT
 * on public.customers, so without read-only it would be refused too", or "…; role
 * iam_rw_user holds INSERT on public.customers, so the refusal is only the session's
 * read-only setting". Uses statement_kind, role, member_of, object_name and held. */
int pgiam_explain_read_only_held(pgiam_buf *out, const pgiam_explain_denied *facts);

/* Statement n (0-based, as pgiam_explain_nth_statement counts) of sql as one line for
 * a message: runs of white space made one space, the closing semicolon dropped, cut
 * with "…" on a character boundary when longer than out. n < 0: the whole string.
 * 0, or PGIAM_ENOTFOUND (out is then ""). */
int pgiam_explain_statement_text(char *out, size_t outlen, const char *sql, int n);

/* A statement refused with 25P02 (the transaction had already failed): "the
 * transaction failed earlier, at: INSERT INTO t … (ERROR 25006: cannot execute INSERT
 * in a read-only transaction); every statement is refused until ROLLBACK ends it …".
 * statement NULL or "": the failing one is not known, and the wording says so. */
int pgiam_explain_failed_transaction(pgiam_buf *out, const char *statement,
	const char *sqlstate, const char *message);

/* For the statement whose failure failed the open transaction: its explanation (may
 * be NULL), then that the transaction is now failed and ROLLBACK ends it. Never
 * "inside a failed transaction": it was not failed before this statement. */
int pgiam_explain_failed_here(pgiam_buf *out, const char *explanation);

/* --- A refusal in parts (42501, 25006): what was denied, on which object, for whom,
 * what the role holds there and through which role, what is missing and the fix. */

/* One privilege the role holds on the refused object, and the role it is granted to. */
typedef struct pgiam_explain_hold {
	char privilege[64];        /* "SELECT", or "UPDATE (salary)" for a column grant */
	char via[128];             /* the role itself, a granted (group) role, "PUBLIC" or
	                              "owner" */
} pgiam_explain_hold;

#define PGIAM_EXPLAIN_HOLDS_MAX 12

typedef struct pgiam_explain_parts {
	int present;               /* 0: the refusal was not explained in parts */
	char denied[64];           /* "INSERT", "SELECT (salary)", "USAGE", "EXECUTE",
	                              "row-level security", "write (read-only session)" */
	char object[300];          /* "table public.customers" */
	char role[128];            /* current_user */
	char iam_role[300];        /* the IAM role that logged in; "" unknown/none */
	pgiam_explain_hold holds[PGIAM_EXPLAIN_HOLDS_MAX];
	size_t nholds;
	char missing[300];         /* in words: "INSERT on table public.customers" */
	char fix[600];             /* statements to copy; "" when pgiam has none */
} pgiam_explain_parts;

/* A column of the refused table and what the role may do with it (table or column
 * grants: has_column_privilege). */
typedef struct pgiam_explain_column {
	const char *name;
	int select, insert, update;
} pgiam_explain_column;

/* What the session gathered from the catalogs after a refusal. */
typedef struct pgiam_explain_facts {
	int read_only;             /* 25006, else 42501 */
	const char *statement;     /* the refused statement (for the columns it names) */
	const char *statement_kind;
	const char *role;          /* current_user */
	const char *member_of;     /* "readonly_role, rds_iam"; "" none */
	const char *iam_role;      /* NULL unknown */
	const char *server_message;
	const char *object_kind;   /* "table", "view", "schema", "function", "sequence",
	                              "database"; NULL when the message named none */
	const char *object_name;   /* qualified ("public.customers", "public.f(integer)") */
	const char *held;          /* whole-object privileges: "SELECT, REFERENCES"; ""
	                              none; NULL unknown */
	const pgiam_explain_hold *holds;   /* held privileges with their role, column grants
	                                      as "UPDATE (salary)" */
	size_t nholds;
	const pgiam_explain_column *columns; /* tables: every column; NULL unknown */
	size_t ncolumns;
	int rls;                   /* the server's message is row-level security's */
	const char *policies;      /* RLS: the policies on the table, in words; "" none */
	const char *schema;        /* the object's schema, "" when none */
	int schema_usage;          /* the role holds USAGE on it: 1, 0, -1 unknown */
	const char *read_only_origin; /* 25006: see pgiam_explain_read_only */
} pgiam_explain_facts;

/* The one-line explanation into text (appended) and the same in parts. Column grants,
 * schema USAGE, row-level security and function EXECUTE get their own wording; the
 * fix is a GRANT to the role itself (the text says when the role's other privileges
 * on the object come through a group role, which a grant there would reach too). */
int pgiam_explain_refusal(pgiam_buf *text, pgiam_explain_parts *parts,
	const pgiam_explain_facts *f);

/* SCHEMA.TABLE (or TABLE) as PostgreSQL reads it: quoted parts kept, unquoted ones
 * folded to lower case; schema "" when not given. 0, or PGIAM_EINVAL. */
int pgiam_explain_parse_name(char *schema, size_t schemalen, char *table, size_t tablelen,
	const char *text);

#endif
