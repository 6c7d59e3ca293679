/* app.h - the TUI application: its state, the screen stack, and the contract every
 * screen follows.
 *
 * A screen is an ops table (open, draw, handle an action or typed text, tick, close).
 * Handlers never draw: they change their model and return reaction flags (redraw,
 * quit, push or pop a screen); the loop (loop.c) applies them and draws the top
 * screen. Only drawing code (draw functions, draw.c, statusbar.c) calls curses output.
 */
#ifndef PGIAM_UI_APP_H
#define PGIAM_UI_APP_H

#include "actions.h"
#include "buf.h"
#include "colors.h"
#include "conn.h"
#include "eventlog.h"

#include <time.h>
#include <wchar.h>

/* Reaction flags returned by handlers. */
enum {
	PGIAM_REACT_NONE = 0,
	PGIAM_REACT_REDRAW = 1 << 0,
	PGIAM_REACT_QUIT = 1 << 1,
	PGIAM_REACT_POP = 1 << 2,   /* close the top screen */
	PGIAM_REACT_PUSH = 1 << 3,  /* open the screen requested with pgiam_app_push */
	PGIAM_REACT_UNHANDLED = 1 << 4,
	PGIAM_REACT_POP_UNDER = 1 << 5, /* with POP: close the screen below it too */
};

/* Smallest terminal the layout works in; smaller shows a message. */
#define PGIAM_MIN_COLS 60
#define PGIAM_MIN_ROWS 12

typedef struct pgiam_app pgiam_app;
typedef struct pgiam_screen pgiam_screen;

/* A rectangle of the terminal given to a screen's draw. */
typedef struct pgiam_rect {
	int y, x, h, w;
} pgiam_rect;

typedef struct pgiam_screen_ops {
	const char *title;
	pgiam_scope scopes[4];    /* tried in order, then GLOBAL */
	size_t nscopes;
	int text_input;           /* printable keys are text, not actions */
	/* Sets up s->data from arg; 0 or a negative error (the screen is not opened). */
	int (*open)(pgiam_screen *s, pgiam_app *app, void *arg);
	void (*draw)(pgiam_screen *s, pgiam_app *app, pgiam_rect body);
	unsigned (*action)(pgiam_screen *s, pgiam_app *app, pgiam_action a);
	unsigned (*text)(pgiam_screen *s, pgiam_app *app, wchar_t ch);   /* may be NULL */
	/* A bracketed paste, as ONE edit: UTF-8, line ends made '\n', other controls
	 * but tabs removed. Its newlines are text, never Enter. NULL: the screen takes
	 * no text and the paste is dropped with a message (a pasted 'y' must not
	 * answer a question). */
	unsigned (*paste)(pgiam_screen *s, pgiam_app *app, const char *text, size_t len);
	unsigned (*tick)(pgiam_screen *s, pgiam_app *app);             /* may be NULL */
	/* Re-reads what the screen shows when it is on top again (may be NULL). */
	unsigned (*resume)(pgiam_screen *s, pgiam_app *app);
	void (*close)(pgiam_screen *s, pgiam_app *app);
	/* Descriptors the screen's own background work wants polled (may be NULL). */
	size_t (*pollfds)(pgiam_screen *s, pgiam_app *app, struct pollfd *fds, size_t max);
	/* Where the cursor goes (a text field), or 0 to hide it. */
	int (*cursor)(pgiam_screen *s, pgiam_app *app, pgiam_rect body, int *y, int *x);
} pgiam_screen_ops;

struct pgiam_screen {
	const pgiam_screen_ops *ops;
	void *data;
	const char *title;        /* set by open to override ops->title; lent by data */
};

#define PGIAM_SCREEN_STACK 8

/* The most of one paste that is kept; no screen holds more than this. */
#define PGIAM_PASTE_MAX (1024 * 1024)

struct pgiam_app {
	char *profiles_dir;          /* NULL: the core's default */
	char *start_profile;         /* --profile NAME: connect at once */
	long token_age;              /* --token-age SECONDS (see pgiam_conn_start) */
	int demo;                    /* --demo: the reference INSERT in the SQL history */
	pgiam_screen stack[PGIAM_SCREEN_STACK];
	size_t depth;
	const pgiam_screen_ops *push_ops;  /* requested by pgiam_app_push */
	void *push_arg;
	int rows, cols;
	char message[400];           /* the message line; "" for the default hints */
	pgiam_role message_role;
	time_t message_until;
	int message_fresh;           /* set by the handler now running: kept on a screen change */
	int key_alone;               /* the key being handled came alone: no input right
	                              * before or behind it in the same read (a person's
	                              * keystroke, not a paste or type-ahead) */
	struct {
		int active;              /* between ESC[200~ and ESC[201~ */
		pgiam_buf text;          /* what arrived so far (wiped: it may be a secret) */
		size_t dropped;          /* bytes past PGIAM_PASTE_MAX */
		int last_cr;             /* the last character was CR (CR LF is one line end) */
		time_t last_at;          /* when its last byte came (a lost end marker) */
	} paste;
	pgiam_eventlog log;
	pgiam_conn *conn;            /* NULL when not connected */
	int full_redraw;
	char select_profile[80];     /* the home screen selects it when shown again */
	struct {
		char name[80];
		char result[64];         /* "ok 0.4 s", "FAIL 5 TLS" */
	} checks[32];                /* last check result per profile, this run */
	size_t nchecks;
};

/* Asks the loop to open ops with arg; returns PGIAM_REACT_PUSH for the handler to
 * return. */
unsigned pgiam_app_push(pgiam_app *app, const pgiam_screen_ops *ops, void *arg);

/* Shows a one-line message (sanitised when drawn) for a few seconds. A screen change
 * clears it, unless it was set by the handler that changes the screen ("saved
 * profile x" shows on the list the form returns to, not on the screen after that). */
void pgiam_app_message(pgiam_app *app, pgiam_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the status bar is shown (a connection exists). */
int pgiam_app_connected(const pgiam_app *app);

/* The screens. */
extern const pgiam_screen_ops pgiam_screen_profiles;
extern const pgiam_screen_ops pgiam_screen_form;
extern const pgiam_screen_ops pgiam_screen_help;
extern const pgiam_screen_ops pgiam_screen_log;
extern const pgiam_screen_ops pgiam_screen_text;
extern const pgiam_screen_ops pgiam_screen_confirm;
extern const pgiam_screen_ops pgiam_screen_connect;
extern const pgiam_screen_ops pgiam_screen_sql;
extern const pgiam_screen_ops pgiam_screen_browse;
extern const pgiam_screen_ops pgiam_screen_prompt;
extern const pgiam_screen_ops pgiam_screen_mfa;
extern const pgiam_screen_ops pgiam_screen_work;   /* the workbench (screen_work.c) */

/* The workbench's panes (a pane is a screen's ops drawn into a part of the body). */
extern const pgiam_screen_ops pgiam_pane_tree;     /* pane_tree.c */
extern const pgiam_screen_ops pgiam_pane_rows;     /* screen_browse.c: the rows view */
/* Shows the rows of schema.table in the rows pane s (a read; nothing is written). */
unsigned pgiam_pane_rows_show(pgiam_screen *s, pgiam_app *app, const char *schema,
	const char *table);
/* The structure of schema.table from the rows pane (its rows shown first when it
 * showed another table). */
unsigned pgiam_pane_rows_structure(pgiam_screen *s, pgiam_app *app, const char *schema,
	const char *table);
/* 1 while the rows pane waits for a read of its own. */
int pgiam_pane_rows_pending(const pgiam_screen *s);
/* What the tree asked for on its selected relation (Enter: its rows, s: its structure,
 * P: the probe), once: the action (NONE when nothing) and the relation. */
pgiam_action pgiam_pane_tree_take_open(pgiam_screen *s, char *schema, size_t slen,
	char *name, size_t nlen);
/* 1 while the tree reads or filters (typed text goes to its filter). */
int pgiam_pane_tree_pending(const pgiam_screen *s);
int pgiam_pane_tree_filtering(const pgiam_screen *s);

/* Argument of pgiam_screen_mfa (owned by the screen that opens it). */
typedef struct pgiam_mfa_arg {
	char profile[80];
	char serial[512];
	int entered;                 /* set when a code was given to the core */
	int asked;                   /* the dialog was opened for this connect */
	int renew;                   /* F12: for the connection's role session (app->conn),
	                                which is assumed again with the code */
	int refused;                 /* … because a reconnect could not use it (ended,
	                                revoked), whatever its countdown says */
} pgiam_mfa_arg;
/* F12 (screen_mfa.c): the dialog that renews the role session of an MFA profile. */
unsigned pgiam_mfa_renew_open(pgiam_app *app);
/* After the connection advanced: a renewal's outcome as a message, and the dialog
 * opened when a reconnect failed for want of a code. Reaction flags. */
unsigned pgiam_mfa_renew_tick(pgiam_app *app);
extern const pgiam_screen_ops pgiam_screen_result;   /* arg: the SQL screen's resultview */
extern const pgiam_screen_ops pgiam_screen_export_prompt;
extern const pgiam_screen_ops pgiam_screen_grants;

/* Argument of pgiam_screen_text: a titled, scrollable text (lines split on '\n').
 * The screen takes ownership of body (freed with free()). */
typedef struct pgiam_text_arg {
	const char *title;
	char *body;
} pgiam_text_arg;

/* Argument of pgiam_screen_prompt: a one-line question. text is the starting text
 * and, when answered (Enter), the answer; Esc leaves both as they were. */
#define PGIAM_PROMPT_MAX 2048
typedef struct pgiam_prompt_arg {
	const char *title, *label, *hint;
	char text[PGIAM_PROMPT_MAX];
	int answered;
} pgiam_prompt_arg;

/* Argument of pgiam_screen_form. */
enum { PGIAM_FORM_ADD, PGIAM_FORM_EDIT, PGIAM_FORM_DUPLICATE };
typedef struct pgiam_form_arg {
	int mode;
	char name[80];               /* the profile to edit or duplicate */
} pgiam_form_arg;

/* Argument of pgiam_screen_confirm: the question and what a "yes" does. */
typedef struct pgiam_confirm_arg {
	char question[600];
	unsigned (*yes)(pgiam_app *app, void *ctx);
	void *ctx;
} pgiam_confirm_arg;

/* The user's open transaction (txnguard.c). The question "WHAT?" into out, naming
 * the open transaction that a yes rolls back; 1 when one is open. */
int pgiam_txnguard_question(pgiam_app *app, char *out, size_t outlen, const char *what);
/* F10: quits, or asks first when a transaction is open. */
unsigned pgiam_txnguard_quit(pgiam_app *app);
/* Shows what the connection reported on its own (a transaction lost with it). */
unsigned pgiam_txnguard_tick(pgiam_app *app);

/* The read-only demo's statement (the reference walkthrough's INSERT), one Up away at
 * the SQL prompt with --demo (docs/demo.md). */
#define PGIAM_DEMO_INSERT "INSERT INTO customers (name, email, age) VALUES " \
	"('Alice Johnson', 'alice.johnson@example.com', 28)"

/* F8 (readonly.c): asks, then switches the session between read-only and read-write. */
unsigned pgiam_readonly_toggle(pgiam_app *app);

/* The probe of one table (screen_probe.c): schema and table unquoted names. */
extern const pgiam_screen_ops pgiam_screen_probe;
typedef struct pgiam_probe_arg {
	char schema[256], table[256];
} pgiam_probe_arg;

/* EXPLAIN (screen_plan.c): F4 and Ctrl-T at the SQL prompt on sql[0..len) (the
 * statement under the cursor); ANALYZE of a writing statement asks first. */
extern const pgiam_screen_ops pgiam_screen_plan;
unsigned pgiam_plan_start(pgiam_app *app, const char *sql, size_t len, int analyze);

/* Runs the loop until quit; returns the exit status. */
int pgiam_loop_run(pgiam_app *app);

/* Out of memory in the UI: restores the terminal, says so, exits (htop's fail()). */
void pgiam_ui_fail(const char *what) __attribute__((noreturn));
void *pgiam_xcalloc(size_t n, size_t size);
char *pgiam_xstrdup(const char *s);

#endif
