/* profile_save.c - writing profiles: the atomic save (temporary file in the same
 * directory, fsync, rename, fsync of the directory, mode 0600) and deletion. */
#include "profile_priv.h"

#include "atomic_file.h"
#include "buf.h"
#include "error.h"
#include "secure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTION "profile"

/* --- saving ------------------------------------------------------------------------------ */

static int write_entry(pgiam_buf *b, const pgiam_profile_entry_ *e)
{
	char q = pgiam_profile__quote(e->value);
	return pgiam_buf_printf(b, "%s = %c%s%c\n", e->key, q, e->value, q);
}

/* Why p cannot be saved (its first error, not a warning that comes before it), or 0. */
static int refuse_invalid(const pgiam_profile *p)
{
	pgiam_profile_problem first;
	pgiam_profile_problem *all = NULL;
	size_t nproblems = 0, n = 0;
	const char *msg = NULL;
	int error = 0;

	if (pgiam_profile_validate(p, &first, 1, &nproblems) > 0) {
		msg = first.message;
		if ((all = calloc(64, sizeof(*all)))) {
			pgiam_profile_validate(p, all, 64, &n);
			for (size_t i = 0; i < n; i++)
				if (all[i].severity == PGIAM_PROBLEM_ERROR) {
					msg = all[i].message;
					break;
				}
		}
		error = pgiam_error_set(PGIAM_EINVAL, "not saved: %s", msg);
		free(all);
		return error;
	}
	for (size_t i = 0; i < p->count; i++)
		if ((error = pgiam_profile__value_check(p->entries[i].key, p->entries[i].value)) < 0)
			return error;
	return 0;
}

/* The file's text: keys outside any section first (iniparser reads them as ":key"),
 * then [profile], then any other sections, each in their original order. */
static int render(pgiam_buf *b, const pgiam_profile *p)
{
	const char *last_section = NULL;

	if (pgiam_buf_printf(b, "# pgiam profile \"%s\" (written by pgiam; comments are not "
			"kept)\n", p->name) < 0)
		return PGIAM_ENOMEM;
	for (size_t i = 0; i < p->count; i++)
		if (!*p->entries[i].section && write_entry(b, &p->entries[i]) < 0)
			return PGIAM_ENOMEM;
	if (pgiam_buf_puts(b, "[" SECTION "]\n") < 0)
		return PGIAM_ENOMEM;
	for (size_t i = 0; i < p->count; i++)
		if (!strcmp(p->entries[i].section, SECTION) && write_entry(b, &p->entries[i]) < 0)
			return PGIAM_ENOMEM;
	for (size_t i = 0; i < p->count; i++) {
		const char *s = p->entries[i].section;

		if (!*s || !strcmp(s, SECTION))
			continue;
		if ((!last_section || strcmp(last_section, s)) &&
				pgiam_buf_printf(b, "\n[%s]\n", s) < 0)
			return PGIAM_ENOMEM;
		last_section = s;
		if (write_entry(b, &p->entries[i]) < 0)
			return PGIAM_ENOMEM;
	}
	return 0;
}

int pgiam_profile_save(const pgiam_profile *p, const char *dir)
{
	pgiam_buf b = PGIAM_BUF_INIT, file = PGIAM_BUF_INIT;
	int error = 0;

	/* "" would join to "/NAME.ini" and make mkdir_p read past its copy */
	if (!dir || !*dir)
		return pgiam_error_set(PGIAM_EINVAL, "cannot save profile \"%s\": no profile directory given", p->name);
	if ((error = pgiam_profile_name_check(p->name, NULL, 0)) < 0)
		return pgiam_error_set(PGIAM_EINVAL, "cannot save profile \"%s\": %s", p->name,
			pgiam_error_last());
	if ((error = refuse_invalid(p)) < 0 ||
	    (error = pgiam_file_mkdir_p(dir, "the profile directory")) < 0)
		return error;
	if ((error = render(&b, p)) < 0 || (error = pgiam_buf_printf(&file, "%s.ini", p->name)) < 0) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	/* a dot temporary name that never ends in .ini, so a listing never shows it */
	error = pgiam_file_write_atomic(dir, pgiam_buf_cstr(&file), b.ptr, b.len, 0600);
cleanup:
	pgiam_buf_dispose(&file);
	pgiam_buf_dispose(&b);
	return error;
}

int pgiam_profile_delete(const char *dir, const char *name)
{
	char *path = NULL;
	int error = 0;

	if (!dir || !*dir)
		return pgiam_error_set(PGIAM_EINVAL, "cannot delete a profile: no profile directory given");
	if ((error = pgiam_profile_name_check(name, NULL, 0)) < 0)
		return error;
	if (!(path = pgiam_profile__join(dir, name, ".ini")))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (unlink(path) < 0)
		error = pgiam_error_set(errno == ENOENT ? PGIAM_ENOTFOUND : PGIAM_EIO,
			"cannot delete profile \"%s\" (%s): %s", name, path, strerror(errno));
	free(path);
	return error;
}
