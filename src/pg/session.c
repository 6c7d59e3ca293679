/* session.c - the session's lifecycle, event queue, step reporting, cancel, and the
 * public accessors. Connecting is in session_connect.c, queries in session_query.c.
 *
 * Connecting is a chain of steps, each reported as it begins and ends: source
 * credentials and AssumeRole (the credentials callback, in a worker thread because
 * STS is a blocking HTTP call), token, then TCP, TLS and authentication, told apart
 * from libpq's connection status as PQconnectPoll advances.
 */
#include "session_int.h"

#include "error.h"
#include "secure.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long pgiam__session_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called with s->lock held: n goes to the end of the event queue. */
static void append_locked(pgiam_session *s, ev_node *n)
{
	if (s->tail)
		s->tail->next = n;
	else
		s->head = n;
	s->tail = n;
}

ev_node *pgiam__session_push_node(pgiam_session *s, pgiam_session_event_kind kind)
{
	ev_node *n = calloc(1, sizeof(*n));

	if (!n) {
		pgiam_error_set(PGIAM_ENOMEM, "out of memory queueing a session event");
		return NULL;
	}
	n->kind = kind;
	pthread_mutex_lock(&s->lock);
	append_locked(s, n);
	pthread_mutex_unlock(&s->lock);
	return n;
}

int pgiam__session_push(pgiam_session *s, pgiam_session_event_kind kind, pgiam_step step,
	const char *text)
{
	char *copy = pgiam_strdup(text ? text : "");
	ev_node *n = NULL;

	if (!copy || !(n = pgiam__session_push_node(s, kind))) {
		free(copy);
		return PGIAM_ENOMEM;
	}
	n->step = step;
	n->text = copy;
	return 0;
}

static void free_node(ev_node *n)
{
	if (!n)
		return;
	free(n->text);
	PQclear(n->row);
	free(n);
}

/* Called with s->lock held: a step begins (events keep the order they happen in). */
static void step_begin_locked(pgiam_session *s, pgiam_step step, ev_node *n, long long at_ms)
{
	s->begun[step] = 1;
	s->step_t0[step] = at_ms;
	if (step >= PGIAM_STEP_TCP && step <= PGIAM_STEP_AUTH)
		s->reached = step;
	n->kind = PGIAM_SEV_STEP;
	n->step = step;
}

/* at_ms: when it happened (pgiam__session_now_ms clock); 0 means now. */
static void report(pgiam_session *s, unsigned gen, pgiam_step step, int done, const char *detail,
	long long at_ms)
{
	ev_node *n = calloc(1, sizeof(*n));
	char *copy = pgiam_strdup(detail ? detail : "");

	if (!n || !copy) {
		free(n);
		free(copy);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (gen != s->gen || (done && s->finished[step]) || (!done && s->begun[step])) {
		pthread_mutex_unlock(&s->lock);
		free(n);
		free(copy);
		return;
	}
	if (!at_ms)
		at_ms = pgiam__session_now_ms();
	if (done && !s->begun[step])
		s->step_t0[step] = at_ms;
	if (done) {
		s->begun[step] = s->finished[step] = 1;
		n->kind = PGIAM_SEV_STEP;
		n->step = step;
		n->done = 1;
		n->ms = at_ms - s->step_t0[step];
	} else {
		step_begin_locked(s, step, n, at_ms);
	}
	n->text = copy;
	append_locked(s, n);
	pthread_mutex_unlock(&s->lock);
}

void pgiam__session_step(pgiam_session *s, pgiam_step step, int done, const char *detail)
{
	report(s, s->gen, step, done, detail, 0);
}

void pgiam_session_progress_report(pgiam_session_progress *p, pgiam_step step, int done,
	const char *detail)
{
	pgiam_session_progress_report_at(p, step, done, detail, 0);
}

long long pgiam_session_progress_clock_ms(void)
{
	return pgiam__session_now_ms();
}

void pgiam_session_progress_report_at(pgiam_session_progress *p, pgiam_step step, int done,
	const char *detail, long long at_ms)
{
	report(p->s, p->gen, step, done, detail, at_ms);
	/* Wake the caller's poll so progress shows while STS is still answering. */
	pgiam_job_wake(p->self);
}

int pgiam_session_progress_cancelled(const pgiam_session_progress *p)
{
	return pgiam_cancel_requested(p->cancel);
}

const pgiam_cancel *pgiam_session_progress_cancel_flag(const pgiam_session_progress *p)
{
	return p->cancel;
}

time_t pgiam_session_progress_now(const pgiam_session_progress *p)
{
	return p->now;
}

/* How long a step that began and did not finish has run: what a failure (a timeout)
 * cost, not the moment the failure was seen. */
static long step_spent_ms(pgiam_session *s, pgiam_step step)
{
	long ms = 0;

	pthread_mutex_lock(&s->lock);
	if (step < PGIAM_STEP__COUNT && s->begun[step] && !s->finished[step])
		ms = (long)(pgiam__session_now_ms() - s->step_t0[step]);
	pthread_mutex_unlock(&s->lock);
	return ms;
}

int pgiam__session_fail(pgiam_session *s, pgiam_step step, int code, const char *fmt, ...)
{
	ev_node *n = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err.message, sizeof(s->err.message), fmt, ap);
	va_end(ap);
	s->err.step = step;
	s->err.code = code;
	pgiam_error_set(code, "%s", s->err.message);
	if (pgiam__session_push(s, PGIAM_SEV_ERROR, step, s->err.message) == 0) {
		n = s->tail;
		n->code = code;
		n->ms = step_spent_ms(s, step);
	}
	return code;
}

void pgiam__session_clear_error(pgiam_session *s)
{
	memset(&s->err, 0, sizeof(s->err));
}

void pgiam__session_close_conn(pgiam_session *s)
{
	if (s->conn)
		PQfinish(s->conn);  /* frees libpq's copy of the token (not wiped: libpq's) */
	s->conn = NULL;
	s->want_write = 0;
	s->flushing = 0;
	s->deadline_ms = 0;
	/* the server rolls back whatever transaction the connection had */
	s->txn = PGIAM_TXN_NONE;
	s->txn_stmt[0] = s->txn_sqlstate[0] = s->txn_message[0] = '\0';
}

void pgiam__session_lose(pgiam_session *s, const char *why)
{
	char line[512];

	if (s->notice[0] && strstr(s->notice, "FATAL"))
		pgiam_explain_first_line(line, sizeof(line), s->notice);
	else
		pgiam_explain_first_line(line, sizeof(line), why);
	pgiam__session_close_conn(s);
	s->state = ST_LOST;
	pgiam__session_push(s, PGIAM_SEV_LOST, PGIAM_STEP_READY, line);
}

void pgiam__session_join_job(pgiam_session *s)
{
	pgiam_job_free(s->worker);
	s->worker = NULL;
	pgiam__session_login_dispose(&s->job.login);
}

int pgiam__session_start_worker(pgiam_session *s, pgiam_job_fn fn)
{
	return pgiam_job_start(&s->worker, fn, &s->job, NULL);
}

/* A cancel request runs PQcancel (blocking: a new connection to the same address)
 * in a detached thread; the request is shared by the thread and the session and
 * freed by whichever lets go last, so a request that never gets through (a forward
 * that takes one connection at a time) never holds anything up. */
struct cancel_req {
	PGcancel *c;
	atomic_int done;
	atomic_int refs;
};

static void cancel_req_release(struct cancel_req *r)
{
	if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
		PQfreeCancel(r->c);
		free(r);
	}
}

static void *cancel_main(void *arg)
{
	struct cancel_req *r = arg;
	char errbuf[256];

	PQcancel(r->c, errbuf, sizeof(errbuf));
	atomic_store(&r->done, 1);
	cancel_req_release(r);
	return NULL;
}

void pgiam__session_release_cancel(pgiam_session *s)
{
	cancel_req_release(s->cancel);
	s->cancel = NULL;
}

int pgiam__session_cancel_pending(const pgiam_session *s)
{
	return s->cancel && !atomic_load(&s->cancel->done);
}

int pgiam_session_new(pgiam_session **out, const pgiam_session_params *p)
{
	pgiam_session *s = NULL;
	int error = 0;

	*out = NULL;
	if (!p || !p->host || !*p->host || !p->dbname || !*p->dbname || !p->user || !*p->user)
		return pgiam_error_set(PGIAM_EINVAL, "a session needs an endpoint host, a database "
			"and a user");
	if (p->port < 1 || p->port > 65535 || p->connect_port < 0 || p->connect_port > 65535)
		return pgiam_error_set(PGIAM_EINVAL, "port %d is outside 1..65535",
			p->port < 1 || p->port > 65535 ? p->port : p->connect_port);
	if (!p->password && !p->login)
		return pgiam_error_set(PGIAM_EINVAL, "a session needs a credentials source or a "
			"password");
	if (!(s = calloc(1, sizeof(*s))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory creating a session");
	pthread_mutex_init(&s->lock, NULL);
#define COPY_(field, value) \
	if ((value) && !(s->field = pgiam_strdup(value))) { error = PGIAM_ENOMEM; goto cleanup; }
	COPY_(host, p->host);
	COPY_(connect_host, p->connect_host);
	COPY_(dbname, p->dbname);
	COPY_(user, p->user);
	COPY_(region, p->region);
	COPY_(sslmode, p->sslmode ? p->sslmode : "verify-full");
	COPY_(sslrootcert, p->sslrootcert);
	COPY_(password, p->password);
	COPY_(sign_host, p->sign_host);
	COPY_(sign_user, p->sign_user);
	COPY_(sign_region, p->sign_region);
	COPY_(account_id, p->account_id);
	COPY_(dbi_resource_id, p->dbi_resource_id);
	COPY_(read_only_origin, p->read_only_origin);
	COPY_(iam_role, p->iam_role);
#undef COPY_
	s->port = p->port;
	s->connect_port = p->connect_port;
	s->read_only = p->read_only;
	s->ro_reported = s->ro_txn = -1;
	s->connect_timeout = p->connect_timeout > 0 ? p->connect_timeout : 15;
	s->sign_port = p->sign_port;
	s->sign_time_offset = p->sign_time_offset;
	s->login_fn = p->login;
	s->login_ctx = p->login_ctx;
	s->login_cancel = p->login_cancel;
	s->login_refused = p->login_refused;
	s->login_ctx_free = p->login_ctx_free;
	snprintf(s->info.endpoint, sizeof(s->info.endpoint), "%s:%d", s->host, s->port);
	snprintf(s->info.dbname, sizeof(s->info.dbname), "%s", s->dbname);
	snprintf(s->info.db_user, sizeof(s->info.db_user), "%s", s->user);
	snprintf(s->info.sslmode, sizeof(s->info.sslmode), "%s", s->sslmode);
	snprintf(s->info.ca_bundle, sizeof(s->info.ca_bundle), "%s",
		s->sslrootcert ? s->sslrootcert : "");
	s->info.read_only_requested = s->read_only;
	*out = s;
	s = NULL;

cleanup:
	if (error)
		pgiam_error_set(error, "out of memory creating a session");
	pgiam_session_free(s);
	return error;
}

void pgiam_session_free(pgiam_session *s)
{
	ev_node *n, *next;

	if (!s)
		return;
	if (s->worker && !pgiam_job_done(s->worker)) {
		pgiam_job_cancel(s->worker);
		if (s->login_cancel)
			s->login_cancel(s->login_ctx);
	}
	pgiam__session_join_job(s);
	pgiam__session_release_cancel(s);
	pgiam__session_close_conn(s);
	for (n = s->head; n; n = next) {
		next = n->next;
		free_node(n);
	}
	free_node(s->current);
	pgiam__session_reset_columns(s);
	free(s->rowvals);
	free(s->host);
	free(s->connect_host);
	free(s->dbname);
	free(s->user);
	free(s->region);
	free(s->sslmode);
	free(s->sslrootcert);
	pgiam_free_secret(s->password);
	free(s->sign_host);
	free(s->sign_user);
	free(s->sign_region);
	free(s->account_id);
	free(s->dbi_resource_id);
	free(s->read_only_origin);
	free(s->iam_role);
	free(s->toggle_origin);
	free(s->pending_sql);
	pgiam__session_drop_params(s);
	free(s->running_sql);
	if (s->login_ctx_free)
		s->login_ctx_free(s->login_ctx);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int pgiam_session_connect(pgiam_session *s)
{
	switch (s->state) {
	case ST_READY:
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		return 0;
	case ST_WORKER:
	case ST_CONNECTING:
	case ST_INFO:
		return pgiam_error_set(PGIAM_EAGAIN, "already connecting");
	case ST_IDLE:
	case ST_LOST:
		s->reconnecting = s->state == ST_LOST;
		return pgiam__session_start_connect(s);
	}
	return 0;
}

/* Whether a query can start now or wait for the connection (0), else EAGAIN. */
static int query_may_start(const pgiam_session *s)
{
	switch (s->state) {
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		return pgiam_error_set(PGIAM_EAGAIN, "a query is already running");
	case ST_WORKER:
	case ST_CONNECTING:
	case ST_INFO:
		if (s->pending_sql)
			return pgiam_error_set(PGIAM_EAGAIN, "a query is already waiting for the connection");
		break;
	case ST_READY:
		if (s->pending_sql)
			return pgiam_error_set(PGIAM_EAGAIN, "a query is already waiting");
		break;
	case ST_IDLE:
	case ST_LOST:
		break;
	}
	return 0;
}

/* Starts sql with params (owned from here on: kept for the send, or freed). */
static int query_start(pgiam_session *s, const char *sql, char **params, int nparams)
{
	char *copy = NULL;
	int error;

	if (!sql || !*sql)
		error = pgiam_error_set(PGIAM_EINVAL, "empty query");
	else
		error = query_may_start(s);
	if (error < 0) {
		pgiam__session_free_params(params, nparams);
		return error;
	}
	pgiam__session_drop_params(s);
	s->send_params = params;
	s->send_nparams = nparams;
	if (s->state == ST_READY) {
		if (pgiam__session_cancel_pending(s)) {
			/* The server signals a cancelled backend twice (pid and process group):
			 * a cancel request still in flight can hit the next statement. Wait for
			 * it, up to a second, without blocking the caller. */
			if (!(copy = pgiam_strdup(sql))) {
				pgiam__session_drop_params(s);
				return PGIAM_ENOMEM;
			}
			s->pending_sql = copy;
			s->deferred_until = pgiam__session_now_ms() + 1000;
			return 0;
		}
		if (pgiam__session_check_alive(s) == 0)
			return pgiam__session_send(s, sql);
	}
	if (!(copy = pgiam_strdup(sql))) {
		pgiam__session_drop_params(s);
		return PGIAM_ENOMEM;
	}
	free(s->pending_sql);
	s->pending_sql = copy;
	if (s->state == ST_IDLE || s->state == ST_LOST) {
		s->reconnecting = s->state == ST_LOST;
		return pgiam__session_start_connect(s);
	}
	return 0;
}

int pgiam_session_query(pgiam_session *s, const char *sql)
{
	return query_start(s, sql, NULL, 0);
}

int pgiam_session_query_params(pgiam_session *s, const char *sql, int nparams,
	const char *const *params)
{
	char **copy = NULL;

	if (nparams < 0 || (nparams && !params))
		return pgiam_error_set(PGIAM_EINVAL, "query: bad parameters");
	if (nparams && !(copy = calloc((size_t)nparams, sizeof(*copy))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory copying query parameters");
	for (int i = 0; i < nparams; i++) {
		if (params[i] && !(copy[i] = pgiam_strdup(params[i]))) {
			pgiam__session_free_params(copy, nparams);
			return PGIAM_ENOMEM;
		}
	}
	/* a statement without parameters still goes with the extended protocol */
	if (!copy && !(copy = calloc(1, sizeof(*copy))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory copying query parameters");
	return query_start(s, sql, copy, nparams);
}

int pgiam_session_cancel(pgiam_session *s)
{
	struct cancel_req *r = NULL;
	pthread_attr_t attr;
	pthread_t thread;
	int error;

	switch (s->state) {
	case ST_WORKER:
		if (s->worker)
			pgiam_job_cancel(s->worker);
		if (s->login_cancel)
			s->login_cancel(s->login_ctx);
		pthread_mutex_lock(&s->lock);
		s->gen++;  /* late progress reports from the worker are dropped */
		pthread_mutex_unlock(&s->lock);
		/* The worker is joined at the next connect or at free. */
		/* fallthrough */
	case ST_CONNECTING:
	case ST_INFO:
		pgiam__session_close_conn(s);
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		free(s->pending_sql);
		s->pending_sql = NULL;
		pgiam__session_drop_params(s);
		return pgiam__session_push(s, PGIAM_SEV_CANCELLED, s->reached, "connect cancelled");
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		if (s->cancel_requested)
			return 0;
		pgiam__session_release_cancel(s);
		/* PQcancel opens a new connection to the address this one went to (hostaddr,
		 * so it goes through the tunnel too). */
		if (!(r = calloc(1, sizeof(*r))) || !(r->c = PQgetCancel(s->conn))) {
			free(r);
			return pgiam_error_set(PGIAM_ERROR, "query: cannot build a cancel request");
		}
		atomic_init(&r->refs, 2);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		error = pthread_create(&thread, &attr, cancel_main, r);
		pthread_attr_destroy(&attr);
		if (error != 0) {
			PQfreeCancel(r->c);
			free(r);
			return pgiam_error_set(PGIAM_ERROR, "query: cannot start a thread: %s",
				strerror(error));
		}
		s->cancel = r;
		s->cancel_requested = 1;
		return 0;
	case ST_READY:
		if (s->deferred_until) {
			/* the statement waiting for the previous cancel is dropped */
			s->deferred_until = 0;
			free(s->pending_sql);
			s->pending_sql = NULL;
			pgiam__session_drop_params(s);
			return pgiam__session_push(s, PGIAM_SEV_CANCELLED, PGIAM_STEP_QUERY,
				"query cancelled");
		}
		break;
	case ST_IDLE:
	case ST_LOST:
		break;
	}
	return 0;
}

int pgiam_session_socket(const pgiam_session *s)
{
	switch (s->state) {
	case ST_WORKER:
		return s->worker ? pgiam_job_fd(s->worker) : -1;
	case ST_CONNECTING:
	case ST_INFO:
	case ST_READY:
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		return s->conn ? PQsocket(s->conn) : -1;
	case ST_IDLE:
	case ST_LOST:
		break;
	}
	return -1;
}

int pgiam_session_want_write(const pgiam_session *s)
{
	return s->want_write;
}

/* Whether events wait in the queue: the connect worker appends under the lock, so
 * the queue is only ever looked at under it. */
static int events_pending(const pgiam_session *s)
{
	int pending;

	pthread_mutex_lock((pthread_mutex_t *)&s->lock);
	pending = s->head != NULL;
	pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
	return pending;
}

int pgiam_session_timeout_ms(const pgiam_session *s)
{
	long long left;

	if (events_pending(s))
		return 0;
	if (s->deferred_until)
		return 10;
	if (!s->deadline_ms)
		return -1;
	left = s->deadline_ms - pgiam__session_now_ms();
	return left < 0 ? 0 : (int)(left > 60000 ? 60000 : left);
}

static void advance(pgiam_session *s)
{
	switch (s->state) {
	case ST_WORKER:
		pgiam__session_advance_worker(s);
		break;
	case ST_CONNECTING:
		pgiam__session_advance_connecting(s);
		break;
	case ST_INFO:
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		pgiam__session_advance_query(s);
		break;
	case ST_READY:
		if (s->deferred_until) {
			if (pgiam__session_cancel_pending(s) &&
			    pgiam__session_now_ms() < s->deferred_until)
				break;
			s->deferred_until = 0;
			pgiam__session_release_cancel(s);
			if (pgiam__session_check_alive(s) == 0) {
				char *sql = s->pending_sql;
				s->pending_sql = NULL;
				pgiam__session_send(s, sql);
				free(sql);
			} else {
				/* lost meanwhile: reconnect, then send */
				s->reconnecting = 1;
				pgiam__session_start_connect(s);
			}
			break;
		}
		pgiam__session_advance_idle(s);
		break;
	case ST_IDLE:
	case ST_LOST:
		break;
	}
}

static int pop(pgiam_session_event *ev, pgiam_session *s)
{
	ev_node *n;

	pthread_mutex_lock(&s->lock);
	n = s->head;
	if (n) {
		s->head = n->next;
		if (!s->head)
			s->tail = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	if (!n)
		return 0;
	s->current = n;
	ev->kind = n->kind;
	ev->step = n->step;
	ev->done = n->done;
	ev->ms = n->ms;
	ev->text = n->text ? n->text : "";
	ev->rows = n->rows;
	ev->nfields = n->nfields;
	ev->severity = n->severity;
	if (n->row) {
		int nf = PQnfields(n->row);
		if (nf > s->rowvals_cap) {
			const char **v = realloc(s->rowvals, sizeof(*v) * (size_t)nf);
			if (!v)
				return pgiam_error_set(PGIAM_ENOMEM, "out of memory reading a row");
			s->rowvals = v;
			s->rowvals_cap = nf;
		}
		for (int i = 0; i < nf; i++)
			s->rowvals[i] = PQgetisnull(n->row, 0, i) ? NULL : PQgetvalue(n->row, 0, i);
		ev->nfields = nf;
		ev->values = s->rowvals;
	}
	return 1;
}

int pgiam_session_step(pgiam_session_event *ev, pgiam_session *s)
{
	int got;

	memset(ev, 0, sizeof(*ev));
	ev->text = "";
	ev->severity = "";
	free_node(s->current);
	s->current = NULL;
	if (!events_pending(s))
		advance(s);
	if ((got = pop(ev, s)) < 0)
		return got;
	if (got && ev->kind == PGIAM_SEV_ERROR)
		return s->current->code ? s->current->code : PGIAM_ERROR;
	return 0;
}

pgiam_session_state pgiam_session_get_state(const pgiam_session *s)
{
	switch (s->state) {
	case ST_IDLE:
		return PGIAM_SESSION_DISCONNECTED;
	case ST_WORKER:
	case ST_CONNECTING:
	case ST_INFO:
		return PGIAM_SESSION_CONNECTING;
	case ST_READY:
		return s->deferred_until ? PGIAM_SESSION_BUSY : PGIAM_SESSION_READY;
	case ST_QUERY:
	case ST_EXPLAIN:
	case ST_TXNRO:
		return PGIAM_SESSION_BUSY;
	case ST_LOST:
		return PGIAM_SESSION_LOST;
	}
	return PGIAM_SESSION_DISCONNECTED;
}

const char *pgiam_session_state_name(pgiam_session_state state)
{
	switch (state) {
	case PGIAM_SESSION_DISCONNECTED: return "disconnected";
	case PGIAM_SESSION_CONNECTING:   return "connecting";
	case PGIAM_SESSION_READY:        return "connected";
	case PGIAM_SESSION_BUSY:         return "busy";
	case PGIAM_SESSION_LOST:         return "lost";
	}
	return "unknown";
}

const char *pgiam_session_column_name(const pgiam_session *s, int i)
{
	return i >= 0 && i < s->ncols ? s->colnames[i] : NULL;
}

unsigned pgiam_session_column_type(const pgiam_session *s, int i)
{
	return i >= 0 && i < s->ncols && s->coltypes ? s->coltypes[i] : 0;
}

const pgiam_session_error *pgiam_session_last_error(const pgiam_session *s)
{
	return &s->err;
}

void pgiam_session_get_info(pgiam_session_info *out, const pgiam_session *s)
{
	*out = s->info;
}

/* What pgiam_session_run_until is doing about stopping. */
typedef struct run_stop {
	const pgiam_cancel *cancel;
	long long deadline;          /* monotonic ms; 0 none */
	int timeout_ms;
	int why;                     /* 0 running, 1 cancelled, 2 out of time */
	long long give_up;           /* when the cancel's outcome is no longer waited for */
} run_stop;

/* The session settled: connected and idle, or closed. */
static int run_settled(const pgiam_session *s)
{
	return (s->state == ST_READY && !s->deferred_until) || s->state == ST_IDLE ||
		s->state == ST_LOST;
}

/* Sends the cancel once it is asked for or the time is up; drops the connection when
 * the cancel's outcome has not come within the grace time. */
static void run_check_stop(pgiam_session *s, run_stop *st)
{
	long long now = pgiam__session_now_ms();

	if (!st->why && (pgiam_cancel_requested(st->cancel) || (st->deadline && now >= st->deadline))) {
		st->why = pgiam_cancel_requested(st->cancel) ? 1 : 2;
		st->give_up = now + PGIAM_SESSION_CANCEL_GRACE_MS;
		pgiam_session_cancel(s);
		return;
	}
	if (st->why && now >= st->give_up && !run_settled(s))
		pgiam__session_lose(s, st->why == 1 ? "cancelled; the cancel request got no answer"
			: "no answer, not even to the cancel request");
}

/* Waits for the session's descriptor or timeout, at most until the next stop check. */
static void run_wait(pgiam_session *s, const run_stop *st)
{
	struct pollfd p = { pgiam_session_socket(s), pgiam_session_want_write(s) ? POLLOUT : POLLIN, 0 };
	int timeout = pgiam_session_timeout_ms(s);
	long long now = pgiam__session_now_ms();
	long long until = st->why ? st->give_up : st->deadline;

	if (st->cancel && !st->why && (timeout < 0 || timeout > 50))
		timeout = 50;   /* the flag is polled: another thread sets it */
	if (until && (timeout < 0 || until - now < timeout))
		timeout = until > now ? (int)(until - now) : 0;
	if (p.fd >= 0)
		poll(&p, 1, timeout);
	else if (timeout > 0)
		poll(NULL, 0, timeout);
}

int pgiam_session_run_until(pgiam_session *s, pgiam_session_event_fn cb, void *ctx,
	const pgiam_cancel *cancel, int timeout_ms)
{
	run_stop st = { cancel, 0, timeout_ms, 0, 0 };
	pgiam_session_event ev;
	int rc = 0, r;

	if (timeout_ms > 0)
		st.deadline = pgiam__session_now_ms() + timeout_ms;
	for (;;) {
		while ((r = pgiam_session_step(&ev, s)), ev.kind != PGIAM_SEV_NONE) {
			if (ev.kind == PGIAM_SEV_ERROR)
				rc = r;
			else if (ev.kind == PGIAM_SEV_CANCELLED)
				rc = PGIAM_ECANCELLED;
			else if (ev.kind == PGIAM_SEV_LOST && st.why)
				rc = PGIAM_ECANCELLED;
			if (cb)
				cb(&ev, s, ctx);
		}
		if (r < 0 && ev.kind == PGIAM_SEV_NONE)
			return r;
		if (run_settled(s))
			break;
		run_wait(s, &st);
		run_check_stop(s, &st);
	}
	if (rc == PGIAM_ECANCELLED && st.why == 2)
		return pgiam_error_set_class(PGIAM_ECLASS_QUERY, PGIAM_ETIMEOUT,
			"no answer within %d s (cancelled)", (timeout_ms + 999) / 1000);
	if (rc)
		pgiam_error_set(rc, "%s", rc == PGIAM_ECANCELLED ? "cancelled" : s->err.message);
	return rc;
}

int pgiam_session_run(pgiam_session *s, pgiam_session_event_fn cb, void *ctx)
{
	return pgiam_session_run_until(s, cb, ctx, NULL, 0);
}

void *pgiam_session_login_ctx(const pgiam_session *s, pgiam_session_login_fn fn)
{
	return s && fn && s->login_fn == fn ? s->login_ctx : NULL;
}
