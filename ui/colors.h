/* colors.h - colours by role, from one scheme table (colors.c).
 *
 * Drawing code names a role (title, status_warn, error…), never a colour. With
 * NO_COLOR set (https://no-color.org) or a terminal without colours, each role falls
 * back to attributes only (bold, reverse, underline, dim), so every state is still
 * distinguishable on a monochrome terminal.
 */
#ifndef PGIAM_UI_COLORS_H
#define PGIAM_UI_COLORS_H

#include <curses.h>

#define PGIAM_ROLES(_) \
	_(NORMAL) _(TITLE) _(STATUS) _(STATUS_OK) _(STATUS_WARN) _(STATUS_CRIT) \
	_(ERROR) _(SELECTED) _(BADGE_READONLY) _(DIM) _(HEADER) _(FIELD) \
	_(FIELD_ACTIVE) _(OK) _(WARN) _(KEY) _(CELL) \
	_(SQL_KEYWORD) _(SQL_STRING) _(SQL_COMMENT) _(SQL_NUMBER) _(SQL_ERROR_MARK) \
	_(PLAN_MISESTIMATE) _(PLAN_SLOWEST) _(SEARCH_MATCH)

typedef enum {
#define PGIAM_ROLE_ENUM_(id) PGIAM_ROLE_##id,
	PGIAM_ROLES(PGIAM_ROLE_ENUM_)
#undef PGIAM_ROLE_ENUM_
	PGIAM_ROLE__COUNT
} pgiam_role;

/* Sets up the colour pairs (after initscr). Returns 1 when colours are used. */
int pgiam_colors_init(void);

/* The curses attributes of a role (colour pair and/or attributes). */
attr_t pgiam_role_attr(pgiam_role role);

#endif
