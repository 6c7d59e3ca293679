/* check.c - runs the chain step by step for `pgiam check` and the TUI's check screen:
 * the session's connect steps (credentials, AssumeRole, token, TCP, TLS,
 * authentication), then what the server says about the user (catalog.h). */
#include "check.h"

#include "error.h"
#include "session_profile.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct check_run {
	pgiam_check_result *r;
	const pgiam_check_options *o;
	long long t0[PGIAM_CHECK__COUNT];
} check_run;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *pgiam_check_status_name(pgiam_check_status status)
{
	switch (status) {
	case PGIAM_CHECK_PENDING: return "pending";
	case PGIAM_CHECK_RUNNING: return "running";
	case PGIAM_CHECK_PASS:    return "pass";
	case PGIAM_CHECK_FAIL:    return "fail";
	case PGIAM_CHECK_SKIP:    return "skip";
	}
	return "unknown";
}

static void begin(check_run *c, pgiam_check_stepid id)
{
	pgiam_check_step *st = &c->r->steps[id];

	st->status = PGIAM_CHECK_RUNNING;
	c->t0[id] = now_ms();
	if (c->o->step_cb)
		c->o->step_cb(c->r, st, c->o->ctx);
}

/* Ends a step: ms < 0 times it from begin(), else ms is the session's own figure
 * (the session reports source credentials and AssumeRole apart, after both ran). The
 * time is stored before the callback, which prints it. */
static void end_ms(check_run *c, pgiam_check_stepid id, pgiam_check_status status,
	const char *detail, long ms)
{
	pgiam_check_step *st = &c->r->steps[id];

	if (st->status != PGIAM_CHECK_RUNNING)
		c->t0[id] = now_ms();
	st->status = status;
	st->ms = ms >= 0 ? ms : (long)(now_ms() - c->t0[id]);
	snprintf(st->detail, sizeof(st->detail), "%s", detail ? detail : "");
	if (status == PGIAM_CHECK_FAIL && !c->r->failed_step) {
		c->r->failed_step = st->number;
		snprintf(c->r->message, sizeof(c->r->message), "%s", st->detail);
	}
	if (c->o->step_cb)
		c->o->step_cb(c->r, st, c->o->ctx);
}

static void end(check_run *c, pgiam_check_stepid id, pgiam_check_status status,
	const char *detail)
{
	end_ms(c, id, status, detail, -1);
}

/* Session steps map one to one onto the first check steps. */
static int map_step(pgiam_step step, pgiam_check_stepid *out)
{
	switch (step) {
	case PGIAM_STEP_CREDENTIALS:   *out = PGIAM_CHECK_CREDENTIALS; return 1;
	case PGIAM_STEP_ASSUME_ROLE:   *out = PGIAM_CHECK_ASSUME_ROLE; return 1;
	case PGIAM_STEP_TOKEN:         *out = PGIAM_CHECK_TOKEN; return 1;
	case PGIAM_STEP_TCP:           *out = PGIAM_CHECK_TCP; return 1;
	case PGIAM_STEP_TLS:           *out = PGIAM_CHECK_TLS; return 1;
	case PGIAM_STEP_AUTH:          *out = PGIAM_CHECK_AUTH; return 1;
	case PGIAM_STEP_AUTHORIZATION: *out = PGIAM_CHECK_AUTHORIZATION; return 1;
	case PGIAM_STEP_READY:         *out = PGIAM_CHECK_VERSION; return 1;
	case PGIAM_STEP_QUERY:
	case PGIAM_STEP__COUNT:
		break;
	}
	return 0;
}

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	check_run *c = ctx;
	pgiam_check_stepid id;

	switch (ev->kind) {
	case PGIAM_SEV_STEP:
		if (!map_step(ev->step, &id) || id == PGIAM_CHECK_VERSION)
			break;
		if (!ev->done) {
			begin(c, id);
			break;
		}
		if (id == PGIAM_CHECK_ASSUME_ROLE && pgiam_session_auth(s)) {
			pgiam_auth_info info;
			pgiam_auth_info_get(&info, pgiam_session_auth(s));
			/* assumed-role ARNs fit (role and session names are short); truncate if not */
			snprintf(c->r->assumed_arn, sizeof(c->r->assumed_arn), "%.*s",
				(int)sizeof(c->r->assumed_arn) - 1, info.assumed_arn);
			c->r->session_expiry = info.session_expiry;
		}
		end_ms(c, id, PGIAM_CHECK_PASS, ev->text, ev->ms);
		break;
	case PGIAM_SEV_ERROR:
		c->r->error = *pgiam_session_last_error(s);
		if (map_step(ev->step, &id)) {
			/* the time the step ran (a 20 s STS timeout), not since its begin was
			 * seen: AssumeRole's begin is reported when pgiam_auth returns */
			if (ev->ms > 0 && c->r->steps[id].status == PGIAM_CHECK_RUNNING)
				c->t0[id] = now_ms() - ev->ms;
			end(c, id, PGIAM_CHECK_FAIL, ev->text);
		}
		break;
	case PGIAM_SEV_NONE:
	case PGIAM_SEV_CONNECTED:
	case PGIAM_SEV_RECONNECTED:
	case PGIAM_SEV_LOST:
	case PGIAM_SEV_COLUMNS:
	case PGIAM_SEV_ROW:
	case PGIAM_SEV_COMMAND:
	case PGIAM_SEV_DONE:
	case PGIAM_SEV_CANCELLED:
	case PGIAM_SEV_NOTICE:
		break;
	}
}

static void catalog_steps(check_run *c, pgiam_session *s)
{
	pgiam_check_result *r = c->r;
	/* each catalog query gets the connect's time: the check ends in bounded time */
	int secs = c->o->params->connect_timeout > 0 ? c->o->params->connect_timeout :
		PGIAM_CHECK_QUERY_TIMEOUT_DEFAULT;
	pgiam_catalog_wait w = { c->o->cancel, secs * 1000 };
	char detail[1024];
	int error;

	begin(c, PGIAM_CHECK_VERSION);
	error = pgiam_catalog_identity_get(&r->identity, s, &w);
	if (error) {
		end(c, PGIAM_CHECK_VERSION, PGIAM_CHECK_FAIL, pgiam_error_last());
		return;
	}
	snprintf(detail, sizeof(detail), "PostgreSQL %s", r->identity.server_version);
	end(c, PGIAM_CHECK_VERSION, PGIAM_CHECK_PASS, detail);

	begin(c, PGIAM_CHECK_CURRENT_USER);
	if (strcmp(r->identity.current_user, r->info.db_user)) {
		snprintf(detail, sizeof(detail), "current_user: logged in as %s but current_user "
			"is %s", r->info.db_user, r->identity.current_user);
		end(c, PGIAM_CHECK_CURRENT_USER, PGIAM_CHECK_FAIL, detail);
		return;
	}
	end(c, PGIAM_CHECK_CURRENT_USER, PGIAM_CHECK_PASS, r->identity.current_user);

	begin(c, PGIAM_CHECK_MEMBERSHIPS);
	snprintf(detail, sizeof(detail), "member of %.900s; rds_iam %s",
		*r->identity.memberships ? r->identity.memberships : "no other role",
		r->identity.has_rds_iam ? "yes" : "NO");
	if (c->o->iam && !r->identity.has_rds_iam) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "role memberships: %s is not a member of rds_iam, "
			"yet logged in with a token (GRANT rds_iam TO %s)", r->identity.current_user,
			r->identity.current_user);
		end(c, PGIAM_CHECK_MEMBERSHIPS, PGIAM_CHECK_FAIL, msg);
		return;
	}
	end(c, PGIAM_CHECK_MEMBERSHIPS, PGIAM_CHECK_PASS, detail);

	begin(c, PGIAM_CHECK_PRIVILEGES);
	if (pgiam_catalog_privileges_get(&r->privileges, s, &w) < 0) {
		end(c, PGIAM_CHECK_PRIVILEGES, PGIAM_CHECK_FAIL, pgiam_error_last());
		return;
	}
	snprintf(detail, sizeof(detail), "%zu tables in %s: SELECT %zu, INSERT %zu, UPDATE %zu, "
		"DELETE %zu", r->privileges.tables, r->info.dbname, r->privileges.can_select,
		r->privileges.can_insert, r->privileges.can_update, r->privileges.can_delete);
	end(c, PGIAM_CHECK_PRIVILEGES, PGIAM_CHECK_PASS, detail);
}

int pgiam_check_run(pgiam_check_result *out, const pgiam_check_options *o)
{
	check_run c = { out, o, { 0 } };
	pgiam_session *s = NULL;
	long long t0 = now_ms();
	int error;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", o->name ? o->name : "");
	for (int i = 0; i < PGIAM_CHECK__COUNT; i++) {
		out->steps[i].number = i + 1;
		out->steps[i].status = PGIAM_CHECK_PENDING;
	}
#define PGIAM_CHECK_NAME_(id, text) out->steps[PGIAM_CHECK_##id].name = text;
	PGIAM_CHECK_STEPS(PGIAM_CHECK_NAME_)
#undef PGIAM_CHECK_NAME_
	if (!o->params)
		return pgiam_error_set(PGIAM_EINVAL, "check: no connection parameters");
	if (o->profile)
		error = pgiam_session_new_profile(&s, o->profile, o->params);
	else
		error = pgiam_session_new(&s, o->params);
	if (error < 0)
		return error;

	pgiam_session_connect(s);
	pgiam_session_run_until(s, on_event, &c, o->cancel, 0);   /* the connect's own deadline */
	pgiam_session_get_info(&out->info, s);
	if (!out->failed_step && pgiam_session_get_state(s) == PGIAM_SESSION_READY &&
	    !pgiam_cancel_requested(o->cancel)) {
		if (out->steps[PGIAM_CHECK_AUTHORIZATION].status == PGIAM_CHECK_PENDING) {
			char detail[300];
			snprintf(detail, sizeof(detail), "connected to database %s as %s",
				out->info.dbname, out->info.db_user);
			end(&c, PGIAM_CHECK_AUTHORIZATION, PGIAM_CHECK_PASS, detail);
		}
		catalog_steps(&c, s);
	}
	/* Steps that never ran: not needed (password login, no role) or after a failure. */
	for (int i = 0; i < PGIAM_CHECK__COUNT; i++) {
		pgiam_check_step *st = &out->steps[i];
		if (st->status != PGIAM_CHECK_PENDING)
			continue;
		if (out->failed_step && st->number > out->failed_step) {
			snprintf(st->detail, sizeof(st->detail), "not reached");
		} else {
			st->status = PGIAM_CHECK_SKIP;
			snprintf(st->detail, sizeof(st->detail), "%s",
				i == PGIAM_CHECK_ASSUME_ROLE ? "no role_arn: source credentials sign the token" :
				o->params->password ? "static password login (no IAM)" : "not needed");
		}
	}
	if (!out->failed_step && pgiam_session_get_state(s) != PGIAM_SESSION_READY) {
		out->failed_step = out->error.step + 1;
		snprintf(out->message, sizeof(out->message), "%s", out->error.message[0] ?
			out->error.message : "the connection did not complete");
	}
	out->total_ms = (long)(now_ms() - t0);
	pgiam_session_free(s);
	return out->failed_step;
}

void pgiam_check_result_dispose(pgiam_check_result *r)
{
	pgiam_catalog_privileges_dispose(&r->privileges);
}
