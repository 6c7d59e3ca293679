/* session_notice.c - what the server says besides results: NOTICE, WARNING, INFO…
 * (RAISE NOTICE, "table does not exist, skipping") become NOTICE events of the
 * running query, in order with its rows; a FATAL or PANIC (a server shutting down says
 * why before it closes) is kept as the reason of the close that follows.
 *
 * libpq calls the receiver while it parses input, in the caller's thread. Messages
 * come from the server and are shown on a terminal: they get sanitize.h's safe form
 * and each message is bounded, as is their number per query, so a loop of RAISE
 * NOTICE cannot fill memory or the screen. Notices of pgiam's own queries (the info
 * query, explanations, the browser's catalog reads) are not the user's and are dropped,
 * as is an ERROR arriving while idle (the second signal of an earlier cancel). */
#include "session_int.h"

#include "buf.h"
#include "error.h"
#include "sanitize.h"
#include "secure.h"

#include <stdio.h>
#include <string.h>

/* The message in the safe form every terminal-bound text gets (sanitize.h: controls
 * in caret notation, C1 and bidi controls as U+FFFD), cut on a character boundary
 * with "…" when longer than outlen - 1 bytes. */
static void clean_copy(char *out, size_t outlen, const char *src)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *t;
	size_t len;

	if (pgiam_text_sanitize(&b, src, strlen(src), 0) < 0) {
		snprintf(out, outlen, "(a notice pgiam had no memory to keep)");
		pgiam_buf_dispose(&b);
		return;
	}
	t = pgiam_buf_cstr(&b);
	len = strlen(t);
	/* libpq's own notices end in a newline, now a trailing ^J */
	while (len >= 2 && t[len - 2] == '^' && t[len - 1] == 'J')
		len -= 2;
	if (len >= outlen) {
		len = outlen - 4;
		while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
			len--;
		snprintf(out, outlen, "%.*s\xE2\x80\xA6", (int)len, t);
	} else
		snprintf(out, outlen, "%.*s", (int)len, t);
	pgiam_buf_dispose(&b);
}

static void queue_notice(pgiam_session *s, const char *severity, const char *message)
{
	char text[PGIAM_SESSION_NOTICE_TEXT];
	ev_node *n;

	clean_copy(text, sizeof(text), message);
	if (!(n = pgiam__session_push_node(s, PGIAM_SEV_NOTICE)))
		return;
	n->step = PGIAM_STEP_QUERY;
	n->text = pgiam_strdup(text);
	snprintf(n->severity, sizeof(n->severity), "%s", severity);
}

void pgiam__session_notice_receiver(void *arg, const PGresult *res)
{
	pgiam_session *s = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (!sev)
		sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	if (!msg)   /* libpq's own notices have no fields */
		msg = PQresultErrorMessage(res);
	if (sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC"))) {
		snprintf(s->notice, sizeof(s->notice), "%s", PQresultErrorMessage(res));
		return;
	}
	if ((sev && !strcmp(sev, "ERROR")) || s->state != ST_QUERY)
		return;
	/* A WARNING ("disk almost full") must not be lost behind a loop's NOTICEs: it has
	 * a budget of its own, as bounded. */
	if (sev && !strcmp(sev, "WARNING")) {
		if (s->warnings >= PGIAM_SESSION_NOTICES_MAX) {
			s->notices_dropped++;
			return;
		}
		s->warnings++;
	} else if (s->notices >= PGIAM_SESSION_NOTICES_MAX) {
		s->notices_dropped++;
		return;
	} else
		s->notices++;
	queue_notice(s, sev ? sev : "NOTICE", msg ? msg : "");
}

void pgiam__session_notices_reset(pgiam_session *s)
{
	s->notices = 0;
	s->warnings = 0;
	s->notices_dropped = 0;
}

void pgiam__session_notices_flush(pgiam_session *s)
{
	char text[160];

	if (!s->notices_dropped)
		return;
	snprintf(text, sizeof(text), "%lld more server notices not shown (at most %d notices "
		"and %d warnings per query are kept)", s->notices_dropped,
		PGIAM_SESSION_NOTICES_MAX, PGIAM_SESSION_NOTICES_MAX);
	queue_notice(s, "pgiam", text);
	s->notices_dropped = 0;
}
