/* profile_save.c - writing profiles: the atomic save (temporary file in the same
 * directory, fsync, rename, fsync of the directory, mode 0600) and deletion. */
#include "profile_priv.h"

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

static int mkdir_p(const char *dir)
{
	char *copy = pgiam_strdup(dir);
	int error = 0;

	if (!copy)
		return PGIAM_ENOMEM;
	for (char *c = copy + 1; ; c++) {
		if (*c == '/' || *c == '\0') {
			char saved = *c;
			*c = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				error = pgiam_error_set(PGIAM_EIO, "cannot create the profile directory "
					"%s: %s", copy, strerror(errno));
				goto cleanup;
			}
			*c = saved;
			if (!saved)
				break;
		}
	}
cleanup:
	free(copy);
	return error;
}

static int write_entry(pgiam_buf *b, const pgiam_profile_entry_ *e)
{
	char q = pgiam_profile__quote(e->value);
	return pgiam_buf_printf(b, "%s = %c%s%c\n", e->key, q, e->value, q);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int pgiam_profile_save(const pgiam_profile *p, const char *dir)
{
	pgiam_profile_problem first;
	size_t nproblems = 0;
	pgiam_buf b = PGIAM_BUF_INIT;
	char *path = NULL;
	char *tmp = NULL;
	const char *last_section = NULL;
	int fd = -1, dfd = -1;
	int error = 0;

	/* "" would join to "/NAME.ini" and make mkdir_p read past its copy */
	if (!dir || !*dir)
		return pgiam_error_set(PGIAM_EINVAL, "cannot save profile \"%s\": no profile directory given", p->name);
	if ((error = pgiam_profile_name_check(p->name, NULL, 0)) < 0)
		return pgiam_error_set(PGIAM_EINVAL, "cannot save profile \"%s\": %s", p->name,
			pgiam_error_last());
	if (pgiam_profile_validate(p, &first, 1, &nproblems) > 0) {
		pgiam_profile_problem *all = calloc(64, sizeof(*all));
		size_t n = 0;
		const char *msg = first.message;
		/* report the first ERROR, not a warning that may come before it */
		if (all) {
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
	if ((error = mkdir_p(dir)) < 0)
		return error;

	error = PGIAM_ENOMEM;
	if (pgiam_buf_printf(&b, "# pgiam profile \"%s\" (written by pgiam; comments are not "
			"kept)\n", p->name) < 0)
		goto cleanup;
	/* keys outside any section first (iniparser reads them as ":key"), then
	 * [profile], then any other sections, each in their original order */
	for (size_t i = 0; i < p->count; i++)
		if (!*p->entries[i].section && write_entry(&b, &p->entries[i]) < 0)
			goto cleanup;
	if (pgiam_buf_puts(&b, "[" SECTION "]\n") < 0)
		goto cleanup;
	for (size_t i = 0; i < p->count; i++)
		if (!strcmp(p->entries[i].section, SECTION) && write_entry(&b, &p->entries[i]) < 0)
			goto cleanup;
	for (size_t i = 0; i < p->count; i++) {
		const char *s = p->entries[i].section;
		if (!*s || !strcmp(s, SECTION))
			continue;
		if ((!last_section || strcmp(last_section, s)) &&
				pgiam_buf_printf(&b, "\n[%s]\n", s) < 0)
			goto cleanup;
		last_section = s;
		if (write_entry(&b, &p->entries[i]) < 0)
			goto cleanup;
	}
	if (!(path = pgiam_profile__join(dir, p->name, ".ini")))
		goto cleanup;
	{
		pgiam_buf t = PGIAM_BUF_INIT;
		/* a dot name that never ends in .ini, so a listing never shows it */
		if (pgiam_buf_printf(&t, "%s/.%s.ini.XXXXXX", dir, p->name) < 0) {
			pgiam_buf_dispose(&t);
			tmp = NULL;
			goto cleanup;
		}
		tmp = pgiam_buf_detach(&t);
		pgiam_buf_dispose(&t);
		if (!tmp)
			goto cleanup;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot create a temporary file in %s: %s", dir,
			strerror(errno));
		free(tmp);
		tmp = NULL;
		goto cleanup;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, b.ptr, b.len) < 0 || fsync(fd) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot rename %s to %s: %s", tmp, path,
			strerror(errno));
		goto cleanup;
	}
	free(tmp);
	tmp = NULL;
	/* the rename is durable only once the directory itself is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	error = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(path);
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
