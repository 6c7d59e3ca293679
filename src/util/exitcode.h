/* exitcode.h - the exit statuses of the program, the same for every command and for
 * the terminal UI (listed in every --help and in the man page's EXIT STATUS). Here,
 * below both front ends, so that cli/ and ui/ name them from one place. */
#ifndef PGIAM_EXITCODE_H
#define PGIAM_EXITCODE_H

/* The commands that run the connection chain step by step (check, sql) exit PGIAM_EXIT_STEP + N when step N failed, so a step's status never
 * reads as a usage or configuration error: 11 source credentials ... 21 privileges. */
typedef enum pgiam_exit {
	PGIAM_EXIT_OK = 0,
	PGIAM_EXIT_FAILURE = 1,     /* credentials, STS, network, a query, out of memory */
	PGIAM_EXIT_USAGE = 2,       /* unknown command or option, a bad or missing value */
	PGIAM_EXIT_CONFIG = 3,      /* the profile (or profile directory) is missing or invalid */
	PGIAM_EXIT_STEP = 10,       /* + the number of the failing step (check, sql) */
	PGIAM_EXIT_NO_PSQL = 127    /* psql: the psql binary cannot be run */
} pgiam_exit;

#define PGIAM_EXIT_FOR_STEP(number) (PGIAM_EXIT_STEP + (number))

#endif
