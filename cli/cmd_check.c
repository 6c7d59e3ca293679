/* cmd_check.c - `pgiam check --profile NAME [--json]` and `--all` (profiles checked in
 * parallel threads): every step of the chain with its time and result. Exits 0 when
 * every step passed, otherwise with 10 + the number of the failing step (check.h;
 * PGIAM_EXIT_FOR_STEP, so that a step never reads as a usage or profile error), after
 * printing the same one-line message the TUI shows. */
#include "cli.h"
#include "cli_session.h"
#include "usage.h"

#include "check.h"
#include "error.h"
#include "profile.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct job {
	pgiam_cli_session_opts opts;
	pgiam_check_result result;
	int rc;                  /* exit status for this profile (usage.h) */
	int failed_step;         /* the failing step's number; 0: none failed, or none ran */
	int json;
	int live;                /* print steps as they finish (one profile, text) */
	char name[128];
	pthread_t thread;
} job;

static void print_step(const pgiam_check_step *st)
{
	pgiam_cli_line(stdout, "  %2d %-20s %-5s %6ld ms  %s", st->number, st->name,
		pgiam_check_status_name(st->status), st->ms, st->detail);
}

static void on_step(const pgiam_check_result *r, const pgiam_check_step *st, void *ctx)
{
	(void)r;
	(void)ctx;
	if (st->status == PGIAM_CHECK_RUNNING)
		return;
	pthread_mutex_lock(&out_lock);
	print_step(st);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void *run_job(void *arg)
{
	job *j = arg;
	pgiam_check_options o = PGIAM_CHECK_OPTIONS_INIT;
	pgiam_session_params p;
	int rc;

	memset(&j->result, 0, sizeof(j->result));
	snprintf(j->name, sizeof(j->name), "%s", j->opts.profile ? j->opts.profile : "(command line)");
	snprintf(j->result.name, sizeof(j->result.name), "%s", j->name);
	if ((rc = pgiam_cli_session_params_quiet(&p, &j->opts)) != 0) {
		j->rc = rc;
		snprintf(j->result.message, sizeof(j->result.message), "%s", pgiam_error_last());
		return NULL;
	}
	o.name = j->name;
	o.params = &p;
	o.iam = p.password == NULL;
	o.step_cb = j->live ? on_step : NULL;
	o.profile = pgiam_cli_session_profile(&j->opts);
	rc = pgiam_check_run(&j->result, &o);
	j->failed_step = rc > 0 ? rc : 0;
	j->rc = rc < 0 ? PGIAM_EXIT_FAILURE : rc > 0 ? PGIAM_EXIT_FOR_STEP(rc) : PGIAM_EXIT_OK;
	if (rc < 0)
		snprintf(j->result.message, sizeof(j->result.message), "%s", pgiam_error_last());
	return NULL;
}

static json_object *result_json(const job *j)
{
	const pgiam_check_result *r = &j->result;
	json_object *o = json_object_new_object(), *a = json_object_new_array(), *x;

	json_object_object_add(o, "profile", json_object_new_string(r->name));
	json_object_object_add(o, "ok", json_object_new_boolean(j->rc == 0));
	json_object_object_add(o, "failed_step", json_object_new_int(j->failed_step));
	json_object_object_add(o, "message", r->message[0] ? json_object_new_string(r->message) : NULL);
	json_object_object_add(o, "total_ms", json_object_new_int64(r->total_ms));
	for (int i = 0; i < PGIAM_CHECK__COUNT && r->steps[i].name; i++) {
		const pgiam_check_step *st = &r->steps[i];
		x = json_object_new_object();
		json_object_object_add(x, "number", json_object_new_int(st->number));
		json_object_object_add(x, "name", json_object_new_string(st->name));
		json_object_object_add(x, "status", json_object_new_string(pgiam_check_status_name(st->status)));
		json_object_object_add(x, "ms", json_object_new_int64(st->ms));
		json_object_object_add(x, "detail", json_object_new_string(st->detail));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "steps", a);
	x = json_object_new_object();
	pgiam_cli_session_info_json(x, &r->info);
	json_object_object_add(o, "session", x);
	if (r->error.message[0]) {
		x = json_object_new_object();
		pgiam_cli_session_error_json(x, &r->error);
		json_object_object_add(o, "error", x);
	}
	json_object_object_add(o, "assumed_arn", r->assumed_arn[0] ?
		json_object_new_string(r->assumed_arn) : NULL);
	json_object_object_add(o, "session_expiry", json_object_new_int64(r->session_expiry));
	if (r->identity.current_user[0]) {
		x = json_object_new_object();
		json_object_object_add(x, "current_user", json_object_new_string(r->identity.current_user));
		json_object_object_add(x, "server_version", json_object_new_string(r->identity.server_version));
		json_object_object_add(x, "server_version_num", json_object_new_int(r->identity.server_version_num));
		a = json_object_new_array();
		for (char *p = (char *)r->identity.memberships; *p; ) {
			size_t n = strcspn(p, ",");
			json_object_array_add(a, json_object_new_string_len(p, (int)n));
			p += n;
			p += strspn(p, ", ");
		}
		json_object_object_add(x, "memberships", a);
		json_object_object_add(x, "rds_iam", json_object_new_boolean(r->identity.has_rds_iam));
		json_object_object_add(o, "identity", x);
	}
	if (r->steps[PGIAM_CHECK_PRIVILEGES].status == PGIAM_CHECK_PASS) {
		const pgiam_catalog_privileges *pv = &r->privileges;
		x = json_object_new_object();
		json_object_object_add(x, "tables", json_object_new_int64((int64_t)pv->tables));
		json_object_object_add(x, "select", json_object_new_int64((int64_t)pv->can_select));
		json_object_object_add(x, "insert", json_object_new_int64((int64_t)pv->can_insert));
		json_object_object_add(x, "update", json_object_new_int64((int64_t)pv->can_update));
		json_object_object_add(x, "delete", json_object_new_int64((int64_t)pv->can_delete));
		a = json_object_new_array();
		for (size_t i = 0; i < pv->list_count; i++) {
			json_object *t = json_object_new_object(), *pa = json_object_new_array();
			static const char *const names[] = { "SELECT", "INSERT", "UPDATE", "DELETE",
				"TRUNCATE", "REFERENCES", "TRIGGER" };
			json_object_object_add(t, "name", json_object_new_string(pv->list[i].name));
			json_object_object_add(t, "kind", json_object_new_string(pv->list[i].kind));
			for (unsigned b = 0; b < 7; b++)
				if (pv->list[i].privs & (1u << b))
					json_object_array_add(pa, json_object_new_string(names[b]));
			json_object_object_add(t, "privileges", pa);
			json_object_array_add(a, t);
		}
		json_object_object_add(x, "list", a);
		json_object_object_add(o, "privileges", x);
	}
	return o;
}

static void print_text(const job *j, int steps_too)
{
	const pgiam_check_result *r = &j->result;

	if (steps_too) {
		pgiam_cli_printf(stdout, "check %s\n", r->name);
		for (int i = 0; i < PGIAM_CHECK__COUNT && r->steps[i].name; i++)
			print_step(&r->steps[i]);
	}
	if (j->rc == 0)
		pgiam_cli_printf(stdout, "%s: pass (%d steps, %ld ms)\n", r->name, PGIAM_CHECK__COUNT, r->total_ms);
	else if (j->failed_step >= 1 && j->failed_step <= PGIAM_CHECK__COUNT &&
		 r->steps[j->failed_step - 1].name)
		pgiam_cli_printf(stdout, "%s: FAIL at step %d (%s)\n", r->name, j->failed_step,
			r->steps[j->failed_step - 1].name);
	else
		pgiam_cli_printf(stdout, "%s: not checked (%s)\n", r->name, j->rc == PGIAM_EXIT_USAGE ?
			"usage error" : j->rc == PGIAM_EXIT_CONFIG ? "profile not found or invalid" :
			"internal error");
}

typedef struct check_opts {
	int json, all;
} check_opts;

static const pgiam_cli_opt check_options[] = {
	{ "all", 0, NULL, PGIAM_CLI_FIELD(check_opts, all), "every profile of the profile directory, in parallel" },
	{ "json", 0, NULL, PGIAM_CLI_FIELD(check_opts, json), "one JSON document" },
	{ NULL, 0, NULL, 0, NULL },
};

/* The steps and their exit statuses, from check.h's table. */
static void step_statuses(char *out, size_t len)
{
	size_t n = 0;

	n += (size_t)snprintf(out, len, "  %d+N  step N failed (with --all: the first failing "
		"profile's, in name order):", PGIAM_EXIT_STEP);
#define PGIAM_CHECK_USAGE_(id, text) \
	if (n < len) \
		n += (size_t)snprintf(out + n, len - n, "\n  %-5d step %d: %s", \
			PGIAM_EXIT_FOR_STEP(PGIAM_CHECK_##id + 1), PGIAM_CHECK_##id + 1, text);
	PGIAM_CHECK_STEPS(PGIAM_CHECK_USAGE_)
#undef PGIAM_CHECK_USAGE_
}

static int parse_options(check_opts *co, pgiam_cli_session_opts *opts, int argc, char **argv)
{
	char steps[1024];
	const pgiam_cli_group groups[] = {
		{ "options", check_options, NULL, co, NULL },
		PGIAM_CLI_SESSION_GROUPS(opts),
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "check",
		"pgiam check --profile NAME [--profiles DIR] [--json]\n"
		"pgiam check --all [--profiles DIR] [--json]",
		"Runs the whole chain step by step: each step's result and time, then one line.",
		NULL, steps, 0, groups };

	step_statuses(steps, sizeof(steps));
	return pgiam_cli_parse(NULL, &spec, argc, argv);
}

int pgiam_cmd_check(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT("check");
	check_opts co = { 0, 0 };
	int json, all, rc = 0;
	job *jobs = NULL;
	size_t njobs = 0;
	char **names = NULL;
	size_t nnames = 0;

	if ((rc = parse_options(&co, &opts, argc, argv)) != PGIAM_CLI_GO_ON)
		return rc;
	rc = 0;
	json = co.json;
	all = co.all;
	if (all) {
		if ((rc = pgiam_cli_session_list_profiles(&names, &nnames, &opts)) != 0)
			return rc;
		njobs = nnames;
	} else {
		njobs = 1;
	}
	if (njobs && !(jobs = calloc(njobs, sizeof(*jobs)))) {
		pgiam_cli_error("check", "out of memory");
		return PGIAM_EXIT_FAILURE;
	}
	for (size_t i = 0; i < njobs; i++) {
		jobs[i].opts = opts;
		jobs[i].opts.owned = NULL;
		if (all)
			jobs[i].opts.profile = names[i];
		jobs[i].json = json;
		jobs[i].live = !json && !all;
	}
	if (!json && !all) {
		pgiam_cli_printf(stdout, "check %s\n", opts.profile ? opts.profile : "(command line)");
		fflush(stdout);
		run_job(&jobs[0]);
	} else {
		for (size_t i = 0; i < njobs; i++)
			if (pthread_create(&jobs[i].thread, NULL, run_job, &jobs[i]) != 0)
				run_job(&jobs[i]), jobs[i].thread = 0;
		for (size_t i = 0; i < njobs; i++)
			if (jobs[i].thread)
				pthread_join(jobs[i].thread, NULL);
	}
	if (json) {
		json_object *o;
		if (all) {
			json_object *a = json_object_new_array();
			int ok = 1;
			for (size_t i = 0; i < njobs; i++) {
				json_object_array_add(a, result_json(&jobs[i]));
				ok &= jobs[i].rc == 0;
			}
			o = json_object_new_object();
			json_object_object_add(o, "ok", json_object_new_boolean(ok));
			json_object_object_add(o, "profiles", a);
		} else {
			o = result_json(&jobs[0]);
		}
		pgiam_cli_print_json(stdout, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		for (size_t i = 0; i < njobs; i++)
			print_text(&jobs[i], all);
	}
	for (size_t i = 0; i < njobs; i++) {
		if (!rc && jobs[i].rc)
			rc = jobs[i].rc;
		if (jobs[i].rc && !json) {
			if (all)
				pgiam_cli_line(stderr, "pgiam: check %s: %s", jobs[i].name, jobs[i].result.message);
			else
				pgiam_cli_error("check", jobs[i].result.message);
		}
		pgiam_check_result_dispose(&jobs[i].result);
		pgiam_cli_session_opts_dispose(&jobs[i].opts);
	}
	free(jobs);
	pgiam_cli_session_names_free(names, nnames);
	pgiam_cli_session_opts_dispose(&opts);
	return rc;
}
