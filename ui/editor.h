/* editor.h - the SQL editor: a multi-line buffer of any length with the usual keys
 * (readline/emacs moves, kills, undo), a self-contained component that draws into the
 * rectangle it is given (editor_draw.c), so a screen or a pane of a layout can hold
 * one. The model here draws nothing (unit-tested in tests/unit/test_editor.c);
 * statement splitting and the lexer for highlighting are the core's (sqlsplit.h).
 *
 * Text is UTF-8 as typed or pasted; the cursor is a byte offset on a character
 * boundary. An edit is one undo step; consecutive typed characters are one step, a
 * paste is always its own.
 */
#ifndef PGIAM_UI_EDITOR_H
#define PGIAM_UI_EDITOR_H

#include "buf.h"

#include <stddef.h>

#define PGIAM_EDITOR_UNDO_MAX 200

typedef struct pgiam_editor_snap {
	char *text;
	size_t len, cursor;
} pgiam_editor_snap;

typedef struct pgiam_editor {
	pgiam_buf text;
	size_t cursor;
	int goal_col;              /* column Up/Down aim for (-1: the cursor's) */
	int top;                   /* first line shown (kept by the draw) */
	int left;                  /* first column shown */
	long error_at;             /* byte offset of the server's error position, -1 none */
	pgiam_editor_snap undo[PGIAM_EDITOR_UNDO_MAX];
	size_t nundo;
	int typing;                /* the last edit was a typed character (coalesced) */
} pgiam_editor;

void pgiam_editor_init(pgiam_editor *e);
void pgiam_editor_dispose(pgiam_editor *e);

const char *pgiam_editor_text(const pgiam_editor *e);
size_t pgiam_editor_len(const pgiam_editor *e);

/* Replaces the whole text (a recalled statement, a draft), cursor at the end; one
 * undo step. */
int pgiam_editor_set(pgiam_editor *e, const char *text, size_t len);
/* Inserts at the cursor. typed: a typed character (coalesced into one undo step with
 * the characters typed before it); else a paste or a newline, one step of its own. */
int pgiam_editor_insert(pgiam_editor *e, const char *text, size_t len, int typed);

typedef enum pgiam_editor_move {
	PGIAM_EDITOR_LEFT, PGIAM_EDITOR_RIGHT,
	PGIAM_EDITOR_UP, PGIAM_EDITOR_DOWN,
	PGIAM_EDITOR_LINE_START, PGIAM_EDITOR_LINE_END,
	PGIAM_EDITOR_WORD_LEFT, PGIAM_EDITOR_WORD_RIGHT,
	PGIAM_EDITOR_START, PGIAM_EDITOR_END
} pgiam_editor_move;

/* Moves the cursor; 0 when it could not move (Up on the first line: the caller may
 * walk the history instead). */
int pgiam_editor_move_cursor(pgiam_editor *e, pgiam_editor_move m);

typedef enum pgiam_editor_kill {
	PGIAM_EDITOR_DEL_BACK,     /* Backspace */
	PGIAM_EDITOR_DEL_FWD,      /* Delete, Ctrl-D */
	PGIAM_EDITOR_WORD_BACK,    /* Ctrl-W: the word before the cursor */
	PGIAM_EDITOR_TO_LINE_END,  /* Ctrl-K (at a line's end: joins the next line) */
	PGIAM_EDITOR_TO_LINE_START,/* Ctrl-U (at a line's start: joins the previous) */
	PGIAM_EDITOR_ALL
} pgiam_editor_kill;

/* Deletes; 0 when there was nothing to delete. One undo step. */
int pgiam_editor_delete(pgiam_editor *e, pgiam_editor_kill k);

/* Undoes the last edit; 0 when there is none. */
int pgiam_editor_undo(pgiam_editor *e);

/* The cursor's line and column (0-based; the column in display columns) and the
 * number of lines. */
void pgiam_editor_cursor_pos(const pgiam_editor *e, int *line, int *col);
int pgiam_editor_lines(const pgiam_editor *e);
/* Byte offset of the start of line n (clamped to the last line). */
size_t pgiam_editor_line_offset(const pgiam_editor *e, int n);

/* The byte offset of character position (1-based, as the server reports it) of the
 * statement that starts at byte stmt_start; for marking an error. */
size_t pgiam_editor_char_offset(const pgiam_editor *e, size_t stmt_start, int position);

/* The identifier being typed before the cursor (for completion): its start offset;
 * equal to the cursor when there is none. A qualifier ("schema.") stays outside. */
size_t pgiam_editor_word_start(const pgiam_editor *e);

/* The statement under the cursor, as the core's splitter finds it
 * (pgiam_sql_at_cursor: the one containing the cursor, or the one just ended with
 * ';' when the cursor is between statements): bytes [*start, *start + *len) of the
 * text, without its terminating ';'. 1 when there is one, 0 for a blank text (only
 * white space and comments). For F9 (run it) and EXPLAIN. */
int pgiam_editor_statement_at(const pgiam_editor *e, size_t *start, size_t *len);

#endif
