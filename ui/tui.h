/* tui.h - entry point of the ncurses front end. */
#ifndef PGIAM_TUI_H
#define PGIAM_TUI_H

/* Runs the terminal UI with the program's arguments; returns the exit status. */
int pgiam_tui_main(int argc, char **argv);

#endif
