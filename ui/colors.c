/* colors.c - the colour scheme: one table, role -> colours and the monochrome
 * attributes used when colours are off (see colors.h). */
#include "colors.h"

#include <stdlib.h>

typedef struct scheme_entry {
	short fg, bg;      /* -1: the terminal's default */
	attr_t color_attr; /* added to the colour pair */
	attr_t mono_attr;  /* used alone without colours */
} scheme_entry;

static const scheme_entry scheme[PGIAM_ROLE__COUNT] = {
	[PGIAM_ROLE_NORMAL]         = { -1, -1, A_NORMAL, A_NORMAL },
	[PGIAM_ROLE_TITLE]          = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[PGIAM_ROLE_STATUS]         = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[PGIAM_ROLE_STATUS_OK]      = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[PGIAM_ROLE_STATUS_WARN]    = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[PGIAM_ROLE_STATUS_CRIT]    = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE },
	[PGIAM_ROLE_ERROR]          = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[PGIAM_ROLE_SELECTED]       = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[PGIAM_ROLE_BADGE_READONLY] = { COLOR_WHITE, COLOR_MAGENTA, A_BOLD, A_REVERSE | A_BOLD },
	[PGIAM_ROLE_DIM]            = { -1, -1, A_DIM, A_DIM },
	[PGIAM_ROLE_HEADER]         = { COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[PGIAM_ROLE_FIELD]          = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[PGIAM_ROLE_FIELD_ACTIVE]   = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[PGIAM_ROLE_OK]             = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[PGIAM_ROLE_WARN]           = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[PGIAM_ROLE_KEY]            = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	/* the grid's current cell inside the (reversed) current row */
	[PGIAM_ROLE_CELL]           = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD | A_UNDERLINE },
	/* the SQL editor's highlighting: none without colours (NO_COLOR), only the
	 * error position stays marked */
	[PGIAM_ROLE_SQL_KEYWORD]    = { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
	[PGIAM_ROLE_SQL_STRING]     = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[PGIAM_ROLE_SQL_COMMENT]    = { COLOR_CYAN, -1, A_DIM, A_NORMAL },
	[PGIAM_ROLE_SQL_NUMBER]     = { COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[PGIAM_ROLE_SQL_ERROR_MARK] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_UNDERLINE },
	/* issue 12: the plan tree (their text marks say the same without colour) */
	[PGIAM_ROLE_PLAN_MISESTIMATE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[PGIAM_ROLE_PLAN_SLOWEST]   = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE },
	/* what Ctrl-R's query matched in the statement shown (readline's reverse video) */
	[PGIAM_ROLE_SEARCH_MATCH]   = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE },
};

static int colors_on;

int pgiam_colors_init(void)
{
	const char *no_color = getenv("NO_COLOR");

	colors_on = 0;
	/* NO_COLOR: "when present and not an empty string" disables colour. */
	if ((no_color && *no_color) || !has_colors())
		return 0;
	if (start_color() == ERR)
		return 0;
	use_default_colors();
	for (int r = 0; r < PGIAM_ROLE__COUNT; r++)
		init_pair((short)(r + 1), scheme[r].fg, scheme[r].bg);
	colors_on = 1;
	return 1;
}

attr_t pgiam_role_attr(pgiam_role role)
{
	if ((int)role < 0 || role >= PGIAM_ROLE__COUNT)
		role = PGIAM_ROLE_NORMAL;
	if (!colors_on)
		return scheme[role].mono_attr;
	return (attr_t)COLOR_PAIR(role + 1) | scheme[role].color_attr;
}
