/* error.c - thread-local last-error message behind pgiam_error_set(). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];
static _Thread_local int last_code;
static _Thread_local pgiam_error_class last_class;

static pgiam_error_class class_of_code(int code)
{
	switch (code) {
	case PGIAM_ECANCELLED: return PGIAM_ECLASS_CANCELLED;
	case PGIAM_ENOMEM: return PGIAM_ECLASS_INTERNAL;
	case PGIAM_ENET: return PGIAM_ECLASS_NETWORK;
	default: return PGIAM_ECLASS_NONE;
	}
}

static int set_v(pgiam_error_class klass, int code, const char *fmt, va_list ap)
{
	char message[sizeof(last_message)];

	/* Formatted aside first: callers add context by passing pgiam_error_last() as an
	 * argument, and vsnprintf must not read the buffer it is writing. */
	vsnprintf(message, sizeof(message), fmt, ap);
	memcpy(last_message, message, sizeof(last_message));
	/* One line only: a message is shown in a status bar and in a single stderr line. */
	for (char *p = last_message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	last_code = code;
	last_class = klass;
	return code;
}

int pgiam_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_v(class_of_code(code), code, fmt, ap);
	va_end(ap);
	return code;
}

int pgiam_error_set_class(pgiam_error_class klass, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_v(klass, code, fmt, ap);
	va_end(ap);
	return code;
}

int pgiam_error_classify(pgiam_error_class klass, int code)
{
	if (last_class == PGIAM_ECLASS_NONE)
		last_class = klass;
	return code;
}

pgiam_error_class pgiam_error_last_class(void)
{
	return last_code ? last_class : PGIAM_ECLASS_NONE;
}

const char *pgiam_error_class_name(pgiam_error_class klass)
{
	switch (klass) {
#define PGIAM_ERROR_CLASS_NAME_(name, text) case PGIAM_ECLASS_##name: return text;
	PGIAM_ERROR_CLASSES(PGIAM_ERROR_CLASS_NAME_)
#undef PGIAM_ERROR_CLASS_NAME_
	}
	return "unclassified";
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
	last_class = PGIAM_ECLASS_NONE;
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
