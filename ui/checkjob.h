/* checkjob.h - `pgiam check` for one profile, run in a thread so the screen keeps
 * moving: pgiam_check_run() blocks (STS, connect, catalog queries), its step callback
 * copies each step here and wakes the event loop through a pipe. */
#ifndef PGIAM_UI_CHECKJOB_H
#define PGIAM_UI_CHECKJOB_H

#include <stddef.h>

typedef struct pgiam_checkjob pgiam_checkjob;

/* Starts checking profile name of dir; fails (last error set) when the profile cannot
 * be loaded, has errors, or the build has no check. */
int pgiam_checkjob_start(pgiam_checkjob **out, const char *dir, const char *name);

/* The descriptor to poll for reading while the check runs; -1 once finished. */
int pgiam_checkjob_fd(const pgiam_checkjob *j);

/* Takes in what the thread reported; 1 when something changed. */
int pgiam_checkjob_update(pgiam_checkjob *j);

int pgiam_checkjob_finished(const pgiam_checkjob *j);

/* The steps so far, one line each (free()). */
char *pgiam_checkjob_text(pgiam_checkjob *j);

/* "ok 0.41 s" or "FAIL 2 AssumeRole", once finished ("" before). */
const char *pgiam_checkjob_summary(const pgiam_checkjob *j);

/* Frees the job; a check still running is told to stop (its connect or catalog query
 * is cancelled) and frees itself in its thread. */
void pgiam_checkjob_free(pgiam_checkjob *j);

#endif
