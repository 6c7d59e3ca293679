/* cli.h - the command-line front end: each command is one function with argv after
 * the command name, returning the process exit status. Errors go to stderr on one
 * line; secrets never do. */
#ifndef PGIAM_CLI_H
#define PGIAM_CLI_H

#include <stdio.h>

typedef struct pgiam_cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} pgiam_cli_command;

int pgiam_cmd_token(int argc, char **argv);
int pgiam_cmd_profiles(int argc, char **argv);
int pgiam_cmd_whoami(int argc, char **argv);
int pgiam_cmd_policy(int argc, char **argv);
int pgiam_cmd_check(int argc, char **argv);
int pgiam_cmd_psql(int argc, char **argv);
int pgiam_cmd_sql(int argc, char **argv);
int pgiam_cmd_browse(int argc, char **argv);

/* The command table, terminated by a NULL name. */
extern const pgiam_cli_command pgiam_cli_commands[];

/* Prints "pgiam: CONTEXT: MESSAGE" (the core's last error when msg is NULL) to stderr. */
void pgiam_cli_error(const char *context, const char *msg);

#endif
