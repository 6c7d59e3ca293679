/* loop.c - the one event loop: keys, the clock, and the core's network work.
 *
 * ppoll() waits on stdin, the connection's descriptors and a timer that fires at the
 * next second boundary, so countdowns move without keys and an idle pgiam wakes once
 * a second. Signals are blocked except inside ppoll, and their handlers only set
 * flags: SIGWINCH leads to a resize in this loop, SIGTERM/SIGINT/SIGHUP end it, and the
 * terminal is restored on every way out (normal exit, fatal error, signal, crash).
 * Input goes through keys.c (sequences ncurses does not know); a bracketed paste is
 * collected here and handed to the screen whole, so its newlines are never Enter.
 */
#include "app.h"

#include "draw.h"
#include "error.h"
#include "keys.h"
#include "sanitize.h"
#include "statusbar.h"
#include "width.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define MAX_POLLFDS 8

static volatile sig_atomic_t got_winch;
static volatile sig_atomic_t got_term;
static struct termios saved_tio;
static int tio_saved;
static int curses_active;

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void on_term(int sig)
{
	got_term = sig;
}

/* Bracketed paste: the terminal wraps pasted text in ESC[200~ ... ESC[201~ while the
 * mode is on, so a paste is told from typing and its newlines are never Enter. The
 * mode outlives the program in the terminal: every way out turns it off. */
static const char paste_on[] = "\033[?2004h";
static const char paste_off[] = "\033[?2004l";

static void write_all(const char *s, size_t len)
{
	if (write(STDOUT_FILENO, s, len) < 0) {
		/* the terminal is gone: nothing more can be done */
	}
}

/* After a crash: only async-signal-safe calls. Restores the saved terminal modes,
 * turns bracketed paste off, leaves the alternate screen and shows the cursor. */
static void crash_restore(void)
{
	static const char reset[] = "\033[?2004l\033[0m\033[?25h\033[?1049l\r\n";

	if (!curses_active)
		return;
	curses_active = 0;
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	write_all(reset, sizeof(reset) - 1);
}

/* A crash signal: restore the terminal, then die of the same signal. */
static void on_fatal(int sig)
{
	crash_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Under a sanitizer, a report ends the process through the sanitizer's own exit path
 * (its SEGV handler comes first): have it restore the terminal too. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = 0;
		endwin();
		write_all(paste_off, sizeof(paste_off) - 1);
	}
}

void pgiam_ui_fail(const char *what)
{
	restore_terminal();
	fputs("pgiam: ", stderr);
	pgiam_text_fputs(stderr, what, 0);  /* may quote a profile or a server */
	fputc('\n', stderr);
	exit(1);
}

void *pgiam_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		pgiam_ui_fail("out of memory");
	return p;
}

char *pgiam_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		pgiam_ui_fail("out of memory");
	return p;
}

unsigned pgiam_app_push(pgiam_app *app, const pgiam_screen_ops *ops, void *arg)
{
	app->push_ops = ops;
	app->push_arg = arg;
	return PGIAM_REACT_PUSH | PGIAM_REACT_REDRAW;
}

void pgiam_app_message(pgiam_app *app, pgiam_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->message, sizeof(app->message), fmt, ap);
	va_end(ap);
	app->message_role = role;
	app->message_until = time(NULL) + 8;
	app->message_fresh = 1;
}

int pgiam_app_connected(const pgiam_app *app)
{
	return app->conn != NULL;
}

static void install_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Installs a crash handler unless someone (a sanitizer) already has one. */
static void install_fatal(int sig)
{
	struct sigaction old;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
	    !(old.sa_flags & SA_SIGINFO))
		install_handler(sig, on_fatal, SA_RESETHAND);
}

/* Sets up the terminal; the handlers go in first so that ncurses keeps its own
 * SIGWINCH/SIGINT/SIGTERM handlers out (it only installs them over defaults). */
static int terminal_start(sigset_t *wait_mask)
{
	sigset_t block;

	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		tio_saved = 1;
	install_handler(SIGWINCH, on_winch, 0);
	install_handler(SIGTERM, on_term, 0);
	install_handler(SIGINT, on_term, 0);
	install_handler(SIGHUP, on_term, 0);
	install_fatal(SIGSEGV);
	install_fatal(SIGBUS);
	install_fatal(SIGFPE);
	install_fatal(SIGABRT);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(crash_restore);
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGWINCH);
	sigdelset(wait_mask, SIGTERM);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGHUP);

	if (!initscr())
		return -1;
	curses_active = 1;
	atexit(restore_terminal);
	raw();            /* Ctrl-C is a key (cancel), not a signal */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	pgiam_keys_define();
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	write_all(paste_on, sizeof(paste_on) - 1);
	curs_set(0);
	pgiam_colors_init();
	return 0;
}

static void update_size(pgiam_app *app)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resize_term(ws.ws_row, ws.ws_col);
	app->rows = LINES;
	app->cols = COLS;
	app->full_redraw = 1;
}

static int too_small(const pgiam_app *app)
{
	return app->rows < PGIAM_MIN_ROWS || app->cols < PGIAM_MIN_COLS;
}

static pgiam_screen *top(pgiam_app *app)
{
	return app->depth ? &app->stack[app->depth - 1] : NULL;
}

static void draw_too_small(pgiam_app *app)
{
	char line[96];
	int y = app->rows > 4 ? app->rows / 2 - 2 : 0;

	pgiam_draw_text(y++, 0, app->cols, PGIAM_ROLE_ERROR, "Terminal too small");
	snprintf(line, sizeof(line), "it is %dx%d; pgiam needs %dx%d", app->cols, app->rows,
		PGIAM_MIN_COLS, PGIAM_MIN_ROWS);
	pgiam_draw_text(y++, 0, app->cols, PGIAM_ROLE_NORMAL, line);
	pgiam_draw_text(y++, 0, app->cols, PGIAM_ROLE_DIM, "enlarge it, or q quits");
}

/* The bottom line: a recent message, or the first key of each action of the screen's
 * own scope (from the action table, like the help screen). */
static void draw_hints(pgiam_app *app, pgiam_screen *s)
{
	char line[512];
	char key[32];
	char name[32];
	size_t used = 0;

	if (app->message[0] && time(NULL) <= app->message_until) {
		pgiam_draw_field(app->rows - 1, 0, app->cols, app->message_role, app->message);
		return;
	}
	app->message[0] = '\0';
	used += (size_t)snprintf(line, sizeof(line), "F1 help");
	for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT && used < sizeof(line); a++) {
		const pgiam_action_info *info = pgiam_action_get((pgiam_action)a);
		size_t k = 0;

		if (!s->ops->nscopes || info->scope != s->ops->scopes[0])
			continue;
		pgiam_key_label(key, sizeof(key), info->keys[0]);
		for (k = 0; info->name[k] && k + 1 < sizeof(name); k++)
			name[k] = (char)(info->name[k] == '_' ? ' ' : info->name[k] | 0x20);
		name[k] = '\0';
		used += (size_t)snprintf(line + used, sizeof(line) - used, "  %s %s", key, name);
	}
	if (used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, "  %s", s->ops->text_input
			? "Esc back  F10 quit" : s->ops->nscopes && s->ops->scopes[0] == PGIAM_SCOPE_LIST
			? "q close" : "q quit");
	pgiam_draw_field(app->rows - 1, 0, app->cols, PGIAM_ROLE_DIM, line);
}

static void draw_all(pgiam_app *app)
{
	pgiam_screen *s = top(app);
	pgiam_rect body;
	int sb = 0;
	int cy = 0, cx = 0;
	int show_cursor = 0;
	char title[300];

	if (app->full_redraw) {
		clearok(curscr, TRUE);
		app->full_redraw = 0;
	}
	erase();
	if (too_small(app) || !s) {
		draw_too_small(app);
		curs_set(0);
		refresh();
		return;
	}
	sb = pgiam_statusbar_rows(app);
	snprintf(title, sizeof(title), " pgiam \xC2\xB7 %s", s->title ? s->title : s->ops->title);
	pgiam_draw_field(0, 0, app->cols, PGIAM_ROLE_TITLE, title);
	body.y = 1;
	body.x = 0;
	body.w = app->cols;
	body.h = app->rows - 2 - sb;
	s->ops->draw(s, app, body);
	if (sb)
		pgiam_statusbar_draw(app, app->rows - 1 - sb);
	draw_hints(app, s);
	if (s->ops->cursor)
		show_cursor = s->ops->cursor(s, app, body, &cy, &cx);
	curs_set(show_cursor ? 1 : 0);
	if (show_cursor)
		move(cy, cx);
	refresh();
}

static unsigned open_screen(pgiam_app *app, const pgiam_screen_ops *ops, void *arg)
{
	pgiam_screen *s = NULL;

	if (app->depth == PGIAM_SCREEN_STACK) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "too many screens open; go back first");
		return PGIAM_REACT_REDRAW;
	}
	s = &app->stack[app->depth];
	s->ops = ops;
	s->data = NULL;
	s->title = NULL;
	if (ops->open && ops->open(s, app, arg) < 0) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "%s", pgiam_error_last()[0]
			? pgiam_error_last() : "cannot open that screen");
		return PGIAM_REACT_REDRAW;
	}
	app->depth++;
	/* a screen may open another on top of itself at once (connect: the MFA dialog) */
	if (app->push_ops) {
		const pgiam_screen_ops *next = app->push_ops;
		app->push_ops = NULL;
		return open_screen(app, next, app->push_arg);
	}
	return PGIAM_REACT_REDRAW;
}

static void close_top(pgiam_app *app)
{
	pgiam_screen *s = top(app);

	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s, app);
	app->depth--;
}

/* Applies reaction flags; returns 1 when the loop must end. */
static int apply(pgiam_app *app, unsigned r)
{
	if (r & PGIAM_REACT_QUIT)
		return 1;
	if ((r & (PGIAM_REACT_POP | PGIAM_REACT_PUSH)) && !app->message_fresh)
		app->message[0] = '\0';  /* an old message belongs to the screen it was for */
	app->message_fresh = 0;
	if (r & PGIAM_REACT_POP) {
		close_top(app);
		if ((r & PGIAM_REACT_POP_UNDER) && app->depth)
			close_top(app);
		if (!app->depth && !(r & PGIAM_REACT_PUSH))
			return 1;
		if (app->depth && top(app)->ops->resume) {
			/* the screen under may close or open one in turn (connect after the MFA
			 * dialog: back without a code, or start) */
			unsigned again = top(app)->ops->resume(top(app), app);
			if ((again & (PGIAM_REACT_POP | PGIAM_REACT_PUSH | PGIAM_REACT_QUIT)) &&
			    !(r & PGIAM_REACT_PUSH))
				return apply(app, again);
		}
	}
	if (r & PGIAM_REACT_PUSH) {
		const pgiam_screen_ops *ops = app->push_ops;

		app->push_ops = NULL;
		if (ops)
			open_screen(app, ops, app->push_arg);
		if (!app->depth)
			return 1;
	}
	return 0;
}

/* What the global actions do when the screen leaves them alone. */
static unsigned global_action(pgiam_app *app, pgiam_action a)
{
	int busy = app->conn && pgiam_conn_busy(app->conn);

	/* Help and the log open once, not stacked on themselves. */
	if (a == PGIAM_ACTION_HELP)
		return top(app)->ops == &pgiam_screen_help ? PGIAM_REACT_NONE
			: pgiam_app_push(app, &pgiam_screen_help, NULL);
	if (a == PGIAM_ACTION_LOG)
		return top(app)->ops == &pgiam_screen_log ? PGIAM_REACT_NONE
			: pgiam_app_push(app, &pgiam_screen_log, NULL);
	if (a == PGIAM_ACTION_GRANTS) {
		if (top(app)->ops == &pgiam_screen_grants)
			return PGIAM_REACT_NONE;
		if (!app->conn || pgiam_conn_status_of(app->conn)->state != PGIAM_CONN_CONNECTED) {
			pgiam_app_message(app, PGIAM_ROLE_WARN, "grants: connect first (F7 works when connected)");
			return PGIAM_REACT_REDRAW;
		}
		return pgiam_app_push(app, &pgiam_screen_grants, NULL);
	}
	if (a == PGIAM_ACTION_QUIT)
		return pgiam_txnguard_quit(app);
	if (a == PGIAM_ACTION_READ_ONLY)
		return pgiam_readonly_toggle(app);
	if (a == PGIAM_ACTION_RENEW)
		return pgiam_mfa_renew_open(app);
	if (a == PGIAM_ACTION_REDRAW) {
		app->full_redraw = 1;
		return PGIAM_REACT_REDRAW;
	}
	if ((a == PGIAM_ACTION_CANCEL || a == PGIAM_ACTION_BACK) && busy) {
		pgiam_conn_cancel(app->conn);
		pgiam_app_message(app, PGIAM_ROLE_WARN, "cancelling\xE2\x80\xA6");
		return PGIAM_REACT_REDRAW;
	}
	if (a == PGIAM_ACTION_CANCEL)
		return app->depth > 1 ? PGIAM_REACT_POP : PGIAM_REACT_QUIT;
	if (a == PGIAM_ACTION_BACK)
		return app->depth > 1 ? PGIAM_REACT_POP : PGIAM_REACT_NONE;
	return PGIAM_REACT_NONE;
}

static unsigned handle_key(pgiam_app *app, int status, wint_t ch)
{
	pgiam_screen *s = top(app);
	pgiam_action a = PGIAM_ACTION_NONE;
	unsigned r = PGIAM_REACT_NONE;
	int key = (int)ch;

	if (status == KEY_CODE_YES && key == KEY_RESIZE) {
		update_size(app);
		return PGIAM_REACT_REDRAW;
	}
	if (!s)
		return PGIAM_REACT_QUIT;
	if (too_small(app)) {
		/* Only a way out works while nothing can be shown properly. */
		if (key == 'q' || key == PGIAM_CTRL('c') || key == KEY_F(10))
			return PGIAM_REACT_QUIT;
		return PGIAM_REACT_NONE;
	}
	if (status == OK && s->ops->text_input && s->ops->text && ch >= 0x20 && ch != 0x7f)
		return s->ops->text(s, app, (wchar_t)ch);
	a = pgiam_action_lookup(key, s->ops->scopes, s->ops->nscopes);
	if (a == PGIAM_ACTION_NONE)
		return PGIAM_REACT_NONE;
	r = s->ops->action(s, app, a);
	if (r & PGIAM_REACT_UNHANDLED)
		r = (r & ~(unsigned)PGIAM_REACT_UNHANDLED) | global_action(app, a);
	return r;
}

/* One character of a paste, into the paste buffer: line ends (CR, LF, CR LF) become
 * '\n', tabs stay, other controls and the keys ncurses decoded inside the paste are
 * dropped (they are not text). */
static void paste_add(pgiam_app *app, int status, wint_t ch)
{
	char mb[MB_LEN_MAX];
	size_t n = 0;
	int after_cr = app->paste.last_cr;

	app->paste.last_cr = status == OK && ch == '\r';
	if (status != OK)
		return;
	if (ch == '\n' && after_cr)
		return;
	if (ch == '\r' || ch == '\n')
		mb[n++] = '\n';
	else if (ch == '\t')
		mb[n++] = '\t';
	else if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
		return;
	else
		n = pgiam_width_encode(mb, (wchar_t)ch);
	if (app->paste.text.len + n > PGIAM_PASTE_MAX) {
		app->paste.dropped += n;
		return;
	}
	if (n && pgiam_buf_put(&app->paste.text, mb, n) < 0)
		pgiam_ui_fail("out of memory while reading a paste");
}

/* The paste ended: the top screen gets it whole, or nothing of it. */
static unsigned paste_deliver(pgiam_app *app)
{
	pgiam_screen *s = top(app);
	unsigned r = PGIAM_REACT_REDRAW;

	if (!s || !app->paste.text.len) {
		r = PGIAM_REACT_NONE;
	} else if (app->paste.dropped) {
		pgiam_app_message(app, PGIAM_ROLE_ERROR, "the paste is over %d MiB: nothing of it "
			"was inserted", PGIAM_PASTE_MAX / (1024 * 1024));
	} else if (s->ops->paste) {
		r = s->ops->paste(s, app, app->paste.text.ptr, app->paste.text.len);
	} else {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "paste ignored: this screen takes no text");
	}
	pgiam_buf_clear(&app->paste.text);
	app->paste.dropped = 0;
	return r;
}

/* A paste start marker whose end never came (a terminal that lost it, or a stray
 * ESC[200~ typed or pasted) must not swallow every key after it: with no input for
 * two seconds the paste ends there, delivered as a paste (never run). 1 when it did. */
static int paste_lost_end(pgiam_app *app, int input_now)
{
	if (!app->paste.active || input_now || time(NULL) - app->paste.last_at < 2)
		return 0;
	app->paste.active = 0;
	apply(app, paste_deliver(app));
	pgiam_app_message(app, PGIAM_ROLE_WARN, "a paste had no end marker: what came in it "
		"was taken as pasted after 2 s");
	return 1;
}

/* Whether more input is there already, without waiting (it is put back). */
static int more_input_now(void)
{
	wint_t ch = 0;
	int status = get_wch(&ch);

	if (status == KEY_CODE_YES)
		ungetch((int)ch);
	else if (status == OK)
		unget_wch((wchar_t)ch);
	return status != ERR;
}

/* A terminal without bracketed paste sends a paste as keys, its newlines as Enter.
 * A person's Enter is read alone (the loop reads each key as it comes, also while a
 * statement runs); a CR with more input right behind it came in one write with that
 * input: a pasted line end, given to the screen as one, never as Enter. */
static unsigned unbracketed_newline(pgiam_app *app, pgiam_screen *s)
{
	unsigned r = s->ops->paste(s, app, "\n", 1);

	pgiam_app_message(app, PGIAM_ROLE_WARN, "a line end with more input right behind it "
		"was taken as pasted, not as Enter; press Enter alone");
	return r | PGIAM_REACT_REDRAW;
}

/* What get_wch returned: between the paste markers it is the paste's text, outside
 * them a key. An ESC that starts a sequence nobody decoded is dropped with it. */
static unsigned handle_input(pgiam_app *app, int status, wint_t ch)
{
	int code = status == KEY_CODE_YES ? (int)ch : 0;

	app->message_fresh = 0;
	if (status == OK && ch == PGIAM_KEY_ESC) {
		int seq = pgiam_keys_swallow_sequence();

		if (seq == PGIAM_KEY_PASTE_START || seq == PGIAM_KEY_PASTE_END) {
			code = seq;  /* a marker whose bytes came too far apart for ncurses */
		} else if (seq > 1 && app->paste.active) {
			/* a pasted ESC before a character: the ESC goes, the character stays */
			if (seq == PGIAM_KEY_ALT_ENTER || seq >= PGIAM_KEY_ALT(0))
				paste_add(app, OK, seq == PGIAM_KEY_ALT_ENTER ? '\n'
					: (wint_t)(seq - PGIAM_KEY_ALT(0)));
			return PGIAM_REACT_NONE;
		} else if (seq > 1) {
			status = KEY_CODE_YES;   /* Alt-Enter, Ctrl-Enter, Alt-letter: one key */
			ch = (wint_t)seq;
			code = seq;
		} else if (seq || app->paste.active) {
			return PGIAM_REACT_NONE;  /* a sequence nobody decoded, or a pasted ESC */
		}
	}
	if (code == PGIAM_KEY_PASTE_START) {
		pgiam_buf_clear(&app->paste.text);
		app->paste.dropped = 0;
		app->paste.last_cr = 0;
		app->paste.active = 1;
		app->paste.last_at = time(NULL);
		return PGIAM_REACT_NONE;
	}
	if (code == PGIAM_KEY_PASTE_END) {
		if (!app->paste.active)
			return PGIAM_REACT_NONE;
		app->paste.active = 0;
		return paste_deliver(app);
	}
	if (app->paste.active && code != KEY_RESIZE) {
		app->paste.last_at = time(NULL);
		paste_add(app, status, ch);
		return PGIAM_REACT_NONE;
	}
	if (status == OK && (ch == '\r' || ch == '\n') && top(app) && top(app)->ops->paste &&
	    !too_small(app) && more_input_now())
		return unbracketed_newline(app, top(app));
	return handle_key(app, status, ch);
}

static int ms_to_next_second(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int)(1000 - ts.tv_nsec / 1000000);
}

/* A cancel request's message: "cancelling…" stays while the outcome is unknown, then
 * the outcome replaces it. 1 when the screen changes. */
static int show_cancel_outcome(pgiam_app *app)
{
	char line[300];

	if (!app->conn)
		return 0;
	if (pgiam_conn_cancel_outcome(app->conn, line, sizeof(line))) {
		pgiam_app_message(app, PGIAM_ROLE_WARN, "%s", line);
		return 1;
	}
	if (pgiam_conn_cancelling(app->conn))
		app->message_until = time(NULL) + 8;
	return 0;
}

int pgiam_loop_run(pgiam_app *app)
{
	sigset_t wait_mask;
	struct pollfd fds[MAX_POLLFDS];
	time_t last_second = 0;
	int dirty = 1;
	int done = 0;

	if (terminal_start(&wait_mask) < 0) {
		fprintf(stderr, "pgiam: cannot start the terminal UI (is TERM set?)\n");
		return 1;
	}
	update_size(app);
	if (app->start_profile)
		done = apply(app, open_screen(app, &pgiam_screen_profiles, NULL) |
			pgiam_app_push(app, &pgiam_screen_connect, app->start_profile));
	else
		done = apply(app, open_screen(app, &pgiam_screen_profiles, NULL));
	last_second = time(NULL);

	while (!done && !got_term) {
		size_t nconn = 0, nscreen = 0;
		int timeout = 0;
		struct timespec ts;
		int rc = 0;

		if (got_winch) {
			got_winch = 0;
			update_size(app);
			dirty = 1;
		}
		if (dirty) {
			draw_all(app);
			dirty = 0;
		}
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		if (app->conn)
			nconn = pgiam_conn_pollfds(app->conn, fds + 1, MAX_POLLFDS - 1);
		if (top(app) && top(app)->ops->pollfds)
			nscreen = top(app)->ops->pollfds(top(app), app, fds + 1 + nconn,
				MAX_POLLFDS - 1 - nconn);
		timeout = ms_to_next_second();
		if (app->conn) {
			int t = pgiam_conn_timeout_ms(app->conn);

			if (t >= 0 && t < timeout)
				timeout = t;
		}
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
		rc = ppoll(fds, 1 + nconn + nscreen, &ts, &wait_mask);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc < 0)
			continue;

		if (app->conn && pgiam_conn_advance(app->conn))
			dirty = 1;
		if (paste_lost_end(app, fds[0].revents & POLLIN))
			dirty = 1;
		if (show_cancel_outcome(app))
			dirty = 1;
		if (!done) {
			unsigned r = pgiam_mfa_renew_tick(app);

			if (r)
				dirty = 1;
			done = apply(app, r);
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;  /* the terminal went away */
		if (fds[0].revents & POLLIN) {
			wint_t ch = 0;
			int status;

			int nth = 0;

			while (!done && (status = get_wch(&ch)) != ERR) {
				unsigned r = 0;

				app->key_alone = nth++ == 0 && !more_input_now();
				r = handle_input(app, status, ch);

				if (r)
					dirty = 1;
				done = apply(app, r);
			}
		}
		if (!done && top(app) && top(app)->ops->tick) {
			unsigned r = 0;

			app->message_fresh = 0;
			r = top(app)->ops->tick(top(app), app);

			if (r)
				dirty = 1;
			done = apply(app, r);
		}
		if (time(NULL) != last_second) {
			last_second = time(NULL);
			dirty = 1;  /* countdowns move; curses sends only what changed */
		}
	}
	while (app->depth)
		close_top(app);
	pgiam_buf_dispose(&app->paste.text);
	restore_terminal();
	return 0;
}
