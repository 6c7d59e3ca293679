/* conn_stub.c - conn.h for builds without the core's session API (src/session.h):
 * connecting fails at its first step and says why. Replaced by conn.c when the
 * session lands (ui/meson.build picks one). */
#include "checkjob.h"
#include "conn.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pgiam_conn {
	pgiam_conn_status status;
	pgiam_conn_step steps[PGIAM_CONN_STEP__COUNT];
	pgiam_conn_result result;
};

static const char *step_labels[] = {
#define PGIAM_CONN_STEP_LABEL_(id, label) label,
	PGIAM_CONN_STEPS(PGIAM_CONN_STEP_LABEL_)
#undef PGIAM_CONN_STEP_LABEL_
};

const char *pgiam_conn_step_label(pgiam_conn_step_id id)
{
	return (int)id >= 0 && id < PGIAM_CONN_STEP__COUNT ? step_labels[id] : "";
}

int pgiam_conn_start(pgiam_conn **out, const char *dir, const char *name, long token_age,
	pgiam_eventlog *log)
{
	pgiam_conn *c = calloc(1, sizeof(*c));

	(void)dir;
	(void)token_age;
	if (!c)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	snprintf(c->status.profile, sizeof(c->status.profile), "%s", name);
	c->status.state = PGIAM_CONN_FAILED;
	c->steps[0].state = PGIAM_STEP_FAILED;
	snprintf(c->steps[0].detail, sizeof(c->steps[0].detail),
		"this build has no session API (src/session.h)");
	snprintf(c->status.failure, sizeof(c->status.failure),
		"connecting needs the core's session API, which is not in this build yet");
	pgiam_eventlog_add(log, "cannot connect: no session API in this build");
	*out = c;
	return 0;
}

size_t pgiam_conn_pollfds(pgiam_conn *c, struct pollfd *fds, size_t max)
{
	(void)c;
	(void)fds;
	(void)max;
	return 0;
}

int pgiam_conn_timeout_ms(pgiam_conn *c)
{
	(void)c;
	return -1;
}

int pgiam_conn_advance(pgiam_conn *c, const struct pollfd *fds, size_t nfds)
{
	(void)c;
	(void)fds;
	(void)nfds;
	return 0;
}

int pgiam_conn_busy(const pgiam_conn *c)
{
	(void)c;
	return 0;
}

void pgiam_conn_cancel(pgiam_conn *c)
{
	(void)c;
}

const pgiam_conn_status *pgiam_conn_status_of(const pgiam_conn *c)
{
	return &c->status;
}

const pgiam_conn_step *pgiam_conn_steps(const pgiam_conn *c)
{
	return c->steps;
}

int pgiam_conn_query(pgiam_conn *c, const char *sql)
{
	(void)c;
	(void)sql;
	return pgiam_error_set(PGIAM_EINVAL, "queries need the session API (not in this build)");
}

const pgiam_conn_result *pgiam_conn_result_of(const pgiam_conn *c)
{
	(void)c;
	return NULL;
}

double pgiam_conn_query_seconds(const pgiam_conn *c)
{
	(void)c;
	return 0;
}

int pgiam_conn_can_query(const pgiam_conn *c)
{
	(void)c;
	return 0;
}

void pgiam_conn_free(pgiam_conn *c)
{
	free(c);
}

int pgiam_checkjob_start(pgiam_checkjob **out, const char *dir, const char *name)
{
	(void)dir;
	(void)name;
	*out = NULL;
	return pgiam_error_set(PGIAM_EINVAL, "check needs the core's session and auth, which "
		"this build does not have yet");
}

int pgiam_checkjob_fd(const pgiam_checkjob *j)
{
	(void)j;
	return -1;
}

int pgiam_checkjob_update(pgiam_checkjob *j)
{
	(void)j;
	return 0;
}

int pgiam_checkjob_finished(const pgiam_checkjob *j)
{
	(void)j;
	return 1;
}

char *pgiam_checkjob_text(pgiam_checkjob *j)
{
	(void)j;
	return strdup("");
}

const char *pgiam_checkjob_summary(const pgiam_checkjob *j)
{
	(void)j;
	return "";
}

void pgiam_checkjob_free(pgiam_checkjob *j)
{
	(void)j;
}
