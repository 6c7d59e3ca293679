/* readonly.c - F8: switch the session between read-only and read-write without
 * reconnecting, after a question answered with y alone. Read-only is a session
 * default the server applies (and the session can lift: this key, or one SET); the
 * question says so, and that the role's grants are the real limit. */
#include "app.h"

#include "error.h"

#include <stdio.h>
#include <string.h>

static unsigned toggle_confirmed(pgiam_app *app, void *ctx)
{
	int on = ctx != NULL;

	if (!app->conn)
		return PGIAM_REACT_NONE;
	if (pgiam_conn_set_read_only(app->conn, on) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "read-only not switched: %s",
			pgiam_error_last());
		return PGIAM_REACT_REDRAW;
	}
	pgiam_app_message(app, PGIAM_ROLE_OK, "asked the server for %s; the badge shows what "
		"it reports", on ? "read-only" : "read-write");
	return PGIAM_REACT_REDRAW;
}

unsigned pgiam_readonly_toggle(pgiam_app *app)
{
	static pgiam_confirm_arg confirm;
	const pgiam_conn_status *st = app->conn ? pgiam_conn_status_of(app->conn) : NULL;

	if (!st || st->state != PGIAM_CONN_CONNECTED)
		return PGIAM_REACT_NONE;
	if (app->depth && app->stack[app->depth - 1].ops == &pgiam_screen_confirm)
		return PGIAM_REACT_NONE;
	if (pgiam_conn_txn_describe(app->conn, NULL, 0)) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "read-only not switched: a transaction "
			"is open (COMMIT or ROLLBACK first)");
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_conn_busy(app->conn)) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "read-only not switched: a statement is "
			"running");
		return PGIAM_REACT_REDRAW;
	}
	memset(&confirm, 0, sizeof(confirm));
	if (st->read_only)
		snprintf(confirm.question, sizeof(confirm.question), "Switch this session to "
			"READ-WRITE (SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE)? Writes "
			"are then limited only by the role's grants.");
	else
		snprintf(confirm.question, sizeof(confirm.question), "Switch this session to "
			"READ-ONLY (SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY)? It is a "
			"guard the server applies to this session, which the session itself can "
			"lift; the role's grants are the real limit.");
	confirm.yes = toggle_confirmed;
	confirm.ctx = st->read_only ? NULL : (void *)&confirm;   /* non-NULL: turn it on */
	return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
}
