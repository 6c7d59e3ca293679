/* cmd_sql.c - `pgiam sql`: run statements through the session and print every event as
 * a JSON line (connect steps, columns, rows, server notices, command tags, errors with
 * SQLSTATE, the server's hint and pgiam's explanation apart, reconnects). For scripts, and for tests that drive the session
 * without the TUI.
 *
 *   pgiam sql --profile NAME -c 'SELECT …'       one statement, then exit
 *   pgiam sql --profile NAME < statements        statements as psql reads them:
 *                                                each ends at a ';' outside quotes,
 *                                                dollar quotes, comments and
 *                                                parentheses (sqlsplit.h), never at
 *                                                a line end; a line "\cancel" cancels
 *                                                the running one, "\info" prints
 *                                                the session's state
 *   pgiam sql … -c 'SELECT …' --output FILE [--format csv|tsv|json|jsonl] [--no-header]
 *                                                the first result's rows into FILE
 *                                                (export.h: CSV as COPY … CSV HEADER
 *                                                writes it), streamed in single-row mode
 *                                                (constant memory), a progress line on
 *                                                stderr; Ctrl-C cancels (the file keeps
 *                                                the rows written)
 *
 *   pgiam sql … --explain [--analyze] [--json] -c 'SELECT …'
 *                                                the statement's plan as a tree (plan.h:
 *                                                cost, rows estimated vs actual, time,
 *                                                buffers, misestimates and the slowest
 *                                                node marked), or the parsed tree as
 *                                                JSON; --analyze runs it inside BEGIN …
 *                                                ROLLBACK (the flag is the consent a
 *                                                writing statement needs)
 *
 * The exit status is 0 when everything succeeded, otherwise 10 + the number of the
 * step of the last failure (as `pgiam check` numbers them: see docs/session.md;
 * PGIAM_EXIT_FOR_STEP in usage.h), or 2 for a usage error, 3 for the profile.
 */
#include "cli.h"
#include "cli_session.h"
#include "usage.h"

#include "cancel_watch.h"
#include "error.h"
#include "export.h"
#include "plan.h"
#include "session.h"
#include "sqlsplit.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* stdin is not read further while a statement runs and this much waits */
#define SQL_INPUT_HELD_MAX (4u << 20)

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

typedef struct sql_run {
	long long t0;
	int status;            /* exit status so far */
	int saw_terminal;      /* the current statement produced DONE/ERROR/CANCELLED */
	pgiam_cancel_watch cancel;  /* a cancel request waiting for its outcome */
	/* --output: the first result with columns goes to the file */
	const char *output;
	pgiam_export_format format;
	int header;
	pgiam_export *exp;
	int exported;          /* the export is finished (or failed) */
	long long exp_t0, exp_shown;
} sql_run;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void emit(json_object *o, sql_run *run)
{
	json_object_object_add(o, "t_ms", json_object_new_int64(now_ms() - run->t0));
	pgiam_cli_print_json(stdout, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static void emit_info(pgiam_session *s, sql_run *run)
{
	pgiam_session_info i;
	json_object *o = json_object_new_object();

	pgiam_session_get_info(&i, s);
	json_object_object_add(o, "event", json_object_new_string("info"));
	json_object_object_add(o, "state", json_object_new_string(
		pgiam_session_state_name(pgiam_session_get_state(s))));
	pgiam_cli_session_info_json(o, &i);
	emit(o, run);
}

static int busy(pgiam_session *s)
{
	pgiam_session_state st = pgiam_session_get_state(s);

	return st == PGIAM_SESSION_CONNECTING || st == PGIAM_SESSION_BUSY;
}

/* A cancel is only a request: {"event":"cancelling"} when it is sent, then, once the
 * events after it settle it, {"event":"cancel_outcome","cancelled":…,"text":…} (a
 * write that completed anyway says so). */
static void request_cancel(pgiam_session *s, sql_run *run)
{
	json_object *o;

	if (!busy(s) || pgiam_cancel_watch_pending(&run->cancel)) {
		pgiam_session_cancel(s);
		return;
	}
	pgiam_cancel_watch_request(&run->cancel);
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_string("cancelling"));
	emit(o, run);
	pgiam_session_cancel(s);
}

static void settle_cancel(const pgiam_session_event *ev, pgiam_session *s, sql_run *run)
{
	char line[300];
	pgiam_cancel_outcome out;
	json_object *o;

	out = pgiam_cancel_watch_event(&run->cancel, line, sizeof(line), ev,
		ev->kind == PGIAM_SEV_ERROR ? pgiam_session_last_error(s) : NULL);
	if (out == PGIAM_CANCEL_NONE)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_string("cancel_outcome"));
	json_object_object_add(o, "cancelled", json_object_new_boolean(out == PGIAM_CANCEL_CONFIRMED));
	json_object_object_add(o, "text", json_object_new_string(line));
	emit(o, run);
}

static void export_progress(sql_run *run, int last)
{
	long long now = now_ms(), ms = now - run->exp_t0;
	unsigned long long rows = pgiam_export_rows(run->exp);

	if (!last && now - run->exp_shown < 1000)
		return;
	run->exp_shown = now;
	pgiam_cli_printf(stderr, "pgiam: sql: %llu rows to %s, %.0f rows/s%s", rows, run->output,
		ms > 0 ? (double)rows * 1000.0 / (double)ms : 0.0, last ? "\n" :
		isatty(2) ? "\r" : "\n");
}

/* The result's end (done 1), a failure or cancel (0): the file is closed either way
 * and an "export" event says how many rows it holds. */
static void export_end(sql_run *run, int done)
{
	json_object *o = json_object_new_object();
	unsigned long long rows = pgiam_export_rows(run->exp);
	long long ms = now_ms() - run->exp_t0;
	int error = 0;

	if (!run->exp || run->exported)
		return;
	export_progress(run, 1);
	error = pgiam_export_finish(run->exp);
	run->exp = NULL;
	run->exported = 1;
	json_object_object_add(o, "event", json_object_new_string("export"));
	json_object_object_add(o, "path", json_object_new_string(run->output));
	json_object_object_add(o, "format", json_object_new_string(
		pgiam_export_format_name(run->format)));
	json_object_object_add(o, "rows", json_object_new_int64((int64_t)rows));
	json_object_object_add(o, "ms", json_object_new_int64(ms));
	json_object_object_add(o, "complete", json_object_new_boolean(done && error == 0));
	if (error < 0)
		json_object_object_add(o, "message", json_object_new_string(pgiam_error_last()));
	if (error < 0 || !done)
		run->status = run->status ? run->status : PGIAM_EXIT_FOR_STEP(PGIAM_STEP_QUERY + 1);
	emit(o, run);
}

/* Columns and rows of the first result go to the file; 1 when the event was taken. */
static int export_event(const pgiam_session_event *ev, pgiam_session *s, sql_run *run)
{
	if (!run->output)
		return 0;
	if (run->exported)   /* later results' rows: not on stdout either */
		return ev->kind == PGIAM_SEV_ROW;
	if (ev->kind == PGIAM_SEV_COLUMNS && !run->exp) {
		const char **names = calloc((size_t)ev->nfields + 1, sizeof(char *));
		unsigned *types = calloc((size_t)ev->nfields + 1, sizeof(unsigned));
		int error = names && types ? 0 : pgiam_error_set(PGIAM_ENOMEM, "out of memory");

		for (int i = 0; !error && i < ev->nfields; i++) {
			names[i] = pgiam_session_column_name(s, i);
			types[i] = pgiam_session_column_type(s, i);
		}
		if (!error && (error = pgiam_export_open(&run->exp, run->output, run->format,
		    run->header)) == 0 && (error = pgiam_export_columns(run->exp,
		    (size_t)ev->nfields, names, types)) < 0) {
			pgiam_export_free(run->exp);
			run->exp = NULL;
		}
		free(names);
		free(types);
		if (error < 0) {
			pgiam_cli_printf(stderr, "pgiam: sql: %s\n", pgiam_error_last());
			run->exported = 1;
			run->status = PGIAM_EXIT_FAILURE;
			request_cancel(s, run);
			return 1;
		}
		run->exp_t0 = run->exp_shown = now_ms();
		return 1;
	}
	if (!run->exp)
		return 0;
	if (ev->kind == PGIAM_SEV_ROW) {
		if (pgiam_export_row(run->exp, ev->values) < 0) {
			pgiam_cli_printf(stderr, "pgiam: sql: %s\n", pgiam_error_last());
			export_end(run, 0);
			request_cancel(s, run);
			return 1;
		}
		if (!(pgiam_export_rows(run->exp) & 4095))   /* the clock, not every row */
			export_progress(run, 0);
		return 1;
	}
	/* the first result ended (its command tag): the file is complete */
	if (ev->kind == PGIAM_SEV_COMMAND)
		export_end(run, 1);
	else if (ev->kind == PGIAM_SEV_ERROR || ev->kind == PGIAM_SEV_CANCELLED ||
	    ev->kind == PGIAM_SEV_LOST)
		export_end(run, 0);
	return 0;
}

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	sql_run *run = ctx;
	json_object *o = json_object_new_object();
	json_object *a;
	const pgiam_session_error *err;

	if (export_event(ev, s, run)) {
		json_object_put(o);
		settle_cancel(ev, s, run);
		return;
	}
	switch (ev->kind) {
	case PGIAM_SEV_NONE:
		json_object_put(o);
		return;
	case PGIAM_SEV_STEP:
		json_object_object_add(o, "event", json_object_new_string("step"));
		json_object_object_add(o, "step", json_object_new_string(pgiam_step_name(ev->step)));
		json_object_object_add(o, "number", json_object_new_int((int)ev->step + 1));
		json_object_object_add(o, "done", json_object_new_boolean(ev->done));
		if (ev->done)
			json_object_object_add(o, "ms", json_object_new_int64(ev->ms));
		json_object_object_add(o, "detail", json_object_new_string(ev->text));
		break;
	case PGIAM_SEV_CONNECTED:
	case PGIAM_SEV_RECONNECTED: {
		pgiam_session_info i;
		pgiam_session_get_info(&i, s);
		json_object_object_add(o, "event", json_object_new_string(
			ev->kind == PGIAM_SEV_CONNECTED ? "connected" : "reconnected"));
		json_object_object_add(o, "text", json_object_new_string(ev->text));
		pgiam_cli_session_info_json(o, &i);
		break;
	}
	case PGIAM_SEV_LOST:
		json_object_object_add(o, "event", json_object_new_string("lost"));
		json_object_object_add(o, "text", json_object_new_string(ev->text));
		break;
	case PGIAM_SEV_COLUMNS:
		json_object_object_add(o, "event", json_object_new_string("columns"));
		a = json_object_new_array();
		for (int i = 0; i < ev->nfields; i++)
			json_object_array_add(a, json_object_new_string(pgiam_session_column_name(s, i)));
		json_object_object_add(o, "names", a);
		break;
	case PGIAM_SEV_ROW:
		json_object_object_add(o, "event", json_object_new_string("row"));
		a = json_object_new_array();
		for (int i = 0; i < ev->nfields; i++)
			json_object_array_add(a, ev->values[i] ? json_object_new_string(ev->values[i]) : NULL);
		json_object_object_add(o, "values", a);
		break;
	case PGIAM_SEV_COMMAND:
		json_object_object_add(o, "event", json_object_new_string("command"));
		json_object_object_add(o, "tag", json_object_new_string(ev->text));
		json_object_object_add(o, "rows", json_object_new_int64(ev->rows));
		break;
	case PGIAM_SEV_DONE:
		json_object_object_add(o, "event", json_object_new_string("done"));
		json_object_object_add(o, "rows", json_object_new_int64(ev->rows));
		run->saw_terminal = 1;
		break;
	case PGIAM_SEV_CANCELLED:
		json_object_object_add(o, "event", json_object_new_string("cancelled"));
		json_object_object_add(o, "text", json_object_new_string(ev->text));
		run->saw_terminal = 1;
		break;
	case PGIAM_SEV_NOTICE:
		json_object_object_add(o, "event", json_object_new_string("notice"));
		json_object_object_add(o, "severity", json_object_new_string(ev->severity));
		json_object_object_add(o, "message", json_object_new_string(ev->text));
		break;
	case PGIAM_SEV_ERROR:
		err = pgiam_session_last_error(s);
		json_object_object_add(o, "event", json_object_new_string("error"));
		pgiam_cli_session_error_json(o, err);
		run->status = PGIAM_EXIT_FOR_STEP((int)err->step + 1);
		run->saw_terminal = 1;
		break;
	}
	emit(o, run);
	settle_cancel(ev, s, run);
}

static void drain(pgiam_session *s, sql_run *run)
{
	pgiam_session_event ev;

	while (pgiam_session_step(&ev, s), ev.kind != PGIAM_SEV_NONE)
		on_event(&ev, s, run);
}

/* Sends one statement (as the splitter cut it, with its ';'). */
static void start_statement(pgiam_session *s, sql_run *run, const char *sql)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string("query"));
	json_object_object_add(o, "sql", json_object_new_string(sql));
	emit(o, run);
	run->saw_terminal = 0;
	if (pgiam_session_query(s, sql) < 0 && !run->saw_terminal) {
		o = json_object_new_object();
		json_object_object_add(o, "event", json_object_new_string("error"));
		json_object_object_add(o, "step", json_object_new_string("query"));
		json_object_object_add(o, "number", json_object_new_int(PGIAM_STEP_QUERY + 1));
		json_object_object_add(o, "message", json_object_new_string(pgiam_error_last()));
		emit(o, run);
		run->status = PGIAM_EXIT_FOR_STEP(PGIAM_STEP_QUERY + 1);
	}
}

/* A backslash line: \cancel and \info act at once, even while a statement runs. */
static void meta_command(pgiam_session *s, sql_run *run, const char *line)
{
	json_object *o;

	if (!strcmp(line, "\\info")) {
		emit_info(s, run);
		return;
	}
	if (!strcmp(line, "\\cancel")) {
		request_cancel(s, run);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_string("error"));
	json_object_object_add(o, "step", json_object_new_string("input"));
	json_object_object_add(o, "message", json_object_new_string(
		"unknown backslash command (pgiam sql knows \\cancel and \\info)"));
	emit(o, run);
	run->status = PGIAM_STEP_QUERY + 1;
}

static void consume(pgiam_buf *in, size_t n)
{
	if (!in->ptr)
		return;
	memmove(in->ptr, in->ptr + n, in->len - n + 1);
	in->len -= n;
}

/* Acts on what stdin brought so far: statements as the core's splitter cuts them (a
 * ';' inside quotes, dollar quotes, comments or parentheses ends nothing; a line end
 * ends nothing either, as in psql), one at a time on an idle session; a backslash
 * line at the start of a statement acts at once. At eof an unfinished statement runs
 * as it is, as psql runs what is left in its buffer. */
static void take_input(pgiam_session *s, sql_run *run, pgiam_buf *in, int eof)
{
	for (;;) {
		pgiam_sql_stmt st;
		size_t pos = 0;
		char *text;

		drain(s, run);
		while (pos < in->len && strchr(" \t\r\n\f\v", in->ptr[pos]))
			pos++;
		if (pos == in->len) {
			consume(in, pos);
			return;
		}
		if (in->ptr[pos] == '\\') {
			char *nl = memchr(in->ptr + pos, '\n', in->len - pos);
			size_t end = nl ? (size_t)(nl - in->ptr) : in->len;
			size_t stop = end;

			if (!nl && !eof)
				return;
			while (stop > pos && strchr(" \t\r", in->ptr[stop - 1]))
				stop--;
			text = strndup(in->ptr + pos, stop - pos);
			if (!text)
				return;
			meta_command(s, run, text);
			free(text);
			consume(in, nl ? end + 1 : end);
			continue;
		}
		if (!pgiam_sql_next(&st, in->ptr, in->len, pos) || (!st.terminated && !eof) || busy(s))
			return;
		if (!st.blank) {
			size_t end = st.end;

			while (!st.terminated && end > st.start && strchr(" \t\r\n\f\v", in->ptr[end - 1]))
				end--;
			if (!(text = strndup(in->ptr + st.start, end - st.start)))
				return;
			start_statement(s, run, text);
			free(text);
		}
		consume(in, st.end);
	}
}

/* The event loop: the session's socket and stdin. stdin is read into a buffer of any
 * size (a statement may be long), but not while a statement runs and a lot is
 * waiting already. */
static int loop(pgiam_session *s, sql_run *run, const char *command)
{
	pgiam_buf in = PGIAM_BUF_INIT;
	char chunk[65536];
	int eof = command != NULL;
	int rc = 0;

	if (command)
		start_statement(s, run, command);
	for (;;) {
		struct pollfd p[2];
		int n = 0, fd_in = -1;

		drain(s, run);
		if (interrupted) {
			interrupted = 0;
			if (busy(s))
				request_cancel(s, run);
			else
				break;
			continue;
		}
		take_input(s, run, &in, eof);
		if (eof && !busy(s) && !in.len)
			break;
		if ((p[n].fd = pgiam_session_socket(s)) >= 0) {
			p[n].events = pgiam_session_want_write(s) ? POLLOUT : POLLIN;
			p[n++].revents = 0;
		}
		if (!eof && !(busy(s) && in.len >= SQL_INPUT_HELD_MAX)) {
			fd_in = n;
			p[n].fd = 0;
			p[n].events = POLLIN;
			p[n++].revents = 0;
		}
		if (poll(p, (nfds_t)n, pgiam_session_timeout_ms(s)) < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		if (fd_in >= 0 && (p[fd_in].revents & (POLLIN | POLLHUP))) {
			ssize_t r = read(0, chunk, sizeof(chunk));

			if (r <= 0)
				eof = 1;
			else if (pgiam_buf_put(&in, chunk, (size_t)r) < 0) {
				pgiam_cli_printf(stderr, "pgiam: sql: %s\n", pgiam_error_last());
				rc = 1;
				break;
			}
		}
	}
	pgiam_buf_dispose(&in);
	return rc;
}

typedef struct sql_opts {
	const char *command, *output, *format;
	int no_header;
	int explain, analyze, json;
} sql_opts;

static const pgiam_cli_opt sql_options[] = {
	{ "command", 'c', "SQL", PGIAM_CLI_FIELD(sql_opts, command),
		"run SQL, then exit (else statements on stdin, each ended by ; as in psql)" },
	{ "output", 0, "FILE", PGIAM_CLI_FIELD(sql_opts, output),
		"write the first result's rows to FILE instead (created\n"
		"0600 unless it exists), streamed: any size, constant\n"
		"memory; a progress line on stderr; Ctrl-C cancels" },
	{ "format", 0, "F", PGIAM_CLI_FIELD(sql_opts, format),
		"csv (default; as psql's \\copy … csv header writes it),\n"
		"tsv (COPY's text format), json (an array), jsonl" },
	{ "no-header", 0, NULL, PGIAM_CLI_FIELD(sql_opts, no_header),
		"CSV and TSV without the column names line" },
	{ "explain", 0, NULL, PGIAM_CLI_FIELD(sql_opts, explain),
		"print the statement's plan (EXPLAIN (FORMAT JSON)) as a\n"
		"tree instead of running it: cost, rows, misestimates;\n"
		"the statement from -c, else all of stdin (one statement)" },
	{ "analyze", 0, NULL, PGIAM_CLI_FIELD(sql_opts, analyze),
		"with --explain: EXPLAIN (ANALYZE, BUFFERS), which runs the\n"
		"statement, inside BEGIN … ROLLBACK: actual rows, time,\n"
		"buffers, the slowest node; nothing it writes is kept" },
	{ "json", 0, NULL, PGIAM_CLI_FIELD(sql_opts, json),
		"with --explain: the parsed tree as one JSON document" },
	{ NULL, 0, NULL, 0, NULL },
};

/* The options into o and run (--output's settings). PGIAM_CLI_GO_ON, or an exit status. */
static int parse_options(sql_opts *o, sql_run *run, pgiam_cli_session_opts *opts, int argc,
	char **argv)
{
	const pgiam_cli_group groups[] = {
		{ "options", sql_options, NULL, o, NULL },
		PGIAM_CLI_SESSION_GROUPS(opts),
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "sql", "pgiam sql --profile NAME [--profiles DIR] [-c SQL]\n"
		"          [--output FILE [--format csv|tsv|json|jsonl] [--no-header]]\n"
		"          [--explain [--analyze] [--json]]",
		"Runs SQL (from -c, or statements on stdin, each ended by ; as in psql) and prints\n"
		"each event as a JSON line. On stdin, \\cancel cancels the running\n"
		"statement and \\info prints the session's state.",
		NULL, "  10+N  step N failed (the last failure; the steps are pgiam check's)",
		0, groups };
	int rc = pgiam_cli_parse(NULL, &spec, argc, argv);

	if (rc != PGIAM_CLI_GO_ON)
		return rc;
	run->output = o->output;
	run->header = !o->no_header;
	if (o->format && pgiam_export_format_parse(&run->format, o->format) < 0)
		return pgiam_cli_usage_error("sql", "%s", pgiam_error_last());
	if ((o->format || o->no_header) && !o->output)
		return pgiam_cli_usage_error("sql", "--format and --no-header go with --output FILE");
	if ((o->analyze || o->json) && !o->explain)
		return pgiam_cli_usage_error("sql", "--analyze and --json go with --explain");
	if (o->explain && o->output)
		return pgiam_cli_usage_error("sql", "--explain prints a plan: it does not go with "
			"--output");
	return PGIAM_CLI_GO_ON;
}

/* All of stdin, for --explain without -c: one statement, read whole. */
static int read_stdin(pgiam_buf *out)
{
	char chunk[65536];
	ssize_t r;

	while ((r = read(0, chunk, sizeof(chunk))) > 0)
		if (pgiam_buf_put(out, chunk, (size_t)r) < 0)
			return -1;
	return r < 0 ? pgiam_error_set(PGIAM_EIO, "reading stdin failed") : 0;
}

static void explain_notes(const char *sql, size_t len, int analyze)
{
	pgiam_plan_kind k;

	if (!analyze)
		return;
	pgiam_plan_classify(&k, sql, len);
	if (k.writes)
		pgiam_cli_printf(stderr, "pgiam: sql: %s: --analyze runs it inside BEGIN \xE2\x80\xA6 "
			"ROLLBACK, so nothing it writes is kept\n", k.why);
	if (k.calls[0])
		pgiam_cli_printf(stderr, "pgiam: sql: it calls %s(\xE2\x80\xA6): what a function does "
			"cannot be known (writes are rolled back; effects outside the database are "
			"not)\n", k.calls);
}

/* --explain: the plan of one statement as a tree (or JSON); the exit status. */
static int run_explain(pgiam_session *s, const sql_opts *o)
{
	pgiam_buf in = PGIAM_BUF_INIT, out = PGIAM_BUF_INIT;
	pgiam_plan_run *r = NULL;
	const char *sql = o->command;
	size_t len = sql ? strlen(sql) : 0;
	int status = PGIAM_EXIT_OK, error;

	if (!sql) {
		if (read_stdin(&in) < 0) {
			pgiam_cli_error("sql", NULL);
			status = PGIAM_EXIT_FAILURE;
			goto cleanup;
		}
		sql = pgiam_buf_cstr(&in);
		len = in.len;
	}
	if (pgiam_plan_run_new(&r, sql, len, o->analyze, 0) < 0) {
		status = pgiam_cli_usage_error("sql", "%s", pgiam_error_last());
		goto cleanup;
	}
	explain_notes(sql, len, o->analyze);
	if ((error = pgiam_plan_run_session(r, s)) < 0) {
		const pgiam_session_error *e = pgiam_session_last_error(s);

		pgiam_cli_error("sql", NULL);
		status = pgiam_plan_run_error(r)[0] ? PGIAM_EXIT_FOR_STEP(PGIAM_STEP_QUERY + 1) :
			PGIAM_EXIT_FOR_STEP((int)e->step + 1);
		goto cleanup;
	}
	if (o->json) {
		if (pgiam_plan_json(&out, pgiam_plan_run_plan(r)) == 0)
			pgiam_cli_print_json(stdout, pgiam_buf_cstr(&out));
	} else if (pgiam_plan_render(&out, pgiam_plan_run_plan(r)) == 0) {
		pgiam_cli_printf(stdout, "%s", pgiam_buf_cstr(&out));
		if (pgiam_plan_run_wrapping(r)[0])
			pgiam_cli_printf(stdout, "Ran %s.\n", pgiam_plan_run_wrapping(r));
	}
	if (!out.len) {
		pgiam_cli_error("sql", NULL);
		status = PGIAM_EXIT_FAILURE;
	}
cleanup:
	pgiam_plan_run_free(r);
	pgiam_buf_dispose(&in);
	pgiam_buf_dispose(&out);
	return status;
}

int pgiam_cmd_sql(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT("sql");
	pgiam_session *s = NULL;
	sql_opts o = { NULL, NULL, NULL, 0, 0, 0, 0 };
	struct sigaction sa;
	sql_run run = { now_ms(), 0, 0, { 0, "" }, NULL, PGIAM_EXPORT_CSV, 1, NULL, 0, 0, 0 };
	int rc;

	if ((rc = parse_options(&o, &run, &opts, argc, argv)) != PGIAM_CLI_GO_ON ||
	    (rc = pgiam_cli_session_open(&s, &opts)) != 0) {
		pgiam_cli_session_opts_dispose(&opts);
		return rc;
	}
	if (o.explain) {
		rc = run_explain(s, &o);
		pgiam_session_free(s);
		pgiam_cli_session_opts_dispose(&opts);
		return rc;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);  /* no SA_RESTART: poll returns and the loop cancels */
	pgiam_session_connect(s);
	if (loop(s, &run, o.command) != 0)
		run.status = PGIAM_EXIT_FAILURE;
	if (run.exp)
		export_end(&run, 0);
	else if (run.output && !run.exported && !run.status) {
		pgiam_cli_printf(stderr, "pgiam: sql: no result with columns to write to %s\n",
			run.output);
		run.status = PGIAM_EXIT_FOR_STEP(PGIAM_STEP_QUERY + 1);
	}
	pgiam_session_free(s);
	pgiam_cli_session_opts_dispose(&opts);
	return run.status;
}
