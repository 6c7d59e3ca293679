/* statusbar.h - the status bar shown while connected: who, where, the token's and the
 * STS session's remaining life (counting down each second), the connection state, the
 * user's open transaction and the READ-ONLY badge. */
#ifndef PGIAM_UI_STATUSBAR_H
#define PGIAM_UI_STATUSBAR_H

#include "app.h"
#include "countdown.h"

#define PGIAM_STATUSBAR_ROWS 2

/* Rows the status bar takes now (0 when not connected). */
int pgiam_statusbar_rows(const pgiam_app *app);

/* Draws it in rows y and y+1. */
void pgiam_statusbar_draw(pgiam_app *app, int y);

/* The connection state in words: "connected · TLS verified", "reconnecting"… */
const char *pgiam_statusbar_state_text(const pgiam_conn_status *st);

/* The user's transaction in words ("in transaction", "failed transaction: ROLLBACK
 * to continue"); "" when none is open. */
const char *pgiam_statusbar_txn_text(const pgiam_conn_status *st);

/* The status role for a countdown level. */
pgiam_role pgiam_statusbar_role_of(pgiam_countdown_level level);

#endif
