/* statusbar.c - the status bar (see statusbar.h). */
#include "statusbar.h"

#include "draw.h"

#include <stdio.h>

int pgiam_statusbar_rows(const pgiam_app *app)
{
	return pgiam_app_connected(app) ? PGIAM_STATUSBAR_ROWS : 0;
}

pgiam_role pgiam_statusbar_role_of(pgiam_countdown_level level)
{
	switch (level) {
	case PGIAM_COUNTDOWN_OK:
		return PGIAM_ROLE_STATUS_OK;
	case PGIAM_COUNTDOWN_WARN:
		return PGIAM_ROLE_STATUS_WARN;
	case PGIAM_COUNTDOWN_CRIT:
	case PGIAM_COUNTDOWN_EXPIRED:
		return PGIAM_ROLE_STATUS_CRIT;
	}
	return PGIAM_ROLE_STATUS;
}

const char *pgiam_statusbar_state_text(const pgiam_conn_status *st)
{
	switch (st->state) {
	case PGIAM_CONN_CONNECTING:
		return "connecting";
	case PGIAM_CONN_CONNECTED:
		return st->tls_verified ? "connected \xC2\xB7 TLS verified" : "connected \xC2\xB7 TLS not verified";
	case PGIAM_CONN_RECONNECTING:
		return "reconnecting";
	case PGIAM_CONN_LOST:
		return "connection lost";
	case PGIAM_CONN_FAILED:
		return "not connected";
	}
	return "";
}

const char *pgiam_statusbar_txn_text(const pgiam_conn_status *st)
{
	switch (st->txn) {
	case PGIAM_CONN_TXN_NONE:
		return "";
	case PGIAM_CONN_TXN_OPEN:
		return "in transaction";
	case PGIAM_CONN_TXN_FAILED:
		return "failed transaction: ROLLBACK to continue";
	case PGIAM_CONN_TXN_LOST:
		return "transaction rolled back: the connection was lost";
	}
	return "";
}

static pgiam_role state_role(const pgiam_conn_status *st)
{
	switch (st->state) {
	case PGIAM_CONN_CONNECTED:
		return st->tls_verified ? PGIAM_ROLE_STATUS_OK : PGIAM_ROLE_STATUS_WARN;
	case PGIAM_CONN_CONNECTING:
	case PGIAM_CONN_RECONNECTING:
		return PGIAM_ROLE_STATUS_WARN;
	case PGIAM_CONN_LOST:
	case PGIAM_CONN_FAILED:
		return PGIAM_ROLE_STATUS_CRIT;
	}
	return PGIAM_ROLE_STATUS;
}

/* Draws one segment and a separator; returns the new x. */
static int segment(int y, int x, int end, pgiam_role role, const char *text)
{
	char padded[512];

	if (x >= end)
		return x;
	snprintf(padded, sizeof(padded), " %s ", text);
	x += pgiam_draw_text(y, x, end - x, role, padded);
	if (x < end)
		x += pgiam_draw_text(y, x, end - x, PGIAM_ROLE_STATUS, "\xE2\x94\x82");
	return x;
}

void pgiam_statusbar_draw(pgiam_app *app, int y)
{
	const pgiam_conn_status *st = NULL;
	time_t now = time(NULL);
	char text[512];
	char left[32];
	int x = 0;
	int end = app->cols;

	if (!app->conn)
		return;
	st = pgiam_conn_status_of(app->conn);
	pgiam_draw_fill(y, 0, app->cols, PGIAM_ROLE_STATUS);
	pgiam_draw_fill(y + 1, 0, app->cols, PGIAM_ROLE_STATUS);

	/* Row 1: who, the role and its STS session, where (a long endpoint name is
	 * what gets cut); the badge stays visible at the right. */
	if (st->read_only) {
		end = app->cols - 11;
		pgiam_draw_text(y, end, 11, PGIAM_ROLE_BADGE_READONLY, " READ-ONLY ");
	}
	x = segment(y, x, end, PGIAM_ROLE_STATUS, st->profile);
	if (st->role_short[0])
		x = segment(y, x, end, PGIAM_ROLE_STATUS, st->role_short);
	if (st->sts_expires) {
		long secs = (long)(st->sts_expires - now);

		pgiam_countdown_format(left, sizeof(left), secs);
		/* an MFA role is not renewed on its own: say so, and how */
		if (st->mfa_serial[0] && secs <= PGIAM_COUNTDOWN_WARN_SECONDS)
			snprintf(text, sizeof(text), "STS %s \xC2\xB7 %s", left, st->renewing
				? "renewing\xE2\x80\xA6" : secs > 0 ? "ends soon: F12 renews (MFA)"
				: "F12 renews (MFA)");
		else
			snprintf(text, sizeof(text), "STS %s", left);
		x = segment(y, x, end, pgiam_statusbar_role_of(pgiam_countdown_level_of(secs)), text);
	}
	snprintf(text, sizeof(text), "%s@%s", st->db_user, st->endpoint);
	x = segment(y, x, end, PGIAM_ROLE_STATUS, text);

	/* Row 2: the connection state, then the token (whose expiry text is long). */
	x = segment(y + 1, 0, app->cols, state_role(st), pgiam_statusbar_state_text(st));
	/* before the token: a transaction holding locks matters more than its countdown */
	if (st->txn != PGIAM_CONN_TXN_NONE)
		x = segment(y + 1, x, app->cols, st->txn == PGIAM_CONN_TXN_OPEN ?
			PGIAM_ROLE_STATUS_WARN : PGIAM_ROLE_STATUS_CRIT, pgiam_statusbar_txn_text(st));
	pgiam_countdown_token_text(text, sizeof(text), st->token_expires, st->token_by_creds,
		st->state == PGIAM_CONN_CONNECTED, now);
	segment(y + 1, x, app->cols, st->token_expires
		? pgiam_statusbar_role_of(pgiam_countdown_level_of((long)(st->token_expires - now)))
		: PGIAM_ROLE_STATUS, text);
}
