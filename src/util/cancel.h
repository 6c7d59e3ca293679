/* cancel.h - the one cancel flag shared between threads: a C11 atomic that the thread
 * wanting a stop sets and the thread doing the work (an HTTP transfer, a
 * credential_process, a retry backoff) polls. A plain or volatile int here is a data
 * race (ThreadSanitizer says so, and C11 makes no promise about it). */
#ifndef PGIAM_CANCEL_H
#define PGIAM_CANCEL_H

#include <stdatomic.h>

typedef atomic_int pgiam_cancel;

/* Non-zero once a stop was asked for; a NULL flag never is. */
static inline int pgiam_cancel_requested(const pgiam_cancel *flag)
{
	return flag && atomic_load(flag);
}

static inline void pgiam_cancel_request(pgiam_cancel *flag)
{
	atomic_store(flag, 1);
}

#endif
