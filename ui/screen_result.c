/* screen_result.c - the result grid with the keys (F6 from the SQL prompt; issue 12):
 * moves by cell, End to the last row (MOVE ALL on the server), Home back, Enter shows
 * the cell whole (cellfmt.h: JSON pretty-printed, arrays one element a line, bytea as
 * hex, long text wrapped by the text view), y copies it (OSC 52), e exports the
 * whole result (a prompt for the file name; the format from its extension), Tab and
 * ] / [ go through a script's result sets. Esc stops a running export, cancels a
 * running fetch, else goes back to the prompt. The state is the SQL screen's
 * (pgiam_resultview), so the place is kept both ways. */
#include "app.h"

#include "cellfmt.h"
#include "clipboard.h"
#include "draw.h"
#include "error.h"
#include "export.h"
#include "pgtype.h"
#include "resultview.h"
#include "width.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct result_screen {
	pgiam_resultview *rv;
	pgiam_text_arg cell;         /* the cell view's argument (read when pushed) */
	char title[320];
	char path[1024];             /* the export prompt's text */
	size_t path_len;
	int cursor_x, cursor_y;
} result_screen;

static int result_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	result_screen *v = pgiam_xcalloc(1, sizeof(*v));

	(void)app;
	v->rv = arg;
	snprintf(v->title, sizeof(v->title), "Result");
	s->data = v;
	s->title = v->title;
	return 0;
}

static void result_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	result_screen *v = s->data;
	const pgiam_conn_result *r = pgiam_resultview_result(v->rv, app);

	if (!r || (!r->ncols && pgiam_conn_result_sets(app->conn) < 2)) {
		pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_DIM, "no result with rows: Esc "
			"goes back to the prompt");
		return;
	}
	pgiam_draw_text(body.y, 1, body.w - 2, PGIAM_ROLE_DIM, "arrows move \xC2\xB7 Enter cell "
		"\xC2\xB7 y copy \xC2\xB7 e export \xC2\xB7 Home/End first/last row \xC2\xB7 Tab next "
		"result \xC2\xB7 Esc back");
	pgiam_resultview_draw(v->rv, app, (pgiam_rect){ body.y + 1, 1, body.h - 1, body.w - 2 },
		1);
}

static unsigned view_cell(result_screen *v, pgiam_app *app)
{
	const char *col = "", *val;
	unsigned type = 0;
	int loaded = 0;
	pgiam_buf b = PGIAM_BUF_INIT;

	val = pgiam_resultview_cell(v->rv, app, &col, &type, &loaded);
	if (!loaded)
		return PGIAM_REACT_NONE;
	if (pgiam_cellfmt(&b, val, pgiam_pgtype_kind_of(type)) < 0)
		pgiam_ui_fail("out of memory");
	snprintf(v->title, sizeof(v->title), "Cell: %s (%s)", col, *pgiam_pgtype_name(type) ?
		pgiam_pgtype_name(type) : "?");
	v->cell.title = v->title;
	if (!(v->cell.body = pgiam_buf_detach(&b)))
		pgiam_ui_fail("out of memory");
	pgiam_buf_dispose(&b);
	return pgiam_app_push(app, &pgiam_screen_text, &v->cell);
}

static unsigned copy_cell(result_screen *v, pgiam_app *app)
{
	const char *col = "", *val;
	unsigned type = 0;
	int loaded = 0;
	char msg[300];

	val = pgiam_resultview_cell(v->rv, app, &col, &type, &loaded);
	if (!loaded)
		return PGIAM_REACT_NONE;
	if (!val) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "not copied: the cell is NULL");
		return PGIAM_REACT_REDRAW;
	}
	pgiam_app_message(app, pgiam_clipboard_copy(val, strlen(val), msg, sizeof(msg)) < 0 ?
		PGIAM_ROLE_ERROR : PGIAM_ROLE_OK, "%s", msg);
	return PGIAM_REACT_REDRAW;
}



static unsigned result_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	result_screen *v = s->data;
	pgiam_conn_export_info x;
	unsigned r;

	if (!app->conn)
		return a == PGIAM_ACTION_BACK ? PGIAM_REACT_POP : PGIAM_REACT_UNHANDLED;
	pgiam_conn_export_progress(app->conn, &x);
	if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) && x.running) {
		pgiam_conn_export_stop(app->conn);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "stopping the export after its running "
			"batch\xE2\x80\xA6");
		return PGIAM_REACT_REDRAW;
	}
	if ((a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL) && pgiam_conn_busy(app->conn))
		return PGIAM_REACT_UNHANDLED;   /* the loop cancels the running fetch */
	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_POP;
	if (a == PGIAM_ACTION_CELL_VIEW)
		return view_cell(v, app);
	if (a == PGIAM_ACTION_CELL_COPY)
		return copy_cell(v, app);
	if (a == PGIAM_ACTION_EXPORT) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		v->path_len = strftime(v->path, sizeof(v->path), "pgiam-result-%Y%m%d-%H%M%S.csv",
			&tm);
		return pgiam_app_push(app, &pgiam_screen_export_prompt, v);
	}
	r = pgiam_resultview_action(v->rv, app, a);
	return r;
}

static unsigned result_tick(pgiam_screen *s, pgiam_app *app)
{
	result_screen *v = s->data;
	pgiam_conn_export_info x;
	unsigned guard = pgiam_txnguard_tick(app);

	if (guard & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT))
		return guard;
	if (app->conn) {
		pgiam_conn_export_progress(app->conn, &x);
		if (x.done) {
			pgiam_app_message(app, x.failed ? PGIAM_ROLE_ERROR : PGIAM_ROLE_OK, "%s",
				x.message);
			pgiam_conn_export_forget(app->conn);
			guard |= PGIAM_REACT_REDRAW;
		} else if (x.running) {
			guard |= PGIAM_REACT_REDRAW;   /* the progress line */
		}
	}
	return guard | pgiam_resultview_tick(v->rv, app);
}

static void result_close(pgiam_screen *s, pgiam_app *app)
{
	(void)app;
	free(s->data);
}

const pgiam_screen_ops pgiam_screen_result = {
	.title = "Result",
	.scopes = { PGIAM_SCOPE_RESULT, PGIAM_SCOPE_LIST }, .nscopes = 2,
	.open = result_open, .draw = result_draw, .action = result_action,
	.tick = result_tick, .close = result_close,
};

/* --- the export prompt: the file name, then the export starts */

static int prompt_open(pgiam_screen *s, pgiam_app *app, void *arg)
{
	(void)app;
	s->data = arg;   /* the result screen's (it outlives this one) */
	s->title = "Export";
	return 0;
}

static void prompt_draw(pgiam_screen *s, pgiam_app *app, pgiam_rect body)
{
	result_screen *v = s->data;
	int w = body.w - 4, cur;
	const char *shown = v->path;

	(void)app;
	pgiam_draw_text(body.y + 1, 2, body.w - 4, PGIAM_ROLE_NORMAL, "Export the whole result "
		"to the file (created 0600; .csv, .tsv, .json or .jsonl picks the format):");
	cur = (int)pgiam_width_of(shown);
	while (cur >= w && *shown) {
		size_t next = pgiam_utf8_next(shown, strlen(shown), 0);
		cur -= (int)pgiam_width_of_n(shown, next);
		shown += next;
	}
	pgiam_draw_field(body.y + 3, 2, w, PGIAM_ROLE_FIELD, shown);
	pgiam_draw_text(body.y + 5, 2, body.w - 4, PGIAM_ROLE_DIM, "Enter exports \xC2\xB7 Esc "
		"cancels \xC2\xB7 an existing file is overwritten");
	v->cursor_y = body.y + 3;
	v->cursor_x = 2 + cur;
}

static int prompt_cursor(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x)
{
	result_screen *v = s->data;

	(void)app;
	(void)body;
	*y = v->cursor_y;
	*x = v->cursor_x;
	return 1;
}

static unsigned prompt_action(pgiam_screen *s, pgiam_app *app, pgiam_action a)
{
	result_screen *v = s->data;

	if (a == PGIAM_ACTION_BACK || a == PGIAM_ACTION_CANCEL)
		return PGIAM_REACT_POP;
	if (a == PGIAM_ACTION_DEL_BACK && v->path_len) {
		v->path_len = pgiam_utf8_prev(v->path, v->path_len);
		v->path[v->path_len] = '\0';
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_DEL_LINE) {
		v->path[v->path_len = 0] = '\0';
		return PGIAM_REACT_REDRAW;
	}
	if (a != PGIAM_ACTION_PROMPT_OK)
		return PGIAM_REACT_NONE;
	if (!v->path_len) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "no file name");
		return PGIAM_REACT_REDRAW;
	}
	if (!app->conn || pgiam_conn_export(app->conn, v->path,
	    (int)pgiam_export_format_for_path(v->path), 1) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", app->conn ? pgiam_error_last() :
			"not connected");
		return PGIAM_REACT_REDRAW;
	}
	return PGIAM_REACT_POP;
}

static unsigned prompt_text(pgiam_screen *s, pgiam_app *app, wchar_t ch)
{
	result_screen *v = s->data;
	char mb[MB_LEN_MAX];
	size_t n = pgiam_width_encode(mb, ch);

	(void)app;
	if (!n || v->path_len + n >= sizeof(v->path))
		return PGIAM_REACT_NONE;
	memcpy(v->path + v->path_len, mb, n);
	v->path_len += n;
	v->path[v->path_len] = '\0';
	return PGIAM_REACT_REDRAW;
}

static void prompt_close(pgiam_screen *s, pgiam_app *app)
{
	(void)s;
	(void)app;
}

const pgiam_screen_ops pgiam_screen_export_prompt = {
	.title = "Export",
	.scopes = { PGIAM_SCOPE_PROMPT, PGIAM_SCOPE_EDIT }, .nscopes = 2,
	.text_input = 1,
	.open = prompt_open, .draw = prompt_draw, .action = prompt_action, .text = prompt_text,
	.close = prompt_close, .cursor = prompt_cursor,
};
