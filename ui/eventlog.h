/* eventlog.h - the event log: timestamped one-line events the user can read back
 * (role assumed, token signed, reconnected, connection lost). Never holds secrets:
 * callers pass descriptions, not credentials or tokens. */
#ifndef PGIAM_UI_EVENTLOG_H
#define PGIAM_UI_EVENTLOG_H

#include <stddef.h>
#include <time.h>

#define PGIAM_EVENTLOG_MAX 512
/* The longest entry kept (a connect failure with its numbered causes is about 800
 * bytes); a longer one ends with an ellipsis. */
#define PGIAM_EVENTLOG_TEXT 2048

typedef struct pgiam_eventlog_entry {
	time_t when;
	char text[PGIAM_EVENTLOG_TEXT];
} pgiam_eventlog_entry;

typedef struct pgiam_eventlog {
	pgiam_eventlog_entry entries[PGIAM_EVENTLOG_MAX];
	size_t start, count; /* a ring: the oldest entries are dropped */
} pgiam_eventlog;

void pgiam_eventlog_add(pgiam_eventlog *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The i-th entry, oldest first (i < count). */
const pgiam_eventlog_entry *pgiam_eventlog_at(const pgiam_eventlog *log, size_t i);

/* "HH:MM:SS text" into out. */
void pgiam_eventlog_format(char *out, size_t outlen, const pgiam_eventlog_entry *e);

#endif
