/* cli.h - the command-line front end: each command is one function with argv after
 * the command name, returning the process exit status (usage.h: the same statuses
 * for every command). Errors go to stderr on one line; secrets never do. */
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
int pgiam_cmd_logout(int argc, char **argv);
int pgiam_cmd_grants(int argc, char **argv);

/* The command table, terminated by a NULL name. */
extern const pgiam_cli_command pgiam_cli_commands[];

/* The command called name, or NULL. */
const pgiam_cli_command *pgiam_cli_command_find(const char *name);

/* Prints "pgiam: CONTEXT: MESSAGE" (the core's last error when msg is NULL) to stderr. */
void pgiam_cli_error(const char *context, const char *msg);

/* Every human-readable line the CLI prints goes through these: the formatted text in
 * its terminal-safe form (src/sanitize.h: C0/DEL as carets, C1, bidi controls and stray
 * bytes as U+FFFD; the format's newlines kept), whether or not out is a terminal. */
void pgiam_cli_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same for one line: a newline in the text is shown as ^J; a newline is added. */
void pgiam_cli_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints serialised JSON and a newline, with C0/DEL/C1/bidi controls and stray bytes
 * inside its strings escaped (\u00XX): the same strings to a JSON reader, nothing a
 * terminal acts on when a person looks at it. */
void pgiam_cli_print_json(FILE *out, const char *json);

#endif
