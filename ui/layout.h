/* layout.h - how the width of the terminal is shared between columns. Screens
 * measure their texts with pgiam_width_of (width.h) and ask here how wide each
 * column may be, so spare width goes where a text needs it instead of to a fixed
 * favourite. Pure arithmetic, no curses: unit-tested (tests/unit/test_layout.c).
 */
#ifndef PGIAM_UI_LAYOUT_H
#define PGIAM_UI_LAYOUT_H

#include <stddef.h>

/* A column of a list: the width its longest text needs (header included), the
 * width below which it is not worth showing, when it goes on a narrow terminal
 * (0: never; otherwise columns go in increasing order of drop), and whether it
 * only fills what the others leave (a text that reads well cut, like an endpoint
 * cut in its middle: it stays at its minimum until every other column is whole). */
typedef struct pgiam_layout_col {
	int want;
	int min;
	int drop;
	int fill;
} pgiam_layout_col;

/* Shares room columns between n columns: each gets min(min, want) first, then what
 * is left goes to the columns still short of their want, in equal shares (a
 * column that needs less than its share takes only what it needs and the rest is
 * shared by the others). Returns 1 when every column got its want, 0 when some are
 * shorter, -1 when even the minimums do not fit (the widths are then the minimums). */
int pgiam_layout_share(int *width, const int *min, const int *want, size_t n, int room);

/* Widths of n columns laid out in total columns with gap columns between shown
 * ones: columns are dropped (width 0), in their drop order, until the minimums of
 * the others fit (with nothing left to drop, the widest minimums give way, down to
 * 4 columns), and the room is shared with pgiam_layout_share, fill columns last.
 * Returns 1 when every shown column got its want, else 0. */
int pgiam_layout_columns(int *width, const pgiam_layout_col *cols, size_t n, int total,
	int gap);

/* An edit box and a message beside it in avail columns with gap columns between:
 * the box first gets what its value needs (at least box_min, when there is room),
 * keeping msg_min for the message; the message gets the rest (0 when there is no
 * room for msg_min). */
void pgiam_layout_box(int *box, int *msg, int avail, int gap, int box_want, int box_min,
	int msg_min);

#endif
