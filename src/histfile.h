/* histfile.h - the SQL history kept across runs: $XDG_STATE_HOME/pgiam/history
 * (~/.local/state/pgiam/history), mode 0600 in a 0700 directory.
 *
 * One JSON object a line (json-c reads and writes them), one per statement run:
 *     {"t":1733240000,"profile":"sandbox","ms":12,"outcome":"error","sqlstate":"42P01",
 *      "sql":"select * from nope"}
 * outcome is "ok", "error" (with the SQLSTATE when the server sent one), "cancelled",
 * or "unknown" (pgiam went away before the answer came). A password literal is masked
 * before anything is kept (sqlmask.h).
 *
 * Appends are one write(2) on an O_APPEND descriptor under an flock, so two pgiam
 * running at once never interleave their lines; past the bound the file is rewritten
 * atomically with the newest entries (atomic_file.h). A file that is not ours to read
 * as we wrote it (malformed or hostile lines, a huge file, a stray byte) costs only
 * its bad lines: they are skipped and counted for a one-line warning, and the history
 * keeps working. Unit-tested in tests/unit/test_histfile.c.
 */
#ifndef PGIAM_HISTFILE_H
#define PGIAM_HISTFILE_H

#include <stddef.h>
#include <time.h>

#define PGIAM_HISTFILE_MAX 1000              /* entries kept (the oldest go) */
#define PGIAM_HISTFILE_ENTRY_MAX (64 * 1024) /* bytes of SQL in one entry */
#define PGIAM_HISTFILE_READ_MAX (16 * 1024 * 1024) /* bytes read from the file's end */

typedef enum pgiam_hist_outcome {
	PGIAM_HIST_OK = 0,
	PGIAM_HIST_ERROR,
	PGIAM_HIST_CANCELLED,
	PGIAM_HIST_UNKNOWN
} pgiam_hist_outcome;

typedef struct pgiam_hist_entry {
	const char *sql;           /* as kept: password literals masked */
	const char *profile;       /* "" when none */
	time_t at;                 /* when it was sent */
	long ms;                   /* how long it took; -1 not known */
	pgiam_hist_outcome outcome;
	char sqlstate[6];          /* ERROR: the server's code, "" when none */
} pgiam_hist_entry;

typedef struct pgiam_histfile pgiam_histfile;

/* The default file's path into out: history in pgiam's state directory (draft.h's
 * pgiam_state_dir: $XDG_STATE_HOME/pgiam when that is absolute, else
 * ~/.local/state/pgiam). */
int pgiam_histfile_default_path(char *out, size_t len);

/* Reads the history at path (NULL: the default path); a missing file is an empty
 * history. max: entries kept (0: PGIAM_HISTFILE_MAX). Fails only without memory or
 * a path; a file that cannot be read leaves an empty history that is not written to,
 * with the reason in pgiam_histfile_warning(). */
int pgiam_histfile_open(pgiam_histfile **out, const char *path, size_t max);
void pgiam_histfile_free(pgiam_histfile *h);

/* What went wrong reading or writing, as one line ("" when nothing): lines skipped,
 * a file that is not a regular file, a write that failed. Lent. */
const char *pgiam_histfile_warning(const pgiam_histfile *h);
/* Lines of the file that were skipped (malformed, too long, not UTF-8). */
size_t pgiam_histfile_skipped(const pgiam_histfile *h);
const char *pgiam_histfile_path(const pgiam_histfile *h);

/* Entries, oldest first; lent until the next add. */
size_t pgiam_histfile_count(const pgiam_histfile *h);
const pgiam_hist_entry *pgiam_histfile_at(const pgiam_histfile *h, size_t i);

/* Keeps one statement run: masks its password literals, appends it to the file and
 * to the entries (the oldest past max go). An empty statement, or one longer than
 * PGIAM_HISTFILE_ENTRY_MAX, is not kept (0). When the file cannot be written the
 * entry is still kept in memory and PGIAM_EIO says why (once a warning is set, later
 * failures stay quiet: the caller shows the warning once). */
int pgiam_histfile_add(pgiam_histfile *h, const pgiam_hist_entry *e);

/* Incremental search, newest first: the index of the newest entry before `before`
 * (count for the newest of all) whose SQL contains needle (ASCII case-insensitive; ""
 * matches every entry), of profile when profile is not NULL, and whose SQL differs
 * from skip_sql when that is not NULL (Ctrl-R again does not stop on the same text).
 * -1 when there is none. */
long pgiam_histfile_search(const pgiam_histfile *h, const char *needle, const char *profile,
	size_t before, const char *skip_sql);

/* "ok", "error", "cancelled", "unknown". */
const char *pgiam_hist_outcome_name(pgiam_hist_outcome o);

#endif
