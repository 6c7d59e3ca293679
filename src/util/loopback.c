/* loopback.c - the loopback-host rule shared by the HTTP client and profile checks. */
#include "loopback.h"

#include "ascii.h"

#include <string.h>

int pgiam_host_is_loopback(const char *host)
{
	if (!host)
		return 0;
	if (!strcmp(host, "[::1]") || !pgiam_ascii_casecmp(host, "localhost"))
		return 1;
	if (strncmp(host, "127.", 4))
		return 0;
	/* 127.x must be a dotted quad, not a name like 127.example.com */
	for (const char *p = host; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return 1;
}
