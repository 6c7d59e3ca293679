/* test_tls_probe.c - the TLS probe's own failures, on loopback and without a TLS
 * server: a CA bundle that cannot be read, no address, a refused connect, a server
 * that never answers the SSLRequest (the deadline) and a cancel while it waits, and a
 * server that refuses TLS ('N'). The reasons for refused certificates are covered by
 * the integration test tls_reasons.py, with a real TLS server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "tls_probe.h"

/* A CA bundle of one self-signed certificate, written once to a temporary file. */
static const char *bundle(void)
{
	static char path[64];
	EVP_PKEY *key;
	X509 *cert;
	FILE *f;
	int fd;

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "/tmp/pgiam-test-probe-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_non_null(key = EVP_EC_gen("P-256"));
	assert_non_null(cert = X509_new());
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
		(const unsigned char *)"probe test CA", -1, -1, 0);
	X509_set_issuer_name(cert, X509_get_subject_name(cert));
	X509_set_pubkey(cert, key);
	assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
	assert_true(PEM_write_X509(f, cert));
	fclose(f);
	X509_free(cert);
	EVP_PKEY_free(key);
	return path;
}

/* A listening loopback socket that accepts nothing by itself; its port in *port. */
static int listener(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_unreadable_bundle(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;

	(void)state;
	p.hostaddr = "127.0.0.1";
	p.port = 9;
	p.host = "db.example";
	p.ca_bundle = "/nonexistent/ca.pem";
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_EIO);
	assert_non_null(strstr(pgiam_error_last(), "/nonexistent/ca.pem"));
	assert_int_equal(f.count, 0);
}

static void test_no_address(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;

	(void)state;
	p.ca_bundle = bundle();
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_EINVAL);
	/* a name is never looked up: only numeric addresses are taken */
	p.hostaddr = "localhost";
	p.port = 5432;
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_ENET);
}

static void test_refused(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;
	int port, fd = listener(&port);

	(void)state;
	close(fd);  /* nothing listens there now */
	p.hostaddr = "127.0.0.1";
	p.port = port;
	p.ca_bundle = bundle();
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_ENET);
	assert_non_null(strstr(pgiam_error_last(), "connect"));
}

static void test_deadline(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;
	int port, fd = listener(&port);
	long long t0;

	(void)state;
	p.hostaddr = "127.0.0.1";
	p.port = port;
	p.ca_bundle = bundle();
	p.timeout_ms = 300;
	t0 = ms_now();
	/* the kernel completes the TCP connect; the SSLRequest is never answered */
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_ENET);
	assert_non_null(strstr(pgiam_error_last(), "timed out during SSLRequest"));
	assert_true(ms_now() - t0 >= 250);
	assert_true(ms_now() - t0 < 3000);
	close(fd);
}

static void *cancel_later(void *arg)
{
	struct timespec ts = { 0, 200 * 1000000L };

	nanosleep(&ts, NULL);  /* a delay for the cancel, not a wait for a state */
	pgiam_cancel_request(arg);
	return NULL;
}

static void test_cancel(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;
	pgiam_cancel flag = 0;
	int port, fd = listener(&port);
	pthread_t t;
	long long t0;

	(void)state;
	p.hostaddr = "127.0.0.1";
	p.port = port;
	p.ca_bundle = bundle();
	p.timeout_ms = 10000;
	p.cancel = &flag;
	t0 = ms_now();
	assert_int_equal(pthread_create(&t, NULL, cancel_later, &flag), 0);
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_ECANCELLED);
	assert_true(ms_now() - t0 < 2000);
	pthread_join(t, NULL);
	close(fd);
}

/* A server that answers the SSLRequest with 'N' (ssl = off). */
static void *answer_n(void *arg)
{
	int fd = accept(*(int *)arg, NULL, NULL);
	char req[8];
	size_t got = 0;
	ssize_t n;

	while (fd >= 0 && got < sizeof(req) && (n = recv(fd, req + got, sizeof(req) - got, 0)) > 0)
		got += (size_t)n;
	if (fd >= 0 && send(fd, "N", 1, 0) == 1)
		(void)recv(fd, req, 1, 0);  /* until the probe closes */
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void test_tls_refused(void **state)
{
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;
	pgiam_tls_findings f;
	int port, fd = listener(&port);
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, answer_n, &fd), 0);
	p.hostaddr = "127.0.0.1";
	p.port = port;
	p.ca_bundle = bundle();
	assert_int_equal(pgiam_tls_probe(&f, &p), PGIAM_ENET);
	assert_non_null(strstr(pgiam_error_last(), "does not offer TLS"));
	pthread_join(t, NULL);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreadable_bundle),
		cmocka_unit_test(test_no_address),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_tls_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	unlink(bundle());
	return rc;
}
