/* job.h - one background job: a function run in a thread, a pipe the caller's event
 * loop polls (readable when the job reports progress and when it has ended), a done
 * flag, and a cancel flag (cancel.h) the function polls or lends to blocking calls.
 *
 *     pgiam_job_start(&j, fn, ctx, NULL);        fn(j, ctx) runs in its thread
 *     poll pgiam_job_fd(j) ...; if (pgiam_job_poll(j)) { pgiam_job_free(j); use ctx }
 *
 * The owner either waits for the end (pgiam_job_free: joins) or lets go without
 * waiting (pgiam_job_abandon: asks for a stop, and the job and its context are freed
 * by the thread when the function returns). The flags are C11 atomics and ending
 * the function happens before done reads 1, so what fn wrote is visible to whoever
 * sees done (ThreadSanitizer agrees). */
#ifndef PGIAM_JOB_H
#define PGIAM_JOB_H

#include "cancel.h"

typedef struct pgiam_job pgiam_job;

/* Runs in the job's thread; reports progress with pgiam_job_wake(job). */
typedef void (*pgiam_job_fn)(pgiam_job *job, void *ctx);

/* Starts fn(job, ctx) in a new thread. ctx_free (NULL: none) frees ctx with the job.
 * Returns 0, or a negative code with the last error set (no pipe, no thread); then
 * nothing runs and ctx is not freed. */
int pgiam_job_start(pgiam_job **out, pgiam_job_fn fn, void *ctx, void (*ctx_free)(void *));

/* The descriptor to poll for reading; it stays valid until the job is freed. */
int pgiam_job_fd(const pgiam_job *job);
/* Called by fn: wakes the owner's poll (a full pipe already does). */
void pgiam_job_wake(pgiam_job *job);
/* Takes the wake-ups in; 1 when there were any. */
int pgiam_job_drain(pgiam_job *job);
/* Takes the wake-ups in; 1 once fn has returned (then join is immediate), else 0. */
int pgiam_job_poll(pgiam_job *job);
/* 1 once fn has returned. */
int pgiam_job_done(const pgiam_job *job);

/* Asks fn to stop (it polls the flag: pgiam_cancel_requested). */
void pgiam_job_cancel(pgiam_job *job);
/* The flag for fn to poll or lend (curl, credential_process). Never NULL. */
pgiam_cancel *pgiam_job_cancel_flag(pgiam_job *job);

/* Waits for fn to return and frees the job (and ctx with ctx_free). NULL is allowed. */
void pgiam_job_free(pgiam_job *job);
/* Asks fn to stop and lets go without waiting: the thread frees the job and ctx when
 * fn returns (at once when it already has). NULL is allowed. */
void pgiam_job_abandon(pgiam_job *job);

#endif
