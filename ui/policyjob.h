/* policyjob.h - the policy view's work: the profile's policy built by the core
 * (src/policy.c), in a thread because asking STS who the source principal is
 * (GetCallerIdentity) may take as long as a network call does: a background job
 * (util/job.h), whose pipe wakes the event loop when it is done. */
#ifndef PGIAM_UI_POLICYJOB_H
#define PGIAM_UI_POLICYJOB_H

typedef struct pgiam_policyjob pgiam_policyjob;

/* Loads and validates profile name of dir (its problems become the first lines of
 * the text; with errors nothing is asked or built) and starts the thread. Fails
 * (last error set) only when no thread or pipe can be had. */
int pgiam_policyjob_start(pgiam_policyjob **out, const char *dir, const char *name);

/* The descriptor to poll for reading while the job runs; -1 once finished. */
int pgiam_policyjob_fd(const pgiam_policyjob *j);

/* Takes in what the thread reported; 1 when something changed. */
int pgiam_policyjob_update(pgiam_policyjob *j);

/* What to show so far (free()): the report when done, else a line saying what it
 * waits for. NULL when out of memory. */
char *pgiam_policyjob_text(pgiam_policyjob *j);

/* Frees the job; one still running finishes in its thread and frees itself
 * (pgiam_job_abandon). */
void pgiam_policyjob_free(pgiam_policyjob *j);

#endif
