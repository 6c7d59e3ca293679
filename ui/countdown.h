/* countdown.h - how remaining lifetimes (token, STS session) are written and coloured.
 * Pure functions, so the status bar's wording and thresholds are unit-tested. */
#ifndef PGIAM_UI_COUNTDOWN_H
#define PGIAM_UI_COUNTDOWN_H

#include <stddef.h>
#include <time.h>

typedef enum {
	PGIAM_COUNTDOWN_OK,       /* more than 5 minutes left */
	PGIAM_COUNTDOWN_WARN,     /* 5 minutes or less */
	PGIAM_COUNTDOWN_CRIT,     /* 1 minute or less */
	PGIAM_COUNTDOWN_EXPIRED,  /* nothing left */
} pgiam_countdown_level;

#define PGIAM_COUNTDOWN_WARN_SECONDS 300
#define PGIAM_COUNTDOWN_CRIT_SECONDS 60

/* Writes "mm:ss" under an hour, "h:mm:ss" from an hour on, "expired" at or below zero.
 * Always NUL-terminates (when outlen > 0). */
void pgiam_countdown_format(char *out, size_t outlen, long seconds_left);

pgiam_countdown_level pgiam_countdown_level_of(long seconds_left);

/* The status bar's token segment at `now`: "token 14:32"; once expired it tells the
 * truth about what that means: an open connection survives its token (the token is
 * only checked at login), and the next connection gets a newly signed one. Without a
 * connection (lost, failed) the old token's time means nothing, and it says so.
 * expires_at 0 means no token yet ("token -"). by_creds: expires_at is the end of the
 * credentials that signed it, before the token's 15 minutes ("(session ends first)"). */
void pgiam_countdown_token_text(char *out, size_t outlen, time_t expires_at, int by_creds,
	int connected, time_t now);

#endif
