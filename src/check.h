/* check.h - `pgiam check`: the whole chain, step by step, with timings and results.
 *
 * The steps are numbered, and `pgiam check` exits with 10 + the number of the first
 * failing step (cli/usage.h), so scripts can tell a wrong external ID (12) from a TLS
 * problem (15) without parsing text. The failure's message is the same one-line message the
 * session gives the TUI. pgiam_check_run() blocks (STS, connect, catalog queries):
 * the TUI runs it in a thread and shows each step as its callback reports it; every
 * step has a deadline, and the options' cancel flag stops it early.
 */
#ifndef PGIAM_CHECK_H
#define PGIAM_CHECK_H

#include "catalog.h"
#include "session.h"

#define PGIAM_CHECK_STEPS(_) \
	PGIAM_STEPS_TO_LOGIN(_) \
	_(VERSION,       "server version") \
	_(CURRENT_USER,  "current_user") \
	_(MEMBERSHIPS,   "role memberships") \
	_(PRIVILEGES,    "privileges")

typedef enum pgiam_check_stepid {
#define PGIAM_CHECK_ENUM_(name, text) PGIAM_CHECK_##name,
	PGIAM_CHECK_STEPS(PGIAM_CHECK_ENUM_)
#undef PGIAM_CHECK_ENUM_
	PGIAM_CHECK__COUNT
} pgiam_check_stepid;

typedef enum pgiam_check_status {
	PGIAM_CHECK_PENDING = 0,
	PGIAM_CHECK_RUNNING,
	PGIAM_CHECK_PASS,
	PGIAM_CHECK_FAIL,
	PGIAM_CHECK_SKIP
} pgiam_check_status;

typedef struct pgiam_check_step {
	int number;               /* 1-based; pgiam check exits 10 + it when it fails */
	const char *name;
	pgiam_check_status status;
	long ms;
	char detail[1024];        /* result, or the one-line failure message */
} pgiam_check_step;

typedef struct pgiam_check_result {
	char name[128];           /* the profile's name */
	pgiam_check_step steps[PGIAM_CHECK__COUNT];
	int failed_step;          /* 0 when everything passed */
	char message[1024];       /* the failure's one-line message */
	long total_ms;
	pgiam_session_info info;
	pgiam_session_error error;
	pgiam_catalog_identity identity;
	pgiam_catalog_privileges privileges;   /* dispose with pgiam_check_result_dispose */
	char assumed_arn[512];
	long long session_expiry;
} pgiam_check_result;

/* Called when a step starts (RUNNING) and when it ends; from the checking thread. */
typedef void (*pgiam_check_step_fn)(const pgiam_check_result *r, const pgiam_check_step *step,
	void *ctx);

typedef struct pgiam_check_options {
	const char *name;                  /* shown in the result */
	const pgiam_session_params *params;
	int iam;                           /* expect IAM login (rds_iam membership) */
	pgiam_check_step_fn step_cb;
	void *ctx;
	/* The profile, when params came from it (pgiam_session_params_from_profile):
	 * credentials then come from its pgiam_auth (source chain, AssumeRole). */
	const struct pgiam_profile *profile;
	/* Set by another thread to stop the check: the connect or the catalog query in
	 * progress is cancelled (the server is sent a cancel request). NULL: never. */
	const pgiam_cancel *cancel;
} pgiam_check_options;

#define PGIAM_CHECK_OPTIONS_INIT { NULL, NULL, 1, NULL, NULL, NULL, NULL }

/* Each catalog query (steps 9 to 11) may take the session's connect_timeout (the
 * profile's), this many seconds when it has none; then it is cancelled and the step
 * fails with "no answer within N s". */
#define PGIAM_CHECK_QUERY_TIMEOUT_DEFAULT 15

/* Runs every step; fills *out. Returns 0 when all passed, otherwise the number of
 * the failing step (positive) with out->message set; negative only when the check
 * could not run at all (bad options, out of memory). */
int pgiam_check_run(pgiam_check_result *out, const pgiam_check_options *opts);
void pgiam_check_result_dispose(pgiam_check_result *r);

const char *pgiam_check_status_name(pgiam_check_status status);

#endif
