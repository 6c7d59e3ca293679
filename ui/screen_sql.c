/* screen_sql.c - the connected view: the SQL editor (editor.h, drawn by editor_draw.c:
 * a multi-line buffer of any length, highlighted by the core's lexer) in the lower
 * part, the results above it in the grid (resultview.h), errors inline with SQLSTATE,
 * detail, the server's hint, pgiam's explanation (WHY) and the position, which is
 * also marked in the buffer itself.
 *
 * Enter follows psql's rule (the core's pgiam_sql_complete): a buffer that ends with
 * a complete statement and its ';' runs as one query and is cleared (Up recalls it;
 * a failed one comes back, the error marked), anything else gets a line break. F9
 * (Alt-Enter, Ctrl-Enter) runs the statement under the cursor, Alt-X the whole
 * buffer statement by statement, stopping at the first error and naming it; those
 * leave the buffer as it is. A paste is one edit and never runs. Enter while a
 * statement runs queues the buffer: it runs only if that one succeeded, as psql's
 * ON_ERROR_STOP (sqlrun.c). Esc or Ctrl-C cancels a running statement and
 * keeps the buffer; with nothing running Ctrl-C clears a half-typed buffer (Up brings
 * it back) and on an empty one, like Esc, offers to disconnect.
 *
 * The buffer is never lost: it lives as long as the screen, through a failure, a
 * lost connection, a reconnect and a resize, and is kept as the profile's draft on
 * quit (src/util/draft.h), restored when the profile connects again. Transactions:
 * Alt-C commits, Alt-R rolls back, Alt-A turns autocommit off (a BEGIN goes before a
 * statement run outside a transaction); the status bar shows what the server says.
 *
 * The screen draws only inside the body rectangle it is given (a pane of a layout
 * can host it). Tab and Ctrl-R go to sqlhooks.h. */
#include "app.h"

#include "draft.h"
#include "draw.h"
#include "editor_draw.h"
#include "error.h"
#include "history.h"
#include "resultview.h"
#include "sqlrun.h"
#include "sqlhooks.h"
#include "sqlsplit.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUTTER 5          /* "SQL> " on the first line, line numbers after it */
#define BATCHES_MAX 8     /* buffers queued while a statement runs */

typedef struct sql_view {
	pgiam_editor ed;
	pgiam_history history;
	pgiam_sqlrun runs;
	int cursor_y, cursor_x;
	char title[160];
	char profile[128];
	pgiam_resultview rv;       /* the result in the grid (F6 gives it the keys) */
} sql_view;

/* NULL is a dim symbol, as in the browser: the text "NULL" is a value a column can
 * hold, and dim alone is lost on some terminals. */
#define NULL_MARK "\xE2\x88\x85"

/* The profile's draft from the last run, back in the buffer. */
static void restore_draft(sql_view *v, pgiam_app *app)
{
	char *text = NULL;
	size_t len = 0;
	int found = pgiam_draft_load(&text, &len, v->profile);

	if (found < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return;
	}
	if (!found)
		return;
	if (pgiam_editor_set(&v->ed, text, len) < 0)
		pgiam_ui_fail("out of memory");
	free(text);
	pgiam_app_message(app, PGIAM_ROLE_OK, "the draft of %s is back in the editor (%zu "
		"bytes, kept when pgiam last quit)", v->profile, len);
}

static int sql_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	sql_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	pgiam_editor_init(&v->ed);
	pgiam_sqlrun_init(&v->runs);
	snprintf(v->profile, sizeof(v->profile), "%s",
		app->conn ? pgiam_conn_status_of(app->conn)->profile : "");
	snprintf(v->title, sizeof(v->title), "Connected: %s", v->profile);
	s->data = v;
	s->title = v->title;
	if (v->profile[0])
		restore_draft(v, app);
	pgiam_sqlhooks_open(app, &v->history);
	if (app->demo && pgiam_history_add(&v->history, PGIAM_DEMO_INSERT ";") == 0)
		pgiam_app_message(app, PGIAM_ROLE_OK, "demo: Up recalls the reference INSERT "
			"(Enter runs it, refused and explained); F8 toggles read-only; F5, then P on a "
			"table, probes it");
	return 0;
}

/* Draws text wrapped to the area from row y; returns the next free row. */
static int draw_wrapped(pgiam_rect area, int y, pgiam_role role, const char *text)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *p = NULL;

	if (pgiam_width_wrap(&b, text, area.w, 2) < 0)
		pgiam_ui_fail("out of memory");
	p = pgiam_buf_cstr(&b);
	while (*p && y < area.y + area.h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *one = strndup(p, len);

		if (!one)
			pgiam_ui_fail("out of memory");
		pgiam_draw_text(y++, area.x, area.w, role, one);
		free(one);
		p += len + (nl ? 1 : 0);
	}
	pgiam_buf_dispose(&b);
	return y;
}

/* The statement under "at character N" with a caret under that character, as psql
 * does. The server counts characters, not bytes, and the position may be just past
 * the end ("syntax error at end of input"); the statement is shown from a character
 * that keeps the caret inside the area. Returns the next free row. */
/* The line of the statement under "at character N" with a caret under that
 * character, as psql does. The server counts characters, not bytes, and the position
 * may be just past the end ("syntax error at end of input"); the line is shown from
 * a character that keeps the caret inside the area; a statement of several lines
 * names the line. Returns the next free row. */
static int draw_position(pgiam_rect area, int y, const char *sql, int position)
{
	size_t len = strlen(sql);
	size_t at = 0, ls = 0, le = 0, start = 0;
	int line = 1;
	char head[64];
	char *one = NULL;

	for (int i = 1; i < position && at < len; i++)
		at = pgiam_utf8_next(sql, len, at);
	for (size_t i = 0; i < at; i++)
		if (sql[i] == '\n') {
			line++;
			ls = i + 1;
		}
	le = ls + strcspn(sql + ls, "\n");
	start = ls;
	while (start < at && (int)pgiam_width_of_n(sql + start, at - start) > area.w - 6)
		start = pgiam_utf8_next(sql, len, start);
	if (strchr(sql, '\n'))
		snprintf(head, sizeof(head), "at character %d, line %d:", position, line);
	else
		snprintf(head, sizeof(head), "at character %d:", position);
	if (y < area.y + area.h)
		pgiam_draw_text(y++, area.x, area.w, PGIAM_ROLE_NORMAL, head);
	if (y + 1 < area.y + area.h) {
		int caret = (int)pgiam_width_of_n(sql + start, at - start);

		if (!(one = strndup(sql + start, le - start)))
			pgiam_ui_fail("out of memory");
		pgiam_draw_text(y++, area.x + 2, area.w - 2, PGIAM_ROLE_NORMAL, one);
		pgiam_draw_text(y++, area.x + 2 + caret, 1, PGIAM_ROLE_ERROR, "^");
		free(one);
	}
	return y;
}

/* The server's notices of the statement, above its result as psql prints them (a
 * WARNING in the warning colour), at most a third of the area: the rest are in the
 * event log. Returns the next free row. */
static int draw_notices(const pgiam_conn_result *r, pgiam_rect area, int y)
{
	int room = area.h / 3 > 1 ? area.h / 3 : 1;
	int shown = 0;
	char more[96];

	for (const char *p = r->notices; p && *p && y < area.y + area.h; shown++) {
		size_t len = strcspn(p, "\n");
		char *one;

		if (shown == room - 1 && r->nnotices > (size_t)room) {
			snprintf(more, sizeof(more), "\xE2\x80\xA6 %zu more notices (F3: event log)",
				r->nnotices - (size_t)shown);
			pgiam_draw_text(y++, area.x, area.w, PGIAM_ROLE_DIM, more);
			break;
		}
		if (!(one = strndup(p, len)))
			pgiam_ui_fail("out of memory");
		pgiam_draw_text(y++, area.x, area.w, strncmp(one, "WARNING:", 8) ?
			PGIAM_ROLE_NORMAL : PGIAM_ROLE_WARN, one);
		free(one);
		p += len + (p[len] ? 1 : 0);
	}
	return y;
}

/* Under an error: DETAIL and HINT as the server sent them, then pgiam's own
 * explanation under its own label (never passed off as the server's HINT). */
static void draw_error_notes(const pgiam_conn_result *r, pgiam_rect area, int y)
{
	pgiam_buf rest = PGIAM_BUF_INIT;

	if (r->detail[0])
		pgiam_buf_printf(&rest, "DETAIL: %s\n", r->detail);
	if (r->hint[0])
		pgiam_buf_printf(&rest, "HINT: %s\n", r->hint);
	if (r->why[0])
		pgiam_buf_printf(&rest, "WHY: %s\n", r->why);
	draw_wrapped(area, y, PGIAM_ROLE_NORMAL, pgiam_buf_cstr(&rest));
	pgiam_buf_dispose(&rest);
}

static void draw_result(sql_view *v, pgiam_app *app, const pgiam_conn_result *r,
	pgiam_rect area)
{
	size_t ncols = r->ncols;
	int y = area.y;
	char line[1700];

	if (r->nnotices) {
		y = draw_notices(r, area, y);
		area.h -= y - area.y;
		area.y = y;
	}
	if (r->failed && r->cancelled) {
		snprintf(line, sizeof(line), "cancelled after %.1f s", r->seconds);
		pgiam_draw_text(y, area.x, area.w, PGIAM_ROLE_WARN, line);
		return;
	}
	if (r->failed) {
		if (r->sqlstate[0])
			snprintf(line, sizeof(line), "ERROR %s: %s", r->sqlstate, r->message);
		else
			snprintf(line, sizeof(line), "ERROR: %s", r->message);
		y = draw_wrapped(area, y, PGIAM_ROLE_ERROR, line);
		if (r->position > 0)
			y = draw_position(area, y, v->runs.last_sql ? v->runs.last_sql : "", r->position);
		draw_error_notes(r, area, y);
		return;
	}
	if (!ncols && pgiam_conn_result_sets(app->conn) < 2) {
		if (r->done) {
			snprintf(line, sizeof(line), "%s%s", r->tag[0] ? r->tag : "done",
				r->statements > 1 ? " \xC2\xB7 several statements: only the last "
				"result is shown" : "");
			pgiam_draw_text(y, area.x, area.w, PGIAM_ROLE_OK, line);
		}
		return;
	}
	/* the grid (resultview.h): a cursor result's window, a script's sets as tabs */
	pgiam_resultview_draw(&v->rv, app, area, 0);
}


static int running(const pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;

	/* a statement waiting for pgiam's cursor to close counts as running */
	return (r && !r->done) || (app->conn && pgiam_conn_user_waiting(app->conn));
}

/* The line above the results: what runs, why something did not, or the hint. */
static void draw_status_line(sql_view *v, pgiam_app *app, pgiam_rect body)
{
	char line[160];
	int n = 0;

	if (!app->conn || !pgiam_conn_can_query(app->conn)) {
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_WARN,
			"Queries need the core's session API, which this build does not have yet.");
	} else if (running(app)) {
		if (pgiam_conn_cancelling(app->conn))
			n = snprintf(line, sizeof(line), "cancelling\xE2\x80\xA6 %.0f s \xC2\xB7 "
				"the statement may still complete", pgiam_conn_query_seconds(app->conn));
		else
			n = snprintf(line, sizeof(line), "running\xE2\x80\xA6 %.0f s \xC2\xB7 Esc "
				"or Ctrl-C cancels", pgiam_conn_query_seconds(app->conn));
		if (pgiam_sqlrun_queued(&v->runs) && n > 0 && (size_t)n < sizeof(line))
			snprintf(line + n, sizeof(line) - (size_t)n, " \xC2\xB7 %zu queued",
				pgiam_sqlrun_queued(&v->runs));
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_WARN, line);
	} else if (v->runs.line[0]) {
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_WARN, v->runs.line);
	} else {
		snprintf(line, sizeof(line), "%sType SQL and press Enter after its ';' \xC2\xB7 F9 "
			"runs the statement at the cursor, Alt-X all \xC2\xB7 F5 browses \xC2\xB7 F3 "
			"events", v->runs.autocommit ? "" : "autocommit off \xC2\xB7 ");
		pgiam_draw_text(body.y, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, line);
	}
}

/* The latest events above the editor, when there is room. */
static void draw_events(pgiam_app *app, pgiam_rect body, int y, int panel)
{
	char line[PGIAM_EVENTLOG_TEXT + 16];
	size_t n = app->log.count;

	pgiam_draw_text(y, body.x + 1, body.w - 2, PGIAM_ROLE_DIM,
		"\xE2\x94\x80 events (F3: all) \xE2\x94\x80");
	for (int i = 0; i < panel; i++) {
		size_t k = n >= (size_t)panel ? n - (size_t)panel + (size_t)i : (size_t)i;

		if (k >= n)
			break;
		pgiam_eventlog_format(line, sizeof(line), pgiam_eventlog_at(&app->log, k));
		pgiam_draw_text(y + 1 + i, body.x + 1, body.w - 2, PGIAM_ROLE_DIM, line);
	}
}

/* The editor in rows [y, y + h) of the body: a gutter ("SQL> " on the first line,
 * the line number on the others), then the text. */
static void draw_editor(sql_view *v, pgiam_rect body, int y, int h)
{
	pgiam_rect r = { y, body.x + GUTTER, h, body.w - GUTTER - 1 };
	int lines = pgiam_editor_lines(&v->ed);
	char num[16];

	pgiam_editor_draw(&v->ed, r, &v->cursor_y, &v->cursor_x);
	for (int row = 0; row < h; row++) {
		int line = v->ed.top + row;

		if (line >= lines)
			break;
		if (line == 0) {
			pgiam_draw_text(y + row, body.x, GUTTER, PGIAM_ROLE_KEY, "SQL> ");
		} else {
			snprintf(num, sizeof(num), "%4d ", line + 1);
			pgiam_draw_text(y + row, body.x, GUTTER, PGIAM_ROLE_DIM, num);
		}
	}
}

static void sql_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	sql_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	int lines = pgiam_editor_lines(&v->ed);
	int cap = body.h / 3 > 1 ? body.h / 3 : 1;
	int h = lines < cap ? lines : cap;
	int ed_y = body.y + body.h - h;
	int panel = body.h >= 16 ? 2 : 0;  /* the latest events, when there is room */
	int above = ed_y - (panel ? panel + 1 : 0);
	pgiam_rect area = { body.y + 1, body.x + 1, above - 1 - (body.y + 1), body.w - 2 };

	if (panel)
		draw_events(app, body, above, panel);
	draw_status_line(v, app, body);
	if (r && area.h > 0)
		draw_result(v, app, r, area);
	draw_editor(v, body, ed_y, h);
}

static int sql_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	sql_view *v = s->data;

	(void)app;
	(void)body;
	*y = v->cursor_y;
	*x = v->cursor_x;
	return 1;
}

static unsigned disconnect_confirmed(pgiam_app *app, void *ctx)
{
	(void)ctx;
	pgiam_eventlog_add(&app->log, "disconnected");
	return PGIAM_REACT_POP;
}

static void oom_check(int rc)
{
	if (rc < 0)
		pgiam_ui_fail("out of memory");
}

/* Into the history (so Up brings it back), and a clear buffer for the next one (one
 * undo step: Ctrl-Z brings it back too). */
static void keep_and_clear(sql_view *v, pgiam_app *app)
{
	if (pgiam_history_add(&v->history, pgiam_editor_text(&v->ed)) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	oom_check(pgiam_editor_set(&v->ed, "", 0));
}

/* Starts (or queues behind the running statement) the batch's statements; 0, or -1
 * when nothing could be sent (the buffer stays). */
static int start_run(sql_view *v, pgiam_app *app)
{
	if (running(app) || v->runs.inflight) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "queued: it runs when the running "
			"statement ends, if that one succeeds");
		return 0;
	}
	/* pgiam's own read on the connection (completion's catalog, the browser's page):
	 * short; the tick sends this once it ended, rather than refusing it */
	if (app->conn && pgiam_conn_busy(app->conn)) {
		v->runs.behind_own = 1;
		pgiam_app_message(app, PGIAM_ROLE_DIM, "queued: it runs when pgiam's own read on "
			"the connection ends (Esc drops it)");
		return 0;
	}
	return pgiam_sqlrun_send(&v->runs, app);
}

/* Enter on a complete buffer: the buffer as one query (an implicit transaction for
 * its statements, as psql -c sends them), then cleared. */
static unsigned run_buffer(sql_view *v, pgiam_app *app)
{
	size_t b;

	if (v->runs.nbatches >= BATCHES_MAX) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%d runs are queued already: the buffer "
			"stays here until the running one ends", BATCHES_MAX);
		return PGIAM_REACT_REDRAW;
	}
	b = pgiam_sqlrun_add_batch(&v->runs, pgiam_editor_text(&v->ed), 1);
	pgiam_sqlrun_add(&v->runs, b, 0, pgiam_editor_len(&v->ed), 1, 1);
	/* not sent (no session): the text stays to be run again */
	if (start_run(v, app) < 0)
		return PGIAM_REACT_REDRAW;
	keep_and_clear(v, app);
	return PGIAM_REACT_REDRAW;
}

/* Enter: psql's rule. Not complete: a line break, indented as the line it ends. */
static unsigned enter(sql_view *v, pgiam_app *app)
{
	const char *t = pgiam_editor_text(&v->ed);
	size_t ls = v->ed.cursor, n = 0;
	char *ins;

	if (!pgiam_editor_len(&v->ed))
		return PGIAM_REACT_NONE;
	if (pgiam_sql_complete(t, pgiam_editor_len(&v->ed)))
		return run_buffer(v, app);
	while (ls && t[ls - 1] != '\n')
		ls--;
	while (t[ls + n] == ' ' || t[ls + n] == '\t')
		n++;
	if (ls + n > v->ed.cursor)
		n = v->ed.cursor - ls;
	ins = pgiam_xcalloc(1, n + 2);
	ins[0] = '\n';
	memcpy(ins + 1, t + ls, n);
	oom_check(pgiam_editor_insert(&v->ed, ins, n + 1, 0));
	free(ins);
	return PGIAM_REACT_REDRAW;
}

/* F9: the statement under the cursor; Alt-X: every statement of the buffer, one
 * after another. The buffer stays as it is. */
static unsigned run_statements(sql_view *v, pgiam_app *app, int all)
{
	const char *t = pgiam_editor_text(&v->ed);
	size_t len = pgiam_editor_len(&v->ed), start = 0, slen = 0, b, pos = 0;
	pgiam_sql_stmt st;
	int total = 0, number = 0;

	if (all) {
		for (pos = 0; pgiam_sql_next(&st, t, len, pos); pos = st.end)
			total += !st.blank;
	} else if (pgiam_editor_statement_at(&v->ed, &start, &slen)) {
		total = 1;
	}
	if (!total) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "nothing to run: the buffer holds no "
			"statement");
		return PGIAM_REACT_REDRAW;
	}
	if (v->runs.nbatches >= BATCHES_MAX) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%d runs are queued already", BATCHES_MAX);
		return PGIAM_REACT_REDRAW;
	}
	b = pgiam_sqlrun_add_batch(&v->runs, t, 0);
	if (!all)
		pgiam_sqlrun_add(&v->runs, b, start, slen, 1, 1);
	for (pos = 0; all && pgiam_sql_next(&st, t, len, pos); pos = st.end)
		if (!st.blank)
			pgiam_sqlrun_add(&v->runs, b, st.start, st.end - st.start, ++number, total);
	if (pgiam_history_add(&v->history, all ? t : v->runs.items[v->runs.nitems - 1].sql) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	start_run(v, app);
	return PGIAM_REACT_REDRAW;
}

/* Alt-C, Alt-R: COMMIT or ROLLBACK, only with a transaction open (the server's word). */
static unsigned end_transaction(sql_view *v, pgiam_app *app, const char *sql)
{
	pgiam_conn_txn txn = app->conn ? pgiam_conn_status_of(app->conn)->txn
		: PGIAM_CONN_TXN_NONE;
	size_t b;

	if (txn == PGIAM_CONN_TXN_NONE || txn == PGIAM_CONN_TXN_LOST) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "no transaction is open: nothing to %s%s",
			!strcmp(sql, "COMMIT") ? "commit" : "roll back", txn == PGIAM_CONN_TXN_LOST
			? " (the one open when the connection was lost was rolled back by the server)"
			: "");
		return PGIAM_REACT_REDRAW;
	}
	if (running(app) || pgiam_sqlrun_active(&v->runs)) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "a statement is running: %s once it "
			"ended (Esc cancels it)", sql);
		return PGIAM_REACT_REDRAW;
	}
	b = pgiam_sqlrun_add_batch(&v->runs, sql, 0);
	pgiam_sqlrun_add(&v->runs, b, 0, strlen(sql), 1, 1);
	v->runs.items[v->runs.nitems - 1].begun = 1;
	pgiam_sqlrun_send(&v->runs, app);
	return PGIAM_REACT_REDRAW;
}

static unsigned toggle_autocommit(sql_view *v, pgiam_app *app)
{
	v->runs.autocommit = !v->runs.autocommit;
	if (v->runs.autocommit)
		pgiam_app_message(app, PGIAM_ROLE_OK, "autocommit on: each statement outside a "
			"transaction commits on its own%s", app->conn &&
			pgiam_conn_status_of(app->conn)->txn != PGIAM_CONN_TXN_NONE ? "; the open "
			"transaction stays open until Alt-C or Alt-R" : "");
	else
		pgiam_app_message(app, PGIAM_ROLE_WARN, "autocommit off: the next statement run "
			"outside a transaction starts one (BEGIN); Alt-C commits, Alt-R rolls back");
	return PGIAM_REACT_REDRAW;
}

/* Up on the first line, Down on the last: the history; elsewhere a line move. */
static unsigned history_walk(sql_view *v, pgiam_action a)
{
	int prev = a == PGIAM_ACTION_HISTORY_PREV;
	const char *recalled;

	if (pgiam_editor_move_cursor(&v->ed, prev ? PGIAM_EDITOR_UP : PGIAM_EDITOR_DOWN))
		return PGIAM_REACT_REDRAW;
	recalled = prev ? pgiam_history_prev(&v->history, pgiam_editor_text(&v->ed))
		: pgiam_history_next(&v->history, pgiam_editor_text(&v->ed));
	if (!recalled)
		return PGIAM_REACT_NONE;
	oom_check(pgiam_editor_set(&v->ed, recalled, strlen(recalled)));
	return PGIAM_REACT_REDRAW;
}

/* The editor's own keys; UNHANDLED for the others. */
static unsigned edit_action(sql_view *v, pgiam_action a)
{
	static const struct { pgiam_action a; pgiam_editor_move m; } moves[] = {
		{ PGIAM_ACTION_CURSOR_LEFT, PGIAM_EDITOR_LEFT },
		{ PGIAM_ACTION_CURSOR_RIGHT, PGIAM_EDITOR_RIGHT },
		{ PGIAM_ACTION_LINE_START, PGIAM_EDITOR_LINE_START },
		{ PGIAM_ACTION_LINE_END, PGIAM_EDITOR_LINE_END },
		{ PGIAM_ACTION_WORD_LEFT, PGIAM_EDITOR_WORD_LEFT },
		{ PGIAM_ACTION_WORD_RIGHT, PGIAM_EDITOR_WORD_RIGHT },
		{ PGIAM_ACTION_TEXT_START, PGIAM_EDITOR_START },
		{ PGIAM_ACTION_TEXT_END, PGIAM_EDITOR_END },
	};
	static const struct { pgiam_action a; pgiam_editor_kill k; } kills[] = {
		{ PGIAM_ACTION_DEL_BACK, PGIAM_EDITOR_DEL_BACK },
		{ PGIAM_ACTION_DEL_FWD, PGIAM_EDITOR_DEL_FWD },
		{ PGIAM_ACTION_WORD_RUBOUT, PGIAM_EDITOR_WORD_BACK },
		{ PGIAM_ACTION_KILL_TO_END, PGIAM_EDITOR_TO_LINE_END },
		{ PGIAM_ACTION_KILL_TO_START, PGIAM_EDITOR_TO_LINE_START },
		{ PGIAM_ACTION_DEL_LINE, PGIAM_EDITOR_ALL },
	};

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i].a == a) {
			pgiam_editor_move_cursor(&v->ed, moves[i].m);
			return PGIAM_REACT_REDRAW;
		}
	for (size_t i = 0; i < sizeof(kills) / sizeof(kills[0]); i++)
		if (kills[i].a == a) {
			oom_check(pgiam_editor_delete(&v->ed, kills[i].k));
			return PGIAM_REACT_REDRAW;
		}
	if (a == PGIAM_ACTION_UNDO) {
		oom_check(pgiam_editor_undo(&v->ed));
		return PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_UNHANDLED;
}

/* Esc and Ctrl-C: cancel, clear, or the disconnect question. */
static unsigned back_or_cancel(sql_view *v, pgiam_app *app, pgiam_action a)
{
	static pgiam_confirm_arg confirm;
	int busy = app->conn && pgiam_conn_busy(app->conn);

	if (a == PGIAM_ACTION_CANCEL && pgiam_editor_len(&v->ed) && !busy) {
		keep_and_clear(v, app);   /* as psql: a half-typed buffer is cleared, not left */
		return PGIAM_REACT_REDRAW;
	}
	if (running(app)) {
		/* a cancel stops the queue too, whatever the statement's outcome; the buffer
		 * stays as it is */
		pgiam_sqlrun_drop(&v->runs, "cancel asked");
		return PGIAM_REACT_UNHANDLED;   /* the loop cancels the statement */
	}
	if (busy) {
		if (v->runs.behind_own)   /* Esc drops what waited behind pgiam's own read */
			pgiam_sqlrun_drop(&v->runs, "cancel asked");
		return PGIAM_REACT_UNHANDLED;
	}
	memset(&confirm, 0, sizeof(confirm));
	pgiam_txnguard_question(app, confirm.question, sizeof(confirm.question),
		"Disconnect and go back to the profiles");
	confirm.yes = disconnect_confirmed;
	return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
}

/* Alt-E / Alt-Shift-E: the plan of the statement under the cursor. */
static unsigned explain(sql_view *v, pgiam_app *app, int analyze)
{
	size_t start = 0, len = 0;

	if (!pgiam_editor_statement_at(&v->ed, &start, &len)) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "no statement under the cursor to explain");
		return PGIAM_REACT_REDRAW;
	}
	return pgiam_plan_start(app, pgiam_editor_text(&v->ed) + start, len, analyze);
}

static unsigned sql_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	sql_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	unsigned pr;

	switch (a) {
	case PGIAM_ACTION_BROWSE:
		/* the browser's own queries would be taken for the running statement's end */
		pgiam_sqlrun_drop(&v->runs, "left for the browser");
		return pgiam_app_push(app, &pgiam_screen_browse, NULL);
	case PGIAM_ACTION_RUN:
		return enter(v, app);
	case PGIAM_ACTION_RUN_STATEMENT:
		return run_statements(v, app, 0);
	case PGIAM_ACTION_RUN_ALL:
		return run_statements(v, app, 1);
	case PGIAM_ACTION_COMMIT:
		return end_transaction(v, app, "COMMIT");
	case PGIAM_ACTION_ROLLBACK:
		return end_transaction(v, app, "ROLLBACK");
	case PGIAM_ACTION_AUTOCOMMIT:
		return toggle_autocommit(v, app);
	case PGIAM_ACTION_COMPLETE:
		return pgiam_sqlhook_complete(app, &v->ed);
	case PGIAM_ACTION_COMPLETE_REFRESH:
		return pgiam_sqlhook_complete_refresh(app);
	case PGIAM_ACTION_HISTORY_SEARCH:
		return pgiam_sqlhook_search(app, &v->ed, &v->history);
	case PGIAM_ACTION_HISTORY_PREV:
	case PGIAM_ACTION_HISTORY_NEXT:
		return history_walk(v, a);
	case PGIAM_ACTION_BACK:
	case PGIAM_ACTION_CANCEL:
		return back_or_cancel(v, app, a);
	case PGIAM_ACTION_EXPLAIN:
	case PGIAM_ACTION_EXPLAIN_ANALYZE:
		return explain(v, app, a == PGIAM_ACTION_EXPLAIN_ANALYZE);
	case PGIAM_ACTION_RESULTS:
		if (!r || (!r->ncols && pgiam_conn_result_sets(app->conn) < 2))
			return PGIAM_REACT_NONE;
		return pgiam_app_push(app, &pgiam_screen_result, &v->rv);
	case PGIAM_ACTION_PAGE_UP:
	case PGIAM_ACTION_PAGE_DOWN:
		pr = pgiam_resultview_action(&v->rv, app, a);
		return pr;
	default:
		return edit_action(v, a);
	}
}

static unsigned sql_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	sql_view *v = s->data;
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	(void)app;
	if (!n)
		return PGIAM_REACT_NONE;
	oom_check(pgiam_editor_insert(&v->ed, mb, n, 1));
	return PGIAM_REACT_REDRAW;
}

/* A pasted block: one edit at the cursor (Ctrl-Z takes it out whole), never run. */
static unsigned sql_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	sql_view *v = s->data;
	size_t lines = 1;

	for (size_t i = 0; i + 1 < len; i++)
		lines += text[i] == '\n';
	oom_check(pgiam_editor_insert(&v->ed, text, len, 0));
	if (lines > 1)
		pgiam_app_message(app, PGIAM_ROLE_WARN, "pasted %zu lines as one edit; nothing "
			"ran: Enter runs the buffer once it ends with ';', F9 the statement at the "
			"cursor, Ctrl-C clears it", lines);
	return PGIAM_REACT_REDRAW;
}

/* The running statement ended: the next one runs if it succeeded. */
static unsigned sql_tick(pgiam_screen *s, pgiam_app *app)
{
	sql_view *v = s->data;
	unsigned guard = pgiam_txnguard_tick(app);

	if (guard & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT))
		return guard;
	guard |= pgiam_resultview_tick(&v->rv, app) | pgiam_sqlhooks_tick(app);
	return guard | pgiam_sqlrun_tick(&v->runs, app, &v->ed);
}

/* The buffer is kept as the profile's draft (an empty one removes it). */
static void save_draft(sql_view *v, pgiam_app *app)
{
	if (!v->profile[0])
		return;
	if (pgiam_draft_save(v->profile, pgiam_editor_text(&v->ed), pgiam_editor_len(&v->ed)) < 0)
		pgiam_eventlog_add(&app->log, "%s", pgiam_error_last());
}

/* Closing with a statement of the user's in flight (quit or disconnect asked while it
 * runs): it was sent, so the history keeps it, with its outcome when that arrived
 * and the tick has not taken it yet, else as unknown (pgiam went away first). A
 * BEGIN of autocommit off is not the user's statement: the one behind it never ran. */
static void keep_unanswered(sql_view *v, pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	const char *sql = NULL;

	/* waiting for pgiam's cursor to close: it never reached the server */
	if (!v->runs.inflight || v->runs.begin_inflight || v->runs.cur >= v->runs.nitems ||
	    (app->conn && pgiam_conn_user_waiting(app->conn)))
		return;
	sql = v->runs.items[v->runs.cur].sql;
	if (r && r->done)   /* answered (its cursor may still be closing) */
		pgiam_sqlhook_ran(app, sql, r);
	else
		pgiam_sqlhook_unanswered(app, sql, app->conn ? pgiam_conn_query_seconds(app->conn)
			: 0.0);
	v->runs.inflight = 0;
}

static void sql_close(pgiam_screen *s, pgiam_app *app)
{
	sql_view *v = s->data;

	save_draft(v, app);
	keep_unanswered(v, app);
	pgiam_sqlhooks_close(app);
	if (app->conn) {
		pgiam_conn_free(app->conn);
		app->conn = NULL;
	}
	pgiam_sqlrun_dispose(&v->runs);
	pgiam_history_dispose(&v->history);
	pgiam_resultview_dispose(&v->rv);
	pgiam_editor_dispose(&v->ed);
	free(v);
}

const pgiam_screen_ops pgiam_screen_sql = {
	.title = "Connected",
	.scopes = { PGIAM_SCOPE_SQL, PGIAM_SCOPE_EDIT, PGIAM_SCOPE_LIST }, .nscopes = 3,
	.text_input = 1,
	.open = sql_open, .draw = sql_draw, .action = sql_action, .text = sql_text,
	.paste = sql_paste,
	.tick = sql_tick, .close = sql_close, .cursor = sql_cursor,
};
