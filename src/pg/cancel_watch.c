/* cancel_watch.c - settles a cancel request from the events that follow it (cancel_watch.h). */
#include "cancel_watch.h"
#include "sqlstate.h"

#include <stdio.h>
#include <string.h>

void pgiam_cancel_watch_request(pgiam_cancel_watch *w)
{
	w->requested = 1;
	w->tag[0] = '\0';
}

int pgiam_cancel_watch_pending(const pgiam_cancel_watch *w)
{
	return w->requested;
}

static pgiam_cancel_outcome settle(pgiam_cancel_watch *w, pgiam_cancel_outcome o)
{
	w->requested = 0;
	w->tag[0] = '\0';
	return o;
}

pgiam_cancel_outcome pgiam_cancel_watch_event(pgiam_cancel_watch *w, char *out, size_t len,
	const pgiam_session_event *ev, const pgiam_session_error *e)
{
	if (!w->requested)
		return PGIAM_CANCEL_NONE;
	switch (ev->kind) {
	case PGIAM_SEV_COMMAND:
		snprintf(w->tag, sizeof(w->tag), "%s", ev->text);
		return PGIAM_CANCEL_NONE;
	case PGIAM_SEV_CANCELLED:
		snprintf(out, len, "cancelled");
		return settle(w, PGIAM_CANCEL_CONFIRMED);
	case PGIAM_SEV_DONE:
		/* the request came too late: say what ran, a write above all */
		snprintf(out, len, "not cancelled: %s completed", w->tag[0] ? w->tag :
			"the statement");
		return settle(w, PGIAM_CANCEL_COMPLETED);
	case PGIAM_SEV_ERROR:
		if (e && pgiam_sqlstate_is(e->sqlstate, PGIAM_SQLSTATE_QUERY_CANCELED)) {
			snprintf(out, len, "cancelled");
			return settle(w, PGIAM_CANCEL_CONFIRMED);
		}
		if (e && e->sqlstate[0])
			snprintf(out, len, "not cancelled: the statement failed first (ERROR %s)",
				e->sqlstate);
		else
			snprintf(out, len, "not cancelled: it failed first");
		return settle(w, PGIAM_CANCEL_FAILED);
	case PGIAM_SEV_LOST:
		if (w->tag[0])
			snprintf(out, len, "cancel not confirmed: the connection was lost after %s "
				"completed; whether the rest ran is unknown", w->tag);
		else
			snprintf(out, len, "cancel not confirmed: the connection was lost; whether "
				"the statement ran is unknown");
		return settle(w, PGIAM_CANCEL_UNKNOWN);
	case PGIAM_SEV_NONE:
	case PGIAM_SEV_STEP:
	case PGIAM_SEV_CONNECTED:
	case PGIAM_SEV_RECONNECTED:
	case PGIAM_SEV_COLUMNS:
	case PGIAM_SEV_ROW:
	case PGIAM_SEV_NOTICE:
		break;
	}
	return PGIAM_CANCEL_NONE;
}
