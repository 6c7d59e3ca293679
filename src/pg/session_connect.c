/* session_connect.c - connecting: the worker thread (credentials, name resolution),
 * the token, PQconnectStartParams/PQconnectPoll, and the steps told apart from
 * libpq's connection status. Failures are classified and explained (explain.h).
 *
 * The token is signed for the endpoint's name and port even when TCP goes through a
 * tunnel (connect_host). libpq's own copy of the token (in the PGconn) cannot be
 * wiped by us; ours is wiped as soon as PQconnectStartParams has taken it.
 */
#include "session_int.h"

#include "error.h"
#include "secure.h"

#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* A login failed: blame the last step it began and did not finish (AssumeRole while
 * STS answers, token while signing), else the source credentials. */
static pgiam_step unfinished_step(pgiam_session *s)
{
	pgiam_step step = PGIAM_STEP_CREDENTIALS;

	pthread_mutex_lock(&s->lock);
	for (int i = PGIAM_STEP_CREDENTIALS; i <= PGIAM_STEP_TOKEN; i++)
		if (s->begun[i] && !s->finished[i])
			step = (pgiam_step)i;
	pthread_mutex_unlock(&s->lock);
	return step;
}

void pgiam__session_login_dispose(pgiam_session_login *login)
{
	pgiam_free_secret(login->password);
	memset(login, 0, sizeof(*login));
}

static void worker_main(pgiam_job *self, void *arg)
{
	pgiam_session_progress *job = arg;
	pgiam_session *s = job->s;
	const char *name = s->connect_host ? s->connect_host : s->host;
	int error = 0;

	job->self = self;
	job->cancel = pgiam_job_cancel_flag(self);
	pgiam_error_clear();
	if (s->login_fn) {
		pgiam_session_login_target t = { s->token_host, s->token_port, s->token_user,
			s->token_region, s->sign_time_offset };
		if ((error = s->login_fn(&job->login, &t, job, s->login_ctx)) < 0)
			job->fail_step = unfinished_step(s);
	}
	if (!error && pgiam_cancel_requested(job->cancel))
		error = pgiam_error_set(PGIAM_ECANCELLED, "cancelled");
	if (!error && (error = pgiam_session_resolve(job->hostaddr, sizeof(job->hostaddr), name)) < 0)
		job->fail_step = PGIAM_STEP_TCP;
	if (error)
		snprintf(job->message, sizeof(job->message), "%s",
			*pgiam_error_last() ? pgiam_error_last() : pgiam_error_text(error));
	job->result = error;
}

int pgiam__session_start_connect(pgiam_session *s)
{
	int error;

	pgiam__session_join_job(s);
	pgiam__session_release_cancel(s);
	s->deferred_until = 0;
	pgiam__session_close_conn(s);
	pgiam__session_clear_error(s);
	pthread_mutex_lock(&s->lock);
	s->gen++;
	memset(s->begun, 0, sizeof(s->begun));
	memset(s->finished, 0, sizeof(s->finished));
	s->reached = PGIAM_STEP_CREDENTIALS;
	pthread_mutex_unlock(&s->lock);
	s->cancel_requested = 0;

	memset(&s->job, 0, sizeof(s->job));
	s->job.s = s;
	s->job.gen = s->gen;
	s->job.now = time(NULL);
	/* the login's target, fixed before the worker starts (it reads them) */
	snprintf(s->token_host, sizeof(s->token_host), "%s", s->sign_host ? s->sign_host : s->host);
	s->token_port = s->sign_port ? s->sign_port : s->port;
	snprintf(s->token_user, sizeof(s->token_user), "%s", s->sign_user ? s->sign_user : s->user);
	snprintf(s->token_region, sizeof(s->token_region), "%s",
		s->sign_region ? s->sign_region : (s->region ? s->region : ""));
	if (s->login_fn)
		pgiam__session_step(s, PGIAM_STEP_CREDENTIALS, 0, "");
	s->state = ST_WORKER;
	if ((error = pgiam__session_start_worker(s, worker_main)) < 0) {
		s->state = s->reconnecting ? ST_LOST : ST_IDLE;
		return pgiam__session_fail(s, PGIAM_STEP_CREDENTIALS, error,
			"source credentials: %s", pgiam_error_last());
	}
	return 0;
}

/* A connect attempt failed: record it and go back to disconnected (or lost). The
 * worker's credentials (secret keys) go now, not at the next attempt: a failed
 * session can sit on screen for hours. */
static int connect_fail_state(pgiam_session *s)
{
	pgiam__session_login_dispose(&s->job.login);
	pgiam__session_close_conn(s);
	s->state = s->reconnecting ? ST_LOST : ST_IDLE;
	free(s->pending_sql);
	s->pending_sql = NULL;
	pgiam__session_drop_params(s);
	return s->err.code;
}

/* The worker finished (credentials, token, address): start libpq. */
static int after_worker(pgiam_session *s)
{
	const char *kw[24], *val[24];
	char port[16], timeout[16], detail[512];
	int i = 0;

	if (s->job.result < 0) {
		const char *msg = s->job.message;
		const char *name = pgiam_step_name(s->job.fail_step);
		if (!strncmp(msg, name, strlen(name)))
			pgiam__session_fail(s, s->job.fail_step, s->job.result, "%s", msg);
		else
			pgiam__session_fail(s, s->job.fail_step, s->job.result, "%s: %s", name, msg);
		return connect_fail_state(s);
	}
	if (s->login_fn) {
		s->info.creds_expiration = s->job.login.creds_expiration;
		snprintf(s->info.creds_source, sizeof(s->info.creds_source), "%s",
			s->job.login.creds_source);
		s->info.token_signed_at = s->job.login.signed_at;
		s->info.token_expires_at = s->job.login.expires_at;
		s->info.token_expiry_by_creds = s->job.login.expiry_by_creds;
		s->login_reassumed = s->job.login.reassumed;
	}

	snprintf(port, sizeof(port), "%d", s->connect_port ? s->connect_port : s->port);
	snprintf(timeout, sizeof(timeout), "%d", s->connect_timeout);
	snprintf(s->info.hostaddr, sizeof(s->info.hostaddr), "%s", s->job.hostaddr);
	s->info.tcp_port = s->connect_port ? s->connect_port : s->port;
	kw[i] = "host";             val[i++] = s->host;
	kw[i] = "hostaddr";         val[i++] = s->job.hostaddr;
	kw[i] = "port";             val[i++] = port;
	kw[i] = "dbname";           val[i++] = s->dbname;
	kw[i] = "user";             val[i++] = s->user;
	kw[i] = "password";         val[i++] = s->password ? s->password : s->job.login.password;
	kw[i] = "sslmode";          val[i++] = s->sslmode;
	if (s->sslrootcert) {
		kw[i] = "sslrootcert"; val[i++] = s->sslrootcert;
	}
	kw[i] = "application_name"; val[i++] = "pgiam";
	kw[i] = "connect_timeout";  val[i++] = timeout;
	kw[i] = "client_encoding";  val[i++] = "UTF8";
	/* GSS encryption would be tried first when a Kerberos cache exists; IAM never uses it. */
	kw[i] = "gssencmode";       val[i++] = "disable";
	/* A tunnel or network that dies silently is noticed while idle, not at the
	 * next query's TCP timeout. */
	kw[i] = "keepalives";       val[i++] = "1";
	kw[i] = "keepalives_idle";  val[i++] = "30";
	kw[i] = "keepalives_interval"; val[i++] = "10";
	kw[i] = "keepalives_count"; val[i++] = "3";
	if (s->read_only) {
		kw[i] = "options"; val[i++] = "-c default_transaction_read_only=on";
	}
	kw[i] = NULL; val[i] = NULL;

	s->conn = PQconnectStartParams(kw, val, 0);
	pgiam__session_login_dispose(&s->job.login);  /* libpq holds its own copy now */
	if (!s->conn) {
		pgiam__session_fail(s, PGIAM_STEP_TCP, PGIAM_ENOMEM, "TCP connect: out of memory");
		return connect_fail_state(s);
	}
	s->info.connections++;
	s->notice[0] = '\0';
	/* Notices never go to stderr (the TUI owns the terminal): session_notice.c. */
	PQsetNoticeReceiver(s->conn, pgiam__session_notice_receiver, s);
	snprintf(detail, sizeof(detail), "%s:%s%s%s", s->job.hostaddr, port,
		s->connect_host ? " (tunnel for " : "", s->connect_host ? s->info.endpoint : "");
	if (s->connect_host)
		strncat(detail, ")", sizeof(detail) - strlen(detail) - 1);
	pgiam__session_step(s, PGIAM_STEP_TCP, 0, detail);
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
		pgiam__session_step(s, PGIAM_STEP_TCP, 1, detail);
	}
	if (at >= PGIAM_STEP_TLS && !s->begun[PGIAM_STEP_TLS])
		pgiam__session_step(s, PGIAM_STEP_TLS, 0, s->host);
	if (at > PGIAM_STEP_TLS && !s->finished[PGIAM_STEP_TLS]) {
		tls_details(s);
		const char *bundle = s->sslrootcert ? s->sslrootcert : "~/.postgresql/root.crt";
		/* libpq: with a root file, sslmode=require verifies the chain like verify-ca */
		int require_ca = !strcmp(s->sslmode, "require") && s->sslrootcert &&
			access(s->sslrootcert, R_OK) == 0;
		s->info.tls_verified = !s->info.tls ? 0 : !strcmp(s->sslmode, "verify-full") ? 2 :
			!strcmp(s->sslmode, "verify-ca") || require_ca ? 1 : 0;
		if (s->info.tls && !strcmp(s->sslmode, "verify-full"))
			snprintf(detail, sizeof(detail), "%s %s, server certificate %s, verified "
				"(verify-full) for %s against %s", s->info.tls_protocol,
				s->info.tls_cipher, s->info.tls_subject, s->host, bundle);
		else if (s->info.tls_verified == 1)
			snprintf(detail, sizeof(detail), "%s %s, server certificate %s, chain verified "
				"against %s, name NOT checked (sslmode %s)", s->info.tls_protocol,
				s->info.tls_cipher, s->info.tls_subject, bundle, s->sslmode);
		else if (s->info.tls)
			snprintf(detail, sizeof(detail), "%s %s, server certificate %s NOT verified "
				"(sslmode %s)", s->info.tls_protocol, s->info.tls_cipher,
				s->info.tls_subject, s->sslmode);
		else
			snprintf(detail, sizeof(detail), "not encrypted (sslmode %s)", s->sslmode);
		pgiam__session_step(s, PGIAM_STEP_TLS, 1, detail);
	}
	if (at >= PGIAM_STEP_AUTH && !s->begun[PGIAM_STEP_AUTH])
		pgiam__session_step(s, PGIAM_STEP_AUTH, 0, s->user);
	if (at > PGIAM_STEP_AUTH && !s->finished[PGIAM_STEP_AUTH])
		pgiam__session_step(s, PGIAM_STEP_AUTH, 1, s->password ? "password accepted" : "IAM token accepted");
}

/* A TLS failure, with the probe's findings when the probe ran. */
static void tls_failed(pgiam_session *s, const char *line)
{
	char msg[1024];

	pgiam__session_tls_message(msg, sizeof(msg), s, line);
	pgiam__session_fail(s, PGIAM_STEP_TLS, PGIAM_ENET, "%s", msg);
}

/* The server refused an IAM token ("PAM authentication failed": RDS says no more)
 * signed with cached role credentials: revoked or expired early, the cache is no
 * good. Drop it, assume the role again (once: the retry's credentials are fresh, not
 * cached) and connect again, the statement waiting for it kept. 1 when retrying. */
static int reassume_and_retry(pgiam_session *s, const char *line)
{
	if (s->password || !strstr(line, "PAM authentication failed") ||
	    !s->login_refused || !s->login_refused(s->login_ctx, line))
		return 0;
	pgiam__session_start_connect(s);
	return 1;
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
		/* a refused certificate is reported when the probe has found out why */
		if (!why && pgiam__session_tls_probe_start(s, line) == 0)
			return 0;
		tls_failed(s, line);
		break;
	case PGIAM_STEP_AUTH: {
		pgiam_explain_auth f = { s->user, s->host, s->port, s->connect_host,
			s->connect_port, s->token_host, s->token_port, s->token_user,
			s->token_region, s->info.token_signed_at, s->info.creds_expiration,
			time(NULL), s->password != NULL,
			strstr(line, "password authentication failed") != NULL,
			s->account_id, s->dbi_resource_id, s->login_reassumed };
		if (reassume_and_retry(s, line))
			break;
		pgiam_explain_auth_failure(&causes, &f);
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
	if (s->state == ST_WORKER)
		return 0;  /* connecting again (reassume_and_retry) */
	return connect_fail_state(s);
}

void pgiam__session_advance_connecting(pgiam_session *s)
{
	struct pollfd p = { PQsocket(s->conn), s->want_write ? POLLOUT : POLLIN, 0 };
	PostgresPollingStatusType r;

	/* PQconnectPoll must only run when the socket is ready: polled too early while
	 * the TCP connect is pending, it would take the connect for done. */
	if (p.fd >= 0 && poll(&p, 1, 0) == 0) {
		if (s->deadline_ms && pgiam__session_now_ms() >= s->deadline_ms) {
			char why[256];
			snprintf(why, sizeof(why), "timed out after %d s: no answer from %s port %d "
				"during %s", s->connect_timeout, s->info.hostaddr, s->info.tcp_port,
				pgiam_step_name(s->reached));
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

void pgiam__session_advance_worker(pgiam_session *s)
{
	if (!s->worker || !pgiam_job_poll(s->worker))
		return;
	pgiam_job_free(s->worker);   /* done: joins at once */
	s->worker = NULL;
	if (s->job.tls_probe) {
		tls_failed(s, s->job.tls_line);
		connect_fail_state(s);
		return;
	}
	after_worker(s);
}
