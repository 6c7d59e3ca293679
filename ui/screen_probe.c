/* screen_probe.c - P in the browser: the probe of one table (src/probe.h), its
 * queries sent one at a time as pgiam's own reads (conn.h: on a connection of pgiam's
 * own while the user's transaction is open), each line as the server answered it. */
#include "app.h"

#include "buf.h"
#include "catalog.h"
#include "draw.h"
#include "error.h"
#include "quote.h"
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct probe_view {
	pgiam_probe *p;
	char name[600];
	int waiting;               /* a query of the probe is running */
	int pin;                   /* the connection its queries stay on (conn.h) */
	int closing;               /* Esc: stop, send the ROLLBACK still due, then close */
	char failed[600];
} probe_view;

static unsigned send_next(probe_view *v, pgiam_app *app)
{
	const char *sql = pgiam_probe_next_sql(v->p);

	if (!sql) {
		if (pgiam_probe_error(v->p)[0])
			snprintf(v->failed, sizeof(v->failed), "%s", pgiam_probe_error(v->p));
		return PGIAM_REACT_REDRAW;
	}
	if (pgiam_conn_query_internal_pinned(app->conn, sql, &v->pin) < 0)
		return PGIAM_REACT_NONE;   /* busy: tried again at the next tick */
	v->waiting = 1;
	return PGIAM_REACT_REDRAW;
}

static int probe_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	const pgiam_probe_arg *a = arg;
	probe_view *v = pgiam_xcalloc(1, sizeof(*v));
	pgiam_buf b = PGIAM_BUF_INIT;

	if (pgiam_sql_quote_ident(&b, a->schema) < 0 || pgiam_buf_puts(&b, ".") < 0 ||
	    pgiam_sql_quote_ident(&b, a->table) < 0 ||
	    pgiam_probe_new(&v->p, pgiam_buf_cstr(&b)) < 0) {
		pgiam_buf_dispose(&b);
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "probe: %s", pgiam_error_last());
		free(v);
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "%s", pgiam_buf_cstr(&b));
	v->pin = -1;
	pgiam_buf_dispose(&b);
	s->data = v;
	if (app->conn)
		send_next(v, app);
	return 0;
}

static unsigned probe_tick(pgiam_screen *s, pgiam_app *app)
{
	probe_view *v = s->data;
	const pgiam_conn_result *r = NULL;

	if (!app->conn)
		return v->closing ? PGIAM_REACT_POP : PGIAM_REACT_NONE;
	if (!v->waiting && v->closing && (pgiam_probe_finished(v->p) || v->failed[0]))
		return PGIAM_REACT_POP;
	if (!v->waiting)
		return pgiam_probe_finished(v->p) || v->failed[0] ? PGIAM_REACT_NONE :
			send_next(v, app);
	r = pgiam_conn_internal_result_of(app->conn);
	if (!r || !r->done)
		return PGIAM_REACT_NONE;
	for (size_t i = 0; i < r->nrows; i++)
		pgiam_probe_feed_row(v->p, (int)r->ncols, (const char *const *)r->cells + i * r->ncols);
	pgiam_probe_feed_end(v->p, r->failed, r->sqlstate, r->message);
	v->waiting = 0;
	return send_next(v, app) | PGIAM_REACT_REDRAW;
}

static void probe_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	probe_view *v = s->data;
	char line[4800];
	int y = body.y;

	(void)app;
	snprintf(line, sizeof(line), "Probe of %s%s%s: each statement alone in BEGIN \xE2\x80\xA6 "
		"ROLLBACK, touching no row (nothing is changed)", pgiam_probe_table(v->p),
		pgiam_probe_role(v->p)[0] ? " as " : "", pgiam_probe_role(v->p));
	pgiam_draw_text(y++, 1, body.w - 2, PGIAM_ROLE_HEADER, line);
	if (v->failed[0]) {
		pgiam_draw_text(y + 1, 1, body.w - 2, PGIAM_ROLE_ERROR, v->failed);
		return;
	}
	for (size_t i = 0; i < PGIAM_PROBE_LINES && y + 2 < body.y + body.h; i++) {
		const pgiam_probe_line *l = pgiam_probe_line_at(v->p, i);
		const char *verdict = l->allowed < 0 ? "\xE2\x80\xA6" : l->allowed ? "allowed" :
			"DENIED";
		y++;
		snprintf(line, sizeof(line), "%-8s  %-7s  %s", l->statement, verdict, l->sql);
		pgiam_draw_text(y++, 1, body.w - 2, l->allowed < 0 ? PGIAM_ROLE_DIM : l->allowed ?
			PGIAM_ROLE_OK : PGIAM_ROLE_ERROR, line);
		if (!strcmp(l->source, "catalog"))
			snprintf(line, sizeof(line), "          from the catalog: %s", l->message);
		else if (l->allowed == 0)
			snprintf(line, sizeof(line), "          server: ERROR %s: %s", l->sqlstate,
				l->message);
		else
			line[0] = '\0';
		if (line[0] && l->allowed >= 0)
			pgiam_draw_text(y, 1, body.w - 2, PGIAM_ROLE_NORMAL, line);
	}
	if (pgiam_probe_finished(v->p) && y + 2 < body.y + body.h)
		pgiam_draw_text(y + 2, 1, body.w - 2, PGIAM_ROLE_DIM, "probe finished: every "
			"statement was rolled back");
}

static unsigned probe_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	probe_view *v = s->data;

	if (a != PGIAM_ACTION_BACK && a != PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_UNHANDLED;
	if (!v->waiting && (pgiam_probe_finished(v->p) || v->failed[0]))
		return PGIAM_REACT_POP;
	/* never leave a BEGIN of the probe open: stop, let the ROLLBACK due run, close */
	pgiam_probe_stop(v->p);
	v->closing = 1;
	if (app->conn && pgiam_conn_busy(app->conn))
		pgiam_conn_cancel(app->conn);
	pgiam_app_message(app, PGIAM_ROLE_WARN, "stopping the probe (its ROLLBACK first)â¦");
	return PGIAM_REACT_REDRAW;
}

static void probe_close(pgiam_screen *s, pgiam_app *app)
{
	probe_view *v = s->data;

	/* closed only once no BEGIN of the probe is left open (probe_action), or on
	 * quitting, where the connection's close rolls it back */
	(void)app;
	if (v)
		pgiam_probe_free(v->p);
	free(v);
}

const pgiam_screen_ops pgiam_screen_probe = {
	.title = "Probe",
	.scopes = { PGIAM_SCOPE_LIST }, .nscopes = 1,
	.open = probe_open, .draw = probe_draw, .action = probe_action, .tick = probe_tick,
	.close = probe_close,
};
