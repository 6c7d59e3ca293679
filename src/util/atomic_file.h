/* atomic_file.h - files that are either whole or not there: a temporary file in the
 * same directory, written, fsynced, renamed over the target, and the directory
 * fsynced, so a crash or a full disk never leaves half a file (profiles today; the
 * credential and SSO caches, history and drafts share it). */
#ifndef PGIAM_ATOMIC_FILE_H
#define PGIAM_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Creates dir and its parents (mode 0700) as needed. what names the directory in the
 * error ("the profile directory"). Returns 0 or PGIAM_EIO / PGIAM_ENOMEM. */
int pgiam_file_mkdir_p(const char *dir, const char *what);

/* Writes data to dir/name atomically with the given mode. The temporary file is
 * dir/.name.XXXXXX (a dot file, so directory listings that skip dot files never show
 * it) and is removed on failure. Returns 0, or PGIAM_EIO with a message naming the
 * file, or PGIAM_ENOMEM. */
int pgiam_file_write_atomic(const char *dir, const char *name, const void *data,
	size_t len, mode_t mode);

#endif
