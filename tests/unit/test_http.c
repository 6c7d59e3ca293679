/* test_http.c - the libcurl wrapper against loopback sockets: a listener that never
 * answers (timeout), a closed port (connect refused), the cancel flag, URL helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "http.h"

/* A loopback listener that accepts (in the kernel backlog) and never answers. */
static int silent_listener(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_timeout(void **state)
{
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char url[64];
	struct timespec t0;
	int port = 0, fd = silent_listener(&port);

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	req.url = url;
	req.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pgiam_http_perform(&resp, &req), PGIAM_ENET);
	assert_true(elapsed_ms(&t0) < 3000);
	assert_non_null(strstr(pgiam_error_last(), "no answer from 127.0.0.1:"));
	assert_non_null(strstr(pgiam_error_last(), "within 1 s"));
	pgiam_http_response_dispose(&resp);
	close(fd);
}

static void test_connect_refused(void **state)
{
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char url[64];
	int port = 0, fd = silent_listener(&port);

	(void)state;
	close(fd);  /* now nobody listens there */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", port);
	req.url = url;
	assert_int_equal(pgiam_http_perform(&resp, &req), PGIAM_ENET);
	assert_non_null(strstr(pgiam_error_last(), "cannot connect to 127.0.0.1:"));
	assert_null(strchr(pgiam_error_last(), '\n'));
}

static pgiam_cancel cancel_flag;

static void *cancel_soon(void *arg)
{
	struct timespec d = { 0, 200 * 1000000L };

	(void)arg;
	nanosleep(&d, NULL);
	pgiam_cancel_request(&cancel_flag);
	return NULL;
}

static void test_cancel(void **state)
{
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	char url[64];
	struct timespec t0;
	pthread_t th;
	int port = 0, fd = silent_listener(&port);

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	req.url = url;
	req.cancel = &cancel_flag;
	atomic_store(&cancel_flag, 1);  /* already set: nothing is sent */
	assert_int_equal(pgiam_http_perform(&resp, &req), PGIAM_ECANCELLED);
	atomic_store(&cancel_flag, 0);
	pthread_create(&th, NULL, cancel_soon, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pgiam_http_perform(&resp, &req), PGIAM_ECANCELLED);
	assert_true(elapsed_ms(&t0) < 5000);   /* not the 20 s timeout */
	assert_non_null(strstr(pgiam_error_last(), "cancelled"));
	pthread_join(th, NULL);
	close(fd);
}

static void test_url_helpers(void **state)
{
	char host[64];

	(void)state;
	assert_int_equal(pgiam_http_url_host(host, sizeof(host), "https://sts.us-east-1.amazonaws.com/"), 0);
	assert_string_equal(host, "sts.us-east-1.amazonaws.com");
	assert_int_equal(pgiam_http_url_host(host, sizeof(host), "http://127.0.0.1:8080/a?b"), 0);
	assert_string_equal(host, "127.0.0.1:8080");
	assert_int_equal(pgiam_http_url_host(host, sizeof(host), "ftp://x/"), PGIAM_EINVAL);
	assert_int_equal(pgiam_http_url_host(host, sizeof(host), "not a url"), PGIAM_EINVAL);
	assert_true(pgiam_http_url_is_loopback("http://127.0.0.1:1/"));
	assert_true(pgiam_http_url_is_loopback("http://127.1.2.3/"));
	assert_true(pgiam_http_url_is_loopback("http://[::1]:80/"));
	assert_true(pgiam_http_url_is_loopback("http://localhost/"));
	assert_false(pgiam_http_url_is_loopback("http://127.0.0.1.example.com/"));
	assert_false(pgiam_http_url_is_loopback("http://169.254.169.254/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_url_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
