/* tui.h - entry point of the ncurses front end. */
#ifndef PGIAM_TUI_H
#define PGIAM_TUI_H

#include <stdio.h>

/* Runs the terminal UI with the program's arguments; returns the exit status. */
int pgiam_tui_main(int argc, char **argv);

/* Prints the terminal UI's options, one "  --opt ARG   what" line each (for the
 * program's --help). */
void pgiam_tui_options_usage(FILE *out);

#endif
