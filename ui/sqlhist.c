/* sqlhist.c - the SQL screen's statements into the history across runs (sqlhist.h). */
#include "sqlhist.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

static void warn_once(pgiam_sqlhist *h, pgiam_app *app)
{
	const char *w = h->file ? pgiam_histfile_warning(h->file) : "";

	if (h->warned || !w[0])
		return;
	h->warned = 1;
	pgiam_app_message(app, PGIAM_ROLE_WARN, "%s", w);
	pgiam_eventlog_add(&app->log, "%s", w);
}

void pgiam_sqlhist_open(pgiam_sqlhist *h, pgiam_app *app, pgiam_history *mem)
{
	size_t n = 0, first = 0, seeded = 0;

	memset(h, 0, sizeof(*h));
	snprintf(h->profile, sizeof(h->profile), "%s",
		app->conn ? pgiam_conn_status_of(app->conn)->profile : "");
	if (pgiam_histfile_open(&h->file, NULL, 0) < 0) {
		pgiam_eventlog_add(&app->log, "history not kept: %s", pgiam_error_last());
		return;
	}
	n = pgiam_histfile_count(h->file);
	/* the newest PGIAM_HISTORY_MAX of this profile, oldest first */
	for (size_t i = n; i-- > 0 && seeded < PGIAM_HISTORY_MAX; ) {
		if (!strcmp(pgiam_histfile_at(h->file, i)->profile, h->profile)) {
			first = i;
			seeded++;
		}
	}
	for (size_t i = first; seeded && i < n; i++) {
		const pgiam_hist_entry *e = pgiam_histfile_at(h->file, i);

		if (!strcmp(e->profile, h->profile))
			(void)pgiam_history_add(mem, e->sql);
	}
	warn_once(h, app);
}

void pgiam_sqlhist_ran(pgiam_sqlhist *h, pgiam_app *app, const char *sql,
	const pgiam_conn_result *r)
{
	pgiam_hist_entry e = { sql, h->profile, time(NULL), -1, PGIAM_HIST_UNKNOWN, "" };

	/* the history keeps what reached the server */
	if (!h->file || !sql || (r && r->not_sent))
		return;
	if (r) {
		e.ms = (long)(r->seconds * 1000.0 + 0.5);
		e.at -= (time_t)r->seconds;   /* when it was sent */
		e.outcome = r->cancelled ? PGIAM_HIST_CANCELLED : r->failed ? PGIAM_HIST_ERROR
			: PGIAM_HIST_OK;
		if (r->failed && !r->cancelled && strlen(r->sqlstate) == 5)
			memcpy(e.sqlstate, r->sqlstate, 6);
	}
	if (pgiam_histfile_add(h->file, &e) < 0)
		warn_once(h, app);
}

void pgiam_sqlhist_unanswered(pgiam_sqlhist *h, pgiam_app *app, const char *sql,
	double seconds)
{
	pgiam_hist_entry e = { sql, h->profile, time(NULL), -1, PGIAM_HIST_UNKNOWN, "" };

	if (!h->file || !sql)
		return;
	if (seconds > 0)
		e.at -= (time_t)seconds;   /* when it was sent */
	if (pgiam_histfile_add(h->file, &e) < 0)
		warn_once(h, app);
}

void pgiam_sqlhist_close(pgiam_sqlhist *h)
{
	pgiam_histfile_free(h->file);
	h->file = NULL;
}
