/* auth_harness.c - drives one pgiam_auth object from stdin commands, so the
 * integration tests can check credential reuse and refresh against the STS emulator
 * (with the clock moved forward) inside one process.
 *
 * usage: auth_harness REGION ROLE_ARN EXTERNAL_ID STS_URL DURATION
 * commands (one per line): "get SECONDS" (now + SECONDS), "getexp SECONDS" (session
 * expiry - SECONDS), "refresh", "quit". One JSON line is printed per command; access
 * key ids are printed (they are not secret), secrets never.
 */
#include "auth.h"
#include "error.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_object *events;

static void on_event(void *ctx, const char *event)
{
	(void)ctx;
	json_object_array_add(events, json_object_new_string(event));
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
		int rc = 0;

		if (strncmp(line, "quit", 4) == 0) {
			json_object_put(out);
			break;
		}
		if (sscanf(line, "get %ld", &arg) == 1)
			rc = pgiam_auth_get(&creds, auth, time(NULL) + arg);
		else if (sscanf(line, "getexp %ld", &arg) == 1)
			rc = pgiam_auth_get(&creds, auth, pgiam_auth_session_expiry(auth) - arg);
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
		json_object_object_add(out, "session_expiry", json_object_new_int64(pgiam_auth_session_expiry(auth)));
		json_object_object_add(out, "assume_count", json_object_new_int(pgiam_auth_assume_count(auth)));
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
