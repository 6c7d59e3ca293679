/* draw.h - the few curses output helpers every screen uses. All text goes through
 * pgiam_width_fit (width.h): measured by display width, cut with an ellipsis, made
 * safe. Only draw code calls these; handlers never draw. */
#ifndef PGIAM_UI_DRAW_H
#define PGIAM_UI_DRAW_H

#include "app.h"
#include "colors.h"

/* Draws s at (y, x) in at most cols columns with role; returns the columns used. */
int pgiam_draw_text(int y, int x, int cols, pgiam_role role, const char *s);

/* Like pgiam_draw_text, padded with spaces to exactly cols. */
int pgiam_draw_field(int y, int x, int cols, pgiam_role role, const char *s);

/* Fills cols cells of row y from x with spaces in role. */
void pgiam_draw_fill(int y, int x, int cols, pgiam_role role);

/* Draws a list of lines (split on '\n') with a scroll offset into body. */
void pgiam_draw_lines(pgiam_rect body, const char *text, int top);

/* Draws text wrapped to r.w (continuation lines indented by 2) in role, at most r.h
 * lines; returns the lines drawn. pgiam_width_wrap_lines says how many it needs. */
int pgiam_draw_wrapped(pgiam_rect r, pgiam_role role, const char *text);

/* Number of lines of text (split on '\n'). */
int pgiam_text_line_count(const char *text);

/* A text wrapped to a width, rebuilt only when the width or the text changes. */
typedef struct pgiam_wrapped {
	char *text;
	int width;    /* 0: stale */
} pgiam_wrapped;

/* The text wrapped for width w (cached in *wr). Never NULL. */
const char *pgiam_wrapped_get(pgiam_wrapped *wr, const char *text, int w);
void pgiam_wrapped_reset(pgiam_wrapped *wr);

/* Moves a scroll position (top line) for a list action: up, down, pages, first,
 * last. Returns PGIAM_REACT_REDRAW, or PGIAM_REACT_UNHANDLED for other actions. */
unsigned pgiam_pager_action(int *top, int nlines, int page, pgiam_action a);

#endif
