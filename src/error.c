/* error.c - thread-local last-error message behind pgiam_error_set(). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];
static _Thread_local int last_code;

int pgiam_error_set(int code, const char *fmt, ...)
{
	char message[sizeof(last_message)];
	va_list ap;

	/* Formatted aside first: callers add context by passing pgiam_error_last() as an
	 * argument, and vsnprintf must not read the buffer it is writing. */
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	memcpy(last_message, message, sizeof(last_message));
	/* One line only: a message is shown in a status bar and in a single stderr line. */
	for (char *p = last_message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	last_code = code;
	return code;
}

const char *pgiam_error_last(void)
{
	return last_message;
}

int pgiam_error_last_code(void)
{
	return last_code;
}

void pgiam_error_clear(void)
{
	last_message[0] = '\0';
	last_code = 0;
}

const char *pgiam_error_name(int code)
{
	switch (code) {
#define PGIAM_ERROR_NAME_(name, value, text) case value: return #name;
	PGIAM_ERROR_CODES(PGIAM_ERROR_NAME_)
#undef PGIAM_ERROR_NAME_
	}
	return "EUNKNOWN";
}

const char *pgiam_error_text(int code)
{
	switch (code) {
#define PGIAM_ERROR_TEXT_(name, value, text) case value: return text;
	PGIAM_ERROR_CODES(PGIAM_ERROR_TEXT_)
#undef PGIAM_ERROR_TEXT_
	}
	return "unknown error";
}
