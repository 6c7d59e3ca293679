/* loopback.h - whether a URL's host names this machine (the one rule for plain http). */
#ifndef PGIAM_LOOPBACK_H
#define PGIAM_LOOPBACK_H

/* host as a URL parser returns it ("127.0.0.1", "[::1]", "localhost"): 1 when it is a
 * loopback address or localhost; a name like 127.example.com is not. */
int pgiam_host_is_loopback(const char *host);

#endif
