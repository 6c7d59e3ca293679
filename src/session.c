/* session.c - the session's lifecycle, event queue, worker thread and connect steps.
 *
 * Connecting is a chain of steps, each reported as it begins and ends: source
 * credentials and AssumeRole (the credentials callback, in a worker thread because
 * STS is a blocking HTTP call), token (signed here, for the endpoint's name and port
 * even when TCP goes through a tunnel), then TCP, TLS and authentication, told apart
 * from libpq's connection status as PQconnectPoll advances. libpq's own copy of the
 * token (in the PGconn) cannot be wiped by us; our copy is wiped as soon as
 * PQconnectStartParams has taken it.
 */
#include "session_int.h"

#include "error.h"
#include "secure.h"
#include "token.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

long long pgiam__session_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
	if (s->tail)
		s->tail->next = n;
	else
		s->head = n;
	s->tail = n;
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
static void step_begin_locked(pgiam_session *s, pgiam_step step, ev_node *n)
{
	s->begun[step] = 1;
	s->step_t0[step] = pgiam__session_now_ms();
	if (step >= PGIAM_STEP_TCP && step <= PGIAM_STEP_AUTH)
		s->reached = step;
	n->kind = PGIAM_SEV_STEP;
	n->step = step;
}

static void report(pgiam_session *s, unsigned gen, pgiam_step step, int done, const char *detail)
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
	if (done && !s->begun[step])
		s->step_t0[step] = pgiam__session_now_ms();
	if (done) {
		s->begun[step] = s->finished[step] = 1;
		n->kind = PGIAM_SEV_STEP;
		n->step = step;
		n->done = 1;
		n->ms = pgiam__session_now_ms() - s->step_t0[step];
	} else {
		step_begin_locked(s, step, n);
	}
	n->text = copy;
	if (s->tail)
		s->tail->next = n;
	else
		s->head = n;
	s->tail = n;
	pthread_mutex_unlock(&s->lock);
}

void pgiam__session_step(pgiam_session *s, pgiam_step step, int done, const char *detail)
{
	report(s, s->gen, step, done, detail);
}

static void step_begin(pgiam_session *s, pgiam_step step, const char *detail)
{
	report(s, s->gen, step, 0, detail);
}

static void step_done(pgiam_session *s, pgiam_step step, const char *detail)
{
	report(s, s->gen, step, 1, detail);
}

void pgiam_session_progress_report(pgiam_session_progress *p, pgiam_step step, int done,
	const char *detail)
{
	char c = 'p';

	report(p->s, p->gen, step, done, detail);
	/* Wake the caller's poll so progress shows while STS is still answering. */
	if (write(p->pipe[1], &c, 1) < 0 && errno != EAGAIN)
		return;
}

int pgiam_session_progress_cancelled(const pgiam_session_progress *p)
{
	return atomic_load(&p->cancelled);
}

time_t pgiam_session_progress_now(const pgiam_session_progress *p)
{
	return p->now;
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
	}
	return code;
}

static void clear_error(pgiam_session *s)
{
	memset(&s->err, 0, sizeof(s->err));
}

static void close_conn(pgiam_session *s)
{
	if (s->conn)
		PQfinish(s->conn);  /* frees libpq's copy of the token (not wiped: libpq's) */
	s->conn = NULL;
	s->want_write = 0;
	s->flushing = 0;
	s->deadline_ms = 0;
}

void pgiam__session_lose(pgiam_session *s, const char *why)
{
	char line[512];

	if (s->notice[0] && strstr(s->notice, "FATAL"))
		pgiam_explain_first_line(line, sizeof(line), s->notice);
	else
		pgiam_explain_first_line(line, sizeof(line), why);
	close_conn(s);
	s->state = ST_LOST;
	pgiam__session_push(s, PGIAM_SEV_LOST, PGIAM_STEP_READY, line);
}

static void join_job(pgiam_session *s)
{
	if (s->job.joinable) {
		pthread_join(s->job.thread, NULL);
		s->job.joinable = 0;
	}
	if (s->job.pipe[0] >= 0)
		close(s->job.pipe[0]);
	if (s->job.pipe[1] >= 0)
		close(s->job.pipe[1]);
	s->job.pipe[0] = s->job.pipe[1] = -1;
	pgiam_creds_dispose(&s->job.creds);
}

static void join_cancel(pgiam_session *s)
{
	if (s->cancel_joinable) {
		pthread_join(s->cancel_thread, NULL);
		s->cancel_joinable = 0;
	}
}

/* Resolves the address TCP goes to, so libpq never does a blocking lookup itself and
 * hostaddr is always an IP (libpq requires that). */
int pgiam_session_resolve(char *out, size_t outlen, const char *name)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0)
		return pgiam_error_set(PGIAM_ENET, "TCP connect: cannot resolve %s: %s", name,
			gai_strerror(rc));
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, out, (socklen_t)outlen, NULL, 0,
		NI_NUMERICHOST);
	freeaddrinfo(res);
	if (rc != 0)
		return pgiam_error_set(PGIAM_ENET, "TCP connect: cannot resolve %s: %s", name,
			gai_strerror(rc));
	return 0;
}

static void *worker_main(void *arg)
{
	pgiam_session_progress *job = arg;
	pgiam_session *s = job->s;
	const char *name = s->connect_host ? s->connect_host : s->host;
	int error = 0;
	char c = 'd';

	pgiam_error_clear();
	if (s->creds_fn) {
		error = s->creds_fn(&job->creds, job, s->creds_ctx);
		if (!error && pgiam_creds_seconds_left(&job->creds, time(NULL)) <= 60)
			error = pgiam_error_set(PGIAM_EEXPIRED, "source credentials: the credentials "
				"expire in %lds; a token needs credentials with more than a minute left",
				pgiam_creds_seconds_left(&job->creds, time(NULL)));
		if (error) {
			pthread_mutex_lock(&s->lock);
			job->fail_step = s->begun[PGIAM_STEP_ASSUME_ROLE] &&
				!s->finished[PGIAM_STEP_ASSUME_ROLE] ? PGIAM_STEP_ASSUME_ROLE :
				PGIAM_STEP_CREDENTIALS;
			pthread_mutex_unlock(&s->lock);
		}
	}
	if (!error && atomic_load(&job->cancelled))
		error = pgiam_error_set(PGIAM_ECANCELLED, "cancelled");
	if (!error && (error = pgiam_session_resolve(job->hostaddr, sizeof(job->hostaddr), name)) < 0)
		job->fail_step = PGIAM_STEP_TCP;
	if (error)
		snprintf(job->message, sizeof(job->message), "%s",
			*pgiam_error_last() ? pgiam_error_last() : pgiam_error_text(error));
	job->result = error;
	atomic_store(&job->done, 1);
	if (write(job->pipe[1], &c, 1) < 0)
		return NULL;
	return NULL;
}

int pgiam__session_start_connect(pgiam_session *s)
{
	int error;

	join_job(s);
	join_cancel(s);
	close_conn(s);
	clear_error(s);
	pthread_mutex_lock(&s->lock);
	s->gen++;
	memset(s->begun, 0, sizeof(s->begun));
	memset(s->finished, 0, sizeof(s->finished));
	s->reached = PGIAM_STEP_CREDENTIALS;
	pthread_mutex_unlock(&s->lock);
	s->cancel_requested = 0;

	memset(&s->job, 0, sizeof(s->job));
	s->job.pipe[0] = s->job.pipe[1] = -1;
	s->job.s = s;
	s->job.gen = s->gen;
	s->job.now = time(NULL);
	if (pipe2(s->job.pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return pgiam__session_fail(s, PGIAM_STEP_CREDENTIALS, PGIAM_EIO,
			"source credentials: cannot create a pipe: %s", strerror(errno));
	if (s->creds_fn)
		step_begin(s, PGIAM_STEP_CREDENTIALS, "");
	s->state = ST_WORKER;
	if ((error = pthread_create(&s->job.thread, NULL, worker_main, &s->job)) != 0) {
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		return pgiam__session_fail(s, PGIAM_STEP_CREDENTIALS, PGIAM_ERROR,
			"source credentials: cannot start a thread: %s", strerror(error));
	}
	s->job.joinable = 1;
	return 0;
}

/* A connect attempt failed: record it and go back to disconnected (or lost). */
static int connect_fail_state(pgiam_session *s)
{
	close_conn(s);
	s->state = s->reconnecting ? ST_LOST : ST_IDLE;
	free(s->pending_sql);
	s->pending_sql = NULL;
	return s->err.code;
}

static void fmt_time(char *out, size_t outlen, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%H:%M:%SZ", &tm);
}

/* Notices never go to stderr (the TUI owns the terminal); the last one is kept
 * because a server shutting down says why in a FATAL notice before closing. */
static void notice_processor(void *arg, const char *message)
{
	pgiam_session *s = arg;

	snprintf(s->notice, sizeof(s->notice), "%s", message);
}

/* The worker finished: sign a token and start libpq. */
static int after_worker(pgiam_session *s)
{
	const char *kw[20], *val[20];
	char port[16], timeout[16], detail[512], at[16];
	char *token = NULL;
	int i = 0, error = 0;

	if (s->job.result < 0) {
		const char *msg = s->job.message;
		const char *name = pgiam_step_name(s->job.fail_step);
		if (!strncmp(msg, name, strlen(name)))
			pgiam__session_fail(s, s->job.fail_step, s->job.result, "%s", msg);
		else
			pgiam__session_fail(s, s->job.fail_step, s->job.result, "%s: %s", name, msg);
		return connect_fail_state(s);
	}
	if (s->creds_fn) {
		step_done(s, PGIAM_STEP_CREDENTIALS, s->job.creds.source);
		s->info.creds_expiration = s->job.creds.expiration;
		snprintf(s->info.creds_source, sizeof(s->info.creds_source), "%s",
			s->job.creds.source ? s->job.creds.source : "");
	}

	snprintf(s->token_host, sizeof(s->token_host), "%s", s->sign_host ? s->sign_host : s->host);
	s->token_port = s->sign_port ? s->sign_port : s->port;
	snprintf(s->token_user, sizeof(s->token_user), "%s", s->sign_user ? s->sign_user : s->user);
	snprintf(s->token_region, sizeof(s->token_region), "%s",
		s->sign_region ? s->sign_region : (s->region ? s->region : ""));
	if (!s->password) {
		pgiam_token_params tp = { s->token_host, s->token_port, s->token_user,
			s->token_region, time(NULL) + s->sign_time_offset };
		step_begin(s, PGIAM_STEP_TOKEN, "");
		if ((error = pgiam_token_generate(&token, &tp, &s->job.creds)) < 0) {
			pgiam__session_fail(s, PGIAM_STEP_TOKEN, error, "token: %s", pgiam_error_last());
			return connect_fail_state(s);
		}
		s->info.token_signed_at = tp.time;
		s->info.token_expires_at = tp.time + PGIAM_TOKEN_LIFETIME;
		fmt_time(at, sizeof(at), s->info.token_expires_at);
		snprintf(detail, sizeof(detail), "signed for %s:%d as %s in %s, expires at %s",
			s->token_host, s->token_port, s->token_user, s->token_region, at);
		step_done(s, PGIAM_STEP_TOKEN, detail);
	}
	pgiam_creds_dispose(&s->job.creds);

	snprintf(port, sizeof(port), "%d", s->connect_port ? s->connect_port : s->port);
	snprintf(timeout, sizeof(timeout), "%d", s->connect_timeout);
	snprintf(s->info.hostaddr, sizeof(s->info.hostaddr), "%s", s->job.hostaddr);
	s->info.tcp_port = s->connect_port ? s->connect_port : s->port;
	kw[i] = "host";             val[i++] = s->host;
	kw[i] = "hostaddr";         val[i++] = s->job.hostaddr;
	kw[i] = "port";             val[i++] = port;
	kw[i] = "dbname";           val[i++] = s->dbname;
	kw[i] = "user";             val[i++] = s->user;
	kw[i] = "password";         val[i++] = s->password ? s->password : token;
	kw[i] = "sslmode";          val[i++] = s->sslmode;
	if (s->sslrootcert) {
		kw[i] = "sslrootcert"; val[i++] = s->sslrootcert;
	}
	kw[i] = "application_name"; val[i++] = "pgiam";
	kw[i] = "connect_timeout";  val[i++] = timeout;
	kw[i] = "client_encoding";  val[i++] = "UTF8";
	/* GSS encryption would be tried first when a Kerberos cache exists; IAM never uses it. */
	kw[i] = "gssencmode";       val[i++] = "disable";
	if (s->read_only) {
		kw[i] = "options"; val[i++] = "-c default_transaction_read_only=on";
	}
	kw[i] = NULL; val[i] = NULL;

	s->conn = PQconnectStartParams(kw, val, 0);
	pgiam_free_secret(token);  /* libpq holds its own copy now */
	if (!s->conn) {
		pgiam__session_fail(s, PGIAM_STEP_TCP, PGIAM_ENOMEM, "TCP connect: out of memory");
		return connect_fail_state(s);
	}
	s->info.connections++;
	s->notice[0] = '\0';
	PQsetNoticeProcessor(s->conn, notice_processor, s);
	snprintf(detail, sizeof(detail), "%s:%s%s%s", s->job.hostaddr, port,
		s->connect_host ? " (tunnel for " : "", s->connect_host ? s->info.endpoint : "");
	if (s->connect_host)
		strncat(detail, ")", sizeof(detail) - strlen(detail) - 1);
	step_begin(s, PGIAM_STEP_TCP, detail);
	if (PQstatus(s->conn) == CONNECTION_BAD) {
		pgiam__session_fail(s, PGIAM_STEP_TCP, PGIAM_ENET, "TCP connect: %s",
			PQerrorMessage(s->conn));
		return connect_fail_state(s);
	}
	s->state = ST_CONNECTING;
	s->want_write = 1;
	s->deadline_ms = pgiam__session_now_ms() + (long long)s->connect_timeout * 1000;
	return 0;
}

static void tls_details(pgiam_session *s)
{
	SSL *ssl = PQsslStruct(s->conn, "OpenSSL");
	X509 *cert = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
	const char *v;

	s->info.tls = PQsslInUse(s->conn);
	if ((v = PQsslAttribute(s->conn, "protocol")))
		snprintf(s->info.tls_protocol, sizeof(s->info.tls_protocol), "%s", v);
	if ((v = PQsslAttribute(s->conn, "cipher")))
		snprintf(s->info.tls_cipher, sizeof(s->info.tls_cipher), "%s", v);
	if (cert) {
		X509_NAME_oneline(X509_get_subject_name(cert), s->info.tls_subject,
			sizeof(s->info.tls_subject));
		X509_NAME_oneline(X509_get_issuer_name(cert), s->info.tls_issuer,
			sizeof(s->info.tls_issuer));
		X509_free(cert);
	}
}

/* Which connect step libpq's status corresponds to; ends the steps it has passed. */
static void track_connect(pgiam_session *s)
{
	ConnStatusType cs = PQstatus(s->conn);
	pgiam_step at = PGIAM_STEP_TCP;
	char detail[600];

	switch (cs) {
	case CONNECTION_STARTED:
	case CONNECTION_NEEDED:
	case CONNECTION_MADE:
	case CONNECTION_GSS_STARTUP:
		at = PGIAM_STEP_TCP;
		if (cs == CONNECTION_MADE)
			at = PGIAM_STEP_TLS;
		break;
	case CONNECTION_SSL_STARTUP:
		at = PGIAM_STEP_TLS;
		break;
	case CONNECTION_AWAITING_RESPONSE:
	case CONNECTION_AUTH_OK:
	case CONNECTION_SETENV:
	case CONNECTION_CHECK_WRITABLE:
	case CONNECTION_CONSUME:
	case CONNECTION_CHECK_TARGET:
	case CONNECTION_CHECK_STANDBY:
	case CONNECTION_OK:
		at = cs == CONNECTION_AWAITING_RESPONSE ? PGIAM_STEP_AUTH : PGIAM_STEP_READY;
		break;
	case CONNECTION_BAD:
		return;
	}
	if (at > PGIAM_STEP_TCP && !s->finished[PGIAM_STEP_TCP]) {
		snprintf(detail, sizeof(detail), "connected to %s port %d", s->info.hostaddr,
			s->info.tcp_port);
		step_done(s, PGIAM_STEP_TCP, detail);
	}
	if (at >= PGIAM_STEP_TLS && !s->begun[PGIAM_STEP_TLS])
		step_begin(s, PGIAM_STEP_TLS, s->host);
	if (at > PGIAM_STEP_TLS && !s->finished[PGIAM_STEP_TLS]) {
		tls_details(s);
		if (s->info.tls)
			snprintf(detail, sizeof(detail), "%s %s, server certificate %s, verified "
				"(%s) for %s against %s", s->info.tls_protocol, s->info.tls_cipher,
				s->info.tls_subject, s->sslmode, s->host,
				s->sslrootcert ? s->sslrootcert : "the default root store");
		else
			snprintf(detail, sizeof(detail), "not encrypted (sslmode %s)", s->sslmode);
		step_done(s, PGIAM_STEP_TLS, detail);
	}
	if (at >= PGIAM_STEP_AUTH && !s->begun[PGIAM_STEP_AUTH])
		step_begin(s, PGIAM_STEP_AUTH, s->user);
	if (at > PGIAM_STEP_AUTH && !s->finished[PGIAM_STEP_AUTH])
		step_done(s, PGIAM_STEP_AUTH, s->password ? "password accepted" : "IAM token accepted");
}

static int connect_failed(pgiam_session *s, const char *why)
{
	const char *msg = why ? why : PQerrorMessage(s->conn);
	pgiam_step step = pgiam_explain_connect_step(msg, s->reached);
	char line[512];
	pgiam_buf causes = PGIAM_BUF_INIT;

	pgiam_explain_first_line(line, sizeof(line), msg);
	switch (step) {
	case PGIAM_STEP_TCP:
		pgiam__session_fail(s, step, PGIAM_ENET, "TCP connect: %s (to %s port %d%s%s)",
			line, s->info.hostaddr, s->info.tcp_port,
			s->connect_host ? ", the tunnel for " : "", s->connect_host ? s->info.endpoint : "");
		break;
	case PGIAM_STEP_TLS:
		pgiam__session_fail(s, step, PGIAM_ENET, "TLS verification: %s (server name %s, "
			"CA bundle %s, sslmode %s)", line, s->host,
			s->sslrootcert ? s->sslrootcert : "libpq's default ~/.postgresql/root.crt",
			s->sslmode);
		break;
	case PGIAM_STEP_AUTH: {
		pgiam_explain_auth f = { s->user, s->host, s->port, s->connect_host,
			s->connect_port, s->token_host, s->token_port, s->token_user,
			s->token_region, s->info.token_signed_at, s->info.creds_expiration,
			time(NULL), s->password != NULL,
			strstr(line, "password authentication failed") != NULL };
		pgiam_explain_auth_failure(&causes, &f);
		snprintf(s->err.explanation, sizeof(s->err.explanation), "%s",
			pgiam_buf_cstr(&causes));
		pgiam__session_fail(s, step, PGIAM_EAUTH, "authentication: %s: %s", line,
			pgiam_buf_cstr(&causes));
		snprintf(s->err.explanation, sizeof(s->err.explanation), "%s",
			pgiam_buf_cstr(&causes));
		break;
	}
	case PGIAM_STEP_AUTHORIZATION:
		pgiam__session_fail(s, step, PGIAM_EDENIED, "authorization: %s", line);
		break;
	case PGIAM_STEP_CREDENTIALS:
	case PGIAM_STEP_ASSUME_ROLE:
	case PGIAM_STEP_TOKEN:
	case PGIAM_STEP_READY:
	case PGIAM_STEP_QUERY:
	case PGIAM_STEP__COUNT:
		pgiam__session_fail(s, step, PGIAM_ENET, "%s: %s", pgiam_step_name(step), line);
		break;
	}
	pgiam_buf_dispose(&causes);
	return connect_fail_state(s);
}

static void advance_connecting(pgiam_session *s)
{
	struct pollfd p = { PQsocket(s->conn), s->want_write ? POLLOUT : POLLIN, 0 };
	PostgresPollingStatusType r;

	/* PQconnectPoll must only run when the socket is ready: polled too early while
	 * the TCP connect is pending, it would take the connect for done. */
	if (p.fd >= 0 && poll(&p, 1, 0) == 0) {
		if (s->deadline_ms && pgiam__session_now_ms() >= s->deadline_ms) {
			char why[128];
			snprintf(why, sizeof(why), "timed out after %d s during %s",
				s->connect_timeout, pgiam_step_name(s->reached));
			if (s->reached == PGIAM_STEP_TCP)
				connect_failed(s, why);
			else
				pgiam__session_fail(s, s->reached, PGIAM_ENET, "%s: %s",
					pgiam_step_name(s->reached), why), connect_fail_state(s);
		}
		return;
	}
	r = PQconnectPoll(s->conn);
	track_connect(s);
	switch (r) {
	case PGRES_POLLING_WRITING:
		s->want_write = 1;
		break;
	case PGRES_POLLING_READING:
		s->want_write = 0;
		break;
	case PGRES_POLLING_FAILED:
		connect_failed(s, NULL);
		break;
	case PGRES_POLLING_OK:
		s->deadline_ms = 0;
		if (PQsetnonblocking(s->conn, 1) != 0) {
			connect_failed(s, "cannot switch the connection to non-blocking mode");
			break;
		}
		pgiam__session_send_info(s);
		break;
	case PGRES_POLLING_ACTIVE:
		break;
	}
}

static void advance_worker(pgiam_session *s)
{
	char buf[64];

	while (read(s->job.pipe[0], buf, sizeof(buf)) > 0)
		;
	if (!atomic_load(&s->job.done))
		return;
	pthread_join(s->job.thread, NULL);
	s->job.joinable = 0;
	after_worker(s);
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
	if (!p->password && !p->creds)
		return pgiam_error_set(PGIAM_EINVAL, "a session needs a credentials source or a "
			"password");
	if (!(s = calloc(1, sizeof(*s))))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory creating a session");
	pthread_mutex_init(&s->lock, NULL);
	s->job.pipe[0] = s->job.pipe[1] = -1;
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
#undef COPY_
	s->port = p->port;
	s->connect_port = p->connect_port;
	s->read_only = p->read_only;
	s->connect_timeout = p->connect_timeout > 0 ? p->connect_timeout : 15;
	s->sign_port = p->sign_port;
	s->sign_time_offset = p->sign_time_offset;
	s->creds_fn = p->creds;
	s->creds_ctx = p->creds_ctx;
	s->creds_cancel = p->creds_cancel;
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
	if (s->job.joinable) {
		atomic_store(&s->job.cancelled, 1);
		if (s->creds_cancel)
			s->creds_cancel(s->creds_ctx);
	}
	join_job(s);
	join_cancel(s);
	close_conn(s);
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
	free(s->pending_sql);
	free(s->running_sql);
	if (s->owned_free)
		s->owned_free(s->owned);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int pgiam_session_connect(pgiam_session *s)
{
	switch (s->state) {
	case ST_READY:
	case ST_QUERY:
	case ST_EXPLAIN:
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

int pgiam_session_query(pgiam_session *s, const char *sql)
{
	char *copy = NULL;

	if (!sql || !*sql)
		return pgiam_error_set(PGIAM_EINVAL, "empty query");
	switch (s->state) {
	case ST_QUERY:
	case ST_EXPLAIN:
		return pgiam_error_set(PGIAM_EAGAIN, "a query is already running");
	case ST_WORKER:
	case ST_CONNECTING:
	case ST_INFO:
		if (s->pending_sql)
			return pgiam_error_set(PGIAM_EAGAIN, "a query is already waiting for the connection");
		break;
	case ST_READY:
		if (pgiam__session_check_alive(s) == 0)
			return pgiam__session_send(s, sql);
		break;
	case ST_IDLE:
	case ST_LOST:
		break;
	}
	if (!(copy = pgiam_strdup(sql)))
		return PGIAM_ENOMEM;
	free(s->pending_sql);
	s->pending_sql = copy;
	if (s->state == ST_IDLE || s->state == ST_LOST) {
		s->reconnecting = s->state == ST_LOST;
		return pgiam__session_start_connect(s);
	}
	return 0;
}

static void *cancel_main(void *arg)
{
	PGcancel *c = arg;
	char errbuf[256];

	PQcancel(c, errbuf, sizeof(errbuf));
	PQfreeCancel(c);
	return NULL;
}

int pgiam_session_cancel(pgiam_session *s)
{
	PGcancel *c = NULL;
	int error;

	switch (s->state) {
	case ST_WORKER:
		atomic_store(&s->job.cancelled, 1);
		if (s->creds_cancel)
			s->creds_cancel(s->creds_ctx);
		pthread_mutex_lock(&s->lock);
		s->gen++;  /* late progress reports from the worker are dropped */
		pthread_mutex_unlock(&s->lock);
		/* The worker is joined at the next connect or at free. */
		/* fallthrough */
	case ST_CONNECTING:
	case ST_INFO:
		close_conn(s);
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		free(s->pending_sql);
		s->pending_sql = NULL;
		return pgiam__session_push(s, PGIAM_SEV_CANCELLED, s->reached, "connect cancelled");
	case ST_QUERY:
	case ST_EXPLAIN:
		if (s->cancel_requested)
			return 0;
		join_cancel(s);
		/* PQcancel opens a new connection to the address this one went to (hostaddr,
		 * so it goes through the tunnel too); it blocks, so it runs in a thread. */
		if (!(c = PQgetCancel(s->conn)))
			return pgiam_error_set(PGIAM_ERROR, "query: cannot build a cancel request");
		if ((error = pthread_create(&s->cancel_thread, NULL, cancel_main, c)) != 0) {
			PQfreeCancel(c);
			return pgiam_error_set(PGIAM_ERROR, "query: cannot start a thread: %s",
				strerror(error));
		}
		s->cancel_joinable = 1;
		s->cancel_requested = 1;
		return 0;
	case ST_IDLE:
	case ST_READY:
	case ST_LOST:
		break;
	}
	return 0;
}

int pgiam_session_socket(const pgiam_session *s)
{
	switch (s->state) {
	case ST_WORKER:
		return s->job.pipe[0];
	case ST_CONNECTING:
	case ST_INFO:
	case ST_READY:
	case ST_QUERY:
	case ST_EXPLAIN:
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

int pgiam_session_timeout_ms(const pgiam_session *s)
{
	long long left;

	if (s->head)
		return 0;
	if (!s->deadline_ms)
		return -1;
	left = s->deadline_ms - pgiam__session_now_ms();
	return left < 0 ? 0 : (int)(left > 60000 ? 60000 : left);
}

static void advance(pgiam_session *s)
{
	switch (s->state) {
	case ST_WORKER:
		advance_worker(s);
		break;
	case ST_CONNECTING:
		advance_connecting(s);
		break;
	case ST_INFO:
	case ST_QUERY:
	case ST_EXPLAIN:
		pgiam__session_advance_query(s);
		break;
	case ST_READY:
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
	free_node(s->current);
	s->current = NULL;
	if (!s->head)
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
		return PGIAM_SESSION_READY;
	case ST_QUERY:
	case ST_EXPLAIN:
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

const pgiam_session_error *pgiam_session_last_error(const pgiam_session *s)
{
	return &s->err;
}

void pgiam_session_get_info(pgiam_session_info *out, const pgiam_session *s)
{
	*out = s->info;
}

struct pg_conn *pgiam_session_pgconn(pgiam_session *s)
{
	return s->state == ST_READY ? s->conn : NULL;
}

int pgiam_session_run(pgiam_session *s, pgiam_session_event_fn cb, void *ctx)
{
	pgiam_session_event ev;
	int rc = 0, r;

	for (;;) {
		while ((r = pgiam_session_step(&ev, s)), ev.kind != PGIAM_SEV_NONE) {
			if (ev.kind == PGIAM_SEV_ERROR)
				rc = r;
			else if (ev.kind == PGIAM_SEV_CANCELLED)
				rc = pgiam_error_set(PGIAM_ECANCELLED, "cancelled");
			if (cb)
				cb(&ev, s, ctx);
		}
		if (r < 0 && ev.kind == PGIAM_SEV_NONE)
			return r;
		if (s->state == ST_READY || s->state == ST_IDLE || s->state == ST_LOST)
			break;
		{
			struct pollfd p = { pgiam_session_socket(s),
				pgiam_session_want_write(s) ? POLLOUT : POLLIN, 0 };
			int timeout = pgiam_session_timeout_ms(s);
			if (p.fd >= 0)
				poll(&p, 1, timeout);
			else if (timeout > 0)
				poll(NULL, 0, timeout);
		}
	}
	if (rc)
		pgiam_error_set(rc, "%s", rc == PGIAM_ECANCELLED ? "cancelled" : s->err.message);
	return rc;
}
