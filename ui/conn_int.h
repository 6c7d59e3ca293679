/* conn_int.h - the connection's insides, shared by conn.c (connecting, events,
 * transactions) and conn_result.c (the user's results: cursor windows, result sets,
 * export). Only these two files see it; the screens see conn.h. */
#ifndef PGIAM_UI_CONN_INT_H
#define PGIAM_UI_CONN_INT_H

#include "conn.h"

#include "auth.h"
#include "cancel_watch.h"
#include "export.h"
#include "job.h"
#include "profile.h"
#include "session.h"

#include <pthread.h>
#include <time.h>

/* rows kept of a result not read through a cursor, per result set */
#define MAX_ROWS 2000
#define EVENT_QUEUE 16

struct pgiam_conn {
	pgiam_conn_status status;
	pgiam_conn_step steps[PGIAM_CONN_STEP__COUNT];
	/* the user's result and pgiam's own (the browser's): never the same slot */
	pgiam_conn_result results[2];
	size_t rows_cap[2];
	int slot;                     /* the slot the running query fills */
	pgiam_session *own;           /* pgiam's own connection, while the user's
	                                 transaction is open (own_start) */
	int on_own;                   /* the running query is on it */
	long token_age;
	char *user_sql;               /* the user's running statement (names a transaction) */
	char alert[400];              /* for the screen (pgiam_conn_take_alert) */
	struct timespec step_t0[PGIAM_CONN_STEP__COUNT];
	struct timespec query_t0;
	int querying;
	int connecting;
	pgiam_cancel_watch cancel;    /* a cancel request waiting for its outcome */
	char cancel_outcome[300];     /* its outcome, until the loop takes it */

	pgiam_profile *profile;
	pgiam_auth *auth;             /* the session's (lent) */
	pgiam_session *session;
	pgiam_eventlog *log;
	char role_arn[300];
	unsigned token_logged;        /* the connection (info.connections) whose token is in
	                                 the log: each connection signs its own token, and two
	                                 in the same second have the same expiry */

	pthread_mutex_t lock;         /* guards events[] */
	char events[EVENT_QUEUE][PGIAM_EVENTLOG_TEXT];
	size_t nevents;

	/* the role refresh job (job.h): its result is read once it is done */
	pgiam_job *refresh;
	int refresh_result;
	char refresh_error[300];
	time_t refresh_last_try;
	int refresh_unseen;           /* refreshed while busy: the STS countdown is stale */
	int renew;                    /* the running job renews with an MFA code (F12) */
	int renew_done;               /* its outcome is waiting in renew_line */
	int renew_ok;
	char renew_line[400];
	unsigned mfa_missing;         /* pgiam_mfa_missing_count() as last seen */
	int mfa_wanted;               /* a reconnect failed for want of a code */

	/* issue 12: the user's result through a cursor (conn_result.c) */
	int phase;                    /* what the running user query is (PH_*) */
	int cur_open;                 /* pgiam_result is declared and usable */
	int cur_in_txn;               /* declared in the user's transaction (savepoints) */
	int cur_txn;                  /* the transaction it lives in is pgiam's (BEGIN) */
	unsigned long long cur_pos;   /* the row the cursor is on (0: before the first) */
	unsigned long long fetch_at;  /* the running fetch: rows fetch_at+1 … */
	size_t fetch_n;
	int fetch_end;                /* … or End's MOVE ALL and FETCH BACKWARD */
	int fetch_moves;              /* MOVE tags seen in it */
	long long end_count;          /* MOVE ALL's count */
	int after;                    /* what follows a recovery or a close (AFTER_*) */
	char *pending_sql;            /* the user's statement, sent once the cursor closed */
	pgiam_conn_result *earlier;   /* the finished result sets before the last one */
	size_t nearlier;
	int continue_sets;            /* the next user query continues a script
	                                 (PGIAM_CONN_SETS_*) */
	int stmt_ended;               /* the user's result holds a statement of the query
	                                 that ended (its tag came): the next one is a set
	                                 of its own */
	/* an export of the user's result */
	pgiam_export *exp;
	int exp_stop;                 /* Esc: stop after the running batch */
	unsigned long long exp_next;  /* the next row to fetch */
	size_t exp_batch_rows;
	pgiam_conn_export_info exp_info;
	unsigned generation;          /* of the user's last query */
	unsigned internal_gen;        /* changes whenever pgiam's own result is replaced */
	struct timespec exp_t0;
};

enum { SLOT_USER, SLOT_INTERNAL };

/* What the running user query is. */
enum { PH_PLAIN = 0, PH_OPEN, PH_FETCH, PH_CLOSE, PH_RECOVER, PH_EXPORT };
/* What follows a recovery or a close. */
enum { AFTER_NONE = 0, AFTER_RERUN, AFTER_PENDING };

double pgiam__conn_since(const struct timespec *t0);
void pgiam__conn_result_free(pgiam_conn_result *r);
void pgiam__conn_result_clear(pgiam_conn *c, int slot);
/* query_in: the query sent as the user's (slot) or pgiam's, the result cleared. */
int pgiam__conn_query_in(pgiam_conn *c, int slot, const char *sql);
/* Moves the user's current result into the earlier sets (1), or 0 when full. */
int pgiam__conn_keep_set(pgiam_conn *c);
void pgiam__conn_query_failed(pgiam_conn *c, const pgiam_session_error *e, const char *text);
void pgiam__conn_add_row(pgiam_conn *c, const pgiam_session_event *ev);
void pgiam__conn_txn_update(pgiam_conn *c);
void pgiam__conn_take_columns(pgiam_conn *c, pgiam_session *s, const pgiam_session_event *ev);

/* conn_result.c: the user's statement sent (a cursor for a plain SELECT); the events
 * of the user's queries in the phases pgiam drives (1: handled); the connection lost;
 * everything freed. */
int pgiam__conn_user_send(pgiam_conn *c, const char *sql);
int pgiam__conn_cursor_event(pgiam_conn *c, const pgiam_session_event *ev);
void pgiam__conn_cursor_lost(pgiam_conn *c);
void pgiam__conn_results_free(pgiam_conn *c);

#endif
