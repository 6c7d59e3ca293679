/* cancel_watch.h - what became of a cancel request. Asking the server to cancel a statement
 * is only a request: the statement may complete first (a write then happened), fail on
 * its own, or be cut with the connection. A watch is fed the session's events after
 * the request and says, once the outcome is known, which of these it was, so the TUI
 * and `pgiam sql` show `cancelling…` until then and the truth after. */
#ifndef PGIAM_CANCEL_WATCH_H
#define PGIAM_CANCEL_WATCH_H

#include "session.h"

#include <stddef.h>

typedef enum pgiam_cancel_outcome {
	PGIAM_CANCEL_NONE = 0,       /* no request, or its outcome is not known yet */
	PGIAM_CANCEL_CONFIRMED,      /* the server cancelled it (57014), or the connect stopped */
	PGIAM_CANCEL_COMPLETED,      /* the statement completed anyway */
	PGIAM_CANCEL_FAILED,         /* it failed of something else first */
	PGIAM_CANCEL_UNKNOWN         /* the connection was lost: it may or may not have run */
} pgiam_cancel_outcome;

typedef struct pgiam_cancel_watch {
	int requested;
	char tag[64];                /* the last command tag seen since the request */
} pgiam_cancel_watch;

/* A cancel was requested for what is running now. */
void pgiam_cancel_watch_request(pgiam_cancel_watch *w);

/* 1 while a request waits for its outcome. */
int pgiam_cancel_watch_pending(const pgiam_cancel_watch *w);

/* Feeds one session event (e: pgiam_session_last_error() for an ERROR, else NULL).
 * When it settles the request, writes one line to out ("cancelled", "not cancelled:
 * UPDATE 1 completed", ...), clears the request and returns the outcome; otherwise
 * returns PGIAM_CANCEL_NONE. */
pgiam_cancel_outcome pgiam_cancel_watch_event(pgiam_cancel_watch *w, char *out, size_t len,
	const pgiam_session_event *ev, const pgiam_session_error *e);

#endif
