/* screen_sql.c - the connected view: a one-line SQL prompt, Enter runs it, rows
 * appear above as they arrive after the server's notices, errors inline with SQLSTATE,
 * detail, the server's hint, pgiam's explanation (WHY) and the position. After Enter
 * the line is cleared and the statement goes into the history (Up/Down, history.h).
 * Esc cancels a running query; with nothing running it offers to disconnect. Ctrl-C
 * cancels a running query, or clears a half-typed line (as in psql; Up brings it
 * back); only on an empty line does it offer to disconnect.
 *
 * A paste is one edit: its lines stay one statement (a line break shows as a mark)
 * and nothing runs until Enter. Newlines are kept rather than made spaces, because
 * a "--" comment would otherwise swallow the lines after it ("delete from t -- x"
 * then "where id = 1"). Enter pressed while a statement runs queues the line: it
 * runs after the running one only if that one succeeded, as psql's ON_ERROR_STOP.
 * (A real multi-line SQL editor is a later issue.) */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "history.h"
#include "resultview.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_MAX 4096
#define COL_MAX 40
#define QUEUE_MAX 8
#define NEWLINE_MARK "\xE2\x8F\x8E"   /* a line break at the one-line prompt */

typedef struct sql_view {
	char text[SQL_MAX];
	size_t len, cursor;
	char last_sql[SQL_MAX];
	pgiam_history history;
	int top;          /* first result row shown */
	int page;
	int cursor_y, cursor_x;
	char title[160];
	char *queued[QUEUE_MAX];   /* Enter while a statement ran: oldest first */
	size_t nqueued;
	char not_run[400];         /* why the queue was dropped, until the next statement */
	int cut;                   /* input was dropped at the prompt's size: this text is
	                            * not what the user wrote and never runs (until cleared) */
	pgiam_resultview rv;       /* the result in the grid (F6 gives it the keys) */
} sql_view;

/* NULL is a dim symbol, as in the browser: the text "NULL" is a value a column can
 * hold, and dim alone is lost on some terminals. */
#define NULL_MARK "\xE2\x88\x85"

static int sql_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	sql_view *v = pgiam_xcalloc(1, sizeof(*v));

	(void)arg;
	snprintf(v->title, sizeof(v->title), "Connected: %s",
		app->conn ? pgiam_conn_status_of(app->conn)->profile : "");
	s->data = v;
	s->title = v->title;
	if (app->demo && pgiam_history_add(&v->history, PGIAM_DEMO_INSERT) == 0)
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
static int draw_position(pgiam_rect area, int y, const char *sql, int position)
{
	size_t len = strlen(sql);
	size_t at = 0;
	size_t start = 0;
	char line[32];

	for (int i = 1; i < position && at < len; i++)
		at = pgiam_utf8_next(sql, len, at);
	while (start < at && (int)pgiam_width_of_n(sql + start, at - start) > area.w - 6)
		start = pgiam_utf8_next(sql, len, start);
	snprintf(line, sizeof(line), "at character %d:", position);
	if (y < area.y + area.h)
		pgiam_draw_text(y++, area.x, area.w, PGIAM_ROLE_NORMAL, line);
	if (y + 1 < area.y + area.h) {
		int caret = (int)pgiam_width_of_n(sql + start, at - start);

		pgiam_draw_text(y++, area.x + 2, area.w - 2, PGIAM_ROLE_NORMAL, sql + start);
		pgiam_draw_text(y++, area.x + 2 + caret, 1, PGIAM_ROLE_ERROR, "^");
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
			y = draw_position(area, y, v->last_sql, r->position);
		draw_error_notes(r, area, y);
		return;
	}
	if (!ncols) {
		if (r->done) {
			snprintf(line, sizeof(line), "%s%s", r->tag[0] ? r->tag : "done",
				r->statements > 1 ? " \xC2\xB7 several statements: only the last "
				"result is shown" : "");
			pgiam_draw_text(y, area.x, area.w, PGIAM_ROLE_OK, line);
		}
		return;
	}
	/* the grid (resultview.h): a cursor result's window, a script's sets as tabs */
	v->page = area.h - 3;
	pgiam_resultview_draw(&v->rv, app, area, 0);
}

/* The prompt's text as drawn: a line break is NEWLINE_MARK (one column, where the
 * caret notation ^J would read as typed text), a tab one space. Returns the byte
 * offset of the cursor in it. */
static size_t prompt_display(pgiam_buf *out, const sql_view *v)
{
	size_t cursor = 0;
	int rc = 0;

	for (size_t i = 0; i < v->len && rc == 0; i++) {
		if (i == v->cursor)
			cursor = out->len;
		if (v->text[i] == '\n')
			rc = pgiam_buf_puts(out, NEWLINE_MARK);
		else
			rc = pgiam_buf_putc(out, v->text[i] == '\t' ? ' ' : v->text[i]);
	}
	if (rc < 0)
		pgiam_ui_fail("out of memory");
	return v->cursor >= v->len ? out->len : cursor;
}

static void sql_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	sql_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	pgiam_rect area = { body.y + 1, 1, body.h - 3, body.w - 2 };
	int prompt_y = body.y + body.h - 1;
	int panel = body.h >= 16 ? 2 : 0;  /* the latest events, when there is room */

	area.h -= panel ? panel + 1 : 0;
	if (panel) {
		char line[PGIAM_EVENTLOG_TEXT + 16];
		size_t n = app->log.count;

		pgiam_draw_text(prompt_y - panel - 1, 1, body.w - 2, PGIAM_ROLE_DIM,
			"\xE2\x94\x80 events (F3: all) \xE2\x94\x80");
		for (int i = 0; i < panel; i++) {
			size_t k = n >= (size_t)panel ? n - (size_t)panel + (size_t)i : (size_t)i;

			if (k >= n)
				break;
			pgiam_eventlog_format(line, sizeof(line), pgiam_eventlog_at(&app->log, k));
			pgiam_draw_text(prompt_y - panel + i, 1, body.w - 2, PGIAM_ROLE_DIM, line);
		}
	}
	pgiam_buf disp = PGIAM_BUF_INIT;
	size_t disp_cursor = prompt_display(&disp, v);
	const char *shown = pgiam_buf_cstr(&disp);
	int cur = (int)pgiam_width_of_n(shown, disp_cursor);
	int box = body.w - 7;

	if (!app->conn || !pgiam_conn_can_query(app->conn))
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_WARN,
			"Queries need the core's session API, which this build does not have yet.");
	else if (r && !r->done) {
		char running[96];
		int n = 0;

		if (pgiam_conn_cancelling(app->conn))
			n = snprintf(running, sizeof(running), "cancelling\xE2\x80\xA6 %.0f s \xC2\xB7 "
				"the statement may still complete", pgiam_conn_query_seconds(app->conn));
		else
			n = snprintf(running, sizeof(running), "running\xE2\x80\xA6 %.0f s \xC2\xB7 Esc "
				"or Ctrl-C cancels", pgiam_conn_query_seconds(app->conn));
		if (v->nqueued && n > 0 && (size_t)n < sizeof(running))
			snprintf(running + n, sizeof(running) - (size_t)n, " \xC2\xB7 %zu queued",
				v->nqueued);
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_WARN, running);
	}
	else if (v->not_run[0])
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_WARN, v->not_run);
	else
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_DIM,
			"Type SQL and press Enter. F5 browses, Esc disconnects, F3 shows the event log.");
	if (r)
		draw_result(v, app, r, area);
	pgiam_draw_text(prompt_y, 0, 5, PGIAM_ROLE_KEY, "SQL> ");
	/* Keep the cursor visible in a long statement. */
	while (cur >= box && *shown) {
		size_t next = pgiam_utf8_next(shown, strlen(shown), 0);

		cur -= (int)pgiam_width_of_n(shown, next);
		shown += next;
	}
	pgiam_draw_field(prompt_y, 5, box, PGIAM_ROLE_FIELD, shown);
	pgiam_buf_dispose(&disp);
	v->cursor_y = prompt_y;
	v->cursor_x = 5 + cur;
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

static void delete_bytes(sql_view *v, size_t from, size_t to)
{
	memmove(v->text + from, v->text + to, v->len - to + 1);
	v->len -= to - from;
	v->cursor = from;
	if (!v->len)
		v->cut = 0;
}

/* Replaces the prompt's text, the cursor at its end. */
static void set_text(sql_view *v, const char *text)
{
	snprintf(v->text, sizeof(v->text), "%s", text);
	v->len = strlen(v->text);
	v->cursor = v->len;
	v->cut = 0;
}

/* Into the history (so Up brings it back), and a clear line for the next one. */
static void keep_and_clear(sql_view *v, pgiam_app *app)
{
	if (pgiam_history_add(&v->history, v->text) < 0)
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
	set_text(v, "");
}

/* The queued statements will not run: they are in the history already. */
/* Said on the screen's own line, not the message line, where a cancel's outcome
 * ("not cancelled: UPDATE 1 completed") must not be replaced. */
static void queue_drop(sql_view *v, const char *why)
{
	if (!v->nqueued)
		return;
	snprintf(v->not_run, sizeof(v->not_run), "%s: %zu queued statement%s not run (Up "
		"recalls %s)", why, v->nqueued, v->nqueued == 1 ? " was" : "s were",
		v->nqueued == 1 ? "it" : "them");
	for (size_t i = 0; i < v->nqueued; i++)
		free(v->queued[i]);
	v->nqueued = 0;
}

static int running(const pgiam_app *app)
{
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;

	return r && !r->done;
}

/* Enter while a statement runs: the line waits for it instead of being refused and
 * then glued to what is typed next. */
static unsigned queue_line(sql_view *v, pgiam_app *app)
{
	if (v->nqueued == QUEUE_MAX) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%d statements are queued already: the "
			"line stays here until the running one ends", QUEUE_MAX);
		return PGIAM_REACT_REDRAW;
	}
	v->queued[v->nqueued++] = pgiam_xstrdup(v->text);
	keep_and_clear(v, app);
	pgiam_app_message(app, PGIAM_ROLE_WARN, "queued: it runs when the running statement "
		"ends, if that one succeeds");
	return PGIAM_REACT_REDRAW;
}

/* Sends sql; 0, or -1 with the error shown. */
static int send_sql(sql_view *v, pgiam_app *app, const char *sql)
{
	snprintf(v->last_sql, sizeof(v->last_sql), "%s", sql);
	if (pgiam_conn_query(app->conn, sql) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last());
		return -1;
	}
	v->top = 0;
	v->not_run[0] = '\0';
	return 0;
}

static unsigned run_line(sql_view *v, pgiam_app *app)
{
	if (!v->len)
		return PGIAM_REACT_NONE;
	/* A plain (unbracketed) paste past the prompt's size loses its end, and its last
	 * line end arrives as Enter: "delete from t" would run without its "where". */
	if (v->cut) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "not run: input past %d bytes was "
			"dropped, so this is not the whole statement; Ctrl-U clears it (for longer "
			"SQL use pgiam psql)", SQL_MAX - 1);
		return PGIAM_REACT_REDRAW;
	}
	if (running(app))
		return queue_line(v, app);
	/* Not sent (no session): the text stays to be run again. */
	if (send_sql(v, app, v->text) < 0)
		return PGIAM_REACT_REDRAW;
	/* As psql does (a statement the server refuses comes back with Up). */
	keep_and_clear(v, app);
	return PGIAM_REACT_REDRAW;
}

static unsigned sql_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	sql_view *v = s->data;
	const pgiam_conn_result *r = app->conn ? pgiam_conn_result_of(app->conn) : NULL;
	static pgiam_confirm_arg confirm;
	unsigned pr;

	if (a == PGIAM_ACTION_BROWSE) {
		/* the browser's own queries would be taken for the running statement's end */
		queue_drop(v, "left for the browser");
		return pgiam_app_push(app, &pgiam_screen_browse, NULL);
	}
	if (a == PGIAM_ACTION_RUN)
		return run_line(v, app);
	/* the prompt's text is one statement (the editor will hand the one under the cursor) */
	if (a == PGIAM_ACTION_EXPLAIN || a == PGIAM_ACTION_EXPLAIN_ANALYZE)
		return pgiam_plan_start(app, v->text, v->len, a == PGIAM_ACTION_EXPLAIN_ANALYZE);
	if (a == PGIAM_ACTION_HISTORY_PREV || a == PGIAM_ACTION_HISTORY_NEXT) {
		const char *recalled = a == PGIAM_ACTION_HISTORY_PREV
			? pgiam_history_prev(&v->history, v->text)
			: pgiam_history_next(&v->history, v->text);

		if (!recalled)
			return PGIAM_REACT_NONE;
		set_text(v, recalled);
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_CURSOR_LEFT)
		v->cursor = pgiam_utf8_prev(v->text, v->cursor);
	else if (a == PGIAM_ACTION_CURSOR_RIGHT)
		v->cursor = pgiam_utf8_next(v->text, v->len, v->cursor);
	else if (a == PGIAM_ACTION_LINE_START)
		v->cursor = 0;
	else if (a == PGIAM_ACTION_LINE_END)
		v->cursor = v->len;
	else if (a == PGIAM_ACTION_DEL_BACK && v->cursor)
		delete_bytes(v, pgiam_utf8_prev(v->text, v->cursor), v->cursor);
	else if (a == PGIAM_ACTION_DEL_FWD && v->cursor < v->len)
		delete_bytes(v, v->cursor, pgiam_utf8_next(v->text, v->len, v->cursor));
	else if (a == PGIAM_ACTION_DEL_LINE)
		delete_bytes(v, 0, v->len);
	else if (a == PGIAM_ACTION_CANCEL && v->len && !(app->conn && pgiam_conn_busy(app->conn)))
		keep_and_clear(v, app);   /* as psql: a half-typed line is cleared, not left */
	else if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) && running(app)) {
		/* a cancel stops the queue too, whether or not the statement completes */
		queue_drop(v, "cancel asked");
		return PGIAM_REACT_UNHANDLED;   /* the loop cancels the statement */
	}
	else if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) &&
		 !(app->conn && pgiam_conn_busy(app->conn))) {
		memset(&confirm, 0, sizeof(confirm));
		pgiam_txnguard_question(app, confirm.question, sizeof(confirm.question),
			"Disconnect and go back to the profiles");
		confirm.yes = disconnect_confirmed;
		return pgiam_app_push(app, &pgiam_screen_confirm, &confirm);
	} else if (a == PGIAM_ACTION_RESULTS) {
		if (!r || !r->ncols)
			return PGIAM_REACT_NONE;
		return pgiam_app_push(app, &pgiam_screen_result, &v->rv);
	} else if ((a == PGIAM_ACTION_PAGE_UP || a == PGIAM_ACTION_PAGE_DOWN) &&
		   (pr = pgiam_resultview_action(&v->rv, app, a)) != PGIAM_REACT_UNHANDLED)
		return pr;
	else
		return PGIAM_REACT_UNHANDLED;
	return PGIAM_REACT_REDRAW;
}

static unsigned sql_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	sql_view *v = s->data;
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	if (!n)
		return PGIAM_REACT_NONE;
	if (v->len + n >= sizeof(v->text)) {
		/* Never a silent cut: a pasted statement would run without its end. */
		v->cut = 1;
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "the statement is full (%d bytes): "
			"what was typed past that was dropped, and it will not run; Ctrl-U clears it; "
			"for longer SQL use pgiam psql", SQL_MAX - 1);
		return PGIAM_REACT_REDRAW;
	}
	memmove(v->text + v->cursor + n, v->text + v->cursor, v->len - v->cursor + 1);
	memcpy(v->text + v->cursor, mb, n);
	v->len += n;
	v->cursor += n;
	return PGIAM_REACT_REDRAW;
}

/* A pasted block, inserted whole at the cursor or not at all: a statement cut at the
 * prompt's size would run without its end ("delete from t" without its "where"). */
static unsigned sql_paste(pgiam_screen *s, pgiam_app *app, const char *text, size_t len)
{
	sql_view *v = s->data;
	size_t lines = 1;

	if (v->len + len >= sizeof(v->text)) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "the paste (%zu bytes) does not fit the "
			"prompt (%d bytes, %zu in use): nothing of it was inserted; for longer SQL "
			"use pgiam psql", len, SQL_MAX - 1, v->len);
		return PGIAM_REACT_REDRAW;
	}
	for (size_t i = 0; i + 1 < len; i++)
		lines += text[i] == '\n';
	memmove(v->text + v->cursor + len, v->text + v->cursor, v->len - v->cursor + 1);
	memcpy(v->text + v->cursor, text, len);
	v->len += len;
	v->cursor += len;
	if (lines > 1)
		pgiam_app_message(app, PGIAM_ROLE_WARN, "pasted %zu lines as one statement; nothing "
			"ran: Enter runs it, Ctrl-C clears it", lines);
	return PGIAM_REACT_REDRAW;
}

/* The running statement ended: the next queued one runs if it succeeded. */
static unsigned sql_tick(pgiam_screen *s, pgiam_app *app)
{
	sql_view *v = s->data;
	const pgiam_conn_result *r = NULL;
	unsigned guard = pgiam_txnguard_tick(app);

	if (guard & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT))
		return guard;
	guard |= pgiam_resultview_tick(&v->rv, app);
	if (!v->nqueued || !app->conn || pgiam_conn_busy(app->conn))
		return guard;
	r = pgiam_conn_result_of(app->conn);
	if (!r || r->failed) {
		queue_drop(v, "the statement failed");
		return guard | PGIAM_REACT_REDRAW;
	}
	if (send_sql(v, app, v->queued[0]) < 0) {
		char why[320];

		snprintf(why, sizeof(why), "not sent (%s)", pgiam_error_last());
		queue_drop(v, why);
		return guard | PGIAM_REACT_REDRAW;
	}
	free(v->queued[0]);
	memmove(v->queued, v->queued + 1, (v->nqueued - 1) * sizeof(v->queued[0]));
	v->nqueued--;
	return guard | PGIAM_REACT_REDRAW;
}

static void sql_close(pgiam_screen *s, pgiam_app *app)
{
	sql_view *v = s->data;

	if (app->conn) {
		pgiam_conn_free(app->conn);
		app->conn = NULL;
	}
	for (size_t i = 0; i < v->nqueued; i++)
		free(v->queued[i]);
	pgiam_history_dispose(&v->history);
	pgiam_resultview_dispose(&v->rv);
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
