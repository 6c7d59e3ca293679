/* countdown.c - formatting and thresholds of remaining lifetimes (see countdown.h). */
#include "countdown.h"

#include <stdio.h>

void pgiam_countdown_format(char *out, size_t outlen, long seconds_left)
{
	if (!out || outlen == 0)
		return;
	if (seconds_left <= 0)
		snprintf(out, outlen, "expired");
	else if (seconds_left >= 3600)
		snprintf(out, outlen, "%ld:%02ld:%02ld", seconds_left / 3600,
			(seconds_left / 60) % 60, seconds_left % 60);
	else
		snprintf(out, outlen, "%02ld:%02ld", seconds_left / 60, seconds_left % 60);
}

pgiam_countdown_level pgiam_countdown_level_of(long seconds_left)
{
	if (seconds_left <= 0)
		return PGIAM_COUNTDOWN_EXPIRED;
	if (seconds_left <= PGIAM_COUNTDOWN_CRIT_SECONDS)
		return PGIAM_COUNTDOWN_CRIT;
	if (seconds_left <= PGIAM_COUNTDOWN_WARN_SECONDS)
		return PGIAM_COUNTDOWN_WARN;
	return PGIAM_COUNTDOWN_OK;
}

void pgiam_countdown_token_text(char *out, size_t outlen, time_t expires_at, int by_creds,
	int connected, time_t now)
{
	char left[32];
	long secs = (long)(expires_at - now);

	if (!out || outlen == 0)
		return;
	if (!expires_at) {
		snprintf(out, outlen, "token -");
		return;
	}
	if (!connected) {
		/* The last connection's token means nothing once it is gone. */
		snprintf(out, outlen, "token: the next connection signs a new one");
		return;
	}
	if (secs <= 0) {
		snprintf(out, outlen, "token expired \xC2\xB7 connection stays open \xC2\xB7 "
			"next connection signs a new one");
		return;
	}
	pgiam_countdown_format(left, sizeof(left), secs);
	snprintf(out, outlen, "token %s%s", left, by_creds ? " (session ends first)" : "");
}
