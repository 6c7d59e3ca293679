/* usage.h - the CLI's front door: the exit statuses every command uses, each
 * command's option table, the --help printed from it, and the one-line usage errors
 * ("pgiam: CMD: MESSAGE (see pgiam CMD --help)"). A command declares its options in
 * tables and handles them by id; getopt_long and its errors are handled here only. */
#ifndef PGIAM_CLI_USAGE_H
#define PGIAM_CLI_USAGE_H

#include "exitcode.h"

#include <stddef.h>
#include <stdio.h>

/* The exit statuses (PGIAM_EXIT_*): util/exitcode.h, shared with the terminal UI. */

/* A command's parser goes on (not an exit status). */
#define PGIAM_CLI_GO_ON (-1)

/* One option: --name (and -s when short is set). One line per option in a table. */
typedef struct pgiam_cli_opt {
	const char *name;       /* "profile" is --profile; NULL ends a table */
	char short_name;        /* 'c' for -c as well; 0 for none */
	const char *arg;        /* the value's name in --help ("NAME"); NULL for a flag */
	int id;                 /* > 0: what the group's handler is called with;
	                           PGIAM_CLI_FIELD: stored in the group's ctx */
	const char *help;       /* one line ("\n" continues it); NULL: not in --help */
} pgiam_cli_opt;

/* An option that needs no handler: its value (a `const char *`), or 1 for a flag (an
 * `int`), goes to this member of the struct that is the group's ctx. */
#define PGIAM_CLI_FIELD(type, member) (-1 - (int)offsetof(type, member))

/* Takes one option with an id > 0 (value NULL for a flag): PGIAM_CLI_GO_ON, or an
 * exit status after printing why (pgiam_cli_usage_error for a bad value). */
typedef int (*pgiam_cli_opt_fn)(const char *cmd, void *ctx, int id, const char *value);

/* Options handled by one function: a command's own, or the connection options that
 * check, sql, psql and browse share (cli_session.h). */
typedef struct pgiam_cli_group {
	const char *title;          /* the heading in --help ("options", "connection") */
	const pgiam_cli_opt *opts;  /* NULL ends the group list */
	pgiam_cli_opt_fn handle;    /* NULL when every option is a PGIAM_CLI_FIELD */
	void *ctx;
	const int *ids;             /* the rows of opts it takes, by id, 0 ending the list
	                               (a shared table); NULL: every row */
} pgiam_cli_group;

typedef struct pgiam_cli_spec {
	const char *name;           /* the command: "token" */
	const char *synopsis;       /* after "usage: "; its lines after the first are
	                               indented by the caller */
	const char *about;          /* the paragraph after the synopsis, or NULL */
	const char *notes;          /* after the options (before the exit statuses), or NULL */
	const char *exit_notes;     /* the command's own exit statuses, or NULL */
	int rest_after_dashes;      /* arguments after "--" are the command's (psql) */
	const pgiam_cli_group *groups;
} pgiam_cli_spec;

/* Parses argv[1..] (argv[0] is the command's name) with getopt_long: --help/-h print
 * the help and give PGIAM_EXIT_OK; an unknown option, a missing value or a stray
 * argument print one line and give PGIAM_EXIT_USAGE; a handler's status is given
 * back. PGIAM_CLI_GO_ON when the command should run; *rest (may be NULL) is then the
 * index of the first argument after "--" (argc when none; only rest_after_dashes). */
int pgiam_cli_parse(int *rest, const pgiam_cli_spec *spec, int argc, char **argv);

/* The help of a command, from its spec: synopsis, about, each group's options, the
 * notes and the exit statuses. */
void pgiam_cli_help(FILE *out, const pgiam_cli_spec *spec);

/* The exit statuses as --help lists them (indented two spaces). */
void pgiam_cli_exit_help(FILE *out);

/* Prints "pgiam: CMD: MESSAGE (see pgiam CMD --help)" and returns PGIAM_EXIT_USAGE. */
int pgiam_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses a whole decimal number in min..max into *out: 0, or -1 (nothing printed). */
int pgiam_cli_int(long *out, const char *s, long min, long max);

#endif
