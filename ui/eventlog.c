/* eventlog.c - ring buffer of timestamped events (see eventlog.h). */
#include "eventlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pgiam_eventlog_add(pgiam_eventlog *log, const char *fmt, ...)
{
	pgiam_eventlog_entry *e = NULL;
	va_list ap;
	int n;

	if (log->count == PGIAM_EVENTLOG_MAX) {
		log->start = (log->start + 1) % PGIAM_EVENTLOG_MAX;
		log->count--;
	}
	e = &log->entries[(log->start + log->count) % PGIAM_EVENTLOG_MAX];
	log->count++;
	e->when = time(NULL);
	va_start(ap, fmt);
	n = vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(e->text)) {
		/* cut on a character boundary, and say so */
		size_t at = sizeof(e->text) - 4;

		while (at > 0 && ((unsigned char)e->text[at] & 0xC0) == 0x80)
			at--;
		memcpy(e->text + at, "\xE2\x80\xA6", 4);
	}
}

const pgiam_eventlog_entry *pgiam_eventlog_at(const pgiam_eventlog *log, size_t i)
{
	if (i >= log->count)
		return NULL;
	return &log->entries[(log->start + i) % PGIAM_EVENTLOG_MAX];
}

void pgiam_eventlog_format(char *out, size_t outlen, const pgiam_eventlog_entry *e)
{
	struct tm tm;

	localtime_r(&e->when, &tm);
	snprintf(out, outlen, "%02d:%02d:%02d  %s", tm.tm_hour, tm.tm_min, tm.tm_sec, e->text);
}
