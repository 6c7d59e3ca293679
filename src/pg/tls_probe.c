/* tls_probe.c - the second handshake behind a refused server certificate (tls_probe.h).
 *
 * Everything is non-blocking and waits in short slices, so the whole probe stays within
 * its deadline and a cancel is seen within 50 ms. The verification mirrors libpq's: the
 * same bundle (and libpq's default CRL file when it exists, with the same CRL flags),
 * the "ssl_server" purpose, and for verify-full the endpoint name (or IP) with partial
 * wildcards refused. A verify callback that goes on after each error collects them all:
 * a certificate can be expired and for another name at once.
 *
 * OpenSSL writes to the socket with write(), which raises SIGPIPE when a hostile or
 * dying server has closed it; as libpq does, SIGPIPE is blocked in this thread during
 * the probe and one it raised is taken back before the mask is restored.
 */
#include "tls_probe.h"

#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 50

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events; 0, or an error at the deadline or on cancel. */
static int wait_io(int fd, short events, long long deadline, const pgiam_cancel *cancel,
	const char *during)
{
	for (;;) {
		struct pollfd pfd = { fd, events, 0 };
		long long left = deadline - now_ms();
		int r;

		if (pgiam_cancel_requested(cancel))
			return pgiam_error_set(PGIAM_ECANCELLED, "cancelled");
		if (left <= 0)
			return pgiam_error_set(PGIAM_ENET, "timed out during %s", during);
		r = poll(&pfd, 1, left < SLICE_MS ? (int)left : SLICE_MS);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return pgiam_error_set(PGIAM_ENET, "%s: poll: %s", during, strerror(errno));
	}
}

static int tcp_open(int *out, const pgiam_tls_probe_params *p, long long deadline)
{
	struct addrinfo hints, *res = NULL;
	char port[16];
	int fd = -1, rc, soerr = 0;
	socklen_t len = sizeof(soerr);

	*out = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  /* never a name lookup */
	snprintf(port, sizeof(port), "%d", p->port);
	if ((rc = getaddrinfo(p->hostaddr, port, &hints, &res)) != 0)
		return pgiam_error_set(PGIAM_ENET, "address %s: %s", p->hostaddr, gai_strerror(rc));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = pgiam_error_set(PGIAM_ENET, "socket: %s", strerror(errno));
		goto cleanup;
	}
	rc = 0;
	if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			rc = pgiam_error_set(PGIAM_ENET, "connect: %s", strerror(errno));
			goto cleanup;
		}
		if ((rc = wait_io(fd, POLLOUT, deadline, p->cancel, "TCP connect")) < 0)
			goto cleanup;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
			rc = pgiam_error_set(PGIAM_ENET, "connect: %s", strerror(soerr ? soerr : errno));
			goto cleanup;
		}
	}
	*out = fd;
	fd = -1;

cleanup:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return rc;
}

/* PostgreSQL answers 'S' to an SSLRequest before the TLS handshake starts. */
static int ssl_request(int fd, long long deadline, const pgiam_cancel *cancel)
{
	static const unsigned char req[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	size_t sent = 0;
	ssize_t n;
	char answer;
	int rc;

	while (sent < sizeof(req)) {
		if ((rc = wait_io(fd, POLLOUT, deadline, cancel, "SSLRequest")) < 0)
			return rc;
		n = send(fd, req + sent, sizeof(req) - sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return pgiam_error_set(PGIAM_ENET, "SSLRequest: %s", strerror(errno));
		if (n > 0)
			sent += (size_t)n;
	}
	for (;;) {
		if ((rc = wait_io(fd, POLLIN, deadline, cancel, "SSLRequest")) < 0)
			return rc;
		n = recv(fd, &answer, 1, 0);
		if (n == 1)
			break;
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return pgiam_error_set(PGIAM_ENET, "SSLRequest: the server closed the connection");
	}
	if (answer != 'S')
		return pgiam_error_set(PGIAM_ENET, "the server does not offer TLS (answered '%c')",
			answer == 'N' ? 'N' : '?');
	return 0;
}

static int is_ip(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* A TLS handshake that takes any certificate: the chain is verified afterwards. */
static int handshake(SSL **out, SSL_CTX *ctx, int fd, const pgiam_tls_probe_params *p,
	long long deadline)
{
	SSL *ssl = SSL_new(ctx);
	int rc = 0, r;

	*out = NULL;
	if (!ssl || !SSL_set_fd(ssl, fd)) {
		rc = pgiam_error_set(PGIAM_ENOMEM, "TLS: out of memory");
		goto cleanup;
	}
	/* as libpq (sslsni=1): the name goes out as SNI unless it is an address */
	if (p->host && !is_ip(p->host) && !SSL_set_tlsext_host_name(ssl, p->host)) {
		rc = pgiam_error_set(PGIAM_EINVAL, "TLS: cannot send the name %s", p->host);
		goto cleanup;
	}
	while ((r = SSL_connect(ssl)) != 1) {
		int e = SSL_get_error(ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			unsigned long code = ERR_peek_last_error();
			const char *why = code ? ERR_reason_error_string(code) : NULL;
			rc = pgiam_error_set(PGIAM_ENET, "TLS handshake: %s",
				why ? why : "the server closed the connection");
			goto cleanup;
		}
		if ((rc = wait_io(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline,
		    p->cancel, "the TLS handshake")) < 0)
			goto cleanup;
	}
	*out = ssl;
	ssl = NULL;

cleanup:
	SSL_free(ssl);
	return rc;
}

static const char *home_file(char *out, size_t outlen, const char *env, const char *name)
{
	const char *v = getenv(env), *home = getenv("HOME");

	if (v && *v)
		snprintf(out, outlen, "%s", v);
	else if (home && *home)
		snprintf(out, outlen, "%s/.postgresql/%s", home, name);
	else
		return NULL;
	return out;
}

/* The trust store libpq used: the bundle, and its default CRL file when there is one. */
static int load_store(X509_STORE **out, const pgiam_tls_probe_params *p)
{
	X509_STORE *store = X509_STORE_new();
	char buf[4096], crl[4096];
	const char *bundle = p->ca_bundle ? p->ca_bundle :
		home_file(buf, sizeof(buf), "PGSSLROOTCERT", "root.crt");
	int rc = 0;

	*out = NULL;
	if (!store) {
		rc = pgiam_error_set(PGIAM_ENOMEM, "TLS: out of memory");
		goto cleanup;
	}
	if (!bundle || !X509_STORE_load_file(store, bundle)) {
		rc = pgiam_error_set(PGIAM_EIO, "cannot read the CA bundle %s",
			bundle ? bundle : "(no HOME)");
		goto cleanup;
	}
	if (home_file(crl, sizeof(crl), "PGSSLCRL", "root.crl") && access(crl, R_OK) == 0 &&
	    X509_STORE_load_file(store, crl))
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	*out = store;
	store = NULL;

cleanup:
	ERR_clear_error();
	X509_STORE_free(store);
	return rc;
}

static void fmt_asn1_time(char *out, size_t outlen, const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		snprintf(out, outlen, "(unreadable date)");
	else
		strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void fmt_name(char *out, size_t outlen, const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	snprintf(out, outlen, "(no name)");
	if (!b)
		return;
	/* escaped as RFC 2253 does, non-ASCII and control bytes included: a certificate's
	 * names are the server's text and must not reach a terminal raw */
	if (name && X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE) >= 0 &&
	    (n = BIO_get_mem_data(b, &data)) > 0)
		snprintf(out, outlen, "%.*s", (int)n, data);
	BIO_free(b);
}

/* Appends len bytes of a name from a certificate, anything but printable ASCII as '?'. */
static size_t put_name(char *out, size_t outlen, size_t used, const char *name, int len)
{
	if (used >= outlen)
		return used;
	if (used && used + 2 < outlen) {
		memcpy(out + used, ", ", 2);
		used += 2;
	}
	for (int i = 0; i < len && used + 1 < outlen; i++)
		out[used++] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[used < outlen ? used : outlen - 1] = '\0';
	return used;
}

/* The names a certificate is for: its DNS and IP subjectAltNames, or its CN when it has
 * no DNS name (as libpq and OpenSSL then fall back to the CN). */
static void fmt_cert_names(char *out, size_t outlen, X509 *cert)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	int dns = 0;
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		char ip[INET6_ADDRSTRLEN] = "";
		const char *name = NULL;
		int len = 0;

		if (g->type == GEN_DNS) {
			name = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
			len = ASN1_STRING_length(g->d.dNSName);
			dns = 1;
		} else if (g->type == GEN_IPADD) {
			int n = ASN1_STRING_length(g->d.iPAddress);
			if (n == 4 || n == 16)
				inet_ntop(n == 4 ? AF_INET : AF_INET6,
					ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof(ip));
			name = ip;
			len = (int)strlen(ip);
		}
		if (name && len > 0)
			used = put_name(out, outlen, used, name, len);
	}
	GENERAL_NAMES_free(sans);
	if (!dns) {
		char cn[256];
		int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
			sizeof(cn));
		if (n > 0 && (used = put_name(out, outlen, used, cn, n)) + 5 < outlen) {
			memcpy(out + used, " (CN)", 6);
			used += 5;
		}
	}
	if (!out[0])
		snprintf(out, outlen, "no name at all");
}

static pgiam_tls_problem problem_of(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return PGIAM_TLS_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return PGIAM_TLS_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		return PGIAM_TLS_UNKNOWN_CA;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return PGIAM_TLS_NAME_MISMATCH;
	}
	return PGIAM_TLS_OTHER;
}

typedef struct collect {
	pgiam_tls_findings *out;
	const char *host;
} collect;

static void describe(pgiam_tls_finding *f, int err, X509 *cert, const char *host)
{
	char a[256], b[768];
	const char *who = f->depth == 0 ? "the server's certificate" : "the CA certificate";

	fmt_name(a, sizeof(a), cert ? X509_get_subject_name(cert) : NULL);
	switch (f->problem) {
	case PGIAM_TLS_EXPIRED:
		fmt_asn1_time(b, sizeof(b), cert ? X509_get0_notAfter(cert) : NULL);
		snprintf(f->text, sizeof(f->text), "%s (%s) expired on %s", who, a, b);
		break;
	case PGIAM_TLS_NOT_YET_VALID:
		fmt_asn1_time(b, sizeof(b), cert ? X509_get0_notBefore(cert) : NULL);
		snprintf(f->text, sizeof(f->text), "%s (%s) is not valid before %s", who, a, b);
		break;
	case PGIAM_TLS_UNKNOWN_CA:
		fmt_name(b, sizeof(b), cert ? X509_get_issuer_name(cert) : NULL);
		if (err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
			snprintf(f->text, sizeof(f->text), "the server's certificate (%s) is "
				"self-signed, and the CA bundle does not hold it", a);
		else if (f->depth == 0)
			snprintf(f->text, sizeof(f->text), "the server's certificate was issued by "
				"%s, a CA the CA bundle does not hold", b);
		else
			snprintf(f->text, sizeof(f->text), "the server's certificate chain goes up "
				"to %s, a CA the CA bundle does not hold", b);
		break;
	case PGIAM_TLS_NAME_MISMATCH:
		fmt_cert_names(b, sizeof(b), cert);
		snprintf(f->text, sizeof(f->text), "the certificate's names are %s; the endpoint "
			"%s is not one of them", b, host ? host : "");
		break;
	case PGIAM_TLS_OTHER:
		snprintf(f->text, sizeof(f->text), "%s (%s): %s", who, a,
			X509_verify_cert_error_string(err));
		break;
	}
}

/* Notes each problem once (by kind and depth) and lets the verification go on. */
static int collect_cb(int ok, X509_STORE_CTX *ctx)
{
	collect *c = X509_STORE_CTX_get_app_data(ctx);
	int err = X509_STORE_CTX_get_error(ctx);
	pgiam_tls_finding *f;

	if (ok || !c)
		return 1;
	for (int i = 0; i < c->out->count; i++)
		if (c->out->item[i].problem == problem_of(err) &&
		    (c->out->item[i].depth == X509_STORE_CTX_get_error_depth(ctx) ||
		     problem_of(err) == PGIAM_TLS_UNKNOWN_CA))
			return 1;
	if (c->out->count == PGIAM_TLS_FINDINGS_MAX)
		return 1;
	f = &c->out->item[c->out->count++];
	f->problem = problem_of(err);
	f->depth = X509_STORE_CTX_get_error_depth(ctx);
	describe(f, err, X509_STORE_CTX_get_current_cert(ctx), c->host);
	return 1;
}

static int verify_chain(pgiam_tls_findings *out, SSL *ssl, X509_STORE *store,
	const pgiam_tls_probe_params *p)
{
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	collect c = { out, p->host };
	int rc = 0, ok;

	if (!leaf)
		return pgiam_error_set(PGIAM_ENET, "the server sent no certificate");
	if (!(ctx = X509_STORE_CTX_new()) ||
	    !X509_STORE_CTX_init(ctx, store, leaf, SSL_get_peer_cert_chain(ssl)) ||
	    !X509_STORE_CTX_set_default(ctx, "ssl_server")) {
		rc = pgiam_error_set(PGIAM_ENOMEM, "TLS: cannot set up the verification");
		goto cleanup;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	if (p->check_name && p->host) {
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = is_ip(p->host) ? X509_VERIFY_PARAM_set1_ip_asc(param, p->host) :
			X509_VERIFY_PARAM_set1_host(param, p->host, 0);
		if (!ok) {
			rc = pgiam_error_set(PGIAM_EINVAL, "TLS: cannot check the name %s", p->host);
			goto cleanup;
		}
	}
	X509_STORE_CTX_set_app_data(ctx, &c);
	X509_STORE_CTX_set_verify_cb(ctx, collect_cb);
	if (X509_verify_cert(ctx) <= 0 && out->count == 0) {
		/* refused without reaching the callback: say what OpenSSL said */
		out->item[0].problem = PGIAM_TLS_OTHER;
		snprintf(out->item[0].text, sizeof(out->item[0].text), "%s",
			X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		out->count = 1;
	}

cleanup:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return rc;
}

typedef struct sigpipe_guard {
	sigset_t old;
	int was_pending;
} sigpipe_guard;

static void sigpipe_block(sigpipe_guard *g)
{
	sigset_t pipe, pending;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe, &g->old);
}

static void sigpipe_restore(const sigpipe_guard *g)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe, pending;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
		while (sigtimedwait(&pipe, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int probe(pgiam_tls_findings *out, const pgiam_tls_probe_params *p)
{
	long long deadline = now_ms() + (p->timeout_ms > 0 ? p->timeout_ms : 5000);
	X509_STORE *store = NULL;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = -1, rc;

	memset(out, 0, sizeof(*out));
	if (!p->hostaddr || !*p->hostaddr || p->port <= 0)
		return pgiam_error_set(PGIAM_EINVAL, "no address to check");
	if ((rc = load_store(&store, p)) < 0)
		goto cleanup;
	if (!(ctx = SSL_CTX_new(TLS_client_method()))) {
		rc = pgiam_error_set(PGIAM_ENOMEM, "TLS: out of memory");
		goto cleanup;
	}
	/* libpq 15's default floor, so the server picks what it picked for libpq */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if ((rc = tcp_open(&fd, p, deadline)) < 0 ||
	    (rc = ssl_request(fd, deadline, p->cancel)) < 0 ||
	    (rc = handshake(&ssl, ctx, fd, p, deadline)) < 0)
		goto cleanup;
	rc = verify_chain(out, ssl, store, p);

cleanup:
	ERR_clear_error();
	SSL_free(ssl);  /* no close_notify: nothing was said over it */
	SSL_CTX_free(ctx);
	X509_STORE_free(store);
	if (fd >= 0)
		close(fd);
	return rc;
}

int pgiam_tls_probe(pgiam_tls_findings *out, const pgiam_tls_probe_params *p)
{
	sigpipe_guard g;
	int rc;

	sigpipe_block(&g);
	rc = probe(out, p);
	sigpipe_restore(&g);
	return rc;
}
