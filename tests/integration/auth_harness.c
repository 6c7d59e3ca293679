/* auth_harness.c - drives one pgiam_auth object from stdin commands, so the
 * integration tests can check credential reuse and refresh against the STS emulator
 * (with the clock moved forward) inside one process.
 *
 * usage: auth_harness REGION ROLE_ARN EXTERNAL_ID STS_URL DURATION ("" for no role or no
 * external ID: without a role the source credentials are what get returns)
 * commands (one per line): "get SECONDS" (now + SECONDS), "getexp SECONDS" (session
 * expiry - SECONDS), "refresh", "par N" (N threads call get at once on the same
 * object), "race N" (one thread forces N refreshes while another keeps reading
 * pgiam_auth_info snapshots; run under the sanitizers), "quit". One JSON line is printed per command; access
 * key ids are printed (they are not secret), secrets never.
 */
#include "auth.h"
#include "error.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_object *events;
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;

#define MAX_THREADS 16

typedef struct worker {
	pgiam_auth *auth;
	pgiam_creds creds;
	int rc;
} worker;

static void *work(void *arg)
{
	worker *w = arg;

	w->rc = pgiam_auth_get(&w->creds, w->auth, time(NULL));
	return NULL;
}

/* N threads at once: all must get the same credentials from one AssumeRole. */
static int parallel(pgiam_creds *out, pgiam_auth *auth, int n, int *distinct)
{
	worker w[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	int rc = 0;

	*distinct = 0;
	if (n < 1 || n > MAX_THREADS)
		return pgiam_error_set(PGIAM_EINVAL, "par takes 1..%d", MAX_THREADS);
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].auth = auth;
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < n; i++) {
		int seen = 0;
		if (w[i].rc < 0)
			rc = pgiam_error_set(w[i].rc, "thread %d failed", i);
		for (int j = 0; j < i && w[i].creds.access_key_id; j++)
			if (w[j].creds.access_key_id && !strcmp(w[i].creds.access_key_id, w[j].creds.access_key_id))
				seen = 1;
		if (w[i].creds.access_key_id && !seen)
			(*distinct)++;
	}
	if (rc == 0)
		pgiam_creds_copy(out, &w[0].creds);
	for (int i = 0; i < n; i++)
		pgiam_creds_dispose(&w[i].creds);
	return rc;
}

typedef struct racer {
	pgiam_auth *auth;
	int n, ok;
	volatile int done;   /* set by the refresher; read with __atomic */
	long reads, bad;
} racer;

static void *race_refresh(void *arg)
{
	racer *r = arg;

	for (int i = 0; i < r->n; i++)
		if (pgiam_auth_refresh(r->auth) == 0)
			r->ok++;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Reads every string of the snapshot, as the session and TUI do, while refreshes
 * replace them: a lent pointer here would be a use-after-free under ASan. */
static void *race_read(void *arg)
{
	racer *r = arg;
	pgiam_auth_info info;
	char line[sizeof(info.assumed_arn) + sizeof(info.source) + 64];

	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		pgiam_auth_info_get(&info, r->auth);
		snprintf(line, sizeof(line), "%s until %lld (source: %s, %d)", info.assumed_arn,
			(long long)info.session_expiry, info.source, info.assume_count);
		if (strncmp(line, "arn:aws:sts::", 13) != 0 || info.session_expiry <= 0 || !info.source[0])
			r->bad++;
		r->reads++;
	}
	return NULL;
}

static int race(pgiam_auth *auth, int n, json_object *out)
{
	racer r = { auth, n, 0, 0, 0, 0 };
	pthread_t refresher, reader;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	int rc = 0;

	/* a first session, so the reader always has one to see */
	if ((rc = pgiam_auth_get(&creds, auth, time(NULL))) < 0)
		return rc;
	pgiam_creds_dispose(&creds);
	pthread_create(&reader, NULL, race_read, &r);
	pthread_create(&refresher, NULL, race_refresh, &r);
	pthread_join(refresher, NULL);
	pthread_join(reader, NULL);
	json_object_object_add(out, "refreshed", json_object_new_int(r.ok));
	json_object_object_add(out, "reads", json_object_new_int64(r.reads));
	json_object_object_add(out, "bad_reads", json_object_new_int64(r.bad));
	if (r.ok != n)
		rc = pgiam_error_set(PGIAM_EINVAL, "%d of %d refreshes failed", n - r.ok, n);
	return rc;
}

static void on_event(void *ctx, const char *event)
{
	(void)ctx;
	pthread_mutex_lock(&events_lock);
	json_object_array_add(events, json_object_new_string(event));
	pthread_mutex_unlock(&events_lock);
}

int main(int argc, char **argv)
{
	pgiam_auth_options opts = PGIAM_AUTH_OPTIONS_INIT;
	pgiam_auth *auth = NULL;
	char line[256];

	if (argc != 6) {
		fprintf(stderr, "usage: auth_harness REGION ROLE_ARN EXTERNAL_ID STS_URL DURATION\n");
		return 2;
	}
	opts.region = argv[1];
	opts.role_arn = argv[2];
	opts.external_id = argv[3];
	opts.sts_endpoint = argv[4];
	opts.duration = atoi(argv[5]);
	opts.session_name = "harness";
	if (pgiam_auth_new_options(&auth, &opts) < 0) {
		fprintf(stderr, "auth_harness: %s\n", pgiam_error_last());
		return 1;
	}
	events = json_object_new_array();
	pgiam_auth_set_event_cb(auth, on_event, NULL);
	while (fgets(line, sizeof(line), stdin)) {
		pgiam_creds creds = PGIAM_CREDS_INIT;
		json_object *out = json_object_new_object();
		long arg = 0;
		pgiam_auth_info info;
		int rc = 0, distinct = -1;

		if (strncmp(line, "quit", 4) == 0) {
			json_object_put(out);
			break;
		}
		pgiam_auth_info_get(&info, auth);
		if (sscanf(line, "get %ld", &arg) == 1)
			rc = pgiam_auth_get(&creds, auth, time(NULL) + arg);
		else if (sscanf(line, "getexp %ld", &arg) == 1)
			rc = pgiam_auth_get(&creds, auth, info.session_expiry - arg);
		else if (sscanf(line, "par %ld", &arg) == 1)
			rc = parallel(&creds, auth, (int)arg, &distinct);
		else if (sscanf(line, "race %ld", &arg) == 1)
			rc = race(auth, (int)arg, out);
		else if (strncmp(line, "refresh", 7) == 0)
			rc = pgiam_auth_refresh(auth);
		else
			rc = pgiam_error_set(PGIAM_EINVAL, "unknown command");
		json_object_object_add(out, "ok", json_object_new_boolean(rc == 0));
		if (rc < 0)
			json_object_object_add(out, "error", json_object_new_string(pgiam_error_last()));
		if (creds.access_key_id) {
			json_object_object_add(out, "akid", json_object_new_string(creds.access_key_id));
			json_object_object_add(out, "expiration", json_object_new_int64(creds.expiration));
		}
		pgiam_auth_info_get(&info, auth);
		json_object_object_add(out, "session_expiry", json_object_new_int64(info.session_expiry));
		json_object_object_add(out, "assume_count", json_object_new_int(info.assume_count));
		/* where the credentials came from ("web identity SUBJECT", …): no secret */
		json_object_object_add(out, "source", json_object_new_string(info.source));
		if (distinct >= 0)
			json_object_object_add(out, "distinct", json_object_new_int(distinct));
		json_object_object_add(out, "events", events);
		events = json_object_new_array();
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
		fflush(stdout);
		json_object_put(out);
		pgiam_creds_dispose(&creds);
	}
	json_object_put(events);
	pgiam_auth_free(auth);
	return 0;
}
