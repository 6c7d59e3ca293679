/* subproc.h - runs another pgiam command (this same binary) with its output in a pipe
 * the event loop polls, so the TUI shows exactly what the command prints (`pgiam
 * policy`) without a second implementation and without blocking the screen. */
#ifndef PGIAM_UI_SUBPROC_H
#define PGIAM_UI_SUBPROC_H

#include "buf.h"

#include <sys/types.h>

typedef struct pgiam_subproc {
	pid_t pid;
	int fd;            /* stdout and stderr; -1 once read to the end */
	pgiam_buf out;
	int done;
	int status;        /* exit status once done (-1 when killed by a signal) */
} pgiam_subproc;

#define PGIAM_SUBPROC_INIT { -1, -1, PGIAM_BUF_INIT, 0, 0 }

/* Starts /proc/self/exe with argv (argv[0] is shown as the program name), stdin from
 * /dev/null. Returns 0 or a negative error with the last error set. */
int pgiam_subproc_start(pgiam_subproc *p, char *const argv[]);

/* Reads what is available (non-blocking); 1 when the output or state changed. */
int pgiam_subproc_read(pgiam_subproc *p);

/* Stops it if still running (SIGTERM), reaps it and frees the output. */
void pgiam_subproc_dispose(pgiam_subproc *p);

#endif
