/* session.h - one database session over libpq, driven by the caller's event loop.
 *
 * A session connects with a fresh RDS IAM token for every new physical connection
 * (never a reused one), over TLS verified against the profile's CA bundle and the
 * endpoint's name even when TCP goes through a tunnel (connect_host). Nothing in here
 * blocks the caller: credentials (which may call STS) and name resolution run in a
 * worker thread that signals a pipe; libpq is used in its non-blocking mode. The
 * caller polls pgiam_session_socket() (for writing when pgiam_session_want_write())
 * with at most pgiam_session_timeout_ms(), then calls pgiam_session_step() until it
 * returns an event of kind PGIAM_SEV_NONE:
 *
 *     pgiam_session_connect(s);                 or pgiam_session_query(s, "SELECT …");
 *     for (;;) {
 *         struct pollfd p = { pgiam_session_socket(s),
 *                             pgiam_session_want_write(s) ? POLLOUT : POLLIN, 0 };
 *         poll(&p, 1, pgiam_session_timeout_ms(s));
 *         while (pgiam_session_step(&ev, s) == 0 && ev.kind != PGIAM_SEV_NONE)
 *             show(&ev);
 *     }
 *
 * While idle and connected the socket stays worth watching: a dropped connection is
 * noticed there (PGIAM_SEV_LOST) and the next query reconnects with a new token
 * (PGIAM_SEV_RECONNECTED). Failures name their step (explain.h) and carry the
 * server's SQLSTATE, detail, hint and position (pgiam_session_last_error()); a
 * refused statement (42501, 25006) is explained from the server's catalogs.
 */
#ifndef PGIAM_SESSION_H
#define PGIAM_SESSION_H

#include "cancel.h"

#include "explain.h"

#include <time.h>

typedef struct pgiam_session pgiam_session;

/* Handed to a credentials callback: report sub-steps, see cancellation. */
typedef struct pgiam_session_progress pgiam_session_progress;

/* What a login is for: the IAM token is signed for these (the endpoint's name and port
 * even through a tunnel; tests and demos shift them with the sign_* params). */
typedef struct pgiam_session_login_target {
	const char *host;
	int port;
	const char *user;
	const char *region;
	long time_offset;          /* seconds added to now when signing */
} pgiam_session_login_target;

/* What a login callback hands back. The session layer knows no AWS types: the glue
 * (iam_login.h) gets credentials and signs the token. */
typedef struct pgiam_session_login {
	char *password;            /* the IAM token: wiped and freed by the session */
	time_t signed_at;          /* the token's signing time and expiry */
	time_t expires_at;
	time_t creds_expiration;   /* of the credentials that signed it; 0 long-term/unknown */
	char creds_source[256];    /* where the credentials came from, in words */
	int expiry_by_creds;       /* expires_at is the credentials' end, before the
	                              token's 15 minutes */
	int reassumed;             /* the credentials were assumed again after the server
	                              refused a token signed with cached ones */
} pgiam_session_login;

/* Called in the session's worker thread; may block (STS over HTTP). Reports its steps
 * (source credentials, AssumeRole, token) through progress and fills *out, or returns a
 * negative code with the last error set (in this thread: the session copies it); the
 * failure is blamed on the last step begun and not finished. */
typedef int (*pgiam_session_login_fn)(pgiam_session_login *out,
	const pgiam_session_login_target *target, pgiam_session_progress *progress, void *ctx);
/* Called in the caller's thread when a connect is cancelled while credentials are
 * being fetched, so a blocked HTTP call can give up. */
typedef void (*pgiam_session_cancel_fn)(void *ctx);

/* Reports that a step began (done 0) or finished (done 1, detail shown to the user,
 * never a secret). Thread-safe; steps are CREDENTIALS and ASSUME_ROLE. */
void pgiam_session_progress_report(pgiam_session_progress *p, pgiam_step step, int done,
	const char *detail);
/* The same for something that happened at at_ms (pgiam_session_progress_clock_ms),
 * so a step can be timed after the fact; 0 means now. */
void pgiam_session_progress_report_at(pgiam_session_progress *p, pgiam_step step, int done,
	const char *detail, long long at_ms);
/* The monotonic millisecond clock the steps are timed with. */
long long pgiam_session_progress_clock_ms(void);
/* Non-zero once the caller has cancelled. */
int pgiam_session_progress_cancelled(const pgiam_session_progress *p);
/* The same as a flag that blocking calls can poll (pgiam_auth_set_cancel, curl). */
const pgiam_cancel *pgiam_session_progress_cancel_flag(const pgiam_session_progress *p);
/* The time the connect began (what "now" means for credential freshness). */
time_t pgiam_session_progress_now(const pgiam_session_progress *p);

typedef struct pgiam_session_params {
	const char *host;          /* the endpoint name: the TLS name and the token's host */
	int port;                  /* the endpoint port: the token's port */
	const char *connect_host;  /* where TCP goes (a tunnel), NULL: host itself */
	int connect_port;          /* 0: port */
	const char *dbname;
	const char *user;
	const char *region;        /* the token's signing region */
	const char *sslmode;       /* NULL: "verify-full" */
	const char *sslrootcert;   /* the CA bundle; NULL: libpq's default */
	int read_only;             /* ask the server for default_transaction_read_only = on: a
	                              guard on this session, which the session itself can
	                              lift; the role's grants are the real limit */
	const char *read_only_origin; /* who asked for read_only, for explanations: "the
	                              profile's read_only = true", "the --read-only flag";
	                              NULL: the profile's */
	const char *iam_role;      /* the IAM role that logs in (its ARN), named in refusals;
	                              NULL when none (long-term keys) or unknown */
	const char *account_id;    /* for naming the IAM policy resource in explanations; */
	const char *dbi_resource_id; /* NULL when unknown */
	int connect_timeout;       /* seconds for TCP+TLS+auth; 0: 15 */

	pgiam_session_login_fn login;        /* NULL only with password */
	void *login_ctx;
	pgiam_session_cancel_fn login_cancel;
	/* The server refused the IAM token (PAM): 1 when the login dropped cached
	 * credentials so that one retry with fresh ones is worth it (why: the server's
	 * line). NULL: never retried. Caller's thread. */
	int (*login_refused)(void *ctx, const char *why);
	void (*login_ctx_free)(void *ctx);   /* frees login_ctx with the session once
	                                        pgiam_session_new succeeded; NULL none */

	const char *password;      /* a static password instead of a token (not IAM) */

	/* Deliberately wrong tokens, for tests and to show what naive clients do:
	 * sign for another host/port/user/region, or at a shifted time. */
	const char *sign_host;
	int sign_port;
	const char *sign_user;
	const char *sign_region;
	long sign_time_offset;
} pgiam_session_params;

#define PGIAM_SESSION_PARAMS_INIT { 0 }

typedef enum pgiam_session_event_kind {
	PGIAM_SEV_NONE = 0,      /* nothing now: poll, then step again */
	PGIAM_SEV_STEP,          /* a connect step began (done 0) or finished (done 1) */
	PGIAM_SEV_CONNECTED,     /* the first connection is ready */
	PGIAM_SEV_RECONNECTED,   /* ready again after a lost connection, with a new token */
	PGIAM_SEV_LOST,          /* the connection dropped; the next query reconnects */
	PGIAM_SEV_COLUMNS,       /* a result's columns: pgiam_session_column_name() */
	PGIAM_SEV_ROW,           /* one row: nfields values */
	PGIAM_SEV_COMMAND,       /* one statement completed; text = command tag */
	PGIAM_SEV_DONE,          /* the whole query finished; the session is idle */
	PGIAM_SEV_ERROR,         /* a failure: pgiam_session_last_error() */
	PGIAM_SEV_CANCELLED,     /* the connect or query was cancelled */
	PGIAM_SEV_NOTICE         /* a server NOTICE, WARNING, INFO… of the running query, in
	                            order with its rows: severity, text = the message */
} pgiam_session_event_kind;

/* At most this many notices per query are handed out (then one "pgiam" notice says how
 * many more there were); each message is cut to PGIAM_SESSION_NOTICE_TEXT bytes (on a
 * character boundary, marked …) after sanitize.h's safe form (controls as ^X). */
#define PGIAM_SESSION_NOTICES_MAX 100
#define PGIAM_SESSION_NOTICE_TEXT 1024

/* An event; pointers are lent until the next pgiam_session_step(). */
typedef struct pgiam_session_event {
	pgiam_session_event_kind kind;
	pgiam_step step;           /* STEP, ERROR: which step */
	int done;                  /* STEP: 0 began, 1 finished */
	long ms;                   /* STEP done: duration; ERROR: the time spent in the
	                              failing step (0 when it never began) */
	const char *text;          /* STEP detail, command tag, error line; never NULL */
	int nfields;               /* COLUMNS, ROW */
	const char *const *values; /* ROW: NULL for SQL NULL */
	long long rows;            /* COMMAND, DONE: rows received */
	const char *severity;      /* NOTICE: "NOTICE", "WARNING", "INFO", "LOG", "DEBUG", or
	                              "pgiam" for pgiam's note on notices not shown; else "" */
} pgiam_session_event;

typedef enum pgiam_session_state {
	PGIAM_SESSION_DISCONNECTED = 0,
	PGIAM_SESSION_CONNECTING,
	PGIAM_SESSION_READY,
	PGIAM_SESSION_BUSY,        /* a query is running */
	PGIAM_SESSION_LOST         /* dropped; the next query reconnects */
} pgiam_session_state;

typedef struct pgiam_session_error {
	pgiam_step step;
	int code;                  /* pgiam_error_code */
	char message[1024];        /* the one-line message (same as pgiam_error_last()) */
	char sqlstate[6];          /* "" when not from the server */
	char server_message[512];
	char detail[512];
	char hint[512];            /* the server's HINT only */
	int position;              /* 1-based character position in the statement, 0 none */
	char explanation[1024];    /* pgiam's own: permission / read-only / IAM login
	                              explanation (never joined onto hint: show it as WHY) */
	pgiam_explain_parts parts; /* the same refusal (42501, 25006) in parts (explain.h);
	                              parts.present 0 when there are none */
} pgiam_session_error;

typedef struct pgiam_session_info {
	char endpoint[300];        /* host:port the token is signed for */
	char hostaddr[64];         /* where TCP went */
	int tcp_port;
	char dbname[128];
	char db_user[128];
	char current_user[128];
	char server_version[64];
	int read_only_requested;   /* what pgiam asks for now (the profile, a flag, the toggle) */
	int read_only_enforced;    /* the server reports default_transaction_read_only on */
	int tls;                   /* 1 when the connection is TLS */
	int tls_verified;          /* 2 chain and name (verify-full), 1 chain only
	                              (verify-ca), 0 not verified: show it as such */
	char tls_protocol[32];
	char tls_cipher[64];
	char tls_subject[256];     /* the server certificate's subject */
	char tls_issuer[256];
	char sslmode[16];
	char ca_bundle[512];       /* what the certificate was verified against */
	time_t token_signed_at;    /* 0 with a static password */
	time_t token_expires_at;   /* the earlier of the token's 15 minutes and the end of
	                              the credentials that signed it */
	int token_expiry_by_creds; /* 1 when the credentials end first */
	time_t creds_expiration;   /* 0: long-term or unknown */
	char creds_source[256];
	unsigned connections;      /* physical connections made (each with its own token) */
	unsigned reconnects;
} pgiam_session_info;

/* Creates a session (nothing is connected yet); params are copied. */
int pgiam_session_new(pgiam_session **out, const pgiam_session_params *params);
/* Closes the connection, joins worker threads, wipes secrets. NULL is allowed. */
void pgiam_session_free(pgiam_session *s);

/* Starts connecting (no-op when already ready). PGIAM_EAGAIN while busy. */
int pgiam_session_connect(pgiam_session *s);
/* Starts a query (one or more statements, simple protocol; rows come one by one so a
 * large result never sits in memory). Connects or reconnects first when needed.
 * PGIAM_EAGAIN while another query runs. */
int pgiam_session_query(pgiam_session *s, const char *sql);
/* The same for one statement with parameters ($1 … $nparams, as text; NULL is SQL
 * NULL), sent with the extended protocol (PQsendQueryParams): the same events, cancel,
 * reconnect and explanations. The catalog's queries (catalog.h) go this way, never
 * around the session. params are copied. */
int pgiam_session_query_params(pgiam_session *s, const char *sql, int nparams,
	const char *const *params);
/* Cancels the connect or query in progress (PQcancel through the same address, so it
 * also works through connect_host); the outcome arrives as PGIAM_SEV_CANCELLED. */
int pgiam_session_cancel(pgiam_session *s);

/* The descriptor to poll, -1 when there is nothing to wait for. It can change between
 * steps (worker pipe, then the connection's socket). */
int pgiam_session_socket(const pgiam_session *s);
int pgiam_session_want_write(const pgiam_session *s);
/* Milliseconds until step() must be called even without activity (timeouts); -1 none. */
int pgiam_session_timeout_ms(const pgiam_session *s);
/* Advances the session and returns its next event in *ev (PGIAM_SEV_NONE: wait).
 * Returns 0, or a negative code when the event is PGIAM_SEV_ERROR. */
int pgiam_session_step(pgiam_session_event *ev, pgiam_session *s);

pgiam_session_state pgiam_session_get_state(const pgiam_session *s);
const char *pgiam_session_state_name(pgiam_session_state state);
/* The current result's column names; lent until the next COLUMNS event. */
const char *pgiam_session_column_name(const pgiam_session *s, int i);
/* The current result's column type OIDs (PQftype; pgtype.h names them); 0 none. */
unsigned pgiam_session_column_type(const pgiam_session *s, int i);
const pgiam_session_error *pgiam_session_last_error(const pgiam_session *s);
void pgiam_session_get_info(pgiam_session_info *out, const pgiam_session *s);

/* The session's transaction block, as the server reported it when the last query
 * ended (libpq's PQtransactionStatus). A lost connection ends it: the server rolls
 * its work back. */
typedef enum pgiam_session_txn {
	PGIAM_TXN_NONE = 0,      /* no transaction block open, or not connected */
	PGIAM_TXN_OPEN,          /* inside BEGIN: uncommitted work, locks held */
	PGIAM_TXN_FAILED         /* a statement failed inside it: only ROLLBACK runs */
} pgiam_session_txn;

/* The transaction state after the last query (while a query runs: before it). */
pgiam_session_txn pgiam_session_transaction(const pgiam_session *s);
/* FAILED: the statement that failed the transaction, its SQLSTATE and message (each
 * "" when not known: it failed before this session saw it). Lent; NULL arguments are
 * allowed. */
void pgiam_session_txn_failed_by(const pgiam_session *s, const char **statement,
	const char **sqlstate, const char **message);

/* Read-only as the server reports it, never what pgiam asked for: the session default
 * from libpq's PQparameterStatus("default_transaction_read_only") (reported by
 * PostgreSQL 14 and later after every statement that changes it; before 14, what the
 * session read when it connected), and inside a transaction block its own
 * transaction_read_only (read after a statement that may have changed it). */
typedef struct pgiam_session_read_only {
	int connected;             /* 0: nothing is known (the rest is 0) */
	int session_default;       /* default_transaction_read_only: 1 on, 0 off */
	int reported;              /* 1: the server reports it (PostgreSQL 14+); 0: as read
	                              at connect */
	int in_transaction;        /* a transaction block is open */
	int transaction;           /* its transaction_read_only: 1, 0, -1 not known */
	int on;                    /* what a write meets now: the block's when known, else
	                              the session default */
	int requested;             /* what pgiam asks for (profile, flag, toggle) */
	const char *origin;        /* who set the default on, in words: "the profile's
	                              read_only = true", "the F8 toggle", "a SET in this
	                              session", or "" (not pgiam: a role or database
	                              default); lent */
} pgiam_session_read_only;

void pgiam_session_read_only_get(pgiam_session_read_only *out, const pgiam_session *s);

/* Switches the session between read-only and read-write without reconnecting (SET
 * SESSION CHARACTERISTICS AS TRANSACTION READ ONLY / READ WRITE); a reconnect keeps
 * the choice. origin names who asked ("the F8 toggle") for explanations. Runs as a
 * query (events COMMAND, DONE or ERROR). Refused (PGIAM_EINVAL) while a transaction
 * block is open, PGIAM_EAGAIN while busy or not connected. */
int pgiam_session_set_read_only(pgiam_session *s, int on, const char *origin);

/* Runs the state machine until the connect or query finishes, calling cb for every
 * event (cb may be NULL). For command-line use and for `pgiam check`; returns 0 or
 * the negative code of the failure. */
typedef void (*pgiam_session_event_fn)(const pgiam_session_event *ev, pgiam_session *s,
	void *ctx);
int pgiam_session_run(pgiam_session *s, pgiam_session_event_fn cb, void *ctx);
/* pgiam_session_run that also stops: once *cancel is set (another thread sets it; NULL
 * never) or, with timeout_ms > 0, that long after the call, it cancels the connect or
 * query (pgiam_session_cancel) and waits up to PGIAM_SESSION_CANCEL_GRACE_MS for the
 * outcome, then drops the connection (LOST: the next query reconnects). Returns as
 * pgiam_session_run; PGIAM_ECANCELLED when cancelled, PGIAM_ETIMEOUT ("no answer
 * within N s") when the time ran out, unless the work completed first. */
int pgiam_session_run_until(pgiam_session *s, pgiam_session_event_fn cb, void *ctx,
	const pgiam_cancel *cancel, int timeout_ms);
#define PGIAM_SESSION_CANCEL_GRACE_MS 2000

/* Resolves a host name (or checks an address) to the numeric address libpq's hostaddr
 * needs. Blocking (getaddrinfo): the session calls it from its worker thread. */
int pgiam_session_resolve(char *out, size_t outlen, const char *name);

/* The session's login_ctx when its login callback is fn (a glue module finding its own
 * context again), else NULL. */
void *pgiam_session_login_ctx(const pgiam_session *s, pgiam_session_login_fn fn);

#endif
