/* cmd_probe.c - `pgiam grants --probe SCHEMA.TABLE`: the probe (src/probe.h) on a
 * session of the profile, printed as lines or as JSON. Kept apart from the grants
 * report so that `pgiam grants` only hands its --probe branch here. */
#include "cli_probe.h"

#include "cli.h"
#include "error.h"
#include "probe.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void print_json(const pgiam_probe *p)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();

	json_object_object_add(o, "table", json_object_new_string(pgiam_probe_table(p)));
	json_object_object_add(o, "role", json_object_new_string(pgiam_probe_role(p)));
	json_object_object_add(o, "read_only", json_object_new_boolean(pgiam_probe_read_only(p)));
	for (size_t i = 0; i < PGIAM_PROBE_LINES; i++) {
		const pgiam_probe_line *l = pgiam_probe_line_at(p, i);
		json_object *r = json_object_new_object();
		json_object_object_add(r, "statement", json_object_new_string(l->statement));
		json_object_object_add(r, "sql", json_object_new_string(l->sql));
		json_object_object_add(r, "allowed", l->allowed < 0 ? NULL :
			json_object_new_boolean(l->allowed));
		json_object_object_add(r, "sqlstate", l->sqlstate[0] ?
			json_object_new_string(l->sqlstate) : NULL);
		json_object_object_add(r, "message", l->message[0] ?
			json_object_new_string(l->message) : NULL);
		json_object_object_add(r, "source", json_object_new_string(l->source));
		json_object_array_add(a, r);
	}
	json_object_object_add(o, "results", a);
	pgiam_cli_print_json(stdout, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_text(const pgiam_probe *p)
{
	pgiam_cli_line(stdout, "probe of %s as %s (each statement alone in BEGIN … ROLLBACK, "
		"touching no row: nothing is changed)%s", pgiam_probe_table(p), pgiam_probe_role(p),
		pgiam_probe_read_only(p) ? "; the session is read-only" : "");
	for (size_t i = 0; i < PGIAM_PROBE_LINES; i++) {
		const pgiam_probe_line *l = pgiam_probe_line_at(p, i);
		const char *verdict = l->allowed < 0 ? "not tried" : l->allowed ? "allowed" : "DENIED";
		if (!strcmp(l->source, "catalog"))
			pgiam_cli_line(stdout, "  %-8s  %-9s  %s (catalog: %s)", l->statement, verdict,
				l->sql, l->message);
		else if (l->allowed == 0)
			pgiam_cli_line(stdout, "  %-8s  %-9s  %s  ERROR %s: %s", l->statement, verdict,
				l->sql, l->sqlstate, l->message);
		else
			pgiam_cli_line(stdout, "  %-8s  %-9s  %s", l->statement, verdict, l->sql);
	}
}

int pgiam_cli_probe(pgiam_cli_session_opts *opts, const char *table, int json)
{
	pgiam_session *s = NULL;
	pgiam_probe *p = NULL;
	int rc = 0;

	if (pgiam_probe_new(&p, table) < 0) {
		pgiam_cli_error("grants --probe", NULL);
		return 2;
	}
	if ((rc = pgiam_cli_session_open(&s, opts)) != 0)
		goto cleanup;
	if (pgiam_probe_run(p, s) < 0) {
		const pgiam_session_error *e = pgiam_session_last_error(s);
		pgiam_cli_error("grants --probe", NULL);
		rc = pgiam_probe_error(p)[0] ? 1 : (int)e->step + 1;
		goto cleanup;
	}
	if (json)
		print_json(p);
	else
		print_text(p);
cleanup:
	pgiam_probe_free(p);
	pgiam_session_free(s);
	return rc;
}
