/* txnguard.c - what the screens do about the user's open transaction: quitting or
 * disconnecting asks first and names it (both roll it back), and a transaction the
 * server rolled back when the connection dropped is said on the message line. (The
 * browser's reads keep out of it on a connection of their own: conn.c.) */
#include "app.h"

#include <stdio.h>
#include <string.h>

static unsigned quit_confirmed(pgiam_app *app, void *ctx)
{
	(void)ctx;
	pgiam_eventlog_add(&app->log, "quit with an open transaction: rolled back");
	return PGIAM_REACT_QUIT;
}

int pgiam_txnguard_question(pgiam_app *app, char *out, size_t outlen, const char *what)
{
	char txn[400];

	if (!app->conn || !pgiam_conn_txn_describe(app->conn, txn, sizeof(txn))) {
		snprintf(out, outlen, "%s?", what);
		return 0;
	}
	txn[0] = (char)(txn[0] - ('a' - 'A'));   /* "the …" starts a sentence */
	snprintf(out, outlen, "%s? %s will be rolled back: its work is lost.", what, txn);
	return 1;
}

unsigned pgiam_txnguard_quit(pgiam_app *app)
{
	static pgiam_confirm_arg confirm;

	int txn = app->conn && pgiam_conn_txn_describe(app->conn, NULL, 0);
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	int busy = r && !r->done;   /* the user's statement, not a connect or a browser read */

	if (!txn && !busy)
		return PGIAM_REACT_QUIT;
	/* F10 again on the question itself is not a second quit */
	if (app->depth && app->stack[app->depth - 1].ops == &pgiam_screen_confirm)
		return PGIAM_REACT_NONE;
	memset(&confirm, 0, sizeof(confirm));
	if (txn)
		pgiam_txnguard_question(app, confirm.question, sizeof(confirm.question),
			"Quit pgiam");
	else
		/* quitting does not stop a statement the server already has: a write may
		 * still complete, and the user would never see its outcome */
		snprintf(confirm.question, sizeof(confirm.question), "Quit pgiam while a "
			"statement is running? It may still complete on the server, and its "
			"outcome would not be shown (Esc cancels it instead).");
	confirm.yes = quit_confirmed;
	return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
}

unsigned pgiam_txnguard_tick(pgiam_app *app)
{
	char alert[400];

	if (!app->conn || !pgiam_conn_take_alert(app->conn, alert, sizeof(alert)))
		return PGIAM_REACT_NONE;
	pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", alert);
	return PGIAM_REACT_REDRAW;
}
