/* cli.c - the table of commands and the one place errors are printed. */
#include "cli.h"

#include "buf.h"
#include "error.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const pgiam_cli_command pgiam_cli_commands[] = {
	{ "token",    "print an RDS IAM auth token, or describe one (--describe)", pgiam_cmd_token },
	{ "profiles", "list connection profiles and their validation errors",     pgiam_cmd_profiles },
	{ "whoami",   "show source credentials, assumed role and session expiry", pgiam_cmd_whoami },
	{ "policy",   "print the IAM policy, trust policy and SQL a profile needs", pgiam_cmd_policy },
	{ "check",    "run the whole connection chain step by step",              pgiam_cmd_check },
	{ "psql",     "start psql with a fresh token",                            pgiam_cmd_psql },
	{ "sql",      "run SQL through a session, events as JSON lines (scripts, tests)", pgiam_cmd_sql },
	{ "browse",   "list schemas, tables, columns or a keyset page of rows as JSON lines", pgiam_cmd_browse },
	{ "logout",   "delete cached assumed-role sessions (all, or a profile's)", pgiam_cmd_logout },
	{ "grants",   "what the IAM database user may do, and through which role (--probe: tries it)", pgiam_cmd_grants },
	{ NULL, NULL, NULL },
};

const pgiam_cli_command *pgiam_cli_command_find(const char *name)
{
	for (const pgiam_cli_command *c = pgiam_cli_commands; name && c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Formats, then writes the safe form of the result (src/sanitize.h). */
static void vprint_safe(FILE *out, unsigned flags, const char *fmt, va_list ap)
{
	pgiam_buf safe = PGIAM_BUF_INIT;
	char small[512];
	char *big = NULL;
	const char *text = small;
	va_list again;
	int n = 0;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= 0 && (size_t)n >= sizeof(small) && (big = malloc((size_t)n + 1)))
		vsnprintf(big, (size_t)n + 1, fmt, again), text = big;
	va_end(again);
	if (n < 0 || (text == small && (size_t)n >= sizeof(small)))
		fputs("pgiam: out of memory\n", stderr);
	else if (pgiam_text_sanitize(&safe, text, (size_t)n, flags) == 0)
		fwrite(pgiam_buf_cstr(&safe), 1, safe.len, out);
	free(big);
	pgiam_buf_dispose(&safe);
}

void pgiam_cli_line(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_safe(out, 0, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

void pgiam_cli_error(const char *context, const char *msg)
{
	if (!msg)
		msg = pgiam_error_last();
	if (!*msg)
		msg = "unknown error";
	if (context && *context)
		pgiam_cli_line(stderr, "pgiam: %s: %s", context, msg);
	else
		pgiam_cli_line(stderr, "pgiam: %s", msg);
}

void pgiam_cli_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_safe(out, PGIAM_TEXT_KEEP_NEWLINES, fmt, ap);
	va_end(ap);
}

void pgiam_cli_print_json(FILE *out, const char *json)
{
	pgiam_buf safe = PGIAM_BUF_INIT;

	if (pgiam_text_json_escape(&safe, json) == 0) {
		fwrite(pgiam_buf_cstr(&safe), 1, safe.len, out);
		fputc('\n', out);
	} else
		fputs("pgiam: out of memory\n", stderr);
	pgiam_buf_dispose(&safe);
}
