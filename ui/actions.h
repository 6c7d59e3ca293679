/* actions.h - every key of the TUI, declared once: a named action, the scope where it
 * applies, its help text and its default keys. The key dispatch (actions.c), the help
 * screen (screen_help.c), `pgiam --help-keys` and docs/tui.md are all generated from
 * this one table, so they cannot drift apart.
 */
#ifndef PGIAM_UI_ACTIONS_H
#define PGIAM_UI_ACTIONS_H

#include <curses.h>
#include <stdio.h>

#define PGIAM_CTRL(c) ((c) & 0x1f)
#define PGIAM_KEY_ESC 27
/* Keys made of an ESC prefix or a sequence ncurses has no code for (keys.c decodes
 * them): Alt-Enter (ESC CR), Ctrl-Enter (CSI 13;5u, CSI 27;5;13~), Alt-letter (ESC x,
 * folded to lower case). Far above ncurses' own codes. */
#define PGIAM_KEY_ALT_ENTER (KEY_MAX + 1002)
#define PGIAM_KEY_CTRL_ENTER (KEY_MAX + 1003)
#define PGIAM_KEY_ALT(c) (KEY_MAX + 1100 + (c))

/* Scopes, in the order the help screen shows them: id, title. */
#define PGIAM_SCOPES(_) \
	_(GLOBAL,   "Everywhere") \
	_(LIST,     "Lists and text views") \
	_(PROFILES, "Profiles (home screen)") \
	_(FORM,     "Profile form") \
	_(EDIT,     "Text fields (form and SQL editor)") \
	_(CONNECT,  "Connecting") \
	_(RESULT,   "Result grid (F6 from the SQL editor)") \
	_(PROMPT,   "One-line prompts (export file name)") \
	_(WORKBENCH, "Workbench (after connecting: the schema tree, the rows, the SQL editor)") \
	_(TREE,     "Workbench: the schema tree") \
	_(WINDOW,   "Workbench: after Ctrl-W (vim-like: the pane in that direction)") \
	_(SQL,      "Connected: SQL editor") \
	_(BROWSE,   "Browser and the workbench's rows pane (schemas, tables, rows)") \
	_(PLAN,     "EXPLAIN plan (Alt-E, Alt-Shift-E from the SQL editor)") \
	_(CONFIRM,  "Questions") \
	_(MFA,      "MFA code dialog") \
	_(HISTSEARCH, "History search (Ctrl-R at the SQL prompt)") \
	_(COMPLETE, "Completion list (Tab at the SQL prompt)")

/* id, scope, help text, up to four keys (0 = none). Keys are curses key codes. */
#define PGIAM_ACTIONS(_) \
	_(HELP,        GLOBAL,   "Show this help: every key, by screen", '?', KEY_F(1), 0, 0) \
	_(QUIT,        GLOBAL,   "Quit pgiam (the terminal is restored); in a text view (help, log, check, policy) close it, as in a pager", 'q', KEY_F(10), 0, 0) \
	_(BACK,        GLOBAL,   "Go back; cancels the running operation first", PGIAM_KEY_ESC, 0, 0, 0) \
	_(CANCEL,      GLOBAL,   "Cancel the running operation; in the SQL editor clear a half-typed buffer (Up brings it back); otherwise back (quits on the home screen)", PGIAM_CTRL('c'), 0, 0, 0) \
	_(LOG,         GLOBAL,   "Show the event log (roles assumed, tokens signed, reconnects)", 'L', KEY_F(3), 0, 0) \
	_(REDRAW,      GLOBAL,   "Redraw the whole screen", PGIAM_CTRL('l'), 0, 0, 0) \
	_(GRANTS,      GLOBAL,   "When connected: what the role may do and through which role (IAM side, memberships, table x privilege matrix: pgiam grants)", KEY_F(7), 0, 0, 0) \
	_(RENEW,       GLOBAL,   "Renew the role session of a profile whose role needs MFA (mfa_serial): the MFA dialog, then the role is assumed again with the code (Esc leaves the session as it is). The status bar says when the session ends within 5 minutes; a reconnect that needs a code opens the dialog itself", KEY_F(12), 0, 0, 0) \
	_(READ_ONLY,   GLOBAL,   "Connected: switch the session between read-only and read-write without reconnecting (asks; refused while a transaction is open). Read-only is a guard the session can lift; the role's grants are the real limit", KEY_F(8), 0, 0, 0) \
	_(UP,          LIST,     "Move up one line", KEY_UP, 'k', 0, 0) \
	_(DOWN,        LIST,     "Move down one line", KEY_DOWN, 'j', 0, 0) \
	_(PAGE_UP,     LIST,     "Move up one page", KEY_PPAGE, 0, 0, 0) \
	_(PAGE_DOWN,   LIST,     "Move down one page", KEY_NPAGE, ' ', 0, 0) \
	_(FIRST,       LIST,     "Go to the first line", KEY_HOME, 'g', 0, 0) \
	_(LAST,        LIST,     "Go to the last line", KEY_END, 'G', 0, 0) \
	_(CONNECT,     PROFILES, "Connect with the selected profile", '\n', '\r', KEY_ENTER, 0) \
	_(ADD,         PROFILES, "Add a profile (a form validated as you type)", 'a', 0, 0, 0) \
	_(EDIT,        PROFILES, "Edit the selected profile", 'e', 0, 0, 0) \
	_(DUPLICATE,   PROFILES, "Duplicate (copy) the selected profile into a new one", 'c', 0, 0, 0) \
	_(DELETE,      PROFILES, "Delete the selected profile (asks first)", 'd', KEY_DC, 0, 0) \
	_(CHECK,       PROFILES, "Test the whole chain step by step (pgiam check)", 't', 0, 0, 0) \
	_(POLICY,      PROFILES, "Show the IAM policy, trust policy and SQL the profile needs", 'p', 0, 0, 0) \
	_(RELOAD,      PROFILES, "Reload the profiles from disk", 'r', 0, 0, 0) \
	_(PROBLEMS,    PROFILES, "Show every problem of the selected profile, whole", 'i', 0, 0, 0) \
	_(FIELD_NEXT,  FORM,     "Next field", '\t', KEY_DOWN, '\n', '\r') \
	_(FIELD_PREV,  FORM,     "Previous field", KEY_BTAB, KEY_UP, 0, 0) \
	_(SAVE,        FORM,     "Save the profile (refused while a field has an error)", PGIAM_CTRL('s'), KEY_F(2), 0, 0) \
	_(REVEAL,      FORM,     "Show or mask the external ID", PGIAM_CTRL('r'), 0, 0, 0) \
	_(CURSOR_LEFT, EDIT,     "Cursor left", KEY_LEFT, PGIAM_CTRL('b'), 0, 0) \
	_(CURSOR_RIGHT, EDIT,    "Cursor right", KEY_RIGHT, PGIAM_CTRL('f'), 0, 0) \
	_(LINE_START,  EDIT,     "Cursor to the start of the text (in the SQL editor: of the line)", KEY_HOME, PGIAM_CTRL('a'), 0, 0) \
	_(LINE_END,    EDIT,     "Cursor to the end of the text (in the SQL editor: of the line)", KEY_END, PGIAM_CTRL('e'), 0, 0) \
	_(DEL_BACK,    EDIT,     "Delete the character before the cursor", KEY_BACKSPACE, 127, 8, 0) \
	_(DEL_FWD,     EDIT,     "Delete the character under the cursor", KEY_DC, PGIAM_CTRL('d'), 0, 0) \
	_(DEL_LINE,    EDIT,     "Clear the text", PGIAM_CTRL('u'), 0, 0, 0) \
	_(RETRY,       CONNECT,  "Try connecting again", 'r', 0, 0, 0) \
	_(RUN,         SQL,      "psql's rule: when the buffer ends with a complete statement and its ';' (outside quotes, dollar quotes, comments and parentheses), send it as one query and clear it (Up recalls it; a failed buffer comes back); otherwise insert a line break. One query runs its statements in one implicit transaction unless they open their own, as psql -c does: an error undoes the ones before it (Alt-X runs them one by one). While a statement runs, a complete buffer is queued (it runs if that one succeeds)", '\n', '\r', KEY_ENTER, 0) \
	_(BROWSE,      SQL,      "Browse schemas and tables (keyset paging: any table size, constant memory)", KEY_F(5), 0, 0, 0) \
	_(HISTORY_PREV, SQL,     "Recall the previous statement (Up on the buffer's first line; on another line it moves up); what was typed is kept", KEY_UP, PGIAM_CTRL('p'), 0, 0) \
	_(HISTORY_NEXT, SQL,     "Recall the next statement, then what was being typed (Down on the buffer's last line; on another line it moves down)", KEY_DOWN, PGIAM_CTRL('n'), 0, 0) \
	_(OPEN,        BROWSE,   "Open the selected schema or table; on a row, show the whole record", '\n', '\r', KEY_ENTER, 0) \
	_(NEXT_PAGE,   BROWSE,   "Rows: the next page (keyset: after the last key shown)", KEY_NPAGE, ' ', 0, 0) \
	_(PREV_PAGE,   BROWSE,   "Rows: the previous page (before the first key shown)", KEY_PPAGE, 0, 0, 0) \
	_(FIRST_PAGE,  BROWSE,   "Rows: the first page", KEY_HOME, 'g', 0, 0) \
	_(LAST_PAGE,   BROWSE,   "Rows: the last page (read backwards on the key)", KEY_END, 'G', 0, 0) \
	_(SCROLL_LEFT, BROWSE,   "Rows: scroll the columns left", KEY_LEFT, 'h', 0, 0) \
	_(SCROLL_RIGHT, BROWSE,  "Rows: scroll the columns right", KEY_RIGHT, 'l', 0, 0) \
	_(REFRESH,     BROWSE,   "Read the list or the page again", 'r', KEY_F(5), 0, 0) \
	_(RESULTS,     SQL,      "Focus the result grid: move by cell, End to the last row, view, copy and export cells", KEY_F(6), 0, 0, 0) \
	_(RUN_STATEMENT, SQL,    "Run the statement under the cursor, with or without its ';' (the buffer stays as it is)", KEY_F(9), PGIAM_KEY_ALT_ENTER, PGIAM_KEY_CTRL_ENTER, 0) \
	_(RUN_ALL,     SQL,      "Run the whole buffer statement by statement, with or without the last ';', stopping at the first error (its number and first line are shown); the buffer stays", PGIAM_KEY_ALT('x'), 0, 0, 0) \
	_(COMMIT,      SQL,      "Commit the open transaction (sends COMMIT; the status bar shows what the server reports)", PGIAM_KEY_ALT('c'), 0, 0, 0) \
	_(ROLLBACK,    SQL,      "Roll back the open transaction (sends ROLLBACK)", PGIAM_KEY_ALT('r'), 0, 0, 0) \
	_(AUTOCOMMIT,  SQL,      "Switch autocommit off or on (on by default; a profile's autocommit = false starts it off): off, a statement run outside a transaction is preceded by BEGIN, as psql's AUTOCOMMIT off; Alt-C or Alt-R ends it", PGIAM_KEY_ALT('a'), 0, 0, 0) \
	_(UNDO,        SQL,      "Undo the last edit (typed characters are one step, a paste one)", PGIAM_CTRL('z'), PGIAM_CTRL('_'), 0, 0) \
	_(KILL_TO_END, SQL,      "Delete to the end of the line (at its end: join the next line)", PGIAM_CTRL('k'), 0, 0, 0) \
	_(KILL_TO_START, SQL,    "Delete to the start of the line (at its start: join the previous line)", PGIAM_CTRL('u'), 0, 0, 0) \
	_(WORD_RUBOUT, SQL,      "Delete the word before the cursor", PGIAM_CTRL('w'), 0, 0, 0) \
	_(WORD_LEFT,   SQL,      "Cursor to the start of the word", PGIAM_KEY_ALT('b'), 0, 0, 0) \
	_(WORD_RIGHT,  SQL,      "Cursor to the end of the word", PGIAM_KEY_ALT('f'), 0, 0, 0) \
	_(TEXT_START,  SQL,      "Cursor to the start of the buffer", PGIAM_KEY_ALT('<'), 0, 0, 0) \
	_(TEXT_END,    SQL,      "Cursor to the end of the buffer", PGIAM_KEY_ALT('>'), 0, 0, 0) \
	_(CELL_LEFT,   RESULT,   "The cell to the left (the columns scroll; the first column stays)", KEY_LEFT, 'h', 0, 0) \
	_(CELL_RIGHT,  RESULT,   "The cell to the right", KEY_RIGHT, 'l', 0, 0) \
	_(CELL_VIEW,   RESULT,   "Show the current cell whole (JSON pretty-printed, arrays a line an element, bytea as hex)", '\n', '\r', KEY_ENTER, 0) \
	_(CELL_COPY,   RESULT,   "Copy the current cell to the terminal's clipboard (OSC 52)", 'y', 0, 0, 0) \
	_(EXPORT,      RESULT,   "Export the whole result to a file (csv, tsv, json, jsonl by its name; Esc stops)", 'e', 0, 0, 0) \
	_(NEXT_SET,    RESULT,   "The next result set of a script", '\t', ']', 0, 0) \
	_(PREV_SET,    RESULT,   "The previous result set of a script", KEY_BTAB, '[', 0, 0) \
	_(PROMPT_OK,   PROMPT,   "Accept the prompt", '\n', '\r', KEY_ENTER, 0) \
	_(PROBE,       BROWSE,   "Tables: probe the selected table: try SELECT, INSERT, UPDATE, DELETE touching no row, in BEGIN … ROLLBACK (nothing is changed)", 'P', 0, 0, 0) \
	_(STRUCTURE,   BROWSE,   "The selected table's structure: columns, indexes, constraints (foreign keys with their target), triggers, partitions, privileges, the tables pointing at it, the DDL", 's', 0, 0, 0) \
	_(FOLLOW,      BROWSE,   "Rows: follow the foreign key of the current column to the row it points at (Esc comes back; the title shows the way)", 'f', 0, 0, 0) \
	_(REFERENCED_BY, BROWSE, "Rows: the tables whose foreign keys point at the selected row, with how many of their rows do (counted up to 1000 where an index makes it cheap, else estimated, and why); Enter opens one filtered to those rows (Esc comes back)", 'R', 0, 0, 0) \
	_(SORT,        BROWSE,   "Rows: sort by the current column, by the server (ascending, descending, off); keyset on (column, key)", 'o', 0, 0, 0) \
	_(FILTER,      BROWSE,   "Rows: filter with a WHERE clause, sent as written (an invalid one shows the server's error and keeps the rows); empty: no filter", 'w', 0, 0, 0) \
	_(FIND,        BROWSE,   "Rows: find text in the page shown", '/', 0, 0, 0) \
	_(FIND_NEXT,   BROWSE,   "Rows: the next row with the text found", 'n', 0, 0, 0) \
	_(FIND_PREV,   BROWSE,   "Rows: the previous row with the text found", 'N', 0, 0, 0) \
	_(SEARCH,      BROWSE,   "Rows: search the whole table on the server (any column's text, ILIKE, paged); empty: no search", 'F', 0, 0, 0) \
	_(FOCUS_NEXT,  WORKBENCH, "The next pane (tree, rows, SQL editor), also from the SQL editor's pane; stacked on a narrow terminal: show it", '\t', 0, 0, 0) \
	_(FOCUS_PREV,  WORKBENCH, "The previous pane", KEY_BTAB, 0, 0, 0) \
	_(WINDOW,      WORKBENCH, "Ctrl-W then an arrow (or h j k l): the pane in that direction, as in vim (in the SQL editor's pane too; full screen, Ctrl-W deletes a word)", PGIAM_CTRL('w'), 0, 0, 0) \
	_(FULL_BROWSER, WORKBENCH, "The browser full screen (schemas, tables, rows), as F5 from the SQL editor", KEY_F(5), 0, 0, 0) \
	_(EDITOR,      WORKBENCH, "The SQL editor, full screen, with all of its own keys (there Tab completes and Ctrl-W deletes a word); F4 again or Shift-Tab: back to the panes", KEY_F(4), 0, 0, 0) \
	_(WIN_LEFT,    WINDOW,   "The pane to the left", KEY_LEFT, 'h', 0, 0) \
	_(WIN_RIGHT,   WINDOW,   "The pane to the right", KEY_RIGHT, 'l', 0, 0) \
	_(WIN_UP,      WINDOW,   "The pane above", KEY_UP, 'k', 0, 0) \
	_(WIN_DOWN,    WINDOW,   "The pane below", KEY_DOWN, 'j', 0, 0) \
	_(TREE_OPEN,   TREE,     "On a schema: unfold or fold it; on a relation: its rows in the rows pane (nothing is written)", '\n', '\r', KEY_ENTER, 0) \
	_(UNFOLD,      TREE,     "Unfold the schema or partitioned table (its partitions)", KEY_RIGHT, '+', 'l', 0) \
	_(FOLD,        TREE,     "Fold it; on an entry inside, go to the one it is in", KEY_LEFT, '-', 'h', 0) \
	_(TREE_FILTER, TREE,     "Filter the tree as you type (names holding the text, any case; unfolded schemas); Enter keeps it, Esc clears it", '/', 0, 0, 0) \
	_(TREE_REFRESH, TREE,    "Read the schemas again", 'r', 0, 0, 0) \
	_(TREE_STRUCTURE, TREE,  "The selected table's structure (its rows shown in the rows pane too), as s on the rows", 's', 0, 0, 0) \
	_(TREE_PROBE,  TREE,     "Probe the selected table (SELECT, INSERT, UPDATE, DELETE touching no row, in BEGIN … ROLLBACK: nothing is changed), as P in the browser", 'P', 0, 0, 0) \
	_(EXPLAIN,     SQL,      "EXPLAIN the statement: its plan as a tree with the planner's cost and rows (nothing is executed)", PGIAM_KEY_ALT('e'), 0, 0, 0) \
	_(EXPLAIN_ANALYZE, SQL,  "EXPLAIN (ANALYZE, BUFFERS): runs the statement inside BEGIN … ROLLBACK (a savepoint in an open transaction) for actual rows, time, buffers, the slowest node; asks first when it writes", PGIAM_KEY_ALT('E'), 0, 0, 0) \
	_(PLAN_NODE,   PLAN,     "Show the selected node's every figure, condition and filter", '\n', '\r', KEY_ENTER, 0) \
	_(YES,         CONFIRM,  "Answer yes", 'y', 'Y', 0, 0) \
	_(NO,          CONFIRM,  "Answer no", 'n', 'N', 0, 0) \
	_(HISTORY_SEARCH, SQL,   "Search the statements of every run, newest first, as you type (like readline's Ctrl-R)", PGIAM_CTRL('r'), 0, 0, 0) \
	_(COMPLETE,    SQL,      "Complete the keyword, schema, table or column name before the cursor (several: a list)", '\t', 0, 0, 0) \
	_(COMPLETE_REFRESH, SQL, "Read the catalog again for completion (also done after a CREATE, ALTER or DROP)", PGIAM_CTRL('t'), 0, 0, 0) \
	_(SEARCH_OLDER, HISTSEARCH, "The next older statement that matches", PGIAM_CTRL('r'), 0, 0, 0) \
	_(SEARCH_ACCEPT, HISTSEARCH, "Put the match into the editor (it does not run)", '\n', '\r', KEY_ENTER, KEY_RIGHT) \
	_(SEARCH_ACCEPT_EDIT, HISTSEARCH, "Put the match into the editor, cursor at its start", KEY_LEFT, KEY_UP, KEY_DOWN, 0) \
	_(SEARCH_ERASE, HISTSEARCH, "Delete the last character of the search", KEY_BACKSPACE, 127, 8, 0) \
	_(SEARCH_PROFILE, HISTSEARCH, "Only this profile's statements, or every profile's", PGIAM_CTRL('p'), 0, 0, 0) \
	_(SEARCH_CANCEL, HISTSEARCH, "Stop searching: the editor keeps what was typed", PGIAM_KEY_ESC, PGIAM_CTRL('g'), 0, 0) \
	_(COMPLETE_NEXT, COMPLETE, "The next candidate", '\t', KEY_DOWN, 0, 0) \
	_(COMPLETE_PREV, COMPLETE, "The previous candidate", KEY_BTAB, KEY_UP, 0, 0) \
	_(COMPLETE_ACCEPT, COMPLETE, "Insert the selected candidate", '\n', '\r', KEY_ENTER, 0) \
	_(COMPLETE_CLOSE, COMPLETE, "Close the list (what was typed stays)", PGIAM_KEY_ESC, PGIAM_CTRL('g'), 0, 0) \
	_(MFA_SUBMIT,  MFA,      "Send the MFA code (six digits): connect, or assume the role again (F12)", '\n', '\r', KEY_ENTER, 0)

typedef enum {
#define PGIAM_SCOPE_ENUM_(id, title) PGIAM_SCOPE_##id,
	PGIAM_SCOPES(PGIAM_SCOPE_ENUM_)
#undef PGIAM_SCOPE_ENUM_
	PGIAM_SCOPE__COUNT
} pgiam_scope;

typedef enum {
	PGIAM_ACTION_NONE = 0,
#define PGIAM_ACTION_ENUM_(id, scope, help, k1, k2, k3, k4) PGIAM_ACTION_##id,
	PGIAM_ACTIONS(PGIAM_ACTION_ENUM_)
#undef PGIAM_ACTION_ENUM_
	PGIAM_ACTION__COUNT
} pgiam_action;

typedef struct pgiam_action_info {
	const char *name;   /* "connect" */
	pgiam_scope scope;
	const char *help;
	int keys[4];
} pgiam_action_info;

/* The table entry of an action (NULL for NONE). */
const pgiam_action_info *pgiam_action_get(pgiam_action a);

/* The action bound to key in the first of the scopes (tried in order) that binds it;
 * GLOBAL is always tried last. NONE when the key means nothing there. */
pgiam_action pgiam_action_lookup(int key, const pgiam_scope *scopes, size_t nscopes);

const char *pgiam_scope_title(pgiam_scope s);

/* A key's name as shown in help: "q", "Enter", "Ctrl-C", "F1", "PgUp". */
void pgiam_key_label(char *out, size_t outlen, int key);

/* The keys of an action as "q, F10". */
void pgiam_action_keys_label(char *out, size_t outlen, pgiam_action a);

/* Prints the table as Markdown (pgiam --help-keys; docs/tui.md is made from it). */
void pgiam_actions_print_markdown(FILE *out);

#endif
