/* conn.c - conn.h over the core: the profile (profile.h), the non-blocking session
 * made from it (session_profile.h), whose pgiam_auth (auth.h) assumes the role. The
 * one UI file that talks to them.
 *
 * Threads: the session fetches credentials in its worker thread, and auth emits its
 * events there; those events are queued under a mutex and moved to the event log by
 * pgiam_conn_advance() in the UI thread. A short-lived job (job.h: a thread and a
 * pipe that wakes the loop) refreshes the assumed role before it expires while
 * connected, so the next connection never waits for STS.
 */
#include "conn.h"
#include "conn_int.h"
#include "sqlstate.h"

#include "auth.h"
#include "cancel_watch.h"
#include "error.h"
#include "job.h"
#include "mfa.h"
#include "profile.h"
#include "profile_auth.h"
#include "session.h"
#include "session_profile.h"
#include "grants.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *step_labels[] = {
#define PGIAM_CONN_STEP_LABEL_(id, label) label,
	PGIAM_CONN_STEPS(PGIAM_CONN_STEP_LABEL_)
#undef PGIAM_CONN_STEP_LABEL_
};

const char *pgiam_conn_step_label(pgiam_conn_step_id id)
{
	return (int)id >= 0 && id < PGIAM_CONN_STEP__COUNT ? step_labels[id] : "";
}

double pgiam__conn_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* auth events arrive on whichever thread calls auth: queue them. */
static void on_auth_event(void *ctx, const char *event)
{
	pgiam_conn *c = ctx;

	pthread_mutex_lock(&c->lock);
	if (c->nevents < EVENT_QUEUE)
		snprintf(c->events[c->nevents++], PGIAM_EVENTLOG_TEXT, "%s", event);
	pthread_mutex_unlock(&c->lock);
}

static void drain_events(pgiam_conn *c)
{
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nevents; i++)
		pgiam_eventlog_add(c->log, "%s", c->events[i]);
	c->nevents = 0;
	pthread_mutex_unlock(&c->lock);
}

static void hhmmss(char *out, size_t outlen, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	snprintf(out, outlen, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}


void pgiam__conn_result_free(pgiam_conn_result *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->colnames[i]);
	free(r->colnames);
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r->notices);
	free(r->coltypes);
	memset(r, 0, sizeof(*r));
	r->total = -1;
}

void pgiam__conn_result_clear(pgiam_conn *c, int slot)
{
	pgiam__conn_result_free(&c->results[slot]);
	c->rows_cap[slot] = 0;
	if (slot == SLOT_INTERNAL)
		c->internal_gen++;
}

unsigned pgiam_conn_internal_generation(const pgiam_conn *c)
{
	return c->internal_gen;
}

static void role_short(char *out, size_t outlen, const char *arn)
{
	const char *r = arn ? strstr(arn, ":role/") : NULL;
	const char *last = r ? strrchr(r, '/') : NULL;

	snprintf(out, outlen, "%s%s", last ? "role/" : "", last ? last + 1 : "");
}

int pgiam_conn_start(pgiam_conn **out, const char *dir, const char *name, long token_age,
	pgiam_eventlog *log)
{
	pgiam_session_params params = PGIAM_SESSION_PARAMS_INIT;
	pgiam_conn *c = NULL;
	pgiam_profile_problem problem;
	size_t nproblems = 0;
	int error = 0;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->log = log;
	snprintf(c->status.profile, sizeof(c->status.profile), "%s", name);
	if ((error = pgiam_profile_load_named(&c->profile, dir, name)) < 0)
		goto cleanup;
	if (pgiam_profile_validate(c->profile, &problem, 1, &nproblems) > 0) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s", nproblems ? problem.message
			: "the profile has errors; edit it first");
		goto cleanup;
	}
	snprintf(c->status.db_user, sizeof(c->status.db_user), "%s",
		pgiam_profile_db_user(c->profile));
	snprintf(c->status.endpoint, sizeof(c->status.endpoint), "%s:%d",
		pgiam_profile_host(c->profile), pgiam_profile_port(c->profile));
	if (pgiam_profile_role_arn(c->profile)) {
		snprintf(c->role_arn, sizeof(c->role_arn), "%s", pgiam_profile_role_arn(c->profile));
		role_short(c->status.role_short, sizeof(c->status.role_short), c->role_arn);
		if (pgiam_profile_mfa_serial(c->profile))
			snprintf(c->status.mfa_serial, sizeof(c->status.mfa_serial), "%s",
				pgiam_profile_mfa_serial(c->profile));
	}
	c->mfa_missing = pgiam_mfa_missing_count();
	if ((error = pgiam_session_params_from_profile(&params, c->profile)) < 0)
		goto cleanup;
	params.sign_time_offset = -token_age;
	c->token_age = token_age;
	if ((error = pgiam_session_new_profile(&c->session, c->profile, &params)) < 0)
		goto cleanup;
	c->auth = pgiam_session_auth(c->session);
	if (c->auth)
		pgiam_auth_set_event_cb(c->auth, on_auth_event, c);
	if (!c->role_arn[0])
		c->steps[PGIAM_CONN_STEP_ASSUME_ROLE].state = PGIAM_STEP_SKIPPED;
	c->status.state = PGIAM_CONN_CONNECTING;
	c->connecting = 1;
	if ((error = pgiam_session_connect(c->session)) < 0)
		goto cleanup;
	*out = c;
	c = NULL;
cleanup:
	pgiam_conn_free(c);
	return error;
}

static void refresh_main(pgiam_job *job, void *arg)
{
	pgiam_conn *c = arg;
	pgiam_creds creds = PGIAM_CREDS_INIT;

	(void)job;
	/* F12: assume the role again now, with the code the dialog gave the core */
	if (c->renew)
		c->refresh_result = pgiam_auth_refresh(c->auth);
	/* auth refreshes the role when it is this close to expiry; the credentials are
	 * only wanted for that side effect. */
	else
		c->refresh_result = pgiam_auth_get(&creds, c->auth, time(NULL));
	if (c->refresh_result < 0)
		snprintf(c->refresh_error, sizeof(c->refresh_error), "%s", pgiam_error_last());
	pgiam_creds_dispose(&creds);
}

/* Starts a background role refresh when the assumed session is within auth's refresh
 * margin, at most every 30 s. */
static void maybe_refresh(pgiam_conn *c)
{
	time_t now = time(NULL);

	/* Connected, or lost (the next query reconnects): either way the next
	 * connection should not wait for STS. */
	if (!c->role_arn[0] || !c->auth || c->refresh || !c->status.sts_expires ||
	    (c->status.state != PGIAM_CONN_CONNECTED && c->status.state != PGIAM_CONN_LOST) ||
	    pgiam_conn_busy(c) ||
	    c->status.sts_expires - now > PGIAM_AUTH_REFRESH_BEFORE ||
	    now - c->refresh_last_try < 30)
		return;
	c->refresh_last_try = now;
	/* An MFA role is assumed again only with a code, which the user gives (F12; the
	 * status bar says so). A session another pgiam renewed is on disk: taken from
	 * there, no code needed. */
	if (c->status.mfa_serial[0] && pgiam_profile_mfa_needed(c->profile))
		return;
	if (pgiam_job_start(&c->refresh, refresh_main, c, NULL) < 0)
		pgiam_eventlog_add(c->log, "refreshing the role: %s", pgiam_error_last());
}

/* From a copy: auth may be refreshing on another thread. */
static time_t auth_expiry(pgiam_auth *auth)
{
	pgiam_auth_info info;

	pgiam_auth_info_get(&info, auth);
	return info.session_expiry;
}

static void refresh_finish(pgiam_conn *c)
{
	if (!c->refresh || !pgiam_job_poll(c->refresh))
		return;
	pgiam_job_free(c->refresh);   /* done: joins at once */
	c->refresh = NULL;
	if (c->renew) {
		char until[16];

		c->renew = 0;
		c->status.renewing = 0;
		pgiam_mfa_set_code(NULL);   /* not used (a session from disk): gone all the same */
		c->renew_done = 1;
		c->renew_ok = c->refresh_result == 0;
		if (c->renew_ok) {
			/* info is a copy published under its own lock: safe while a connect
			 * runs on the session's thread */
			c->status.sts_expires = auth_expiry(c->auth);
			hhmmss(until, sizeof(until), c->status.sts_expires);
			snprintf(c->renew_line, sizeof(c->renew_line), "role session renewed "
				"until %s: the next connection signs its token with it", until);
		} else {
			snprintf(c->renew_line, sizeof(c->renew_line), "role session not renewed "
				"(F12 tries again): %s", c->refresh_error);
		}
		pgiam_eventlog_add(c->log, "%s", c->renew_line);
		return;
	}
	if (c->refresh_result < 0)
		pgiam_eventlog_add(c->log, "refreshing the role failed: %s", c->refresh_error);
	else
		c->refresh_unseen = 1;
}

/* The refreshed expiry is read once nothing else uses auth (a connect might be
 * assuming the role on its thread). */
static void refresh_show(pgiam_conn *c)
{
	if (!c->refresh_unseen || pgiam_conn_busy(c) || c->refresh)
		return;
	c->refresh_unseen = 0;
	c->status.sts_expires = auth_expiry(c->auth);
}

size_t pgiam_conn_pollfds(pgiam_conn *c, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	int fd = c->session ? pgiam_session_socket(c->session) : -1;

	if (fd >= 0 && n < max) {
		fds[n].fd = fd;
		fds[n].events = pgiam_session_want_write(c->session) ? POLLOUT : POLLIN;
		fds[n].revents = 0;
		n++;
	}
	fd = c->own ? pgiam_session_socket(c->own) : -1;
	if (fd >= 0 && n < max) {
		fds[n].fd = fd;
		fds[n].events = pgiam_session_want_write(c->own) ? POLLOUT : POLLIN;
		fds[n].revents = 0;
		n++;
	}
	if (c->refresh && n < max) {
		fds[n].fd = pgiam_job_fd(c->refresh);
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int pgiam_conn_timeout_ms(pgiam_conn *c)
{
	int t = c->session ? pgiam_session_timeout_ms(c->session) : -1;
	int own = c->own ? pgiam_session_timeout_ms(c->own) : -1;

	return t < 0 || (own >= 0 && own < t) ? own : t;
}

static pgiam_conn_step_id map_step(pgiam_step s)
{
	switch (s) {
	case PGIAM_STEP_CREDENTIALS:
		return PGIAM_CONN_STEP_CREDENTIALS;
	case PGIAM_STEP_ASSUME_ROLE:
		return PGIAM_CONN_STEP_ASSUME_ROLE;
	case PGIAM_STEP_TOKEN:
		return PGIAM_CONN_STEP_TOKEN;
	case PGIAM_STEP_TCP:
		return PGIAM_CONN_STEP_TCP;
	case PGIAM_STEP_TLS:
		return PGIAM_CONN_STEP_TLS;
	case PGIAM_STEP_AUTH:
	case PGIAM_STEP_AUTHORIZATION:
	case PGIAM_STEP_READY:
	case PGIAM_STEP_QUERY:
	case PGIAM_STEP__COUNT:
		return PGIAM_CONN_STEP_AUTH;
	}
	return PGIAM_CONN_STEP_AUTH;
}

/* The facts of a fresh connection, into the status bar and the log. */
/* The badge: what the server reports, never what pgiam asked for. */
static void read_only_update(pgiam_conn *c)
{
	pgiam_session_read_only ro;

	pgiam_session_read_only_get(&ro, c->session);
	if (!ro.connected)
		return;
	c->status.read_only = ro.on;
	snprintf(c->status.read_only_origin, sizeof(c->status.read_only_origin), "%s",
		ro.origin ? ro.origin : "");
}

static void took_connection(pgiam_conn *c, int reconnect)
{
	pgiam_session_info info;
	char at[16];

	pgiam_session_get_info(&info, c->session);
	c->status.state = PGIAM_CONN_CONNECTED;
	/* a refresh without a code while the session still served: not a failure */
	c->mfa_missing = pgiam_mfa_missing_count();
	c->status.token_expires = info.token_expires_at;
	c->status.token_by_creds = info.token_expiry_by_creds;
	c->status.sts_expires = c->role_arn[0] && c->auth ? auth_expiry(c->auth)
		: info.creds_expiration;
	read_only_update(c);
	c->status.tls_verified = info.tls && (!strcmp(info.sslmode, "verify-full") ||
		!strcmp(info.sslmode, "verify-ca"));
	c->status.failure[0] = '\0';
	if (info.token_expires_at && info.connections != c->token_logged) {
		hhmmss(at, sizeof(at), info.token_expires_at);
		pgiam_eventlog_add(c->log, "token signed for %s, expires %s%s", info.endpoint, at,
			info.token_expiry_by_creds ? " (when the STS session that signed it ends, "
			"before its 15 minutes)" : "");
		c->token_logged = info.connections;
	}
	pgiam_eventlog_add(c->log, "%s %s as %s (%s%s%s)%s", reconnect ? "reconnected to"
		: "connected to", info.endpoint, info.current_user[0] ? info.current_user : info.db_user,
		info.tls ? info.tls_protocol : "no TLS", c->status.tls_verified
		? ", certificate verified against " : "", c->status.tls_verified ? info.ca_bundle : "",
		info.read_only_enforced ? ", read-only (a guard on this session; the role's grants "
		"are the real limit)" : "");
}

void pgiam__conn_query_failed(pgiam_conn *c, const pgiam_session_error *e, const char *text)
{
	pgiam_conn_result *r = &c->results[c->slot];

	r->failed = 1;
	r->done = 1;
	r->seconds = pgiam__conn_since(&c->query_t0);
	snprintf(r->sqlstate, sizeof(r->sqlstate), "%s", e ? e->sqlstate : "");
	snprintf(r->message, sizeof(r->message), "%s", e && e->server_message[0]
		? e->server_message : text);
	snprintf(r->detail, sizeof(r->detail), "%s", e ? e->detail : "");
	/* the server's hint and pgiam's explanation stay apart: HINT is the server's word */
	snprintf(r->hint, sizeof(r->hint), "%s", e ? e->hint : "");
	snprintf(r->why, sizeof(r->why), "%s", e ? e->explanation : "");
	r->position = e ? e->position : 0;
	c->querying = 0;
}

void pgiam__conn_add_row(pgiam_conn *c, const pgiam_session_event *ev)
{
	pgiam_conn_result *r = &c->results[c->slot];

	if ((size_t)ev->nfields != r->ncols)
		return;
	if (r->nrows >= (c->slot == SLOT_USER && c->phase != PH_PLAIN ? 2 * PGIAM_CONN_WINDOW :
	    MAX_ROWS)) {
		r->truncated = 1;
		return;
	}
	if (r->nrows == c->rows_cap[c->slot]) {
		size_t cap = c->rows_cap[c->slot] ? c->rows_cap[c->slot] * 2 : 64;
		char **cells = realloc(r->cells, cap * r->ncols * sizeof(*cells));

		if (!cells) {
			r->truncated = 1;
			return;
		}
		r->cells = cells;
		c->rows_cap[c->slot] = cap;
	}
	for (size_t i = 0; i < r->ncols; i++)
		r->cells[r->nrows * r->ncols + i] = ev->values[i] ? strdup(ev->values[i]) : NULL;
	r->nrows++;
}

/* A cancel request is settled by what follows it: the message then says whether the
 * statement was cancelled or ran (a write that completed says so), and the log too. */
static void watch_cancel(pgiam_conn *c, const pgiam_session_event *ev)
{
	const pgiam_session_error *e = ev->kind == PGIAM_SEV_ERROR ?
		pgiam_session_last_error(c->session) : NULL;
	char line[sizeof(c->cancel_outcome)];

	if (pgiam_cancel_watch_event(&c->cancel, line, sizeof(line), ev, e) == PGIAM_CANCEL_NONE)
		return;
	snprintf(c->cancel_outcome, sizeof(c->cancel_outcome), "%s", line);
	pgiam_eventlog_add(c->log, "%s", line);
}

/* pgiam's own connection: opened for the browser while the user's transaction is
 * open, so its reads take no locks in it. A session of its own, so a physical
 * connection of its own with a token of its own (and its own AssumeRole). */
static int own_start(pgiam_conn *c)
{
	pgiam_session_params params = PGIAM_SESSION_PARAMS_INIT;
	pgiam_session_read_only ro;
	int error = 0;

	if ((error = pgiam_session_params_from_profile(&params, c->profile)) < 0)
		return error;
	params.sign_time_offset = -c->token_age;
	/* what the user's session asks for now (F8 may have changed the profile's) */
	pgiam_session_read_only_get(&ro, c->session);
	if (ro.requested != params.read_only) {
		params.read_only = ro.requested;
		params.read_only_origin = ro.requested ? "the F8 toggle" : NULL;
	}
	if ((error = pgiam_session_new_profile(&c->own, c->profile, &params)) < 0)
		return error;
	if (pgiam_session_auth(c->own))
		pgiam_auth_set_event_cb(pgiam_session_auth(c->own), on_auth_event, c);
	pgiam_eventlog_add(c->log, "browsing on a connection of pgiam's own: your transaction "
		"stays open on yours, and its uncommitted changes are not shown");
	return 0;
}

/* Closed once the user's transaction has ended (the browser uses the user's
 * connection again) and nothing runs on it. */
static void own_close(pgiam_conn *c)
{
	if (!c->own || (c->querying && c->on_own))
		return;
	pgiam_session_free(c->own);
	c->own = NULL;
	pgiam_eventlog_add(c->log, "closed pgiam's own connection: the transaction ended");
}

/* The connection dropped: the server rolled back the transaction it had open. */
static void txn_lost(pgiam_conn *c)
{
	pgiam_conn_status *st = &c->status;
	char at[16];

	if (st->txn != PGIAM_CONN_TXN_OPEN && st->txn != PGIAM_CONN_TXN_FAILED)
		return;
	hhmmss(at, sizeof(at), st->txn_since);
	pgiam_eventlog_add(c->log, "the connection was lost inside the %s transaction begun at "
		"%s by: %s; the server rolled it back, its work is lost",
		st->txn == PGIAM_CONN_TXN_FAILED ? "failed" : "open", at, st->txn_begun_by);
	snprintf(c->alert, sizeof(c->alert), "connection lost: the open transaction (begun at "
		"%s) was rolled back by the server; its work is lost", at);
	st->txn = PGIAM_CONN_TXN_LOST;
	own_close(c);   /* nothing left to keep out of */
}

/* After a query ended: the user's transaction as the session saw it, and the log's
 * account of it opening, failing and ending. */
void pgiam__conn_txn_update(pgiam_conn *c)
{
	pgiam_conn_status *st = &c->status;
	pgiam_session_txn t = pgiam_session_transaction(c->session);
	const char *stmt = "", *state = "", *msg = "";

	/* the query ended with the connection: the server rolled the transaction back */
	if (pgiam_session_get_state(c->session) == PGIAM_SESSION_LOST) {
		txn_lost(c);
		return;
	}
	/* the transaction the result's cursor lives in is pgiam's (BEGIN … COMMIT when
	 * the result closes), not the user's: nothing of theirs is open */
	if (c->cur_txn)
		return;
	if (t == PGIAM_TXN_NONE) {
		/* a lost transaction stays said until the user's next statement */
		if (st->txn == PGIAM_CONN_TXN_LOST && c->slot != SLOT_USER)
			return;
		if (st->txn == PGIAM_CONN_TXN_OPEN || st->txn == PGIAM_CONN_TXN_FAILED)
			pgiam_eventlog_add(c->log, "transaction ended (%s)",
				c->results[c->slot].tag[0] ? c->results[c->slot].tag : "no tag");
		st->txn = PGIAM_CONN_TXN_NONE;
		st->txn_since = 0;
		st->txn_begun_by[0] = st->txn_failed_by[0] = '\0';
		own_close(c);
		return;
	}
	if (st->txn == PGIAM_CONN_TXN_NONE || st->txn == PGIAM_CONN_TXN_LOST) {
		pgiam_explain_statement_text(st->txn_begun_by, sizeof(st->txn_begun_by),
			c->slot == SLOT_USER && c->user_sql ? c->user_sql : "pgiam's own query", -1);
		st->txn_since = time(NULL);
		st->txn_failed_by[0] = '\0';
		pgiam_eventlog_add(c->log, "transaction open (begun by: %s)", st->txn_begun_by);
	}
	if (t == PGIAM_TXN_FAILED && st->txn != PGIAM_CONN_TXN_FAILED) {
		pgiam_session_txn_failed_by(c->session, &stmt, &state, &msg);
		if (stmt[0])
			snprintf(st->txn_failed_by, sizeof(st->txn_failed_by), "%s (ERROR %s: %s)",
				stmt, state, msg);
		pgiam_eventlog_add(c->log, "transaction failed%s%s; ROLLBACK to continue",
			stmt[0] ? " at: " : "", st->txn_failed_by);
	}
	if (t == PGIAM_TXN_OPEN && st->txn == PGIAM_CONN_TXN_FAILED) {
		/* ROLLBACK TO SAVEPOINT: open again */
		st->txn_failed_by[0] = '\0';
		pgiam_eventlog_add(c->log, "transaction open again (rolled back to a savepoint)");
	}
	st->txn = t == PGIAM_TXN_OPEN ? PGIAM_CONN_TXN_OPEN : PGIAM_CONN_TXN_FAILED;
}

int pgiam_conn_internal_separate(const pgiam_conn *c)
{
	/* also while a result's cursor holds pgiam's own transaction open: a failing
	 * read of the browser's would fail it and lose the cursor */
	return c->status.txn == PGIAM_CONN_TXN_OPEN || c->status.txn == PGIAM_CONN_TXN_FAILED ||
		c->cur_txn;
}

int pgiam_conn_txn_describe(const pgiam_conn *c, char *out, size_t outlen)
{
	const pgiam_conn_status *st = &c->status;
	char at[16];

	if (outlen)
		out[0] = '\0';
	if (st->txn != PGIAM_CONN_TXN_OPEN && st->txn != PGIAM_CONN_TXN_FAILED)
		return 0;
	hhmmss(at, sizeof(at), st->txn_since);
	snprintf(out, outlen, "the %s transaction begun at %s by: %s", st->txn ==
		PGIAM_CONN_TXN_FAILED ? "failed" : "open", at, st->txn_begun_by);
	return 1;
}

int pgiam_conn_take_alert(pgiam_conn *c, char *out, size_t outlen)
{
	if (!c->alert[0])
		return 0;
	snprintf(out, outlen, "%s", c->alert);
	c->alert[0] = '\0';
	return 1;
}

/* The next statement of a script sent as one query begins (its columns, or the tag
 * of one without rows): the statement before is kept as a set of its own, reachable
 * beside the last one, with or without rows; else it is replaced. The notices since
 * go with the new one. */
static void next_statement(pgiam_conn *c)
{
	pgiam_conn_result *r = &c->results[c->slot];
	int statements = r->statements;
	char *notices = r->notices;
	size_t nnotices = r->nnotices;

	r->notices = NULL;
	if (c->slot == SLOT_USER && (r->ncols || c->stmt_ended) && pgiam__conn_keep_set(c)) {
		memset(r, 0, sizeof(*r));
		c->rows_cap[c->slot] = 0;
	}
	pgiam__conn_result_clear(c, c->slot);
	r->generation = c->slot == SLOT_USER ? c->generation : 0;
	r->statements = statements;
	r->notices = notices;
	r->nnotices = nnotices;
	if (c->slot == SLOT_USER)
		c->stmt_ended = 0;
}

/* A result's columns from session s: the next statement's rows replace the previous
 * one's. */
void pgiam__conn_take_columns(pgiam_conn *c, pgiam_session *s, const pgiam_session_event *ev)
{
	pgiam_conn_result *r = &c->results[c->slot];

	next_statement(c);
	r->ncols = (size_t)ev->nfields;
	r->colnames = calloc(r->ncols ? r->ncols : 1, sizeof(*r->colnames));
	if (!r->colnames) {
		r->ncols = 0;
		return;
	}
	r->coltypes = calloc(r->ncols ? r->ncols : 1, sizeof(*r->coltypes));
	for (size_t i = 0; i < r->ncols; i++) {
		r->colnames[i] = strdup(pgiam_session_column_name(s, (int)i)
			? pgiam_session_column_name(s, (int)i) : "?");
		if (r->coltypes)
			r->coltypes[i] = pgiam_session_column_type(s, (int)i);
	}
}

/* A server notice goes with the result (one line each) and, for the user's own
 * statements, into the event log. */
static void add_notice(pgiam_conn *c, const pgiam_session_event *ev)
{
	pgiam_conn_result *r = &c->results[c->slot];
	size_t have = r->notices ? strlen(r->notices) : 0;
	size_t need = strlen(ev->severity) + strlen(ev->text) + 4;
	char *grown = realloc(r->notices, have + need);

	if (grown) {
		snprintf(grown + have, need, "%s: %s\n", ev->severity, ev->text);
		r->notices = grown;
		r->nnotices++;
	}
	/* the count of notices not kept is pgiam's line, not the server's */
	if (c->slot == SLOT_USER && !strcmp(ev->severity, "pgiam"))
		pgiam_eventlog_add(c->log, "%s", ev->text);
	else if (c->slot == SLOT_USER)
		pgiam_eventlog_add(c->log, "server %s: %s", ev->severity, ev->text);
}

/* A reconnect failed: when the role had to be assumed again and that wanted an MFA
 * code nobody gave, the TUI asks for one (pgiam_conn_take_mfa_wanted). */
static void mfa_check(pgiam_conn *c)
{
	unsigned n = pgiam_mfa_missing_count();

	if (n != c->mfa_missing && c->status.mfa_serial[0] && !c->connecting)
		c->mfa_wanted = 1;
	c->mfa_missing = n;
}

static void handle_own_event(pgiam_conn *c, const pgiam_session_event *ev)
{
	pgiam_conn_result *r = &c->results[SLOT_INTERNAL];
	const pgiam_session_error *e = NULL;
	pgiam_session_info info;
	char at[16], failed[600] = "";

	switch (ev->kind) {
	case PGIAM_SEV_CONNECTED:
	case PGIAM_SEV_RECONNECTED:
		pgiam_session_get_info(&info, c->own);
		hhmmss(at, sizeof(at), info.token_expires_at);
		pgiam_eventlog_add(c->log, "pgiam's own connection: connected to %s as %s with "
			"a token of its own (expires %s)", info.endpoint, info.current_user, at);
		break;
	case PGIAM_SEV_LOST:
		pgiam_eventlog_add(c->log, "pgiam's own connection lost (%s)", ev->text);
		break;
	case PGIAM_SEV_COLUMNS:
		if (c->on_own)
			pgiam__conn_take_columns(c, c->own, ev);
		break;
	case PGIAM_SEV_ROW:
		if (c->on_own)
			pgiam__conn_add_row(c, ev);
		break;
	case PGIAM_SEV_COMMAND:
		if (!c->on_own)
			break;
		snprintf(r->tag, sizeof(r->tag), "%s", ev->text);
		r->statements++;
		break;
	case PGIAM_SEV_DONE:
		if (!c->on_own)
			break;
		r->done = 1;
		r->seconds = pgiam__conn_since(&c->query_t0);
		c->querying = c->on_own = 0;
		break;
	case PGIAM_SEV_ERROR:
	case PGIAM_SEV_CANCELLED:
		e = ev->kind == PGIAM_SEV_ERROR ? pgiam_session_last_error(c->own) : NULL;
		if (e && e->step <= PGIAM_STEP_AUTH) {
			/* its connect failed: said as its own, not as the user's connection's */
			snprintf(failed, sizeof(failed), "pgiam's own connection for the browser "
				"failed: %s", ev->text);
			mfa_check(c);
			pgiam_eventlog_add(c->log, "%s", failed);
		}
		if (!c->on_own)
			break;
		pgiam__conn_query_failed(c, e, failed[0] ? failed : ev->kind == PGIAM_SEV_CANCELLED ?
			"cancelled" : ev->text);
		r->cancelled = ev->kind == PGIAM_SEV_CANCELLED || (e && pgiam_sqlstate_is(e->sqlstate, PGIAM_SQLSTATE_QUERY_CANCELED));
		c->on_own = 0;
		break;
	case PGIAM_SEV_NONE:
	case PGIAM_SEV_STEP:
	case PGIAM_SEV_NOTICE:   /* pgiam's own reads: not the user's */
		break;
	}
}

/* A connect step began or ended: the step list (and a lost connection reconnects). */
static void step_event(pgiam_conn *c, const pgiam_session_event *ev)
{
	pgiam_conn_step *sp;

	if (ev->step > PGIAM_STEP_AUTH)
		return;
	sp = &c->steps[map_step(ev->step)];
	if (!ev->done) {
		sp->state = PGIAM_STEP_RUNNING;
		clock_gettime(CLOCK_MONOTONIC, &c->step_t0[map_step(ev->step)]);
	} else {
		sp->state = PGIAM_STEP_OK;
		sp->seconds = (double)ev->ms / 1000.0;
	}
	snprintf(sp->detail, sizeof(sp->detail), "%s", ev->text);
	if (c->status.state == PGIAM_CONN_LOST)
		c->status.state = PGIAM_CONN_RECONNECTING;
}

/* A failure of the chain (connecting, or reconnecting for a query): the connection's.
 * The failing step stays on screen with its explanation. */
static void chain_failed(pgiam_conn *c, const pgiam_session_event *ev,
	const pgiam_session_error *e)
{
	pgiam_conn_step_id id = map_step(e ? e->step : ev->step);

	if (c->connecting) {
		for (int i = 0; i < PGIAM_CONN_STEP__COUNT; i++)
			if (c->steps[i].state == PGIAM_STEP_RUNNING)
				id = (pgiam_conn_step_id)i;
		if (e)
			id = map_step(e->step);
		c->steps[id].state = PGIAM_STEP_FAILED;
		/* the time the step ran (a 20 s STS timeout): its begin may be
		 * reported only when it ends */
		c->steps[id].seconds = e && ev->ms > 0 && id == map_step(e->step)
			? (double)ev->ms / 1000.0 : pgiam__conn_since(&c->step_t0[id]);
		snprintf(c->steps[id].detail, sizeof(c->steps[id].detail), "%s",
			ev->kind == PGIAM_SEV_CANCELLED ? "cancelled" : ev->text);
		c->status.state = PGIAM_CONN_FAILED;
		c->connecting = 0;
	} else {
		c->status.state = PGIAM_CONN_LOST;
	}
	{
		const char *text = ev->kind == PGIAM_SEV_CANCELLED ? "cancelled" : ev->text;
		int explain = e && e->explanation[0] && !strstr(text, e->explanation);

		snprintf(c->status.failure, sizeof(c->status.failure), "%s%s%s", text,
			explain ? " \xE2\x80\x94 " : "", explain ? e->explanation : "");
	}
	/* with its explanation: the log is where a failure is read whole */
	pgiam_eventlog_add(c->log, "connect failed: %s", c->status.failure);
}

static void handle_event(pgiam_conn *c, const pgiam_session_event *ev)
{
	const pgiam_session_error *e = NULL;
	pgiam_conn_result *r = &c->results[c->slot];

	watch_cancel(c, ev);
	if (c->slot == SLOT_USER && c->querying && !c->on_own && pgiam__conn_cursor_event(c, ev))
		return;
	switch (ev->kind) {
	case PGIAM_SEV_NONE:
		break;
	case PGIAM_SEV_STEP:
		step_event(c, ev);
		break;
	case PGIAM_SEV_CONNECTED:
		c->connecting = 0;
		took_connection(c, 0);
		break;
	case PGIAM_SEV_RECONNECTED:
		took_connection(c, 1);
		break;
	case PGIAM_SEV_LOST:
		c->status.state = PGIAM_CONN_LOST;
		snprintf(c->status.failure, sizeof(c->status.failure), "%s", ev->text);
		pgiam_eventlog_add(c->log, "connection lost (%s); the next query reconnects with "
			"a new token", ev->text);
		pgiam__conn_cursor_lost(c);
		txn_lost(c);
		break;
	case PGIAM_SEV_COLUMNS:
		pgiam__conn_take_columns(c, c->session, ev);
		break;
	case PGIAM_SEV_ROW:
		pgiam__conn_add_row(c, ev);
		break;
	case PGIAM_SEV_NOTICE:
		add_notice(c, ev);
		break;
	case PGIAM_SEV_COMMAND:
		/* a statement without rows after another one: a set of its own */
		if (c->slot == SLOT_USER && c->stmt_ended)
			next_statement(c);
		snprintf(r->tag, sizeof(r->tag), "%s", ev->text);
		r->statements++;
		if (c->slot == SLOT_USER)
			c->stmt_ended = 1;
		break;
	case PGIAM_SEV_DONE:
		r->done = 1;
		r->seconds = pgiam__conn_since(&c->query_t0);
		c->querying = 0;
		pgiam__conn_txn_update(c);
		read_only_update(c);
		break;
	case PGIAM_SEV_ERROR:
	case PGIAM_SEV_CANCELLED:
		e = ev->kind == PGIAM_SEV_ERROR ? pgiam_session_last_error(c->session) : NULL;
		/* A failure of the chain (connecting, or reconnecting for a query) is the
		 * connection's; a refused or cancelled statement is only the query's. */
		if (c->connecting || (e && e->step <= PGIAM_STEP_AUTH)) {
			mfa_check(c);
			chain_failed(c, ev, e);
		}
		if (c->querying && !c->on_own) {
			pgiam__conn_query_failed(c, e, ev->kind == PGIAM_SEV_CANCELLED ? "cancelled" : ev->text);
			r->cancelled = ev->kind == PGIAM_SEV_CANCELLED ||
				(e && pgiam_sqlstate_is(e->sqlstate, PGIAM_SQLSTATE_QUERY_CANCELED));
			pgiam__conn_txn_update(c);
			read_only_update(c);
		}
		break;
	}
}

int pgiam_conn_advance(pgiam_conn *c)
{
	pgiam_session_event ev;
	int changed = 0;
	int guard = 0;

	refresh_finish(c);
	if (c->session) {
		/* Bounded, so a flood of rows cannot starve the keyboard. */
		while (guard++ < 2000) {
			memset(&ev, 0, sizeof(ev));
			pgiam_session_step(&ev, c->session);
			if (ev.kind == PGIAM_SEV_NONE)
				break;
			handle_event(c, &ev);
			changed = 1;
		}
	}
	for (guard = 0; c->own && guard < 2000; guard++) {
		memset(&ev, 0, sizeof(ev));
		pgiam_session_step(&ev, c->own);
		if (ev.kind == PGIAM_SEV_NONE)
			break;
		handle_own_event(c, &ev);
		changed = 1;
	}
	/* Steps still running show their time so far. */
	for (int i = 0; i < PGIAM_CONN_STEP__COUNT; i++)
		if (c->steps[i].state == PGIAM_STEP_RUNNING) {
			c->steps[i].seconds = pgiam__conn_since(&c->step_t0[i]);
			changed = 1;
		}
	pthread_mutex_lock(&c->lock);
	if (c->nevents)
		changed = 1;
	pthread_mutex_unlock(&c->lock);
	drain_events(c);
	refresh_show(c);
	maybe_refresh(c);
	return changed;
}

int pgiam_conn_busy(const pgiam_conn *c)
{
	/* pgiam's own closing and undoing of a result's cursor is nothing to cancel (a
	 * cancelled ROLLBACK would leave the transaction open) or to wait for */
	if (c->querying && c->slot == SLOT_USER && (c->phase == PH_RECOVER ||
	    c->phase == PH_CLOSE))
		return c->connecting;
	return c->connecting || c->querying;
}

int pgiam_conn_user_waiting(const pgiam_conn *c)
{
	return c->pending_sql != NULL;
}

void pgiam_conn_cancel(pgiam_conn *c)
{
	if (!c->session || !pgiam_conn_busy(c))
		return;
	if (c->on_own) {
		/* the browser's read: nothing it could have written to settle */
		pgiam_session_cancel(c->own);
		return;
	}
	if (!pgiam_cancel_watch_pending(&c->cancel)) {
		pgiam_cancel_watch_request(&c->cancel);
		c->cancel_outcome[0] = '\0';
		pgiam_eventlog_add(c->log, "cancel requested: %s", c->querying ?
			"the statement may still complete" : "stopping the connect");
	}
	pgiam_session_cancel(c->session);
}

int pgiam_conn_cancelling(const pgiam_conn *c)
{
	return pgiam_cancel_watch_pending(&c->cancel);
}

int pgiam_conn_cancel_outcome(pgiam_conn *c, char *out, size_t len)
{
	if (!c->cancel_outcome[0])
		return 0;
	snprintf(out, len, "%s", c->cancel_outcome);
	c->cancel_outcome[0] = '\0';
	return 1;
}

const pgiam_conn_status *pgiam_conn_status_of(const pgiam_conn *c)
{
	return &c->status;
}

const pgiam_conn_step *pgiam_conn_steps(const pgiam_conn *c)
{
	return c->steps;
}

/* pgiam's own statements (the browser's) go as one statement each: a filter the
 * user typed inside one cannot start a second. */
static int query_in(pgiam_conn *c, int slot, const char *sql)
{
	int error = 0;

	if (c->querying)
		return pgiam_error_set(PGIAM_EAGAIN, "a query is running; Esc cancels it");
	pgiam__conn_result_clear(c, slot);
	if (slot == SLOT_USER) {
		c->results[slot].generation = ++c->generation;
		c->stmt_ended = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->query_t0);
	if ((error = slot == SLOT_INTERNAL ? pgiam_session_query_params(c->session, sql, 0, NULL) :
	    pgiam_session_query(c->session, sql)) < 0)
		return error;
	c->slot = slot;
	c->querying = 1;
	c->on_own = 0;
	return 0;
}

int pgiam__conn_query_in(pgiam_conn *c, int slot, const char *sql)
{
	return query_in(c, slot, sql);
}

int pgiam_conn_query(pgiam_conn *c, const char *sql)
{
	int error = pgiam__conn_user_send(c, sql);

	if (error < 0)
		c->continue_sets = PGIAM_CONN_SETS_NEW;   /* for this query only */
	free(c->user_sql);
	c->user_sql = error < 0 ? NULL : strdup(sql);
	return error;
}

int pgiam_conn_query_internal(pgiam_conn *c, const char *sql)
{
	int error = 0;

	if (!pgiam_conn_internal_separate(c))
		return query_in(c, SLOT_INTERNAL, sql);
	if (c->querying)
		return pgiam_error_set(PGIAM_EAGAIN, "a query is running; Esc cancels it");
	if (!c->own && (error = own_start(c)) < 0)
		return error;
	pgiam__conn_result_clear(c, SLOT_INTERNAL);
	clock_gettime(CLOCK_MONOTONIC, &c->query_t0);
	if ((error = pgiam_session_query_params(c->own, sql, 0, NULL)) < 0)
		return error;
	c->slot = SLOT_INTERNAL;
	c->querying = c->on_own = 1;
	return 0;
}

int pgiam_conn_query_internal_pinned(pgiam_conn *c, const char *sql, int *pin)
{
	int error = 0;

	if (*pin < 0)
		*pin = pgiam_conn_internal_separate(c);
	if (!*pin)
		return query_in(c, SLOT_INTERNAL, sql);
	if (c->querying)
		return pgiam_error_set(PGIAM_EAGAIN, "a query is running; Esc cancels it");
	if (!c->own && (error = own_start(c)) < 0)
		return error;
	pgiam__conn_result_clear(c, SLOT_INTERNAL);
	clock_gettime(CLOCK_MONOTONIC, &c->query_t0);
	if ((error = pgiam_session_query(c->own, sql)) < 0)
		return error;
	c->slot = SLOT_INTERNAL;
	c->querying = c->on_own = 1;
	return 0;
}

static const pgiam_conn_result *result_in(const pgiam_conn *c, int slot)
{
	const pgiam_conn_result *r = &c->results[slot];

	return (c->querying && c->slot == slot) || r->done ? r : NULL;
}

const pgiam_conn_result *pgiam_conn_result_of(const pgiam_conn *c)
{
	return result_in(c, SLOT_USER);
}

const pgiam_conn_result *pgiam_conn_internal_result_of(const pgiam_conn *c)
{
	return result_in(c, SLOT_INTERNAL);
}

int pgiam_conn_set_read_only(pgiam_conn *c, int on)
{
	int error = 0;

	if (c->querying || c->connecting)
		return pgiam_error_set(PGIAM_EAGAIN, "a statement is running; Esc cancels it");
	if (pgiam_conn_internal_separate(c))
		return pgiam_error_set(PGIAM_EINVAL, "a transaction is open: COMMIT or ROLLBACK "
			"first");
	pgiam__conn_result_clear(c, SLOT_INTERNAL);
	clock_gettime(CLOCK_MONOTONIC, &c->query_t0);
	if ((error = pgiam_session_set_read_only(c->session, on, "the F8 toggle")) < 0)
		return error;
	c->slot = SLOT_INTERNAL;
	c->querying = 1;
	c->on_own = 0;
	pgiam_eventlog_add(c->log, "read-only %s asked with F8 (SET SESSION CHARACTERISTICS "
		"AS TRANSACTION %s)", on ? "on" : "off", on ? "READ ONLY" : "READ WRITE");
	return 0;
}

double pgiam_conn_query_seconds(const pgiam_conn *c)
{
	return pgiam__conn_since(&c->query_t0);
}

int pgiam_conn_can_query(const pgiam_conn *c)
{
	return c->session != NULL;
}

void pgiam_conn_free(pgiam_conn *c)
{
	if (!c)
		return;
	pgiam_job_free(c->refresh);   /* waits: the job uses c's auth */
	pgiam_session_free(c->own);
	pgiam_session_free(c->session);   /* frees its auth too */
	pgiam_profile_free(c->profile);
	pgiam__conn_results_free(c);
	pgiam__conn_result_clear(c, SLOT_USER);
	pgiam__conn_result_clear(c, SLOT_INTERNAL);
	free(c->user_sql);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int pgiam_conn_renew(pgiam_conn *c)
{
	int error = 0;

	if (!c->status.mfa_serial[0] || !c->auth)
		return pgiam_error_set(PGIAM_EINVAL, "the profile's role needs no MFA code: its "
			"session is renewed on its own");
	if (c->refresh)
		return pgiam_error_set(PGIAM_EAGAIN, "the role session is being renewed; wait for it");
	c->renew = 1;
	c->renew_done = 0;
	c->refresh_error[0] = '\0';
	if ((error = pgiam_job_start(&c->refresh, refresh_main, c, NULL)) < 0) {
		c->renew = 0;
		return error;
	}
	c->status.renewing = 1;
	pgiam_eventlog_add(c->log, "renewing the role session of %s with an MFA code (for %s)",
		c->role_arn, c->status.mfa_serial);
	return 0;
}

int pgiam_conn_renew_outcome(pgiam_conn *c, int *ok, char *out, size_t len)
{
	if (!c->renew_done)
		return 0;
	c->renew_done = 0;
	*ok = c->renew_ok;
	snprintf(out, len, "%s", c->renew_line);
	return 1;
}

int pgiam_conn_take_mfa_wanted(pgiam_conn *c)
{
	int w = c->mfa_wanted;

	c->mfa_wanted = 0;
	return w;
}

int pgiam_conn_grants_iam(pgiam_conn *c, pgiam_grants *g)
{
	return pgiam_grants_set_iam(g, c->session, c->profile);
}
