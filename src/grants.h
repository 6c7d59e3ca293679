/* grants.h - what the logged-in IAM database user may do, and through which role:
 * the IAM side (source credentials, assumed role, the rds-db:connect resource) and the
 * SQL side (current_user, role memberships as a tree with INHERIT and admin option,
 * attributes that bypass grants, database and schema privileges, a table x privilege
 * matrix with column grants and row-level security, sequences and functions).
 *
 * Everything comes from the server's catalogs in ONE statement whatever the number of
 * tables (aclexplode over the ACLs for "through which role", pg_auth_members walked
 * recursively, has_*_privilege as the cross-check and the authority on "held"). The
 * statement is built here (pgiam_grants_sql) and its rows parsed here
 * (pgiam_grants_add_row), so any query path can run it: the TUI's non-blocking one, or
 * pgiam_grants_fetch() which runs it through the session's query API and waits. The
 * CLI and the TUI only render: pgiam_grants_json() and pgiam_grants_render().
 *
 * "via" names the roles a privilege is held through: the role itself, a granted role
 * (readonly_role), "PUBLIC", "owner" (current_user owns the object), or, when the ACL
 * grants nothing but the server says the privilege is held, the attribute that gives it
 * ("superuser", "pg_read_all_data", "pg_write_all_data").
 */
#ifndef PGIAM_GRANTS_H
#define PGIAM_GRANTS_H

#include "buf.h"
#include "profile.h"
#include "session.h"

#include <stddef.h>
#include <time.h>

typedef struct pgiam_grants pgiam_grants;   /* opaque: the whole answer */

/* What to read: schema NULL = every schema the role can see (system schemas left out);
 * object NULL = every object of those schemas (a name: only relations and functions
 * of that name, for one object's holds). */
typedef struct pgiam_grants_options {
	const char *schema;
	const char *object;
} pgiam_grants_options;

#define PGIAM_GRANTS_OPTIONS_INIT { NULL, NULL }

/* --- the statement and its rows (for any query path) ------------------------------ */

/* The one statement (no parameters: literals quoted by catalog.h's helper). Its rows
 * have two columns: a kind ("role", "schema") and a JSON document. */
int pgiam_grants_sql(pgiam_buf *out, const pgiam_grants_options *opts);

int pgiam_grants_new(pgiam_grants **out);
void pgiam_grants_free(pgiam_grants *g);
/* Takes one row of the statement. PGIAM_ESERVER for a row that is not of its shape. */
int pgiam_grants_add_row(pgiam_grants *g, const char *kind, const char *doc);
/* After the last row: fills "via" for privileges held without an ACL entry (superuser,
 * pg_read_all_data …), counts. PGIAM_ESERVER when no "role" row came. */
int pgiam_grants_finish(pgiam_grants *g);

/* --- the IAM side ----------------------------------------------------------------- */

/* The IAM side, from the session's pgiam_auth (session_profile.h) and the profile
 * (external ID, account, dbi_resource_id, endpoint). Secrets never come in: the
 * external ID is masked here. profile may be NULL (no profile: only what the session
 * knows). */
int pgiam_grants_set_iam(pgiam_grants *g, pgiam_session *s, const pgiam_profile *profile);

/* --- one statement through the session, waiting (CLI) ------------------------------ */

/* Runs pgiam_grants_sql() through pgiam_session_query/run on a session (connecting it
 * when needed) and parses the rows; then pgiam_grants_set_iam(). On failure the
 * session's last error (pgiam_session_last_error) has the server's word. */
int pgiam_grants_fetch(pgiam_grants **out, pgiam_session *s, const pgiam_profile *profile,
	const pgiam_grants_options *opts);

/* --- what one object's holds are (for explanations and the probe) ----------------- */

#define PGIAM_GRANTS_VIA_MAX 8
#define PGIAM_GRANTS_NAME_MAX 64     /* NAMEDATALEN: 63 bytes and the NUL */

typedef struct pgiam_grants_priv {
	char name[16];               /* "SELECT", "USAGE", "EXECUTE", "TEMPORARY" … */
	int held;                    /* the server's has_*_privilege: the authority */
	int grantable;               /* WITH GRANT OPTION through one of the via */
	size_t nvia;
	char via[PGIAM_GRANTS_VIA_MAX][PGIAM_GRANTS_NAME_MAX];
} pgiam_grants_priv;

typedef struct pgiam_grants_column {
	char name[PGIAM_GRANTS_NAME_MAX];
	pgiam_grants_priv privs[4];  /* SELECT, INSERT, UPDATE, REFERENCES (column grants;
	                                held also counts the table's privilege) */
	size_t nprivs;
} pgiam_grants_column;

typedef struct pgiam_grants_holds {
	int found;                   /* 0: no such object visible to the role */
	char current_user[PGIAM_GRANTS_NAME_MAX];
	char schema[PGIAM_GRANTS_NAME_MAX], name[PGIAM_GRANTS_NAME_MAX];
	char kind[24];               /* "table", "view", "materialized view", "sequence",
	                                "foreign table", "partitioned table", "function" */
	char owner[PGIAM_GRANTS_NAME_MAX];
	int schema_usage;            /* USAGE on its schema (without it, no grant helps) */
	pgiam_grants_priv schema_usage_priv;
	pgiam_grants_priv privs[7];  /* tables: SELECT … TRIGGER; sequences: USAGE, SELECT,
	                                UPDATE; functions: EXECUTE */
	size_t nprivs;
	pgiam_grants_column *columns;   /* columns with column-level grants (owned) */
	size_t ncolumns;
	int rls_enabled, rls_forced, rls_active;   /* active: row_security_active() */
	size_t rls_policies_applying;
} pgiam_grants_holds;

/* What the role holds on schema.name (schema NULL: the first of that name, public
 * first), from an answer already read (with an object filter or not). Copies into
 * *out (dispose it); found = 0 when the answer has no such object. */
int pgiam_grants_holds_of(pgiam_grants_holds *out, const pgiam_grants *g,
	const char *schema, const char *name);
/* The same in one call on a READY session: builds the statement for that object only,
 * runs it through the session and waits. */
int pgiam_grants_object_holds(pgiam_grants_holds *out, pgiam_session *s,
	const char *schema, const char *name);
void pgiam_grants_holds_dispose(pgiam_grants_holds *h);
/* The privilege named (case-insensitive) in h, NULL when its kind has no such one. */
const pgiam_grants_priv *pgiam_grants_holds_priv(const pgiam_grants_holds *h,
	const char *privilege);

/* --- rendering --------------------------------------------------------------------- */

/* The JSON document of issue 11 ({"iam": {...}, "sql": {...}}), serialised into out
 * (pretty: indented). */
int pgiam_grants_json(pgiam_buf *out, const pgiam_grants *g, int pretty);

/* What a text line is, for colours by role (the TUI) and emphasis. */
typedef enum pgiam_grants_style {
	PGIAM_GRANTS_PLAIN = 0,
	PGIAM_GRANTS_HEADING,        /* a section's title */
	PGIAM_GRANTS_LOUD,           /* an attribute that bypasses grants */
	PGIAM_GRANTS_KEY,            /* rds_iam, and what the IAM login rests on */
	PGIAM_GRANTS_WARN,           /* a schema without USAGE, a flag */
	PGIAM_GRANTS_MUTED           /* notes */
} pgiam_grants_style;

typedef void (*pgiam_grants_line_fn)(void *ctx, pgiam_grants_style style, const char *line);

/* The readable form (like psql's \dp, with "via"), one line at a time, no newlines. */
int pgiam_grants_render(const pgiam_grants *g, pgiam_grants_line_fn fn, void *ctx);

/* Counts, for a summary line: objects (relations and functions) and schemas read. */
size_t pgiam_grants_object_count(const pgiam_grants *g);
size_t pgiam_grants_schema_count(const pgiam_grants *g);

#endif
