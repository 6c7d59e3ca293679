/* conn.h - the TUI's view of one database connection: the integration point between
 * the screens and the core's session (src/session.h) and chain (src/auth.h).
 *
 * Everything the screens need is here, in the UI's own words: the steps of the
 * chain with their times, the status bar's facts, the descriptors the event loop
 * polls, and query results as strings. conn.c is the only UI file that talks to the
 * session API; the screens never do.
 */
#ifndef PGIAM_UI_CONN_H
#define PGIAM_UI_CONN_H

#include "eventlog.h"

#include <poll.h>
#include <stddef.h>
#include <time.h>

#define PGIAM_CONN_STEPS(_) \
	_(CREDENTIALS, "source credentials") \
	_(ASSUME_ROLE, "AssumeRole") \
	_(TOKEN,       "auth token") \
	_(TCP,         "TCP connect") \
	_(TLS,         "TLS") \
	_(AUTH,        "authentication")

typedef enum {
#define PGIAM_CONN_STEP_ENUM_(id, label) PGIAM_CONN_STEP_##id,
	PGIAM_CONN_STEPS(PGIAM_CONN_STEP_ENUM_)
#undef PGIAM_CONN_STEP_ENUM_
	PGIAM_CONN_STEP__COUNT
} pgiam_conn_step_id;

typedef enum {
	PGIAM_STEP_PENDING,
	PGIAM_STEP_RUNNING,
	PGIAM_STEP_OK,
	PGIAM_STEP_FAILED,
	PGIAM_STEP_SKIPPED,
} pgiam_step_state;

typedef struct pgiam_conn_step {
	pgiam_step_state state;
	double seconds;          /* time taken (so far, while running) */
	char detail[320];        /* result or explanation; never a secret */
} pgiam_conn_step;

typedef enum {
	PGIAM_CONN_CONNECTING,
	PGIAM_CONN_CONNECTED,
	PGIAM_CONN_RECONNECTING,
	PGIAM_CONN_LOST,
	PGIAM_CONN_FAILED,
} pgiam_conn_state;

/* The user's transaction block, from the session (PQtransactionStatus). LOST: the
 * connection dropped while one was open, so the server rolled its work back (shown
 * until the user's next statement ends). */
typedef enum {
	PGIAM_CONN_TXN_NONE,
	PGIAM_CONN_TXN_OPEN,
	PGIAM_CONN_TXN_FAILED,
	PGIAM_CONN_TXN_LOST,
} pgiam_conn_txn;

/* The facts the status bar shows. Times are absolute (0 = unknown). */
typedef struct pgiam_conn_status {
	char profile[128];
	char db_user[128];
	char endpoint[300];     /* host:port */
	char role_short[160];   /* "role/name" or "" without a role */
	time_t token_expires;      /* the earlier of 15 minutes and the credentials' end */
	int token_by_creds;        /* the credentials end first */
	time_t sts_expires;
	pgiam_conn_state state;
	int tls_verified;
	int read_only;          /* what the server reports now: default_transaction_read_only,
	                           or transaction_read_only inside a block */
	char read_only_origin[160]; /* who set it on ("" not pgiam: a role/database default) */
	char failure[1600];     /* one line, when FAILED or LOST */
	pgiam_conn_txn txn;
	time_t txn_since;       /* when the statement that opened it ended */
	char txn_begun_by[160]; /* that statement, on one line (cut) */
	char txn_failed_by[900];/* FAILED: "INSERT … (ERROR 25006: …)", "" unknown */
	char mfa_serial[512];   /* the profile's role needs a code from this MFA device to
	                           be assumed again ("" none): F12 renews its session */
	int renewing;           /* a renewal with a code runs (pgiam_conn_renew) */
} pgiam_conn_status;

/* A query result, as text, owned by the connection. */
typedef struct pgiam_conn_result {
	int done;               /* 0 while the query runs */
	size_t ncols, nrows;
	char **colnames;        /* ncols */
	char **cells;           /* nrows * ncols, NULL for SQL NULL */
	int truncated;          /* more rows than kept */
	char tag[64];           /* command tag: "SELECT 3", "INSERT 0 1" */
	int statements;         /* statements completed ("SELECT 1; SELECT 2": 2) */
	int failed;
	int cancelled;          /* failed because the user cancelled */
	int not_sent;           /* failed before it reached the server */
	char sqlstate[6];
	char message[512], detail[512];
	char hint[1600];        /* the server's HINT only */
	char why[1100];         /* pgiam's own explanation of the failure (shown as WHY:) */
	char *notices;          /* the server's notices, one "SEVERITY: message" a line */
	size_t nnotices;
	int position;           /* 1-based character position in the SQL, 0 when none */
	double seconds;
	/* issue 12 */
	unsigned *coltypes;     /* ncols type OIDs (pgtype.h); 0 unknown */
	unsigned long long first_row;  /* cells hold rows first_row … first_row+nrows-1
	                           of the result (0-based): a window of a larger result */
	long long total;        /* rows in the result, -1 while not known */
	int cursor;             /* read through a server-side cursor */
	int cursor_open;        /* … still open: other rows can be fetched */
	int fetching;           /* a fetch of other rows runs */
	char note[300];         /* about the cursor ("closed: …"), "" none */
	unsigned generation;    /* a new user query has a new number (views reset) */
} pgiam_conn_result;

/* An export's progress (pgiam_conn_export_progress). */
typedef struct pgiam_conn_export_info {
	int running;
	int done;               /* finished (ok, failed or stopped): message says how */
	int failed;
	unsigned long long rows;
	double seconds;
	char path[512];
	char message[600];
} pgiam_conn_export_info;

typedef struct pgiam_conn pgiam_conn;

/* Starts connecting with profile `name` from `dir` (NULL: the default directory).
 * Progress goes to log and to the steps. token_age > 0 signs every token as if it
 * were that many seconds old (`--token-age`, to watch a token expire while the
 * connection stays open). Fails only when nothing can start (no memory, profile
 * unreadable); a chain failure shows as a FAILED step instead. */
int pgiam_conn_start(pgiam_conn **out, const char *dir, const char *name, long token_age,
	pgiam_eventlog *log);

/* Descriptors to poll now (at most max); returns how many were written. */
size_t pgiam_conn_pollfds(pgiam_conn *c, struct pollfd *fds, size_t max);

/* Milliseconds until the connection wants to be stepped even without I/O; -1 none. */
int pgiam_conn_timeout_ms(pgiam_conn *c);

/* Advances the work after poll: steps the sessions until they have nothing more (each
 * reads its own socket; the revents are not needed). Returns 1 when something the
 * screens show changed. */
int pgiam_conn_advance(pgiam_conn *c);

/* Whether an operation (connecting, a query) is running; cancel stops it. */
int pgiam_conn_busy(const pgiam_conn *c);
/* 1 while a statement of the user's was taken but waits for pgiam's own step to end
 * (closing the shown result's cursor): pgiam_conn_result_of() is still the result
 * before it, which must not be taken for its own. */
int pgiam_conn_user_waiting(const pgiam_conn *c);
void pgiam_conn_cancel(pgiam_conn *c);
/* 1 from a cancel request until its outcome is known: show "cancelling…", not
 * "cancelled" (the statement may still complete). */
int pgiam_conn_cancelling(const pgiam_conn *c);
/* The outcome of the last cancel request ("cancelled", "not cancelled: UPDATE 1
 * completed", ...), once: 1 and the line in out, else 0. */
int pgiam_conn_cancel_outcome(pgiam_conn *c, char *out, size_t len);

const pgiam_conn_status *pgiam_conn_status_of(const pgiam_conn *c);
const pgiam_conn_step *pgiam_conn_steps(const pgiam_conn *c);
const char *pgiam_conn_step_label(pgiam_conn_step_id id);

/* Sends the user's SQL; the result fills in as it arrives. Returns 0 or a negative
 * error (not connected, busy) with the last error set. */
int pgiam_conn_query(pgiam_conn *c, const char *sql);
/* The user's last result (NULL before the first): pgiam's own queries never touch it. */
const pgiam_conn_result *pgiam_conn_result_of(const pgiam_conn *c);

/* issue 12: the user's result sets. A plain SELECT is read through a server-side
 * scrollable cursor (resultsql.h) a window of PGIAM_CONN_WINDOW rows at a time; any
 * other statement keeps its first rows (at most 2,000 a result set, truncated says
 * more were not kept); a script's result sets are each kept (at most 16). */
#define PGIAM_CONN_WINDOW 1000
/* Result sets of the last user query: the last one is pgiam_conn_result_of(). */
size_t pgiam_conn_result_sets(const pgiam_conn *c);
/* The next pgiam_conn_query continues a script run statement by statement (Alt-X), so
 * the script's results stay reachable as its sets (tabs), as a script sent as one
 * query keeps them: PGIAM_CONN_SETS_KEEP keeps the sets so far and the result shown
 * (rows, or only its command tag, when it succeeded), PGIAM_CONN_SETS_EARLIER only the
 * sets so far (the result shown is pgiam's BEGIN). Only the next query: reset after. */
enum { PGIAM_CONN_SETS_NEW = 0, PGIAM_CONN_SETS_EARLIER, PGIAM_CONN_SETS_KEEP };
void pgiam_conn_continue_sets(pgiam_conn *c, int how);
const pgiam_conn_result *pgiam_conn_result_set(const pgiam_conn *c, size_t i);
/* Reads the window of rows at+1 … (0-based row at first) of the cursor result;
 * PGIAM_EAGAIN while something runs, PGIAM_EINVAL without an open cursor. */
int pgiam_conn_result_fetch(pgiam_conn *c, unsigned long long at);
/* The last rows and the count (MOVE ALL on the server). */
int pgiam_conn_result_end(pgiam_conn *c);
/* Exports the current result to path (export.h formats; the file 0600 when created):
 * a cursor result whole, in batches through the cursor (constant memory), another
 * result as far as it was kept (the message says when cut). */
int pgiam_conn_export(pgiam_conn *c, const char *path, int format, int header);
void pgiam_conn_export_progress(const pgiam_conn *c, pgiam_conn_export_info *out);
/* Stops a running export after its running batch (the file keeps what was written). */
void pgiam_conn_export_stop(pgiam_conn *c);
/* Clears a finished export's info. */
void pgiam_conn_export_forget(pgiam_conn *c);

/* pgiam's own reads (the browser's catalog and page queries), with a result of their
 * own. While the user's transaction is open they run on a connection of pgiam's own
 * (a session of its own: its own physical connection and fresh token), never inside
 * the transaction, where they would hold locks until it ends; it is closed once the
 * transaction ends. */
int pgiam_conn_query_internal(pgiam_conn *c, const char *sql);
const pgiam_conn_result *pgiam_conn_internal_result_of(const pgiam_conn *c);
/* A number that changes whenever pgiam's own result is replaced by another read:
 * a view holding on to it (the workbench's rows pane, under the tree's reads) knows
 * its page is gone and reads it again. */
unsigned pgiam_conn_internal_generation(const pgiam_conn *c);

/* The same, kept on one connection across queries (a transaction of pgiam's own, as
 * the probe's BEGIN … ROLLBACK): *pin -1 chooses (pgiam's own connection while the
 * user's transaction is open, else the user's) and remembers it (0 the user's, 1 its
 * own); later calls with the same pin go there whatever the user's state. */
int pgiam_conn_query_internal_pinned(pgiam_conn *c, const char *sql, int *pin);

/* 1 while pgiam's own reads go to its own connection (the user's transaction is open,
 * so they do not see its uncommitted changes). */
int pgiam_conn_internal_separate(const pgiam_conn *c);

/* The open transaction named for a question ("the open transaction begun at 11:52:03
 * by: begin; insert …"); 0 when none is open (out is then ""). */
int pgiam_conn_txn_describe(const pgiam_conn *c, char *out, size_t outlen);

/* A message for the screen that something happened on its own (the connection was
 * lost with a transaction open); 1 and the text once, then 0. */
int pgiam_conn_take_alert(pgiam_conn *c, char *out, size_t outlen);

/* Switches the session between read-only (on 1) and read-write without reconnecting;
 * the badge follows once the server reports it. Refused (a negative error, the last
 * error set) while a transaction is open or something runs. */
int pgiam_conn_set_read_only(pgiam_conn *c, int on);

/* Seconds since the running query was sent. */
double pgiam_conn_query_seconds(const pgiam_conn *c);

/* Whether queries are possible with this build (the session API is linked). */
int pgiam_conn_can_query(const pgiam_conn *c);

/* The IAM side of a grants answer (src/grants.h) from this connection's session and
 * profile: what the Grants screen shows above the SQL side. */
struct pgiam_grants;
int pgiam_conn_grants_iam(pgiam_conn *c, struct pgiam_grants *g);

/* issue 14: the role session of an MFA profile, renewed with a code. The code was
 * given to the core (pgiam_mfa_set_code); this assumes the role again with it in a
 * job (the UI does not wait for STS); the outcome comes once from
 * pgiam_conn_renew_outcome. Refused while one runs or without mfa_serial. */
int pgiam_conn_renew(pgiam_conn *c);
/* The renewal's outcome, once: 1 and *ok (1 renewed, 0 failed) with the line to show
 * (AWS's message when refused); 0 while none is new. */
int pgiam_conn_renew_outcome(pgiam_conn *c, int *ok, char *out, size_t len);
/* 1 once after a reconnect failed because the role's session must be assumed again
 * and that needs an MFA code nobody gave (the TUI then opens its dialog). */
int pgiam_conn_take_mfa_wanted(pgiam_conn *c);

void pgiam_conn_free(pgiam_conn *c);

#endif
