/* draft.h - the SQL editor's draft: what was in the buffer when pgiam quit, one file
 * per profile ($XDG_STATE_HOME/pgiam/draft-PROFILE, else ~/.local/state/pgiam/…),
 * mode 0600 in a 0700 directory, written atomically (atomic_file.h) so a crash never
 * leaves half of it. The profile connecting again gets it back. Unit-tested in
 * tests/unit/test_draft.c. */
#ifndef PGIAM_DRAFT_H
#define PGIAM_DRAFT_H

#include <stddef.h>

/* The biggest draft read back (a bigger file is refused, not cut). */
#define PGIAM_DRAFT_MAX (16 * 1024 * 1024)

/* pgiam's state directory: $XDG_STATE_HOME/pgiam, else ~/.local/state/pgiam (the XDG
 * base directory spec). 0 or PGIAM_ENOTFOUND (neither is set) / PGIAM_EINVAL. */
int pgiam_state_dir(char *out, size_t len);

/* Keeps text as the profile's draft; an empty text removes it. 0 or a negative error
 * naming the file. */
int pgiam_draft_save(const char *profile, const char *text, size_t len);

/* The profile's draft into *out (NUL-terminated, malloc'd; *len its length): 1, 0
 * when there is none, or a negative error. */
int pgiam_draft_load(char **out, size_t *len, const char *profile);

#endif
