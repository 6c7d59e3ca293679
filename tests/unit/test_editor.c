/* test_editor.c - the SQL editor's model (ui/editor.h): a buffer of any length,
 * line moves that keep their column, word moves and kills, undo (typing coalesced,
 * a paste one step). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"

static void type(pgiam_editor *e, const char *s)
{
	for (; *s; s++)
		assert_int_equal(pgiam_editor_insert(e, s, 1, *s != '\n'), 0);
}

static void test_lines_and_moves(void **state)
{
	pgiam_editor e;
	int line, col;

	(void)state;
	pgiam_editor_init(&e);
	type(&e, "select a,\n  b\nfrom t;");
	assert_string_equal(pgiam_editor_text(&e), "select a,\n  b\nfrom t;");
	assert_int_equal(pgiam_editor_lines(&e), 3);
	pgiam_editor_cursor_pos(&e, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 7);
	assert_true(pgiam_editor_move_cursor(&e, PGIAM_EDITOR_UP));
	pgiam_editor_cursor_pos(&e, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);          /* the short line's end */
	assert_true(pgiam_editor_move_cursor(&e, PGIAM_EDITOR_UP));
	pgiam_editor_cursor_pos(&e, &line, &col);
	assert_int_equal(col, 7);          /* the goal column came back */
	assert_false(pgiam_editor_move_cursor(&e, PGIAM_EDITOR_UP));
	pgiam_editor_move_cursor(&e, PGIAM_EDITOR_LINE_START);
	pgiam_editor_move_cursor(&e, PGIAM_EDITOR_WORD_RIGHT);
	assert_int_equal(e.cursor, 6);
	pgiam_editor_move_cursor(&e, PGIAM_EDITOR_LINE_END);
	assert_int_equal(e.cursor, 9);
	pgiam_editor_move_cursor(&e, PGIAM_EDITOR_WORD_LEFT);
	assert_int_equal(e.cursor, 7);
	pgiam_editor_dispose(&e);
}

static void test_kills_and_undo(void **state)
{
	pgiam_editor e;

	(void)state;
	pgiam_editor_init(&e);
	type(&e, "select 1 from t");
	assert_true(pgiam_editor_delete(&e, PGIAM_EDITOR_WORD_BACK));
	assert_string_equal(pgiam_editor_text(&e), "select 1 from ");
	assert_true(pgiam_editor_undo(&e));
	assert_string_equal(pgiam_editor_text(&e), "select 1 from t");
	pgiam_editor_move_cursor(&e, PGIAM_EDITOR_LINE_START);
	assert_true(pgiam_editor_delete(&e, PGIAM_EDITOR_TO_LINE_END));
	assert_string_equal(pgiam_editor_text(&e), "");
	assert_true(pgiam_editor_undo(&e));
	/* the typing was one step: one more undo empties the buffer */
	assert_true(pgiam_editor_undo(&e));
	assert_string_equal(pgiam_editor_text(&e), "");
	assert_false(pgiam_editor_undo(&e));
	/* a paste is one step of its own */
	type(&e, "a");
	assert_int_equal(pgiam_editor_insert(&e, "b;\nc;", 5, 0), 0);
	assert_string_equal(pgiam_editor_text(&e), "ab;\nc;");
	assert_true(pgiam_editor_undo(&e));
	assert_string_equal(pgiam_editor_text(&e), "a");
	pgiam_editor_dispose(&e);
}

static void test_any_length(void **state)
{
	pgiam_editor e;
	size_t n = 100 * 1024;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	pgiam_editor_init(&e);
	assert_int_equal(pgiam_editor_insert(&e, big, n, 0), 0);
	assert_int_equal(pgiam_editor_len(&e), n);
	assert_int_equal(pgiam_editor_char_offset(&e, 0, 5), 4);
	free(big);
	pgiam_editor_dispose(&e);
}

/* F9 and EXPLAIN: the statement under the cursor, without its ';', as the core's
 * splitter finds it (a ';' inside a dollar quote does not end it). */
static void test_statement_at(void **state)
{
	pgiam_editor e;
	const char *sql = "select 1;\ncreate function f() returns int as $$ select 1; $$\n"
		"  language sql;\n-- only a comment\n";
	size_t start = 0, len = 0;

	(void)state;
	pgiam_editor_init(&e);
	assert_false(pgiam_editor_statement_at(&e, &start, &len));
	assert_int_equal(pgiam_editor_set(&e, sql, strlen(sql)), 0);
	/* at the end, after the comment: the last statement */
	assert_true(pgiam_editor_statement_at(&e, &start, &len));
	assert_int_equal(start, 10);
	assert_int_equal(len, strlen("create function f() returns int as $$ select 1; $$\n"
		"  language sql"));
	/* inside the first */
	e.cursor = 3;
	assert_true(pgiam_editor_statement_at(&e, &start, &len));
	assert_int_equal(start, 0);
	assert_int_equal(len, 8);
	/* inside the dollar quote, after its ';' */
	e.cursor = 10 + 48;
	assert_true(pgiam_editor_statement_at(&e, &start, &len));
	assert_int_equal(start, 10);
	/* an unterminated last statement keeps all of it */
	assert_int_equal(pgiam_editor_set(&e, "select 2", 8), 0);
	assert_true(pgiam_editor_statement_at(&e, &start, &len));
	assert_int_equal(len, 8);
	pgiam_editor_dispose(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_moves),
		cmocka_unit_test(test_kills_and_undo),
		cmocka_unit_test(test_any_length),
		cmocka_unit_test(test_statement_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
