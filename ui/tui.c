/* tui.c - minimal ncurses shell: starts, shows a title, quits on q. Replaced by the
 * TUI issue. */
#include "tui.h"

#include <curses.h>
#include <locale.h>

int pgiam_tui_main(int argc, char **argv)
{
	int ch;

	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	mvprintw(0, 0, "pgiam %s - press q to quit", PGIAM_VERSION);
	refresh();
	while ((ch = getch()) != 'q' && ch != ERR)
		;
	endwin();
	return 0;
}
