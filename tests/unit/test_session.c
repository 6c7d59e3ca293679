/* test_session.c - the session's state machine without a server: parameter checks,
 * the credentials worker (failures named by step, fresh-enough credentials, progress
 * reported, cancel while credentials are slow), a refused TCP connect on loopback,
 * and the catalog's privilege wording. Connections to PostgreSQL are exercised by
 * the integration tests (session_local.py, session_sandbox.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "error.h"
#include "session.h"
#include "iam_login.h"

static pgiam_session_params base(void)
{
	pgiam_session_params p = PGIAM_SESSION_PARAMS_INIT;

	p.host = "db.abc.ap-northeast-1.rds.amazonaws.com";
	p.port = 5432;
	p.connect_host = "127.0.0.1";
	p.dbname = "sample_db";
	p.user = "iam_ro_user";
	p.region = "ap-northeast-1";
	return p;
}

typedef struct recorder {
	int steps_done[PGIAM_STEP__COUNT];
	int steps_begun[PGIAM_STEP__COUNT];
	int errors, cancelled, connected;
	pgiam_step error_step;
	char message[1024];
} recorder;

static void record(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	recorder *r = ctx;

	(void)s;
	if (ev->kind == PGIAM_SEV_STEP && ev->done)
		r->steps_done[ev->step]++;
	else if (ev->kind == PGIAM_SEV_STEP)
		r->steps_begun[ev->step]++;
	else if (ev->kind == PGIAM_SEV_ERROR) {
		r->errors++;
		r->error_step = ev->step;
		strncpy(r->message, ev->text, sizeof(r->message) - 1);
	} else if (ev->kind == PGIAM_SEV_CANCELLED)
		r->cancelled++;
	else if (ev->kind == PGIAM_SEV_CONNECTED)
		r->connected++;
}

static void test_params_checked(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	(void)state;

	p.password = "x";
	p.port = 0;
	assert_int_equal(pgiam_session_new(&s, &p), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "outside 1..65535"));
	p.port = 5432;
	p.user = "";
	assert_int_equal(pgiam_session_new(&s, &p), PGIAM_EINVAL);
	p.user = "u";
	p.password = NULL;
	assert_int_equal(pgiam_session_new(&s, &p), PGIAM_EINVAL);
	assert_non_null(strstr(pgiam_error_last(), "credentials source"));
	assert_null(s);
	assert_string_equal(pgiam_session_state_name(PGIAM_SESSION_LOST), "lost");
}

/* Not connected: no transaction, nothing failed it (the states with a server are in
 * session_txn.py and tui/test_transactions.py). */
static void test_transaction_when_not_connected(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	const char *stmt = "x", *code = "x", *msg = "x";
	(void)state;

	p.password = "x";
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	assert_int_equal(pgiam_session_transaction(s), PGIAM_TXN_NONE);
	pgiam_session_txn_failed_by(s, &stmt, &code, &msg);
	assert_string_equal(stmt, "");
	assert_string_equal(code, "");
	assert_string_equal(msg, "");
	pgiam_session_txn_failed_by(s, NULL, NULL, NULL);
	assert_int_equal(pgiam_session_transaction(NULL), PGIAM_TXN_NONE);
	pgiam_session_free(s);
}

static int failing_creds(pgiam_creds *out, pgiam_session_progress *p, void *ctx)
{
	(void)out;
	(void)ctx;
	if (ctx) {  /* pretend the source worked and AssumeRole failed */
		pgiam_session_progress_report(p, PGIAM_STEP_CREDENTIALS, 1, "environment");
		pgiam_session_progress_report(p, PGIAM_STEP_ASSUME_ROLE, 0, "arn:aws:iam::1:role/r");
		return pgiam_error_set(PGIAM_EDENIED, "STS denied AssumeRole");
	}
	return pgiam_error_set(PGIAM_ENOTFOUND, "no credentials found");
}

static int failing_creds_login(pgiam_session_login *out, const pgiam_session_login_target *t,
	pgiam_session_progress *p, void *ctx)
{
	return pgiam_iam_login(out, t, p, failing_creds, ctx);
}

static void test_credentials_failures_name_their_step(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	recorder r;
	(void)state;

	p.login = failing_creds_login;
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(pgiam_session_connect(s), 0);
	assert_int_equal(pgiam_session_run(s, record, &r), PGIAM_ENOTFOUND);
	assert_int_equal(r.error_step, PGIAM_STEP_CREDENTIALS);
	assert_string_equal(r.message, "source credentials: no credentials found");
	assert_int_equal(pgiam_session_get_state(s), PGIAM_SESSION_DISCONNECTED);
	pgiam_session_free(s);

	p.login_ctx = &r;
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	memset(&r, 0, sizeof(r));
	pgiam_session_connect(s);
	assert_int_equal(pgiam_session_run(s, record, &r), PGIAM_EDENIED);
	assert_int_equal(r.error_step, PGIAM_STEP_ASSUME_ROLE);
	assert_int_equal(r.steps_done[PGIAM_STEP_CREDENTIALS], 1);
	assert_string_equal(r.message, "AssumeRole: STS denied AssumeRole");
	assert_int_equal(pgiam_session_last_error(s)->step, PGIAM_STEP_ASSUME_ROLE);
	pgiam_session_free(s);
}

static int short_lived_creds(pgiam_creds *out, pgiam_session_progress *p, void *ctx)
{
	(void)ctx;
	return pgiam_creds_set(out, "AKIDEXAMPLE", "secret", "token",
		pgiam_session_progress_now(p) + 30, "test");
}

static int short_lived_creds_login(pgiam_session_login *out, const pgiam_session_login_target *t,
	pgiam_session_progress *p, void *ctx)
{
	return pgiam_iam_login(out, t, p, short_lived_creds, ctx);
}

static void test_credentials_need_a_minute(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	recorder r;
	(void)state;

	memset(&r, 0, sizeof(r));
	p.login = short_lived_creds_login;
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	pgiam_session_connect(s);
	assert_int_equal(pgiam_session_run(s, record, &r), PGIAM_EEXPIRED);
	assert_int_equal(r.error_step, PGIAM_STEP_CREDENTIALS);
	assert_non_null(strstr(r.message, "more than a minute"));
	assert_int_equal(r.steps_begun[PGIAM_STEP_TOKEN], 0);  /* never signed with them */
	pgiam_session_free(s);
}

static int slow_creds(pgiam_creds *out, pgiam_session_progress *p, void *ctx)
{
	(void)out;
	(void)ctx;
	for (int i = 0; i < 1000 && !pgiam_cancel_requested(pgiam_session_progress_cancel_flag(p)); i++)
		usleep(10000);
	return pgiam_session_progress_cancelled(p) ?
		pgiam_error_set(PGIAM_ECANCELLED, "cancelled") :
		pgiam_error_set(PGIAM_ENET, "too slow");
}

static int slow_creds_login(pgiam_session_login *out, const pgiam_session_login_target *t,
	pgiam_session_progress *p, void *ctx)
{
	return pgiam_iam_login(out, t, p, slow_creds, ctx);
}

static void test_cancel_while_fetching_credentials(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	pgiam_session_event ev;
	struct timespec t0, t1;
	int got_cancelled = 0, step_begun = 0;
	(void)state;

	p.login = slow_creds_login;
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	pgiam_session_connect(s);
	/* the caller's loop is not blocked: the step returns at once */
	while (pgiam_session_step(&ev, s), ev.kind != PGIAM_SEV_NONE)
		step_begun |= ev.kind == PGIAM_SEV_STEP && ev.step == PGIAM_STEP_CREDENTIALS;
	assert_true(step_begun);
	assert_int_equal(pgiam_session_get_state(s), PGIAM_SESSION_CONNECTING);
	assert_true(pgiam_session_socket(s) >= 0);  /* the worker's pipe */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pgiam_session_cancel(s), 0);
	while (pgiam_session_step(&ev, s), ev.kind != PGIAM_SEV_NONE)
		got_cancelled |= ev.kind == PGIAM_SEV_CANCELLED;
	assert_true(got_cancelled);
	pgiam_session_free(s);  /* joins the worker, which saw the flag */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 2000);
}

static void test_refused_tcp_connect(void **state)
{
	pgiam_session *s = NULL;
	pgiam_session_params p = base();
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	recorder r;
	(void)state;

	/* a loopback port that is certainly closed: bound, never listened on */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	p.password = "not-a-token";
	p.connect_port = ntohs(a.sin_port);
	memset(&r, 0, sizeof(r));
	assert_int_equal(pgiam_session_new(&s, &p), 0);
	assert_int_equal(pgiam_session_query(s, "SELECT 1"), 0);  /* connects first */
	assert_int_equal(pgiam_session_run(s, record, &r), PGIAM_ENET);
	assert_int_equal(r.error_step, PGIAM_STEP_TCP);
	assert_non_null(strstr(r.message, "the tunnel for db.abc.ap-northeast-1.rds.amazonaws.com:5432"));
	assert_int_equal(r.steps_begun[PGIAM_STEP_TOKEN], 0);  /* a password: no token */
	close(fd);
	pgiam_session_free(s);
}

static void test_privs_str(void **state)
{
	char out[64];
	(void)state;

	pgiam_catalog_privs_str(out, sizeof(out), PGIAM_PRIV_SELECT | PGIAM_PRIV_DELETE);
	assert_string_equal(out, "SELECT, DELETE");
	pgiam_catalog_privs_str(out, sizeof(out), 0);
	assert_string_equal(out, "");
	pgiam_catalog_privs_str(out, 10, 0x7f);
	assert_int_equal(strlen(out), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_checked),
		cmocka_unit_test(test_transaction_when_not_connected),
		cmocka_unit_test(test_credentials_failures_name_their_step),
		cmocka_unit_test(test_credentials_need_a_minute),
		cmocka_unit_test(test_cancel_while_fetching_credentials),
		cmocka_unit_test(test_refused_tcp_connect),
		cmocka_unit_test(test_privs_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
