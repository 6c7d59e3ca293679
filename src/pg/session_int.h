/* session_int.h - the session's private state, shared by session.c (lifecycle, events,
 * worker thread, connecting) and session_query.c (queries, explanations). */
#ifndef PGIAM_SESSION_INT_H
#define PGIAM_SESSION_INT_H

#include "job.h"
#include "session.h"
#include "tls_probe.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>

typedef enum st {
	ST_IDLE = 0,      /* never connected, or closed after a failure/cancel */
	ST_WORKER,        /* credentials + name resolution in the worker thread */
	ST_CONNECTING,    /* PQconnectPoll */
	ST_INFO,          /* the post-connect query (current_user, read-only, version) */
	ST_READY,
	ST_QUERY,
	ST_EXPLAIN,       /* the follow-up query explaining a refusal */
	ST_TXNRO,         /* the follow-up reading transaction_read_only inside a block */
	ST_LOST
} st;

typedef struct ev_node {
	struct ev_node *next;
	pgiam_session_event_kind kind;
	pgiam_step step;
	int done;
	long ms;
	char *text;
	PGresult *row;       /* ROW: the single-row result, owned */
	long long rows;
	int nfields;
	int code;            /* ERROR */
	char severity[16];   /* NOTICE */
} ev_node;

/* The connect worker's context (job.h runs it): credentials and name resolution, or
 * the TLS probe after a refused certificate. Written by the worker until its job is
 * done, read by the session after that. */
struct pgiam_session_progress {
	pgiam_session *s;
	unsigned gen;                /* the connect attempt this job belongs to */
	pgiam_job *self;             /* the worker's own job: set and used by the worker */
	const pgiam_cancel *cancel;  /* its cancel flag, also lent to HTTP and processes */
	time_t now;
	int result;
	pgiam_step fail_step;
	char message[1024];
	pgiam_session_login login;
	char hostaddr[64];
	/* the TLS probe after a refused certificate (session_tls.c) runs as this job */
	int tls_probe;
	char tls_line[512];          /* libpq's failure, reported when the probe ends */
	pgiam_tls_findings tls;
};

struct pgiam_session {
	/* parameters (copies) */
	char *host, *connect_host, *dbname, *user, *region, *sslmode, *sslrootcert;
	char *password, *sign_host, *sign_user, *sign_region, *account_id, *dbi_resource_id;
	char *read_only_origin, *iam_role;
	int port, connect_port, read_only, connect_timeout, sign_port;
	long sign_time_offset;
	pgiam_session_login_fn login_fn;
	void *login_ctx;
	pgiam_session_cancel_fn login_cancel;
	int (*login_refused)(void *ctx, const char *why);
	void (*login_ctx_free)(void *ctx);
	int login_reassumed;         /* the last login's reassumed */

	pthread_mutex_t lock;        /* guards the event queue and the step table */
	ev_node *head, *tail;
	ev_node *current;            /* the event last handed out (owns its text/row) */
	const char **rowvals;
	int rowvals_cap;

	st state;
	unsigned gen;
	PGconn *conn;
	int want_write;
	int flushing;
	int reconnecting;            /* this connect replaces a lost connection */
	int ever_connected;
	char *pending_sql;           /* to send once connected */
	char **send_params;          /* the parameters of the next statement sent
	                                (pgiam_session_query_params), NULL: none */
	int send_nparams;
	char *running_sql;
	long long deadline_ms;       /* monotonic; 0 none */

	pgiam_step reached;
	long long step_t0[PGIAM_STEP__COUNT];
	unsigned char begun[PGIAM_STEP__COUNT], finished[PGIAM_STEP__COUNT];

	pgiam_session_progress job;  /* the worker's context */
	pgiam_job *worker;           /* the worker while it runs (and until joined) */
	struct cancel_req *cancel;   /* the last cancel request, while we still care */
	long long deferred_until;    /* a statement waits for that request (0: none) */
	int cancel_requested;

	/* the query in progress */
	char **colnames;
	unsigned *coltypes;        /* PQftype of each column */
	int ncols;
	int got_columns;
	int copy_out;
	long long rows_in_set, rows_total;
	int query_failed;
	int stmts_done;              /* statements of the query string that completed */

	/* read-only as the server reports it (pgiam_session_read_only_get) */
	int ro_reported;             /* default_transaction_read_only: 1 on, 0 off, -1 unknown */
	int ro_txn;                  /* transaction_read_only in the open block, -1 unknown */
	int ro_user_set;             /* the user's SQL changed the default since pgiam set it */
	int toggle_pending;          /* the running query is pgiam_session_set_read_only's: */
	int toggle_to;               /* the value it sets */
	char *toggle_origin;
	pgiam_session_txn txn_before; /* the block before the running query */

	/* the transaction block when the last query ended; what failed it */
	pgiam_session_txn txn;
	char txn_stmt[300], txn_sqlstate[6], txn_message[512];

	char notice[512];            /* the last FATAL/PANIC the server sent: why it closed */
	int notices;                 /* notices of the running query handed out */
	int warnings;                /* WARNINGs of it, kept apart: never lost behind notices */
	long long notices_dropped;   /* and those over PGIAM_SESSION_NOTICES_MAX */
	size_t err_mark;             /* PQerrorMessage's length before this step's I/O: what
	                                follows is the current failure, what precedes it an
	                                earlier one (libpq appends) */
	char token_host[256], token_user[128], token_region[64];
	int token_port;

	pgiam_session_info info;
	pgiam_session_error err;
};

long long pgiam__session_now_ms(void);
/* Queues an event (text copied); returns 0 or PGIAM_ENOMEM. */
int pgiam__session_push(pgiam_session *s, pgiam_session_event_kind kind, pgiam_step step,
	const char *text);
ev_node *pgiam__session_push_node(pgiam_session *s, pgiam_session_event_kind kind);
/* Reports a step beginning (done 0) or ending (done 1) from the caller's thread. */
void pgiam__session_step(pgiam_session *s, pgiam_step step, int done, const char *detail);
/* Records a failure in s->err and the thread's last error, queues an ERROR event. */
int pgiam__session_fail(pgiam_session *s, pgiam_step step, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The connection dropped: close it, queue LOST, state ST_LOST. */
void pgiam__session_lose(pgiam_session *s, const char *why);
/* Forgets the last cancel request (its detached thread finishes on its own). */
void pgiam__session_release_cancel(pgiam_session *s);
/* 1 while a cancel request is still being delivered. */
int pgiam__session_cancel_pending(const pgiam_session *s);
void pgiam__session_clear_error(pgiam_session *s);
void pgiam__session_close_conn(pgiam_session *s);
void pgiam__session_join_job(pgiam_session *s);
/* Starts fn as the worker on s->job (the caller has filled it in); 0 or negative. */
int pgiam__session_start_worker(pgiam_session *s, pgiam_job_fn fn);
/* Wipes and frees a login's token. */
void pgiam__session_login_dispose(pgiam_session_login *login);
/* session_connect.c: the worker finished or progressed; libpq's connect advanced. */
void pgiam__session_advance_worker(pgiam_session *s);
void pgiam__session_advance_connecting(pgiam_session *s);
/* Begins connecting (worker thread first). */
int pgiam__session_start_connect(pgiam_session *s);

/* session_tls.c: after libpq refused the server's certificate (line: libpq's first
 * line), starts the probe as the job (state ST_WORKER); 0 started, negative when the
 * failure is not one to probe or the probe cannot start. The message is the whole
 * failure line, with the probe's findings and fixes once the job is done. */
int pgiam__session_tls_probe_start(pgiam_session *s, const char *line);
void pgiam__session_tls_message(char *out, size_t outlen, const pgiam_session *s,
	const char *line);

/* session_query.c */
int pgiam__session_send(pgiam_session *s, const char *sql);
void pgiam__session_free_params(char **params, int nparams);
/* Drops the parameters waiting to be sent with the pending statement. */
void pgiam__session_drop_params(pgiam_session *s);
void pgiam__session_advance_query(pgiam_session *s);
void pgiam__session_advance_idle(pgiam_session *s);
int pgiam__session_send_info(pgiam_session *s);
void pgiam__session_reset_columns(pgiam_session *s);
/* session_notice.c: the libpq notice receiver (queues NOTICE events for the running
 * query, keeps a FATAL as the reason of a close); the note on notices not shown. */
void pgiam__session_notice_receiver(void *arg, const PGresult *res);
void pgiam__session_notices_reset(pgiam_session *s);
void pgiam__session_notices_flush(pgiam_session *s);
/* Non-blocking check that an idle connection is still alive; 0 alive. */
int pgiam__session_check_alive(pgiam_session *s);

#endif
